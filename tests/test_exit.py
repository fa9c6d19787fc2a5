"""The command's process (`python -m generator`, `cli.run`) ends as soon as its work is done, without the
interpreter's teardown: with the exit code `main` returned, and with all it printed, however much."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import REPO, SPECS


def _command(*argv: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    # Buffered output, as a user's shell has it: what the process has not flushed when it ends is lost.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", *map(str, argv)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def _spec(path: Path, operations: int) -> Path:
    paths = {
        f"/things/{n}": {"get": {"operationId": f"get_thing_{n}", "responses": {"204": {"description": "none"}}}}
        for n in range(operations)
    }
    path.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths}))
    return path


def test_a_regenerating_run_exits_zero_with_its_files_written_and_its_report(tmp_path: Path) -> None:
    done = _command("generate", "--spec", SPECS / "client-features.yaml", "--out", tmp_path, "--package", "pkg")
    assert done.returncode == 0, done.stderr
    assert "pkg: " in done.stderr and "file(s) changed" in done.stderr
    written = sorted(p.name for p in (tmp_path / "pkg").glob("*.py"))
    assert {"client.py", "models.py", "__init__.py"} <= set(written)
    for name in written:
        compile((tmp_path / "pkg" / name).read_text("utf-8"), name, "exec")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (("generate", "--no-such-option"), 2),
        (("generate", "--spec", "missing.yaml", "--out", "out", "--package", "pkg"), 1),
        (("generate", "--help"), 0),
    ],
)
def test_the_exit_code_is_the_one_main_returns(tmp_path: Path, argv: tuple[str, ...], code: int) -> None:
    done = _command(*argv, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    if "--help" in argv:
        assert " ".join(done.stdout.split()).endswith("2 usage")  # the epilog: the help was printed to its end


def test_output_larger_than_a_pipe_holds_arrives_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _spec(tmp_path / "old.json", 3000), _spec(tmp_path / "new.json", 0)
    argv = ["diff", str(old), str(new), "--format", "json", "--fail-on", "breaking", "--root", str(tmp_path)]
    assert main(argv) == 1
    expected = capsys.readouterr().out
    assert len(expected) > 4 * 65536  # far more than a pipe buffers before its reader must read
    done = _command(*argv, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == expected


def test_the_commands_process_collects_cycles_rarely_but_still_collects() -> None:
    """Its objects mostly live until it ends: the cyclic collector runs far less often than by default, and
    stays on (`watch` is one long process)."""
    probe = (
        "import gc, generator.cli as cli\n"
        "cli.main = lambda: print(gc.isenabled(), *gc.get_threshold()) or 0\n"
        "cli.run()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    enabled, young, *_ = done.stdout.split()
    assert enabled == "True" and int(young) >= 100 * 700  # 700: the interpreter's default


def test_a_users_file_named_like_the_manifest_stops_the_run_until_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / ".pkg.manifest.json"
    manifest.write_bytes(b"MINE")
    argv = ["generate", "--spec", str(REPO / "spec" / "thymia.openapi.yaml"), "--out", str(tmp_path)]
    argv += ["--package", "pkg", "--no-cache"]
    assert main(argv) == 1
    message = "not a manifest written by the generator; refusing to replace it (--force takes it over)"
    assert capsys.readouterr().err == f"{manifest}: #: {message}\n"
    assert manifest.read_bytes() == b"MINE" and sorted(p.name for p in tmp_path.iterdir()) == [manifest.name]
    assert main([*argv, "--force"]) == 0
    assert "pkg/client.py" in json.loads(manifest.read_text("utf-8"))["files"]
    capsys.readouterr()
    assert main(argv) == 0  # the manifest is the generator's now: the next run is an ordinary one
    assert "up to date" in capsys.readouterr().err
