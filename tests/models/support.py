"""Models from a small spec written in the test: generated, formatted, importable."""

from __future__ import annotations

import importlib
import itertools
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from generator import assets
from generator.format import format_files
from generator.models import Models, generate_models

_ROOT = Path(tempfile.mkdtemp(prefix="models-tests-"))
_COUNTER = itertools.count()


def spec(
    schemas: dict[str, Any] | None = None, *, paths: dict[str, Any] | None = None, version: str = "3.1.0"
) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "T", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def models(document: dict[str, Any], **options: Any) -> Models:
    return generate_models(document, file="spec.yaml", **options)


def module(document: dict[str, Any], **options: Any) -> tuple[Models, ModuleType]:
    """The models and the imported models module (with the runtime beside it), in a fresh package."""
    result = models(document, **options)
    package = f"models_case_{next(_COUNTER)}"
    folder = _ROOT / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "_serde.py").write_text((assets.RUNTIME / "_serde.py").read_text("utf-8"))
    (folder / "models.py").write_text(format_files({"models.py": result.source}, source="spec.yaml")["models.py"])
    if str(_ROOT) not in sys.path:
        sys.path.insert(0, str(_ROOT))
    return result, importlib.import_module(f"{package}.models")


def folder_of(mod: ModuleType) -> Path:
    return Path(mod.__file__ or "").parent


def mypy_strict(mod: ModuleType) -> str:
    """`mypy --strict` over a generated models module: "" when clean, else its report."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", "models.py"],
        cwd=folder_of(mod),
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if done.returncode == 0 else done.stdout
