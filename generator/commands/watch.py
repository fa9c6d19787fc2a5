"""Spec (and every file it references), templates and config on disk → the package regenerated after every change
(watchfiles, debounced)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import assets, fingerprint
from ..config import Target
from ..errors import EXIT_OK, Diagnostic, GeneratorError
from ..write import read_manifest

if TYPE_CHECKING:
    from watchfiles import Change
    from watchfiles.main import AbstractEvent

# Editors save in bursts (write, rename, chmod); one regeneration per burst.
DEBOUNCE_MS = 300
# Files a spec can reference: while a run fails, a new one in a watched folder retries it.
SPEC_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


def watch(
    load_targets: Callable[[], list[Target]],
    *,
    root: Path,
    generate_one: Callable[[Target], str],
    report: Callable[[Sequence[Diagnostic]], None],
    debounce_ms: int = DEBOUNCE_MS,
    stop_event: AbstractEvent | None = None,
) -> int:
    """Generate, then regenerate on each change until Ctrl-C (or `stop_event`); returns the exit code.
    A failed run prints its diagnostics and leaves the last good output in place."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    pyproject = (root / "pyproject.toml").resolve()
    templates = assets.templates()
    usual = DefaultFilter()  # drops editor swap and backup files
    try:
        targets, failed, seen = _run(load_targets, _initial(load_targets), generate_one, report, pyproject)
        while True:
            specs = _watched(targets)
            folders = _folders(specs, root)
            spec_folders = {spec.parent for spec in specs}

            def relevant(
                change: Change,
                path: str,
                specs: set[Path] = specs,
                retry: bool = failed,
                near: set[Path] = spec_folders,
            ) -> bool:
                file = Path(path)
                if not usual(change, path):
                    return False
                if file in specs or file == pyproject or file.is_relative_to(templates):
                    return True
                # A failed run may name a referenced file that does not exist yet: making it is worth a retry.
                return retry and file.parent in near and file.suffix.lower() in SPEC_SUFFIXES

            shown = sorted(_shown(f) for f in folders if f == templates or not f.is_relative_to(templates))
            print(f"watching {', '.join(shown)} (Ctrl-C stops)", file=sys.stderr)
            for batch in changes(
                *folders,
                watch_filter=relevant,
                debounce=debounce_ms,
                recursive=False,  # the folders are listed one by one: a recursive watch of the root would cover .venv
                stop_event=stop_event,
                raise_interrupt=True,
                # A quiet second yields an empty batch: what changed while no watcher was armed (between a run
                # that failed or was fixed and the watch that follows it) is then found by comparing states.
                yield_on_timeout=True,
                rust_timeout=1000,
            ):
                now = _state(specs, pyproject, templates)
                names = {Path(p) for _, p in batch} or {Path(p) for p in now.keys() ^ seen.keys()} | {
                    Path(p) for p in now.keys() & seen.keys() if now[p] != seen[p]
                }
                if not names:
                    continue
                print(f"changed: {', '.join(sorted(_shown(n) for n in names))}", file=sys.stderr)
                was = failed
                targets, failed, seen = _run(load_targets, targets, generate_one, report, pyproject)
                if _watched(targets) != specs or failed != was:
                    break  # other specs, other referenced files, or a run newly failed or fixed: watch anew
            else:
                return EXIT_OK  # stop_event was set
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return EXIT_OK


def _regenerate(
    load_targets: Callable[[], list[Target]],
    previous: list[Target],
    generate_one: Callable[[Target], str],
    report: Callable[[Sequence[Diagnostic]], None],
) -> tuple[list[Target], bool]:
    """Regenerate every target; a broken configuration keeps the previous targets, a broken spec its output.
    Also says whether any run failed."""
    try:
        targets = load_targets()
    except GeneratorError as exc:
        report(exc.diagnostics)
        print("the configuration is invalid; still watching the previous targets", file=sys.stderr)
        return previous, True
    failed = False
    for target in targets:
        try:
            print(generate_one(target), file=sys.stderr)
        except GeneratorError as exc:
            failed = True
            report(exc.diagnostics)
            print(f"{target.name}: kept the last good output in {target.package_dir}", file=sys.stderr)
    return targets, failed


def _initial(load_targets: Callable[[], list[Target]]) -> list[Target]:
    try:
        return load_targets()
    except GeneratorError:
        return []  # the first run reports it


def _run(
    load_targets: Callable[[], list[Target]],
    targets: list[Target],
    generate_one: Callable[[Target], str],
    report: Callable[[Sequence[Diagnostic]], None],
    pyproject: Path,
) -> tuple[list[Target], bool, dict[str, tuple[int, int]]]:
    """`_regenerate`, and the inputs as they were before it read them: an edit made while it ran, or before the
    next watch is armed, differs from that state and is caught by the next quiet-second comparison. Files the run
    newly pulls in are taken as they are after it."""
    templates = assets.templates()
    before = _state(_watched(targets), pyproject, templates)
    targets, failed = _regenerate(load_targets, targets, generate_one, report)
    after = _state(_watched(targets), pyproject, templates)
    return targets, failed, {path: before.get(path, state) for path, state in after.items()}


def _state(specs: set[Path], pyproject: Path, templates: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file a run reads: the specs and what they reference, the configuration, the
    templates."""
    files = [*specs, pyproject, *(p for p in templates.rglob("*") if p.is_file())]
    state: dict[str, tuple[int, int]] = {}
    for file in files:
        try:
            info = file.stat()
        except OSError:
            continue
        state[str(file)] = (info.st_mtime_ns, info.st_size)
    return state


def _watched(targets: list[Target]) -> set[Path]:
    """Every spec file, and every file the last good run of each target pulled in through `$ref`s (its manifest
    records them)."""
    files = {spec.resolve() for target in targets for spec in target.specs}
    for target in targets:
        files.update(fingerprint.referenced(target, read_manifest(target.out, target.package).sources))
    return files


def _folders(specs: set[Path], root: Path) -> list[Path]:
    """Every folder to watch: each spec's, each under templates/, and the root for pyproject.toml."""
    templates = assets.templates()
    folders = {spec.parent for spec in specs if spec.parent.is_dir()}
    folders |= {templates, *(p for p in templates.rglob("*") if p.is_dir())}
    folders.add(root.resolve())
    return sorted(folders)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)
