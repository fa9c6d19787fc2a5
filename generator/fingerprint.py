"""Inputs → sha256 digests: the one fingerprint scheme, for manifests and cache keys alike. Cheap: no spec is
parsed and no heavy module imported, so an unchanged run can stop early."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import assets
from .config import Target

GENERATOR = Path(__file__).resolve().parent
# The output depends on these engines' exact versions: a changed pin must regenerate and miss the cache.
ENGINES = ("datamodel-code-generator", "black", "openapi-spec-validator", "jsonschema-rs")
# An `Inputs` part (and so a manifest `sources` key) for one further file the spec pulls in through a `$ref`:
# `spec:` and its path from the spec's folder, so the committed manifest does not depend on the checkout's place.
SOURCE = "spec:"


# Any one input file past this is refused when it is loaded; the fingerprint does not read it either.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def digest(*parts: str | bytes) -> str:
    """One sha256 over several parts, each length-prefixed so that no two lists of parts collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str | None:
    """The sha256 of a regular file's bytes, or None when there is none (missing, a folder, a symlink, a device).
    A file past the spec size limit is not read: its size stands in, and loading it refuses it anyway."""
    try:
        if path.is_symlink():
            return None
        # O_NONBLOCK: a FIFO must not make the fingerprint wait for a writer; fstat then refuses it.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            if info.st_size > MAX_INPUT_BYTES:
                return f"over the limit: {info.st_size} bytes"
            hasher = hashlib.sha256()
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
            return hasher.hexdigest()
    except OSError:
        return None


@functools.cache
def code() -> str:
    """The generator itself: its modules, shipped templates and runtime, and the engines' versions. Everything
    cached or recorded depends on it, so any change to the generator is a new key."""
    sources = sorted(GENERATOR.rglob("*.py"))
    parts = [_files(sources, root=GENERATOR), _files(assets.files(assets.templates()), root=assets.templates())]
    versions = _versions(ENGINES)
    parts += [f"{name}=={versions.get(name) or 'missing'}" for name in ENGINES]
    return digest(*parts)


def _versions(names: Iterable[str]) -> dict[str, str]:
    """Installed distributions' versions, from the names of their `.dist-info` folders
    (`black-24.10.0.dist-info`). They are read on every run, up-to-date ones included, where
    `importlib.metadata` alone would take longer to import than the run takes; a distribution installed
    another way is asked of it."""
    wanted = {re.sub(r"[-_.]+", "_", name).lower(): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            folders = [f for f in os.listdir(entry or ".") if f.endswith(".dist-info")]
        except OSError:
            continue
        for folder in folders:
            stem, _, version = folder.removesuffix(".dist-info").partition("-")
            name = wanted.get(re.sub(r"[-_.]+", "_", stem).lower())
            if name is not None and name not in found:
                found[name] = version
    missing = [name for name in wanted.values() if name not in found]
    if missing:
        from importlib import metadata

        for name in missing:
            with contextlib.suppress(metadata.PackageNotFoundError):
                found[name] = metadata.version(name)
    return found


@dataclass(frozen=True)
class Inputs:
    """The digest of each kind of input, and one digest of them all (the manifest's `inputs`)."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        return digest(json.dumps(self.parts, sort_keys=True))

    def with_sources(self, target: Target, sources: Mapping[Path, str]) -> Inputs:
        """These inputs with `sources` (path → sha256 of the bytes a run read) as the further files, in place of
        those they named before."""
        kept = {key: value for key, value in self.parts.items() if not key.startswith(SOURCE)}
        return Inputs({**kept, **_source_parts(target, sources)})


def inputs(target: Target, *, sources: Mapping[Path, str] | Iterable[Path] = ()) -> Inputs:
    """Everything a run of `target` reads. `sources` are the further files the spec pulls in through `$ref`s: their
    paths (digested now) or path → sha256."""
    parts = {
        "spec": digest(*(file_digest(path) or "missing" for path in target.specs)),
        "config": digest(json.dumps(target.settings(), sort_keys=True)),
        "generator": code(),
    }
    if target.templates is not None:
        parts["templates"] = _files(assets.files(target.templates), root=target.templates)
    known = sources if isinstance(sources, Mapping) else {path: file_digest(path) or "missing" for path in sources}
    parts.update(_source_parts(target, known))
    return Inputs(parts)


def referenced(target: Target, parts: Mapping[str, str]) -> list[Path]:
    """The further files a manifest's `sources` record for `target`. Only files inside a spec's folder count (no
    other file is ever referenced), so a manifest cannot make the generator read anything else."""
    if not target.specs:
        return []
    base = _base(target)
    folders = [spec.resolve().parent for spec in target.specs]
    found = []
    for key in sorted(parts):
        relative = key[len(SOURCE) :] if key.startswith(SOURCE) else ""
        if not relative or "\x00" in relative:
            continue
        # Symlinks resolved, as the bundler judges a reference: a link inside the folder may lead out of it.
        path = Path(os.path.realpath(base / relative))
        if any(path.is_relative_to(folder) for folder in folders):
            found.append(path)
    return found


def recorded(target: Target, parts: Mapping[str, str]) -> dict[Path, str]:
    """The further files a manifest's `sources` record, each with the sha256 of its bytes now ("missing" if gone):
    an edit to any of them changes the inputs, though nothing but the manifest says the spec uses it."""
    return {path: file_digest(path) or "missing" for path in referenced(target, parts)}


def _source_parts(target: Target, sources: Mapping[Path, str]) -> dict[str, str]:
    if not target.specs:
        return {}
    base = _base(target)
    return {SOURCE + Path(os.path.relpath(path, base)).as_posix(): sha for path, sha in sources.items()}


def _base(target: Target) -> Path:
    """The folder further files are named from: the first spec's, symlinks resolved, as the bundler resolves them."""
    return target.specs[0].resolve().parent


def _files(paths: Iterable[Path], *, root: Path) -> str:
    return digest(*(f"{path.relative_to(root).as_posix()} {file_digest(path) or 'missing'}" for path in paths))
