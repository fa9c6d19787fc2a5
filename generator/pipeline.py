"""Target → {path: text}: load, validate, models, build, render, format. The first file to read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .config import Target
from .errors import Diagnostic, GeneratorError
from .load import Document, load


@dataclass(frozen=True)
class Result:
    files: dict[str, str]  # path relative to the target's output folder → file text
    warnings: tuple[Diagnostic, ...]
    spec_sha256: str


def load_spec(target: Target) -> Document:
    """The target's document; several pages are merged into one."""
    documents = [load(path) for path in target.specs]
    if len(documents) == 1:
        return documents[0]
    from .recover import merge

    data = merge([(doc.file, doc.data) for doc in documents])
    digest = hashlib.sha256("".join(doc.sha256 for doc in documents).encode()).hexdigest()
    return Document(data, documents[0].file, "\n".join(doc.text for doc in documents), sha256=digest)


def run(target: Target) -> Result:
    """Everything the target's package should contain, rendered in memory; nothing is written."""
    from .build import build
    from .format import format_files
    from .models import generate_models
    from .render import render
    from .validate import validate

    doc = load_spec(target)
    problems = validate(doc)
    warnings: tuple[Diagnostic, ...] = ()
    if problems and target.validate:
        raise GeneratorError(problems)
    if problems:
        warnings = tuple(Diagnostic(p.file, p.line, p.pointer, p.message, level="warning") for p in problems)
    if doc.recovered:
        note = "the page's YAML had lost its indentation; recovered it from the OpenAPI grammar"
        warnings += (Diagnostic(doc.file, None, "#", note, level="note"),)
    models = generate_models(doc.data, file=doc.file)
    package = build(doc.data, models, target=target, spec_sha256=doc.sha256)
    files = format_files(render(package, distribution=target.distribution), source=doc.file)
    return Result(files, warnings, doc.sha256)
