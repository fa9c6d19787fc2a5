"""The installed tool: the wheel built from this repository, installed into a fresh virtual environment, run
from another folder, writes the same bytes as a run from the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from generator.config import ad_hoc
from generator.pipeline import run
from tests.conftest import REPO, SPECS

SPEC = SPECS / "client-features.yaml"
PACKAGE = "features_v2"  # digits in a package name are fine


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; the pinned engines come from this project's venv (a .pth file), so
    the test needs no network and the wheel alone decides what `generator` is."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for folder in ("generator", "templates"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = work / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), "."]
    subprocess.run(build, cwd=source, check=True, capture_output=True)
    (wheel,) = wheels.glob("openapi_pygen-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "project-engines.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    return venv


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("command", [("bin/openapi-pygen",), ("bin/python", "-m", "generator")])
def test_the_installed_tool_writes_what_the_repository_writes(
    installed: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    spec = tmp_path / "api.yaml"
    shutil.copy2(SPEC, spec)
    tool = [str(installed / command[0]), *command[1:]]
    done = _run(installed, *tool, "generate", "--spec", "api.yaml", "--out", "out", "--package", PACKAGE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    where = _run(
        installed, str(installed / "bin" / "python"), "-c", "import generator; print(generator.__file__)", cwd=tmp_path
    )
    assert str(installed) in where.stdout  # the wheel's copy, not this checkout
    expected = run(ad_hoc([spec], out=tmp_path / "out", package=PACKAGE)).files
    written = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_text("utf-8")
        for p in (tmp_path / "out").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert written == expected
    imported = _run(
        installed, str(installed / "bin" / "python"), "-c", f"import {PACKAGE}.client", cwd=tmp_path / "out"
    )
    assert imported.returncode == 0, imported.stderr


def test_a_run_that_would_write_no_module_is_an_error(installed: Path, tmp_path: Path) -> None:
    templates = tmp_path / "empty-templates"
    (templates / "package").mkdir(parents=True)
    generator_dir = Path(
        _run(
            installed,
            str(installed / "bin" / "python"),
            "-c",
            "import generator; print(generator.__file__)",
            cwd=tmp_path,
        ).stdout.strip()
    ).parent
    shutil.move(generator_dir / "templates", tmp_path / "moved")  # an installation that lost its templates
    try:
        spec = tmp_path / "api.yaml"
        shutil.copy2(SPEC, spec)
        done = _run(
            installed,
            str(installed / "bin" / "openapi-pygen"),
            "generate",
            "--spec",
            "api.yaml",
            "--out",
            "out",
            "--package",
            "pkg",
            cwd=tmp_path,
        )
    finally:
        shutil.move(tmp_path / "moved", generator_dir / "templates")
    assert done.returncode == 1
    assert "no package templates found" in done.stderr
    assert not (tmp_path / "out" / "pkg").exists()
