"""Valid spec → the model engine's input: every schema the package types, with a class of its own where it needs
one and a name from where it sits.

The engine (datamodel-code-generator) is the one authority from schema to Python type. It names inline schemas
itself (`Type22`, `Model9`), types only component schemas, and reads a few shapes wrongly; so before it runs:
- every inline object and enum schema moves to `components/schemas` under a name derived from its place
  (`PetOwner`, `ListPetsResponse`, `CreateBookingBody`, `ListPetsSort`), leaving a `$ref` behind;
- the schemas operations use directly (parameters, bodies, responses) become the properties of one extra
  component, the slot carrier, so that the engine types them too; its class is dropped from the output;
- shapes the engine misreads are rewritten into equivalent ones it reads right (see `_normalise`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .. import names
from ..errors import fail
from ..spec import openapi, pointer

SCHEMAS: Final = "#/components/schemas"
# Component keys the engine takes as they are; others (dots make it split modules, non-ASCII reaches class
# names unfolded) get an ASCII stand-in.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON_TYPES: Final = (("boolean", bool), ("integer", int), ("number", float), ("string", str))
# Media types whose content is text: a string carrying one is text; any other contentMediaType is binary.
_TEXT_MEDIA = re.compile(r"^(text/|application/(json|xml|yaml|x-yaml|javascript)|.*\+(json|xml|yaml)$)")
_MAX_NESTING: Final = 150


@dataclass
class Plan:
    """The engine's document, and how its components map back to the spec's schemas."""

    document: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)  # engine component pointer → spec schema pointer
    slots: dict[str, str] = field(default_factory=dict)  # carrier property → spec schema pointer
    carrier: str = ""  # the carrier component's key ("" when no operation has a typed schema)


def plan(data: Mapping[str, Any], *, file: str, overrides: Mapping[str, str] = {}) -> Plan:
    """Normalise and hoist every schema; `overrides` renames models by spec pointer or by generated name."""
    return _Hoister(data, file, overrides).run()


class _Hoister:
    def __init__(self, data: Mapping[str, Any], file: str, overrides: Mapping[str, str]) -> None:
        self.data = data
        self.file = file
        self.overrides = overrides
        self.doc: dict[str, Any] = copy.deepcopy(dict(data))
        components = self.doc.get("components")
        self.components: dict[str, Any] = components if isinstance(components, dict) else {}
        self.doc["components"] = self.components
        schemas = self.components.get("schemas")
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.components["schemas"] = self.schemas
        self.keys = names.Namespace()
        self.moved: dict[str, str] = {}  # spec pointer → the component pointer it now lives at
        self.result = Plan(self.doc)

    def run(self) -> Plan:
        self._rekey_components()
        for key in list(self.schemas):
            where = self.result.origins[pointer.join(SCHEMAS, key)]
            self.schemas[key] = self._visit(self.schemas[key], where, key, root=True)
        self._operations()
        self._rewrite_refs()
        return self.result

    # --- naming ---------------------------------------------------------------------------------------------

    def _rekey_components(self) -> None:
        """Component keys the engine can use, FastAPI's `Body_*` keys renamed after their operation, and the
        maintainer's overrides applied; every key is claimed before any inline schema is named."""
        bodies = self._body_components()
        renamed: dict[str, str] = {}
        plain = [k for k in self.schemas if _PLAIN_KEY.fullmatch(str(k)) and k not in bodies]
        self.keys = names.Namespace(self._override(pointer.join(SCHEMAS, k), k) for k in plain)
        for key in self.schemas:
            original = pointer.join(SCHEMAS, key)
            if key in plain:
                renamed[key] = self._override(original, key)
            else:
                wanted = bodies.get(key) or names.pascal(str(key), fallback="Schema")
                renamed[key] = self.keys.claim(self._override(original, wanted))
        self.schemas = {renamed[k]: v for k, v in self.schemas.items()}
        self.components["schemas"] = self.schemas
        for old, new in renamed.items():
            self.result.origins[pointer.join(SCHEMAS, new)] = pointer.join(SCHEMAS, old)
            if old != new:
                self.moved[pointer.join(SCHEMAS, old)] = pointer.join(SCHEMAS, new)

    def _override(self, where: str, generated: str) -> str:
        return self.overrides.get(where) or self.overrides.get(generated) or generated

    def _body_components(self) -> dict[str, str]:
        """FastAPI names a form or multipart body's schema `Body_<function>_<route>_<method>`: such a component,
        used by one operation's request body alone, is named after that operation instead."""
        used: dict[str, list[str]] = {}
        for where, ref in openapi.refs(self.data):
            target = pointer.split(ref)
            if len(target) == 3 and target[:2] == ["components", "schemas"]:
                used.setdefault(target[2], []).append(where)
        found: dict[str, str] = {}
        for site in openapi.operations(self.data):
            for slot in openapi.slots(self.data, site):
                schema = slot.schema
                if slot.role != "body" or not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
                    continue
                target = pointer.split(schema["$ref"])
                key = target[2] if len(target) == 3 and target[:2] == ["components", "schemas"] else ""
                if key.startswith("Body_") and len(used.get(key, ())) == 1:
                    found[key] = self._operation_base(site) + "Body"
        return found

    def _operation_base(self, site: openapi.Site) -> str:
        op_id = site.operation.get("operationId")
        method = names.operation_name(str(op_id) if op_id else None, method=site.method, path=site.path)
        return names.pascal(method, fallback="Operation")

    def _claim(self, where: str, wanted: str) -> str:
        return self.keys.claim(self._override(where, names.pascal(wanted, fallback="Model")))

    # --- schemas --------------------------------------------------------------------------------------------

    def _visit(self, schema: Any, where: str, base: str, *, root: bool = False, depth: int = 0) -> Any:
        """The schema at `where` (a spec pointer), normalised, its inline pieces hoisted; a schema that needs a
        class of its own (unless it is a component already, `root`) is hoisted too and a `$ref` returned."""
        if depth > _MAX_NESTING:
            raise fail(self.file, None, where, f"schemas nest deeper than {_MAX_NESTING} levels")
        if not isinstance(schema, dict):
            return schema
        if isinstance(schema.get("$ref"), str):
            ref = pointer.canonical(schema["$ref"]) if pointer.is_local(schema["$ref"]) else schema["$ref"]
            return {**schema, "$ref": ref}
        schema = self._normalise(schema, where, base, root=root, depth=depth)
        nullable = None
        if not root and self._needs_class(schema):
            schema, nullable = _split_null(schema)
        for key in ("properties", "patternProperties"):
            if isinstance(schema.get(key), dict):
                schema[key] = {
                    name: self._visit(sub, pointer.join(where, key, name), base + names.pascal(name), depth=depth + 1)
                    for name, sub in schema[key].items()
                }
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(schema.get(key), dict):
                schema[key] = self._visit(schema[key], pointer.join(where, key), base + suffix, depth=depth + 1)
        if isinstance(schema.get("items"), list):
            schema["items"] = [
                self._visit(sub, pointer.join(where, "prefixItems", i), f"{base}Item{i + 1}", depth=depth + 1)
                for i, sub in enumerate(schema["items"])
            ]
        if isinstance(schema.get("allOf"), list):
            # An inline allOf part adds fields to this very class: it is visited in place, never hoisted.
            schema["allOf"] = [
                self._visit_part(sub, pointer.join(where, "allOf", i), base, depth + 1)
                for i, sub in enumerate(schema["allOf"])
            ]
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                members = schema[key]
                schema[key] = [
                    self._visit(
                        sub, pointer.join(where, key, i), self._member_name(sub, base, i, members), depth=depth + 1
                    )
                    for i, sub in enumerate(members)
                ]
        if root or not self._needs_class(schema):
            return schema
        key = self._claim(where, base)
        self.schemas[key] = schema
        self.result.origins[pointer.join(SCHEMAS, key)] = where
        self.moved[where] = pointer.join(SCHEMAS, key)
        ref: dict[str, Any] = {"$ref": pointer.join(SCHEMAS, key)}
        return nullable(ref) if nullable else ref

    def _visit_part(self, schema: Any, where: str, base: str, depth: int) -> Any:
        if isinstance(schema, dict) and not isinstance(schema.get("$ref"), str):
            return self._visit(schema, where, base, root=True, depth=depth)
        return self._visit(schema, where, base, depth=depth)

    def _member_name(self, member: Any, base: str, index: int, members: list[Any]) -> str:
        """A union member's name: its title, else the value of the property that tells the members apart, else
        its position; a union of one type and null lends the member its own name."""
        if not isinstance(member, dict):
            return base
        if sum(1 for m in members if not _is_null(m)) == 1:
            return base
        if isinstance(member.get("title"), str) and names.words(member["title"]):
            return base + names.pascal(member["title"])
        for sub in (member.get("properties") or {}).values() if isinstance(member.get("properties"), dict) else ():
            tag = _single_value(sub)
            if isinstance(tag, str) and names.words(tag):
                return base + names.pascal(tag)
        return f"{base}Option{index + 1}"

    def _needs_class(self, schema: dict[str, Any]) -> bool:
        if isinstance(schema.get("enum"), list):
            return True
        if isinstance(schema.get("properties"), dict) and schema["properties"]:
            return True
        parts = schema.get("allOf")
        if isinstance(parts, list) and parts:
            # One part and nothing else is that part's type; several parts, or own fields, make a class.
            own = isinstance(schema.get("properties"), dict) and bool(schema["properties"])
            return len(parts) > 1 or own or not isinstance(parts[0], dict) or "$ref" not in parts[0]
        return False

    def _normalise(self, schema: dict[str, Any], where: str, base: str, *, root: bool, depth: int) -> dict[str, Any]:
        """The same schema in shapes the engine reads right."""
        schema = dict(schema)
        _binary(schema)
        _tuple(schema)
        if isinstance(schema.get("enum"), list):
            schema = self._enum(schema, where, base, root=root, depth=depth)
        parts = schema.get("allOf")
        if isinstance(parts, list):
            for part in parts:
                ref = part.get("$ref") if isinstance(part, dict) else None
                if isinstance(ref, str) and pointer.is_local(ref) and pointer.canonical(ref) == where:
                    raise fail(self.file, None, where, "the schema is one of its own allOf parts: it cannot be a class")
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            mapping = {
                k: pointer.canonical(v) if pointer.is_local(v) else v for k, v in discriminator["mapping"].items()
            }
            schema["discriminator"] = {**discriminator, "mapping": mapping}
        return schema

    def _enum(self, schema: dict[str, Any], where: str, base: str, *, root: bool, depth: int) -> dict[str, Any]:
        values = list(_unique(schema["enum"]))
        has_null = any(v is None for v in values)
        values = [v for v in values if v is not None]
        groups: dict[str, list[Any]] = {}
        for value in values:
            groups.setdefault(_json_type(value), []).append(value)
        if len(groups) <= 1 and not has_null:
            kind = next(iter(groups), "")
            if len(values) == 1 and not root:
                # One value inline is a constant (a union member's tag, usually): a Literal, not an enum class.
                rest = {k: v for k, v in schema.items() if k != "enum"}
                return {**rest, "const": values[0], **({"type": kind} if kind in _TYPES_BY_NAME else {})}
            if kind in _TYPES_BY_NAME:
                schema["type"] = kind
            schema["enum"] = values
            return schema
        # Values of several JSON types (1, true, "1") or with null: one enum per type, so that no value can
        # alias another that compares equal (True == 1), and null as its own member of the union.
        annotations = {k: v for k, v in schema.items() if k in ("description", "title", "default", "example")}
        members: list[Any] = []
        for kind, group in groups.items():
            member = {"type": kind, "enum": group} if kind in _TYPES_BY_NAME else {"enum": group}
            # An enum and null keeps the enum's own name; several types are told apart by theirs.
            alone = len(groups) == 1 and not root
            name = base if alone else base + names.pascal(kind)
            at = where if alone else pointer.join(where, "anyOf", len(members))
            members.append(self._visit(member, at, name, depth=depth + 1))
        if has_null:
            members.append({"type": "null"})
        if len(members) == 1:
            return {**annotations, "allOf": members} if members[0].get("$ref") else {**annotations, **members[0]}
        return {**annotations, "anyOf": members}

    # --- operations ------------------------------------------------------------------------------------------

    def _operations(self) -> None:
        """Every schema an operation uses directly becomes a required property of the slot carrier."""
        carrier: dict[str, Any] = {}
        done: set[str] = set()
        for site in openapi.operations(self.data):
            base = self._operation_base(site)
            successes = 0
            for slot in openapi.slots(self.data, site):
                if slot.pointer in done:
                    continue  # a shared parameter or response: typed once
                done.add(slot.pointer)
                if slot.role == "parameter":
                    name = base + names.pascal(slot.key.partition(":")[2])
                elif slot.role == "body":
                    name = base + "Body"
                elif slot.key.startswith("2") and not successes:
                    successes, name = 1, base + "Response"
                else:
                    name = base + "Response" + names.pascal(slot.key)
                if slot.media and openapi.media_kind(slot.media) == "event-stream":
                    name = base + "Event"
                if not slot.pointer.startswith("#/paths/"):
                    name = self._component_name(slot.pointer, name)
                key = f"s{len(carrier)}"
                carrier[key] = self._visit(slot.schema, slot.pointer, name)
                self.result.slots[key] = slot.pointer
        if not carrier:
            return
        self.result.carrier = self.keys.claim("GeneratorSlots")
        self.schemas[self.result.carrier] = {"type": "object", "required": list(carrier), "properties": carrier}

    @staticmethod
    def _component_name(where: str, fallback: str) -> str:
        """A schema inside a shared component (`#/components/parameters/Limit/schema`) is named after it."""
        parts = pointer.split(where)
        if len(parts) >= 3 and parts[0] == "components":
            suffix = {"requestBodies": "Body", "responses": "Response"}.get(parts[1], "")
            name = names.pascal(parts[2], fallback=fallback)
            return name if name.endswith(suffix) else name + suffix
        return fallback

    def _rewrite_refs(self) -> None:
        """References to a schema that moved (an inline one someone referenced, a renamed component) follow it."""
        if not self.moved:
            return
        table = sorted(self.moved.items(), key=lambda item: -len(item[0]))
        for _, value in pointer.walk(self.doc, prune=openapi.is_extension):
            if isinstance(value, dict) and pointer.is_local(value.get("$ref")):
                value["$ref"] = _swap(pointer.canonical(value["$ref"]), table)
            mapping = value.get("mapping") if isinstance(value, dict) else None
            if isinstance(value, dict) and isinstance(mapping, dict) and "propertyName" in value:
                value["mapping"] = {k: _swap(v, table) if pointer.is_local(v) else v for k, v in mapping.items()}


_TYPES_BY_NAME: Final = {name for name, _ in _JSON_TYPES}


def _json_type(value: Any) -> str:
    for name, kind in _JSON_TYPES:
        if type(value) is kind:
            return name
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "string"


def _unique(values: list[Any]) -> list[Any]:
    """Distinct values, where 1, 1.0 and true are three different values (JSON tells them apart)."""
    seen: list[tuple[type, Any]] = []
    result = []
    for value in values:
        marker = (type(value), value)
        if marker not in seen:
            seen.append(marker)
            result.append(value)
    return result


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


def _single_value(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def _split_null(schema: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """A schema that needs a class, without its nullability, and how to restore that at the place it was used:
    the class is the non-null type, and `X | None` is spelled where it is used."""
    kinds = schema.get("type")
    if schema.get("nullable") is True:
        rest = {k: v for k, v in schema.items() if k != "nullable"}
        return rest, lambda ref: {"allOf": [ref], "nullable": True}
    if isinstance(kinds, list) and "null" in kinds:
        others = [k for k in kinds if k != "null"]
        rest = {**schema, "type": others[0] if len(others) == 1 else others}
        return rest, lambda ref: {"anyOf": [ref, {"type": "null"}]}
    return schema, None


def _binary(schema: dict[str, Any]) -> None:
    """Binary content as `bytes`: `format: byte` and base64 (`contentEncoding`) travel as base64 text in JSON;
    a non-text `contentMediaType` (3.1's way of saying `format: binary`) is the raw bytes of a file part."""
    if schema.get("type") not in ("string", None):
        return
    encoded = schema.get("format") == "byte" or schema.get("contentEncoding") in ("base64", "base64url")
    media = schema.get("contentMediaType")
    raw = isinstance(media, str) and not _TEXT_MEDIA.match(media.lower())
    if encoded or raw:
        schema["type"] = "string"
        schema["format"] = "binary"


def _tuple(schema: dict[str, Any]) -> None:
    """3.1's `prefixItems` as the engine's fixed-length form, when the array can hold nothing else."""
    prefix = schema.pop("prefixItems", None)
    if not isinstance(prefix, list):
        return
    closed = schema.get("items") is False or schema.get("maxItems") == len(prefix)
    complete = isinstance(schema.get("minItems"), int) and schema["minItems"] >= len(prefix)
    if closed and complete and prefix:
        schema["items"] = prefix
        schema["minItems"] = schema["maxItems"] = len(prefix)
        return
    # Shorter or longer arrays are valid too: a list of whatever each place may hold.
    rest = schema.get("items")
    members = [*prefix, *([rest] if isinstance(rest, dict) else [])]
    schema["items"] = {"anyOf": members} if len(members) > 1 else members[0] if members else {}


def _swap(ref: str, table: list[tuple[str, str]]) -> str:
    for old, new in table:
        if ref == old or ref.startswith(old + "/"):
            return new + ref[len(old) :]
    return ref
