"""Spec files → one Document: load (YAML, JSON, Markdown pages), bundle the files their `$ref`s name, pointer and
$ref, OpenAPI structure, validate, merge."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import load as _load
from .bundle import bundle
from .load import Document, Source
from .merge import merged

__all__ = ["Document", "Source", "load_spec"]


def load_spec(specs: Sequence[Path], *, best_guess: bool = False, display: str | None = None) -> Document:
    """The document of one or more spec files, each with the files it references bundled in; several (docs pages,
    say) are merged into one. `display` names a single spec in diagnostics (`git:REV:path`)."""
    documents = [bundle(_load.load(path, display=display, best_guess=best_guess), path) for path in specs]
    if len(documents) == 1:
        return documents[0]
    return merged(documents)
