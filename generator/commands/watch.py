"""Spec, templates and config on disk → the package regenerated after every change (watchfiles, debounced)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import assets
from ..config import Target
from ..errors import EXIT_OK, Diagnostic, GeneratorError

if TYPE_CHECKING:
    from watchfiles import Change
    from watchfiles.main import AbstractEvent

# Editors save in bursts (write, rename, chmod); one regeneration per burst.
DEBOUNCE_MS = 300


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
        targets = _regenerate(load_targets, [], generate_one, report)
        while True:
            specs = {spec.resolve() for target in targets for spec in target.specs}
            folders = _folders(specs, root)

            def relevant(change: Change, path: str, specs: set[Path] = specs) -> bool:
                file = Path(path)
                if not usual(change, path):
                    return False
                return file in specs or file == pyproject or file.is_relative_to(templates)

            shown = sorted(_shown(f) for f in folders if f == templates or not f.is_relative_to(templates))
            print(f"watching {', '.join(shown)} (Ctrl-C stops)", file=sys.stderr)
            for batch in changes(
                *folders,
                watch_filter=relevant,
                debounce=debounce_ms,
                recursive=False,  # the folders are listed one by one: a recursive watch of the root would cover .venv
                stop_event=stop_event,
                raise_interrupt=True,
            ):
                print(f"changed: {', '.join(sorted({_shown(Path(p)) for _, p in batch}))}", file=sys.stderr)
                fresh = _regenerate(load_targets, targets, generate_one, report)
                if {s.resolve() for t in fresh for s in t.specs} != specs:
                    targets = fresh
                    break  # the configuration now names other specs: watch their folders instead
                targets = fresh
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
) -> list[Target]:
    """Regenerate every target; a broken configuration keeps the previous targets, a broken spec its output."""
    try:
        targets = load_targets()
    except GeneratorError as exc:
        report(exc.diagnostics)
        print("the configuration is invalid; still watching the previous targets", file=sys.stderr)
        return previous
    for target in targets:
        try:
            print(generate_one(target), file=sys.stderr)
        except GeneratorError as exc:
            report(exc.diagnostics)
            print(f"{target.name}: kept the last good output in {target.package_dir}", file=sys.stderr)
    return targets


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
