"""Validation runs in a forked process beside the model stage: the same problems as validating inline, a spec
that is invalid is reported as invalid whatever the later stages make of it, and a validation process that dies
is never taken for a valid spec."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import generator.models
import generator.spec.validate as validate_module
from generator import config
from generator.background import can_fork
from generator.errors import GeneratorError
from generator.pipeline import run
from generator.spec import load_spec
from generator.spec.validate import Validation, validate

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="validation forks only on Linux with two cores"
)


def _spec(tmp_path: Path, *, valid: bool) -> Path:
    """A spec of many schemas; invalid: one property's type is not a type."""
    schemas = "".join(
        f"    Thing{n}:\n      type: object\n      properties:\n        name{n}: {{type: string}}\n" for n in range(120)
    )
    broken = "    Broken:\n      type: object\n      properties:\n        when: {type: text}\n"
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + schemas
    path = tmp_path / "spec.yaml"
    path.write_text(text + ("" if valid else broken), "utf-8")
    return path


def _target(spec: Path, *, validate: bool = True) -> config.Target:
    target = config.ad_hoc((spec,), out=spec.parent / "out", package="p")
    return config.with_flags(target, validate=validate, cache=False)


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
def test_the_background_answer_is_the_inline_one(tmp_path: Path, valid: bool) -> None:
    doc = load_spec((_spec(tmp_path, valid=valid),))
    pending = Validation(doc, enabled=False)
    assert pending._job.process is not None  # it did fork
    assert pending.result() == validate(doc)
    assert bool(pending.result()) is not valid


def test_a_validation_process_that_dies_is_validated_again_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(*args: object) -> None:
        os._exit(3)

    monkeypatch.setattr(validate_module, "_validate_into", dies)
    doc = load_spec((_spec(tmp_path, valid=False),))
    problems = Validation(doc, enabled=False).result()
    assert problems and problems == validate(doc)


def test_an_invalid_spec_is_reported_as_invalid_when_a_later_stage_fails_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def chokes(*args: object, **kwargs: object) -> None:
        raise KeyError("a stage that trusted the spec")

    monkeypatch.setattr(generator.models, "models_from_plan", chokes)
    spec = _spec(tmp_path, valid=False)
    with pytest.raises(GeneratorError) as caught:
        run(_target(spec))
    assert any("/components/schemas/Broken/properties/when/type" in d.pointer for d in caught.value.diagnostics)

    # Lenient mode generates past the problems the stages can work around; one that stops a stage is an error.
    with pytest.raises(GeneratorError) as caught:
        run(_target(spec, validate=False))
    *problems, stopped = caught.value.diagnostics
    assert any("/components/schemas/Broken/properties/when/type" in d.pointer for d in problems)
    assert all(d.level == "error" for d in caught.value.diagnostics)
    assert "even with --no-validate" in stopped.message

    valid = tmp_path / "valid"
    valid.mkdir()
    with pytest.raises(KeyError):  # on a valid spec the failure is the stage's own: a bug, not the spec's
        run(_target(_spec(valid, valid=True), validate=False))


def test_where_no_process_can_be_started_it_validates_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.process

    def refused(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    doc = load_spec((_spec(tmp_path, valid=False),))
    pending = Validation(doc, enabled=False)
    assert pending._job.process is None
    assert pending.result() == validate(doc) and pending.result()


def test_the_validating_process_yields_the_cores_to_the_stages_the_run_waits_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation has until the package is formatted; the model stage and the run's own process are the path
    every run waits on, so on a busy machine they get the cores first."""
    if not can_fork():
        pytest.skip("validates in this process where no fork is to be had")

    def niceness(doc: object, enabled: bool) -> list[list[object]]:
        return [["niceness", os.nice(0), "#", "", "note"]]

    monkeypatch.setattr(validate_module, "_rows", niceness)
    doc = load_spec((_spec(tmp_path, valid=True),))
    assert Validation(doc).result()[0].line > os.nice(0)
