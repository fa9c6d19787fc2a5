"""A first reading of a page → what its schemas say about its example data, and its examples about its schemas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from ..spec import pointer
from .budget import Budget
from .keys import Keys

# How well a key fits a mapping of example data, by the schema of that mapping.
_UNDECLARED, _OPEN, _DECLARED = 0, 1, 2
_DATA_ROOTS: Final = frozenset({"example", "default", "const"})
_NAME_MAPS: Final = frozenset({"properties", "patternProperties", "schemas", "definitions", "$defs", "examples"})
_COMPOSITION: Final = ("allOf", "anyOf", "oneOf")
# How deep compositions and example data are followed: reference chains end, cycles do not.
_MAX_MEMBERS_DEPTH: Final = 8
_MAX_DATA_DEPTH: Final = 32
_MAX_REF_CHAIN: Final = 20

Located = tuple[str, Any]  # (pointer, node)


class Evidence:
    """What the schemas of a first reading say about its example data, and the other way round. Only what that
    reading was certain of counts: a mapping noted as `uncertain` (a tie it broke by guessing) proves nothing."""

    def __init__(self, document: Any, uncertain: frozenset[str], *, budget: Budget | None = None) -> None:
        self.document = document
        self.uncertain = uncertain
        self.budget = budget
        # Schema pointer → keys its example instances hold.
        self.instances: dict[str, set[str]] = {}
        for where, schema, data in self._data_roots(document, ""):
            self._note(schema, data, where, 0)

    def _spend(self, units: int = 1) -> None:
        if self.budget is not None:
            self.budget.spend(units)

    def choose(self, kind: str, containers: Sequence[str], key: str) -> int | None:
        """The one container the evidence puts `key` in (an index), or None."""
        if kind == "data":
            fits = [self._fit(container, key) for container in containers]
            best = max(fits)
            winners = [k for k, fit in enumerate(fits) if fit == best]
            decisive = best == _DECLARED or all(fit == _UNDECLARED for k, fit in enumerate(fits) if k != winners[0])
            return winners[0] if len(winners) == 1 and decisive else None
        # A property: the schema whose examples hold the key, when the others' examples lack it.
        seen = [self.instances.get(_owner(container)) for container in containers]
        winners = [k for k, keys in enumerate(seen) if keys is not None and key in keys]
        return winners[0] if len(winners) == 1 else None

    # -- example data → the schema describing it ------------------------------

    def _fit(self, container: str, key: str) -> int:
        """Whether the schema of the data mapping at `container` declares `key`."""
        found = self._schema_at(pointer.split(container))
        names = self.declared(found) if found is not None else None
        if names is None:
            return _OPEN
        return _DECLARED if key in names else _UNDECLARED

    def _schema_at(self, parts: list[str]) -> Located | None:
        """The schema (pointer, node) describing the example data at a pointer."""
        node: Any = self.document
        where = ""
        nodes: list[Any] = []
        for index, part in enumerate(parts):
            self._spend()
            if isinstance(node, dict) and not (index and parts[index - 1] in _NAME_MAPS):
                root = self._root_schema(nodes, node, parts, index, where)
                if root is not None:
                    return self._walk(root, parts[index + 1 :])
            nodes.append(node)
            node = pointer.resolve(node, pointer.join("", part))
            where = pointer.join(where, part)
            if node is pointer.MISSING:
                return None
        return None

    def _root_schema(
        self, nodes: list[Any], node: dict[str, Any], parts: list[str], index: int, where: str
    ) -> Located | None:
        """The schema of the data that starts below `node` at parts[index], if data starts there."""
        part = parts[index]
        if part in _DATA_ROOTS:
            if "schema" in node:
                return pointer.join(where, "schema"), node["schema"]
            return where, node
        if part == "value" and index >= 2 and parts[index - 2] == "examples" and isinstance(nodes[-2], dict):
            media = nodes[-2]
            if "schema" in media:
                owner = pointer.split(where)[:-2]
                return pointer.join("", *owner, "schema"), media["schema"]
        return None

    def _walk(self, schema: Located, parts: list[str]) -> Located | None:
        current: Located | None = schema
        for part in parts:
            self._spend()
            current = self._resolve(current)
            if current is None or not isinstance(current[1], dict):
                return None
            if part.isdigit() and "items" in current[1]:
                current = (pointer.join(current[0], "items"), current[1]["items"])
                continue
            current = self._property(current, part)
        return self._resolve(current)

    def _property(self, schema: Located, name: str) -> Located | None:
        for where, member in self._members(schema, 0):
            properties = member.get("properties")
            if isinstance(properties, dict) and name in properties:
                return pointer.join(where, "properties", name), properties[name]
        return None

    def _resolve(self, schema: Located | None) -> Located | None:
        for _ in range(_MAX_REF_CHAIN):
            self._spend()
            if schema is None:
                return None
            node = schema[1]
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                return schema
            target = pointer.resolve(self.document, ref)
            schema = (pointer.canonical(ref)[1:], target) if target is not pointer.MISSING else None
        return None

    def _members(self, schema: Located | None, depth: int) -> list[tuple[str, dict[str, Any]]]:
        """A schema and the schemas it composes, references followed."""
        resolved = self._resolve(schema)
        if resolved is None or not isinstance(resolved[1], dict) or depth > _MAX_MEMBERS_DEPTH:
            return []
        where, node = resolved
        members = [(where, node)]
        for keyword in _COMPOSITION:
            parts = node.get(keyword)
            for k, part in enumerate(parts if isinstance(parts, list) else []):
                members += self._members((pointer.join(where, keyword, k), part), depth + 1)
        return members

    def declared(self, schema: Located) -> frozenset[str] | None:
        """The property names a schema declares; None when it declares none, or when where its properties went
        was itself a guess."""
        names: set[str] = set()
        for where, member in self._members(schema, 0):
            properties = member.get("properties")
            if isinstance(properties, dict):
                if pointer.join(where, "properties") in self.uncertain:
                    return None
                self._spend(1 + len(properties) // 64)
                names.update(str(name) for name in properties)
        return frozenset(names) if names else None

    # -- schemas ← their example instances ------------------------------------

    def _data_roots(self, node: Any, where: str, role: object = None) -> Iterable[tuple[str, Located, Any]]:
        """(data pointer, schema, data) for every example with a known schema; `role` is the key `node` is under."""
        self._spend()
        if isinstance(node, list):
            for k, item in enumerate(node):
                yield from self._data_roots(item, pointer.join(where, k), k)
            return
        if not isinstance(node, dict):
            return
        names = role in _NAME_MAPS
        for key, value in node.items():
            child = pointer.join(where, key)
            if names or not isinstance(key, str):
                yield from self._data_roots(value, child, key)
            elif key in _DATA_ROOTS:
                schema = (pointer.join(where, "schema"), node["schema"]) if "schema" in node else (where, node)
                yield child, schema, value
            elif key == "examples" and isinstance(value, dict) and "schema" in node:
                for name, example in value.items():
                    if isinstance(example, dict) and "value" in example:
                        at = pointer.join(child, name, "value")
                        yield at, (pointer.join(where, "schema"), node["schema"]), example["value"]
            elif not key.startswith("x-"):
                yield from self._data_roots(value, child, key)

    def _note(self, schema: Located | None, data: Any, where: str, depth: int) -> None:
        """Record the keys of example data under the schema (and its parts) describing them."""
        self._spend()
        if schema is None or depth > _MAX_DATA_DEPTH:
            return
        resolved = self._resolve(schema)
        if resolved is None or not isinstance(resolved[1], dict):
            return
        if isinstance(data, list) and "items" in resolved[1]:
            items = (pointer.join(resolved[0], "items"), resolved[1]["items"])
            for k, item in enumerate(data):
                self._note(items, item, pointer.join(where, k), depth + 1)
        elif isinstance(data, dict):
            if where not in self.uncertain:  # which keys a guessed mapping holds proves nothing
                for member, _ in self._members(resolved, 0):
                    self._spend(1 + len(data) // 64)
                    self.instances.setdefault(member, set()).update(str(key) for key in data)
            for key, value in data.items():
                self._note(self._property(resolved, str(key)), value, pointer.join(where, key), depth + 1)


def _owner(container: str) -> str:
    """The schema whose `properties` map is at `container` (the container itself if it is no such map)."""
    parts = pointer.split(container)
    return pointer.join("", *parts[:-1]) if parts and parts[-1] == "properties" else container


def known_schemas(document: Any, uncertain: frozenset[str], *, budget: Budget) -> dict[str, Keys]:
    """`$ref` → the property names each component schema of a reading declares."""
    if not isinstance(document, dict):
        return {}
    evidence = Evidence(document, uncertain, budget=budget)
    known: dict[str, Keys] = {}
    for section in ("/components/schemas", "/definitions"):
        schemas = pointer.resolve(document, section)
        for name, schema in schemas.items() if isinstance(schemas, dict) else ():
            where = pointer.join(section, str(name))
            names = evidence.declared((where, schema))
            if names is not None:
                known["#" + where] = Keys(names)
    return known


def example_keys(document: Any) -> dict[str, set[str]]:
    """Schema pointer → the keys the document's examples of that schema hold."""
    return Evidence(document, frozenset()).instances
