"""Key → bytes: a persistent, content-addressed cache of validation results and formatted code, per user."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Diagnostic

if TYPE_CHECKING:
    from .load import Document

ENV_DIR = "OPENAPI_PYGEN_CACHE_DIR"
# Bumped when the layout of an entry changes, so an older generator's entries are never read as new ones.
FORMAT_VERSION = "1"
_GENERATOR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """$OPENAPI_PYGEN_CACHE_DIR, else $XDG_CACHE_HOME/openapi-pygen, else ~/.cache/openapi-pygen."""
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "openapi-pygen"


def key(*parts: str | bytes) -> str:
    """One sha256 over several parts; each is length-prefixed so that no two part lists collide."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """Entries under `root/namespace/ab/abcdef…`, each holding its own checksum: a torn or tampered entry
    reads as a miss. Every failure to read or write is a miss, never an error: the cache only saves time."""

    def __init__(self, root: Path | None = None, *, enabled: bool = True) -> None:
        self.root = root if root is not None else cache_dir()
        self.enabled = enabled

    def _path(self, namespace: str, entry: str) -> Path:
        return self.root / namespace / entry[:2] / entry

    def get(self, namespace: str, entry: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            raw = self._path(namespace, entry).read_bytes()
        except OSError:
            return None
        checksum, _, payload = raw.partition(b"\n")
        if checksum != hashlib.sha256(payload).hexdigest().encode():
            return None
        return payload

    def put(self, namespace: str, entry: str, payload: bytes) -> None:
        if not self.enabled:
            return
        path = self._path(namespace, entry)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
                os.replace(temporary, path)  # atomic: concurrent runs write the same bytes under the same name
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # read-only home, full disk: run uncached


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


def sources_digest(*names: str) -> str:
    """The sha256 of some generator modules' source: a cached result is only as good as the code behind it."""
    digest = hashlib.sha256()
    for name in names:
        try:
            digest.update((_GENERATOR / name).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def validate_cached(
    doc: Document, *, enabled: bool = True, validate: Callable[[Document], list[Diagnostic]] | None = None
) -> list[Diagnostic]:
    """`validate(doc)`, remembered per spec text, validator version and validating code."""
    if validate is None:
        from .validate import validate as validate_uncached

        validate = validate_uncached
    cache = Cache(enabled=enabled)
    entry = key(
        "validate",
        version_of("openapi-spec-validator"),
        sources_digest("validate.py", "load.py", "recover.py", "errors.py"),
        doc.file,
        doc.text,
    )
    cached = cache.get("validate", entry)
    if cached is not None:
        try:
            return [Diagnostic(*item) for item in json.loads(cached)]
        except (ValueError, TypeError):
            pass  # an entry that parses but is not ours: recompute and overwrite it
    problems = validate(doc)
    rows = [[d.file, d.line, d.pointer, d.message, d.level] for d in problems]
    cache.put("validate", entry, json.dumps(rows).encode())
    return problems
