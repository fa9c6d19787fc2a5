"""{path: text} → files under the output folder: owned, staged, swapped in atomically; the only disk writer.

The generator writes into a package folder it created or one its manifest claims, and only over nothing, over a
file its manifest lists, or over the very bytes it would write: anything else in the way is the user's and stops the
run unless `force`. The package folder is replaced in one system call (`renameat2(RENAME_EXCHANGE)` on Linux, two
renames elsewhere), and a journal written before the first change lets the next run settle whatever a killed run
left, so the folder holds the old package or the new one, never a mixture and (on Linux) never nothing.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from .errors import Diagnostic, GeneratorError, fail

LOCK_WAIT_SECONDS = 30.0
# A manifest or journal is a few KB; anything far larger was not written by the generator.
MAX_RECORD_BYTES = 16 * 1024 * 1024
# The longest name made beside the package: `.{package}.previous-` and 8 random hex digits.
_NAME_OVERHEAD = len("..previous-") + 8
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100
# renameat2 answers these where the kernel, the C library or the file system cannot do what was asked.
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP})
# A hard link is refused by these (another file system, another owner under protected_hardlinks, no links at all);
# a copy then does.
_NO_LINK = frozenset({errno.EPERM, errno.EACCES, errno.EXDEV, errno.EMLINK, errno.EOPNOTSUPP, errno.ENOTSUP})

Kind = Literal["missing", "file", "folder", "symlink", "special"]


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


def journal_path(out: Path, package: str) -> Path:
    """Written before a run's first change and removed after its last: while it exists, a run was cut short."""
    return out / f".{package}.journal.json"


def lock_path(out: Path, package: str) -> Path:
    return out / f".{package}.lock"


def read_manifest(out: Path, package: str) -> Manifest:
    """The last run's manifest; empty when there is none, or it is not a plain file holding one."""
    return _parse_manifest(_read_record(manifest_path(out, package))) or Manifest()


def _parse_manifest(raw: bytes | None) -> Manifest | None:
    """The manifest in `raw` when it has the shape `Manifest.dumps` gives it; None for anything else: a damaged
    manifest, or a file of the user's that happens to have its name."""
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(data, dict) or not set(data) <= {"inputs", "files", "sources"} or "files" not in data:
        return None
    inputs, files, sources = data.get("inputs", ""), data["files"], data.get("sources", {})
    if not isinstance(inputs, str) or not _strings(files) or not _strings(sources):
        return None
    return Manifest(inputs, dict(files), dict(sources))


def _strings(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def safe_relative(out: Path, relative: str) -> Path:
    """The path of a generated file, refused if it could leave the output folder."""
    pure = PurePosixPath(relative)
    plain = not pure.is_absolute() and pure.parts and ".." not in pure.parts and "\x00" not in relative
    if not plain or any(p in ("", ".") for p in pure.parts):
        raise fail(
            str(out), None, "", f"refusing to write {relative!r}: it is not a plain path inside the output folder"
        )
    return out.joinpath(*pure.parts)


def up_to_date(out: Path, package: str, inputs: str) -> bool:
    """True when the manifest was written from these very inputs, every file it lists is still as written, and no
    run was cut short since."""
    manifest = read_manifest(out, package)
    if manifest.inputs != inputs or not manifest.files or _kind(journal_path(out, package)) != "missing":
        return False
    try:
        return all(_digest(safe_relative(out, path)) == sha for path, sha in manifest.files.items())
    except (GeneratorError, OSError):
        return False


def write(
    out: Path,
    files: dict[str, str],
    *,
    package: str,
    inputs: str,
    sources: dict[str, str] | None = None,
    force: bool = False,
) -> WriteReport:
    """Make `out` hold exactly `files` for this package: changed files rewritten, stale owned files removed,
    unchanged files (with their mtimes) and everything the user put there left alone. A file or folder of the
    user's where a generated one goes stops the run, unless `force` takes it over; every failure is located."""
    if not package.isidentifier():
        raise fail(str(out), None, "", f"refusing to write package {package!r}: not a Python identifier")
    encoded = _encode(out, files)
    try:
        _check_name_length(out, package)
        _make_folders(out)
        with locked(out, package):
            return _write(out, encoded, package=package, inputs=inputs, sources=sources or {}, force=force)
    except OSError as exc:
        raise _failure(exc, out=out, package=package) from None


def write_text(path: Path, text: str) -> None:
    """One file, replaced atomically (for `recover -o`): a reader never sees it half written."""
    data = _utf8(path, text)
    try:
        if _kind(path) == "folder":
            raise fail(str(path), None, "", "cannot write: it is a folder; name a file to write to")
        _make_folders(path.parent)
        _atomic_file(path, data, prefix=f".{path.name}.tmp-")
    except OSError as exc:
        raise fail(str(path), None, "", f"cannot write: {_reason(exc)}") from None


def _write(
    out: Path, encoded: dict[str, bytes], *, package: str, inputs: str, sources: dict[str, str], force: bool
) -> WriteReport:
    _refuse_odd_records(out, package)
    if not force:
        _refuse_foreign_manifest(out, package)
        _refuse_foreign_journal(out, package)
    recover_interrupted(out, package)
    old = read_manifest(out, package)
    new = Manifest(inputs, {path: sha256(data) for path, data in sorted(encoded.items())}, dict(sources))
    problems = _problems(out, package, sorted(encoded), new=new, old=old, force=force)
    if problems:
        raise GeneratorError(problems)
    # Read only once nothing on the way to these files is a link.
    current = {path: _digest(safe_relative(out, path)) for path in set(encoded) | set(old.files)}
    changed = sorted(p for p in encoded if current[p] != new.files[p])
    stale = sorted(p for p in old.files if p not in encoded and current[p] == old.files[p])
    if not changed and not stale:
        if old != new:
            _atomic_file(manifest_path(out, package), new.dumps().encode(), prefix=f".{package}.tmp-")
        return WriteReport((), (), len(encoded))
    journal = {"old": old.files, "new": new.files}
    _atomic_file(journal_path(out, package), json.dumps(journal, sort_keys=True).encode(), prefix=f".{package}.tmp-")
    inside = {p: d for p, d in encoded.items() if _top(p) == package}
    if any(_top(p) == package for p in [*changed, *stale]):
        _replace_package(out, package, inside, want=new.files, current=current, stale=set(stale))
    for path in changed:
        if _top(path) != package:
            _atomic_file(safe_relative(out, path), encoded[path], prefix=f".{package}.tmp-")
    for path in stale:
        if _top(path) != package:
            with contextlib.suppress(FileNotFoundError):
                disk.unlink(safe_relative(out, path))
    _atomic_file(manifest_path(out, package), new.dumps().encode(), prefix=f".{package}.tmp-")
    disk.unlink(journal_path(out, package))
    return WriteReport(tuple(changed), tuple(stale), len(encoded) - len(changed))


# --- ownership ---------------------------------------------------------------------------------------------------


def _problems(
    out: Path,
    package: str,
    paths: list[str],
    *,
    new: Manifest,
    old: Manifest,
    force: bool,
) -> list[Diagnostic]:
    """Why this run may not write: the user's files and folders where generated ones go, links on the way."""
    problems: list[Diagnostic] = []
    blocked: set[str] = set()
    folders = {"/".join(PurePosixPath(p).parts[:n]) for p in paths for n in range(1, len(PurePosixPath(p).parts))}
    for folder in sorted(folders):
        if any(folder.startswith(b + "/") for b in blocked):
            continue
        kind = _kind(out / folder)
        if kind == "symlink":
            message = "a symlink where the generator needs a folder; refusing to write through it (move it away)"
        elif kind in ("file", "special"):
            message = "a file where the generator needs a folder; move it away"
        else:
            continue
        problems.append(Diagnostic(str(out / folder), None, "", message))
        blocked.add(folder)
    for relative in paths:
        if any(relative.startswith(b + "/") for b in blocked):
            continue
        path = out / relative
        kind = _kind(path)
        if kind == "missing":
            continue
        if kind == "folder":
            problems.append(Diagnostic(str(path), None, "", "a folder is where a generated file goes; move it away"))
            continue
        if force or (kind == "file" and (relative in old.files or _digest(path) == new.files[relative])):
            continue
        what = {"file": "not written by the generator", "symlink": "a symlink", "special": "not a regular file"}[kind]
        message = f"{what}; refusing to replace it (--force takes it over)"
        problems.append(Diagnostic(str(path), None, "", message))
    live = out / package
    ours = any(_top(p) == package for p in old.files)
    if not force and not ours and package not in blocked and _kind(live) == "folder" and not _as_generated(live, new):
        message = (
            f"a folder the generator did not make (no {manifest_path(out, package).name} claims it); refusing to "
            "write into it (--force generates into it, keeping what is there)"
        )
        problems.append(Diagnostic(str(live), None, "", message))
    return problems


def _as_generated(live: Path, new: Manifest) -> bool:
    """True when every file in the package folder is one this run writes, byte for byte (bytecode caches aside):
    the generator's own output, whatever became of its manifest. True for an empty folder."""
    for entry, info in _walk(live):
        inside = entry.relative_to(live)
        if stat.S_ISDIR(info.st_mode) or "__pycache__" in inside.parts:
            continue
        relative = f"{live.name}/{inside.as_posix()}"
        if relative not in new.files or _digest(entry) != new.files[relative]:
            return False
    return True


def _refuse_odd_records(out: Path, package: str) -> None:
    """The manifest and the journal are plain files: a link or anything else there is neither read nor replaced."""
    for path in (manifest_path(out, package), journal_path(out, package)):
        what = {"symlink": "a symlink", "folder": "a folder", "special": "a special file"}.get(_kind(path))
        if what is not None:
            raise fail(str(path), None, "", f"the generator's record is {what}; refusing to use it")


def _refuse_foreign_manifest(out: Path, package: str) -> None:
    """A file at the manifest's name that is not a manifest is the user's, and this run would replace it. A damaged
    manifest of the generator's cannot be told from one: it is refused alike, and `--force` replaces either."""
    path = manifest_path(out, package)
    if _kind(path) == "file" and _parse_manifest(_read_record(path)) is None:
        message = "not a manifest written by the generator; refusing to replace it (--force takes it over)"
        raise fail(str(path), None, "", message)


def _refuse_foreign_journal(out: Path, package: str) -> None:
    """A file at the journal's name that is not a journal is the user's: settling an interrupted run would delete
    it. The generator writes its journal whole (a temporary file renamed), so one of its own always reads."""
    path = journal_path(out, package)
    if _kind(path) == "file" and _parse_journal(_read_record(path)) is None:
        message = "not a journal written by the generator; refusing to remove it (--force takes it over)"
        raise fail(str(path), None, "", message)


def _parse_journal(raw: bytes | None) -> tuple[dict[str, str], dict[str, str]] | None:
    """The files before and after the run a journal records; None for anything else."""
    try:
        record = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(record, dict) or set(record) != {"old", "new"}:
        return None
    if not _strings(record["old"]) or not _strings(record["new"]):
        return None
    return dict(record["old"]), dict(record["new"])


# --- the swap ----------------------------------------------------------------------------------------------------


def _replace_package(
    out: Path,
    package: str,
    files: dict[str, bytes],
    *,
    want: dict[str, str],
    current: dict[str, str | None],
    stale: set[str],
) -> None:
    """Build the new package folder beside the live one, then put it in the live one's place in one step."""
    live = out / package
    staging = _new_folder(out, f".{package}.staging-")
    try:
        modes = _stage(live, staging, package, files, want=want, current=current, stale=stale)
        for folder, mode in reversed(modes):
            disk.chmod(folder, mode)
        _sync(staging)
        old = _swap(out, package, staging)
    except BaseException:
        # Before the swap this is the half-built new package; after it, the old one. Either way it is spare.
        _discard(staging)
        raise
    _sync(out)
    if old is not None:
        _discard(old)


def _stage(
    live: Path,
    staging: Path,
    package: str,
    files: dict[str, bytes],
    *,
    want: dict[str, str],
    current: dict[str, str | None],
    stale: set[str],
) -> list[tuple[Path, int]]:
    """Fill `staging` with the new files and everything of the live folder this run neither writes nor removes;
    returns the modes its folders must end with (set last: a read-only folder must still be filled)."""
    modes: list[tuple[Path, int]] = []
    if _kind(live) == "folder":
        modes.append((staging, stat.S_IMODE(os.lstat(live).st_mode)))
        for entry, info in _walk(live):
            relative = f"{package}/{entry.relative_to(live).as_posix()}"
            copy = staging / entry.relative_to(live)
            if stat.S_ISDIR(info.st_mode):
                disk.mkdir(copy, 0o700)
                modes.append((copy, stat.S_IMODE(info.st_mode)))
            elif relative not in files and relative not in stale:
                _carry(entry, copy)
    for relative, data in files.items():
        inside = PurePosixPath(relative).parts[1:]
        copy, existing = staging.joinpath(*inside), live.joinpath(*inside)
        for depth in range(1, len(inside)):
            with contextlib.suppress(FileExistsError):
                disk.mkdir(staging.joinpath(*inside[:depth]))
        if current[relative] == want[relative]:
            _carry(existing, copy)  # keeps the file's mtime: it did not change
        else:
            disk.create(copy, data, mode=_mode(existing))
    for relative in files:
        if _digest(staging.joinpath(*PurePosixPath(relative).parts[1:])) != want[relative]:
            raise fail(str(live.parent / relative), None, "", "the staged file does not read back as written")
    return modes


def _swap(out: Path, package: str, staging: Path) -> Path | None:
    """Put `staging` where the package goes; returns where the old package went, if there was one."""
    live = out / package
    if _kind(live) == "missing":
        disk.rename_new(staging, live)
        return None
    try:
        disk.exchange(staging, live)
        return staging
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
    # Without an atomic exchange there is an instant with no package; the next run's recovery puts the old one back.
    backup = out / f".{package}.previous-{_token()}"
    disk.rename(live, backup)
    try:
        disk.rename(staging, live)
    except BaseException:
        disk.rename(backup, live)
        raise
    return backup


def recover_interrupted(out: Path, package: str) -> None:
    """Settle what a run cut short left: the old package put back if it was moved aside, spare folders and
    temporary files removed, and the manifest made to claim exactly the files of either run that are on disk."""
    live = out / package
    for leftover in _leftovers(out, f".{package}.previous-", "folder"):
        if _kind(live) == "missing":
            disk.rename(leftover, live)
        else:
            _discard(leftover)
    for leftover in _leftovers(out, f".{package}.staging-", "folder"):
        _discard(leftover)
    for leftover in _leftovers(out, f".{package}.tmp-", "file"):
        with contextlib.suppress(FileNotFoundError):
            disk.unlink(leftover)
    journal = journal_path(out, package)
    if _kind(journal) != "file":
        return
    before, after = _parse_journal(_read_record(journal)) or ({}, {})
    claimed = read_manifest(out, package).files if not before and not after else {}
    for relative in sorted(set(before) | set(after)):
        on_disk = _digest(safe_relative(out, relative))
        if on_disk is not None and on_disk in (before.get(relative), after.get(relative)):
            claimed[relative] = on_disk
        elif on_disk is not None and relative in before:
            claimed[relative] = str(before[relative])  # owned before the run, edited by hand: still the generator's
    # No inputs: the next run renders and compares, whatever the files say.
    _atomic_file(manifest_path(out, package), Manifest("", claimed).dumps().encode(), prefix=f".{package}.tmp-")
    disk.unlink(journal)


# --- the lock ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(out: Path, package: str) -> Iterator[None]:
    """One run at a time per output package; a second run waits, then fails with a clear message.

    The lock file lives beside the manifest, where only someone who could rewrite the output could plant anything,
    and it is never followed through a link, nor used unless it is the user's own plain file. It is removed on the
    way out, so a waiter that wakes on a removed file takes the lock again on the one now in its place."""
    path = lock_path(out, package)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        handle = _open_lock(path)
        if handle is None:  # removed by the run that held it, between our open and our look: open it again
            continue
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        message = "another generator run holds this output; try again when it ends"
                        raise fail(str(out / package), None, "", message) from None
                    time.sleep(0.1)
            held = os.fstat(handle)
            try:
                now = os.stat(path, follow_symlinks=False)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(handle)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(handle)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            now = os.stat(path, follow_symlinks=False)
            if (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                disk.unlink(path)
        os.close(handle)


def _open_lock(path: Path) -> int | None:
    """The lock file, opened and checked; None when the run that held it removed it as we opened it."""
    try:
        handle = disk.open_lock(path)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise fail(str(path), None, "", "the lock file is a symlink; refusing to follow it") from None
        if exc.errno == errno.EISDIR:
            raise fail(str(path), None, "", "the lock file is a folder; refusing to use it") from None
        raise
    info = os.fstat(handle)
    problem = None
    if stat.S_ISREG(info.st_mode) and info.st_nlink == 0:
        os.close(handle)
        return None
    if not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file"
    elif info.st_uid != os.geteuid():
        problem = "belongs to another user"
    elif info.st_nlink != 1:
        problem = "has other hard links"
    elif info.st_size:  # the generator's lock file is always empty: this one is somebody's file
        problem = "is not empty, so the generator did not make it"
    if problem is not None:
        os.close(handle)
        raise fail(str(path), None, "", f"the lock file {problem}; refusing to use it (remove it if it is not yours)")
    return handle


# --- the file system ---------------------------------------------------------------------------------------------


class Disk:
    """Every change the writer makes to the file system, one system call a method: where a test fails or kills a
    run at each step."""

    def mkdir(self, path: Path, mode: int = 0o777) -> None:
        os.mkdir(path, mode)

    def create(self, path: Path, data: bytes, *, mode: int | None = None) -> None:
        """A new file holding `data` on the disk: never over an existing file, never through a symlink."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        handle = os.open(path, flags, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            if mode is not None:
                os.fchmod(handle, mode)
            os.fsync(handle)
        finally:
            os.close(handle)

    def link(self, source: Path, destination: Path) -> None:
        os.link(source, destination, follow_symlinks=False)

    def copy(self, source: Path, destination: Path) -> None:
        import shutil  # with rmtree below, the one use: an up-to-date run never imports it (nor bz2, lzma)

        shutil.copy2(source, destination, follow_symlinks=False)

    def chmod(self, path: Path, mode: int) -> None:
        os.chmod(path, mode)

    def rename(self, source: Path, destination: Path) -> None:
        os.rename(source, destination)

    def rename_new(self, source: Path, destination: Path) -> None:
        """`source` renamed to `destination`, which must not exist (a folder made there meanwhile is not replaced)."""
        try:
            _renameat2(source, destination, _RENAME_NOREPLACE)
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED:
                raise
            if os.path.lexists(destination):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(destination)) from None
            os.rename(source, destination)

    def exchange(self, first: Path, second: Path) -> None:
        _renameat2(first, second, _RENAME_EXCHANGE)

    def replace(self, source: Path, destination: Path) -> None:
        os.replace(source, destination)

    def unlink(self, path: Path) -> None:
        os.unlink(path)

    def rmtree(self, path: Path) -> None:
        import shutil

        shutil.rmtree(path)

    def open_lock(self, path: Path) -> int:
        # O_NONBLOCK: a FIFO planted there opens at once, and is then refused as not a regular file.
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        return os.open(path, flags, 0o600)


disk = Disk()


@functools.cache
def _libc_renameat2() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    import ctypes  # only a write needs it, never an up-to-date run

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _renameat2(source: Path, destination: Path, flags: int) -> None:
    """Linux's renameat2; OSError(ENOSYS) where the C library lacks it, EINVAL where the file system does."""
    function = _libc_renameat2()
    if function is None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS), str(source))
    if function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination), flags) != 0:
        import ctypes  # loaded already by _libc_renameat2

        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(source), None, str(destination))


def _atomic_file(path: Path, data: bytes, *, prefix: str) -> None:
    """`path` replaced by a file holding `data` in one rename; a replaced file's mode is kept."""
    temporary = path.parent / f"{prefix}{_token()}"
    try:
        disk.create(temporary, data, mode=_mode(path))
        disk.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            disk.unlink(temporary)
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _carry(source: Path, destination: Path) -> None:
    """The same file at a second name (its inode, mtime and mode kept), or a copy where links are refused."""
    try:
        disk.link(source, destination)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        disk.copy(source, destination)


def _discard(folder: Path) -> None:
    # A folder that cannot be removed now is removed by the next run's recovery.
    with contextlib.suppress(OSError):
        disk.rmtree(folder)


def _new_folder(parent: Path, prefix: str) -> Path:
    while True:
        folder = parent / f"{prefix}{_token()}"
        try:
            disk.mkdir(folder)
            return folder
        except FileExistsError:
            continue


def _make_folders(folder: Path) -> None:
    """`folder` and its missing parents, as `mkdir -p`; a file on the way is named as what went wrong."""
    missing: list[Path] = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    for each in reversed(missing):
        try:
            disk.mkdir(each)
        except FileExistsError:
            if not each.is_dir():
                raise


def _walk(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Everything under `root`, parents before children, links never followed."""
    pending = [root]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            found = sorted((Path(e.path), e.stat(follow_symlinks=False)) for e in entries)
        for path, info in found:
            yield path, info
            if stat.S_ISDIR(info.st_mode):
                pending.append(path)


def _leftovers(out: Path, prefix: str, kind: Kind) -> list[Path]:
    try:
        with os.scandir(out) as entries:
            named = sorted(Path(e.path) for e in entries if e.name.startswith(prefix))
    except FileNotFoundError:
        return []
    return [path for path in named if _kind(path) == kind]


def _kind(path: Path) -> Kind:
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "special"


def _mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path`, to keep when it is replaced."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def _open_plain(path: Path) -> int | None:
    """A read handle on the regular file at `path`; None for anything else. Never follows a link, never waits on
    a FIFO."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        return None
    return handle


def _digest(path: Path) -> str | None:
    """The sha256 of the regular file at `path`; None when there is none (missing, a folder, a link, a FIFO)."""
    handle = _open_plain(path)
    if handle is None:
        return None
    digest = hashlib.sha256()
    with os.fdopen(handle, "rb") as stream:
        try:
            for chunk in iter(functools.partial(stream.read, 1 << 20), b""):
                digest.update(chunk)
        except OSError:
            return None
    return digest.hexdigest()


def _read_record(path: Path) -> bytes | None:
    handle = _open_plain(path)
    if handle is None:
        return None
    with os.fdopen(handle, "rb") as stream:
        try:
            raw = stream.read(MAX_RECORD_BYTES + 1)
        except OSError:
            return None
    return raw if len(raw) <= MAX_RECORD_BYTES else None


def _sync(folder: Path) -> None:
    """Renames in `folder` made durable; best effort, since some file systems cannot sync a folder."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _top(relative: str) -> str:
    return PurePosixPath(relative).parts[0]


def _encode(out: Path, files: dict[str, str]) -> dict[str, bytes]:
    return {relative: _utf8(safe_relative(out, relative), text) for relative, text in files.items()}


def _utf8(path: Path, text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        where = f"{exc.object[exc.start : exc.end]!r} at offset {exc.start}"
        raise fail(str(path), None, "", f"cannot be written as UTF-8: {where} ({exc.reason})") from None


def _check_name_length(out: Path, package: str) -> None:
    existing = next((folder for folder in (out, *out.parents) if os.path.lexists(folder)), out)
    try:
        limit = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(os.fsencode(package)) + _NAME_OVERHEAD > limit:
        allowed = limit - _NAME_OVERHEAD
        message = f"cannot write: the package name is {len(package)} characters; this file system allows {allowed}"
        raise fail(str(out / package), None, "", message)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for this file system"
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


def _failure(exc: OSError, *, out: Path, package: str) -> GeneratorError:
    """A file-system error as the user would say it: the file they know of (never a staging name), what went
    wrong."""
    shown = Path(exc.filename) if isinstance(exc.filename, str) else out
    try:
        parts = shown.relative_to(out).parts
    except ValueError:
        parts = ()
    if parts and parts[0].startswith((f".{package}.staging-", f".{package}.previous-")):
        shown = out.joinpath(package, *parts[1:])
    elif parts and parts[0] in (lock_path(out, package).name, journal_path(out, package).name):
        shown = out
    return fail(str(shown), None, "", f"cannot write: {_reason(exc)}")


def _token() -> str:
    """Eight random hex digits for a temporary name (what secrets.token_hex(4) gives, without its imports)."""
    return os.urandom(4).hex()
