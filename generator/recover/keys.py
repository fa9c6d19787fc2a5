"""Names added one at a time → an immutable set that many readings share, grown without copying it whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

# A reading that adds a key must not copy every key the mapping holds: a map of 10,000 properties would cost
# 50 million copies. New keys go to a small recent set, merged into the base once it outgrows the square root
# of the base, so an addition copies O(√n) names on average.
_MIN_RECENT: Final = 16


class Keys:
    """An immutable set of names; `add` returns a new set and leaves this one as it was."""

    __slots__ = ("_base", "_recent", "copied")

    def __init__(self, base: frozenset[str] = frozenset(), recent: frozenset[str] = frozenset(), copied: int = 0):
        self._base = base
        self._recent = recent
        self.copied = copied  # names copied to make this set: the work it cost

    def add(self, name: str) -> Keys:
        recent = self._recent | {name}
        if len(recent) > _MIN_RECENT and len(recent) ** 2 > len(self._base):
            return Keys(self._base | recent, frozenset(), len(self._base) + len(recent))
        return Keys(self._base, recent, len(recent))

    def __contains__(self, name: object) -> bool:
        return name in self._recent or name in self._base

    def __len__(self) -> int:
        return len(self._base) + len(self._recent)

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        yield from self._recent

    def within(self, names: frozenset[str]) -> bool:
        """Whether every key is one of `names` (a small set: the cost is bounded by its size)."""
        return len(self) <= len(names) and all(name in names for name in self)

    def meets(self, names: Iterable[str]) -> bool:
        """Whether some name of `names` is a key (the cost is that of iterating `names`)."""
        return any(name in self for name in names)


EMPTY: Final = Keys()
