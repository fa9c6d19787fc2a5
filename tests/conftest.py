"""Shared test paths and helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SPECS = REPO / "tests" / "specs"
GENERATED = REPO / "generated"

# The committed package imports as `thymia_client`, like a vendored copy would.
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _test_cache(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator cache of this test session, never the user's: tests share what they format and validate,
    as runs on one machine do. Tests of the cache itself point it elsewhere."""
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(session_cache))
