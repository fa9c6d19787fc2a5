"""Targets from pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_targets
from generator.errors import GeneratorError
from tests.conftest import REPO


def test_the_thymia_target_is_the_default() -> None:
    targets = load_targets(REPO)
    first = targets[0]
    assert first.name == "thymia"
    assert first.package == "thymia_client"
    assert first.out == REPO / "generated"
    assert first.specs[0].parent == REPO / "spec"
    assert first.resources == {"subpackage_mentalWellnessThymiaHelios": "mental_wellness"}


def test_targets_with_several_pages_and_name_overrides(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        """
[tool.generator]
default = "b"
[tool.generator.targets.a]
spec = "a.yaml"
[tool.generator.targets.b]
spec = ["one.md", "two.md"]
out = "src"
package = "b_client"
[tool.generator.targets.b.names.operations]
"GET /things" = "list_things"
"""
    )
    targets = load_targets(tmp_path)
    assert [t.name for t in targets] == ["b", "a"]
    b, a = targets
    assert b.specs == (tmp_path / "one.md", tmp_path / "two.md")
    assert b.package_dir == tmp_path / "src" / "b_client"
    assert b.operations == {"GET /things": "list_things"}
    assert a.package == "a" and a.out == tmp_path / "generated"


@pytest.mark.parametrize(
    "table",
    [
        '[tool.generator.targets.x]\nout = "o"\n',
        '[tool.generator.targets.x]\nspec = "s.yaml"\npackage = "not valid"\n',
        '[tool.generator.targets.x]\nspec = "s.yaml"\n[tool.generator.targets.x.names.resources]\ntag = "has space"\n',
    ],
)
def test_bad_configuration_is_a_usage_error(table: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(GeneratorError) as caught:
        load_targets(tmp_path)
    assert caught.value.exit_code == 2
    assert "tool.generator.targets.x" in str(caught.value)
