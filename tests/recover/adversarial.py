"""Pages built to make recovery work hard: deep nesting, many ties, long lists, deep unions, wide maps, long text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.recover.docs_page import docs_page, yaml_block


def _schemas(schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}


def deep_properties(depth: int) -> dict[str, Any]:
    """Objects nested `depth` deep, each with a sibling after its nested object: every sibling is a tie."""
    node: dict[str, Any] = {"type": "string"}
    for level in range(depth):
        node = {"type": "object", "properties": {f"p{level}": node, f"s{level}": {"type": "string"}}}
    return _schemas({"Deep": node})


def deep_objects(depth: int) -> dict[str, Any]:
    """Objects nested `depth` deep without siblings: one reading only, however deep."""
    node: dict[str, Any] = {"type": "string"}
    for level in range(depth):
        node = {"type": "object", "properties": {f"p{level}": node}}
    return _schemas({"Deep": node})


def deep_all_of(depth: int) -> dict[str, Any]:
    """allOf inside allOf, `depth` deep: each later member could continue any of the open lists."""
    node: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        node = {"allOf": [node, {"type": "object"}]}
    return _schemas({"Deep": node})


def deep_one_of(depth: int) -> dict[str, Any]:
    """oneOf of references inside anyOf inside oneOf...: union members that could continue any open union."""
    node: dict[str, Any] = {"$ref": "#/components/schemas/Leaf"}
    for level in range(depth):
        key = "oneOf" if level % 2 else "anyOf"
        node = {key: [node, {"$ref": "#/components/schemas/Leaf"}, {"$ref": "#/components/schemas/Leaf"}]}
    return _schemas({"Deep": node, "Leaf": {"type": "string"}})


def deep_data(depth: int) -> dict[str, Any]:
    """Example data nested `depth` deep, a key after each nested mapping: every such key is a tie."""
    node: Any = 1
    for level in range(depth):
        node = {f"k{level}": node, f"z{level}": 2}
    return _schemas({"Deep": {"type": "object", "example": node}})


def deep_lists(depth: int) -> dict[str, Any]:
    """Lists of lists `depth` deep, an item after each nested list."""
    node: Any = [1]
    for _ in range(depth):
        node = [node, 2]
    return _schemas({"Deep": {"example": node}})


def many_ties(count: int) -> dict[str, Any]:
    """`count` schemas, each with a property after a nested object and a `required` list naming it."""
    schema = {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}, "c": {"type": "string"}},
        "required": ["c"],
    }
    return _schemas({f"S{k}": schema for k in range(count)})


def long_list(count: int) -> dict[str, Any]:
    """An enum of `count` values."""
    return _schemas({"E": {"type": "string", "enum": [f"v{k}" for k in range(count)]}})


def wide_map(count: int) -> dict[str, Any]:
    """An object with `count` properties."""
    return _schemas({"W": {"type": "object", "properties": {f"p{k}": {"type": "string"} for k in range(count)}}})


def key_like_text(count: int) -> dict[str, Any]:
    """A description of `count` lines that each read like a key."""
    return _schemas({"T": {"type": "string", "description": "\n".join(f"key{k}: value" for k in range(count))}})


FAMILIES: dict[str, Callable[[int], dict[str, Any]]] = {
    "deep properties": deep_properties,
    "deep objects": deep_objects,
    "deep allOf": deep_all_of,
    "deep oneOf/anyOf": deep_one_of,
    "deep example data": deep_data,
    "deep lists": deep_lists,
    "many ties": many_ties,
    "long list": long_list,
    "wide map": wide_map,
    "key-like text": key_like_text,
}


def page(family: str, size: int) -> tuple[list[str], int, int]:
    """The flattened block of a family's page at a size, the page line it starts on, and the page's bytes."""
    text = docs_page(FAMILIES[family](size), family)
    block, first = yaml_block(text)
    return block, first, len(text.encode())
