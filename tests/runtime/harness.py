"""Assembles the example package the runtime tests import: the shipped runtime modules, the serialiser (the
real one once it exists, else the stand-in beside this file) and the hand-written example client."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RUNTIME = REPO / "generator" / "runtime"
EXAMPLE = HERE / "example"
PACKAGE = "example_api"


def build_package(root: Path) -> Path:
    """`root/example_api/`, ready to import with `root` on sys.path; returns the package folder."""
    package = root / PACKAGE
    package.mkdir(parents=True)
    # RUNTIME_TESTS_STUB_SERDE=1 runs the suite on the stand-in even when the real serialiser exists.
    stub = os.environ.get("RUNTIME_TESTS_STUB_SERDE") == "1"
    for module in sorted(RUNTIME.glob("*.py")):
        if module.name != "__init__.py" and not (stub and module.name == "_serde.py"):
            shutil.copyfile(module, package / module.name)
    if not (package / "_serde.py").exists():
        shutil.copyfile(HERE / "stub_serde.py", package / "_serde.py")
    for module in sorted(EXAMPLE.glob("*.py")):
        shutil.copyfile(module, package / module.name)
    (package / "py.typed").write_text("")
    return package
