"""Document → a digest for each value that a check may read through `$ref`s: its text and the text of everything
it reaches. A check that reads only a value and what its references lead to gives the same answer for the
same digest, in this run or the next one, wherever the value sits in the document (spec/validate.py remembers
the Schema Objects whose checks found nothing by it)."""

from __future__ import annotations

from typing import Any, Final

from .. import fingerprint
from .pointer import canonical, join, resolve

# `$id` gives the references under it another base: "#/a" there is not this document's "/a". A document with one
# gets no digests. A reference whose target is chosen while validating is taken to reach the whole document:
# `$dynamicRef` (a keyword of the 3.1 dialect), and `$recursiveRef` where a schema names its own dialect with
# `$schema` (only JSON Schema 2019-09 reads it, and the validators change dialect only at a `$schema`).
_REBASED: Final = "$id"
_DYNAMIC: Final = "$dynamicRef"
_RECURSIVE: Final = "$recursiveRef"
_DIALECT: Final = "$schema"
_REFERRING: Final = frozenset({"$ref", _DYNAMIC, _RECURSIVE})


class Closures:
    """The digests of one document. `of(value)` is None when the document's references cannot all be followed
    here (one to another file, or a keyword above), or the value reaches a place that is not there."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._read = False
        self._reached: dict[str, str] | None = None  # ref target pointer → digest of all it reaches
        self._recursive = False  # whether the document's `$recursiveRef`s are read
        self._of: dict[int, str | None] = {}
        self._keep: list[Any] = []  # the values digested by id, held so that no id is reused during the run

    def of(self, value: Any, *context: str) -> str | None:
        """The digest of `value` (a node of the document) with everything it reaches, and `context`."""
        reached = self._targets()
        if reached is None:
            return None
        key = id(value)
        if key not in self._of:
            self._keep.append(value)
            self._of[key] = _digest(value, reached, recursive=self._recursive)
        own = self._of[key]
        return None if own is None else fingerprint.digest("closure", own, *context)

    def _targets(self) -> dict[str, str] | None:
        if not self._read:
            self._read = True
            self._reached, self._recursive = _reached(self._data)
        return self._reached


def _digest(value: Any, reached: dict[str, str], *, recursive: bool) -> str | None:
    try:
        text = repr(value)
    except RecursionError:
        return None
    targets = _targets(value, recursive=recursive)
    if targets is None or not targets <= reached.keys():
        return None
    return fingerprint.digest(text, *sorted({reached[target] for target in targets}))


def _reached(data: Any) -> tuple[dict[str, str] | None, bool]:
    """Each reference target's digest over its own text and the digests of the targets it reaches, found per
    strongly connected group of targets (a cycle's members reach each other, and share one); and whether the
    document's `$recursiveRef`s are read (a schema names its dialect)."""
    read = _links(data)
    if read is None:
        return None, False
    links, recursive, dialect = read
    if dialect:
        links += recursive
    edges: dict[str, set[str]] = {target: set() for _, target in links}
    for container, target in links:  # each target holding the reference reaches what it names
        holder = container
        while True:
            if holder in edges:
                edges[holder].add(target)
            if "/" not in holder:
                break
            holder = holder.rpartition("/")[0]
    texts: dict[str, str] = {}
    for target in edges:
        try:
            texts[target] = repr(resolve(data, target))
        except RecursionError:
            return None, False
    digests: dict[str, str] = {}
    for group in _groups(edges):  # each group after every group it reaches
        members = set(group)
        beyond = sorted({digests[t] for member in group for t in edges[member] if t not in members})
        shared = fingerprint.digest("group", *sorted(f"{m}\n{texts[m]}" for m in group), *beyond)
        for member in group:
            digests[member] = fingerprint.digest(texts[member], shared)
    return digests, dialect


def _links(data: Any, *, placed: bool = True) -> tuple[list[tuple[str, str]], list[tuple[str, str]], bool] | None:
    """(pointer of the mapping that refers, pointer it reaches) for every reference under `data`, and apart for
    its `$recursiveRef`s; and whether a mapping names its dialect (`$schema`). None when a reference cannot be
    followed here. A pointer is spelled only for a mapping that refers, and not at all unless `placed`."""
    found: list[tuple[str, str]] = []
    recursive: list[tuple[str, str]] = []
    dialect = False
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            if _REBASED in value:
                return None
            where = join("#", *path) if placed and _REFERRING.intersection(value) else ""
            ref = value.get("$ref")
            if isinstance(ref, str):
                if not (ref == "#" or ref.startswith("#/")):
                    return None
                found.append((where, canonical(ref)))
            if _DYNAMIC in value:
                found.append((where, "#"))
            if _RECURSIVE in value:
                recursive.append((where, "#"))
            dialect = dialect or _DIALECT in value
            stack.extend(((*path, k) if placed else (), v) for k, v in value.items() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(((*path, i) if placed else (), v) for i, v in enumerate(value) if isinstance(v, dict | list))
    return found, recursive, dialect


def _targets(value: Any, *, recursive: bool) -> set[str] | None:
    """The pointers the references under `value` reach, as `_links` reads them (`$recursiveRef`s when
    `recursive`)."""
    read = _links(value, placed=False)
    if read is None:
        return None
    found, recursive_found, _ = read
    return {target for _, target in found + (recursive_found if recursive else [])}


def _groups(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively, each listed after all those it reaches."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
