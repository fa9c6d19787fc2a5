"""pyproject.toml `[tool.generator]` + command-line flags → frozen targets."""

from __future__ import annotations

import json
import keyword
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import names
from .errors import EXIT_USAGE, Diagnostic, GeneratorError

# The modules outside the standard library that a generated package imports, or that httpx imports for it: a
# package of the same name, found first on sys.path, would shadow them. Directly: httpx, and typing_extensions (for
# type checkers, in client.py). Through httpx: its dependencies and theirs (exceptiongroup and typing_extensions
# on older Pythons), the decoders and command-line modules it tries to import as it is imported, and the modules
# an http2 or SOCKS (ALL_PROXY) connection makes httpcore import. tests/test_config.py scans the runtime, the
# templates and a generated package, and imports one, so that this list cannot fall behind what they import.
_THIRD_PARTY = frozenset(
    {
        *("httpx", "typing_extensions"),
        *("httpcore", "h11", "anyio", "sniffio", "certifi", "idna", "exceptiongroup"),
        *("brotli", "brotlicffi", "zstandard", "click", "rich", "pygments"),
        *("h2", "socksio"),
    }
)


@dataclass(frozen=True)
class Target:
    """One generated package: where its spec is, where it goes, and what the maintainer overrides."""

    name: str
    specs: tuple[Path, ...]
    out: Path
    package: str
    client_name: str = ""
    resources: Mapping[str, str] = field(default_factory=dict)  # tag → resource attribute
    operations: Mapping[str, str] = field(default_factory=dict)  # operationId or "METHOD /path" → method
    models: Mapping[str, str] = field(default_factory=dict)  # schema pointer or generated name → class name
    pagination: Mapping[str, Any] = field(default_factory=dict)  # operation → pager table, or false to switch off
    templates: Path | None = None  # searched before the built-in templates
    validate: bool = True
    distribution: bool = False
    force: bool = False  # take over files the generator did not write
    best_guess: bool = False  # recover flattened pages by their most probable reading, each choice reported
    cache: bool = True  # the user cache (validation, model engine, formatting); never changes the output

    @property
    def package_dir(self) -> Path:
        return self.out / self.package

    def settings(self) -> dict[str, Any]:
        """What of the target shapes the output. Paths are left out: the committed manifest must not depend on
        where the checkout lives."""
        return {
            "name": self.name,
            "package": self.package,
            "client": self.client_name,
            "resources": dict(self.resources),
            "operations": dict(self.operations),
            "models": dict(self.models),
            "pagination": _plain(self.pagination),
            "validate": self.validate,
            "distribution": self.distribution,
            "best_guess": self.best_guess,
        }


def load_targets(root: Path) -> tuple[Target, ...]:
    """Targets from `root/pyproject.toml`, the default first; a project without one has none."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return ()
    import tomllib  # imported here: a run given --spec reads no configuration, and an up-to-date run is short

    try:
        table = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("generator", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(str(pyproject), "tool.generator", f"cannot read the configuration: {exc}") from None
    if not isinstance(table, dict):
        raise _bad(str(pyproject), "tool.generator", "must be a table")
    _known(pyproject, "tool.generator", table, _SETTINGS)
    raw_targets = table.get("targets") or {}
    if not isinstance(raw_targets, dict):
        raise _bad(str(pyproject), "tool.generator.targets", "must be a table of targets")
    targets = [_target(pyproject, root, str(name), raw) for name, raw in raw_targets.items()]
    default = table.get("default")
    if default is not None and default not in raw_targets:
        known = ", ".join(sorted(raw_targets)) or "none"
        raise _bad(str(pyproject), "tool.generator.default", f"names no target {default!r} (targets: {known})")
    targets.sort(key=lambda t: t.name != default)
    return tuple(targets)


# The keys each table takes. Any other is refused: a misspelt `templates` or `package` would otherwise be
# ignored, and the run would go on without it.
_SETTINGS = ("default", "targets")
_TARGET_KEYS = ("spec", "out", "package", "client", "names", "templates", "pagination")
_NAME_KEYS = ("resources", "operations", "models")


def _known(pyproject: Path, where: str, table: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in table:
        if key not in keys:
            import difflib

            close = difflib.get_close_matches(str(key), keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (it takes {', '.join(keys)})"
            raise _bad(str(pyproject), f"{where}.{key}", f"unknown setting{hint}")


def package_problem(package: str) -> str | None:
    """Why `package` cannot name a generated package, or None. Digits are fine (`stripe_v3`); a keyword is not
    an importable name, a non-ASCII one not portable, and a module the package itself imports would be shadowed
    by it."""
    if not package.isidentifier():
        return f"{package!r} is not a valid Python package name"
    if not package.isascii():
        # Python would import it, but file systems, wheels and packaging tools do not all take non-ASCII names.
        return f"{package!r} is not a valid package name: use ASCII letters, digits and underscores only"
    if keyword.iskeyword(package):
        return f"{package!r} is a Python keyword"
    if package in sys.stdlib_module_names or package in _THIRD_PARTY:
        return f"{package!r} would shadow the module of that name, which the generated package imports"
    if len(package) > 4 and package.startswith("__") and package.endswith("__"):
        # Python and its tools give these names a meaning: `__main__` is the running script and never a package,
        # `__pycache__` a folder of bytecode that `check` and packaging skip as a whole.
        return f"{package!r} is a name Python reserves (a dunder name): choose another package name"
    return None


def _target(pyproject: Path, root: Path, name: str, raw: Any) -> Target:
    where = f"tool.generator.targets.{name}"

    def bad(message: str, at: str = "") -> GeneratorError:
        return _bad(str(pyproject), where + at, message)

    if not isinstance(raw, dict):
        raise bad("a target must be a table")
    _known(pyproject, where, raw, _TARGET_KEYS)
    specs = raw.get("spec")
    specs = [specs] if isinstance(specs, str) else specs
    if not specs or not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        raise bad("`spec` must name a spec file or a list of them", ".spec")
    package = raw.get("package") or names.package_name(name)
    if not isinstance(package, str):
        raise bad("`package` must be a string", ".package")
    problem = package_problem(package)
    if problem:
        raise bad(problem, ".package")
    table = raw.get("names") or {}
    if not isinstance(table, dict):
        raise bad("`names` must be a table", ".names")
    _known(pyproject, where + ".names", table, _NAME_KEYS)
    templates = raw.get("templates")
    if templates is not None and not isinstance(templates, str):
        raise bad("`templates` must name a folder", ".templates")
    pagination = raw.get("pagination") or {}
    if not isinstance(pagination, dict) or not all(isinstance(v, (dict, bool)) for v in pagination.values()):
        raise bad("`pagination` maps operations to a pager table, or to false", ".pagination")
    return Target(
        name=name,
        specs=tuple(root / s for s in specs),
        out=root / str(raw.get("out", "generated")),
        package=package,
        client_name=str(raw.get("client") or ""),
        resources=_identifiers(table.get("resources"), "an attribute", lambda m, at: bad(m, ".names.resources" + at)),
        operations=_identifiers(table.get("operations"), "a method", lambda m, at: bad(m, ".names.operations" + at)),
        models=_identifiers(table.get("models"), "a class", lambda m, at: bad(m, ".names.models" + at)),
        pagination=pagination,
        templates=root / templates if templates else None,
    )


def _identifiers(value: Any, kind: str, bad: Callable[[str, str], GeneratorError]) -> dict[str, str]:
    """The overrides of one `names` table; each value a name `kind` (a method, an attribute, a class) can take
    in the generated code, or the run stops at its key."""
    value = value or {}
    if not isinstance(value, dict):
        raise bad("name overrides must map spec names to Python identifiers", "")
    for key, name in value.items():
        at = "." + _toml_key(str(key))
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise bad(f"{name!r} is not a Python identifier: name overrides map spec names to identifiers", at)
        if name.startswith("__"):
            # Generated names are kept off the names a class or module uses (`close` → `close_`), but an override
            # is written as given: a dunder would replace what Python itself calls (`__init__`, `__class__`,
            # a module's `__getattr__`), and any other leading `__` is mangled to `_Class__name` inside a class.
            raise bad(f"{name!r} cannot name {kind}: a name starting with '__' is special to Python", at)
    return {str(k): v for k, v in value.items()}


def _toml_key(key: str) -> str:
    """A key as TOML spells it in a dotted path: bare when it can be, quoted otherwise (`"GET /pets"`)."""
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return json.dumps(key)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _bad(file: str, where: str, message: str) -> GeneratorError:
    return GeneratorError([Diagnostic(file, None, where, message)], exit_code=EXIT_USAGE)


def ad_hoc(spec: Sequence[Path], *, out: Path, package: str) -> Target:
    """A target from the command line alone."""
    return Target(name=package, specs=tuple(spec), out=out, package=package)


def with_flags(target: Target, **flags: Any) -> Target:
    """The target with command-line flags applied (validate, distribution, force, best_guess, cache)."""
    return replace(target, **flags)
