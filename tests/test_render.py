"""The one Jinja environment (render.py): its templates compiled ahead, while the model stage runs."""

from __future__ import annotations

import jinja2
import pytest

from generator import config, pipeline, render
from tests.conftest import REPO


def test_the_templates_a_run_renders_are_compiled_before_it_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """`render.prepare` compiles the package templates and the macros they import while the model stage runs:
    rendering afterwards compiles nothing (the first render used to compile the macros, 27 ms on Thymia)."""

    target = config.with_flags(
        config.ad_hoc((REPO / "tests" / "specs" / "client-features.yaml",), out=REPO / "unused", package="pkg"),
        cache=False,
    )
    package = pipeline.run(target).package
    assert package is not None
    env = render.prepare(target)

    def compiles(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled while rendering")

    monkeypatch.setattr(jinja2.Environment, "compile", compiles)
    files = render.render(package, target=target, env=env)
    assert "pkg/client.py" in files
