"""A tie and the rest of the page → the most probable reading, and the evidence that made it so."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any, Final

from ..spec import pointer
from .budget import Budget
from .checks import nodes
from .lexer import Line, lex
from .state import Frame, Option, frames
from .weights import habitual

# How many mappings (or lists) holding a key (or an item) are compared with a candidate: enough to count.
_MAX_HOLDERS: Final = 2_000
_OWNERS: Final = frozenset({"Parameter", "Header", "MediaType"})
Kind = tuple[str, str]  # (grammar type, role): a property schema is ("Schema", "properties")


class Guesser:
    """What a first reading of the page shows (the keys of its mappings, the items of its lists, which kinds of
    object carry which keys) → which reading of a tie the page itself makes more probable."""

    def __init__(
        self, document: Any = None, uncertain: frozenset[str] = frozenset(), *, root: str, budget: Budget
    ) -> None:
        self.document = document
        self.budget = budget
        self.holders: dict[str, list[frozenset[str]]] = defaultdict(list)  # key → keys of each mapping with it
        self.lists: dict[str, list[frozenset[str]]] = defaultdict(list)  # item → items of each list with it
        self.kinds: Counter[Kind] = Counter()  # mappings of each kind
        self.carried: Counter[tuple[Kind, str]] = Counter()  # (kind, key) → mappings of the kind with the key
        if document is None:
            return
        for node in nodes(document, root, budget=budget):
            if node.pointer in uncertain:
                continue  # what a guessed mapping holds proves nothing
            if isinstance(node.value, dict):
                keys = frozenset(str(key) for key in node.value)
                budget.names(len(keys))
                kind = (node.spec.mapping or "", node.role)
                self.kinds[kind] += 1
                for key in keys:
                    self.holders[key].append(keys)
                    self.carried[kind, key] += 1
            elif isinstance(node.value, list):
                items = frozenset(_item(value) for value in node.value)
                budget.names(len(items))
                for item in items:
                    self.lists[item].append(items)

    def choose(self, line: Line, options: Sequence[Option]) -> tuple[int, str]:
        """The index of the most probable of the tied readings, and why."""
        holders = [option.holder or option.state.top for option in options]
        self.budget.spend(len(holders))
        found: tuple[int, str] | None = None
        if line.item:
            found = self._items(line, holders)
        elif line.key is not None:
            found = self._same_keys(line.key, holders) or self._same_kind(line.key, holders)
        if found is not None:
            return found
        first, second = holders[0], holders[1]
        if first.map_type is not None and first.map_type.name in _OWNERS and second.parent is first:
            return 0, "nothing on the page tells them apart; an object annotates itself more often than its schema"
        if habitual(options):
            return 0, "nothing on the page tells them apart; a key after a schema's last property mostly continues it"
        return 0, "nothing on the page tells them apart; the grammar's first reading"

    def _same_keys(self, key: str, holders: Sequence[Frame]) -> tuple[int, str] | None:
        """The candidate whose keys so far sit beside `key` in more of the page's other mappings."""
        support: list[int] = []
        for frame in holders:
            keys = list(frame.keys)
            count = 0
            if keys:
                for held in self.holders.get(key, ())[:_MAX_HOLDERS]:
                    self.budget.spend(1 + len(keys) // 8)
                    if all(name in held for name in keys):
                        count += 1
            support.append(count)
        best = _unique_max(support)
        if best is None:
            return None
        names = sorted(holders[best].keys)
        shown = ", ".join(f"`{name}`" for name in names[:3]) + ("…" if len(names) > 3 else "")
        against = ", ".join(str(n) for k, n in enumerate(support) if k != best)
        mappings = "mapping" if support[best] == 1 else "mappings"
        return best, f"`{key}` sits beside {shown} in {support[best]} other {mappings} on the page, against {against}"

    def _same_kind(self, key: str, holders: Sequence[Frame]) -> tuple[int, str] | None:
        """The candidate whose kind of object (a property schema, a media type, ...) carries `key` more often."""
        kinds = [_kind(frame) for frame in holders]
        shares = [self.carried[kind, key] / self.kinds[kind] if self.kinds[kind] else 0.0 for kind in kinds]
        best = _unique_max(shares)
        if best is None:
            return None
        told = ", against ".join(f"{self.carried[kind, key]} of {self.kinds[kind]} {_describe(kind)}" for kind in kinds)
        return best, f"`{key}` is on {told} on the page"

    def _items(self, line: Line, holders: Sequence[Frame]) -> tuple[int, str] | None:
        """The list whose items so far appear beside this item in more of the page's other lists."""
        item = _line_item(line)
        support: list[int] = []
        for frame in holders:
            seq = next((f for f in frames(frame) if f.item_spec is not None), None)
            before = self._items_of(seq) if seq is not None else None
            count = 0
            if before:
                for held in self.lists.get(item, ())[:_MAX_HOLDERS]:
                    self.budget.spend(1 + len(before) // 64)
                    if before <= held:
                        count += 1
            support.append(count)
        best = _unique_max(support)
        if best is None:
            return None
        return best, f"{support[best]} other lists on the page hold this item beside the items before it"

    def _items_of(self, seq: Frame) -> frozenset[str] | None:
        """The items a list held before the tie, as the first reading has them (when it agrees on their count)."""
        found = pointer.resolve(self.document, seq.pointer) if self.document is not None else pointer.MISSING
        if not isinstance(found, list) or len(found) < seq.length:
            return None
        self.budget.names(seq.length)
        return frozenset(_item(value) for value in found[: seq.length])


def _unique_max(values: Sequence[float]) -> int | None:
    best = max(values, default=0)
    if not best or list(values).count(best) > 1:
        return None
    return list(values).index(best)


def _kind(frame: Frame) -> Kind:
    """A mapping's kind as the page names it: a property schema is one under `properties`, whatever its name."""
    parent = frame.parent
    role = frame.role
    if parent is not None and parent.map_type is not None and parent.map_type.values is not None:
        role = parent.role
    return (frame.map_type.name if frame.map_type is not None else "", role)


def _describe(kind: Kind) -> str:
    type_name, role = kind
    return f"{type_name or 'data'} objects under `{role}`" if role else f"{type_name or 'data'} objects"


def _item(value: Any) -> str:
    """An item as lists are compared: a reference by its target, a scalar by its text, anything else by shape."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        return f"$ref:{ref}" if isinstance(ref, str) else "{" + str(next(iter(value), "")) + "}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, bool):
        return "=" + str(value).lower()
    return "=" + ("null" if value is None else str(value))


def _line_item(line: Line) -> str:
    """The item a `- ...` line starts, in the terms of `_item` (a mapping by its first key: a guess at its least)."""
    value = line.value
    assert value is not None
    if value.kind == "item":
        inner = lex(line.number, value.text)
        if inner.key == "$ref" and inner.value is not None:
            return f"$ref:{inner.value.text}"
        return "{" + inner.key + "}" if inner.key is not None else "[]"
    return "=" + value.text if value.kind == "scalar" else "?"
