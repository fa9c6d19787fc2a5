"""A large spec's model stage runs in a forked process (pipeline.MODELS_APART_MIN_CHARS, background.py): the
package is the same bytes as when the stage runs in the run's own process, the stage's located errors arrive
as they are, and a process that dies is never taken for an answer."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import generator.models
import generator.pipeline as pipeline
from generator import config
from generator.background import Background
from generator.errors import GeneratorError, fail

from .conftest import SPECS

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="stages fork only on Linux with two cores"
)


def _target(spec: Path, tmp_path: Path, *, validate: bool = True) -> config.Target:
    target = config.ad_hoc((spec,), out=tmp_path / "out", package="pkg")
    return config.with_flags(target, validate=validate, cache=False)


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    forked: list[bool] = []
    real = Background.__init__

    def recording(self: Background[object], *args: object, fork: bool) -> None:
        real(self, *args, fork=fork)  # type: ignore[arg-type]
        forked.append(self.process is not None)

    monkeypatch.setattr(Background, "__init__", recording)
    return forked


def test_models_made_apart_give_the_same_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _target(SPECS / "client-features.yaml", tmp_path)
    here = pipeline.run(target)
    forked = _forks(monkeypatch)
    monkeypatch.setattr(pipeline, "MODELS_APART_MIN_CHARS", 0)
    apart = pipeline.run(target)
    assert forked[-1]  # the model stage's process did start
    assert apart.files == here.files and apart.warnings == here.warnings
    assert apart.models == here.models


def test_the_stages_located_error_arrives_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "utf-8")
    target = _target(spec, tmp_path, validate=False)
    with pytest.raises(GeneratorError) as here:
        pipeline.run(target)
    monkeypatch.setattr(pipeline, "MODELS_APART_MIN_CHARS", 0)
    with pytest.raises(GeneratorError) as apart:
        pipeline.run(target)
    assert apart.value.diagnostics == here.value.diagnostics
    assert "only OpenAPI 3.x" in str(apart.value)


def test_a_process_that_dies_is_run_again_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = generator.models.generate_models

    def dies_apart(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            os._exit(3)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    target = _target(SPECS / "client-features.yaml", tmp_path)
    expected = pipeline.run(target).files
    monkeypatch.setattr(generator.models, "generate_models", dies_apart)
    monkeypatch.setattr(pipeline, "MODELS_APART_MIN_CHARS", 0)
    assert pipeline.run(target).files == expected


def test_an_answer_is_a_value_or_the_error_raised_again() -> None:
    def raises() -> None:
        raise fail("spec.yaml", 3, "#/paths", "no")

    assert Background(lambda: 41 + 1, lambda: 0, fork=True).result() == 42
    assert Background(lambda: 41 + 1, lambda: 0, fork=False).result() == 0
    with pytest.raises(GeneratorError, match="no"):
        Background(raises, lambda: None, fork=True).result()
    unpicklable = Background(lambda: lambda: 1, lambda: lambda: 2, fork=True)  # its value cannot cross back
    assert unpicklable.result()() == 2
