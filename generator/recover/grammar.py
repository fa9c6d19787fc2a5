"""OpenAPI 2.0–3.2 and JSON Schema → what each position of a document accepts, and what no document may hold."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from .keys import Keys
from .lexer import ScalarKind

# ---------------------------------------------------------------------------
# Grammar.  A value spec says which YAML node kinds a position accepts:
#   "Name"   a mapping of the object/map type Name (see OBJECTS and _MAPS)
#   "[X]"    a sequence of X
#   "str" "bool" "num" "int" "typename"   scalars
#   "any"    arbitrary JSON (free-form: no grammar below it)
#   "A|B"    one alternative per node kind (mapping, sequence, scalar)
# ---------------------------------------------------------------------------

# Scalar kinds whose text may run on over several lines.
TEXT_SCALARS: Final = frozenset({"str", "any"})
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
    "content": "ParameterContent",
}

_SCHEMA_FIELDS: Final[Mapping[str, str]] = {
    **dict.fromkeys(("$schema", "$id", "$anchor", "$dynamicAnchor", "$ref", "$dynamicRef", "$recursiveRef"), "str"),
    **dict.fromkeys(("$comment", "pattern", "format", "contentEncoding", "contentMediaType", "title"), "str"),
    "description": "str",
    **dict.fromkeys(("multipleOf", "maximum", "minimum"), "num"),
    **dict.fromkeys(("exclusiveMaximum", "exclusiveMinimum"), "num|bool"),
    **dict.fromkeys(("maxLength", "minLength", "maxItems", "minItems", "maxContains", "minContains"), "int"),
    **dict.fromkeys(("maxProperties", "minProperties"), "int"),
    **dict.fromkeys(("$recursiveAnchor", "uniqueItems", "deprecated", "readOnly", "writeOnly", "nullable"), "bool"),
    **dict.fromkeys(("$defs", "definitions", "dependentSchemas", "properties", "patternProperties"), "{Schema}"),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), "[Schema]"),
    **dict.fromkeys(("not", "if", "then", "else", "additionalItems", "contains", "additionalProperties"), "Schema"),
    **dict.fromkeys(("propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"), "Schema"),
    **dict.fromkeys(("const", "default", "example"), "any"),
    "$vocabulary": "{bool}",
    "type": "typename|[typename]",
    "enum": "[any]",
    "required": "[str]",
    "dependentRequired": "{[str]}",
    "dependencies": "{Schema|[str]}",
    "items": "Schema|[Schema]",
    "examples": "[any]",
    "discriminator": "Discriminator|str",
    "xml": "XML",
    "externalDocs": "ExternalDocs",
}

# Parameter/Header/Items in Swagger 2.0 carry the validation keywords inline.
_SWAGGER2_SIMPLE: Final[Mapping[str, str]] = {
    **dict.fromkeys(("format", "collectionFormat", "pattern"), "str"),
    **dict.fromkeys(("maximum", "minimum", "multipleOf"), "num"),
    **dict.fromkeys(("exclusiveMaximum", "exclusiveMinimum", "uniqueItems"), "bool"),
    **dict.fromkeys(("maxLength", "minLength", "maxItems", "minItems"), "int"),
    "type": "typename",
    "items": "Items2",
    "default": "any",
    "enum": "[any]",
}

OBJECTS: Final[Mapping[str, Mapping[str, str]]] = {
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
ANNOTATIONS: Final = frozenset(
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
COMPOSITION: Final = frozenset({"allOf", "anyOf", "oneOf"})
# The objects vendor extensions sit on: of the corpus's 3,462 extension keys,
# all but 5 (on a headers map) are on one of these.
EXTENDED: Final = frozenset(
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
OBJECT_LEVEL: Final = frozenset({"xml", "externalDocs", "example", "examples", "default"})
# An `items` schema made of these alone is rarely described itself.
BARE: Final = frozenset({"$ref", "type", "format", "enum"})
PARTS: Final = frozenset({"items", "allOf", "anyOf", "oneOf"})
# Keywords that only make sense for one JSON type.
KEYWORD_TYPE: Final[Mapping[str, str]] = {
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
TYPE_KINDS: Final[Mapping[str, frozenset[str]]] = {
    "string": frozenset({"str", "null"}),
    "integer": frozenset({"int", "null"}),
    "number": frozenset({"int", "float", "null"}),
    "boolean": frozenset({"bool", "null"}),
    "array": frozenset({"seq", "null"}),
    "object": frozenset({"map", "null"}),
    "null": frozenset({"null"}),
}
# Keywords that give a schema properties a `required` list can name.
UNLISTED: Final = frozenset({"properties", "allOf", "anyOf", "oneOf", "$ref", "patternProperties", "dependentSchemas"})
SCALAR_TYPES: Final = frozenset({"string", "integer", "number", "boolean", "null"})
# Keywords whose value is an instance of the schema, and those whose items are.
INSTANCE: Final = frozenset({"example", "default", "const"})
INSTANCES: Final = frozenset({"examples", "enum"})
JSON_TYPES: Final = frozenset({"string", "number", "integer", "boolean", "array", "object", "null", "file"})
# Fields an object cannot lack (unless it is a reference); closing an object
# without them means the lines were attached to the wrong object.
MANDATORY: Final[Mapping[str, tuple[str, ...]]] = {
    "Parameter": ("name", "in"),
    "Parameter2": ("name", "in"),
    "Tag": ("name",),
    "Server": ("url",),
    "ExternalDocs": ("url",),
}
# Objects that need `responses` before OpenAPI 3.1 (and in Swagger 2.0).
RESPONDING: Final = frozenset({"Operation", "Operation2"})
# Fields that exclude each other (OpenAPI: a parameter or header has a schema or a content map, one example or
# a map of them; an example object a value or an external one).
EXCLUSIVE: Final[Mapping[str, tuple[frozenset[str], ...]]] = {
    name: (frozenset({"schema", "content"}), frozenset({"example", "examples"}))
    for name in ("Parameter", "Header", "MediaType")
} | {"Example": (frozenset({"value", "externalValue"}),)}
# Objects a Reference Object may stand for: beside `$ref` they hold nothing of their own, since every tool
# ignores it (3.1 lets a reference override `summary` and `description`).
REFERABLE: Final = frozenset(
    {"Parameter", "Header", "Response", "RequestBody", "Example", "Link", "SecurityScheme", "Parameter2", "Response2"}
)
REF_SIBLINGS: Final = frozenset({"$ref", "summary", "description"})
# Maps that hold one entry only: a parameter's or header's `content` names a single media type.
SINGLE: Final = frozenset({"ParameterContent"})


@dataclass(frozen=True, slots=True)
class Spec:
    """What a value position accepts, one alternative per YAML node kind."""

    text: str
    mapping: str | None = None  # map type name
    sequence: str | None = None  # item spec text
    scalars: tuple[str, ...] = ()  # scalar kinds


@dataclass(frozen=True, slots=True)
class MapType:
    name: str
    fields: Mapping[str, str]
    values: str | None = None  # spec of author-chosen keys
    key_pattern: re.Pattern[str] | None = None
    extensions: bool = True
    free: bool = False  # arbitrary JSON: any key, nothing is known about it


def _build_specs() -> tuple[dict[str, Spec], dict[str, MapType]]:
    maps: dict[str, MapType] = {name: MapType(name, fields) for name, fields in OBJECTS.items()}
    for name, (values, pattern, ext) in _MAPS.items():
        maps[name] = MapType(name, {}, values, re.compile(pattern) if pattern else None, extensions=ext)
    maps["{any}"] = MapType("{any}", {}, "any", extensions=False, free=True)
    maps["ParameterContent"] = MapType("ParameterContent", {}, "MediaType", extensions=False)
    specs: dict[str, Spec] = {}

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

    def spec(text: str) -> Spec:
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
                    maps[alt] = MapType(alt, {}, alt[1:-1], extensions=False)
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
        specs[text] = result = Spec(text, mapping, sequence, tuple(scalars))
        return result

    for mt in list(maps.values()):
        for text in mt.fields.values():
            spec(text)
        if mt.values:
            spec(mt.values)
    for root in ("OpenAPI", "Swagger"):
        spec(root)
    return specs, maps


SPECS, MAP_TYPES = _build_specs()
KNOWN_KEYS: Final = frozenset(key for fields in OBJECTS.values() for key in fields)
SCHEMA: Final = MAP_TYPES["Schema"]
FREE: Final = MAP_TYPES["{any}"]
ANY: Final = SPECS["any"]
FREE_TIER: Final = 2  # how strongly free-form data expects a key (see `accepts`)


def accepts(map_type: MapType, has: Keys, key: str) -> tuple[Spec, int] | None:
    """The spec of `key` in a mapping of this type that holds the keys `has`, and how strongly the grammar
    expects it there: 0 a field, 1 an author-chosen name, FREE_TIER free-form data; None where it cannot go."""
    if key in has:
        return None
    if map_type.free:
        return ANY, FREE_TIER
    if map_type.name in SINGLE and len(has):
        return None
    field = map_type.fields.get(key)
    if field is not None:
        if excluded(map_type, has, key):
            return None
        return SPECS[field], 0
    if key.startswith("x-") and map_type.extensions:
        return ANY, 0
    if map_type.values is None:
        return None
    if map_type.key_pattern is not None:
        return (SPECS[map_type.values], 0) if map_type.key_pattern.match(key) else None
    return SPECS[map_type.values], 1


def excluded(map_type: MapType, has: Keys, key: str) -> bool:
    """Whether OpenAPI forbids `key` beside the keys an object of this type already holds."""
    for pair in EXCLUSIVE.get(map_type.name, ()):
        if key in pair and any(other in has for other in pair if other != key):
            return True
    if map_type.name in REFERABLE:
        if key == "$ref":
            # Reference-capable objects are small: looking at each key is cheap.
            return any(not (k in REF_SIBLINGS or k.startswith("x-")) for k in has)
        return "$ref" in has and key not in REF_SIBLINGS
    return False


def closes(map_type: MapType | None, has: Keys, *, before_3_1: bool) -> bool:
    """Whether an object of this type holding these keys may end: it lacks no mandatory field."""
    if map_type is None or "$ref" in has:
        return True
    mandatory = MANDATORY.get(map_type.name, ())
    if before_3_1 and map_type.name in RESPONDING:
        mandatory = (*mandatory, "responses")
    return all(k in has for k in mandatory)


def scalar_fits(spec: Spec, kind: ScalarKind, text: str) -> bool:
    for want in spec.scalars:
        if want == "any" or (
            kind != "null"
            and (
                want == "str"
                or (want == "bool" and kind == "bool")
                or (want == "int" and kind == "int")
                or (want == "num" and kind in ("int", "float"))
                or (want == "typename" and text in JSON_TYPES)
            )
        ):
            return True
    return False
