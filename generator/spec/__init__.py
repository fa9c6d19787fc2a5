"""Spec files → one Document: load (YAML, JSON, Markdown pages), bundle the files their `$ref`s name, pointer and
$ref, OpenAPI structure, validate, merge."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from . import load as _load
from .bundle import bundle
from .load import Document, Source
from .merge import merge

__all__ = ["Document", "Source", "load_spec"]


def load_spec(specs: Sequence[Path], *, best_guess: bool = False, display: str | None = None) -> Document:
    """The document of one or more spec files, each with the files it references bundled in; several (docs pages,
    say) are merged into one. `display` names a single spec in diagnostics (`git:REV:path`)."""
    documents = [bundle(_load.load(path, display=display, best_guess=best_guess), path) for path in specs]
    if len(documents) == 1:
        return documents[0]
    data = merge([(doc.file, doc.data) for doc in documents])
    digest = hashlib.sha256("".join(doc.sha256 for doc in documents).encode()).hexdigest()
    sources = tuple({source.path: source for doc in documents for source in doc.sources}.values())
    warnings = tuple(warning for doc in documents for warning in doc.warnings)
    text = "\n".join(doc.text for doc in documents)
    return Document(data, documents[0].file, text, sha256=digest, warnings=warnings, sources=sources)
