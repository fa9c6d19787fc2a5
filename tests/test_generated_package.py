"""The committed package: typed, exported, importable on its own."""

from __future__ import annotations

import ast
import subprocess
import sys

import thymia_client

from tests.conftest import GENERATED

PACKAGE = GENERATED / "thymia_client"


def test_mypy_strict_passes_on_generated() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "thymia_client"],
        cwd=GENERATED,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(thymia_client) if not name.startswith("_")}
    modules = {"client", "errors", "models"}
    assert set(thymia_client.__all__) == public - modules
    assert thymia_client.__all__ == sorted(thymia_client.__all__, key=str.lower)
    for name in thymia_client.__all__:
        assert getattr(thymia_client, name) is not None


def test_every_module_has_all_or_is_private() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        names = {
            t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
        }
        assert path.name.startswith("_") or path.name == "models.py" or "__all__" in names, path.name


def test_imports_stay_inside_the_package_or_httpx_or_stdlib() -> None:
    allowed_third_party = {"httpx"}
    stdlib = set(sys.stdlib_module_names)
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "typing_extensions":
                continue  # only under TYPE_CHECKING, for type checkers
            assert roots <= stdlib | allowed_third_party, f"{path.name}: {roots}"


def test_package_is_typed_and_imports_in_a_clean_interpreter() -> None:
    assert (PACKAGE / "py.typed").exists()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import thymia_client, sys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'pydantic', 'jinja2', 'yaml', 'black'}))",
        ],
        cwd=GENERATED,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
