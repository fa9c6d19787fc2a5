"""Vendoring: the package generated anywhere under any name, imported and called from another project;
`--distribution` makes it pip-installable; its one runtime dependency is httpx."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "specs" / "diff" / "base.yaml"

# Drives the vendored client against httpx.MockTransport: a request on the wire, a typed answer back.
CALL = textwrap.dedent(
    """
    import json, sys
    import httpx
    from {module} import PetStoreClient
    from {module}.models import Pet, Status

    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = [{{"id": 1, "name": "Rex", "status": "available"}}]
        return httpx.Response(200, json=body)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = PetStoreClient(api_key="secret", http_client=http)
        pets = client.pets.list_pets(limit=5)
    assert pets == [Pet(id=1, name="Rex", status=Status.AVAILABLE)], pets
    request = seen[0]
    assert str(request.url) == "https://pets.example.com/v1/pets?limit=5", request.url
    assert request.headers["X-API-Key"] == "secret"
    assert not [m for m in sys.modules if m.split(".")[0] in ("generator", "petstore")]
    print("ok")
    """
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another project, with the client vendored inside its own package as acme._vendor.petclient."""
    project = tmp_path_factory.mktemp("app")
    vendor = project / "src" / "acme" / "_vendor"
    vendor.mkdir(parents=True)
    (project / "src" / "acme" / "__init__.py").write_text("", "utf-8")
    (vendor / "__init__.py").write_text("", "utf-8")
    assert main(["generate", "--spec", str(BASE), "--out", str(vendor), "--package", "petclient"]) == 0
    return project


def _run(script: str, *, cwd: Path, path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(path)}
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_vendored_package_is_imported_and_called_under_its_new_name(app: Path) -> None:
    done = _run(CALL.format(module="acme._vendor.petclient"), cwd=app, path=app / "src")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_vendored_tree_holds_the_package_and_leaves_the_host_alone(app: Path) -> None:
    vendor = app / "src" / "acme" / "_vendor"
    assert (vendor / "petclient" / "py.typed").is_file()
    assert (vendor / "__init__.py").read_text("utf-8") == ""
    assert not (vendor / "pyproject.toml").exists(), "no distribution files unless asked"


def _runtime_imports(package: Path) -> set[str]:
    """Top-level modules the package imports at run time (type-checking-only imports left out)."""
    found: set[str] = set()
    for file in package.glob("*.py"):
        tree = ast.parse(file.read_text("utf-8"))
        checking = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in checking:
                continue
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                found.add("." if node.level else str(node.module).split(".")[0])
    return found


def test_relative_imports_only_and_httpx_is_the_only_dependency(app: Path) -> None:
    imports = _runtime_imports(app / "src" / "acme" / "_vendor" / "petclient")
    third_party = {name for name in imports - {"."} if name not in sys.stdlib_module_names and name != "__future__"}
    assert third_party == {"httpx"}
    assert "petclient" not in imports and "acme" not in imports, "the package must not import itself by name"


def test_distribution_is_pip_installable(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert (
        main(["generate", "--spec", str(BASE), "--out", str(out), "--package", "petstore_sdk", "--distribution"]) == 0
    )
    project = tomllib.loads((out / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["name"] == "petstore-sdk"
    assert project["project"]["dependencies"] == ["httpx>=0.27,<1"]
    assert project["tool"]["setuptools"]["packages"] == ["petstore_sdk"]
    target = tmp_path / "site"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(out)],
        capture_output=True,
        text=True,
    )
    if pip.returncode != 0 and ("Could not find a version" in pip.stderr or "NewConnectionError" in pip.stderr):
        pytest.skip("pip cannot fetch the build backend (no package index reachable)")
    assert pip.returncode == 0, pip.stderr
    assert (target / "petstore_sdk" / "py.typed").is_file()
    done = _run(CALL.format(module="petstore_sdk"), cwd=tmp_path, path=target)
    assert done.returncode == 0, done.stderr
