"""Whole-tree golden snapshots: the committed package and each feature spec, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import load_targets
from generator.format import LINE_LENGTH
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


def test_every_snapshot_and_the_committed_package_pass_black_check(tmp_path: Path) -> None:
    """The command-line `black --check`, pinned, in the generator's mode and with no configuration found around
    the files: the block-by-block formatter must leave what one black pass over each whole file leaves."""
    trees = [REPO / "generated", *(p for p in (REPO / "tests" / "snapshots").iterdir() if p.is_dir())]
    modules = [str(p) for tree in trees for p in sorted(tree.rglob("*.py"))]
    assert len(modules) > 4 * len(trees)
    empty = tmp_path / "black.toml"
    empty.write_text("", "utf-8")
    argv = [sys.executable, "-m", "black", "--check", "--config", str(empty)]
    argv += ["--line-length", str(LINE_LENGTH), "--target-version", "py310", *modules]
    env = {**os.environ, "BLACK_CACHE_DIR": str(tmp_path / "cache")}  # a cached "unchanged" would prove nothing
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
