"""Target → input fingerprint (spec, templates, config, generator): cheap, so an unchanged run can stop early."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .config import Target
from .write import file_digest, read_manifest, safe_relative

GENERATOR = Path(__file__).resolve().parent
TEMPLATES = GENERATOR.parent / "templates"
# The output depends on these engines' exact versions; a changed pin must regenerate.
ENGINES = ("datamodel-code-generator", "black")


@dataclass(frozen=True)
class Inputs:
    """The sha256 of each kind of input, and one digest of them all (the manifest's `inputs`)."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        return _sha(json.dumps(self.parts, sort_keys=True).encode())


def fingerprint(target: Target) -> Inputs:
    """Hash everything a run reads; no spec is parsed and no heavy module is imported."""
    return Inputs(
        {
            "spec": _files(target.specs, label=lambda i, _: str(i)),
            "templates": _files(sorted(p for p in TEMPLATES.rglob("*") if p.is_file()), label=_relative(TEMPLATES)),
            "config": _sha(json.dumps(_settings(target), sort_keys=True).encode()),
            "generator": _generator(),
        }
    )


def up_to_date(target: Target, inputs: Inputs) -> bool:
    """True when the manifest was written from these very inputs and every file it lists is still as written."""
    manifest = read_manifest(target.out, target.package)
    if manifest.inputs != inputs.digest or not manifest.files:
        return False
    try:
        return all(file_digest(safe_relative(target.out, path)) == sha for path, sha in manifest.files.items())
    except Exception:
        return False


def _settings(target: Target) -> dict[str, object]:
    # Paths are left out on purpose: they do not change the output, and the committed manifest must not
    # depend on where the checkout lives.
    return {
        "name": target.name,
        "package": target.package,
        "client": target.client_name,
        "resources": dict(target.resources),
        "operations": dict(target.operations),
        "validate": target.validate,
        "distribution": target.distribution,
    }


def _generator() -> str:
    sources = sorted(GENERATOR.glob("*.py"))
    engines = []
    for name in ENGINES:
        try:
            engines.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            engines.append(f"{name} missing")
    return _sha("\n".join([*engines, _files(sources, label=_relative(GENERATOR))]).encode())


def _relative(root: Path) -> Callable[[int, Path], str]:
    return lambda _index, path: path.relative_to(root).as_posix()


def _files(paths: Iterable[Path], *, label: Callable[[int, Path], str]) -> str:
    lines = []
    for index, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"  # unreadable: the run itself reports it; here it only has to differ
        lines.append(f"{label(index, path)} {_sha(data)}")
    return _sha("\n".join(lines).encode())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
