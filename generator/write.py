"""{path: text} → files under the output folder: staged, verified, swapped in atomically; the only disk writer."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import GeneratorError, fail
from .fingerprint import file_digest

LOCK_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Manifest:
    """What a run wrote: the digest of its inputs and the sha256 of every file it owns."""

    inputs: str = ""
    files: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # sha256 per kind of input: spec, templates, config, ...

    def dumps(self) -> str:
        data = {"inputs": self.inputs, "sources": self.sources, "files": self.files}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    skipped: bool = False  # the manifest showed the inputs unchanged: nothing was rendered or touched


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_path(out: Path, package: str) -> Path:
    return out / f".{package}.manifest.json"


def read_manifest(out: Path, package: str) -> Manifest:
    try:
        raw = json.loads(manifest_path(out, package).read_text("utf-8"))
        return Manifest(
            str(raw.get("inputs", "")),
            {str(k): str(v) for k, v in raw.get("files", {}).items()},
            {str(k): str(v) for k, v in raw.get("sources", {}).items()},
        )
    except (OSError, ValueError, AttributeError):
        return Manifest()


@contextlib.contextmanager
def locked(out: Path, package: str) -> Iterator[None]:
    """One run at a time per output package; a second run waits, then fails with a clear message."""
    key = sha256(str(out.resolve() / package).encode())[:16]
    path = Path(tempfile.gettempdir()) / f"generator-{key}.lock"
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise fail(
                        str(out / package), None, "", "another generator run holds this output; try again when it ends"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def safe_relative(out: Path, relative: str) -> Path:
    """The path of a generated file, refused if it could leave the output folder."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or any(p in ("", ".") for p in pure.parts):
        raise fail(
            str(out), None, "", f"refusing to write {relative!r}: it is not a plain path inside the output folder"
        )
    return out.joinpath(*pure.parts)


def write(
    out: Path, files: dict[str, str], *, package: str, inputs: str, sources: dict[str, str] | None = None
) -> WriteReport:
    """Make `out` hold exactly `files` for this package: changed files rewritten, stale owned files removed,
    foreign files and unchanged files (with their mtimes) left alone."""
    with locked(out, package):
        return _write(out, files, package=package, inputs=inputs, sources=sources or {})


def _write(out: Path, files: dict[str, str], *, package: str, inputs: str, sources: dict[str, str]) -> WriteReport:
    recover_interrupted(out, package)
    _refuse_escaping_links(out, package)
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    new = Manifest(inputs, {path: sha256(data) for path, data in sorted(encoded.items())}, dict(sources))
    old = read_manifest(out, package)
    current = {path: file_digest(safe_relative(out, path)) for path in encoded}
    changed = sorted(p for p, data in encoded.items() if current[p] != new.files[p])
    stale = sorted(p for p in old.files if p not in encoded and file_digest(safe_relative(out, p)) == old.files[p])
    if not changed and not stale:
        if old != new:
            _atomic_file(manifest_path(out, package), new.dumps().encode())
        return WriteReport((), (), len(encoded))
    out.mkdir(parents=True, exist_ok=True)
    inside = {p: d for p, d in encoded.items() if PurePosixPath(p).parts[0] == package}
    if inside:
        _swap_package(out, package, inside, stale=stale)
    for path in changed:
        if path not in inside:
            _atomic_file(safe_relative(out, path), encoded[path])
    for path in stale:
        if PurePosixPath(path).parts[0] != package:
            safe_relative(out, path).unlink(missing_ok=True)
    _atomic_file(manifest_path(out, package), new.dumps().encode())
    return WriteReport(tuple(changed), tuple(stale), len(encoded) - len(changed))


def up_to_date(out: Path, package: str, inputs: str) -> bool:
    """True when the manifest was written from these very inputs and every file it lists is still as written."""
    manifest = read_manifest(out, package)
    if manifest.inputs != inputs or not manifest.files:
        return False
    try:
        return all(file_digest(safe_relative(out, path)) == sha for path, sha in manifest.files.items())
    except GeneratorError:
        return False


def _refuse_escaping_links(out: Path, package: str) -> None:
    root = out.resolve()
    target = out / package
    if target.is_symlink() or (target.exists() and not target.resolve().is_relative_to(root)):
        raise fail(str(target), None, "", "refusing to write through a symlink that leads out of the output folder")
    if target.is_dir():
        for entry in target.rglob("*"):
            if entry.is_symlink() and not entry.resolve().is_relative_to(root):
                raise fail(str(entry), None, "", "refusing to write: this symlink leads out of the output folder")


def _swap_package(out: Path, package: str, files: dict[str, bytes], *, stale: list[str]) -> None:
    """Build the new package folder beside the old one, then swap the two with renames."""
    live = out / package
    staging = Path(tempfile.mkdtemp(prefix=f".{package}.staging-", dir=out))
    backup = out / f".{package}.previous-{os.getpid()}"
    try:
        if live.is_dir():
            # Files this run does not produce stay: foreign ones always, owned ones unless stale.
            for entry in sorted(live.rglob("*")):
                relative = entry.relative_to(out).as_posix()
                if (entry.is_dir() and not entry.is_symlink()) or relative in files or relative in stale:
                    continue
                _link_or_copy(entry, staging / entry.relative_to(live))
        for relative, data in files.items():
            destination = staging.joinpath(*PurePosixPath(relative).parts[1:])
            existing = out / relative
            if file_digest(existing) == sha256(data):
                _link_or_copy(existing, destination)  # keeps the file's mtime: it did not change
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(data)
        for relative, data in files.items():
            if staging.joinpath(*PurePosixPath(relative).parts[1:]).read_bytes() != data:
                raise fail(str(out / relative), None, "", "the staged file does not read back as written")
        staging.chmod(0o755)
        if live.exists():
            os.rename(live, backup)
        os.rename(staging, live)
    except BaseException:
        if backup.exists() and not live.exists():
            os.rename(backup, live)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _link_or_copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


def write_text(path: Path, text: str) -> None:
    """One file, replaced atomically (for `recover -o`): a reader never sees it half written."""
    _atomic_file(path, text.encode("utf-8"))


def _atomic_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def recover_interrupted(out: Path, package: str) -> None:
    """Put back a package folder that a killed run had moved aside, and drop its staging folders."""
    live = out / package
    for leftover in sorted(out.glob(f".{package}.previous-*")):
        if not live.exists():
            os.rename(leftover, live)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for staging in out.glob(f".{package}.staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
