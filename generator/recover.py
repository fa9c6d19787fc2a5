"""Flattened OpenAPI YAML lines → indented YAML text."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

import yaml

from generator.errors import GeneratorError, fail, pointer_join

# ---------------------------------------------------------------------------
# Grammar.  A value spec says which YAML node kinds a position accepts:
#   "Name"   a mapping of the object/map type Name (see _OBJECTS and _MAPS)
#   "[X]"    a sequence of X
#   "str" "bool" "num" "int" "typename"   scalars
#   "any"    arbitrary JSON (free-form: no grammar below it)
#   "A|B"    one alternative per node kind (mapping, sequence, scalar)
# ---------------------------------------------------------------------------

# Scalar kinds whose text may run on over several lines.
_TEXT_SCALARS: Final = frozenset({"str", "any"})
_REF: Final = {"$ref": "str", "summary": "str", "description": "str"}
# A header object is a parameter without `name` and `in`.
_HEADER: Final = {
    **_REF,
    "required": "bool",
    "deprecated": "bool",
    "allowEmptyValue": "bool",
    "style": "str",
    "explode": "bool",
    "allowReserved": "bool",
    "schema": "Schema",
    "example": "any",
    "examples": "{Example}",
    "content": "{MediaType}",
}

_SCHEMA_FIELDS: Final[Mapping[str, str]] = {
    "$schema": "str",
    "$id": "str",
    "$anchor": "str",
    "$dynamicAnchor": "str",
    "$ref": "str",
    "$dynamicRef": "str",
    "$recursiveRef": "str",
    "$recursiveAnchor": "bool",
    "$comment": "str",
    "$vocabulary": "{bool}",
    "$defs": "{Schema}",
    "definitions": "{Schema}",
    "type": "typename|[typename]",
    "enum": "[any]",
    "const": "any",
    "multipleOf": "num",
    "maximum": "num",
    "exclusiveMaximum": "num|bool",
    "minimum": "num",
    "exclusiveMinimum": "num|bool",
    "maxLength": "int",
    "minLength": "int",
    "pattern": "str",
    "maxItems": "int",
    "minItems": "int",
    "uniqueItems": "bool",
    "maxContains": "int",
    "minContains": "int",
    "maxProperties": "int",
    "minProperties": "int",
    "required": "[str]",
    "dependentRequired": "{[str]}",
    "dependencies": "{Schema|[str]}",
    "allOf": "[Schema]",
    "anyOf": "[Schema]",
    "oneOf": "[Schema]",
    "not": "Schema",
    "if": "Schema",
    "then": "Schema",
    "else": "Schema",
    "dependentSchemas": "{Schema}",
    "prefixItems": "[Schema]",
    "items": "Schema|[Schema]",
    "additionalItems": "Schema",
    "contains": "Schema",
    "properties": "{Schema}",
    "patternProperties": "{Schema}",
    "additionalProperties": "Schema",
    "propertyNames": "Schema",
    "unevaluatedItems": "Schema",
    "unevaluatedProperties": "Schema",
    "format": "str",
    "contentEncoding": "str",
    "contentMediaType": "str",
    "contentSchema": "Schema",
    "title": "str",
    "description": "str",
    "default": "any",
    "deprecated": "bool",
    "readOnly": "bool",
    "writeOnly": "bool",
    "examples": "[any]",
    "nullable": "bool",
    "discriminator": "Discriminator|str",
    "xml": "XML",
    "externalDocs": "ExternalDocs",
    "example": "any",
}

# Parameter/Header/Items in Swagger 2.0 carry the validation keywords inline.
_SWAGGER2_SIMPLE: Final[Mapping[str, str]] = {
    "type": "typename",
    "format": "str",
    "items": "Items2",
    "collectionFormat": "str",
    "default": "any",
    "maximum": "num",
    "exclusiveMaximum": "bool",
    "minimum": "num",
    "exclusiveMinimum": "bool",
    "maxLength": "int",
    "minLength": "int",
    "pattern": "str",
    "maxItems": "int",
    "minItems": "int",
    "uniqueItems": "bool",
    "enum": "[any]",
    "multipleOf": "num",
}

_OBJECTS: Final[Mapping[str, Mapping[str, str]]] = {
    "OpenAPI": {
        "openapi": "str",
        "info": "Info",
        "jsonSchemaDialect": "str",
        "servers": "[Server]",
        "paths": "Paths",
        "webhooks": "{PathItem}",
        "components": "Components",
        "security": "[SecurityRequirement]",
        "tags": "[Tag]",
        "externalDocs": "ExternalDocs",
        "$self": "str",
    },
    "Info": {
        "title": "str",
        "summary": "str",
        "description": "str",
        "termsOfService": "str",
        "contact": "Contact",
        "license": "License",
        "version": "str",
    },
    "Contact": {"name": "str", "url": "str", "email": "str"},
    "License": {"name": "str", "identifier": "str", "url": "str"},
    "Server": {"url": "str", "description": "str", "name": "str", "variables": "{ServerVariable}"},
    "ServerVariable": {"enum": "[str]", "default": "str", "description": "str"},
    "Components": {
        "schemas": "{Schema}",
        "responses": "{Response}",
        "parameters": "{Parameter}",
        "examples": "{Example}",
        "requestBodies": "{RequestBody}",
        "headers": "{Header}",
        "securitySchemes": "{SecurityScheme}",
        "links": "{Link}",
        "callbacks": "{Callback}",
        "pathItems": "{PathItem}",
        "mediaTypes": "{MediaType}",
    },
    "PathItem": {
        "$ref": "str",
        "summary": "str",
        "description": "str",
        "get": "Operation",
        "put": "Operation",
        "post": "Operation",
        "delete": "Operation",
        "options": "Operation",
        "head": "Operation",
        "patch": "Operation",
        "trace": "Operation",
        "query": "Operation",
        "additionalOperations": "{Operation}",
        "servers": "[Server]",
        "parameters": "[Parameter]",
    },
    "Operation": {
        "tags": "[str]",
        "summary": "str",
        "description": "str",
        "externalDocs": "ExternalDocs",
        "operationId": "str",
        "parameters": "[Parameter]",
        "requestBody": "RequestBody",
        "responses": "Responses",
        "callbacks": "{Callback}",
        "deprecated": "bool",
        "security": "[SecurityRequirement]",
        "servers": "[Server]",
    },
    "ExternalDocs": {"description": "str", "url": "str"},
    "Parameter": {**_HEADER, "name": "str", "in": "str"},
    "RequestBody": {**_REF, "content": "{MediaType}", "required": "bool"},
    "MediaType": {
        "description": "str",
        "schema": "Schema",
        "itemSchema": "Schema",
        "example": "any",
        "examples": "{Example}",
        "encoding": "{Encoding}",
        "prefixEncoding": "[Encoding]",
        "itemEncoding": "Encoding",
    },
    "Encoding": {
        "contentType": "str",
        "headers": "{Header}",
        "style": "str",
        "explode": "bool",
        "allowReserved": "bool",
        "encoding": "{Encoding}",
        "prefixEncoding": "[Encoding]",
        "itemEncoding": "Encoding",
    },
    "Response": {
        **_REF,
        "headers": "{Header}",
        "content": "{MediaType}",
        "links": "{Link}",
    },
    "Example": {
        **_REF,
        "value": "any",
        "externalValue": "str",
        "dataValue": "any",
        "serializedValue": "str",
    },
    "Link": {
        **_REF,
        "operationRef": "str",
        "operationId": "str",
        "parameters": "{any}",
        "requestBody": "any",
        "server": "Server",
    },
    "Header": _HEADER,
    "Tag": {
        "name": "str",
        "summary": "str",
        "description": "str",
        "externalDocs": "ExternalDocs",
        "parent": "str",
        "kind": "str",
    },
    "SecurityScheme": {
        **_REF,
        "type": "str",
        "name": "str",
        "in": "str",
        "scheme": "str",
        "bearerFormat": "str",
        "flows": "OAuthFlows",
        "openIdConnectUrl": "str",
        "oauth2MetadataUrl": "str",
        "deprecated": "bool",
    },
    "OAuthFlows": {
        "implicit": "OAuthFlow",
        "password": "OAuthFlow",
        "clientCredentials": "OAuthFlow",
        "authorizationCode": "OAuthFlow",
        "deviceAuthorization": "OAuthFlow",
    },
    "OAuthFlow": {
        "authorizationUrl": "str",
        "tokenUrl": "str",
        "refreshUrl": "str",
        "deviceAuthorizationUrl": "str",
        "scopes": "{str}",
    },
    "Discriminator": {"propertyName": "str", "mapping": "{str}", "defaultMapping": "str"},
    "XML": {
        "name": "str",
        "namespace": "str",
        "prefix": "str",
        "attribute": "bool",
        "wrapped": "bool",
        "nodeType": "str",
    },
    "Schema": _SCHEMA_FIELDS,
    # Swagger 2.0
    "Swagger": {
        "swagger": "str",
        "info": "Info",
        "host": "str",
        "basePath": "str",
        "schemes": "[str]",
        "consumes": "[str]",
        "produces": "[str]",
        "paths": "Paths2",
        "definitions": "{Schema}",
        "parameters": "{Parameter2}",
        "responses": "{Response2}",
        "securityDefinitions": "{SecurityScheme2}",
        "security": "[SecurityRequirement]",
        "tags": "[Tag]",
        "externalDocs": "ExternalDocs",
    },
    "PathItem2": {
        "$ref": "str",
        "get": "Operation2",
        "put": "Operation2",
        "post": "Operation2",
        "delete": "Operation2",
        "options": "Operation2",
        "head": "Operation2",
        "patch": "Operation2",
        "parameters": "[Parameter2]",
    },
    "Operation2": {
        "tags": "[str]",
        "summary": "str",
        "description": "str",
        "externalDocs": "ExternalDocs",
        "operationId": "str",
        "consumes": "[str]",
        "produces": "[str]",
        "parameters": "[Parameter2]",
        "responses": "Responses2",
        "schemes": "[str]",
        "deprecated": "bool",
        "security": "[SecurityRequirement]",
    },
    "Parameter2": {
        **_SWAGGER2_SIMPLE,
        "$ref": "str",
        "name": "str",
        "in": "str",
        "description": "str",
        "required": "bool",
        "schema": "Schema",
        "allowEmptyValue": "bool",
    },
    "Items2": dict(_SWAGGER2_SIMPLE),
    "Header2": {**_SWAGGER2_SIMPLE, "description": "str"},
    "Response2": {
        "$ref": "str",
        "description": "str",
        "schema": "Schema",
        "headers": "{Header2}",
        "examples": "{any}",
    },
    "SecurityScheme2": {
        "type": "str",
        "description": "str",
        "name": "str",
        "in": "str",
        "flow": "str",
        "authorizationUrl": "str",
        "tokenUrl": "str",
        "scopes": "{str}",
    },
}

# Maps whose keys are names chosen by the author: (value spec, key pattern, x- allowed).
_MAPS: Final[Mapping[str, tuple[str, str | None, bool]]] = {
    "Paths": ("PathItem", r"/", True),
    "Paths2": ("PathItem2", r"/", True),
    "Responses": ("Response", r"(?i:default$|[1-5](?:\d\d|xx)$)", True),
    "Responses2": ("Response2", r"(?i:default$|[1-5]\d\d$)", True),
    "Callback": ("PathItem", None, True),
    "SecurityRequirement": ("[str]", None, False),
}

# Keywords that describe a schema without constraining its shape; they are the
# only ones expected beside `$ref`.
_ANNOTATIONS: Final = frozenset(
    {
        "$ref",
        "description",
        "summary",
        "title",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "externalDocs",
        "$comment",
        "xml",
        "const",
    }
)
_COMPOSITION: Final = frozenset({"allOf", "anyOf", "oneOf"})
# The objects vendor extensions sit on: of the corpus's 3,462 extension keys,
# all but 5 (on a headers map) are on one of these.
_EXTENDED: Final = frozenset(
    {
        "OpenAPI",
        "Swagger",
        "Info",
        "Server",
        "Components",
        "Paths",
        "Paths2",
        "PathItem",
        "PathItem2",
        "Operation",
        "Operation2",
        "Parameter",
        "Parameter2",
        "Schema",
        "SecurityScheme",
        "SecurityScheme2",
        "Tag",
    }
)
# Annotations with nested content that describe a whole object as often as a property.
_OBJECT_LEVEL: Final = frozenset({"xml", "externalDocs", "example", "examples", "default"})
# An `items` schema made of these alone is rarely described itself.
_BARE: Final = frozenset({"$ref", "type", "format", "enum"})
_PARTS: Final = frozenset({"items", "allOf", "anyOf", "oneOf"})
# Keywords that only make sense for one JSON type.
_KEYWORD_TYPE: Final[Mapping[str, str]] = {
    **{k: "string" for k in ("maxLength", "minLength", "pattern")},
    **{k: "number" for k in ("multipleOf", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum")},
    **{
        k: "array"
        for k in (
            "items",
            "prefixItems",
            "maxItems",
            "minItems",
            "uniqueItems",
            "contains",
            "maxContains",
            "minContains",
            "additionalItems",
            "unevaluatedItems",
        )
    },
    **{
        k: "object"
        for k in (
            "properties",
            "patternProperties",
            "additionalProperties",
            "required",
            "maxProperties",
            "minProperties",
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
            "unevaluatedProperties",
            "discriminator",
        )
    },
}
# Data kinds (see _data_kind) each JSON type admits; `null` fits every type (nullable).
_TYPE_KINDS: Final[Mapping[str, frozenset[str]]] = {
    "string": frozenset({"str", "null"}),
    "integer": frozenset({"int", "null"}),
    "number": frozenset({"int", "float", "null"}),
    "boolean": frozenset({"bool", "null"}),
    "array": frozenset({"seq", "null"}),
    "object": frozenset({"map", "null"}),
    "null": frozenset({"null"}),
}
# Keywords that give a schema properties a `required` list can name.
_UNLISTED: Final = frozenset({"properties", "allOf", "anyOf", "oneOf", "$ref", "patternProperties", "dependentSchemas"})
_SCALAR_TYPES: Final = frozenset({"string", "integer", "number", "boolean", "null"})
# Keywords whose value is an instance of the schema, and those whose items are.
_INSTANCE: Final = frozenset({"example", "default", "const"})
_INSTANCES: Final = frozenset({"examples", "enum"})
_JSON_TYPES: Final = frozenset({"string", "number", "integer", "boolean", "array", "object", "null", "file"})
# Fields an object cannot lack (unless it is a reference); closing an object
# without them means the lines were attached to the wrong object.
_MANDATORY: Final[Mapping[str, tuple[str, ...]]] = {
    "Parameter": ("name", "in"),
    "Parameter2": ("name", "in"),
    "Tag": ("name",),
    "Server": ("url",),
    "ExternalDocs": ("url",),
}
# Fields that exclude each other: the second cannot join an object holding the first.
_EXCLUSIVE: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    name: (("schema", "content"), ("content", "schema"), ("example", "examples"), ("examples", "example"))
    for name in ("Parameter", "Header", "MediaType")
} | {"Example": (("value", "externalValue"), ("externalValue", "value"))}


@dataclass(frozen=True, slots=True)
class _Spec:
    """What a value position accepts, one alternative per YAML node kind."""

    text: str
    mapping: str | None = None  # map type name
    sequence: str | None = None  # item spec text
    scalars: tuple[str, ...] = ()  # scalar kinds


@dataclass(frozen=True, slots=True)
class _MapType:
    name: str
    fields: Mapping[str, str]
    values: str | None = None  # spec of author-chosen keys
    key_pattern: re.Pattern[str] | None = None
    extensions: bool = True
    free: bool = False  # arbitrary JSON: any key, nothing is known about it


def _build_specs() -> tuple[dict[str, _Spec], dict[str, _MapType]]:
    maps: dict[str, _MapType] = {name: _MapType(name, fields) for name, fields in _OBJECTS.items()}
    for name, (values, pattern, ext) in _MAPS.items():
        maps[name] = _MapType(name, {}, values, re.compile(pattern) if pattern else None, extensions=ext)
    maps["{any}"] = _MapType("{any}", {}, "any", extensions=False, free=True)
    specs: dict[str, _Spec] = {}

    def alternatives(text: str) -> list[str]:
        """Split at top-level `|` (brackets may hold their own unions)."""
        parts, depth, start = [], 0, 0
        for k, ch in enumerate(text):
            depth += ch in "[{"
            depth -= ch in "]}"
            if ch == "|" and depth == 0:
                parts.append(text[start:k])
                start = k + 1
        return [*parts, text[start:]]

    def spec(text: str) -> _Spec:
        if text in specs:
            return specs[text]
        mapping: str | None = None
        sequence: str | None = None
        scalars: list[str] = []
        for alt in alternatives(text):
            if alt.startswith("["):
                sequence = alt[1:-1]
                spec(sequence)
            elif alt.startswith("{"):
                mapping = alt
                if alt not in maps:
                    maps[alt] = _MapType(alt, {}, alt[1:-1], extensions=False)
                    spec(alt[1:-1])
            elif alt == "any":
                mapping, sequence = "{any}", "any"
                scalars.append(alt)
            elif alt in maps:
                mapping = alt
                if alt == "Schema":
                    # JSON Schema allows `true`/`false` wherever a schema goes.
                    scalars.append("bool")
            else:
                scalars.append(alt)
        specs[text] = result = _Spec(text, mapping, sequence, tuple(scalars))
        return result

    for mt in list(maps.values()):
        for text in mt.fields.values():
            spec(text)
        if mt.values:
            spec(mt.values)
    for root in ("OpenAPI", "Swagger"):
        spec(root)
    return specs, maps


_SPECS, _MAP_TYPES = _build_specs()
_KNOWN_KEYS: Final = frozenset(key for fields in _OBJECTS.values() for key in fields)

# ---------------------------------------------------------------------------
# Lexing: what one flattened line can be.
# ---------------------------------------------------------------------------

_BLOCK_HEADER: Final = re.compile(r"[|>](?:([1-9])?[-+]?|[-+]([1-9]))(?:[ \t]+#.*)?$")
_ENTRY_COLON: Final = re.compile(r":(?:[ \t]|$)")
_NOT_PLAIN_START: Final = frozenset(",[]{}#&*!|>'\"%@`")
_NULL: Final = re.compile(r"(?:~|null|Null|NULL|)$")
_BOOL: Final = re.compile(
    r"(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON"
    r"|off|Off|OFF)$"
)
_INT: Final = re.compile(
    r"[-+]?(?:0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|0|[1-9][0-9_]*"
    r"(?::[0-5]?[0-9])*)$"
)
_FLOAT: Final = re.compile(
    r"[-+]?(?:(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|\.(?:inf|Inf|INF))$"
    r"|\.(?:nan|NaN|NAN)$"
)

ScalarKind = Literal["null", "bool", "int", "float", "str"]


@dataclass(frozen=True, slots=True)
class _Value:
    """The inline part of a line after `key:` or `- `."""

    kind: Literal["empty", "block", "scalar", "flow", "alias", "item"]
    scalar: ScalarKind = "str"
    text: str = ""  # decoded scalar text
    plain: bool = False  # a plain scalar may continue on the next lines
    indent: int = 2  # block scalar content indentation relative to its owner
    open_until: str = ""  # closing needed on later lines: a quote or brackets


def _plain_kind(text: str) -> ScalarKind:
    if _NULL.match(text):
        return "null"
    if _BOOL.match(text):
        return "bool"
    if _INT.match(text):
        return "int"
    if _FLOAT.match(text):
        return "float"
    return "str"


def _quoted_end(text: str, start: int) -> int:
    """Index just past the quoted scalar opening at `start`, or -1 when it is still open."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def _unquote(text: str) -> str:
    if text[0] == "'":
        return text[1:-1].replace("''", "'")
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _flow_balance(text: str, depth: int, quote: str) -> tuple[int, str]:
    """Bracket depth and open quote after scanning `text` from a given flow state."""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if quote == '"' and ch == "\\":
                i += 1
            elif ch == quote:
                if quote == "'" and text[i + 1 : i + 2] == "'":
                    i += 1
                else:
                    quote = ""
        elif ch in "'\"" and (i == 0 or text[i - 1] in " ,[{:"):
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "#" and (i == 0 or text[i - 1] in " \t") and depth == 0:
            break
        i += 1
    return depth, quote


def _value(rest: str) -> _Value | None:
    """Analyse an inline value; None when it is not valid YAML."""
    if not rest or rest.startswith("#"):
        return _Value("empty")
    # Anchors and tags do not change the node kind.
    while rest[0] in "&!":
        head, _, rest = rest.partition(" ")
        rest = rest.strip()
        if not rest or rest.startswith("#"):
            return _Value("empty")
    head = rest[0]
    if head == "*":
        return _Value("alias")
    if head in "|>":
        m = _BLOCK_HEADER.match(rest)
        if not m:
            return None
        return _Value("block", indent=int(m.group(1) or m.group(2) or 2))
    if head == "-" and (rest == "-" or rest[1] in " \t"):
        return _Value("item", text=rest)
    if head in "[{":
        depth, quote = _flow_balance(rest, 0, "")
        return _Value("flow", text=rest, open_until="" if depth <= 0 and not quote else "flow")
    if head in "'\"":
        end = _quoted_end(rest, 0)
        if end < 0:
            return _Value("scalar", open_until=head)
        tail = rest[end:].strip()
        if tail and not tail.startswith("#"):
            return None
        return _Value("scalar", text=_unquote(rest[:end]))
    text = rest.split(" #")[0].rstrip()  # a plain scalar ends where a comment starts
    if head in "%@`" or _ENTRY_COLON.search(text) or (head in "?:" and text[1:2] in ("", " ", "\t")):
        return None
    return _Value("scalar", scalar=_plain_kind(text), text=text, plain=True)


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str
    key: str | None  # set when the line is `key: ...`
    value: _Value | None  # the part after `key:` or after `- `
    item: bool  # the line starts with `- `
    can_continue: bool  # could be a continuation line of a plain scalar


def _split_entry(text: str) -> tuple[str, str] | None:
    if text[0] in "'\"":
        end = _quoted_end(text, 0)
        if end < 0:
            return None
        rest = text[end:].lstrip()
        if not rest.startswith(":") or rest[1:2] not in ("", " ", "\t"):
            return None
        return _unquote(text[:end]), rest[1:].strip()
    if text[0] in _NOT_PLAIN_START or (text[0] in "-?:" and text[1:2] in ("", " ", "\t")):
        return None
    m = _ENTRY_COLON.search(text)
    if not m:
        return None
    key = text[: m.start()].rstrip()
    if " #" in key or "\t#" in key:
        return None
    return key, text[m.end() :].strip()


def _lex(number: int, text: str) -> _Line:
    key: str | None = None
    value: _Value | None = None
    item = text == "-" or text.startswith(("- ", "-\t"))
    if item:
        value = _item_value(text[1:].strip())
    else:
        entry = _split_entry(text)
        if entry is not None:
            key, rest = entry
            value = _value(rest)
            if value is None:
                key = None
    can_continue = not text.startswith("#") and not _ENTRY_COLON.search(text) and " #" not in text
    return _Line(number, text, key, value, item, can_continue)


def _item_value(rest: str) -> _Value | None:
    """An item's content: another item, an entry opening a mapping, or a value."""
    if rest == "-" or rest.startswith(("- ", "-\t")):
        return _Value("item", text=rest)
    entry = _split_entry(rest) if rest else None
    if entry is not None and _value(entry[1]) is not None:
        return _Value("item", text=rest, scalar="str", plain=False, open_until="entry")
    return _value(rest)


# ---------------------------------------------------------------------------
# Parse state.  Frames are immutable, so a choice point is just a saved
# reference; the open frames form a linked list from the innermost outwards.
# ---------------------------------------------------------------------------


class _Frame(NamedTuple):
    parent: _Frame | None
    col: int  # column of the keys (mapping) or of the dashes (sequence)
    pointer: str
    role: str  # the key this node is the value of
    map_type: _MapType | None = None  # set for mappings
    item_spec: _Spec | None = None  # set for sequences
    keys: frozenset[str] = frozenset()
    styles: int = 0  # naming conventions of the keys, as bits (see _style)
    length: int = 0  # items so far (sequences)
    heads: frozenset[str] = frozenset()  # how the items so far begin (see _head)
    # Facts about a schema that tell where later keys belong.
    type_name: str | None = None
    props: frozenset[str] | None = None
    data: frozenset[str] = frozenset()  # JSON kinds of the schema's examples, default, const and enum
    shown: frozenset[str] | None = None  # keys of the schema's object example
    nested: frozenset[str] = frozenset()  # property names of the objects among its properties
    ref: str = ""  # the schema's `$ref`
    # What the members of its allOf/anyOf/oneOf declare: property names, and the schemas they refer to.
    parts: frozenset[str] = frozenset()
    refs: frozenset[str] = frozenset()

    def describe(self) -> str:
        items = self.item_spec.text if self.item_spec else ""
        kind = self.map_type.name if self.map_type is not None else f"[{items}]"
        return f"{self.pointer or '#'} ({kind})"


class _State(NamedTuple):
    top: _Frame
    # A `key:` or `-` with nothing after it: the next line must nest under it.
    pending: _Spec | None = None
    pending_col: int = 0
    pending_pointer: str = ""
    pending_role: str = ""
    # Column of the text lines of an open block scalar (0: none open).
    text_col: int = 0
    text_lines: int = 0
    # Column for continuation lines of an open plain scalar (0: none).
    plain_col: int = 0


class _Option(NamedTuple):
    state: _State
    col: int
    consumed: int = 1  # lines taken, when a quoted/flow value spans several
    cont_col: int = 0
    reading: str = ""  # where the line was put, for ambiguity messages
    free: bool = False  # the line goes into free-form data (example, extension)
    contested: bool = False  # the grammar cannot rank this reading against others
    text: bool = False  # the line is read as scalar text
    penalty: int = 0  # how badly the reading fits (see _penalty)
    alarm: bool = False  # some evidence speaks against the reading
    named: bool = False  # the line is a name in an author-named map (schemas, properties)
    in_schema: bool = False  # the line is a keyword of a schema
    unknown: bool = False  # the line is a key no grammar knows (see _unknown)
    closing: int = 0  # the part of the penalty paid for closing collections as they stand


@dataclass(slots=True)
class _Choice:
    """A line read one way while other readings wait, for backtracking."""

    index: int
    cost: int  # cost of the reading before this line
    taken: _Option
    others: list[_Option]
    revised: bool = False


class _Ambiguous(Exception):
    def __init__(
        self,
        index: int,
        line: _Line,
        pointer: str,
        readings: Sequence[str],
        *,
        kind: str = "",
        chosen: str = "",
    ) -> None:
        super().__init__(line.number)
        self.index = index
        self.line = line
        self.pointer = pointer
        self.readings = tuple(readings)
        # "data" (which mapping a key of example data belongs to) or "property"
        # (which object a property belongs to): ties the document's schemas and
        # examples may settle (see _Evidence); "" for any other.
        self.kind = kind
        self.chosen = chosen  # the mapping the reading taken put the key in

    @property
    def settleable(self) -> bool:
        return bool(self.kind)

    @property
    def reach(self) -> int:
        """Lines after which the tie is final; a `required` list further down may still settle a property."""
        return _NAMED_REACH if self.kind == "property" else _BACKTRACK


# How far a rival reading is followed to see whether it also holds up.
_LOOKAHEAD: Final = 40
# How many lines back a dead end may undo choices.
_BACKTRACK: Final = 120
# How far back a `required` list may move a property that went to a nested
# object: a schema's properties can run on for hundreds of lines before it.
_NAMED_REACH: Final = 400
# Times one line's reading may be replaced by a cheaper one.
_MAX_REVISIONS: Final = 2
# Lines read by every search together, per line of the block.
_WORK_PER_LINE: Final = 20
_PROVISIONAL_WORK_PER_LINE: Final = 5
# Lines read, counting re-reading after backtracking, per line of the block.
_STEPS_PER_LINE: Final = 8
_FREE_TIER: Final = 2
# How deep lookaheads may nest their own revisions.
_REVISIT_DEPTH: Final = 1
# Weights of the evidence about where a line belongs (see _Parser._penalty).
_W_POINTED: Final = -3  # a $ref elsewhere in the block points exactly there
_W_NAMED: Final = -2  # a title naming the schema it would join
_W_CONVENTION: Final = 1  # against a habit of writers, not a rule
_W_MISFIT: Final = 2  # against what the keyword means (type-specific keyword on another type)
_W_SWALLOWED: Final = 2  # a line the grammar could place has to be read as scalar text
_W_UNLIKE: Final = 1  # an item that begins unlike the items of its list, but like those of another open list


class _Parser:
    def __init__(
        self,
        lines: Sequence[_Line],
        *,
        file: str,
        root: str,
        evidence: _Evidence | None = None,
        provisional: bool = False,
        known: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.lines = lines
        self.file = file
        self.root = root
        # The schemas and examples of an earlier reading, to settle ties by.
        self.evidence = evidence
        # A first reading, only to gather that evidence: ties are not errors,
        # but the mappings they involve are noted as uncertain.
        self.provisional = provisional
        self.uncertain: set[str] = set()
        # Property names of the schemas read before a tie, by `$ref`: what a member of a union declares.
        self.known: Mapping[str, frozenset[str]] = known or {}
        self.targets = _ref_targets(lines)
        # Whether the document's version ignores keywords beside a $ref.
        version = next((line.value.text for line in lines[:50] if line.key == "openapi" and line.value), "")
        self.ref_alone = not re.match(r"3\.[1-9]", version)
        # Undecidable choices on the current reading, by line; a reading that
        # is abandoned takes its own with it.
        self.ambiguities: list[_Ambiguous] = []
        self.revisions: dict[int, int] = {}  # times the reading of a line was revised
        # Lines read by all searches together, lookahead included.
        # A provisional reading is worth a fraction of the time a real one may take.
        self.work = (_PROVISIONAL_WORK_PER_LINE if provisional else _WORK_PER_LINE) * len(lines) + 20_000
        self.cols = [0] * len(lines)
        # Furthest line that could not be placed, for the error message.
        self.stuck = -1
        self.stuck_state: _State | None = None

    # -- driver ------------------------------------------------------------

    def parse(self) -> list[int]:
        sentinel = _Frame(None, -2, "", "")
        start = _State(sentinel, pending=_SPECS[self.root], pending_col=-2)
        budget = _STEPS_PER_LINE * len(self.lines) + 10_000
        if self._run(start, 0, len(self.lines), budget=budget, record=True) is None:
            raise self._stuck_error()
        if self.ambiguities:
            raise self.ambiguities[0]
        return self.cols

    def _run(self, state: _State, i: int, end: int, *, budget: int, record: bool, depth: int = 0) -> int | None:
        """Depth-first search for a reading of lines[i:end]; returns its cost (None: none).

        The cost adds up the evidence against the reading (see _penalty).  The
        search takes the most likely reading of each line first; when that
        later costs something, the main run (`record`) looks back at recent
        choices for a reading that would have avoided it.
        """
        choices: list[_Choice] = []
        cost = 0
        while True:
            options: list[_Option] = []
            budget -= 1
            self.work -= 1
            if budget <= 0 or self.work <= 0:
                if not record and self.work > 0:
                    return None
                # Keeps a hopeless block from taking minutes: the search stays near-linear.
                raise fail(
                    self.file,
                    self.lines[min(i, len(self.lines) - 1)].number,
                    "",
                    "too many possible readings near this line; indent this part of the block by hand",
                )
            if record and self.ambiguities and self.ambiguities[0].index < i - self.ambiguities[0].reach:
                raise self.ambiguities[0]  # out of backtracking's reach: it is final
            if i < end:
                options = self._options(state, i)
                if record and len(options) > 1 and options[0].contested:
                    self._settle(state, i, options)
            elif end < len(self.lines) or self._complete(state):
                return cost
            if options:
                option = options[0]
                if len(options) > 1:
                    choices.append(_Choice(i, cost, option, options[1:]))
            else:
                if record and i > self.stuck:
                    self.stuck, self.stuck_state = i, state
                while choices and not choices[-1].others:
                    choices.pop()
                # Backtracking far is exponential and never what rescues a
                # reading: the cause of a dead end is close to it.
                if not choices or choices[-1].index < i - _BACKTRACK:
                    return None
                choice = choices[-1]
                i, cost = choice.index, choice.cost
                option = choice.taken = choice.others.pop(0)
                if record:
                    self._forget(i)
            if option.alarm and (record or depth < _REVISIT_DEPTH):
                # A lookahead revises its own guesses too, or its cost would
                # blame a reading for what a later greedy guess cost.
                better = self._revisit(
                    choices,
                    i,
                    option,
                    cost + option.penalty,
                    depth=_REVISIT_DEPTH if record else depth + 1,
                    record=record,
                )
                if better is not None:
                    choice, option = better
                    del choices[choices.index(choice) + 1 :]
                    i, cost = choice.index, choice.cost
                    if record:
                        self._forget(i)
                elif record and option.penalty - option.closing >= _W_MISFIT and not (option.text or option.unknown):
                    # Every reading contradicts the schema here: none is certain.
                    self.ambiguities.append(
                        _Ambiguous(
                            i,
                            self.lines[i],
                            option.state.top.pointer,
                            [option.reading + ", where it contradicts the schema's other keywords"],
                        )
                    )
            cost += option.penalty
            if record and self.lines[i].key == "required" and option.in_schema and option.penalty <= 0:
                self._confirmed(option.state.top, i)
            if record:
                self.cols[i] = option.col
                for k in range(1, option.consumed):
                    self.cols[i + k] = option.cont_col
            i += option.consumed
            state = option.state

    def _undeclared(self, schema: _Frame) -> bool:
        """Whether the schema's object example shows a key that neither its properties nor
        its members' declare (open maps aside: there the example may well hold more)."""
        if schema.shown is None or "additionalProperties" in schema.keys:
            return False
        if schema.props is None and not schema.parts and not schema.refs:
            return False
        declared = (schema.props or frozenset()) | schema.parts
        for ref in schema.refs:
            known = self.known.get(ref)
            if known is None:
                return False  # a member not read yet may declare anything
            declared |= known
        return not schema.shown <= declared

    def _confirmed(self, schema: _Frame, i: int) -> None:
        """Drop the ties over properties that a `required` list settles the way they were read."""
        names = set(self._peek_items(i + 1))
        if schema.props is None or not names <= schema.props:
            return
        properties = pointer_join(schema.pointer, "properties")
        self.ambiguities = [
            amb
            for amb in self.ambiguities
            if not (amb.kind == "property" and amb.chosen == properties and amb.line.key in names)
        ]

    def _forget(self, i: int) -> None:
        """Drop what was noted about lines from i on, whose reading is being replaced."""
        while self.ambiguities and self.ambiguities[-1].index >= i:
            self.ambiguities.pop()

    def _revisit(
        self, choices: list[_Choice], k: int, option: _Option, cost: int, *, depth: int, record: bool
    ) -> tuple[_Choice, _Option] | None:
        """A recent choice whose other reading avoids the cost paid at line k.

        Readings are compared over the same lines, reaching a little past k so
        that one cannot win by dying just out of sight.
        """
        horizon = min(len(self.lines), k + option.consumed + _LOOKAHEAD // 2)
        # A `required` list naming properties the schema lacks says which schema
        # earlier property names went to: that overturns where they were filed.
        named_evidence = self.lines[k].key == "required" and option.in_schema
        future = self._run(option.state, k + option.consumed, horizon, budget=_LOOKAHEAD * 4, record=False, depth=depth)
        if future is None:
            return None  # the line has worse problems; backtracking will see to them
        best: tuple[int, _Choice, _Option] | None = None
        for choice in reversed(choices):
            far = choice.index < k - _LOOKAHEAD
            if choice.index < k - (_NAMED_REACH if named_evidence else _LOOKAHEAD):
                break
            if far and not (choice.taken.named and choice.taken.state.top.role == "properties"):
                continue  # far back, only where a property went is worth another look
            paid = cost + future - choice.cost
            if (
                choice.revised
                or choice.taken.penalty < 0
                or (choice.taken.named and not named_evidence)
                or self.revisions.get(choice.index, 0) >= _MAX_REVISIONS
            ):
                continue  # evidence for the reading taken is not overturned by a guess
            for other in choice.others:
                if other.text or other.unknown:
                    continue  # a last resort, never a better reading of a line the grammar placed
                if choice.taken.named and not (other.state.top.role == choice.taken.state.top.role == "properties"):
                    continue  # only a property moves to another schema's properties
                start = choice.index + other.consumed
                budget = max(_LOOKAHEAD, horizon - start) * 4
                end = max(start, horizon)
                other_cost = self._run(other.state, start, end, budget=budget, record=False, depth=depth)
                if other_cost is None:
                    continue
                gain = paid - other_cost - other.penalty
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, choice, other)
        if best is None:
            return None
        _, choice, other = best
        if record:
            self.revisions[choice.index] = self.revisions.get(choice.index, 0) + 1
        choice.others.remove(other)
        choice.others.append(choice.taken)
        choice.taken = other
        choice.revised = True
        return choice, other

    def _unknown(self, state: _State, line: _Line, i: int) -> list[tuple[tuple[int, int, int, int, int], _Option]]:
        """A key no grammar knows, read as a vendor extension of the innermost object.

        Real documents carry such keys without the `x-` prefix; only a line that
        fits nowhere else is read so, never inside a block scalar's text, and
        never a key that some OpenAPI object defines.
        """
        frame: _Frame | None = state.top
        depth = 0
        while frame is not None and (
            frame.map_type is None or frame.map_type.free or frame.map_type.values is not None
        ):
            frame, depth = frame.parent, depth + 1
        if frame is None or line.key is None or line.key in frame.keys or line.value is None or line.key in _KNOWN_KEYS:
            return []  # a key the grammar knows belongs where the grammar has it
        closed = self._close(state.top, depth)
        if closed is None:
            return []
        found = self._entry(closed[0], line.key, _SPECS["any"], line.value, line, i)
        reading = f"an unknown key of {frame.describe()}"
        return [
            (
                (True, True, _W_MISFIT, _FREE_TIER + 1, depth),
                o._replace(reading=reading, penalty=_W_MISFIT, alarm=True, unknown=True),
            )
            for o in found
        ]

    def _settle(self, state: _State, i: int, options: list[_Option]) -> None:
        """Order contested readings of line i by how they hold up; note a tie.

        Inside example data nothing says which of the open mappings a key
        belongs to (and likewise for the cases _structural marks contested), so
        readings are only told apart by what follows them; when that does not
        tell them apart either, the block is ambiguous.
        """
        line = self.lines[i]
        # Ties the schemas and the examples of the document can settle.
        kind = ""
        if line.key is not None and not line.item:
            if options[0].free:
                kind = "data" if _documented(state.top.pointer) else ""
            elif options[0].named:
                kind = "property"
        scored: list[tuple[int, int]] = []
        for index, option in enumerate(options):
            if not option.contested:
                break
            cost = self._lookahead(option, i)
            if cost is not None:
                scored.append((cost, index))
        if not scored:
            return
        lowest = min(cost for cost, _ in scored)
        ties = [index for cost, index in scored if cost == lowest]
        best = ties[0]
        if len(ties) > 1 and kind and self.evidence is not None:
            assert line.key is not None
            chosen = self.evidence.choose(kind, [options[k].state.top.pointer for k in ties], line.key)
            if chosen is not None:
                best, ties = ties[chosen], [ties[chosen]]
        if len(ties) > 1:
            if self.provisional:
                # Whichever way this goes, what these mappings hold is no evidence.
                self.uncertain.update(options[k].state.top.pointer for k in ties)
            else:
                readings = [options[k].reading for k in ties]
                taken = options[best].state.top.pointer
                self.ambiguities.append(_Ambiguous(i, line, state.top.pointer, readings, kind=kind, chosen=taken))
        options.insert(0, options.pop(best))

    def _lookahead(self, option: _Option, i: int) -> int | None:
        start = i + option.consumed
        end = min(len(self.lines), start + _LOOKAHEAD)
        cost = self._run(option.state, start, end, budget=_LOOKAHEAD * 4, record=False)
        return None if cost is None else cost + option.penalty

    def _complete(self, state: _State) -> bool:
        if state.pending is not None and "any" not in state.pending.scalars:
            return False
        frame: _Frame | None = state.top
        while frame is not None:
            if not _closes(frame):
                return False
            frame = frame.parent
        return True

    # -- choices -------------------------------------------------------------

    def _options(self, state: _State, i: int) -> list[_Option]:
        """Every reading of line i in this state, most likely first."""
        line = self.lines[i]
        if state.text_col:
            text = _Option(state._replace(text_lines=state.text_lines + 1), state.text_col, text=True)
            # A block scalar has at least one line: dumpers write '' for an empty string.
            if state.text_lines == 0 or line.text.startswith("#"):
                return [text]
            # The text of a block scalar ends at the first line the grammar can place.
            structural = self._structural(state._replace(text_col=0, text_lines=0), i, in_text=True)
            return [*structural, text._replace(penalty=_W_SWALLOWED if line.value else 0)]
        if line.text.startswith("#"):
            return [_Option(state, max(state.top.col, 0))]
        if state.plain_col:
            structural = self._structural(state._replace(plain_col=0), i, in_text=line.can_continue)
            if line.can_continue:
                penalty = _W_SWALLOWED if line.value else 0
                structural.append(_Option(state, state.plain_col, text=True, penalty=penalty))
            return structural
        if i == 0 and line.text == "---":
            return [_Option(state, 0)]
        return self._structural(state, i)

    def _structural(self, state: _State, i: int, *, in_text: bool = False) -> list[_Option]:
        """Readings of line i as a key or item of one of the open collections."""
        line = self.lines[i]
        if line.value is None:
            return []
        if state.pending is not None:
            nested = self._nest(state, line, i)
            if nested or "any" not in state.pending.scalars:
                # Dumpers write `null`, never an empty value, so `key:` always nests.
                return nested
            state = state._replace(pending=None)
        ranked: list[tuple[tuple[int, int, int, int, int], _Option]] = []
        head = _head(line.value) if line.item else ""
        # Whether some open list has items that begin like this one.  Only data
        # lists pay for an unlike item: a union may well mix a nested union
        # with plain members.
        like = line.item and any(f.item_spec is not None and head in f.heads for f in _frames(state.top))
        frame: _Frame | None = state.top
        depth = 0
        while frame is not None:
            found: list[_Option] = []
            rank = 0
            data = False  # the value is free-form data
            if line.item and frame.item_spec is not None:
                closed = self._close(state.top, depth)
                if closed is not None:
                    found = self._item(closed[0], line.value, line, i, frame.col)
                    rank = _FREE_TIER if frame.item_spec.text == "any" else 0
            elif line.key is not None and frame.map_type is not None:
                match = _accepts(frame, line.key)
                closed = self._close(state.top, depth) if match is not None else None
                if match is not None and closed is not None:
                    spec, rank = match
                    found = self._entry(closed[0], line.key, spec, line.value, line, i)
                    # Content without grammar comes after content with it.
                    data = line.value.kind == "empty" and spec.text == "any"
            if found:
                assert closed is not None
                against = self._penalty(closed[0], rank, line, i)
                if like and frame.item_spec is _SPECS["any"] and head not in frame.heads:
                    # Items of one list are alike: this one begins like the
                    # items of another open list.
                    against += _W_UNLIKE
                penalty = closed[1] + against
                free = rank == _FREE_TIER
                alarm = closed[1] > 0 or against > 0
                for option in found:
                    ranked.append(
                        (
                            (free, data, penalty + option.penalty, rank, depth),
                            option._replace(
                                reading=f"part of {frame.describe()}",
                                penalty=penalty + option.penalty,
                                free=free,
                                alarm=alarm or option.alarm,
                                named=rank == 1,
                                in_schema=closed[0].map_type is _MAP_TYPES["Schema"],
                                closing=closed[1],
                            ),
                        )
                    )
            frame = frame.parent
            depth += 1
        if line.key is not None and not in_text and not any(r[0][3] == 0 for r in ranked):
            ranked += self._unknown(state, line, i)
        ranked.sort(key=lambda r: r[0])
        options = [o for _, o in ranked]
        nested_annotation = line.key in _OBJECT_LEVEL and line.value.kind == "empty"
        if line.key in _ANNOTATIONS and line.key != "$ref" and len(options) > 1:
            # After a member of a union that gives just a type, an annotation
            # describes that member about as often as the union's owner.
            nested_annotation |= any(
                o.in_schema
                and o.state.top.role in _COMPOSITION
                and "type" in o.state.top.keys
                and o.state.top.keys - {line.key} <= _BARE - {"$ref"}
                for o in options[:2]
            )
        # A property after a nested object's last property: the nested
        # object's or its owner's; only what follows can tell.
        nested_property = len(options) > 1 and all(
            o.named and o.state.top.role == "properties" and o.penalty == options[0].penalty for o in options[:2]
        )
        if self.ref_alone and line.key in _ANNOTATIONS and len(ranked) > 1 and ranked[0][1].in_schema:
            # An annotation describes the innermost schema that can take it;
            # when that one is a reference, whose siblings this version
            # ignores, nothing orders the others.
            nested_annotation |= any(
                o.in_schema and r[4] < ranked[0][0][4] and "$ref" in o.state.top.keys and o.state.top.role not in _PARTS
                for r, o in ranked
            )
        if (
            len(options) > 1
            and options[1].free == options[0].free
            and (
                options[0].free
                or line.item
                or nested_property
                or (
                    nested_annotation
                    and options[0].in_schema
                    and options[1].in_schema
                    and options[0].penalty == options[1].penalty
                )
            )
        ):
            # Which mapping a key of example data continues, which of two lists
            # of the same kind an item continues, or which of two schemas an
            # object-level annotation (xml, an object example) describes: only
            # what follows tells.
            options = [o._replace(contested=o.free == options[0].free) for o in options]
        return options

    def _penalty(self, frame: _Frame, rank: int, line: _Line, i: int) -> int:
        """Evidence against (positive) or for (negative) putting a key into `frame`."""
        key = line.key
        if key is None or frame.map_type is None:
            return 0
        if pointer_join(frame.pointer, key) in self.targets:
            return _W_POINTED
        if rank == 1 and frame.styles and not frame.styles & _style(key):
            # Names in one map follow one convention (PascalCase schemas,
            # snake_case properties); a stranger fits worse.
            return _W_CONVENTION
        if key.startswith("x-") and frame.map_type.name not in _EXTENDED:
            return _W_CONVENTION  # extensions describe operations and schemas, rarely their parts
        if frame.map_type is not _MAP_TYPES["Schema"]:
            return 0
        name = self._naming(key, line, i)
        if name is not None and name == _squash(frame.pointer.rsplit("/", 1)[-1]):
            # A schema's title (or XML name) repeats the name it is filed under.
            return _W_NAMED
        annotation = key in _ANNOTATIONS or key.startswith("x-")
        if key == "$ref" and not frame.keys <= _ANNOTATIONS:
            # A reference joins annotations, not a schema of its own; a bare
            # `type` before it merely repeats what the target is.
            return 0 if frame.keys - _ANNOTATIONS == {"type"} else _W_MISFIT
        if "$ref" in frame.keys:
            if key == "type" and frame.type_name is None:
                return _W_CONVENTION
            if not annotation:
                return _W_MISFIT
            if key in ("example", "examples", "default"):
                # Beside a $ref, mostly the enclosing media type or parameter has these.
                return _W_CONVENTION
            if self.ref_alone and not key.startswith("x-"):
                # Before OpenAPI 3.1 a $ref's siblings are ignored, so writers rarely put them there.
                return _W_CONVENTION
        wanted = _KEYWORD_TYPE.get(key)
        if (
            wanted
            and frame.type_name
            and frame.type_name != wanted
            and not (wanted == "number" and frame.type_name == "integer")
        ):
            return _W_MISFIT
        if key == "required" and line.value is not None and line.value.kind == "empty":
            names = set(self._peek_items(i + 1))
            if frame.props is not None and not names <= frame.props:
                # A name that went to a nested object, or none of the names
                # here: the list belongs elsewhere, or the properties do.
                # Documents do list a name or two they never declare, though.
                misplaced = not (names - frame.props).isdisjoint(frame.nested) or names.isdisjoint(frame.props)
                return _W_MISFIT if misplaced else _W_CONVENTION
        if not annotation and key != "discriminator" and not frame.keys.isdisjoint(_COMPOSITION):
            # After allOf/anyOf/oneOf a schema takes annotations and little
            # else: a habit, weaker than a keyword that contradicts a type.
            return _W_CONVENTION
        if key == "discriminator" and frame.keys.isdisjoint(("oneOf", "anyOf")):
            # A discriminator tells the members of a union apart; it mostly sits beside one.
            return _W_CONVENTION
        if annotation and frame.type_name == "null" and not key.startswith("x-"):
            return _W_MISFIT  # `type: 'null'` is the optional half of an anyOf, not described
        if annotation and frame.role in _PARTS and frame.parent is not None:
            # Annotations after a bare `items` schema or a bare part of
            # allOf/anyOf/oneOf usually describe the owner, when the owner can
            # still take them.
            owner = frame.parent if frame.role == "items" else frame.parent.parent
            # A member of a union that gives a type is described in itself far
            # more often than its owner is (measured on the corpus).
            bare = frame.keys <= (_BARE if frame.role == "items" else {"$ref"})
            if bare and owner is not None and owner.map_type is not None and (key not in owner.keys):
                return _W_CONVENTION
        return 0

    def _naming(self, key: str, line: _Line, i: int) -> str | None:
        """The name a `title: X` or `xml: {name: X}` line gives, squashed for comparison."""
        value = line.value
        if key == "title" and value is not None and value.kind == "scalar":
            return _squash(value.text)
        if key == "xml" and i + 1 < len(self.lines) and self.lines[i + 1].key == "name":
            after = self.lines[i + 1].value
            if after is not None and after.kind == "scalar":
                return _squash(after.text)
        return None

    def _peek_items(self, i: int) -> Iterable[str]:
        while i < len(self.lines):
            value = self.lines[i].value
            if not self.lines[i].item or value is None or value.kind != "scalar":
                return
            yield value.text
            i += 1

    def _close(self, top: _Frame, levels: int) -> tuple[_Frame, int] | None:
        """Close the innermost `levels` frames: the frame left on top and the evidence
        against closing them as they stand; None if one cannot close."""
        frame = top
        penalty = 0
        for _ in range(levels):
            if not _closes(frame):
                return None
            if frame.length == 1 and frame.role in _COMPOSITION and frame.item_spec is not None:
                penalty += _W_CONVENTION  # composing a single schema is the exception
            if frame.map_type is _MAP_TYPES["Schema"] and "required" in frame.keys and _UNLISTED.isdisjoint(frame.keys):
                penalty += _W_CONVENTION  # a `required` list names properties its schema lists
            parent = frame.parent
            assert parent is not None
            if frame.props is not None and parent.map_type is not None and parent.role == "properties":
                parent = parent._replace(nested=parent.nested | frame.props)
            if frame.role in _COMPOSITION and (frame.map_type is _MAP_TYPES["Schema"] or frame.item_spec is not None):
                # A member closes into its list, the list into the schema it composes.
                parts = parent.parts | frame.parts | (frame.props or frozenset())
                refs = parent.refs | frame.refs | ({frame.ref} if frame.ref else set())
                parent = parent._replace(parts=parts, refs=refs)
            if parent.map_type is _MAP_TYPES["Schema"]:
                if frame.role == "properties" and frame.map_type is not None:
                    parent = parent._replace(props=frame.keys, nested=frame.nested)
                elif frame.role in _INSTANCE and frame.map_type is _MAP_TYPES["{any}"]:
                    parent = parent._replace(shown=frame.keys)
                if self._undeclared(parent):
                    penalty += _W_MISFIT
            frame = parent
        return frame, penalty

    # -- building options ----------------------------------------------------

    def _nest(self, state: _State, line: _Line, i: int) -> list[_Option]:
        """Start the nested value of a pending `key:` (or `-`) with this line."""
        spec = state.pending
        assert spec is not None and line.value is not None
        col = state.pending_col + 2
        if line.item:
            if spec.sequence is None:
                return []
            top, misfit = _instance(state.top, state.pending_role in _INSTANCE, "seq")
            seq = _Frame(top, col, state.pending_pointer, state.pending_role, item_spec=_SPECS[spec.sequence])
            return _against(self._item(seq, line.value, line, i, col), misfit)
        if line.key is None or spec.mapping is None:
            return []
        top, misfit = _instance(state.top, state.pending_role in _INSTANCE, "map")
        frame = _Frame(top, col, state.pending_pointer, state.pending_role, map_type=_MAP_TYPES[spec.mapping])
        match = _accepts(frame, line.key)
        if match is None:
            return []
        return _against(self._entry(frame, line.key, match[0], line.value, line, i), misfit)

    def _entry(self, frame: _Frame, key: str, spec: _Spec, value: _Value, line: _Line, i: int) -> list[_Option]:
        """Readings of `key: value` as an entry of the mapping `frame`."""
        updated = frame._replace(keys=frame.keys | {key}, styles=frame.styles | _style(key))
        misfit = False
        if key == "$ref" and value.kind == "scalar" and frame.map_type is _MAP_TYPES["Schema"]:
            updated = updated._replace(ref=value.text)
        if key == "type" and value.kind == "scalar" and frame.map_type is _MAP_TYPES["Schema"]:
            updated = updated._replace(type_name=value.text)
            # Examples given before the type must be instances of it.
            misfit = not frame.data <= _TYPE_KINDS.get(value.text, frame.data)
        elif key in _INSTANCE and value.kind != "empty":
            updated, misfit = _instance(updated, True, _data_kind(value))
        elif key in _INSTANCE and frame.map_type is _MAP_TYPES["Schema"]:
            # A nested example (a mapping or a list) cannot be an instance of a scalar type.
            misfit = frame.type_name in _SCALAR_TYPES
        pointer = pointer_join(frame.pointer, key)
        return _against(self._value(_State(updated), spec, value, line, i, frame.col, pointer, key), misfit)

    def _item(self, seq: _Frame, value: _Value, line: _Line, i: int, col: int) -> list[_Option]:
        """Readings of `- value` as the next item of the sequence `seq` (dash at `col`)."""
        spec = seq.item_spec
        assert spec is not None
        pointer = pointer_join(seq.pointer, seq.length)
        updated = seq._replace(length=seq.length + 1, heads=seq.heads | {_head(value)})
        misfit = False
        if seq.role in _INSTANCES and seq.parent is not None:
            # Each item of `examples` and `enum` is an instance of the schema.
            owner, misfit = _instance(seq.parent, True, _data_kind(value))
            updated = updated._replace(parent=owner)
        if value.kind == "item":
            inner = _lex(line.number, value.text)
            assert inner.value is not None
            if inner.key is not None:
                # `- key: ...` opens a mapping whose keys sit two columns right of the dash.
                if spec.mapping is None:
                    return []
                frame = _Frame(updated, col + 2, pointer, seq.role, map_type=_MAP_TYPES[spec.mapping])
                match = _accepts(frame, inner.key)
                if match is None:
                    return []
                options = self._entry(frame, inner.key, match[0], inner.value, line, i)
            else:
                if spec.sequence is None:
                    return []
                nested = _Frame(updated, col + 2, pointer, seq.role, item_spec=_SPECS[spec.sequence])
                options = self._item(nested, inner.value, line, i, col + 2)
            return _against([o._replace(col=col) for o in options], misfit)
        return _against(self._value(_State(updated), spec, value, line, i, col, pointer, seq.role), misfit)

    def _value(
        self, state: _State, spec: _Spec, value: _Value, line: _Line, i: int, col: int, pointer: str, role: str
    ) -> list[_Option]:
        """Readings of an inline value (or of its absence) at a position of `spec`."""
        kind = value.kind
        if kind == "empty":
            if spec.mapping is None and spec.sequence is None and "any" not in spec.scalars:
                return []
            return [
                _Option(state._replace(pending=spec, pending_col=col, pending_pointer=pointer, pending_role=role), col)
            ]
        if kind == "block":
            if not _scalar_fits(spec, "str", ""):
                return []
            return [_Option(state._replace(text_col=col + value.indent), col)]
        if kind == "alias":
            return [_Option(state, col)]
        if kind == "flow":
            wanted = spec.mapping if value.text[0] == "{" else spec.sequence
            if wanted is None:
                return []
            return self._spanning(state, value, line, i, col)
        if kind == "item" or not _scalar_fits(spec, value.scalar, value.text):
            return []
        if (
            self.ref_alone
            and spec.mapping == "Schema"
            and not {"str", "any"} & set(spec.scalars)
            and role != "additionalProperties"
        ):
            return []  # `true`/`false` as a whole schema came with OpenAPI 3.1; before, only here
        if value.open_until:
            return self._spanning(state, value, line, i, col)
        if value.plain and not _TEXT_SCALARS.isdisjoint(spec.scalars):
            # Only free text may run on; `type: object` cannot become `object and more`.
            return [_Option(state._replace(plain_col=col + 2), col)]
        return [_Option(state, col)]

    def _spanning(self, state: _State, value: _Value, line: _Line, i: int, col: int) -> list[_Option]:
        """A quoted scalar or flow collection left open: it takes lines until it closes."""
        if not value.open_until:
            return [_Option(state, col)]
        depth, quote = 0, value.open_until
        if value.open_until == "flow":
            depth, quote = _flow_balance(value.text, 0, "")
        k = i + 1
        while k < len(self.lines):
            body = self.lines[k].text
            if value.open_until == "flow":
                depth, quote = _flow_balance(body, depth, quote)
                if depth <= 0 and not quote:
                    break
            elif _quoted_end(quote + body, 0) >= 0:
                break
            k += 1
        if k >= len(self.lines):
            return []
        return [_Option(state, col, consumed=k - i + 1, cont_col=col + 2)]

    def _stuck_error(self) -> GeneratorError:
        i = min(max(self.stuck, 0), len(self.lines) - 1)
        if i < 0:
            return fail(self.file, None, "", "the YAML block is empty")
        line = self.lines[i]
        state = self.stuck_state
        open_frames: list[str] = []
        frame = state.top if state is not None else None
        while frame is not None and frame.parent is not None:
            open_frames.append(frame.describe())
            frame = frame.parent
        pointer = state.top.pointer if state is not None else ""
        if self.stuck >= len(self.lines):
            return fail(
                self.file,
                line.number,
                pointer,
                "the block ends inside an unfinished object: " + ", ".join(open_frames[:4]),
            )
        message = f"cannot place `{line.text}`: it fits none of the enclosing objects"
        if open_frames:
            message += " (" + ", ".join(open_frames[:6]) + ")"
        return fail(self.file, line.number, pointer, message)


def _frames(top: _Frame) -> Iterable[_Frame]:
    frame: _Frame | None = top
    while frame is not None:
        yield frame
        frame = frame.parent


def _data_kind(value: _Value) -> str:
    """The JSON kind of an inline value: str, int, float, bool, null, seq or map ('' unknown)."""
    if value.kind == "scalar":
        return "str" if value.open_until else value.scalar
    if value.kind == "block":
        return "str"
    if value.kind == "flow":
        return "map" if value.text.startswith("{") else "seq"
    if value.kind == "item":
        entry = _split_entry(value.text)
        return "seq" if entry is None else "map"
    return ""


def _instance(frame: _Frame, applies: bool, kind: str) -> tuple[_Frame, bool]:
    """Note an instance of the schema `frame` (an example, default, const or enum
    value) of the given kind; the frame and whether the kind contradicts its type."""
    if not applies or not kind or frame.map_type is not _MAP_TYPES["Schema"]:
        return frame, False
    admitted = _TYPE_KINDS.get(frame.type_name or "")
    return frame._replace(data=frame.data | {kind}), admitted is not None and kind not in admitted


def _against(options: list[_Option], misfit: bool) -> list[_Option]:
    """Options charged for data that contradicts the type of its schema: evidence,
    not a rule, since real documents hold examples of the wrong type."""
    if not misfit:
        return options
    return [o._replace(penalty=o.penalty + _W_CONVENTION) for o in options]


def _head(value: _Value) -> str:
    """How an item begins, to compare items of one list: its first key, `-` for a
    nested list, `:` and its kind for a scalar, `:` for a flow collection."""
    if value.kind == "item":
        entry = _split_entry(value.text)
        return "-" if entry is None else entry[0] + ":"
    return ":" + _data_kind(value) if value.kind in ("scalar", "block") else ":"


def _style(name: str) -> int:
    """Coarse naming convention of a key, as a bit: capitalised, lower-case or other."""
    return 1 if name[:1].isupper() else 2 if name[:1].islower() else 4


def _squash(name: str) -> str:
    """A name without case or separators: `Grant Type` and `grant_type` agree."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _ref_targets(lines: Sequence[_Line]) -> frozenset[str]:
    """JSON pointers of every local `$ref` (and discriminator mapping) in the block."""
    targets: set[str] = set()
    for i, line in enumerate(lines):
        value = line.value
        if value is None or line.key is None:
            continue
        text = value.text
        if value.kind == "block" and i + 1 < len(lines):
            text = lines[i + 1].text
        if text.startswith("#/"):
            targets.add(re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text[1:]))
    return frozenset(targets)


def _accepts(frame: _Frame, key: str) -> tuple[_Spec, int] | None:
    """The spec of `key` in the mapping `frame` and how strongly the grammar expects it."""
    mt = frame.map_type
    if mt is None or key in frame.keys:
        return None
    if mt.free:
        return _SPECS["any"], _FREE_TIER
    field = mt.fields.get(key)
    if field is not None:
        for present, excluded in _EXCLUSIVE.get(mt.name, ()):
            if key == excluded and present in frame.keys:
                return None
        return _SPECS[field], 0
    if key.startswith("x-") and mt.extensions:
        return _SPECS["any"], 0
    if mt.values is None:
        return None
    if mt.key_pattern is not None:
        return (_SPECS[mt.values], 0) if mt.key_pattern.match(key) else None
    return _SPECS[mt.values], 1


def _closes(frame: _Frame) -> bool:
    """Whether a frame may end as it stands."""
    if frame.map_type is not None:
        mandatory = _MANDATORY.get(frame.map_type.name)
        if mandatory and "$ref" not in frame.keys:
            return all(k in frame.keys for k in mandatory)
    return True


def _scalar_fits(spec: _Spec, kind: ScalarKind, text: str) -> bool:
    for want in spec.scalars:
        if want == "any" or (
            kind != "null"
            and (
                want == "str"
                or (want == "bool" and kind == "bool")
                or (want == "int" and kind == "int")
                or (want == "num" and kind in ("int", "float"))
                or (want == "typename" and text in _JSON_TYPES)
            )
        ):
            return True
    return False


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def recover(lines: Sequence[str], *, file: str, first_line: int) -> str:
    """Rebuild the structure of a flattened OpenAPI YAML document; return it as indented YAML text."""
    kept = [(first_line + n, raw.strip()) for n, raw in enumerate(lines) if raw.strip()]
    lexed = [_lex(number, text) for number, text in kept]
    root = "OpenAPI"
    for line in lexed:
        if line.key in ("swagger", "openapi"):
            root = "Swagger" if line.key == "swagger" else "OpenAPI"
            break
    parser = _Parser(lexed, file=file, root=root)
    try:
        return _indented(lexed, parser.parse(), file)[0]
    except _Ambiguous as amb:
        if not amb.settleable:
            raise _ambiguity(amb, file) from None
        first = amb
    # The schemas read before a tie tell what the members of a union declare:
    # read again knowing them, as long as each reading gets further.
    known: dict[str, frozenset[str]] = {}
    for _ in range(_ROUNDS):
        more = _known_schemas(lexed, parser.cols, first.index)
        if more.keys() <= known.keys():
            break
        known |= more
        parser = _Parser(lexed, file=file, root=root, known=known)
        try:
            return _indented(lexed, parser.parse(), file)[0]
        except _Ambiguous as amb:
            if not amb.settleable or amb.index <= first.index:
                raise _ambiguity(amb, file) from None
            first = amb
    if len(lexed) > _EVIDENCE_LINES:
        raise _ambiguity(first, file)
    # Example data is settled by the schemas it documents, and nested
    # properties by the examples of their schemas, either of which the page
    # may give further down: a first reading that leaves such ties open
    # gathers what is certain, and a second one settles the ties by it.
    evidence: _Evidence | None = None
    uncertain: set[str] | None = None
    try:
        # Each settled tie may make more evidence certain; a few rounds reach the fixed point.
        for _ in range(_ROUNDS):
            provisional = _Parser(lexed, file=file, root=root, evidence=evidence, provisional=True, known=known)
            document = _indented(lexed, provisional.parse(), file)[1]
            if provisional.uncertain == uncertain:
                break
            uncertain = provisional.uncertain
            evidence = _Evidence(document, frozenset(uncertain))
    except (_Ambiguous, GeneratorError):
        # What follows a guess is no place to report from: the first tie stands.
        raise _ambiguity(first, file) from None
    try:
        cols = _Parser(lexed, file=file, root=root, evidence=evidence, known=known).parse()
    except _Ambiguous as amb:
        raise _ambiguity(amb, file) from None
    return _indented(lexed, cols, file)[0]


def _known_schemas(lexed: Sequence[_Line], cols: Sequence[int], end: int) -> dict[str, frozenset[str]]:
    """`$ref` → the property names declared by each schema in lines[:end] (as read so far)."""
    text = "".join(" " * max(col, 0) + line.text + "\n" for col, line in zip(cols[:end], lexed[:end], strict=True))
    try:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    if not isinstance(document, dict):
        return {}
    evidence = _Evidence(document, frozenset())
    known: dict[str, frozenset[str]] = {}
    for pointer in ("/components/schemas", "/definitions"):
        section = evidence.resolve_pointer(pointer)
        for name, schema in section.items() if isinstance(section, dict) else ():
            where = pointer_join(pointer, str(name))
            names = evidence.declared((where, schema))
            if names is not None:
                known["#" + where] = names
    return known


def _ambiguity(amb: _Ambiguous, file: str) -> GeneratorError:
    return fail(file, amb.line.number, amb.pointer, f"ambiguous: `{amb.line.text}` can be " + " or ".join(amb.readings))


def _indented(lexed: Sequence[_Line], cols: Sequence[int], file: str) -> tuple[str, Any]:
    """The lines at their columns as YAML text, and the document it reads."""
    text = "".join(" " * max(col, 0) + line.text + "\n" for col, line in zip(cols, lexed, strict=True))
    try:
        return text, yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        number = lexed[mark.line].number if mark is not None and mark.line < len(lexed) else None
        raise fail(file, number, "", f"the rebuilt block is not valid YAML: {exc}") from None


# ---------------------------------------------------------------------------
# Example data against the schema it documents
# ---------------------------------------------------------------------------

# Readings that gather evidence at most, before the final one.
_ROUNDS: Final = 4
# Blocks longer than this are not read again for evidence: each reading of a
# block this long takes seconds, and the result must come in seconds too.
_EVIDENCE_LINES: Final = 25_000
# How well a key fits a mapping of example data, by the schema of that mapping.
_UNDECLARED, _OPEN, _DECLARED = 0, 1, 2
_DATA_ROOTS: Final = frozenset({"example", "default", "const"})
_NAME_MAPS: Final = frozenset({"properties", "patternProperties", "schemas", "definitions", "$defs", "examples"})


class _Evidence:
    """What the schemas of a first reading say about its example data, and the
    other way round.  Only what that reading was certain of counts: a mapping
    noted as `uncertain` (a tie it broke by guessing) proves nothing."""

    def __init__(self, document: Any, uncertain: frozenset[str]) -> None:
        self.document = document
        self.uncertain = uncertain
        # Schema pointer → keys its example instances hold.
        self.instances: dict[str, set[str]] = {}
        for pointer, schema, data in self._data_roots(document, ""):
            self._note(schema, data, pointer, 0)

    def choose(self, kind: str, containers: Sequence[str], key: str) -> int | None:
        """The one container the evidence puts `key` in (an index), or None."""
        if kind == "data":
            fits = [self._fit(container, key) for container in containers]
            best = max(fits)
            winners = [k for k, fit in enumerate(fits) if fit == best]
            decisive = best == _DECLARED or all(fit == _UNDECLARED for k, fit in enumerate(fits) if k != winners[0])
            return winners[0] if len(winners) == 1 and decisive else None
        # A property: the schema whose examples hold the key, when the others' examples lack it.
        seen = [self.instances.get(container.removesuffix("/properties")) for container in containers]
        winners = [k for k, keys in enumerate(seen) if keys is not None and key in keys]
        return winners[0] if len(winners) == 1 else None

    # -- example data → the schema describing it ------------------------------

    def _fit(self, container: str, key: str) -> int:
        """Whether the schema of the data mapping at `container` declares `key`."""
        found = self._schema_at([_unescape(part) for part in container.split("/")[1:]])
        names = self.declared(found) if found is not None else None
        if names is None:
            return _OPEN
        return _DECLARED if key in names else _UNDECLARED

    def _schema_at(self, parts: list[str]) -> tuple[str, Any] | None:
        """The schema (pointer, node) describing the example data at a pointer."""
        node: Any = self.document
        pointer = ""
        nodes: list[Any] = []
        for index, part in enumerate(parts):
            if isinstance(node, dict) and not (index and parts[index - 1] in _NAME_MAPS):
                root = self._root_schema(nodes, node, parts, index, pointer)
                if root is not None:
                    return self._walk(root, parts[index + 1 :])
            nodes.append(node)
            node = _child(node, part)
            pointer = pointer_join(pointer, part)
            if node is None:
                return None
        return None

    def _root_schema(
        self, nodes: list[Any], node: dict[str, Any], parts: list[str], index: int, pointer: str
    ) -> tuple[str, Any] | None:
        """The schema of the data that starts below `node` at parts[index], if data starts there."""
        part = parts[index]
        if part in _DATA_ROOTS:
            if "schema" in node:
                return pointer_join(pointer, "schema"), node["schema"]
            return pointer, node
        if part == "value" and index >= 2 and parts[index - 2] == "examples" and isinstance(nodes[-2], dict):
            media = nodes[-2]
            if "schema" in media:
                owner = pointer.rsplit("/", 2)[0]
                return pointer_join(owner, "schema"), media["schema"]
        return None

    def _walk(self, schema: tuple[str, Any], parts: list[str]) -> tuple[str, Any] | None:
        current: tuple[str, Any] | None = schema
        for part in parts:
            current = self._resolve(current)
            if current is None or not isinstance(current[1], dict):
                return None
            if part.isdigit() and "items" in current[1]:
                current = (pointer_join(current[0], "items"), current[1]["items"])
                continue
            current = self._property(current, part)
        return self._resolve(current)

    def _property(self, schema: tuple[str, Any], name: str) -> tuple[str, Any] | None:
        for pointer, member in self._members(schema, 0):
            properties = member.get("properties")
            if isinstance(properties, dict) and name in properties:
                return pointer_join(pointer, "properties", name), properties[name]
        return None

    def _resolve(self, schema: tuple[str, Any] | None) -> tuple[str, Any] | None:
        for _ in range(20):  # reference chains end; cycles do not
            if schema is None:
                return None
            node = schema[1]
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                return schema
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = _child(target, _unescape(part))
            schema = (ref[1:], target) if target is not None else None
        return None

    def _members(self, schema: tuple[str, Any] | None, depth: int) -> list[tuple[str, dict[str, Any]]]:
        """A schema and the schemas it composes, references followed."""
        resolved = self._resolve(schema)
        if resolved is None or not isinstance(resolved[1], dict) or depth > 8:
            return []
        pointer, node = resolved
        members = [(pointer, node)]
        for keyword in ("allOf", "anyOf", "oneOf"):
            parts = node.get(keyword)
            for k, part in enumerate(parts if isinstance(parts, list) else []):
                members += self._members((pointer_join(pointer, keyword, k), part), depth + 1)
        return members

    def resolve_pointer(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.split("/")[1:]:
            node = _child(node, _unescape(part))
        return node

    def declared(self, schema: tuple[str, Any]) -> frozenset[str] | None:
        """The property names a schema declares; None when it declares none, or
        when where its properties went was itself a guess."""
        names: set[str] = set()
        for pointer, member in self._members(schema, 0):
            properties = member.get("properties")
            if isinstance(properties, dict):
                if pointer_join(pointer, "properties") in self.uncertain:
                    return None
                names.update(str(name) for name in properties)
        return frozenset(names) if names else None

    # -- schemas ← their example instances ------------------------------------

    def _data_roots(self, node: Any, pointer: str) -> Iterable[tuple[str, tuple[str, Any], Any]]:
        """(data pointer, schema, data) for every example with a known schema."""
        if isinstance(node, list):
            for k, item in enumerate(node):
                yield from self._data_roots(item, pointer_join(pointer, k))
            return
        if not isinstance(node, dict):
            return
        names = pointer.rsplit("/", 1)[-1] in _NAME_MAPS
        for key, value in node.items():
            child = pointer_join(pointer, key)
            if names or not isinstance(key, str):
                yield from self._data_roots(value, child)
            elif key in _DATA_ROOTS:
                schema = (pointer_join(pointer, "schema"), node["schema"]) if "schema" in node else (pointer, node)
                yield child, schema, value
            elif key == "examples" and isinstance(value, dict) and "schema" in node:
                for name, example in value.items():
                    if isinstance(example, dict) and "value" in example:
                        where = pointer_join(child, name, "value")
                        yield where, (pointer_join(pointer, "schema"), node["schema"]), example["value"]
            elif not key.startswith("x-"):
                yield from self._data_roots(value, child)

    def _note(self, schema: tuple[str, Any] | None, data: Any, pointer: str, depth: int) -> None:
        """Record the keys of example data under the schema (and its parts) describing them."""
        if schema is None or depth > 32:
            return
        resolved = self._resolve(schema)
        if resolved is None or not isinstance(resolved[1], dict):
            return
        if isinstance(data, list) and "items" in resolved[1]:
            items = (pointer_join(resolved[0], "items"), resolved[1]["items"])
            for k, item in enumerate(data):
                self._note(items, item, pointer_join(pointer, k), depth + 1)
        elif isinstance(data, dict):
            if pointer not in self.uncertain:  # which keys a guessed mapping holds proves nothing
                for member_pointer, _ in self._members(resolved, 0):
                    self.instances.setdefault(member_pointer, set()).update(str(key) for key in data)
            for key, value in data.items():
                self._note(self._property(resolved, str(key)), value, pointer_join(pointer, key), depth + 1)


def _documented(pointer: str) -> bool:
    """Whether data at this pointer is an example of a schema (not extension data, which has none)."""
    parts = pointer.split("/")
    for index, part in enumerate(parts):
        if part.startswith("x-"):
            return False
        if part in _DATA_ROOTS or (part == "value" and index >= 2 and parts[index - 2] == "examples"):
            return True
    return False


def example_keys(document: Any) -> dict[str, set[str]]:
    """Schema pointer → the keys the document's examples of that schema hold."""
    return _Evidence(document, frozenset()).instances


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


_METHODS: Final = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"})
# Taken from the first document only; `tags` is also united by name.
_FROM_FIRST: Final = ("openapi", "info", "servers", "security", "tags")


def merge(documents: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge OpenAPI documents recovered from several pages into one.

    `paths` (and `webhooks`) and every `components` section are united; the
    same definition on two pages is fine, two different ones are an error
    naming both pages.  `openapi`, `info`, `servers` and `security` come from
    the first document; `tags` are united by name, the first definition winning.
    """
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}  # JSON pointer → file that defined it

    def unite(target: dict[str, Any], source: Mapping[str, Any], pointer: str, file: str) -> None:
        for name, value in source.items():
            where = pointer_join(pointer, name)
            if name not in target:
                target[name] = copy.deepcopy(value)
                origin[where] = file
            elif target[name] != value:
                raise fail(file, None, where, f"defined differently in {origin[where]} and in {file}")

    for number, (file, document) in enumerate(documents):
        if number == 0:
            for key in _FROM_FIRST:
                if key in document:
                    merged[key] = copy.deepcopy(document[key])
        else:
            names = {tag.get("name") for tag in merged.get("tags", []) if isinstance(tag, dict)}
            for tag in document.get("tags", []) or []:
                if isinstance(tag, dict) and tag.get("name") not in names:
                    merged.setdefault("tags", []).append(copy.deepcopy(tag))
                    names.add(tag.get("name"))
        for section in ("paths", "webhooks"):
            for path, item in (document.get(section) or {}).items():
                pointer = pointer_join("", section, path)
                target = merged.setdefault(section, {}).setdefault(path, {})
                # Operations conflict one by one; a path's shared fields likewise.
                unite(target, {k: v for k, v in item.items() if k in _METHODS}, pointer, file)
                unite(target, {k: v for k, v in item.items() if k not in _METHODS}, pointer, file)
        for kind, entries in (document.get("components") or {}).items():
            target = merged.setdefault("components", {}).setdefault(kind, {})
            unite(target, entries or {}, pointer_join("", "components", kind), file)
        for key, value in document.items():
            if key not in merged and key not in ("paths", "webhooks", "components", *_FROM_FIRST):
                merged[key] = copy.deepcopy(value)
    return merged
