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


def test_a_templates_folder_overrides_package_and_model_templates(tmp_path: Path) -> None:
    """`templates = "..."`: `package/x.jinja2` and `models/x.jinja2` there replace the built-in ones of that name."""
    from generator.cli import main

    (tmp_path / "spec.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string}\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.generator.targets.t]\nspec = "spec.yaml"\npackage = "t_client"\ntemplates = "mine"\n'
    )
    builtin = REPO / "templates"
    (tmp_path / "mine" / "models").mkdir(parents=True)
    (tmp_path / "mine" / "package").mkdir(parents=True)
    model = (builtin / "models" / "dataclass.jinja2").read_text()
    marker = "    # overridden model template\n"
    head, sep, tail = model.partition('"_Model" }}):\n')
    assert sep, "the built-in dataclass template no longer ends its class line this way"
    (tmp_path / "mine" / "models" / "dataclass.jinja2").write_text(head + sep + marker + tail)
    readme = (builtin / "package" / "README.md.jinja2").read_text()
    (tmp_path / "mine" / "package" / "README.md.jinja2").write_text("Our own words.\n\n" + readme)

    assert main(["generate", "--root", str(tmp_path)]) == 0
    package = tmp_path / "generated" / "t_client"
    assert marker.strip() in (package / "models.py").read_text()
    assert (package / "README.md").read_text().startswith("Our own words.")


@pytest.mark.parametrize(
    ("template", "line", "says"),
    [
        ("x = 1\n{% if %}\n", 2, "Expected an expression"),  # does not compile
        ("x = 1\n\n{{ pkg.no_such_field }}\n", 3, "no attribute 'no_such_field'"),  # fails as it renders
        ("{% for x in pkg.header %}\n{{ x.y.z }}\n{% endfor %}\n", 2, "has no attribute 'y'"),
    ],
    ids=["syntax", "undefined", "nested"],
)
def test_a_broken_template_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, line: int, says: str
) -> None:
    """A user's template that does not compile or render: `file:line: #: template: ...`, exit 1, nothing
    written, and no "internal error"."""
    from generator.cli import main

    (tmp_path / "spec.yaml").write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.generator.targets.t]\nspec = "spec.yaml"\npackage = "t_client"\ntemplates = "mine"\n'
    )
    broken = tmp_path / "mine" / "package" / "errors.py.jinja2"
    broken.parent.mkdir(parents=True)
    broken.write_text(template)

    assert main(["generate", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:{line}: #: template: " in err and says in err
    assert "internal error" not in err
    assert not (tmp_path / "generated").exists()


@pytest.mark.parametrize(
    ("table", "where", "says"),
    [
        ('[tool.generator.targets.x]\nspec = "s.yaml"\ntemplate = "mine"\n', "targets.x.template", "'templates'"),
        ('[tool.generator.targets.x]\nspec = "s.yaml"\npackge = "p"\n', "targets.x.packge", "'package'"),
        (
            '[tool.generator.targets.x]\nspec = "s.yaml"\n[tool.generator.targets.x.names]\nresource = {}\n',
            "targets.x.names.resource",
            "'resources'",
        ),
        ('[tool.generator]\ndefualt = "x"\n[tool.generator.targets.x]\nspec = "s.yaml"\n', "defualt", "'default'"),
        ('[tool.generator]\ndefault = "y"\n[tool.generator.targets.x]\nspec = "s.yaml"\n', "default", "targets: x"),
    ],
    ids=["templates", "package", "names", "default-key", "default-target"],
)
def test_a_setting_the_generator_would_ignore_is_refused(table: str, where: str, says: str, tmp_path: Path) -> None:
    """A misspelt key, or a default naming no target, stops the run where it stands, instead of a run that
    quietly goes on without it."""
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(GeneratorError) as caught:
        load_targets(tmp_path)
    assert caught.value.exit_code == 2
    message = str(caught.value)
    assert f"tool.generator.{where}" in message and says in message, message


def test_every_documented_setting_is_taken(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.generator]\ndefault = "x"\n[tool.generator.targets.x]\nspec = "s.yaml"\nout = "o"\npackage = "p"\n'
        'client = "C"\ntemplates = "t"\n[tool.generator.targets.x.names]\nresources = {}\noperations = {}\n'
        "models = {}\n[tool.generator.targets.x.pagination]\n"
    )
    (target,) = load_targets(tmp_path)
    assert (target.package, target.client_name, target.templates) == ("p", "C", tmp_path / "t")
