"""Bad input: each defect gets its exit code and one located message, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import REPO

BAD = REPO / "tests" / "bad"

# file → (line, pointer, words the message must contain)
CASES = {
    "invalid-yaml.yaml": (None, "#", "invalid YAML"),
    "duplicate-key.yaml": (10, "#/components/schemas/Pet", "duplicate key 'Pet' (first defined on line 8)"),
    "duplicate-key.json": (5, "#/paths", "duplicate key 'paths'"),
    "missing-ref.yaml": (
        14,
        "#/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
        "points to nothing",
    ),
    "swagger2.yaml": (1, "#/swagger", "only OpenAPI 3.0.x and 3.1.x are supported"),
    "wrong-type.yaml": (12, "#/components/schemas/Pet/properties/name/type", "5 is not one of"),
    "no-yaml-block.md": (None, "#", "no ```yaml or ```json block"),
}

LOCATED = re.compile(r"^(?P<file>[^:]+)(?::(?P<line>\d+))?: (?P<pointer>#[^:]*): (?P<message>.+)$")


@pytest.mark.parametrize("name", sorted(CASES))
def test_defect_is_reported_once_with_its_location(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line, pointer, words = CASES[name]
    code = main(["generate", "--spec", str(BAD / name), "--out", str(tmp_path), "--package", "bad"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1, err
    match = LOCATED.match(err[0])
    assert match, err[0]
    assert match["file"] == str(BAD / name)
    if line is not None:
        assert match["line"] == str(line)
    else:
        assert match["line"] is None or int(match["line"]) >= 1
    assert match["pointer"] == pointer
    assert words in match["message"]
    assert not any(tmp_path.iterdir()), "a failed run wrote something"


def test_failed_run_leaves_previous_output_intact(tmp_path: Path) -> None:
    good = REPO / "tests" / "specs" / "nullable-3.0.yaml"
    assert main(["generate", "--spec", str(good), "--out", str(tmp_path), "--package", "pkg"]) == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["generate", "--spec", str(BAD / "wrong-type.yaml"), "--out", str(tmp_path), "--package", "pkg"]) == 1
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "--spec", "x.yaml"],  # --out and --package missing
        ["generate", "--spec", "x.yaml", "--out", "o", "--package", "not a name"],
        ["frobnicate"],
        [],
        ["generate", "--target", "nope"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_missing_spec_file_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["generate", "--spec", str(missing), "--out", str(tmp_path), "--package", "p"]) == 1
    assert capsys.readouterr().err.startswith(f"{missing}: #: cannot read the spec")


def test_help_and_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert help_text.returncode == 0 and "--spec" in help_text.stdout and "exit codes" in help_text.stdout
    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--spec",
            str(BAD / "missing-ref.yaml"),
            "--out",
            str(tmp_path),
            "--package",
            "p",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr and "points to nothing" in failed.stderr


def test_a_bug_in_the_generator_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("unexpected")

    monkeypatch.setattr(generator.pipeline, "run", broken)
    spec = REPO / "tests" / "specs" / "nullable-3.0.yaml"
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path), "--package", "p"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["internal error: TypeError: unexpected (a bug in the generator; please report it)"]
