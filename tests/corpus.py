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
import math
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
UNSUPPORTED = frozenset(
    {"swagger2-oai-petstore.yaml", "swagger2-weaviate.json", "oai-v3.2-tags-example.yaml"}
)  # Swagger 2.0 and OpenAPI 3.2: refused, located
INVALID = frozenset({"hf-tgi.json", "letta-fastapi-fern.json", "openai.yaml"})  # refused strictly; lenient generates
EXAMPLES_PER_MODEL = 3
GENERATED_MODELS = 25  # models per spec that get hypothesis-generated instances when they have no example
TIMEOUT = 900


@dataclass
class Outcome:
    spec: str
    operations: int = 0
    models: int = 0
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
                outcome.ok = spec.name in UNSUPPORTED | INVALID
            elif _located(lenient.error):
                outcome.result = "refused (located), also in lenient mode"
                outcome.ok = spec.name in UNSUPPORTED
                outcome.detail += _messages(lenient.error)
            else:
                outcome.result = "refused; lenient: refused, NOT located"
                outcome.detail += _messages(lenient.error)
        if final is not None:
            outcome.models = final.models
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
    problems: list[str] = field(default_factory=list)


def _messages(error: Any) -> list[str]:
    return [d.format()[:300] for d in error.diagnostics[:3]]


def _located(error: Any) -> bool:
    return bool(error.diagnostics) and all(
        d.file and (d.line is not None or d.pointer not in ("", "#")) for d in error.diagnostics
    )


def _operations(spec: Path) -> int:
    from generator.spec.load import load

    data = load(spec).data
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    paths = data.get("paths") or {}
    return sum(1 for item in paths.values() if isinstance(item, dict) for m in item if m in methods)


def _attempt(spec: Path, out: Path, *, validate: bool) -> _Attempt:
    from generator import models as models_module
    from generator.config import ad_hoc, with_flags
    from generator.errors import GeneratorError
    from generator.pipeline import run
    from generator.write import write

    package = "corpus_" + "".join(c if c.isalnum() else "_" for c in spec.stem.lower())
    target = with_flags(ad_hoc([spec], out=out, package=package), validate=validate, distribution=False)
    captured: list[Any] = []
    original = models_module.generate_models

    def capture(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        captured.append(result)
        return result

    models_module.generate_models = capture
    try:
        result = run(target)
    except GeneratorError as exc:
        return _Attempt(error=exc)
    finally:
        models_module.generate_models = original
    write(out, result.files, package=package, inputs=result.spec_sha256)
    attempt = _Attempt(warnings=len(result.warnings))
    attempt.problems += _compile_all(out / package)
    if attempt.problems:
        return attempt
    models = captured[-1] if captured else None
    attempt.models = len(set(models.classes.values())) if models is not None else 0
    attempt.problems += _import_and_use(out, package, spec, models)
    return attempt


def _compile_all(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.rglob("*.py")):
        try:
            compile(path.read_text("utf-8"), str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(f"{path.name}:{exc.lineno}: {exc.msg}")
    return problems


def _import_and_use(out: Path, package: str, spec: Path, models: Any) -> list[str]:
    from generator.spec.load import load

    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(package)
        client_classes = [getattr(module, n) for n in module.__all__ if n.endswith("Client")]
        for cls in client_classes:
            parameters = inspect.signature(cls).parameters
            credentials = {p: "corpus" for p in ("api_key", "username", "password", "token") if p in parameters}
            client = cls(base_url="http://127.0.0.1:9", **credentials)
            closer = getattr(client, "close", None)
            if callable(closer):
                closer()
        if not client_classes:
            return ["the package exports no client class"]
        if models is None or not models.classes:
            return []
        generated = importlib.import_module(f"{package}.models")
        return _round_trips(load(spec).data, generated, models.classes)
    except Exception as exc:
        return [f"import/use failed: {type(exc).__name__}: {str(exc)[:300]}"]
    finally:
        sys.path.remove(str(out))


# --- round trips ------------------------------------------------------------------------------------------


def _round_trips(data: dict[str, Any], module: Any, classes: dict[str, str]) -> list[str]:
    from generator.spec.pointer import resolve

    problems: list[str] = []
    generated = 0
    for pointer, class_name in sorted(classes.items()):
        cls = getattr(module, class_name, None)
        if cls is None or not hasattr(cls, "from_dict") or not pointer.startswith("#/components/schemas/"):
            continue
        schema = resolve(data, pointer)
        if not isinstance(schema, dict):
            continue
        # A spec's example that contradicts its own schema says nothing about the client: only valid ones count.
        samples = [s for s in _examples(schema) if isinstance(s, dict) and _valid(s, schema, data)]
        samples = samples[:EXAMPLES_PER_MODEL]
        if not samples and generated < GENERATED_MODELS:
            samples = _generated(data, schema)
            generated += 1 if samples else 0
        for sample in samples:
            problem = _round_trip(cls, sample)
            if problem:
                problems.append(f"{class_name}: {problem}")
                break
        if len(problems) >= 5:
            break
    return problems


def _valid(sample: Any, schema: dict[str, Any], data: dict[str, Any]) -> bool:
    import jsonschema

    try:
        converted = _json_schema(schema, data)
        return not any(True for _ in jsonschema.Draft202012Validator(converted).iter_errors(sample))
    except Exception:
        return False


def _examples(schema: dict[str, Any]) -> list[Any]:
    found = []
    if "example" in schema:
        found.append(schema["example"])
    if isinstance(schema.get("examples"), list):
        found += schema["examples"]
    return found


def _round_trip(cls: Any, sample: dict[str, Any]) -> str:
    try:
        model = cls.from_dict(sample)
        wire = model.to_dict()
        again = cls.from_dict(wire).to_dict()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]} on {json.dumps(sample, default=str)[:200]}"
    if again != wire:
        return f"not stable: {json.dumps(wire, default=str)[:200]}"
    lost = [k for k, v in sample.items() if v is not None and k in _wire_names(cls) and k not in wire]
    if lost:
        return f"lost {lost} from {json.dumps(sample, default=str)[:200]}"
    if not _compatible(wire, sample):
        return f"changed {json.dumps(sample, default=str)[:150]} into {json.dumps(wire, default=str)[:150]}"
    return ""


def _wire_names(cls: Any) -> set[str]:
    import dataclasses

    return {f.metadata.get("wire", f.name) for f in dataclasses.fields(cls)}


def _compatible(out: Any, original: Any) -> bool:
    """`out` says the same as `original`, allowing for keys the model does not know and equivalent dates."""
    if isinstance(out, dict) and isinstance(original, dict):
        return all(k in original and _compatible(v, original[k]) for k, v in out.items())
    if isinstance(out, list) and isinstance(original, list):
        return len(out) == len(original) and all(_compatible(a, b) for a, b in zip(out, original, strict=True))
    if isinstance(out, str) and isinstance(original, str) and out != original:
        return _same_instant(out, original)
    if isinstance(out, float) and isinstance(original, float) and math.isnan(out) and math.isnan(original):
        return True
    return bool((out == original and type(out) is type(original)) or _numbers(out, original))


def _numbers(a: Any, b: Any) -> bool:
    numeric = (int, float)
    return isinstance(a, numeric) and isinstance(b, numeric) and not isinstance(a, bool) and a == b


def _same_instant(a: str, b: str) -> bool:
    import datetime

    def parse(text: str) -> Any:
        text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        for kind in (datetime.datetime, datetime.date, datetime.time):
            try:
                return kind.fromisoformat(text)
            except ValueError:
                continue
        return None

    first, second = parse(a), parse(b)
    return first is not None and first == second


def _generated(data: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """A few instances of the schema from hypothesis-jsonschema; none when it cannot handle the schema."""
    import warnings

    from hypothesis import HealthCheck, given, settings
    from hypothesis_jsonschema import from_schema

    found: list[Any] = []
    try:
        document = _json_schema(schema, data)
        strategy = from_schema(document)

        @settings(
            max_examples=EXAMPLES_PER_MODEL,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def collect(value: Any) -> None:
            if isinstance(value, dict):
                found.append(value)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            collect()
    except Exception:
        return []
    return found[:EXAMPLES_PER_MODEL]


def _json_schema(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI schema as JSON Schema: referenced components inlined, `nullable` made a type union."""

    def convert(node: Any, depth: int, seen: tuple[str, ...]) -> Any:
        if depth > 12:
            raise ValueError("too deep")
        if isinstance(node, list):
            return [convert(v, depth + 1, seen) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            from generator.spec.pointer import resolve

            if ref in seen:
                raise ValueError("recursive")
            return convert(resolve(data, ref), depth + 1, (*seen, ref))
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("example", "examples", "discriminator", "xml", "externalDocs", "deprecated") or key.startswith(
                "x-"
            ):
                continue
            if key in ("properties", "patternProperties", "$defs", "definitions"):
                out[key] = {k: convert(v, depth + 1, seen) for k, v in value.items()} if isinstance(value, dict) else {}
            else:
                out[key] = convert(value, depth + 1, seen)
        if out.pop("nullable", False) is True:
            kind = out.get("type")
            if isinstance(kind, str):
                out["type"] = [kind, "null"]
            elif "type" not in out and "enum" not in out:
                pass
        if out.get("readOnly") or out.get("writeOnly"):
            out.pop("readOnly", None)
            out.pop("writeOnly", None)
        if isinstance(out.get("exclusiveMinimum"), bool) or isinstance(out.get("exclusiveMaximum"), bool):
            for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
                if out.pop(exclusive, False) is True and bound in out:
                    out[exclusive] = out.pop(bound)
        return out

    converted = convert(schema, 0, ())
    if isinstance(converted, dict):
        converted.setdefault("type", "object")
    return converted  # type: ignore[no-any-return]


# --- the table --------------------------------------------------------------------------------------------


def table(outcomes: list[Outcome]) -> str:
    header = ("spec", "operations", "models", "seconds", "result")
    rows = [
        (o.spec, str(o.operations), str(o.models), f"{o.seconds:.1f}", ("ok  " if o.ok else "FAIL ") + o.result)
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
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        out = args.keep or Path(tempfile.mkdtemp(prefix="corpus-"))
        print(json.dumps(asdict(check_spec(args.worker, out))))
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
