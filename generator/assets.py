"""Where the shipped templates and runtime modules are: inside the installed package, or in a checkout."""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import fail

PACKAGE = Path(__file__).resolve().parent
RUNTIME = PACKAGE / "runtime"


@functools.cache
def templates() -> Path:
    """The built-in templates: `generator/templates` once installed (the wheel maps the repository's top-level
    `templates/` there), the top-level folder itself in a checkout."""
    for folder in (PACKAGE / "templates", PACKAGE.parent / "templates"):
        if (folder / "package").is_dir():
            return folder
    # An installation without its templates would otherwise "succeed" by writing nothing.
    raise fail(str(PACKAGE / "templates"), None, "", "no package templates found: the installation is incomplete")


def runtime_modules() -> list[Path]:
    """The modules copied verbatim into every generated package (every module of `runtime/` but its own
    `__init__.py`), in a fixed order."""
    return sorted(p for p in RUNTIME.glob("*.py") if p.name != "__init__.py")


def files(root: Path) -> list[Path]:
    """Every file under a folder, sorted, without caches."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
