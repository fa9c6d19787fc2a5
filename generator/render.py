"""IR → {path: text}: the package templates through one Jinja environment, plus the runtime modules copied
with the header; no disk writes."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import assets, encode, layout
from .config import Target
from .errors import fail
from .ir import Package

if TYPE_CHECKING:
    import jinja2


def environment(user_templates: Path | None = None) -> jinja2.Environment:
    """The one Jinja environment: a user's templates folder first, then the built-in one."""
    import jinja2  # imported here: an up-to-date run never renders

    folders = [str(p) for p in (user_templates, assets.templates()) if p is not None]
    # Templates receive encoded values only; StrictUndefined turns a misspelt name into an error, not "".
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["pyrepr"] = encode.string_literal
    env.filters["docstring"] = layout.docstring  # black's own layout, so black has nothing to redo
    return env


def verbatim(package: Package, files: dict[str, str]) -> frozenset[str]:
    """The files copied as they are (the runtime modules, with the header, unless a user's template replaced
    one): already in the house style."""
    found = set()
    for module in assets.runtime_modules():
        path = f"{package.name}/{module.name}"
        if files.get(path) == f"{package.header}\n{module.read_text('utf-8')}":
            found.add(path)
    return frozenset(found)


def laid_out(package: Package, target: Target) -> frozenset[str]:
    """The files written in black's layout (see layout.py): the client and models modules and the package's
    root, each unless a user's template replaced one that writes it."""
    mine = target.templates
    found = set()
    if mine is None or not (mine / "package/__init__.py.jinja2").exists():
        found.add(f"{package.name}/__init__.py")
    if mine is None or not any((mine / name).exists() for name in ("package/client.py.jinja2", "macros")):
        found.add(f"{package.name}/client.py")
    if mine is None or not any((mine / name).exists() for name in ("package/models.py.jinja2", "models")):
        found.add(f"{package.name}/models.py")
    return frozenset(found)


def prepare(target: Target) -> jinja2.Environment:
    """The target's environment with the templates `render` uses compiled (the package's, the macros they
    import, the distribution's when asked for): a tenth of a second taken while the model stage has the other
    core, not after it. Any other file in a user's templates folder is left alone, as `render` leaves it."""
    env = environment(target.templates)
    used = ("package/", "macros/", *(("distribution/",) if target.distribution else ()))
    with _located():
        for name in env.list_templates(filter_func=lambda n: n.startswith(used) and n.endswith(".jinja2")):
            env.get_template(name)
    return env


@contextmanager
def _located() -> Iterator[None]:
    """A template that does not compile or render (a user's, most often) is reported at its file and line."""
    import jinja2

    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise fail(exc.filename or exc.name or "<template>", exc.lineno, "", f"template: {exc.message}") from None
    except jinja2.TemplateError as exc:
        # Jinja gives a rendering template's frames its own file and line numbers: the innermost is the place.
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".jinja2")]
        file, line = (frames[-1].filename, frames[-1].lineno) if frames else ("<template>", None)
        raise fail(file, line, "", f"template: {exc.message or type(exc).__name__}") from None


def _package_templates(env: jinja2.Environment) -> list[str]:
    return sorted(n for n in env.list_templates() if n.startswith("package/") and n.endswith(".jinja2"))


def render(package: Package, *, target: Target, env: jinja2.Environment | None = None) -> dict[str, str]:
    """Every generated file, keyed by its path relative to the output folder; `env` is `prepare(target)`'s."""
    env = env or environment(target.templates)
    context: dict[str, Any] = {"pkg": package, "header": package.header}
    files: dict[str, str] = {}
    with _located():
        for name in _package_templates(env):
            path = f"{package.name}/{name.removeprefix('package/').removesuffix('.jinja2')}"
            files[path] = env.get_template(name).render(context)
        for module in assets.runtime_modules():
            files.setdefault(f"{package.name}/{module.name}", f"{package.header}\n{module.read_text('utf-8')}")
        if target.distribution:
            files["pyproject.toml"] = env.get_template("distribution/pyproject.toml.jinja2").render(context)
    if not any(path.endswith(".py") for path in files):
        # An installation without its templates would otherwise "succeed" by writing nothing.
        raise fail(str(assets.templates()), None, "", "no package templates found: the installation is incomplete")
    return files
