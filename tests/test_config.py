"""Targets from pyproject.toml."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import load_targets, package_problem
from generator.errors import GeneratorError
from tests.conftest import GENERATED, REPO


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
    # The marker goes in as the first line of the class body, right after the template's class line.
    head, sep, tail = model.partition("\nclass {{ class_name }}(")
    assert sep, "the built-in dataclass template no longer starts its class line this way"
    line, newline, body = tail.partition("\n")
    assert line.endswith("):"), "the built-in dataclass template's class line no longer ends with '):'"
    (tmp_path / "mine" / "models" / "dataclass.jinja2").write_text(head + sep + line + newline + marker + body)
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


# --- package names --------------------------------------------------------------------------------------------


def _imported(source: str) -> set[str]:
    """The top-level modules a Python source imports absolutely (relative imports are the package's own)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found - {"__future__"}


def _template_imports() -> set[str]:
    """The modules the templates of Python files import by name (a name a template puts in comes from the IR: the
    standard-library modules hints name, which the generated package is scanned for)."""
    comment = re.compile(r"\{#.*?#\}", re.DOTALL)
    statement = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
    python = [
        p for p in (REPO / "templates").rglob("*.jinja2") if p.name.endswith(".py.jinja2") or p.suffixes == [".jinja2"]
    ]
    return {m for path in python for m in statement.findall(comment.sub("", path.read_text("utf-8")))}


def test_every_module_generated_code_imports_is_refused_as_a_package_name() -> None:
    sources = [*(REPO / "generator" / "runtime").glob("*.py"), *(REPO / "generated" / "thymia_client").glob("*.py")]
    imported = set().union(*(_imported(path.read_text("utf-8")) for path in sources)) | _template_imports()
    assert {"httpx", "typing_extensions", "json", "typing"} <= imported
    assert {name for name in imported if package_problem(name) is None} == set()


def test_every_module_loaded_with_a_generated_client_is_refused_as_a_package_name() -> None:
    """What importing the package and making its clients loads, httpx's dependencies and optional modules included,
    as far as this environment has them."""
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import thymia_client\n"
        "thymia_client.ThymiaClient(api_key='k', base_url='https://api.invalid').close()\n"
        "thymia_client.AsyncThymiaClient(api_key='k', base_url='https://api.invalid')\n"
        "print(' '.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=GENERATED, capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split()) - {"thymia_client"}
    assert "httpx" in loaded
    assert {name for name in loaded if package_problem(name) is None} == set()


@pytest.mark.parametrize("package", ["typing_extensions", "httpcore", "anyio", "json", "typing"])
def test_a_package_named_like_a_module_it_imports_is_a_usage_error(
    package: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import main

    argv = ["generate", "--spec", str(REPO / "spec" / "thymia.openapi.yaml"), "--out", str(tmp_path)]
    assert main([*argv, "--package", package]) == 2
    assert "would shadow the module of that name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_non_ascii_package_name_is_refused_saying_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    argv = ["generate", "--spec", str(REPO / "spec" / "thymia.openapi.yaml"), "--out", str(tmp_path)]
    assert main([*argv, "--package", "pkgé"]) == 2
    message = "'pkgé' is not a valid package name: use ASCII letters, digits and underscores only"
    assert capsys.readouterr().err == f"<command line>: #: --package: {message}\n"
    assert package_problem("stripe_v3") is None and package_problem("oauth2_client") is None


# --- names Python gives a meaning -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "key", "name", "kind"),
    [
        ("operations", "getPet", "__init__", "a method"),
        ("operations", '"GET /pets"', "__call__", "a method"),
        ("resources", "pets", "__class__", "an attribute"),
        ("resources", "pets", "__private", "an attribute"),
        ("models", "Pet", "__builtins__", "a class"),
    ],
)
def test_a_name_override_python_gives_a_meaning_is_refused_at_its_key(
    table: str, key: str, name: str, kind: str, tmp_path: Path
) -> None:
    """An override is written as given: `__init__` as a method broke the client's construction, and a name with
    a leading `__` is mangled inside its class."""
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.generator.targets.t]\nspec = "s.yaml"\n[tool.generator.targets.t.names.{table}]\n{key} = "{name}"\n'
    )
    with pytest.raises(GeneratorError) as caught:
        load_targets(tmp_path)
    assert caught.value.exit_code == 2
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.pointer == f"tool.generator.targets.t.names.{table}.{key}"
    assert diagnostic.message == f"{name!r} cannot name {kind}: a name starting with '__' is special to Python"


def test_a_name_override_that_is_not_an_identifier_is_refused_at_its_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.generator.targets.t]\nspec = "s.yaml"\n[tool.generator.targets.t.names.operations]\n'
        'ok = "fine"\nlistPets = "class"\n'
    )
    with pytest.raises(GeneratorError) as caught:
        load_targets(tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.pointer == "tool.generator.targets.t.names.operations.listPets"
    assert "'class' is not a Python identifier" in diagnostic.message


def test_private_and_trailing_underscore_overrides_are_kept(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.generator.targets.t]\nspec = "s.yaml"\n[tool.generator.targets.t.names.operations]\n'
        'a = "_internal"\nb = "list_"\nc = "x__y"\n'
    )
    (target,) = load_targets(tmp_path)
    assert target.operations == {"a": "_internal", "b": "list_", "c": "x__y"}


@pytest.mark.parametrize("package", ["__main__", "__pycache__", "__init__", "__future_client__"])
def test_a_dunder_package_name_is_a_usage_error(
    package: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`__main__` can never be imported as a package, and `check` skips a `__pycache__` folder whole."""
    from generator.cli import main

    argv = ["generate", "--spec", str(REPO / "spec" / "thymia.openapi.yaml"), "--out", str(tmp_path)]
    assert main([*argv, "--package", package]) == 2
    err = capsys.readouterr().err
    assert err == f"<command line>: #: --package: {package!r} is a name Python reserves (a dunder name): " + (
        "choose another package name\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert package_problem("__x") is None and package_problem("_client_") is None
