"""Command line → exit code: parses arguments, runs a command, prints diagnostics; never a traceback."""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from . import config as config_module
from .config import Target
from .errors import EXIT_FAILED, EXIT_USAGE, Diagnostic, GeneratorError, Report

# Each handler imports its command when it runs: an up-to-date `generate` answers from hashes alone, and
# loading the stages it then skips (the model engine, black, the validator) would cost ten times that.

EPILOG = "exit codes: 0 ok, 1 invalid spec / drift / breaking change / failed write, 2 usage"


def run() -> NoReturn:
    """The process's entry point (`python -m generator`, the `openapi-pygen` script): `main`, then exit.

    A run that regenerated leaves the model engine's heap behind (hundreds of thousands of objects, a few
    hundred modules), and the interpreter's teardown of it takes 0.2-0.3 s after the work is done. By then
    every file written is closed and every worker joined, so the process ends at once instead; it tears down
    as usual whenever something is still running (a thread, or a process it started)."""
    # A run allocates millions of objects that live until it ends (the document, the engine's models, the
    # syntax trees), and at the default thresholds the cyclic collector scans them again and again: a tenth of
    # a large spec's run. Collected a hundred times less often, and still collected (`watch` runs for hours).
    gc.set_threshold(100_000, 20, 100)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the normal exit reports it as Python would
        sys.exit(code)
    if _still_running():
        sys.exit(code)
    os._exit(code)


def _still_running() -> bool:
    # Looked up, not imported: a run that never imported them started neither threads nor processes.
    threading, multiprocessing = sys.modules.get("threading"), sys.modules.get("multiprocessing")
    if threading is not None and threading.active_count() > 1:
        return True
    return bool(multiprocessing is not None and multiprocessing.active_children())


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        report: Report = args.handler(args)
    except GeneratorError as exc:
        _print(exc.diagnostics)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in the generator still ends in one line, not a traceback
        print(
            f"internal error: {type(exc).__name__}: {exc} (a bug in the generator; please report it)", file=sys.stderr
        )
        return EXIT_FAILED
    _print(report.diagnostics)
    for line in report.lines:
        print(line, file=sys.stderr)
    sys.stdout.write(report.output)
    return report.exit_code


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own, given the terminal's width directly: argparse asks shutil for it, and building the parser
    makes dozens of formatters, so every run, up-to-date ones included, would import shutil (with bz2 and lzma)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, width if width is not None else _columns() - 2)


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() gives it: $COLUMNS, else standard output's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate a typed Python client package from an OpenAPI document.",
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # One entry per command; a new command is one more `_command(...)` call and a handler below.
    generate_parser = _command(
        commands,
        "generate",
        _generate,
        "write every configured target, or one spec given with --spec",
        "Write the generated package for every target in pyproject.toml, or for --spec. A run whose inputs and "
        "output are unchanged since the last one (per the manifest) does nothing.",
    )
    _target_options(generate_parser)
    _distribution_option(generate_parser)
    generate_parser.add_argument(
        "--force",
        action="store_true",
        help="take over files in the output that the generator did not write (they are replaced)",
    )

    check_parser = _command(
        commands,
        "check",
        _check,
        "exit 1 when the generated package differs from what the spec produces",
        "Compare the generated package on disk with what the spec produces now; print a diff and the fix.",
    )
    _target_options(check_parser)
    _distribution_option(check_parser)
    check_parser.add_argument(
        "--full",
        action="store_true",
        help="always render and compare, even when the manifest shows unchanged inputs and files (for CI)",
    )

    watch_parser = _command(
        commands,
        "watch",
        _watch,
        "regenerate whenever the spec, templates or configuration change (Ctrl-C stops)",
        "Generate, then regenerate on every change to the spec, templates/ or pyproject.toml. An invalid spec "
        "prints its error and keeps the last good output.",
    )
    _target_options(watch_parser)
    _distribution_option(watch_parser)

    diff_parser = _command(
        commands,
        "diff",
        _diff,
        "report the changes between two specs: HTTP contract and generated Python API",
        "Compare two specs (files, or git:REV:path) and classify each change as breaking or non-breaking, "
        "in the HTTP contract and in the generated package; ends with a suggested semver bump.",
    )
    recover_parser = _command(
        commands,
        "recover",
        _recover,
        "write the OpenAPI document of a docs page (or flattened YAML) as indented YAML",
        "Read a Markdown docs page with an embedded OpenAPI document, or a YAML file, rebuild the structure of "
        "YAML that lost its indentation, and write the document as indented YAML for review.",
    )
    recover_parser.add_argument("page", type=Path, help="the docs page or YAML file")
    recover_parser.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    _best_guess_option(recover_parser)
    recover_parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="write the document even when it does not validate (its problems are printed as warnings)",
    )

    diff_parser.add_argument("old", help="the old spec: a file, or git:REV:path")
    diff_parser.add_argument("new", help="the new spec: a file, or git:REV:path")
    diff_parser.add_argument(
        "--target", help="name overrides from this configured target (default: the default target)"
    )
    diff_parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding pyproject.toml")
    diff_parser.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    diff_parser.add_argument(
        "--fail-on",
        choices=("breaking", "any"),
        help="exit 1 when a breaking change (or any change) is found; without it the report never fails",
    )
    return parser


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Callable[[argparse.Namespace], Report],
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name, help=summary, description=description, epilog=EPILOG, formatter_class=_HelpFormatter
    )
    parser.set_defaults(handler=handler)
    return parser


def _distribution_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--distribution", action="store_true", help="also write a pyproject.toml beside the package")


def _best_guess_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--best-guess",
        action="store_true",
        help="recover a flattened page by its most probable reading where it is ambiguous; each choice is printed",
    )


def _target_options(parser: argparse.ArgumentParser) -> None:
    _best_guess_option(parser)
    parser.add_argument("--target", help="only this target from [tool.generator.targets]")
    parser.add_argument("--spec", type=Path, action="append", help="a spec file or docs page (repeat to merge pages)")
    parser.add_argument("--out", type=Path, help="output folder (vendoring: any folder, e.g. another project's src/)")
    parser.add_argument("--package", help="package name to generate under (vendoring)")
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="lenient: report validation errors as warnings and generate anyway",
    )
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="neither read nor write the user cache (validation results, model engine output, formatted code)",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding pyproject.toml")


def targets(args: argparse.Namespace) -> list[Target]:
    """The targets a command acts on, with its flags applied."""
    if args.package:
        problem = config_module.package_problem(args.package)
        if problem:
            raise _usage(f"--package: {problem}")
    if args.spec:
        if not args.out or not args.package:
            raise _usage("--spec needs --out and --package")
        chosen = [config_module.ad_hoc(args.spec, out=args.out, package=args.package)]
    else:
        chosen = [t for t in config_module.load_targets(args.root) if args.target in (None, t.name)]
        if not chosen:
            what = f"no target named {args.target!r}" if args.target else "no targets configured"
            where = str(args.root / "pyproject.toml")
            message = f"{what}; or pass --spec FILE --out DIR --package NAME"
            raise GeneratorError([Diagnostic(where, None, "tool.generator", message)], exit_code=EXIT_USAGE)
        if args.out or args.package:
            # Vendoring a configured target: its spec and names, written elsewhere under another package name.
            if len(chosen) > 1:
                raise _usage("--out and --package need --target when several targets are configured")
            chosen = [replace(chosen[0], out=args.out or chosen[0].out, package=args.package or chosen[0].package)]
    flags = {
        "validate": args.validate,
        "distribution": args.distribution,
        "cache": args.cache,
        "force": getattr(args, "force", False),
        "best_guess": args.best_guess,
    }
    return [config_module.with_flags(t, **flags) for t in chosen]


def _usage(message: str) -> GeneratorError:
    return GeneratorError([Diagnostic("<command line>", None, "", message)], exit_code=EXIT_USAGE)


def _print(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def _recover(args: argparse.Namespace) -> Report:
    from .spec.load import load
    from .write import write_text

    doc = load(args.page, best_guess=args.best_guess)
    # A recovered document is only as good as the validator says: an invalid one is not written as if right.
    from .spec.validate import validate_cached

    problems = validate_cached(doc)
    if problems and args.validate:
        raise GeneratorError([*doc.warnings, *problems])
    if doc.text.lstrip().startswith("{"):
        import yaml  # imported here: only a JSON page needs writing as YAML

        text = yaml.safe_dump(doc.data, sort_keys=False, allow_unicode=True, width=100)
    else:
        text = doc.text if doc.text.endswith("\n") else doc.text + "\n"
    note = "recovered the structure of its flattened YAML" if doc.recovered else "its YAML was already indented"
    if args.output is not None:
        write_text(args.output, text)
    report = Report([f"{args.page}: {note}" + (f"; wrote {args.output}" if args.output else "")])
    report.diagnostics.extend([*doc.warnings, *(replace(p, level="warning") for p in problems)])
    report.output = "" if args.output is not None else text
    return report


def _generate(args: argparse.Namespace) -> Report:
    from .pipeline import generate

    report = Report()
    for target in targets(args):
        report.add(generate(target))
    return report


def _check(args: argparse.Namespace) -> Report:
    from .commands.check import check

    report = Report()
    for target in targets(args):
        report.add(check(target, full=args.full, command=_fix_command(args, target)))
    return report


def _fix_command(args: argparse.Namespace, target: Target) -> str:
    """The `generate` command line that brings this target up to date."""
    words = ["python", "-m", "generator", "generate"]
    if args.spec:
        words += [w for spec in args.spec for w in ("--spec", str(spec))]
        words += ["--out", str(target.out), "--package", target.package]
    else:
        words += ["--target", target.name]
        words += ["--out", str(target.out)] if args.out else []
        words += ["--package", target.package] if args.package else []
        words += ["--root", str(args.root)] if args.root != Path(".") else []
    words += [] if args.validate else ["--no-validate"]
    words += ["--distribution"] if target.distribution else []
    words += ["--best-guess"] if target.best_guess else []
    return shlex.join(words)


def _watch(args: argparse.Namespace) -> Report:
    from .commands.watch import watch
    from .pipeline import generate, keep_warm

    keep_warm()  # once, before the first run: every regeneration's model stage then starts with the engine loaded

    def one(target: Target) -> str:
        report = generate(target)
        _print(report.diagnostics)
        return "\n".join(report.lines)

    code = watch(lambda: targets(args), root=args.root, generate_one=one, report=_print)
    return Report(failed=code != 0)


def _diff(args: argparse.Namespace) -> Report:
    from .commands import diff

    target = _diff_target(args)
    old, new = diff.read_spec(args.old, root=args.root), diff.read_spec(args.new, root=args.root)
    return diff.report(diff.compare(old, new, target=target), output=args.format, fail_on=args.fail_on)


def _diff_target(args: argparse.Namespace) -> Target:
    # The configured target's name overrides shape the Python surface; without a config, defaults.
    for target in config_module.load_targets(args.root):
        if args.target in (None, target.name):
            return target
    if args.target:
        raise _usage(f"no target named {args.target!r} in {args.root / 'pyproject.toml'}")
    return config_module.ad_hoc((), out=Path("."), package="client")
