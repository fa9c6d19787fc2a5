"""Target → {path: text} → files: load, validate, models, build, render, format, write. The first file to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from . import fingerprint
from .config import Target
from .errors import Diagnostic, GeneratorError, Report
from .write import read_manifest, up_to_date, write

if TYPE_CHECKING:
    from .background import Worker
    from .ir import Package
    from .models import Models
    from .spec import Document


@dataclass(frozen=True)
class Result:
    files: dict[str, str]  # path relative to the target's output folder → file text
    warnings: tuple[Diagnostic, ...]
    spec_sha256: str
    document: Document | None = field(default=None, compare=False, repr=False)  # what the stages read
    models: Models | None = field(default=None, compare=False, repr=False)
    package: Package | None = field(default=None, compare=False, repr=False)


def run(target: Target, *, doc: Document | None = None) -> Result:
    """Everything the target's package should contain, rendered in memory; nothing is written.
    `doc` stands in for the target's spec files (diff reads a spec from git)."""
    # The model stage's process starts first, and loads the engine (a third of a second) while this one imports
    # the other stages and reads the spec; its heap (most of a run's memory) goes when it ends.
    from .background import Worker, can_fork

    models_apart: Worker[Models] = Worker(_engine_loaded, fork=can_fork())
    try:
        return _run(target, doc, models_apart)
    finally:
        models_apart.close()


def _run(target: Target, doc: Document | None, models_apart: Worker[Models]) -> Result:
    # The stages, in the order the data flows through them; imported here because an up-to-date target
    # (`generate` below) needs none of them, and they take ten times as long to import as it takes to answer.
    from . import render as render_stage
    from .build import build
    from .format import format_files, prepare
    from .models import models_from_plan, plan_models
    from .render import laid_out, render, verbatim
    from .spec import load_spec
    from .spec.validate import Validation

    doc = doc or load_spec(target.specs, best_guess=target.best_guess)
    validation = Validation(doc, enabled=target.cache)  # on the other core, until the package is formatted
    warnings: tuple[Diagnostic, ...] = ()
    if doc.recovered:
        note = "the page's YAML had lost its indentation; recovered it from the OpenAPI grammar"
        warnings += (Diagnostic(doc.file, None, "#", note, level="note"),)
    warnings += doc.warnings  # each choice a best-guess recovery made, at its page line
    try:
        try:
            # The engine's document is made here while the engine loads in the model stage's process.
            plan = plan_models(doc.data, file=doc.file, overrides=dict(target.models))
            # A large document's parts run in two processes of their own; validation, lower in priority and
            # mostly compiled (spec/compiled.py), takes the second core where they leave it idle.
            stage = partial(
                models_from_plan,
                plan,
                file=doc.file,
                templates=target.templates,
                cache=target.cache,
                side_by_side=True,
            )
            models_apart.hand(stage, stage)
            # While the model stage runs: black loaded and the package templates compiled.
            prepare()
            templates = render_stage.prepare(target)
            models = models_apart.result()
            package = build(doc.data, models, target=target, spec_sha256=doc.sha256, file=doc.file, locate=doc.line_of)
        except GeneratorError as exc:  # located by pointer in the spec: a node may come from a referenced file
            raise GeneratorError(doc.relocate(exc.diagnostics), exit_code=exc.exit_code) from None
        rendered = render(package, target=target, env=templates)
        files = format_files(
            rendered,
            source=doc.file,
            cache=target.cache,
            verbatim=verbatim(package, rendered),
            laid_out=laid_out(package, target),
        )
    except Exception as exc:  # the stages may assume a valid spec: an invalid one is reported as such, not by its crash
        _refused(validation.result(), exc, target=target, file=doc.file)
        raise
    warnings = _validated(validation.result(), target) + warnings
    return Result(files, warnings + doc.relocate(package.notes), doc.sha256, doc, models, package)


def keep_warm() -> None:
    """For a process that runs the pipeline again and again (watch): the model engine loaded here once, so that
    each run's model stage process is forked with it loaded instead of loading it again, a third of a second
    of every regeneration."""
    _engine_loaded()


def _engine_loaded() -> None:
    """The model stage's process, before it has a document: the engine loaded and run once on the smallest."""
    from .models.engine import warm

    warm()


def _refused(problems: list[Diagnostic], failure: Exception, *, target: Target, file: str) -> None:
    """A stage failed on a spec with validation problems: they are the run's errors. In lenient mode too, unless
    the stage located its own failure: `--no-validate` generates past the problems the stages can work around,
    not past one that stops them. Only a failure on a valid spec is the stage's own, reported as a bug."""
    _validated(problems, target)
    if problems and not isinstance(failure, GeneratorError):
        message = "generation cannot go on past the problems above, even with --no-validate"
        raise GeneratorError([*problems, Diagnostic(file, None, "#", message)]) from None


def _validated(problems: list[Diagnostic], target: Target) -> tuple[Diagnostic, ...]:
    """Validation's problems stop the run, or in lenient mode (`--no-validate`) become its warnings."""
    if problems and target.validate:
        raise GeneratorError(problems)
    return tuple(Diagnostic(p.file, p.line, p.pointer, p.message, level="warning") for p in problems)


def generate(target: Target) -> Report:
    """Run and write the target, unless its manifest shows the same inputs and untouched files: then nothing is
    rendered or touched."""
    # The files the spec pulled in last time are known from the manifest alone; the run finds this time's.
    recorded = fingerprint.recorded(target, read_manifest(target.out, target.package).sources)
    inputs = fingerprint.inputs(target, sources=recorded)
    where = f"{target.name}: {target.package_dir}"
    if up_to_date(target.out, target.package, inputs.digest):
        count = len(read_manifest(target.out, target.package).files)
        return Report([f"{where}: up to date ({count} file(s), inputs unchanged)"])
    result = run(target)
    read = {source.path: source.sha256 for source in (result.document.sources if result.document else ())}
    inputs = inputs.with_sources(target, read)
    written = write(
        target.out, result.files, package=target.package, inputs=inputs.digest, sources=inputs.parts, force=target.force
    )
    changed = len(written.written) + len(written.removed)
    return Report(
        [f"{where}: {changed} file(s) changed, {written.unchanged} unchanged"], diagnostics=list(result.warnings)
    )
