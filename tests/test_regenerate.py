"""Incremental `generate`: a no-op when nothing changed, minimal rewrites when something did, and only owned
files ever removed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "specs" / "diff" / "base.yaml"
HEAVY = ("datamodel_code_generator", "black", "jinja2", "openapi_spec_validator", "yaml")
# The generator's own stages and commands, which an up-to-date run skips too: importing them would take longer
# than the answer (`python -X importtime -m generator generate`).
STAGES = ("models", "build", "render", "format", "spec", "recover", "commands", "ir", "encode")


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the spec generated once; each test works on its own copy."""
    project = tmp_path_factory.mktemp("first")
    shutil.copy(BASE, project / "spec.yaml")
    assert _generate(project) == 0
    return project


@pytest.fixture
def project(first: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(first, copy)  # copy2 keeps the mtimes, so "unchanged" still means unchanged
    return copy


def _generate(project: Path, *extra: str) -> int:
    out = project / "out"
    return main(["generate", "--spec", str(project / "spec.yaml"), "--out", str(out), "--package", "petstore", *extra])


def _state(project: Path) -> dict[str, tuple[int, int]]:
    """path → (inode, mtime in ns) of every file under the output folder."""
    out = project / "out"
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()
    }


def _texts(project: Path) -> dict[str, str]:
    out = project / "out"
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*") if p.is_file()}


def test_the_manifest_records_inputs_and_outputs(first: Path) -> None:
    manifest = json.loads((first / "out" / ".petstore.manifest.json").read_text("utf-8"))
    assert set(manifest["sources"]) == {"spec", "config", "generator"}
    assert len(manifest["inputs"]) == 64
    assert "petstore/models.py" in manifest["files"] and "petstore/client.py" in manifest["files"]


def test_an_unchanged_run_touches_nothing_and_stays_light(project: Path) -> None:
    before = _state(project)
    script = textwrap.dedent(
        f"""
        import sys, time
        from generator.cli import main
        start = time.perf_counter()
        code = main(["generate", "--spec", {str(project / "spec.yaml")!r}, "--out", {str(project / "out")!r},
                     "--package", "petstore"])
        elapsed = time.perf_counter() - start
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
        heavy += sorted(m for m in sys.modules if m.split(".")[:2] in [["generator", s] for s in {STAGES!r}])
        heavy += sorted(m for m in ("ctypes", "importlib.metadata", "multiprocessing") if m in sys.modules)
        print(code, elapsed, heavy)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    code, _elapsed, heavy = done.stdout.split(" ", 2)
    assert code == "0"
    assert heavy.strip() == "[]", "an up-to-date run must not import the heavy stages"
    assert "up to date" in done.stderr
    assert _state(project) == before


def test_a_hand_edited_file_is_regenerated(project: Path) -> None:
    client = project / "out" / "petstore" / "client.py"
    original = client.read_text("utf-8")
    client.write_text(original + "# edited\n", "utf-8")
    assert _generate(project) == 0
    assert client.read_text("utf-8") == original


def test_a_description_change_rewrites_only_the_files_that_change(project: Path) -> None:
    before_state, before_text = _state(project), _texts(project)
    spec = project / "spec.yaml"
    spec.write_text(spec.read_text("utf-8").replace("A pet in the store.", "A pet, for sale."), "utf-8")
    assert _generate(project) == 0
    after_state, after_text = _state(project), _texts(project)
    changed = {p for p in after_text if after_text[p] != before_text.get(p)}
    rewritten = {p for p in after_state if after_state[p] != before_state.get(p)}
    assert "petstore/models.py" in changed
    assert "petstore/py.typed" not in rewritten
    # Only files whose bytes differ were written (plus the manifest, which records the new inputs) ...
    assert rewritten == changed
    assert ".petstore.manifest.json" in changed
    # ... and each of them differs only where it mentions the description, or (the package root alone) the
    # spec's digest.
    for path in changed - {".petstore.manifest.json"}:
        old_lines, new_lines = before_text[path].splitlines(), after_text[path].splitlines()
        differing = [new for old, new in zip(old_lines, new_lines, strict=True) if old != new]
        assert differing, path
        digest_line = path == "petstore/__init__.py"
        assert all("A pet, for sale." in line or (digest_line and "sha256" in line) for line in differing), path


def test_a_schema_edit_leaves_the_runtime_and_unrelated_modules_alone(project: Path) -> None:
    """The spec's digest is named once, in the package root: the runtime modules (the same text for every spec
    of a title) keep their bytes, inode and mtime through any edit that does not change them."""
    from generator import assets

    before = _state(project)
    spec = project / "spec.yaml"
    text = spec.read_text("utf-8")
    digest_before = hashlib.sha256(spec.read_bytes()).hexdigest()
    assert digest_before in _texts(project)["petstore/__init__.py"]
    spec.write_text(text.replace("A pet in the store.", "A pet in the store, edited."), "utf-8")
    assert _generate(project) == 0
    after, texts = _state(project), _texts(project)
    rewritten = {p for p in after if after[p] != before.get(p)}
    assert {"petstore/models.py", "petstore/__init__.py", ".petstore.manifest.json"} <= rewritten
    runtime = {f"petstore/{module.name}" for module in assets.runtime_modules()}
    assert runtime and not runtime & rewritten
    digest = hashlib.sha256(spec.read_bytes()).hexdigest()
    assert [p for p, t in texts.items() if digest in t] == ["petstore/__init__.py"]


def test_a_file_no_longer_produced_is_removed_and_foreign_files_are_kept(project: Path) -> None:
    out = project / "out"
    assert _generate(project, "--distribution") == 0
    assert (out / "pyproject.toml").is_file()
    (out / "petstore" / "custom.py").write_text("# mine\n", "utf-8")
    (out / "notes.txt").write_text("mine\n", "utf-8")
    assert _generate(project) == 0
    assert not (out / "pyproject.toml").exists(), "an owned file the run no longer produces is removed"
    assert (out / "petstore" / "custom.py").read_text("utf-8") == "# mine\n"
    assert (out / "notes.txt").read_text("utf-8") == "mine\n"
    manifest = json.loads((out / ".petstore.manifest.json").read_text("utf-8"))
    assert "pyproject.toml" not in manifest["files"] and "petstore/custom.py" not in manifest["files"]


def test_an_edited_stale_file_is_kept(project: Path) -> None:
    out = project / "out"
    assert _generate(project, "--distribution") == 0
    (out / "pyproject.toml").write_text("# my edits\n", "utf-8")
    assert _generate(project) == 0
    assert (out / "pyproject.toml").read_text("utf-8") == "# my edits\n", "the generator keeps what it did not write"


def test_an_invalid_spec_keeps_the_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _state(project)
    (project / "spec.yaml").write_text("openapi: 3.0.3\npaths: [\n", "utf-8")
    assert _generate(project) == 1
    assert "spec.yaml:" in capsys.readouterr().err
    assert _state(project) == before
