"""A recovered document → each node with its grammar type, and every OpenAPI rule a node breaks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..spec import pointer
from .budget import Budget
from .grammar import (
    ANY,
    EXCLUSIVE,
    MANDATORY,
    MAP_TYPES,
    REF_SIBLINGS,
    REFERABLE,
    RESPONDING,
    SCHEMA,
    SINGLE,
    SPECS,
    MapType,
    Spec,
)


@dataclass(frozen=True, slots=True)
class Node:
    """A node of the document where the grammar puts it."""

    pointer: str
    spec: Spec
    role: str  # the key it is the value of (a list's key, for its items)
    value: Any

    @property
    def map_type(self) -> MapType | None:
        return MAP_TYPES[self.spec.mapping] if self.spec.mapping is not None else None


def nodes(document: Any, root: str, *, budget: Budget | None = None) -> Iterator[Node]:
    """Every mapping and list of the document in document order, typed by the grammar (free-form data is one node;
    scalars break no rule, so they are skipped)."""
    stack = [Node("", SPECS[root], "", document)]
    while stack:
        if budget is not None:
            budget.spend(1)
        node = stack.pop()
        yield node
        value, spec = node.value, node.spec
        if spec is ANY:
            continue
        if isinstance(value, dict) and node.map_type is not None:
            children = [
                Node(pointer.join(node.pointer, key), child, str(key), item)
                for key, item in value.items()
                if isinstance(item, (dict, list)) and (child := _field(node.map_type, str(key))) is not None
            ]
            stack.extend(reversed(children))
        elif isinstance(value, list) and spec.sequence is not None:
            item_spec = SPECS[spec.sequence]
            stack.extend(
                Node(pointer.join(node.pointer, k), item_spec, node.role, item)
                for k, item in reversed(list(enumerate(value)))
                if isinstance(item, (dict, list))
            )


def violations(document: Any, root: str, *, budget: Budget | None = None) -> Iterator[tuple[str, str]]:
    """(pointer, what is wrong) for every node that breaks a rule of OpenAPI's no reading may break."""
    version = str(document.get("openapi", "")) if isinstance(document, dict) else ""
    before_3_1 = not re.match(r"3\.[1-9]", version)
    for node in nodes(document, root, budget=budget):
        value, spec, map_type = node.value, node.spec, node.map_type
        if isinstance(value, dict) and map_type is None:
            yield node.pointer, f"a mapping cannot stand here ({spec.text})"
        elif isinstance(value, list) and spec.sequence is None:
            yield node.pointer, f"a list cannot stand here ({spec.text})"
        elif isinstance(value, dict) and map_type is not None:
            yield from _object(node.pointer, map_type, value, before_3_1=before_3_1)


def _object(where: str, map_type: MapType, value: dict[Any, Any], *, before_3_1: bool) -> Iterator[tuple[str, str]]:
    keys = {str(key) for key in value}
    if map_type is not SCHEMA and not map_type.free:
        for key in sorted(keys):
            if _field(map_type, key) is None:
                yield pointer.join(where, key), f"`{key}` is no field of {_a(map_type.name)}"
    for pair in EXCLUSIVE.get(map_type.name, ()):
        if pair <= keys:
            first, second = sorted(pair)
            yield where, f"{_a(map_type.name)} holds `{first}` or `{second}`, never both"
    if map_type.name in REFERABLE and "$ref" in keys:
        beside = sorted(key for key in keys if not (key in REF_SIBLINGS or key.startswith("x-")))
        if beside:
            yield where, f"a reference takes nothing beside `$ref` but a summary and a description: {beside}"
    if map_type.name in SINGLE and len(keys) > 1:
        yield where, "a parameter's or header's content names a single media type"
    mandatory = (
        *MANDATORY.get(map_type.name, ()),
        *(("responses",) if before_3_1 and map_type.name in RESPONDING else ()),
    )
    missing = [key for key in mandatory if key not in keys]
    if missing and "$ref" not in keys:
        yield where, f"{_a(map_type.name)} needs {', '.join(f'`{key}`' for key in missing)}"


def _field(map_type: MapType, key: str) -> Spec | None:
    """The spec of a key in a mapping of this type, or None where the grammar has no place for it."""
    if map_type.free:
        return ANY
    field = map_type.fields.get(key)
    if field is not None:
        return SPECS[field]
    if key.startswith("x-") and map_type.extensions:
        return ANY
    if map_type.values is None:
        return ANY if map_type is SCHEMA else None  # JSON Schema ignores keywords it does not know
    if map_type.key_pattern is not None and not map_type.key_pattern.match(key):
        return None
    return SPECS[map_type.values]


def _a(name: str) -> str:
    return f"an {name}" if name[:1] in "AEIOU" else f"a {name}"
