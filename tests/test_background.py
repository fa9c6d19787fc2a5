"""The model stage runs in a process forked when the run starts (background.py `Worker`), which loads the engine
while the run reads the spec and is then handed the stage: the package is the same bytes as when the stage runs
in the run's own process, the stage's located errors arrive as they are, and a process that dies, or a stage
that cannot be sent, is never taken for an answer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import generator.background
import generator.models.hoist
import generator.pipeline as pipeline
from generator import config
from generator.background import Background, Worker
from generator.errors import GeneratorError, fail

from .conftest import SPECS

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="stages fork only on Linux with two cores"
)

ROOT = Path(__file__).resolve().parents[1]


def _target(spec: Path, tmp_path: Path, *, validate: bool = True) -> config.Target:
    target = config.ad_hoc((spec,), out=tmp_path / "out", package="pkg")
    return config.with_flags(target, validate=validate, cache=False)


def _workers(monkeypatch: pytest.MonkeyPatch) -> list[Worker[object]]:
    made: list[Worker[object]] = []
    real = Worker.__init__

    def recording(self: Worker[object], *args: object, fork: bool) -> None:
        real(self, *args, fork=fork)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Worker, "__init__", recording)
    return made


def _here_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.background, "can_fork", lambda: False)


def test_models_made_apart_give_the_same_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _target(SPECS / "client-features.yaml", tmp_path)
    workers = _workers(monkeypatch)
    apart = pipeline.run(target)
    assert workers[-1].process is not None  # the model stage's process did start
    with monkeypatch.context() as here_only:
        _here_only(here_only)
        here = pipeline.run(target)
    assert workers[-1].process is None
    assert apart.files == here.files and apart.warnings == here.warnings
    assert apart.models == here.models


def test_the_stages_located_error_arrives_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "utf-8")
    target = _target(spec, tmp_path, validate=False)
    with pytest.raises(GeneratorError) as apart:
        pipeline.run(target)
    _here_only(monkeypatch)
    with pytest.raises(GeneratorError) as here:
        pipeline.run(target)
    assert apart.value.diagnostics == here.value.diagnostics
    assert "only OpenAPI 3.x" in str(apart.value)


def test_a_process_that_dies_is_run_again_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = generator.models.engine.remembered
    ran_here: list[bool] = []

    def dies_apart(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            os._exit(3)
        ran_here.append(True)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    target = _target(SPECS / "client-features.yaml", tmp_path)
    expected = pipeline.run(target).files
    monkeypatch.setattr(generator.models.engine, "remembered", dies_apart)
    assert pipeline.run(target).files == expected
    assert ran_here == [True]  # the worker was handed the stage, died in it, and the stage ran here


def test_a_run_that_fails_before_the_stage_ends_its_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workers = _workers(monkeypatch)
    target = _target(tmp_path / "missing.yaml", tmp_path)
    with pytest.raises(GeneratorError):
        pipeline.run(target)
    process = workers[-1].process
    assert process is not None and not process.is_alive()


def test_an_answer_is_a_value_or_the_error_raised_again() -> None:
    def raises() -> None:
        raise fail("spec.yaml", 3, "#/paths", "no")

    assert Background(lambda: 41 + 1, lambda: 0, fork=True).result() == 42
    assert Background(lambda: 41 + 1, lambda: 0, fork=False).result() == 0
    with pytest.raises(GeneratorError, match="no"):
        Background(raises, lambda: None, fork=True).result()
    unpicklable = Background(lambda: lambda: 1, lambda: lambda: 2, fork=True)  # its value cannot cross back
    assert unpicklable.result()() == 2


# Module level, so that they pickle by name: what a Worker is handed.
_WARMED: list[int] = []


def _warm() -> None:
    _WARMED.append(os.getpid())


def _warm_fails() -> None:
    raise ValueError("the head start failed")


def _where_and_warmed() -> tuple[int, list[int]]:
    return os.getpid(), list(_WARMED)


def _raises_located() -> None:
    raise fail("spec.yaml", 7, "#/components", "located")


def test_a_worker_warms_then_runs_the_stage_it_is_handed() -> None:
    worker: Worker[tuple[int, list[int]]] = Worker(_warm, fork=True)
    worker.hand(_where_and_warmed, lambda: (os.getpid(), []))
    where, warmed = worker.result()
    assert where != os.getpid() and warmed == [where]  # warmed in the process that then ran the stage
    assert not _WARMED  # nothing of it happened here


def test_a_worker_whose_warm_up_fails_still_runs_the_stage() -> None:
    worker: Worker[tuple[int, list[int]]] = Worker(_warm_fails, fork=True)
    worker.hand(_where_and_warmed, lambda: (os.getpid(), []))
    assert worker.result()[0] != os.getpid()


def test_a_stage_that_does_not_pickle_runs_here() -> None:
    worker: Worker[int] = Worker(_warm, fork=True)
    worker.hand(lambda: -1, os.getpid)  # a lambda cannot be sent
    assert worker.result() == os.getpid()
    assert worker.process is not None and not worker.process.is_alive()


def test_a_workers_located_error_is_raised_here() -> None:
    worker: Worker[None] = Worker(_warm, fork=True)
    worker.hand(_raises_located, lambda: None)
    with pytest.raises(GeneratorError) as caught:
        worker.result()
    assert caught.value.diagnostics[0].line == 7 and caught.value.diagnostics[0].pointer == "#/components"


def test_a_worker_never_handed_a_stage_ends_when_closed() -> None:
    worker: Worker[int] = Worker(_warm, fork=True)
    process = worker.process
    assert process is not None and process.is_alive()
    started = time.monotonic()
    worker.close()
    assert not process.is_alive() and time.monotonic() - started < 5
    worker.close()  # twice is harmless


def test_without_a_fork_the_stage_runs_here() -> None:
    worker: Worker[int] = Worker(_warm, fork=False)
    assert worker.process is None
    worker.hand(_where_and_warmed, lambda: 5)  # type: ignore[arg-type]
    assert worker.result() == 5 and not _WARMED


_MODELS = """
import json, sys
from pathlib import Path
from generator.spec import load_spec
from generator.models import generate_models
from generator.models.engine import warm
doc = load_spec([Path(sys.argv[1])])
if sys.argv[2] == "warm":
    warm()
m = generate_models(doc.data, file=doc.file)
print(json.dumps([m.source, m.classes, m.hints, sorted(m.aliases), m.imports]))
"""


@pytest.mark.parametrize("spec", ["client-features.yaml", "features-3.1.yaml", "hostile-text.yaml"])
def test_a_warmed_engine_makes_the_same_models(spec: str) -> None:
    """The engine run once on the smallest document first (as in the worker) leaves nothing behind that changes
    what it makes of the next one; each side in a fresh interpreter."""
    path = SPECS / spec
    assert path.exists()
    outputs = [
        subprocess.run(
            [sys.executable, "-c", _MODELS, str(path), mode], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for mode in ("cold", "warm")
    ]
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000


_ORPHANED = """
import sys, time
from generator.background import Background

def big() -> bytes:
    time.sleep(float(sys.argv[1]))
    return b"x" * 1_000_000  # more than a pipe holds: its send blocks until someone reads

job = Background(big, big, fork=True)
print(job.process.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("killed", ["while the stage works", "once its answer waits to be read"])
def test_a_stage_process_ends_with_the_run_that_forked_it(killed: str) -> None:
    """`kill -9` of a run (a CI timeout, the OOM killer) leaves no process behind holding the stage's memory."""
    work = 30.0 if killed == "while the stage works" else 0.0
    run = subprocess.Popen([sys.executable, "-c", _ORPHANED, str(work)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    child = int(run.stdout.readline())
    time.sleep(0.5)  # the child has started its stage (or sent as much of its answer as the pipe holds)
    assert _alive(child)
    run.kill()
    run.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), f"the stage's process {child} outlived the run that forked it"
