"""Where the shipped templates and runtime modules are: inside the installed package, or in a checkout."""

from __future__ import annotations

import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
RUNTIME = PACKAGE / "runtime"


@functools.cache
def templates() -> Path:
    """The built-in templates: `generator/templates` once installed (the wheel maps the repository's top-level
    `templates/` there), the top-level folder itself in a checkout."""
    installed = PACKAGE / "templates"
    return installed if installed.is_dir() else PACKAGE.parent / "templates"


SHIPPED: tuple[str, ...] = ("_serde.py",)


def runtime_modules() -> list[Path]:
    """The modules copied verbatim into every generated package, in a fixed order."""
    return [RUNTIME / name for name in SHIPPED]


def files(root: Path) -> list[Path]:
    """Every file under a folder, sorted, without caches."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
