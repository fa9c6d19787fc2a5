"""Page size → the work recovery may do, counted in units of bounded cost; a located stop once it is spent."""

from __future__ import annotations

from typing import Final

# What a unit is: one step of the search (a line read in some state), one open collection looked at, one reading
# built, or a bounded slice of other work (copying names, loading YAML, walking a document) charged in
# proportion. tests/recover/test_budget.py checks that no unit hides unbounded work, and bench/recovery.py
# measures the seconds a unit takes: the limits below keep the worst case near 1 s per 100 KB of page.
UNITS_PER_BYTE: Final = 3
BASE_UNITS: Final = 150_000
# Units per reading of a line built (a key entered into a mapping, an item into a list): the dearest step.
UNITS_PER_READING: Final = 4
# Units per line lexed: a line is matched against several patterns before any reading starts.
UNITS_PER_LEXED_LINE: Final = 5
# Names copied (by set operations) per unit: a copy is C code, a hundred times faster than a step.
NAMES_PER_UNIT: Final = 256
# Units per line of YAML loaded, when a reading is checked or read for evidence (PyYAML builds each node in Python).
UNITS_PER_LOADED_LINE: Final = 6


class Exhausted(Exception):
    """The work recovery may do on this page is spent."""

    def __init__(self, index: int, spent: int) -> None:
        super().__init__(index)
        self.index = index  # the block line being read
        self.spent = spent


class Budget:
    """The units one `recover` call may still spend, across all its readings of the page."""

    __slots__ = ("at", "left", "limit")

    def __init__(self, size: int, *, limit: int | None = None) -> None:
        self.limit = limit_for(size) if limit is None else limit
        self.left = self.limit
        self.at = 0  # the line being read, to locate the stop

    @property
    def spent(self) -> int:
        return self.limit - self.left

    def spend(self, units: int) -> None:
        """Charge for work about to be done; refuse it, leaving the rest unspent, when it does not fit."""
        if units > self.left:
            raise Exhausted(self.at, self.spent)
        self.left -= units

    def names(self, copied: int) -> None:
        """Charge for copying `copied` names."""
        self.spend(1 + copied // NAMES_PER_UNIT)


def limit_for(size: int) -> int:
    """The units a page of `size` bytes may take."""
    return BASE_UNITS + UNITS_PER_BYTE * size
