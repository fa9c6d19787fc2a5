"""Target → {path: text}: load, validate, models, build, render, format. The first file to read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import Target
from .errors import Diagnostic, GeneratorError

if TYPE_CHECKING:
    from .load import Document
    from .write import WriteReport


@dataclass(frozen=True)
class Result:
    files: dict[str, str]  # path relative to the target's output folder → file text
    warnings: tuple[Diagnostic, ...]
    spec_sha256: str


def load_spec(target: Target) -> Document:
    """The target's document; several pages are merged into one."""
    # Imported here, like every stage: an up-to-date `generate` must not pay for YAML.
    from .load import Document, load

    documents = [load(path) for path in target.specs]
    if len(documents) == 1:
        return documents[0]
    from .recover import merge

    data = merge([(doc.file, doc.data) for doc in documents])
    digest = hashlib.sha256("".join(doc.sha256 for doc in documents).encode()).hexdigest()
    return Document(data, documents[0].file, "\n".join(doc.text for doc in documents), sha256=digest)


def run(target: Target, *, doc: Document | None = None) -> Result:
    """Everything the target's package should contain, rendered in memory; nothing is written.
    `doc` stands in for the target's spec files (diff reads a spec from git)."""
    from .build import build
    from .cache import validate_cached
    from .format import format_files
    from .models import generate_models
    from .render import render

    doc = doc or load_spec(target)
    problems = validate_cached(doc, enabled=target.cache)
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
    files = format_files(render(package, distribution=target.distribution), source=doc.file, cache=target.cache)
    return Result(files, warnings, doc.sha256)


def generate(target: Target) -> tuple[WriteReport, tuple[Diagnostic, ...]]:
    """Run and write the target, unless its manifest shows the same inputs and untouched files: then nothing
    is rendered, imported or touched."""
    from .inputs import fingerprint, up_to_date
    from .write import WriteReport, read_manifest, write

    inputs = fingerprint(target)
    if up_to_date(target, inputs):
        return WriteReport((), (), len(read_manifest(target.out, target.package).files), skipped=True), ()
    result = run(target)
    report = write(target.out, result.files, package=target.package, inputs=inputs.digest, sources=inputs.parts)
    return report, result.warnings
