"""Inputs → sha256 digests: the one fingerprint scheme, for manifests and cache keys alike. Cheap: no spec is
parsed and no heavy module imported, so an unchanged run can stop early."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import assets
from .config import Target

GENERATOR = Path(__file__).resolve().parent
# The output depends on these engines' exact versions: a changed pin must regenerate and miss the cache.
ENGINES = ("datamodel-code-generator", "black", "openapi-spec-validator")


def digest(*parts: str | bytes) -> str:
    """One sha256 over several parts, each length-prefixed so that no two lists of parts collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str | None:
    """The sha256 of a regular file's bytes, or None when there is none (missing, a folder, a symlink)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


@functools.cache
def code() -> str:
    """The generator itself: its modules, shipped templates and runtime, and the engines' versions. Everything
    cached or recorded depends on it, so any change to the generator is a new key."""
    sources = sorted(GENERATOR.rglob("*.py"))
    parts = [_files(sources, root=GENERATOR), _files(assets.files(assets.templates()), root=assets.templates())]
    for name in ENGINES:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return digest(*parts)


@dataclass(frozen=True)
class Inputs:
    """The digest of each kind of input, and one digest of them all (the manifest's `inputs`)."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        return digest(json.dumps(self.parts, sort_keys=True))


def inputs(target: Target, *, sources: Iterable[Path] = ()) -> Inputs:
    """Everything a run of `target` reads. `sources` are further spec files the document pulls in."""
    specs = [*target.specs, *sources]
    parts = {
        "spec": digest(*(file_digest(path) or "missing" for path in specs)),
        "config": digest(json.dumps(target.settings(), sort_keys=True)),
        "generator": code(),
    }
    if target.templates is not None:
        parts["templates"] = _files(assets.files(target.templates), root=target.templates)
    return Inputs(parts)


def _files(paths: Iterable[Path], *, root: Path) -> str:
    return digest(*(f"{path.relative_to(root).as_posix()} {file_digest(path) or 'missing'}" for path in paths))
