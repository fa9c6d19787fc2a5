"""Documents read from several pages → one document; a name defined differently on two pages is an error."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from ..errors import GeneratorError, fail
from . import pointer
from .load import Document
from .openapi import HTTP_METHODS

# Taken from the first document only; `tags` is also united by name.
_FROM_FIRST: Final = ("openapi", "info", "servers", "security", "tags")

# What a conflict raises: (the later document's number, the pointer defined twice, the earlier one's number).
Conflict = Callable[[int, str, int], GeneratorError]


def merge(documents: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge OpenAPI documents recovered from several pages into one.

    `paths` (and `webhooks`) and every `components` section are united; the same definition on two pages is fine,
    two different ones are an error naming both pages. `openapi`, `info`, `servers` and `security` come from the
    first document; `tags` are united by name, the first definition winning.
    """

    def conflict(number: int, at: str, first: int) -> GeneratorError:
        file = documents[number][0]
        return fail(file, None, at[1:], f"defined differently in {documents[first][0]} and in {file}")

    return _merge([data for _, data in documents], conflict)[0]


def merged(documents: Sequence[Document]) -> Document:
    """`merge` of loaded documents, as one Document whose every node is located in the page it came from (a
    conflict too: at the later definition's line, naming the earlier one's)."""

    def conflict(number: int, at: str, first: int) -> GeneratorError:
        file, line = documents[number].locate(at)
        was, was_line = documents[first].locate(at)
        earlier = was if was_line is None else f"{was}:{was_line}"
        return fail(file, line, at, f"defined differently in {earlier} and in {documents[number].file}")

    data, origin = _merge([doc.data for doc in documents], conflict)

    def where(at: str) -> tuple[str, int | None]:
        # The page that defined the node, or its nearest defined ancestor; a node no page defined alone (`#`,
        # `#/paths`) is placed in the first page that has it.
        probe = at
        while probe not in origin and "/" in probe:
            probe = probe.rsplit("/", 1)[0]
        if probe in origin:
            return documents[origin[probe]].locate(at)
        found = next((d for d in documents if pointer.resolve(d.data, at) is not pointer.MISSING), documents[0])
        return found.locate(at)

    digest = hashlib.sha256("".join(doc.sha256 for doc in documents).encode()).hexdigest()
    sources = tuple({source.path: source for doc in documents for source in doc.sources}.values())
    warnings = tuple(warning for doc in documents for warning in doc.warnings)
    text = "\n".join(doc.text for doc in documents)
    first = documents[0]
    return Document(data, first.file, text, sha256=digest, warnings=warnings, sources=sources, _where=where)


def _merge(documents: Sequence[dict[str, Any]], conflict: Conflict) -> tuple[dict[str, Any], dict[str, int]]:
    """The merged data, and for each node a page defined whole, the number of that page."""
    merged: dict[str, Any] = {}
    origin: dict[str, int] = {}  # JSON pointer → the document that defined it

    def unite(target: dict[str, Any], source: Mapping[str, Any], where: str, number: int) -> None:
        for name, value in source.items():
            at = pointer.join(where, name)
            if name not in target:
                target[name] = copy.deepcopy(value)
                origin[at] = number
            elif target[name] != value:
                raise conflict(number, at, origin[at])

    for number, document in enumerate(documents):
        if number == 0:
            for key in _FROM_FIRST:
                if key in document:
                    merged[key] = copy.deepcopy(document[key])
                    origin[pointer.join("#", key)] = number
        else:
            names = {tag.get("name") for tag in merged.get("tags", []) if isinstance(tag, dict)}
            for tag in document.get("tags", []) or []:
                if isinstance(tag, dict) and tag.get("name") not in names:
                    merged.setdefault("tags", []).append(copy.deepcopy(tag))
                    names.add(tag.get("name"))
        for section in ("paths", "webhooks"):
            for path, item in (document.get(section) or {}).items():
                where = pointer.join("#", section, path)
                target = merged.setdefault(section, {}).setdefault(path, {})
                # Operations conflict one by one; a path's shared fields likewise.
                unite(target, {k: v for k, v in item.items() if k in HTTP_METHODS}, where, number)
                unite(target, {k: v for k, v in item.items() if k not in HTTP_METHODS}, where, number)
        for kind, entries in (document.get("components") or {}).items():
            target = merged.setdefault("components", {}).setdefault(kind, {})
            unite(target, entries or {}, pointer.join("#", "components", kind), number)
        for key, value in document.items():
            if key not in merged and key not in ("paths", "webhooks", "components", *_FROM_FIRST):
                merged[key] = copy.deepcopy(value)
                origin[pointer.join("#", key)] = number
    return merged, origin
