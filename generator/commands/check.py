"""Target → drift report: what the spec produces now, compared with the package on disk (`check`)."""

from __future__ import annotations

import difflib
import shlex
from pathlib import Path

from .. import fingerprint
from ..config import Target
from ..errors import Report
from ..pipeline import run
from ..write import Manifest, manifest_path, read_manifest, safe_relative, sha256, up_to_date

# Left behind by importing or type-checking the package; never part of what the generator produces.
_IGNORED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})


def drift(target: Target, *, command: str) -> str:
    """A unified diff of every changed, missing, stale, extra or hand-edited file, ending with the one command
    that fixes them all (`command` regenerates this target); empty when up to date."""
    result = run(target)
    manifest = read_manifest(target.out, target.package)
    report: list[str] = []
    for path, text in sorted(result.files.items()):
        report.extend(_compare(target.out, path, text, manifest))
    expected = {path: sha256(text.encode("utf-8")) for path, text in result.files.items()}
    delete: list[Path] = []  # files `generate` will not remove, so the fix deletes them first
    for path in sorted(set(manifest.files) - set(expected)):
        file = safe_relative(target.out, path)
        if file.exists():
            edited = fingerprint.file_digest(file) != manifest.files[path]
            what = "edited since it was written, so `generate` keeps it" if edited else "`generate` removes it"
            report.append(f"stale: {file} (no longer produced; {what})\n")
            delete.extend([file] if edited else [])
    extras = _foreign(target, set(expected) | set(manifest.files))
    report.extend(f"extra: {file} (not written by the generator, which never deletes it)\n" for file in extras)
    delete.extend(extras)
    if not report and manifest.files != expected:
        # Every file is right but the manifest is not: the next run could not tell which files it owns.
        report.append(f"manifest: {manifest_path(target.out, target.package)} does not list the generated files\n")
    if report:
        removal = f"rm -- {' '.join(shlex.quote(str(p)) for p in delete)} && " if delete else ""
        report.append(f"fix: {removal}{command}\n")
    return "".join(report)


def unchanged(target: Target) -> bool:
    """True when the manifest shows this very input wrote every file as it is now, and nothing foreign lies in
    the package folder: then the output is what the spec produces, without rendering it again."""
    manifest = read_manifest(target.out, target.package)
    # The files the spec pulls in through `$ref`s are known from the manifest alone: an edit to one is drift.
    current = fingerprint.inputs(target, sources=fingerprint.recorded(target, manifest.sources))
    if not up_to_date(target.out, target.package, current.digest):
        return False
    return not _foreign(target, set(manifest.files))


def check(target: Target, *, full: bool, command: str) -> Report:
    """`check` for one target: the fast answer from the manifest unless `full`, else render and compare."""
    where = f"{target.name}: {target.package_dir}"
    if not full and unchanged(target):
        return Report([f"{where}: up to date (inputs and files as the manifest records)"])
    problems = drift(target, command=command)
    if problems:
        return Report(output=problems, failed=True)
    return Report([f"{where}: up to date"])


def _compare(out: Path, path: str, text: str, manifest: Manifest) -> list[str]:
    file = safe_relative(out, path)
    try:
        current = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return [f"missing: {file}\n"]
    if current == text:
        return []
    owned = manifest.files.get(path)
    edited = owned is not None and owned != sha256(current.encode("utf-8"))
    lines = [f"{'hand-edited' if edited else 'changed'}: {file}\n"]
    diff = difflib.unified_diff(
        current.splitlines(True), text.splitlines(True), f"{file} (on disk)", f"{file} (from the spec)"
    )
    lines.extend(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)
    return lines


def _foreign(target: Target, known: set[str]) -> list[Path]:
    """Files inside the package folder that this generator neither produces nor owns."""
    root = target.package_dir
    if not root.is_dir():
        return []
    found = []
    for entry in sorted(root.rglob("*")):
        relative = entry.relative_to(target.out)
        if entry.is_dir() or _IGNORED_DIRS.intersection(relative.parts) or relative.as_posix() in known:
            continue
        found.append(entry)
    return found
