"""`make corpus`: generate every spec in ../shared/corpus, compile, import, build the client, round-trip models.

    python -m tests.corpus            # small and medium specs (CI)
    python -m tests.corpus --all      # also GitHub, OpenAI, Twilio and Asana
    python -m tests.corpus --only spotify.yaml --keep /tmp/out

Each spec runs in its own process (one crash or memory spike cannot hide the others). A spec passes when it
generates and every check holds; an invalid or unsupported spec passes when it is refused with located
messages and, in lenient mode (--no-validate), either generates and passes the same checks or is refused
with located messages again. Exit status 1 when any spec does not pass.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
# The specs `make corpus-all` adds; `make corpus` and the default test run leave them out.
# Over 1.5 MB: minutes each (Letta mostly in openapi-spec-validator), so only `make corpus-all` runs them.
BIG = frozenset(
    {"github-rest-2020.json", "openai.yaml", "twilio-api-v2010.json", "asana.yaml", "letta-fastapi-fern.json"}
)
# What each spec is expected to do in strict mode; the rest must generate.
UNSUPPORTED = frozenset({"swagger2-oai-petstore.yaml", "swagger2-weaviate.json"})  # Swagger 2.0: refused, located
# Refused strictly; lenient generates (OpenAPI 3.2 is read as 3.1 is, its new fields aside).
# privategpt: 40 discriminator mapping values name schemas the document does not have (`TLDRBlock-Input`).
INVALID = frozenset(
    {
        "hf-tgi.json",
        "letta-fastapi-fern.json",
        "openai.yaml",
        "oai-v3.2-tags-example.yaml",
        "privategpt-fastapi-fern.json",
    }
)
TIMEOUT = 900
# `mypy --strict` on every generated package; `--no-mypy` (or CORPUS_MYPY=0) leaves it out for a quick look.
MYPY = os.environ.get("CORPUS_MYPY", "1") != "0"


@dataclass
class Outcome:
    spec: str
    operations: int = 0
    models: int = 0
    examples: str = ""  # "faithful/valid": the spec's own examples that survive decode and encode exactly
    paginated: int = 0
    streaming: int = 0
    any_hints: int = 0  # parameters and returns typed Any in the client's signatures
    mypy: str = ""
    seconds: float = 0.0
    result: str = ""
    ok: bool = False
    detail: list[str] = field(default_factory=list)


def specs(*, everything: bool, only: list[str] | None = None) -> list[Path]:
    found = sorted(
        (p for p in CORPUS.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")),
        key=lambda p: (p.stat().st_size, p.name),
    )
    if only:
        return [p for p in found if p.name in only]
    return [p for p in found if everything or p.name not in BIG]


# --- one spec, in a worker process ------------------------------------------------------------------------


def check_spec(spec: Path, out: Path) -> Outcome:
    """Generate `spec` into `out` and run every check; never raises."""
    from generator.errors import GeneratorError

    started = time.monotonic()
    outcome = Outcome(spec.name)
    try:
        outcome.operations = _operations(spec)
        strict = _attempt(spec, out, validate=True)
        final: _Attempt | None = None
        if strict.error is None:
            final, outcome.result = strict, "generated"
            outcome.ok = spec.name not in UNSUPPORTED | INVALID
            if not outcome.ok:
                outcome.detail.append("expected a located refusal in strict mode")
        elif not _located(strict.error):
            outcome.result = "refused, NOT located"
            outcome.detail += _messages(strict.error)
        else:
            outcome.detail += _messages(strict.error)
            lenient = _attempt(spec, out, validate=False)
            if lenient.error is None:
                final, outcome.result = lenient, f"refused; lenient: generated ({lenient.warnings} warnings)"
                outcome.ok = spec.name in INVALID
            elif _located(lenient.error):
                outcome.result = "refused (located), also in lenient mode"
                outcome.ok = spec.name in UNSUPPORTED
                outcome.detail += _messages(lenient.error)
            else:
                outcome.result = "refused; lenient: refused, NOT located"
                outcome.detail += _messages(lenient.error)
        if final is not None:
            outcome.models = final.models
            outcome.examples, outcome.mypy = final.examples, final.mypy
            outcome.paginated, outcome.streaming, outcome.any_hints = final.paginated, final.streaming, final.any_hints
            if final.problems:
                outcome.ok = False
                outcome.result += f"; {len(final.problems)} check(s) failed"
                outcome.detail += final.problems
    except GeneratorError as exc:  # a stage outside the pipeline's own handling
        outcome.result = "refused"
        outcome.detail.append(str(exc)[:300])
    except BaseException as exc:
        outcome.result = f"CRASH {type(exc).__name__}"
        outcome.detail.append(f"{type(exc).__name__}: {str(exc)[:300]}")
    outcome.seconds = round(time.monotonic() - started, 1)
    return outcome


@dataclass
class _Attempt:
    error: Any = None  # GeneratorError
    warnings: int = 0
    models: int = 0
    examples: str = ""
    paginated: int = 0
    streaming: int = 0
    any_hints: int = 0
    mypy: str = ""
    problems: list[str] = field(default_factory=list)


def _messages(error: Any) -> list[str]:
    return [d.format()[:300] for d in error.diagnostics[:3]]


def _located(error: Any) -> bool:
    return bool(error.diagnostics) and all(
        d.file and (d.line is not None or d.pointer not in ("", "#")) for d in error.diagnostics
    )


def _operations(spec: Path) -> int:
    from generator.spec import load_spec, openapi

    return sum(1 for _ in openapi.operations(load_spec([spec]).data))


def _attempt(spec: Path, out: Path, *, validate: bool) -> _Attempt:
    from generator.config import ad_hoc, with_flags
    from generator.errors import GeneratorError
    from generator.pipeline import run
    from generator.write import write

    package = "corpus_" + "".join(c if c.isalnum() else "_" for c in spec.stem.lower())
    target = with_flags(ad_hoc([spec], out=out, package=package), validate=validate, distribution=False)
    try:
        result = run(target)
    except GeneratorError as exc:
        return _Attempt(error=exc)
    write(out, result.files, package=package, inputs=result.spec_sha256)
    attempt = _Attempt(warnings=len(result.warnings))
    attempt.problems += _compile_all(out / package)
    if attempt.problems:
        return attempt
    attempt.problems += _black_whole(out / package)
    models, ir = result.models, result.package
    attempt.models = len(set(models.classes.values())) if models is not None else 0
    if ir is not None:
        operations = [op for resource in ir.client.resources for op in resource.operations]
        operations += list(getattr(ir.client, "operations", ()))
        attempt.paginated = sum(1 for op in operations if getattr(op, "pager", None))
        attempt.streaming = sum(1 for op in operations if getattr(op, "sse", None))
    attempt.any_hints = _any_hints(result.files.get(f"{package}/client.py", ""))
    attempt.problems += _import_and_use(out, package, result, attempt)
    if MYPY and not attempt.problems:
        attempt.mypy = _mypy(out, package)
        if attempt.mypy != "clean":
            attempt.problems.append(f"mypy --strict: {attempt.mypy}")
    return attempt


def _any_hints(client: str) -> int:
    """Parameters and return types that are `Any` (or `Any | None`) in the client's methods: a spec that gives
    a type must get it."""
    import ast

    if not client:
        return 0
    count = 0
    for node in ast.walk(ast.parse(client)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = [*node.args.args, *node.args.kwonlyargs]
            hints = [a.annotation for a in args if a.annotation is not None] + [node.returns]
            count += sum(1 for h in hints if h is not None and _is_any(ast.unparse(h)))
    return count


def _is_any(text: str) -> bool:
    parts = {part.strip() for part in text.split("|")} - {"None"}
    return bool(parts) and parts <= {"Any", "typing.Any"}


def _mypy(out: Path, package: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "-p", package],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return "clean"
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    return f"{len(errors)} error(s), first: {errors[0][:200] if errors else done.stdout[-200:]}"


def _compile_all(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.rglob("*.py")):
        try:
            compile(path.read_text("utf-8"), str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(f"{path.name}:{exc.lineno}: {exc.msg}")
    return problems


def _black_whole(folder: Path) -> list[str]:
    """Each module as written (formatted block by block, in parallel, from the cache) against one black pass
    over the whole file, in the pinned version and mode: the two must give the same bytes."""
    from generator.format import format_source

    problems = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text("utf-8")
        whole = format_source(text)
        if whole != text:
            ours, black = text.splitlines(), whole.splitlines()
            line = next(
                (i for i, (a, b) in enumerate(zip(ours, black, strict=False), 1) if a != b),
                min(len(ours), len(black)) + 1,
            )
            problems.append(f"{path.name}:{line}: black over the whole file changes it (black --check fails)")
    return problems


def _import_and_use(out: Path, package: str, result: Any, attempt: _Attempt) -> list[str]:
    from tests import faithful

    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(package)
        client_classes = [getattr(module, n) for n in module.__all__ if n.endswith("Client")]
        if not client_classes:
            return ["the package exports no client class"]
        for cls in client_classes:
            # Every credential keyword given: a secret must never show in the client's repr.
            settings = {"base_url", "timeout", "max_retries", "max_response_bytes", "http_client"}
            secrets = {n: "corpus-secret" for n in inspect.signature(cls).parameters if n not in settings}
            client = cls(base_url="http://127.0.0.1:9", **secrets)
            if "corpus-secret" in repr(client):
                return [f"{cls.__name__}'s repr shows a credential"]
            closer = getattr(client, "close", None)
            if callable(closer):
                closer()
        if result.models is None or not result.models.classes:
            return []
        report = faithful.check(result.document.data, result.models, importlib.import_module(f"{package}.models"))
        attempt.examples = f"{report.faithful}/{report.valid}"
        return [f"example {problem}" for problem in report.problems[:5]]
    except Exception as exc:
        return [f"import/use failed: {type(exc).__name__}: {str(exc)[:300]}"]
    finally:
        sys.path.remove(str(out))


# --- the table --------------------------------------------------------------------------------------------


def table(outcomes: list[Outcome]) -> str:
    header = ("spec", "ops", "models", "examples", "paginated", "streaming", "Any", "mypy", "seconds", "result")
    rows = [
        (
            o.spec,
            str(o.operations),
            str(o.models),
            o.examples or "-",
            str(o.paginated),
            str(o.streaming),
            str(o.any_hints),
            o.mypy if o.mypy in ("", "clean") else "errors",
            f"{o.seconds:.1f}",
            ("ok  " if o.ok else "FAIL ") + o.result,
        )
        for o in outcomes
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows]
    return "\n".join(lines)


def run_worker(spec: Path, out: Path) -> Outcome:
    """Run one spec in a fresh interpreter and read back its outcome."""
    command = [sys.executable, "-m", "tests.corpus", "--worker", str(spec), "--keep", str(out)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "0"}
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(spec.name, seconds=round(time.monotonic() - started, 1), result=f"TIMEOUT after {TIMEOUT}s")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return Outcome(**json.loads(line))
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return Outcome(
        spec.name, seconds=round(time.monotonic() - started, 1), result=f"CRASH exit {done.returncode}", detail=tail
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--all", action="store_true", help="include the big specs (GitHub, OpenAI, Twilio, Asana, Letta)"
    )
    parser.add_argument("--only", action="append", help="just this corpus file (repeatable)")
    parser.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--keep", type=Path, help="write the packages here instead of a temporary folder")
    parser.add_argument("--json", type=Path, help="also write the outcomes as JSON")
    parser.add_argument("--no-mypy", action="store_true", help="leave out mypy --strict on each package")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.no_mypy:
        os.environ["CORPUS_MYPY"] = "0"  # the workers read it
    if args.worker:
        out = args.keep or Path(tempfile.mkdtemp(prefix="corpus-"))
        print(json.dumps(asdict(check_spec(args.worker, out))))
        return 0
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: no corpus spec to check", file=sys.stderr)
        return 0
    chosen = specs(everything=args.all, only=args.only)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        root = args.keep or Path(scratch)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_worker, spec, root / spec.stem): spec for spec in chosen}
            for future in concurrent.futures.as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                mark = "ok" if outcome.ok else "FAIL"
                print(
                    f"[{len(outcomes)}/{len(chosen)}] {outcome.spec}: {mark} {outcome.result} ({outcome.seconds:.1f}s)",
                    file=sys.stderr,
                    flush=True,
                )
    order = {spec.name: i for i, spec in enumerate(chosen)}
    outcomes.sort(key=lambda o: order[o.spec])
    print(table(outcomes))
    for outcome in outcomes:
        if not outcome.ok:
            print(f"\n{outcome.spec}:", *(f"  {line}" for line in outcome.detail), sep="\n")
    print(f"\n{sum(o.ok for o in outcomes)}/{len(outcomes)} passed in {time.monotonic() - started:.0f}s")
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
