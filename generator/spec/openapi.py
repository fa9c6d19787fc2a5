"""OpenAPI structure, listed once: HTTP methods, operations, media types, and which keys are extensions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from . import pointer

# Path Item fields that hold an Operation (3.2 adds `query`).
HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")

# Schema Object keywords whose value is one schema, a list of schemas, or a map of names to schemas (JSON Schema
# 2020-12 with the earlier drafts' spellings): the only ones a walk over a schema's subschemas follows.
SCHEMA_ONE: Final = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
SCHEMA_LISTS: Final = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
SCHEMA_MAPS: Final = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})

# Mappings whose keys are names chosen by the author, so that a key starting with `x-` there is a name (a
# header `x-request-id`, a property `x-rate`), not a specification extension.
NAME_MAPS: Final = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "headers",
        "schemas",
        "parameters",
        "examples",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "content",
        "encoding",
        "variables",
        "mapping",
        "scopes",
        "webhooks",
    }
)


def is_extension(parent_key: str | None, key: str) -> bool:
    """Whether `key`, found in a mapping held under `parent_key`, is a specification extension (`x-...`).
    Extensions are opaque: nothing inside one is resolved, followed or generated."""
    return key.startswith("x-") and parent_key not in NAME_MAPS


def refs(data: Any) -> Iterator[tuple[str, str]]:
    """Every `$ref` outside extensions: (pointer of the `$ref` key, its value)."""
    return pointer.refs(data, prune=is_extension)


@dataclass(frozen=True)
class Site:
    """One operation where it stands in the document."""

    path: str
    method: str
    item: Mapping[str, Any]  # the Path Item (dereferenced)
    operation: Mapping[str, Any]
    pointer: str  # of the operation

    @property
    def key(self) -> str:
        """`METHOD /path`, as name overrides and reports spell an operation."""
        return f"{self.method.upper()} {self.path}"


def operations(data: Mapping[str, Any]) -> Iterator[Site]:
    """Every operation under `paths`, in document order."""
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return
    for path, raw in paths.items():
        if is_extension("paths", str(path)):
            continue
        item, where = pointer.deref_pointer(data, raw, pointer.join("#/paths", path))
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield Site(str(path), method, item, op, pointer.join(where, method))


def parameters(data: Mapping[str, Any], site: Site) -> list[tuple[dict[str, Any], str]]:
    """The operation's parameters with the path item's, each dereferenced with its pointer; an operation's
    parameter replaces the path item's of the same name and location."""
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    item_pointer = site.pointer.rsplit("/", 1)[0]
    for owner, where in ((site.item, item_pointer), (site.operation, site.pointer)):
        raw_list = owner.get("parameters")
        if not isinstance(raw_list, list):
            continue
        for index, raw in enumerate(raw_list):
            param, at = pointer.deref_pointer(data, raw, pointer.join(where, "parameters", index))
            if isinstance(param, dict) and isinstance(param.get("name"), str) and isinstance(param.get("in"), str):
                found[(param["in"], param["name"])] = (param, at)
    return list(found.values())


MediaKind = Literal["json", "form", "multipart", "event-stream", "text", "binary"]


def media_kind(media_type: str) -> MediaKind:
    """How a body of this media type travels. Only types that are text by definition are decoded as text:
    anything unknown is binary, so that audio or an archive is never corrupted by decoding."""
    lowered = media_type.lower().split(";")[0].strip()
    if lowered == "application/json" or lowered.endswith("+json") or lowered == "*/*json":
        return "json"
    if lowered == "application/x-www-form-urlencoded":
        return "form"
    if lowered.startswith("multipart/"):
        return "multipart"
    if lowered == "text/event-stream":
        return "event-stream"
    if lowered.startswith("text/") or lowered in _TEXT_TYPES or lowered.endswith(("+xml", "+yaml")):
        return "text"
    return "binary"


_TEXT_TYPES: Final = frozenset({"application/xml", "application/yaml", "application/x-yaml", "application/javascript"})
_RANK: Final[dict[MediaKind, int]] = {
    "json": 0,
    "event-stream": 1,
    "form": 2,
    "multipart": 3,
    "binary": 4,
    "text": 5,
}


def preferred_media(content: Any) -> tuple[str, MediaKind, Any] | None:
    """The media type a client uses from a content map: JSON first, then streams, forms, binary, text.
    Returns (media type, kind, media type object)."""
    if not isinstance(content, dict) or not content:
        return None
    ranked = [(_RANK[media_kind(str(media))], index, str(media)) for index, media in enumerate(content)]
    _, _, media = min(ranked)
    return media, media_kind(media), content[media]


@dataclass(frozen=True)
class Slot:
    """A schema an operation uses directly: a parameter's, the request body's, a response's."""

    role: Literal["parameter", "body", "response"]
    key: str  # parameter: "in:name"; body: the media type; response: the status code
    pointer: str  # of the schema, where it is written (after following $refs to parameters, bodies, responses)
    schema: Any
    media: str = ""  # body and response: the media type chosen


def slots(data: Mapping[str, Any], site: Site) -> list[Slot]:
    """The schemas an operation's client method is typed with, in a fixed order: parameters, the preferred
    request body, then each response's preferred media type."""
    found: list[Slot] = []
    for param, where in parameters(data, site):
        schema, at = param.get("schema"), pointer.join(where, "schema")
        if schema is None and isinstance(param.get("content"), dict) and param["content"]:
            media = next(iter(param["content"]))
            schema, at = param["content"][media].get("schema"), pointer.join(where, "content", media, "schema")
        if schema is not None:
            found.append(Slot("parameter", f"{param['in']}:{param['name']}", at, schema))
    body, where = pointer.deref_pointer(
        data, site.operation.get("requestBody"), pointer.join(site.pointer, "requestBody")
    )
    chosen = preferred_media(body.get("content")) if isinstance(body, dict) else None
    if chosen is not None and isinstance(chosen[2], dict) and "schema" in chosen[2]:
        media = chosen[0]
        found.append(Slot("body", media, pointer.join(where, "content", media, "schema"), chosen[2]["schema"], media))
    responses = site.operation.get("responses")
    for status, raw in responses.items() if isinstance(responses, dict) else ():
        response, where = pointer.deref_pointer(data, raw, pointer.join(site.pointer, "responses", status))
        chosen = preferred_media(response.get("content")) if isinstance(response, dict) else None
        if chosen is None or not isinstance(chosen[2], dict):
            continue
        media, kind, media_object = chosen
        # 3.2's itemSchema types each event of a stream; `schema` then describes the whole body.
        field = "itemSchema" if kind == "event-stream" and "itemSchema" in media_object else "schema"
        if field in media_object:
            at = pointer.join(where, "content", media, field)
            found.append(Slot("response", str(status), at, media_object[field], media))
    return found
