"""Target → drift report: what the spec produces now, compared with the package on disk."""

from __future__ import annotations

import difflib

from .config import Target
from .pipeline import run
from .write import read_manifest, safe_relative, sha256


def drift(target: Target) -> str:
    """A unified diff of every changed, missing, extra or hand-edited file; empty when up to date."""
    result = run(target)
    manifest = read_manifest(target.out, target.package)
    report: list[str] = []
    for path, text in sorted(result.files.items()):
        file = safe_relative(target.out, path)
        try:
            current = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            report.append(f"missing: {file}\n")
            continue
        if current != text:
            edited = manifest.files.get(path) != sha256(current.encode("utf-8"))
            report.append(f"{'hand-edited' if edited else 'changed'}: {file}\n")
            report.extend(difflib.unified_diff(current.splitlines(True), text.splitlines(True), f"{file} (on disk)", f"{file} (from the spec)"))
    for path in sorted(set(manifest.files) - set(result.files)):
        if safe_relative(target.out, path).exists():
            report.append(f"extra: {safe_relative(target.out, path)} (no longer produced)\n")
    if report:
        report.append(f"fix: python -m generator generate --target {target.name}\n")
    return "".join(report)
