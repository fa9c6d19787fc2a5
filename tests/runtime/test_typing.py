"""`mypy --strict` over the example package and a user script using every feature (on the oldest Python the
runtime supports, too); misuse must be rejected; and the script runs against the example app."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.conftest import Server
from tests.runtime.harness import HERE, build_package

MISUSE = """
from example_api import ExampleClient
c = ExampleClient()
c.items.get(item_id=3)
c.items.get(item_id="x", timeout="slow")
c.items.get(item_id="x", extra_bdy={})
c.items.with_raw_response.get(item_idd="x")
c.files.upload(file=("a", "text, not bytes"))
page = c.items.list()
page.items[0].nope
"""


def _mypy(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(folder / ".mypy"), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("typed")
    build_package(folder)
    shutil.copyfile(HERE / "user_script.py", folder / "user_script.py")
    (folder / "misuse.py").write_text(MISUSE)
    return folder


@pytest.mark.parametrize("version", ["3.10", "3.11"])
def test_mypy_strict_accepts_the_package_and_a_script_using_every_feature(checked: Path, version: str) -> None:
    result = _mypy(checked, "--python-version", version, "example_api", "user_script.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_mypy_strict_rejects_misuse(checked: Path) -> None:
    result = _mypy(checked, "misuse.py")
    lines = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in lines] == ["4", "5", "6", "7", "8", "10"], result.stdout


def test_user_script_runs_against_the_example_app(server: Server, tmp_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    try:
        import user_script
    finally:
        sys.path.remove(str(HERE))
    upload = tmp_path / "upload.txt"
    upload.write_bytes(b"hello")
    sync_seen, async_seen = user_script.main(server.url, upload)
    assert sync_seen[:23] == [f"item-{i:02d}" for i in range(23)]
    assert "two lines" in sync_seen and "farewell" in sync_seen
    assert sync_seen[-3:] == [str(3 * 1024 * 1024 + 17), "not_found", "MissingCredentialError"]
    assert async_seen[:23] == sync_seen[:23]
