"""Shared test paths and helpers."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SPECS = REPO / "tests" / "specs"
GENERATED = REPO / "generated"

# The committed package imports as `thymia_client`, like a vendored copy would.
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))
