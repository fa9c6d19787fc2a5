"""The one Jinja environment (render.py): its templates compiled ahead, while the model stage runs."""

from __future__ import annotations

from pathlib import Path

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


def test_a_file_in_the_users_templates_that_no_package_template_uses_is_left_alone(tmp_path: Path) -> None:
    """Compiling ahead compiles what rendering uses, nothing more: a scratch file that does not compile, beside
    the user's templates, stops no run (as it never did)."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "scratch.jinja2").write_text("{% if %}\n", "utf-8")
    target = config.with_flags(
        config.ad_hoc((REPO / "tests" / "specs" / "client-features.yaml",), out=tmp_path / "out", package="pkg"),
        cache=False,
        templates=mine,
    )
    assert "pkg/client.py" in pipeline.run(target).files
