"""`python -m generator watch` in a real process: edits are followed, a broken spec keeps the last good output,
Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "tests" / "specs" / "diff" / "base.yaml"
TIMEOUT = 60.0  # generous: a loaded CI machine regenerates slowly; a passing run takes a few seconds


class Watcher:
    def __init__(self, project: Path, *, spec: str = "spec.yaml") -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [
            sys.executable,
            "-m",
            "generator",
            "watch",
            "--spec",
            spec,
            "--out",
            "out",
            "--package",
            "petstore",
        ]
        self.process = subprocess.Popen(command, cwd=project, env=env, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, what: str, condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}; watch printed:\n{''.join(self.lines)}")

    def printed(self, text: str, *, after: int = 0) -> Callable[[], bool]:
        return lambda: any(text in line for line in self.lines[after:])


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[tuple[Watcher, Path]]:
    shutil.copy(BASE, tmp_path / "spec.yaml")
    running = Watcher(tmp_path)
    try:
        yield running, tmp_path
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def test_watch_follows_edits_survives_a_broken_spec_and_stops_on_ctrl_c(watcher: tuple[Watcher, Path]) -> None:
    running, project = watcher
    spec, models = project / "spec.yaml", project / "out" / "petstore" / "models.py"
    running.wait_for("the first generation", running.printed("watching"))
    assert models.is_file()
    good = spec.read_text("utf-8")

    # An edit to the spec reaches the output.
    seen = len(running.lines)
    spec.write_text(good.replace("A pet in the store.", "A pet, for sale."), "utf-8")
    running.wait_for("the edit to reach models.py", lambda: "A pet, for sale." in models.read_text("utf-8"))
    running.wait_for("the summary line", running.printed("file(s) changed", after=seen))
    last_good = models.read_text("utf-8")

    # A broken spec prints its located error and leaves the last good output alone.
    seen = len(running.lines)
    spec.write_text(good.replace("openapi: 3.0.3", "openapi: 3.0.3\n  broken: [", 1), "utf-8")
    running.wait_for("the located error", running.printed("spec.yaml:", after=seen))
    running.wait_for("the keep message", running.printed("kept the last good output", after=seen))
    assert models.read_text("utf-8") == last_good
    assert running.process.poll() is None, "a broken spec must not stop the watcher"

    # Fixed again, it regenerates again.
    spec.write_text(good, "utf-8")
    running.wait_for("the fix to reach models.py", lambda: "A pet in the store." in models.read_text("utf-8"))

    # Ctrl-C: a clean stop, exit code 0, no traceback.
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=TIMEOUT) == 0
    running.reader.join(timeout=5)
    output = "".join(running.lines)
    assert "stopped" in output and "Traceback" not in output


def test_template_edits_are_watched(tmp_path: Path) -> None:
    """The watched folders: the spec's, every folder under templates/, and the root (for pyproject.toml)."""
    from generator.assets import templates
    from generator.commands.watch import _folders

    folders = _folders({(tmp_path / "spec" / "api.yaml")}, tmp_path)
    assert templates() in folders and templates() / "package" in folders and tmp_path.resolve() in folders


def test_watch_follows_edits_to_files_the_spec_references(tmp_path: Path) -> None:
    """A multi-file spec: an edit in a referenced file regenerates, a broken one is reported where it is broken and
    keeps the output, and a file that a fixed reference newly names is watched too."""
    shutil.copytree(ROOT / "tests" / "specs" / "multifile", tmp_path / "api")
    running = Watcher(tmp_path, spec="api/openapi.yaml")
    try:
        owner, models = tmp_path / "api" / "schemas" / "owner.yaml", tmp_path / "out" / "petstore" / "models.py"
        running.wait_for("the first generation", running.printed("watching"))
        assert any("api/schemas" in line for line in running.lines if line.startswith("watching"))
        good = owner.read_text("utf-8")

        owner.write_text(good.replace("Someone who owns pets.", "A keeper of pets."), "utf-8")
        running.wait_for("the edit to reach models.py", lambda: "A keeper of pets." in models.read_text("utf-8"))

        seen = len(running.lines)
        owner.write_text(good.replace("name:\n    type: string", "name:\n    type: text"), "utf-8")
        running.wait_for("the located error", running.printed("api/schemas/owner.yaml:8:", after=seen))
        running.wait_for("the keep message", running.printed("kept the last good output", after=seen))
        assert "A keeper of pets." in models.read_text("utf-8")

        # Fixed by pointing at a file that does not exist yet; making that file regenerates.
        seen = len(running.lines)
        owner.write_text(good.replace("type: string", "$ref: ./name.yaml", 1), "utf-8")
        running.wait_for("the missing file", running.printed("which does not exist", after=seen))
        (tmp_path / "api" / "schemas" / "name.yaml").write_text("type: string\nenum: [ann, bob]\n", "utf-8")
        running.wait_for(
            "the new file to reach models.py", lambda: "class Name(str, Enum)" in models.read_text("utf-8")
        )
    finally:
        if running.process.poll() is None:
            running.process.send_signal(signal.SIGINT)
            running.process.wait(timeout=TIMEOUT)


def test_an_edit_made_while_a_run_is_under_way_is_not_lost(tmp_path: Path) -> None:
    """The spec changes while a run reads it (or before the next watch is armed): no event reaches a watcher, yet
    the next quiet second finds the spec changed since the run began, and runs again."""
    import threading

    from generator.commands.watch import watch
    from generator.config import ad_hoc

    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.3\n", "utf-8")
    target = ad_hoc((spec,), out=tmp_path / "out", package="p")
    stop = threading.Event()
    runs: list[str] = []

    def generate_one(_: object) -> str:
        runs.append(spec.read_text("utf-8"))
        if len(runs) == 1:
            spec.write_text("openapi: 3.0.3\n# edited during the first run\n", "utf-8")
        else:
            stop.set()
        return "ran"

    done: list[int] = []
    thread = threading.Thread(
        target=lambda: done.append(
            watch(lambda: [target], root=tmp_path, generate_one=generate_one, report=lambda _: None, stop_event=stop)
        ),
        daemon=True,
    )
    thread.start()
    thread.join(timeout=TIMEOUT)
    assert done == [0], "watch never ran again after the edit"
    assert len(runs) == 2 and "edited during the first run" in runs[1]


def test_watch_loads_the_model_engine_once_for_all_its_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run's model stage process is forked from the watching one: with the engine loaded there once, no
    regeneration loads it again."""
    import generator.commands.watch as watch_module
    import generator.pipeline as pipeline
    from generator.cli import main

    calls: list[str] = []
    monkeypatch.setattr(pipeline, "keep_warm", lambda: calls.append("warm"))
    monkeypatch.setattr(watch_module, "watch", lambda *args, **kwargs: calls.append("watch") or 0)
    (tmp_path / "pyproject.toml").write_text('[tool.generator.targets.t]\nspec = "spec.yaml"\n', "utf-8")
    assert main(["watch", "--root", str(tmp_path)]) == 0
    assert calls == ["warm", "watch"]


def test_keeping_warm_loads_the_engine_into_this_process() -> None:
    """What each run's model stage process then inherits: the engine's parser, which a fresh interpreter has
    not loaded (checked in one, since the test process has run the engine already)."""
    probe = (
        "import sys\n"
        "from generator import pipeline\n"
        "parser = 'datamodel_code_generator.parser.openapi'\n"
        "before = parser in sys.modules\n"
        "pipeline.keep_warm()\n"
        "print(before, parser in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
