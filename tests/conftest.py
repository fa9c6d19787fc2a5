"""Shared test paths and helpers."""

from __future__ import annotations

import sys

import pytest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SPECS = REPO / "tests" / "specs"
GENERATED = REPO / "generated"

# The committed package imports as `thymia_client`, like a vendored copy would.
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty generator cache of its own: no test reads what another (or the user) cached."""
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
