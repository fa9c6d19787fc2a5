"""Flattened OpenAPI YAML lines → indented YAML text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

import yaml  # type: ignore[import-untyped]

from generator.errors import GeneratorError, fail, pointer_join

# ---------------------------------------------------------------------------
# Grammar.  A value spec says which YAML node kinds a position accepts:
#   "Name"   a mapping of the object/map type Name (see _OBJECTS and _MAPS)
#   "[X]"    a sequence of X
#   "str" "bool" "num" "int" "typename"   scalars
#   "any"    arbitrary JSON (free-form: no grammar below it)
#   "A|B"    one alternative per node kind (mapping, sequence, scalar)
# ---------------------------------------------------------------------------

_STR: Final = "str"
_REF: Final = {"$ref": "str", "summary": "str", "description": "str"}

_SCHEMA_FIELDS: Final[Mapping[str, str]] = {
    "$schema": "str", "$id": "str", "$anchor": "str", "$dynamicAnchor": "str",
    "$ref": "str", "$dynamicRef": "str", "$recursiveRef": "str", "$recursiveAnchor": "bool",
    "$comment": "str", "$vocabulary": "{bool}", "$defs": "{Schema}", "definitions": "{Schema}",
    "type": "typename|[typename]", "enum": "[any]", "const": "any",
    "multipleOf": "num", "maximum": "num", "exclusiveMaximum": "num|bool",
    "minimum": "num", "exclusiveMinimum": "num|bool", "maxLength": "int", "minLength": "int",
    "pattern": "str", "maxItems": "int", "minItems": "int", "uniqueItems": "bool",
    "maxContains": "int", "minContains": "int", "maxProperties": "int", "minProperties": "int",
    "required": "[str]", "dependentRequired": "{[str]}", "dependencies": "{Schema|[str]}",
    "allOf": "[Schema]", "anyOf": "[Schema]", "oneOf": "[Schema]", "not": "Schema",
    "if": "Schema", "then": "Schema", "else": "Schema", "dependentSchemas": "{Schema}",
    "prefixItems": "[Schema]", "items": "Schema|[Schema]", "additionalItems": "Schema",
    "contains": "Schema", "properties": "{Schema}", "patternProperties": "{Schema}",
    "additionalProperties": "Schema", "propertyNames": "Schema",
    "unevaluatedItems": "Schema", "unevaluatedProperties": "Schema",
    "format": "str", "contentEncoding": "str", "contentMediaType": "str", "contentSchema": "Schema",
    "title": "str", "description": "str", "default": "any", "deprecated": "bool",
    "readOnly": "bool", "writeOnly": "bool", "examples": "[any]|{any}",
    "nullable": "bool", "discriminator": "Discriminator|str", "xml": "XML",
    "externalDocs": "ExternalDocs", "example": "any",
}

# Parameter/Header/Items in Swagger 2.0 carry the validation keywords inline.
_SWAGGER2_SIMPLE: Final[Mapping[str, str]] = {
    "type": "typename", "format": "str", "items": "Items2", "collectionFormat": "str",
    "default": "any", "maximum": "num", "exclusiveMaximum": "bool", "minimum": "num",
    "exclusiveMinimum": "bool", "maxLength": "int", "minLength": "int", "pattern": "str",
    "maxItems": "int", "minItems": "int", "uniqueItems": "bool", "enum": "[any]",
    "multipleOf": "num",
}

_OBJECTS: Final[Mapping[str, Mapping[str, str]]] = {
    "OpenAPI": {
        "openapi": "str", "info": "Info", "jsonSchemaDialect": "str", "servers": "[Server]",
        "paths": "Paths", "webhooks": "{PathItem}", "components": "Components",
        "security": "[SecurityRequirement]", "tags": "[Tag]", "externalDocs": "ExternalDocs",
        "$self": "str",
    },
    "Info": {
        "title": "str", "summary": "str", "description": "str", "termsOfService": "str",
        "contact": "Contact", "license": "License", "version": "str",
    },
    "Contact": {"name": "str", "url": "str", "email": "str"},
    "License": {"name": "str", "identifier": "str", "url": "str"},
    "Server": {"url": "str", "description": "str", "name": "str", "variables": "{ServerVariable}"},
    "ServerVariable": {"enum": "[str]", "default": "str", "description": "str"},
    "Components": {
        "schemas": "{Schema}", "responses": "{Response}", "parameters": "{Parameter}",
        "examples": "{Example}", "requestBodies": "{RequestBody}", "headers": "{Header}",
        "securitySchemes": "{SecurityScheme}", "links": "{Link}", "callbacks": "{Callback}",
        "pathItems": "{PathItem}", "mediaTypes": "{MediaType}",
    },
    "PathItem": {
        "$ref": "str", "summary": "str", "description": "str",
        "get": "Operation", "put": "Operation", "post": "Operation", "delete": "Operation",
        "options": "Operation", "head": "Operation", "patch": "Operation", "trace": "Operation",
        "query": "Operation", "additionalOperations": "{Operation}",
        "servers": "[Server]", "parameters": "[Parameter]",
    },
    "Operation": {
        "tags": "[str]", "summary": "str", "description": "str", "externalDocs": "ExternalDocs",
        "operationId": "str", "parameters": "[Parameter]", "requestBody": "RequestBody",
        "responses": "Responses", "callbacks": "{Callback}", "deprecated": "bool",
        "security": "[SecurityRequirement]", "servers": "[Server]",
    },
    "ExternalDocs": {"description": "str", "url": "str"},
    "Parameter": {
        **_REF, "name": "str", "in": "str", "required": "bool", "deprecated": "bool",
        "allowEmptyValue": "bool", "style": "str", "explode": "bool", "allowReserved": "bool",
        "schema": "Schema", "example": "any", "examples": "{Example}", "content": "{MediaType}",
    },
    "RequestBody": {**_REF, "content": "{MediaType}", "required": "bool"},
    "MediaType": {
        "description": "str", "schema": "Schema", "itemSchema": "Schema", "example": "any",
        "examples": "{Example}", "encoding": "{Encoding}", "prefixEncoding": "[Encoding]",
        "itemEncoding": "Encoding",
    },
    "Encoding": {
        "contentType": "str", "headers": "{Header}", "style": "str", "explode": "bool",
        "allowReserved": "bool", "encoding": "{Encoding}", "prefixEncoding": "[Encoding]",
        "itemEncoding": "Encoding",
    },
    "Response": {
        **_REF, "headers": "{Header}", "content": "{MediaType}", "links": "{Link}",
    },
    "Example": {
        **_REF, "value": "any", "externalValue": "str", "dataValue": "any",
        "serializedValue": "str",
    },
    "Link": {
        **_REF, "operationRef": "str", "operationId": "str", "parameters": "{any}",
        "requestBody": "any", "server": "Server",
    },
    "Header": {
        **_REF, "required": "bool", "deprecated": "bool", "allowEmptyValue": "bool",
        "style": "str", "explode": "bool", "allowReserved": "bool", "schema": "Schema",
        "example": "any", "examples": "{Example}", "content": "{MediaType}",
    },
    "Tag": {
        "name": "str", "summary": "str", "description": "str", "externalDocs": "ExternalDocs",
        "parent": "str", "kind": "str",
    },
    "SecurityScheme": {
        **_REF, "type": "str", "name": "str", "in": "str", "scheme": "str",
        "bearerFormat": "str", "flows": "OAuthFlows", "openIdConnectUrl": "str",
        "oauth2MetadataUrl": "str", "deprecated": "bool",
    },
    "OAuthFlows": {
        "implicit": "OAuthFlow", "password": "OAuthFlow", "clientCredentials": "OAuthFlow",
        "authorizationCode": "OAuthFlow", "deviceAuthorization": "OAuthFlow",
    },
    "OAuthFlow": {
        "authorizationUrl": "str", "tokenUrl": "str", "refreshUrl": "str",
        "deviceAuthorizationUrl": "str", "scopes": "{str}",
    },
    "Discriminator": {"propertyName": "str", "mapping": "{str}", "defaultMapping": "str"},
    "XML": {
        "name": "str", "namespace": "str", "prefix": "str", "attribute": "bool",
        "wrapped": "bool", "nodeType": "str",
    },
    "Schema": _SCHEMA_FIELDS,
    # Swagger 2.0
    "Swagger": {
        "swagger": "str", "info": "Info", "host": "str", "basePath": "str", "schemes": "[str]",
        "consumes": "[str]", "produces": "[str]", "paths": "Paths2", "definitions": "{Schema}",
        "parameters": "{Parameter2}", "responses": "{Response2}",
        "securityDefinitions": "{SecurityScheme2}", "security": "[SecurityRequirement]",
        "tags": "[Tag]", "externalDocs": "ExternalDocs",
    },
    "PathItem2": {
        "$ref": "str", "get": "Operation2", "put": "Operation2", "post": "Operation2",
        "delete": "Operation2", "options": "Operation2", "head": "Operation2",
        "patch": "Operation2", "parameters": "[Parameter2]",
    },
    "Operation2": {
        "tags": "[str]", "summary": "str", "description": "str", "externalDocs": "ExternalDocs",
        "operationId": "str", "consumes": "[str]", "produces": "[str]",
        "parameters": "[Parameter2]", "responses": "Responses2", "schemes": "[str]",
        "deprecated": "bool", "security": "[SecurityRequirement]",
    },
    "Parameter2": {
        **_SWAGGER2_SIMPLE, "$ref": "str", "name": "str", "in": "str", "description": "str",
        "required": "bool", "schema": "Schema", "allowEmptyValue": "bool",
    },
    "Items2": dict(_SWAGGER2_SIMPLE),
    "Header2": {**_SWAGGER2_SIMPLE, "description": "str"},
    "Response2": {
        "$ref": "str", "description": "str", "schema": "Schema", "headers": "{Header2}",
        "examples": "{any}",
    },
    "SecurityScheme2": {
        "type": "str", "description": "str", "name": "str", "in": "str", "flow": "str",
        "authorizationUrl": "str", "tokenUrl": "str", "scopes": "{str}",
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
_ANNOTATIONS: Final = frozenset({
    "$ref", "description", "summary", "title", "default", "example", "examples", "deprecated",
    "readOnly", "writeOnly", "nullable", "externalDocs", "$comment", "xml", "const",
})
# Keywords that only make sense for one JSON type.
_KEYWORD_TYPE: Final[Mapping[str, str]] = {
    **{k: "string" for k in ("maxLength", "minLength", "pattern")},
    **{k: "number" for k in ("multipleOf", "maximum", "minimum", "exclusiveMaximum",
                             "exclusiveMinimum")},
    **{k: "array" for k in ("items", "prefixItems", "maxItems", "minItems", "uniqueItems",
                            "contains", "maxContains", "minContains", "additionalItems",
                            "unevaluatedItems")},
    **{k: "object" for k in ("properties", "patternProperties", "additionalProperties",
                             "required", "maxProperties", "minProperties", "propertyNames",
                             "dependentRequired", "dependentSchemas", "unevaluatedProperties",
                             "discriminator")},
}
_JSON_TYPES: Final = frozenset(
    {"string", "number", "integer", "boolean", "array", "object", "null", "file"}
)
# Fields an object cannot lack (unless it is a reference); closing an object
# without them means the lines were attached to the wrong object.
_MANDATORY: Final[Mapping[str, tuple[str, ...]]] = {
    "Parameter": ("name", "in"), "Parameter2": ("name", "in"), "Tag": ("name",),
    "Server": ("url",), "ExternalDocs": ("url",),
}


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


# Rank of a key match: fixed fields are the strongest evidence, free-form the weakest.
_FIXED, _PATTERNED, _NAMED, _FREE = 0, 1, 2, 3


def _build_specs() -> tuple[dict[str, _Spec], dict[str, _MapType]]:
    maps: dict[str, _MapType] = {
        name: _MapType(name, fields) for name, fields in _OBJECTS.items()
    }
    for name, (values, pattern, ext) in _MAPS.items():
        maps[name] = _MapType(
            name, {}, values, re.compile(pattern) if pattern else None, extensions=ext
        )
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

# ---------------------------------------------------------------------------
# Lexing: what one flattened line can be.
# ---------------------------------------------------------------------------

_BLOCK_HEADER: Final = re.compile(r"[|>](?:([1-9])?[-+]?|[-+]([1-9]))(?:[ \t]+#.*)?$")
_ENTRY_COLON: Final = re.compile(r":(?:[ \t]|$)")
_NOT_PLAIN_START: Final = frozenset(",[]{}#&*!|>'\"%@`")
_NULL: Final = re.compile(r"(?:~|null|Null|NULL|)$")
_BOOL: Final = re.compile(r"(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON"
                          r"|off|Off|OFF)$")
_INT: Final = re.compile(r"[-+]?(?:0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|0|[1-9][0-9_]*"
                         r"(?::[0-5]?[0-9])*)$")
_FLOAT: Final = re.compile(r"[-+]?(?:(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
                           r"|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|\.(?:inf|Inf|INF))$"
                           r"|\.(?:nan|NaN|NAN)$")

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
    if head in "%@`" or " #" in rest and _ENTRY_COLON.search(rest.split(" #")[0]):
        return None
    if _ENTRY_COLON.search(rest) or (head in "?:" and (len(rest) == 1 or rest[1] in " \t")):
        return None
    text = rest.split(" #")[0].rstrip()
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


