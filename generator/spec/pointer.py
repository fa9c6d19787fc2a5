"""JSON pointers and local `$ref`s: escape, join, split, resolve, walk. The only code that reads either."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

# How deep a chain of references to references may go before it is taken as a cycle.
MAX_REF_CHAIN: Final = 64
# (parent key or None, key) → skip this entry and everything under it.
Prune = Callable[[str | None, str], bool]
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


class _Missing:
    """What `resolve` returns for a pointer that names nothing (None is a value a document can hold)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()


def escape(part: str | int) -> str:
    """One reference token (RFC 6901): `~` → `~0`, `/` → `~1`."""
    text = part if isinstance(part, str) else str(part)
    # Most tokens have neither: looking is cheaper than replacing (a large spec spells pointers by the 100,000).
    return text.replace("~", "~0").replace("/", "~1") if "~" in text or "/" in text else text


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *parts: str | int) -> str:
    """Extend a pointer by raw (unescaped) parts: join("#/paths", "/pets/{id}") == "#/paths/~1pets~1{id}"."""
    for part in parts:
        pointer = f"{pointer}/{escape(part)}"
    return pointer


def split(pointer: str) -> list[str]:
    """The raw parts of a local pointer (`#/a/b`, `/a/b` or `#`); percent-escapes in a URI fragment decoded."""
    return list(_parts(pointer))


# A spec names the same few hundred `$ref`s thousands of times (every operation's shared parameters and
# responses): each is taken apart and respelled once.
@functools.lru_cache(maxsize=8192)
def _parts(pointer: str) -> tuple[str, ...]:
    body = pointer[1:] if pointer.startswith("#") else pointer
    if "%" in body:
        body = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), body)
    if not body:
        return ()
    return tuple(unescape(token) for token in body.split("/")[1:])


@functools.lru_cache(maxsize=8192)
def canonical(ref: str) -> str:
    """A local reference written one way only: `#` + RFC 6901 escapes, percent-escapes decoded."""
    return join("#", *_parts(ref))


def is_local(ref: object) -> bool:
    return isinstance(ref, str) and ref.startswith("#")


def resolve(data: Any, ref: str) -> Any:
    """The value a local reference names, or MISSING."""
    node = data
    for part in _parts(ref):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def deref(data: Any, value: Any) -> Any:
    """Follow `$ref` until a value that is not a reference (or MISSING, for a dangling or cyclic chain)."""
    for _ in range(MAX_REF_CHAIN):
        if not (isinstance(value, dict) and is_local(value.get("$ref"))):
            return value
        value = resolve(data, value["$ref"])
    return MISSING


def deref_pointer(data: Any, value: Any, pointer: str) -> tuple[Any, str]:
    """`deref`, also giving the pointer of the value finally reached."""
    for _ in range(MAX_REF_CHAIN):
        if not (isinstance(value, dict) and is_local(value.get("$ref"))):
            return value, pointer
        pointer = canonical(value["$ref"])
        value = resolve(data, pointer)
    return MISSING, pointer


def walk(data: Any, pointer: str = "#", *, prune: Prune | None = None) -> Iterator[tuple[str, Any]]:
    """Every value in document order with its pointer, iteratively (any depth is safe). A mapping entry for
    which `prune(parent_key, key)` is true is skipped with everything under it."""
    stack: list[tuple[str, str | None, Any]] = [(pointer, None, data)]
    while stack:
        where, key, value = stack.pop()
        yield where, value
        if isinstance(value, dict):
            stack.extend(
                (join(where, k), k, v) for k, v in reversed(value.items()) if prune is None or not prune(key, k)
            )
        elif isinstance(value, list):
            stack.extend((join(where, i), key, v) for i, v in reversed(list(enumerate(value))))


def containers(data: Any, *, prune: Prune | None = None) -> Iterator[Any]:
    """Every mapping and list in `walk`'s order, without the pointers `walk` spells for every value (most of
    its time). A container may be changed when it is yielded: what is then in it is walked."""
    stack: list[tuple[str | None, Any]] = [(None, data)]
    while stack:
        key, value = stack.pop()
        yield value
        if isinstance(value, dict):
            stack.extend(
                (k, v)
                for k, v in reversed(value.items())
                if isinstance(v, dict | list) and (prune is None or not prune(key, k))
            )
        elif isinstance(value, list):
            stack.extend((key, v) for v in reversed(value) if isinstance(v, dict | list))


def refs(data: Any, pointer: str = "#", *, prune: Prune | None = None) -> Iterator[tuple[str, str]]:
    """Every `$ref` string in `walk`'s order: (pointer of the `$ref` key, its value); a pointer is spelled only
    for a `$ref` found."""
    stack: list[tuple[tuple[str | int, ...], str | None, Any]] = [((), None, data)]
    while stack:
        path, key, value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                yield join(pointer, *path, "$ref"), value["$ref"]
            stack.extend(
                ((*path, k), k, v)
                for k, v in reversed(value.items())
                if isinstance(v, dict | list) and (prune is None or not prune(key, k))
            )
        elif isinstance(value, list):
            items = reversed(list(enumerate(value)))
            stack.extend(((*path, i), key, v) for i, v in items if isinstance(v, dict | list))
