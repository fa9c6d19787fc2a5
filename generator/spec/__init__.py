"""Spec files → one Document: load (YAML, JSON, Markdown pages), pointer and $ref, OpenAPI structure, validate,
merge."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from . import load as _load
from .load import Document
from .merge import merge

__all__ = ["Document", "load_spec"]


def load_spec(specs: Sequence[Path], *, best_guess: bool = False) -> Document:
    """The document of one or more spec files; several (docs pages, say) are merged into one."""
    documents = [_load.load(path, best_guess=best_guess) for path in specs]
    if len(documents) == 1:
        return documents[0]
    data = merge([(doc.file, doc.data) for doc in documents])
    digest = hashlib.sha256("".join(doc.sha256 for doc in documents).encode()).hexdigest()
    return Document(data, documents[0].file, "\n".join(doc.text for doc in documents), sha256=digest)
