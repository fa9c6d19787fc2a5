"""Whole-tree golden snapshots: the committed package and each feature spec, byte for byte."""

from __future__ import annotations

import pytest

from generator.config import load_targets
from generator.pipeline import run
from tests.conftest import REPO
from tests.snapshots import CASES, golden_files, render_case


@pytest.mark.parametrize("case", sorted(CASES))
def test_feature_spec_matches_its_golden_tree(case: str) -> None:
    rendered = render_case(case)
    golden = golden_files(case)
    assert sorted(rendered) == sorted(golden), "files added or removed: run `make snapshots` and review"
    for path, text in rendered.items():
        assert text == golden[path], f"{case}/{path} differs from its snapshot: run `make snapshots` and review"


def test_committed_package_is_what_the_spec_produces() -> None:
    target = load_targets(REPO)[0]
    rendered = run(target)
    for path, text in rendered.files.items():
        on_disk = (target.out / path).read_text("utf-8")
        assert on_disk == text, f"generated/{path} is stale: run `make generate`"
