"""Command line → exit code: parses arguments, runs a command, prints diagnostics; never a traceback."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from . import config as config_module
from . import names
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
    except Exception as exc:  # a bug in the generator still ends in one line, not a traceback
        print(
            f"internal error: {type(exc).__name__}: {exc} (a bug in the generator; please report it)", file=sys.stderr
        )
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate a typed Python client package from an OpenAPI document.",
        epilog=EPILOG,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # One entry per command; a new command is one more `_command(...)` call and a handler below.
    generate = _command(
        commands,
        "generate",
        _generate,
        "write every configured target, or one spec given with --spec",
        "Write the generated package for every target in pyproject.toml, or for --spec. A run whose inputs and "
        "output are unchanged since the last one (per the manifest) does nothing.",
    )
    _target_options(generate)
    _distribution_option(generate)

    check = _command(
        commands,
        "check",
        _check,
        "exit 1 when the generated package differs from what the spec produces",
        "Compare the generated package on disk with what the spec produces now; print a diff and the fix.",
    )
    _target_options(check)
    _distribution_option(check)
    check.add_argument(
        "--full",
        action="store_true",
        help="always render and compare, even when the manifest shows unchanged inputs and files (for CI)",
    )

    watch = _command(
        commands,
        "watch",
        _watch,
        "regenerate whenever the spec, templates or configuration change (Ctrl-C stops)",
        "Generate, then regenerate on every change to the spec, templates/ or pyproject.toml. An invalid spec "
        "prints its error and keeps the last good output.",
    )
    _target_options(watch)
    _distribution_option(watch)

    diff = _command(
        commands,
        "diff",
        _diff,
        "report the changes between two specs: HTTP contract and generated Python API",
        "Compare two specs (files, or git:REV:path) and classify each change as breaking or non-breaking, "
        "in the HTTP contract and in the generated package; ends with a suggested semver bump.",
    )
    recover = _command(
        commands,
        "recover",
        _recover,
        "write the OpenAPI document of a docs page (or flattened YAML) as indented YAML",
        "Read a Markdown docs page with an embedded OpenAPI document, or a YAML file, rebuild the structure of "
        "YAML that lost its indentation, and write the document as indented YAML for review.",
    )
    recover.add_argument("page", type=Path, help="the docs page or YAML file")
    recover.add_argument("-o", "--output", type=Path, help="write here instead of standard output")

    diff.add_argument("old", help="the old spec: a file, or git:REV:path")
    diff.add_argument("new", help="the new spec: a file, or git:REV:path")
    diff.add_argument("--target", help="name overrides from this configured target (default: the default target)")
    diff.add_argument("--root", type=Path, default=Path("."), help="project folder holding pyproject.toml")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "any"),
        help="exit 1 when a breaking change (or any change) is found; without it the report never fails",
    )
    return parser


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Callable[[argparse.Namespace], int],
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=summary, description=description, epilog=EPILOG)
    parser.set_defaults(handler=handler)
    return parser


def _distribution_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--distribution", action="store_true", help="also write a pyproject.toml beside the package")


def _target_options(parser: argparse.ArgumentParser) -> None:
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
        help="neither read nor write the user cache of validation results and formatted code",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding pyproject.toml")


def targets(args: argparse.Namespace) -> list[Target]:
    """The targets a command acts on, with its flags applied."""
    if args.package and names.package_name(args.package) != args.package:
        raise _usage(f"--package {args.package!r} is not a valid Python package name")
    if args.spec:
        if not args.out or not args.package:
            raise _usage("--spec needs --out and --package")
        chosen = [config_module.ad_hoc(args.spec, out=args.out, package=args.package)]
    else:
        loaded = config_module.load_config(args.root)
        chosen = [t for t in loaded.targets if args.target in (None, t.name)]
        if not chosen:
            what = f"no target named {args.target!r}" if args.target else "no targets configured"
            raise GeneratorError(
                [
                    Diagnostic(
                        str(args.root / "pyproject.toml"),
                        None,
                        "tool.generator",
                        f"{what}; or pass --spec FILE --out DIR --package NAME",
                    )
                ],
                exit_code=EXIT_USAGE,
            )
        if args.out or args.package:
            # Vendoring a configured target: its spec and names, written elsewhere under another package name.
            if len(chosen) > 1:
                raise _usage("--out and --package need --target when several targets are configured")
            chosen = [replace(chosen[0], out=args.out or chosen[0].out, package=args.package or chosen[0].package)]
    flags = {"validate": args.validate, "distribution": args.distribution, "cache": args.cache}
    return [config_module.with_flags(t, **flags) for t in chosen]


def _usage(message: str) -> GeneratorError:
    return GeneratorError([Diagnostic("<command line>", None, "", message)], exit_code=EXIT_USAGE)


def _print(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def _recover(args: argparse.Namespace) -> int:
    from .load import load

    doc = load(args.page)
    if doc.text.lstrip().startswith("{"):
        import yaml

        text = yaml.safe_dump(doc.data, sort_keys=False, allow_unicode=True, width=100)
    else:
        text = doc.text if doc.text.endswith("\n") else doc.text + "\n"
    note = "recovered the structure of its flattened YAML" if doc.recovered else "its YAML was already indented"
    if args.output is None:
        sys.stdout.write(text)
    else:
        from .write import write_text

        write_text(args.output, text)
    print(f"{args.page}: {note}" + (f"; wrote {args.output}" if args.output else ""), file=sys.stderr)
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    for target in targets(args):
        print(generate_target(target), file=sys.stderr)
    return EXIT_OK


def generate_target(target: Target) -> str:
    """Generate one target, print its warnings, and return the one-line summary."""
    # Imported here so that a no-op run stays light: pipeline.generate imports the heavy stages only when
    # the manifest shows a change.
    from .pipeline import generate

    report, warnings = generate(target)
    _print(warnings)
    if report.skipped:
        return f"{target.name}: {target.package_dir}: up to date ({report.unchanged} file(s), inputs unchanged)"
    changed = len(report.written) + len(report.removed)
    return f"{target.name}: {target.package_dir}: {changed} file(s) changed, {report.unchanged} unchanged"


def _check(args: argparse.Namespace) -> int:
    from .drift import drift, unchanged

    status = EXIT_OK
    for target in targets(args):
        if not args.full and unchanged(target):
            print(
                f"{target.name}: {target.package_dir}: up to date (inputs and files as the manifest records)",
                file=sys.stderr,
            )
            continue
        problems = drift(target, command=_fix_command(args, target))
        if problems:
            print(problems, end="")
            status = EXIT_FAILED
        else:
            print(f"{target.name}: {target.package_dir}: up to date", file=sys.stderr)
    return status


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
    return shlex.join(words)


def _watch(args: argparse.Namespace) -> int:
    from .watch import watch

    return watch(lambda: targets(args), root=args.root, generate_one=generate_target, report=_print)


def _diff(args: argparse.Namespace) -> int:
    from .diff import compare, exit_code, format_json, format_text, read_spec

    target = _diff_target(args)
    old, new = read_spec(args.old, root=args.root), read_spec(args.new, root=args.root)
    report = compare(old, new, target=target)
    print(format_json(report) if args.format == "json" else format_text(report), end="")
    return exit_code(report, fail_on=args.fail_on)


def _diff_target(args: argparse.Namespace) -> Target:
    # The configured target's name overrides shape the Python surface; without a config, defaults.
    loaded = config_module.load_config(args.root)
    for target in loaded.targets:
        if args.target in (None, target.name):
            return target
    if args.target:
        raise _usage(f"no target named {args.target!r} in {args.root / 'pyproject.toml'}")
    return config_module.ad_hoc((), out=Path("."), package="client")
