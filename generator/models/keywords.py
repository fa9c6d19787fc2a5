"""The engine's document → only what it may read: the component schemas, each with the JSON Schema and OpenAPI
keywords that type a value, and nothing else.

The engine honours keywords of its own in a Schema Object (`customTypePath`, `customBasePath`, `x-python-type`,
`x-python-import`, `x-is-base-class`, `x-enum-varnames`, ...) and resolves references itself (`$dynamicRef`,
`$recursiveRef`, `$id`, a discriminator mapping to a URL): spec text would choose what the models module imports,
what a model subclasses, how a member is named, and which file or URL is read. Extensions are opaque to this
generator, and names come only from its own naming, so every keyword outside the list below is left out of the
engine's copy; the spec itself is untouched, and the validator still reports what is wrong in it."""

from __future__ import annotations

from typing import Any, Final

from ..spec import openapi

# Keywords whose value is data or a plain setting: kept as it is, never walked.
_PLAIN: Final = frozenset(
    {
        "type",
        "format",
        "title",
        "description",
        "default",
        "enum",
        "const",
        "nullable",
        "deprecated",
        "readOnly",
        "writeOnly",
        "required",
        "dependentRequired",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minContains",
        "maxContains",
        "minProperties",
        "maxProperties",
        "contentMediaType",
        "contentEncoding",
        "example",
        "examples",
    }
)
_LOCAL: Final = "#"


def engine_document(document: dict[str, Any]) -> dict[str, Any]:
    """The engine's document with every Schema Object kept to `schema()`'s keywords: the component schemas, and
    in any other part of the document a `$ref` made the engine need (hoist.py), each schema where OpenAPI puts
    one (`schema`), with the extensions of the objects around them left out."""
    kept: dict[str, Any] = {}
    for key, value in document.items():
        if key == "components" and isinstance(value, dict):
            kept[key] = {
                name: (
                    {k: schema(v) for k, v in section.items()}
                    if name == "schemas" and isinstance(section, dict)
                    else _objects(section)
                )
                for name, section in value.items()
                if not name.startswith("x-")
            }
        elif not str(key).startswith("x-"):
            kept[key] = _objects(value)
    return kept


def _objects(value: Any) -> Any:
    """OpenAPI objects other than schemas: their extensions left out, the schemas in them kept to `schema()`."""
    if isinstance(value, list):
        return [_objects(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        key: schema(inner) if key == "schema" else _objects(inner)
        for key, inner in value.items()
        if not (isinstance(key, str) and key.startswith("x-"))
    }


def schema(value: Any) -> Any:
    """A Schema Object with only the keywords that type a value; a `$ref` only when it points into the document,
    and a discriminator only with its property name and the mapping values that do."""
    if not isinstance(value, dict):
        return value  # `true`, `false`, or a value the validator reports
    kept: dict[str, Any] = {}
    for key, inner in value.items():
        if key == "$ref":
            if isinstance(inner, str) and inner.startswith(_LOCAL):
                kept[key] = inner
        elif key == "discriminator":
            if isinstance(inner, dict):
                kept[key] = _discriminator(inner)
        elif key in _PLAIN:
            kept[key] = inner
        elif key in openapi.SCHEMA_ONE:
            kept[key] = [schema(v) for v in inner] if isinstance(inner, list) else schema(inner)
        elif key in openapi.SCHEMA_LISTS:
            kept[key] = [schema(v) for v in inner] if isinstance(inner, list) else inner
        elif key in openapi.SCHEMA_MAPS:
            kept[key] = {name: schema(v) for name, v in inner.items()} if isinstance(inner, dict) else inner
    return kept


def _discriminator(value: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    if "propertyName" in value:
        kept["propertyName"] = value["propertyName"]
    mapping = value.get("mapping")
    if isinstance(mapping, dict):
        # A value is a reference into the document or a bare component name; one with a scheme or a path is
        # neither, and the validator reports it.
        kept["mapping"] = {
            tag: target
            for tag, target in mapping.items()
            if isinstance(target, str) and (target.startswith(_LOCAL) or ("/" not in target and ":" not in target))
        }
    return kept
