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
import pickle
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .. import names
from ..errors import fail
from ..spec import openapi, pointer
from . import keywords

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
    # engine component pointer → the discriminator properties a union gives it that its schema does not require
    optional_tags: dict[str, set[str]] = field(default_factory=dict)


def plan(data: Mapping[str, Any], *, file: str, overrides: Mapping[str, str] = {}) -> Plan:
    """Normalise and hoist every schema; `overrides` renames models by spec pointer or by generated name."""
    return _Hoister(data, file, overrides).run()


class _Hoister:
    def __init__(self, data: Mapping[str, Any], file: str, overrides: Mapping[str, str]) -> None:
        self.data = data
        self.file = file
        self.overrides = overrides
        self.doc: dict[str, Any] = _copied(dict(data))
        components = self.doc.get("components")
        self.components: dict[str, Any] = components if isinstance(components, dict) else {}
        self.doc["components"] = self.components
        schemas = self.components.get("schemas")
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.components["schemas"] = self.schemas
        self.keys = names.Namespace()
        self.moved: dict[str, str] = {}  # spec pointer → the component pointer it now lives at
        self.result = Plan(self.doc)
        found = re.match(r"(\d+)\.(\d+)", str(data.get("openapi", "")))
        self.version = (int(found.group(1)), int(found.group(2))) if found else (3, 0)
        self.file_parts = self._file_parts()  # components a multipart or binary body reaches
        self.files = False  # whether the schema being visited is reached from such a body
        self._with_discriminator: list[dict[str, Any]] | None = None  # `_discriminated`

    def run(self) -> Plan:
        self._rekey_components()
        for key in list(self.schemas):
            where = self.result.origins[pointer.join(SCHEMAS, key)]
            self.files = where in self.file_parts
            self.schemas[key] = self._visit(self.schemas[key], where, key, root=True)
        self._operations()
        self._rewrite_refs()
        self._inline_nulls()
        self._unions_of_flattened()
        self._declared_tags()
        self._named_tags()
        self._shared_tags()
        self._optional_tags()
        self._flatten_conflicts()
        self._keep_what_the_engine_reads()
        # Last: no keyword of the engine's own, and no reference it would resolve itself, reaches it.
        self.doc = self.result.document = keywords.engine_document(self.doc)
        return self.result

    def _inline_nulls(self) -> None:
        """A `$ref` to a schema that allows null alone becomes `{type: null}` where it stands. The engine names
        such a component as an alias of None (`Nothing: TypeAlias = None`), and the template, which sees a hint
        that does not end in None, spells an optional field `Nothing | None`: None | None, which fails when the
        annotations are read, in every use of the model. The component keeps its alias."""
        found: dict[str, bool] = {}
        for value in pointer.containers(self.schemas, prune=openapi.is_extension):
            if not isinstance(value, dict):
                continue
            ref = value.get("$ref")
            if isinstance(ref, str) and pointer.is_local(ref) and self._null_only(value, found, depth=0):
                del value["$ref"]
                value["type"] = "null"
            for key in ("anyOf", "oneOf"):
                # A union of such references and nulls: None itself (the engine would say `Any | None`).
                members = value.get(key)
                if isinstance(members, list) and members and all(self._null_only(m, found, depth=0) for m in members):
                    del value[key]
                    value["type"] = "null"

    def _null_only(self, schema: Any, found: dict[str, bool], *, depth: int) -> bool:
        """Whether null is the one value a schema allows, through `$ref`s (each answer kept in `found`)."""
        if not isinstance(schema, dict) or depth > 20:
            return False
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if not pointer.is_local(ref):
                return False
            if ref not in found:
                found[ref] = False  # a reference back to itself allows no value at all: not null alone
                found[ref] = self._null_only(self._component(schema), found, depth=depth + 1)
            return found[ref]
        kinds = schema.get("type")
        if kinds == "null" or kinds == ["null"] or ("const" in schema and schema["const"] is None):
            return True
        if isinstance(schema.get("enum"), list) and schema["enum"] and all(v is None for v in schema["enum"]):
            return True
        # A union of nulls, or an allOf with a null part: null, or nothing.
        for key in ("anyOf", "oneOf"):
            members = schema.get(key)
            if (
                isinstance(members, list)
                and members
                and all(self._null_only(m, found, depth=depth + 1) for m in members)
            ):
                return True
        parts = schema.get("allOf")
        return isinstance(parts, list) and any(self._null_only(p, found, depth=depth + 1) for p in parts)

    def _keep_what_the_engine_reads(self) -> None:
        """The engine types the component schemas alone; its document keeps them, the version, and whatever part
        of the document a `$ref` from them reaches. The operations (most of a large spec, now each a `$ref` into
        the schemas) would only cost the engine time and memory."""
        kept: dict[tuple[str, ...], Any] = {("components", "schemas"): self.schemas}
        todo: list[Any] = [self.schemas]
        while todo:
            for _, ref in openapi.refs(todo.pop()):
                parts = ref.split("/")
                section = tuple(parts[1:3] if parts[1:2] == ["components"] else parts[1:2])
                if parts[0] != "#" or len(section) != (2 if section[:1] == ("components",) else 1):
                    return  # a reference to the whole document, or one this cannot place: the engine gets it all
                found = pointer.resolve(self.doc, "/".join(["#", *section]))
                if section not in kept and found is not pointer.MISSING:
                    kept[section] = found
                    todo.append(found)
        document: dict[str, Any] = {
            key: self.doc[key] for key in ("openapi", "info", "jsonSchemaDialect") if key in self.doc
        }
        for section, value in sorted(kept.items()):
            if len(section) == 2:
                document.setdefault(section[0], {})[section[1]] = value
            else:
                document[section[0]] = value
        self.doc = self.result.document = document

    def _declared_tags(self) -> None:
        """A discriminator without a mapping (or one that leaves members out) tells a member by its schema name
        only where the member says nothing else: a member whose tag property declares its own values (`const`,
        an `enum` of one value or more) is told by those. The engine would give every unmapped member its
        schema name (`Literal["WebSearchTool"]` for a tag of `enum: [web_search, web_search_2025_08_26]`); an
        explicit mapping from each declared value says otherwise. A value two members declare tells neither
        apart: those members are left as they were."""
        for value, discriminator, members in self._unions():
            mapping = discriminator.get("mapping")
            mapping = dict(mapping) if isinstance(mapping, dict) else {}
            mapped = {pointer.canonical(v) for v in mapping.values() if pointer.is_local(v)}
            found: dict[str, list[str]] = {}
            for member in members:
                ref = member.get("$ref") if isinstance(member, dict) else None
                if not isinstance(ref, str) or not pointer.is_local(ref) or pointer.canonical(ref) in mapped:
                    continue
                tags = self._tags(ref, discriminator["propertyName"], depth=0)
                if tags:
                    found[pointer.canonical(ref)] = tags
            claims: dict[str, int] = {}
            for tags in found.values():
                for tag in set(tags):
                    claims[tag] = claims.get(tag, 0) + 1
            added = {
                tag: ref
                for ref, tags in found.items()
                if all(claims[tag] == 1 and tag not in mapping for tag in tags)
                for tag in tags
            }
            if added:
                value["discriminator"] = {**discriminator, "mapping": {**mapping, **added}}

    def _named_tags(self) -> None:
        """A member a discriminator does not map is told by its component's name as the spec writes it
        (`dog-v1`). The engine would tell it by its own key for the component, which differs where that name
        is no identifier (`DogV1`): such members are mapped by their names explicitly."""
        for value, discriminator, members in self._unions():
            mapping = discriminator.get("mapping")
            mapping = dict(mapping) if isinstance(mapping, dict) else {}
            mapped = {pointer.canonical(v) for v in mapping.values() if pointer.is_local(v)}
            added: dict[str, str] = {}
            for member in members:
                ref = member.get("$ref") if isinstance(member, dict) else None
                if not isinstance(ref, str) or not pointer.is_local(ref) or pointer.canonical(ref) in mapped:
                    continue
                origin = pointer.split(self.result.origins.get(pointer.canonical(ref), ""))
                if len(origin) == 3 and origin[:2] == ["components", "schemas"] and origin[2] not in mapping:
                    added.setdefault(origin[2], pointer.canonical(ref))
            if added:
                value["discriminator"] = {**discriminator, "mapping": {**mapping, **added}}

    def _shared_tags(self) -> None:
        """A schema several discriminators map (two unions, or a union and its members' parent) by different
        values is told by each of them: the engine gives its class one tag, the last mapping's, and a payload
        tagged as another one says would not decode. Each mapping takes the values the others give its own
        members, where no other schema is given that value; such a class's tag is a `Literal` of them all."""
        found: list[tuple[dict[str, Any], dict[str, Any]]] = []
        values: dict[tuple[str, str], dict[str, None]] = {}  # (property, schema pointer) → its values, in order
        owners: dict[tuple[str, str], set[str]] = {}  # (property, value) → the schemas given it
        for value, discriminator in self._discriminated():
            mapping, name = discriminator.get("mapping"), discriminator["propertyName"]
            if not isinstance(mapping, dict):
                continue
            found.append((value, discriminator))
            for tag, ref in mapping.items():
                if isinstance(tag, str) and pointer.is_local(ref):
                    values.setdefault((name, pointer.canonical(ref)), {})[tag] = None
                    owners.setdefault((name, tag), set()).add(pointer.canonical(ref))
        for value, discriminator in found:
            name, mapping = discriminator["propertyName"], discriminator["mapping"]
            refs = dict.fromkeys(pointer.canonical(v) for v in mapping.values() if pointer.is_local(v))
            added = {
                tag: ref
                for ref in refs
                for tag in values[(name, ref)]
                if tag not in mapping and owners[(name, tag)] == {ref}
            }
            if added:
                value["discriminator"] = {**discriminator, "mapping": {**mapping, **added}}

    def _optional_tags(self) -> None:
        """The engine makes a union's discriminator a required field of every member's class. A member whose
        schema does not require that property is also valid without it wherever it stands alone (`Cat` as an
        operation's answer): its field is made optional again (`models.source.finish`), so that such a payload
        decodes. In the union a tag, when present, still picks the member."""
        for _, discriminator, members in self._unions():
            name = discriminator["propertyName"]
            for member in members:
                ref = member.get("$ref") if isinstance(member, dict) else None
                if isinstance(ref, str) and pointer.is_local(ref) and not self._requires(ref, name, depth=0):
                    self.result.optional_tags.setdefault(pointer.canonical(ref), set()).add(name)

    def _unions(self) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[Any]]]:
        """Each union with a discriminator that names its property: (the schema, its discriminator, its members)."""
        for value, discriminator in self._discriminated():
            members = value.get("oneOf") or value.get("anyOf")
            if isinstance(members, list):
                yield value, discriminator, members

    def _discriminated(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Each schema with a discriminator that names its property, and that discriminator as it is now. The
        schemas are found in one walk of the document, kept for the passes that read and complete their
        mappings (a walk of OpenAI's is 0.04 s); those passes replace discriminators, never add one."""
        if self._with_discriminator is None:
            self._with_discriminator = [
                value
                for value in pointer.containers(self.schemas, prune=openapi.is_extension)
                if isinstance(value, dict)
                and isinstance(value.get("discriminator"), dict)
                and isinstance(value["discriminator"].get("propertyName"), str)
            ]
        return [(value, value["discriminator"]) for value in self._with_discriminator]

    def _requires(self, ref: str, name: str, *, depth: int) -> bool:
        """Whether a component, or one of its allOf parts, lists `name` as required."""
        schema = self._component({"$ref": ref})
        if schema is None or depth > 20:
            return False
        for part in [schema, *(schema.get("allOf") or [])]:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("$ref"), str) and pointer.is_local(part["$ref"]) and part is not schema:
                if self._requires(part["$ref"], name, depth=depth + 1):
                    return True
            elif isinstance(part.get("required"), list) and name in part["required"]:
                return True
        return False

    def _tags(self, ref: str, name: str, *, depth: int) -> list[str]:
        """The string values a component's property `name` declares (its own or an allOf part's): [] when it
        declares none, or a value that is no string (a mapping's keys are strings)."""
        schema = self._component({"$ref": ref})
        if schema is None or depth > 20:
            return []
        properties = schema.get("properties")
        if isinstance(properties, dict) and name in properties:
            return _declared(self.doc, properties[name], depth=0)
        for part in schema.get("allOf") or []:
            if isinstance(part, dict) and isinstance(part.get("$ref"), str) and pointer.is_local(part["$ref"]):
                tags = self._tags(part["$ref"], name, depth=depth + 1)
            elif isinstance(part, dict) and isinstance(part.get("properties"), dict) and name in part["properties"]:
                tags = _declared(self.doc, part["properties"][name], depth=0)
            else:
                continue
            if tags:
                return tags
        return []

    def _unions_of_flattened(self) -> None:
        """A parent with a discriminator and no oneOf is, where a `$ref` names it, the union of the schemas that
        name it in their allOf (the engine's reading): a child that `_flatten_conflicts` makes no subclass would
        drop out of it, and its payloads be refused, or decoded as another member. Where that happens, the
        parent's union is spelled out once, as a component of its own that every such `$ref` names instead
        (`PetUnion`: `Cat | Dog`, each told by its tag as before); the children's allOf keep the parent."""
        children: dict[str, list[str]] = {}  # a discriminated parent's pointer → its children's, in order
        parted: set[int] = set()  # the allOf parts of the components: there a `$ref` names a base, not a type
        flattened: list[str] = []
        for key, schema in self.schemas.items():
            parts = schema.get("allOf") if isinstance(schema, dict) else None
            if not isinstance(parts, list):
                continue
            parted.update(id(part) for part in parts)
            own = _own_properties(schema)
            for part in parts:
                target = self._component(part)
                discriminator = target.get("discriminator") if target is not None else None
                if target is None or target.get("oneOf") or target.get("anyOf"):
                    continue
                if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
                    continue
                parent = pointer.canonical(part["$ref"])
                children.setdefault(parent, []).append(pointer.join(SCHEMAS, key))
                if self._conflicts(part, own) and parent not in flattened:
                    flattened.append(parent)
        unions: dict[str, str] = {}
        for parent in flattened:
            target = self._component({"$ref": parent})
            assert target is not None  # found above
            discriminator = target["discriminator"]
            members = list(dict.fromkeys(children[parent]))
            mapping = discriminator.get("mapping")
            kept = {
                tag: ref
                for tag, ref in (mapping.items() if isinstance(mapping, dict) else ())
                if isinstance(ref, str) and pointer.is_local(ref) and pointer.canonical(ref) in members
            }
            union = {"propertyName": discriminator["propertyName"], **({"mapping": kept} if kept else {})}
            where = self.result.origins.get(parent, parent)
            key = self._claim(pointer.join(where, "discriminator"), pointer.split(parent)[-1] + " Union")
            self.schemas[key] = {"oneOf": [{"$ref": member} for member in members], "discriminator": union}
            unions[parent] = pointer.join(SCHEMAS, key)
        if not unions:
            return
        for value in pointer.containers(self.schemas, prune=openapi.is_extension):
            ref = value.get("$ref") if isinstance(value, dict) and id(value) not in parted else None
            if isinstance(ref, str) and pointer.is_local(ref) and pointer.canonical(ref) in unions:
                value["$ref"] = unions[pointer.canonical(ref)]

    def _flatten_conflicts(self) -> None:
        """A schema that redefines a property of an allOf parent with another type cannot be a subclass of it
        (the field's type would not fit the parent's): the parent's fields are copied in instead. Another
        description or example of a property is no other type (`_typed`)."""
        for schema in self.schemas.values():
            parts = schema.get("allOf") if isinstance(schema, dict) else None
            if isinstance(parts, list):
                self._flatten(parts, _own_properties(schema), depth=0)

    def _conflicts(self, part: Any, own: dict[str, Any]) -> bool:
        """Whether properties of a schema's own redefine one of an allOf part's (or its parents') as another type."""
        inherited = self._inherited(part, depth=0)
        return any(name in inherited and _typed(inherited[name]) != _typed(value) for name, value in own.items())

    def _flatten(self, parts: list[Any], own: dict[str, Any], *, depth: int) -> None:
        for index, part in enumerate(parts):
            if depth > 20 or not self._conflicts(part, own):
                continue
            target = self._component(part)
            if target is None:
                continue
            copied = {k: v for k, v in target.items() if k != "discriminator"}
            if isinstance(copied.get("allOf"), list):
                copied["allOf"] = list(copied["allOf"])
                self._flatten(copied["allOf"], own, depth=depth + 1)  # the clash may be a grandparent's
            parts[index] = copied

    def _component(self, part: Any) -> dict[str, Any] | None:
        ref = part.get("$ref") if isinstance(part, dict) else None
        found = pointer.resolve(self.doc, ref) if isinstance(ref, str) and pointer.is_local(ref) else None
        return found if isinstance(found, dict) else None

    def _inherited(self, part: Any, *, depth: int) -> dict[str, Any]:
        """The properties a parent contributes, its own parents' included."""
        target = self._component(part) if isinstance(part, dict) and "$ref" in part else part
        if not isinstance(target, dict) or depth > 20:
            return {}
        found: dict[str, Any] = {}
        for sub in target.get("allOf") or []:
            found.update(self._inherited(sub, depth=depth + 1))
        found.update(target.get("properties") or {})
        return found

    def _file_parts(self) -> set[str]:
        """The spec pointers of the component schemas a multipart or binary body or response reaches: there a
        raw binary string (`format: binary`) is a file's bytes; in JSON it is text like any other string."""
        todo: list[Any] = [
            slot.schema
            for site in openapi.operations(self.data)
            for slot in openapi.slots(self.data, site)
            if _carries_files(slot.media)
        ]
        found: set[str] = set()
        seen: set[str] = set()
        while todo:
            for _, ref in openapi.refs(todo.pop()):
                if not pointer.is_local(ref) or pointer.canonical(ref) in seen:
                    continue
                ref = pointer.canonical(ref)
                seen.add(ref)
                parts = pointer.split(ref)
                if len(parts) >= 3 and parts[:2] == ["components", "schemas"]:
                    found.add(pointer.join(SCHEMAS, parts[2]))
                target = pointer.resolve(self.data, ref)
                if target is not pointer.MISSING:
                    todo.append(target)
        return found

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
        if not any(str(key).startswith("Body_") for key in self.schemas):
            return {}  # no such component: the document's references need not be counted
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

    def _visit(
        self, schema: Any, where: str, base: str, *, root: bool = False, alias: bool = False, depth: int = 0
    ) -> Any:
        """The schema at `where` (a spec pointer), normalised, its inline pieces hoisted; a schema that needs a
        class of its own (unless it is a component already, `root`) is hoisted too and a `$ref` returned."""
        if depth > _MAX_NESTING:
            raise fail(self.file, None, where, f"schemas nest deeper than {_MAX_NESTING} levels")
        if not isinstance(schema, dict):
            return schema
        if isinstance(schema.get("$ref"), str):
            return self._reference(schema)
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
                # The engine names a union of array items itself (`Items1`): it gets a name from here instead.
                alias = key == "items" and _is_union(schema[key])
                sub = self._visit(schema[key], pointer.join(where, key), base + suffix, alias=alias, depth=depth + 1)
                if alias:
                    schema[key] = self._hoist(sub, pointer.join(where, key), base + suffix)
                else:
                    schema[key] = _null_member(sub)
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
                # A union that is a component, or an array's items, is an alias under `base`: no member takes it.
                named = root or alias
                schema[key] = [
                    self._visit(
                        sub,
                        pointer.join(where, key, i),
                        self._member_name(sub, base, i, members, named=named),
                        depth=depth + 1,
                    )
                    for i, sub in enumerate(members)
                ]
        if root or not self._needs_class(schema):
            return schema
        ref = self._hoist(schema, where, base)
        return nullable(ref) if nullable else ref

    def _hoist(self, schema: dict[str, Any], where: str, base: str) -> dict[str, Any]:
        """Move a schema to the components under a name from `base`; the `$ref` to put in its place."""
        key = self._claim(where, base)
        self.schemas[key] = schema
        self.result.origins[pointer.join(SCHEMAS, key)] = where
        self.moved[where] = pointer.join(SCHEMAS, key)
        return {"$ref": pointer.join(SCHEMAS, key)}

    def _reference(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A `$ref`, canonical. Before 3.1 its siblings mean nothing, and the engine would make a class of them
        (`CreatedBy1`); only `nullable`, which authors write there meaning it, is kept, where it works."""
        ref = pointer.canonical(schema["$ref"]) if pointer.is_local(schema["$ref"]) else schema["$ref"]
        if self.version >= (3, 1):
            return {**schema, "$ref": ref}
        if schema.get("nullable") is True:
            return {"allOf": [{"$ref": ref}], "nullable": True}
        return {"$ref": ref}

    def _visit_part(self, schema: Any, where: str, base: str, depth: int) -> Any:
        if isinstance(schema, dict) and not isinstance(schema.get("$ref"), str):
            return self._visit(schema, where, base, root=True, depth=depth)
        return self._visit(schema, where, base, depth=depth)

    def _member_name(self, member: Any, base: str, index: int, members: list[Any], *, named: bool) -> str:
        """A union member's name: the union's own when it is the one member that needs a class, else its title,
        else the value of the property that tells the members apart, else its kind, else its position."""
        if not isinstance(member, dict):
            return base
        classes = [m for m in members if isinstance(m, dict) and "$ref" not in m and self._needs_class(m)]
        if len(classes) <= 1 and not named:
            return base
        if isinstance(member.get("title"), str) and names.words(member["title"]):
            return base + names.pascal(member["title"])
        for sub in (member.get("properties") or {}).values() if isinstance(member.get("properties"), dict) else ():
            tag = _single_value(sub)
            if isinstance(tag, str) and names.words(tag):
                return base + names.pascal(tag)
        kinds = [_kind(m) for m in classes]
        if kinds.count(_kind(member)) <= 1:
            return base + _kind(member)
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

    def _allof_bases(self, schema: dict[str, Any]) -> set[str]:
        """The schemas a schema's `allOf` parts refer to, and theirs in turn: its bases, to any depth."""
        found: set[str] = set()
        pending = [schema]
        while pending:
            parts = pending.pop().get("allOf")
            for part in parts if isinstance(parts, list) else ():
                ref = part.get("$ref") if isinstance(part, dict) else None
                if isinstance(ref, str) and pointer.is_local(ref) and (target := pointer.canonical(ref)) not in found:
                    found.add(target)
                    value = pointer.resolve(self.data, target)
                    if isinstance(value, dict):
                        pending.append(value)
        return found

    def _normalise(self, schema: dict[str, Any], where: str, base: str, *, root: bool, depth: int) -> dict[str, Any]:
        """The same schema in shapes the engine reads right."""
        schema = dict(schema)
        _binary(schema, files=self.files)
        _tuple(schema)
        _patterns(schema)
        if isinstance(schema.get("enum"), list):
            schema = self._enum(schema, where, base, root=root, depth=depth)
        parts = schema.get("allOf")
        if isinstance(parts, list) and any(_null_marker(part) for part in parts):
            # `allOf: [{$ref: X}, {nullable: true}]`, 3.0's way of making a reference nullable (which 3.1
            # specs written in 3.0's words use too, and `nullable` is read in either): the part says nothing
            # of the type. As a part it would make a class of its own, mixed into each of a union's
            # members (dropping the members that are no objects) and not taking null in an array or a map.
            kept = [part for part in parts if not _null_marker(part)]
            schema["nullable"] = True
            described = [part["description"] for part in parts if _null_marker(part) and "description" in part]
            if described and "description" not in schema:
                schema["description"] = described[0]  # the field's, said where it is made nullable
            if kept:
                schema["allOf"] = kept
            else:
                del schema["allOf"]
        if isinstance(schema.get("allOf"), list) and where in self._allof_bases(schema):
            # Classes that would each be the other's base (`A(B)`, `B(A)`): no module could define them.
            raise fail(self.file, None, where, "the schema is one of its own allOf parts: it cannot be a class")
        for key in ("anyOf", "oneOf"):
            members = schema.get(key)
            if isinstance(members, list) and members and all(_constraint_only(m) for m in members):
                # `anyOf: [{required: [a]}, {required: [b]}]` says which fields must be present, not what the
                # value is: the type is the schema without it.
                del schema[key]
            elif isinstance(members, list) and len(members) == 1 and not _is_null(members[0]):
                # A union of one is that one type (the engine would make a class of it, named by itself).
                del schema[key]
                schema.pop("discriminator", None)
                schema["allOf"] = [*(schema.get("allOf") or []), members[0]]
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            mapping = {k: self._mapped(v) for k, v in discriminator["mapping"].items()}
            schema["discriminator"] = {**discriminator, "mapping": mapping}
        return schema

    def _mapped(self, target: Any) -> Any:
        """A discriminator mapping's target as a reference: a schema name (`Dog`, which OpenAPI allows there)
        points to that component, so that it follows the component when it is renamed."""
        if pointer.is_local(target):
            return pointer.canonical(target)
        components = self.data.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        if isinstance(target, str) and isinstance(schemas, dict) and target in schemas:
            return pointer.join(SCHEMAS, target)
        return target

    def _enum(self, schema: dict[str, Any], where: str, base: str, *, root: bool, depth: int) -> dict[str, Any]:
        values = list(_unique(schema["enum"]))
        has_null = any(v is None for v in values)
        values = [v for v in values if v is not None]
        groups: dict[str, list[Any]] = {}
        for value in values:
            groups.setdefault(_json_type(value), []).append(value)
        shapes = {kind: group for kind, group in groups.items() if kind in _SHAPES}
        if shapes and len(groups) == 1 and not has_null:
            # Objects or arrays only: an enum class cannot hold them (its values are keys of the runtime's lookup,
            # and a dict or list is no key); the value is typed by its JSON shape, the rest of the schema kept
            # (`items`, `properties`), wider than the enum but never another type.
            rest = {k: v for k, v in schema.items() if k != "enum"}
            return {**rest, "type": next(iter(shapes))} if rest.get("type") is None else rest
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
            if kind in _SHAPES:  # objects or arrays among the values: that JSON shape, as above
                members.append({"type": kind})
                continue
            member = {"type": kind, "enum": group} if kind in _TYPES_BY_NAME else {"enum": group}
            # An enum and null keeps the enum's own name; several types are told apart by theirs.
            alone = len(groups) == 1 and not root
            name = base if alone else base + names.pascal(kind)
            at = where if alone else pointer.join(where, "anyOf", len(members))
            if alone:
                members.append(self._visit(member, at, name, depth=depth + 1))
            else:
                # An enum class even for one value: the engine would merge constants of several types into one
                # enum again, where True aliases 1.
                members.append(self._hoist(member, at, name))
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
                    name = names.pascal(f"{base} Response {slot.key}")
                if slot.media and openapi.media_kind(slot.media) == "event-stream":
                    name = base + "Event"
                if not slot.pointer.startswith("#/paths/"):
                    name = self._component_name(slot.pointer, name)
                key = f"s{len(carrier)}"
                self.files = _carries_files(slot.media)
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
        table = dict(self.moved)
        for value in pointer.containers(self.doc, prune=openapi.is_extension):
            if isinstance(value, dict) and pointer.is_local(value.get("$ref")):
                value["$ref"] = _swap(pointer.canonical(value["$ref"]), table)
            mapping = value.get("mapping") if isinstance(value, dict) else None
            if isinstance(value, dict) and isinstance(mapping, dict) and "propertyName" in value:
                value["mapping"] = {k: _swap(v, table) if pointer.is_local(v) else v for k, v in mapping.items()}


_TYPES_BY_NAME: Final = {name for name, _ in _JSON_TYPES}
_SHAPES: Final = ("object", "array")  # JSON values no enum member can be


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy to rewrite, values shared in `data` (YAML aliases) shared in it too: through pickle, which
    copies a large spec in a third of `copy.deepcopy`'s time, or by deepcopy where something does not pickle."""
    try:
        copied: dict[str, Any] = pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a value of some other kind, or nested past pickle's recursion limit
        return copy.deepcopy(data)
    return copied


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


# What a schema says about its value only for readers: a property re-declared with other words for it (a
# description of its own, an example) has the same type, and its class stays a subclass of the parent's.
_ANNOTATIONS: Final = frozenset(
    {"description", "title", "example", "examples", "deprecated", "$comment", "externalDocs", "xml"}
)


def _own_properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The properties a schema declares itself: its own and its inline allOf parts'."""
    own: dict[str, Any] = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        if isinstance(part, dict) and "$ref" not in part:
            own.update(part.get("properties") or {})
    return own


def _typed(schema: Any) -> Any:
    """A schema without its annotations (`_ANNOTATIONS`, extensions), at any depth: what its type depends on."""
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS or (isinstance(key, str) and key.startswith("x-")):
            continue
        if key in openapi.SCHEMA_ONE:
            kept[key] = _typed(value)
        elif key in openapi.SCHEMA_LISTS and isinstance(value, list):
            kept[key] = [_typed(v) for v in value]
        elif key in openapi.SCHEMA_MAPS and isinstance(value, dict):
            kept[key] = {name: _typed(v) for name, v in value.items()}
        else:
            kept[key] = value
    return kept


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


_CONSTRAINTS: Final = frozenset(
    {"required", "not", "minProperties", "maxProperties", "description", "title", "dependentRequired"}
)


def _null_marker(part: Any) -> bool:
    """`{nullable: true}`, with nothing else that bears on the type (`_ANNOTATIONS`, extensions)."""
    return (
        isinstance(part, dict)
        and part.get("nullable") is True
        and all(key == "nullable" or key in _ANNOTATIONS or str(key).startswith("x-") for key in part)
    )


def _constraint_only(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(schema) and set(schema) <= _CONSTRAINTS


def _is_union(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    members = schema.get("oneOf") or schema.get("anyOf")
    return isinstance(members, list) and sum(1 for m in members if not _is_null(m)) > 1


def _kind(schema: dict[str, Any]) -> str:
    """A word for what a schema is, to tell union members apart by: Enum, Object, List, Text, Number."""
    if "enum" in schema:
        return "Enum"
    kind = schema.get("type")
    return {"array": "List", "string": "Text", "integer": "Number", "number": "Number"}.get(str(kind), "Object")


def _single_value(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def _declared(document: dict[str, Any], schema: Any, *, depth: int) -> list[str]:
    """The values a tag property's schema allows, where it names them all as strings (`const`, `enum`, through
    `$ref`s, an `allOf` of one part or a union with null); else []."""
    if not isinstance(schema, dict) or depth > 20:
        return []
    ref = schema.get("$ref")
    if isinstance(ref, str):
        found = pointer.resolve(document, ref) if pointer.is_local(ref) else None
        return _declared(document, found, depth=depth + 1)
    if "const" in schema:
        return [schema["const"]] if isinstance(schema["const"], str) else []
    enum = schema.get("enum")
    if isinstance(enum, list):
        values = [v for v in enum if v is not None]
        return list(dict.fromkeys(values)) if values and all(isinstance(v, str) for v in values) else []
    for key in ("allOf", "anyOf", "oneOf"):
        parts = schema.get(key)
        if isinstance(parts, list):
            parts = [p for p in parts if not _is_null(p)]
            if len(parts) == 1:
                return _declared(document, parts[0], depth=depth + 1)
    return []


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


def _null_member(schema: Any) -> Any:
    """An array's items or a map's values marked `nullable`, as a union with null. The engine reads
    `nullable` on a property alone: in these places it would type `dict[str, Value]` where the API sends
    `{"name": null}`, and the null would not decode. A union with null it reads everywhere."""
    if not isinstance(schema, dict) or schema.get("nullable") is not True:
        return schema
    rest = {k: v for k, v in schema.items() if k != "nullable"}
    parts = rest.get("allOf")
    if set(rest) == {"allOf"} and isinstance(parts, list) and len(parts) == 1:
        rest = parts[0]  # a class kept nullable where it is used (`_split_null`, `_reference`)
    return {"anyOf": [rest, {"type": "null"}]}


def _carries_files(media: str | None) -> bool:
    """Whether a body or response of this media type carries raw bytes: a multipart form's file parts, a file."""
    return media is not None and openapi.media_kind(media) in ("multipart", "binary")


def _binary(schema: dict[str, Any], *, files: bool) -> None:
    """Binary content as `bytes` (the engine's `format: binary`): `format: byte` and base64 (`contentEncoding`)
    travel as base64 text in JSON. A raw binary string (`format: binary`, or a non-text `contentMediaType`, 3.1's
    way of saying it) is the bytes of a file part in a multipart or binary body (`files`); in JSON, where no
    encoding is defined for it, it is the string received, kept as text."""
    if schema.get("type") not in ("string", None):
        return
    encoded = schema.get("format") == "byte" or schema.get("contentEncoding") in ("base64", "base64url")
    media = schema.get("contentMediaType")
    raw = schema.get("format") == "binary" or (isinstance(media, str) and not _TEXT_MEDIA.match(media.lower()))
    if encoded or (raw and files):
        schema["type"] = "string"
        schema["format"] = "binary"
    elif raw and schema.get("format") == "binary":
        del schema["format"]


def _patterns(schema: dict[str, Any]) -> None:
    """`patternProperties` as the engine reads them: it types every value of the map by them, but they say
    nothing of keys that match no pattern, which `additionalProperties` governs (any value, when absent). A value
    is one of the patterns' or the additional one: any value, or a union of them. When that is `false`, a value is
    one of the patterns': the engine types one pattern's map right, but makes a union of maps of several
    (`dict[str, A] | dict[str, B]`), which refuses a map that holds both."""
    patterns = schema.get("patternProperties")
    extra = schema.get("additionalProperties", True)
    if not isinstance(patterns, dict) or not patterns or (extra is False and len(patterns) == 1):
        return
    del schema["patternProperties"]
    if extra is False:
        members = list(patterns.values())
    else:
        members = [*patterns.values(), extra] if isinstance(extra, dict) and extra else []
    if members and all(isinstance(member, dict) and member for member in members):
        schema["additionalProperties"] = {"anyOf": members}
    else:
        schema["additionalProperties"] = True


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
    # Shorter or longer arrays are valid too: a list of whatever each place may hold. Past the prefix, `items`
    # says what follows; without it (and not closed) anything may.
    rest = schema.get("items", None if closed else {})
    members = [*prefix, *([rest] if isinstance(rest, dict) else [])]
    if any(member == {} for member in members):
        members = [{}]
    schema["items"] = {"anyOf": members} if len(members) > 1 else members[0] if members else {}


def _swap(ref: str, table: dict[str, str]) -> str:
    """`ref` with the longest moved pointer it equals or lies under replaced by where that went."""
    end = len(ref)
    while end > 0:
        new = table.get(ref[:end])
        if new is not None:
            return new + ref[end:]
        end = ref.rfind("/", 0, end)
    return ref
