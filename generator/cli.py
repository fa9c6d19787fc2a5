"""Command line → exit code: parses arguments, runs a command, prints diagnostics; never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import config as config_module
from .config import Target
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Diagnostic, GeneratorError

EPILOG = "exit codes: 0 ok, 1 invalid spec / drift / breaking change / failed write, 2 usage"


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
        return int(args.handler(args))
    except GeneratorError as exc:
        _print(exc.diagnostics)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate a typed Python client package from an OpenAPI document.",
        epilog=EPILOG,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    generate = commands.add_parser(
        "generate",
        help="write every configured target, or one spec given with --spec",
        description="Write the generated package for every target in pyproject.toml, or for --spec.",
        epilog=EPILOG,
    )
    _target_options(generate)
    generate.add_argument("--distribution", action="store_true", help="also write a pyproject.toml beside the package")
    generate.set_defaults(handler=_generate)

    check = commands.add_parser(
        "check",
        help="exit 1 when the generated package differs from what the spec produces",
        description="Compare the generated package on disk with what the spec produces now.",
        epilog=EPILOG,
    )
    _target_options(check)
    check.set_defaults(handler=_check, distribution=False)
    return parser


def _target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="only this target from [tool.generator.targets]")
    parser.add_argument("--spec", type=Path, action="append", help="a spec file or docs page (repeat to merge pages)")
    parser.add_argument("--out", type=Path, help="output folder (with --spec)")
    parser.add_argument("--package", help="package name (with --spec)")
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="lenient: report validation errors as warnings and generate anyway",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding pyproject.toml")


def targets(args: argparse.Namespace) -> list[Target]:
    """The targets a command acts on, with its flags applied."""
    if args.spec:
        if not args.out or not args.package:
            raise GeneratorError([Diagnostic("<command line>", None, "", "--spec needs --out and --package")], exit_code=EXIT_USAGE)
        from . import names

        if names.package_name(args.package) != args.package:
            raise GeneratorError(
                [Diagnostic("<command line>", None, "", f"--package {args.package!r} is not a valid Python package name")],
                exit_code=EXIT_USAGE,
            )
        chosen = [config_module.ad_hoc(args.spec, out=args.out, package=args.package)]
    else:
        loaded = config_module.load_config(args.root)
        chosen = [t for t in loaded.targets if args.target in (None, t.name)]
        if not chosen:
            what = f"no target named {args.target!r}" if args.target else "no targets configured"
            raise GeneratorError(
                [Diagnostic(str(args.root / "pyproject.toml"), None, "tool.generator", f"{what}; or pass --spec FILE --out DIR --package NAME")],
                exit_code=EXIT_USAGE,
            )
    return [config_module.with_flags(t, validate=args.validate, distribution=args.distribution) for t in chosen]


def _print(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def _generate(args: argparse.Namespace) -> int:
    from .pipeline import run
    from .write import write

    for target in targets(args):
        result = run(target)
        _print(result.warnings)
        report = write(target.out, result.files, package=target.package, inputs=result.spec_sha256)
        changed = len(report.written) + len(report.removed)
        print(f"{target.name}: {target.package_dir}: {changed} file(s) changed, {report.unchanged} unchanged", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .drift import drift

    status = EXIT_OK
    for target in targets(args):
        problems = drift(target)
        if problems:
            print(problems, end="")
            status = EXIT_FAILED
    return status
