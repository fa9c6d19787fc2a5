"""The runtime modules are copied into packages without formatting: they must already be in the style black
gives every other generated file, or the generated package would not pass `black --check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import assets
from generator.format import is_formatted


@pytest.mark.parametrize("module", assets.runtime_modules(), ids=lambda p: p.name)
def test_each_runtime_module_is_in_the_generated_packages_style(module: Path) -> None:
    assert is_formatted(module.read_text("utf-8")), f"run black (line length 100) on {module}"
