"""Documents read from several pages → one document; a name defined differently on two pages is an error."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..errors import fail
from . import pointer
from .openapi import HTTP_METHODS

# Taken from the first document only; `tags` is also united by name.
_FROM_FIRST: Final = ("openapi", "info", "servers", "security", "tags")


def merge(documents: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge OpenAPI documents recovered from several pages into one.

    `paths` (and `webhooks`) and every `components` section are united; the same definition on two pages is fine,
    two different ones are an error naming both pages. `openapi`, `info`, `servers` and `security` come from the
    first document; `tags` are united by name, the first definition winning.
    """
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}  # JSON pointer → file that defined it

    def unite(target: dict[str, Any], source: Mapping[str, Any], where: str, file: str) -> None:
        for name, value in source.items():
            at = pointer.join(where, name)
            if name not in target:
                target[name] = copy.deepcopy(value)
                origin[at] = file
            elif target[name] != value:
                raise fail(file, None, at, f"defined differently in {origin[at]} and in {file}")

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
                where = pointer.join("", section, path)
                target = merged.setdefault(section, {}).setdefault(path, {})
                # Operations conflict one by one; a path's shared fields likewise.
                unite(target, {k: v for k, v in item.items() if k in HTTP_METHODS}, where, file)
                unite(target, {k: v for k, v in item.items() if k not in HTTP_METHODS}, where, file)
        for kind, entries in (document.get("components") or {}).items():
            target = merged.setdefault("components", {}).setdefault(kind, {})
            unite(target, entries or {}, pointer.join("", "components", kind), file)
        for key, value in document.items():
            if key not in merged and key not in ("paths", "webhooks", "components", *_FROM_FIRST):
                merged[key] = copy.deepcopy(value)
    return merged
