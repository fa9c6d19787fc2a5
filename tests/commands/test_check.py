"""`python -m generator check`: 0 when the output is exactly what the spec produces; otherwise 1, a diff naming
each file, and the one command that fixes it."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "tests" / "specs" / "diff" / "base.yaml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("generated")
    shutil.copy(BASE, project / "spec.yaml")
    assert main(_args("generate", project)) == 0
    return project


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(generated, copy)
    return copy


def _args(command: str, project: Path) -> list[str]:
    return [command, "--spec", str(project / "spec.yaml"), "--out", str(project / "out"), "--package", "petstore"]


def _check(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(_args("check", project))
    return code, capsys.readouterr().out


def _fix(report: str, project: Path) -> None:
    """Run the report's fix line, as a user would paste it, and expect a clean check afterwards."""
    fix = next(line for line in report.splitlines() if line.startswith("fix: "))[5:]
    fix = fix.replace("python -m generator", f"{shlex.quote(sys.executable)} -m generator")
    subprocess.run(fix, shell=True, cwd=ROOT, check=True, capture_output=True)
    assert main(_args("check", project)) == 0


def test_a_clean_tree_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(project, capsys) == (0, "")


def test_pycache_left_by_imports_is_not_drift(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = project / "out" / "petstore" / "__pycache__"
    cache.mkdir()
    (cache / "client.cpython-311.pyc").write_bytes(b"\0")
    assert _check(project, capsys) == (0, "")


def test_a_hand_edited_file_fails_with_a_diff(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = project / "out" / "petstore" / "client.py"
    original = client.read_text("utf-8")
    assert "class Pets(SyncResource):" in original
    client.write_text(original.replace("class Pets(SyncResource):", "class Pets(SyncResource):  # mine"), "utf-8")
    code, report = _check(project, capsys)
    assert code == 1
    assert f"hand-edited: {client}" in report
    assert f"--- {client} (on disk)" in report and f"+++ {client} (from the spec)" in report
    assert "-class Pets(SyncResource):  # mine" in report and "+class Pets(SyncResource):" in report
    assert report.splitlines()[-1].startswith("fix: python -m generator generate --spec ")
    _fix(report, project)


def test_a_missing_file_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    errors = project / "out" / "petstore" / "errors.py"
    errors.unlink()
    code, report = _check(project, capsys)
    assert code == 1 and f"missing: {errors}" in report
    _fix(report, project)


def test_an_extra_file_fails_and_the_fix_deletes_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = project / "out" / "petstore" / "helpers.py"
    extra.write_text("X = 1\n", "utf-8")
    code, report = _check(project, capsys)
    assert code == 1 and f"extra: {extra}" in report
    assert f"fix: rm -- {extra} && python -m generator generate" in report
    _fix(report, project)
    assert not extra.exists()


def test_a_stale_file_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "out"
    stale = out / "petstore" / "legacy.py"
    stale.write_text("# once generated\n", "utf-8")
    manifest_path = out / ".petstore.manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    # As an earlier run, from other inputs, that produced legacy.py would have recorded it.
    manifest["inputs"] = "0" * 64
    manifest["files"]["petstore/legacy.py"] = hashlib.sha256(stale.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    code, report = _check(project, capsys)
    assert code == 1 and f"stale: {stale}" in report and "`generate` removes it" in report
    _fix(report, project)
    assert not stale.exists()


def test_a_changed_spec_fails_until_regenerated(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = project / "spec.yaml"
    spec.write_text(spec.read_text("utf-8").replace("A pet in the store.", "A pet, for sale."), "utf-8")
    code, report = _check(project, capsys)
    models = project / "out" / "petstore" / "models.py"
    assert code == 1 and f"changed: {models}" in report
    assert any(line.startswith("+") and "A pet, for sale." in line for line in report.splitlines())
    _fix(report, project)


def test_check_as_a_command(generated: Path) -> None:
    """Exactly what CI and the pre-commit hook run: a process, its exit code and its streams."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", *_args("check", generated)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "" and "up to date" in done.stderr


def test_the_pre_commit_hooks_and_the_ci_example_run_the_installed_tool() -> None:
    """Another repository adopts them as written: pre-commit installs this one (`language: python`) and runs the
    console script it declares; nothing depends on this checkout's environment."""
    import tomllib

    import yaml

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert hooks["openapi-pygen-check"]["entry"].split() == ["openapi-pygen", "check"]
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["entry"].split()[0] in scripts
    workflow = yaml.safe_load((ROOT / "docs" / "ci-example.yml").read_text("utf-8"))
    steps = [step.get("run", "") for step in workflow["jobs"]["drift"]["steps"]]
    assert any(run.startswith("python -m pip install") for run in steps)
    assert "openapi-pygen check --full" in steps


def test_an_unchanged_tree_is_answered_from_the_manifest(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.pipeline

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path rendered the package")

    monkeypatch.setattr(generator.pipeline, "run", no_render)
    assert main(_args("check", project)) == 0
    assert "as the manifest records" in capsys.readouterr().err


def test_full_renders_even_when_the_manifest_says_unchanged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A file edited and its manifest entry forged to match: only a full check can see it.
    manifest_file = project / "out" / ".petstore.manifest.json"
    manifest = json.loads(manifest_file.read_text())
    target = project / "out" / "petstore" / "models.py"
    target.write_text(target.read_text() + "\n# sneaked in\n")
    manifest["files"]["petstore/models.py"] = hashlib.sha256(target.read_bytes()).hexdigest()
    manifest_file.write_text(json.dumps(manifest))
    assert main(_args("check", project)) == 0
    capsys.readouterr()
    assert main([*_args("check", project), "--full"]) == 1
    assert "models.py" in capsys.readouterr().out


def test_an_edit_to_a_file_the_spec_references_is_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The manifest records every file a multi-file spec pulls in; the fast path sees an edit to any of them."""
    api = tmp_path / "api"
    shutil.copytree(ROOT / "tests" / "specs" / "multifile", api)
    args = ["--spec", str(api / "openapi.yaml"), "--out", str(tmp_path / "out"), "--package", "pets"]
    assert main(["generate", *args]) == 0
    assert main(["check", *args]) == 0
    assert "as the manifest records" in capsys.readouterr().err  # answered without rendering
    pet = api / "schemas" / "pet.yaml"
    pet.write_text(pet.read_text("utf-8").replace("A pet in the store.", "A pet, for sale."), "utf-8")
    assert main(["check", *args]) == 1
    report = capsys.readouterr().out
    models = tmp_path / "out" / "pets" / "models.py"
    assert f"changed: {models}\n" in report and '+    """A pet, for sale."""' in report
    assert main(["generate", *args]) == 0
    assert main(["check", *args]) == 0
