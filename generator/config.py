"""pyproject.toml `[tool.generator]` + command-line flags → frozen Config of targets."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import names
from .errors import EXIT_USAGE, GeneratorError, fail


@dataclass(frozen=True)
class Target:
    """One generated package: where its spec is, where it goes, and the names it overrides."""

    name: str
    specs: tuple[Path, ...]
    out: Path
    package: str
    client_name: str = ""
    resources: Mapping[str, str] = field(default_factory=dict)  # tag → resource attribute
    operations: Mapping[str, str] = field(default_factory=dict)  # operationId or "METHOD /path" → method
    validate: bool = True
    distribution: bool = False
    cache: bool = True  # the user cache of validation results and formatted code; never changes the output

    @property
    def package_dir(self) -> Path:
        return self.out / self.package


@dataclass(frozen=True)
class Config:
    root: Path
    targets: tuple[Target, ...]
    pyproject: Path | None


def load_config(root: Path) -> Config:
    """Targets from `root/pyproject.toml`; a project without one has no configured targets."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return Config(root, (), None)
    try:
        table = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("generator", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise fail(str(pyproject), None, "tool.generator", f"cannot read the configuration: {exc}") from None
    targets = []
    for name, raw in (table.get("targets") or {}).items():
        targets.append(_target(pyproject, root, str(name), raw))
    default = table.get("default")
    targets.sort(key=lambda t: t.name != default)
    return Config(root, tuple(targets), pyproject)


def _target(pyproject: Path, root: Path, name: str, raw: Any) -> Target:
    where = f"tool.generator.targets.{name}"

    def bad(message: str) -> GeneratorError:
        return GeneratorError(fail(str(pyproject), None, where, message).diagnostics, exit_code=EXIT_USAGE)

    if not isinstance(raw, dict):
        raise bad("a target must be a table")
    specs = raw.get("spec")
    specs = [specs] if isinstance(specs, str) else specs
    if not specs or not all(isinstance(s, str) for s in specs):
        raise bad("`spec` must name a spec file or a list of them")
    package = str(raw.get("package") or names.package_name(name))
    if names.package_name(package) != package:
        raise bad(f"`package` {package!r} is not a valid Python package name")
    table = raw.get("names") or {}
    return Target(
        name=name,
        specs=tuple(root / s for s in specs),
        out=root / str(raw.get("out", "generated")),
        package=package,
        client_name=str(raw.get("client") or ""),
        resources=_strings(table.get("resources"), bad),
        operations=_strings(table.get("operations"), bad),
    )


def _strings(value: Any, bad: Any) -> dict[str, str]:
    value = value or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.isidentifier() for v in value.values()):
        raise bad("name overrides must map spec names to Python identifiers")
    return {str(k): v for k, v in value.items()}


def ad_hoc(spec: Sequence[Path], *, out: Path, package: str) -> Target:
    """A target from the command line alone."""
    return Target(name=package, specs=tuple(spec), out=out, package=package)


def with_flags(target: Target, *, validate: bool, distribution: bool, cache: bool = True) -> Target:
    return replace(target, validate=validate, distribution=distribution, cache=cache)
