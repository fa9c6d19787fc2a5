"""Benchmark: this generator against openapi-python-client and datamodel-code-generator, side by side.

Run by `make bench` (which installs the peers into bench/.venv-peers). Every case runs --repeat times, tools
alternating; the table (medians, ratios, peak memory, output size) goes to stdout and bench/results.md, the raw
numbers to bench/results.json, the plot to bench/results.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = REPO.parent / "shared" / "corpus"
PROJECT_PY = REPO / ".venv" / "bin" / "python"
PEERS = BENCH / ".venv-peers" / "bin"
TIMEOUT = 1800


@dataclass(frozen=True)
class Spec:
    name: str
    path: Path
    validate: bool  # False: the spec does not pass openapi-spec-validator, so this generator runs --no-validate


SPECS = [
    Spec("thymia", REPO / "spec" / "thymia.openapi.yaml", True),
    Spec("oai-petstore", CORPUS / "oai-petstore.yaml", True),
    Spec("prefect", CORPUS / "prefect-fastapi.json", True),
    Spec("github-2020", CORPUS / "github-rest-2020.json", True),
    Spec("openai", CORPUS / "openai.yaml", False),
]
OURS = ("cold", "noop", "edit", "check")
PEER_TOOLS = ("openapi-python-client", "datamodel-codegen")


@dataclass
class Sample:
    seconds: float
    peak_kb: int
    ok: bool
    note: str = ""


@dataclass
class Case:
    samples: list[Sample] = field(default_factory=list)
    out_bytes: int = 0
    out_files: int = 0
    compiles: bool | None = None

    @property
    def median(self) -> float | None:
        good = [s.seconds for s in self.samples if s.ok]
        return statistics.median(good) if good and len(good) == len(self.samples) else None

    @property
    def peak_mb(self) -> float:
        return max((s.peak_kb for s in self.samples), default=0) / 1024

    @property
    def failure(self) -> str:
        return next((s.note for s in self.samples if not s.ok), "")


TIME = Path("/usr/bin/time")


def run(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Wall time and peak RSS (of the process and all it waited for: format workers, ruff hooks).

    Peak RSS comes from GNU time when it is there: a process forked from this (large) one inherits its
    high-water mark, so wait4's ru_maxrss never reads below this process's own size."""
    handle, memory = tempfile.mkstemp(prefix="bench-rss-")
    os.close(handle)
    if TIME.exists():
        argv = [str(TIME), "-q", "-f", "%M", "-o", memory, *argv]
    try:
        sample = _run(argv, cwd=cwd, env=env)
        measured = Path(memory).read_text().strip().splitlines()
        if TIME.exists() and measured and measured[-1].isdigit():
            sample.peak_kb = int(measured[-1])
        return sample
    finally:
        Path(memory).unlink(missing_ok=True)


def _run(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Sample:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        deadline = start + TIMEOUT
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)  # the tool and everything it started
                pid, status, usage = os.wait4(process.pid, 0)
                return Sample(time.perf_counter() - start, usage.ru_maxrss, False, f"timeout after {TIMEOUT} s")
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()
    ok = process.returncode == 0
    note = "" if ok else f"exit {process.returncode}: {(tail or [''])[-1][:160]}"
    return Sample(seconds, usage.ru_maxrss, ok, note)


def output_stats(root: Path) -> tuple[int, int, bool]:
    """Bytes and number of generated .py files, and whether every one of them compiles."""
    files = [p for p in root.rglob("*.py") if ".venv" not in p.parts]
    compiles = True
    for path in files:
        try:
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            compiles = False
    return sum(p.stat().st_size for p in files), len(files), compiles


class Bench:
    def __init__(self, work: Path, *, peers: bool) -> None:
        self.work = work
        self.peers = peers
        self.cache = work / "cache"
        self.env = {**os.environ, "OPENAPI_PYGEN_CACHE_DIR": str(self.cache), "PYTHONHASHSEED": "0"}
        self.peer_env = {**os.environ, "PATH": f"{PEERS}{os.pathsep}{os.environ.get('PATH', '')}"}
        self.results: dict[str, dict[str, Case]] = {}
        # A frozen copy of the generator: edits made in the checkout during a long run neither mix two versions
        # into one table nor invalidate the no-op case (the manifest fingerprints the generator's sources).
        self.code = work / "snapshot"
        shutil.rmtree(self.code, ignore_errors=True)
        for part in ("generator", "templates"):
            shutil.copytree(REPO / part, self.code / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(REPO / "pyproject.toml", self.code / "pyproject.toml")
        # Byte-compiled, as an installed package is (pip compiles what it installs, the peers included): the
        # first timed run would otherwise be the one that compiles the generator's modules.
        subprocess.run([str(PROJECT_PY), "-m", "compileall", "-q", str(self.code / "generator")], check=True)

    def case(self, spec: Spec, tool: str) -> Case:
        return self.results.setdefault(spec.name, {}).setdefault(tool, Case())

    def ours(self, command: str, spec_file: Path, out: Path, spec: Spec, *extra: str) -> list[str]:
        argv = [str(PROJECT_PY), "-m", "generator", command, "--spec", str(spec_file), "--out", str(out)]
        argv += ["--package", "bench_client", *extra]
        return argv + ([] if spec.validate else ["--no-validate"])

    def rep(self, spec: Spec, index: int) -> None:
        tools = ["ours", *PEER_TOOLS] if self.peers else ["ours"]
        shift = index % len(tools)
        for tool in tools[shift:] + tools[:shift]:  # alternate which tool runs first
            if tool == "ours":
                self.rep_ours(spec, index)
            else:
                self.rep_peer(spec, tool)

    def rep_ours(self, spec: Spec, index: int) -> None:
        out = self.work / "ours" / spec.name
        shutil.rmtree(out, ignore_errors=True)
        cold = self.case(spec, "cold")
        cold.samples.append(run(self.ours("generate", spec.path, out, spec, "--no-cache"), cwd=self.code, env=self.env))
        if not cold.samples[-1].ok:
            for kind in OURS[1:]:
                self.case(spec, kind).samples.append(Sample(0, 0, False, "cold generation failed"))
            return
        cold.out_bytes, cold.out_files, cold.compiles = output_stats(out)
        self.case(spec, "noop").samples.append(
            run(self.ours("generate", spec.path, out, spec), cwd=self.code, env=self.env)
        )
        check = self.ours("check", spec.path, out, spec)
        if index == 0:
            run(check, cwd=self.code, env=self.env)  # untimed: fills the user cache, as any earlier run would have
        self.case(spec, "check").samples.append(run(check, cwd=self.code, env=self.env))
        try:
            sample = self.edit(spec, index)
        except Exception as exc:  # a failed case is a row in the table, never a lost run
            sample = Sample(0, 0, False, f"edit: {type(exc).__name__}: {exc}"[:160])
        self.case(spec, "edit").samples.append(sample)

    def edit(self, spec: Spec, index: int) -> Sample:
        """Regenerate after adding one property to one schema, from a tree (and cache) generated before it."""
        data = _load(spec.path)
        edited = self.work / "edit" / f"{spec.name}.json"
        out = self.work / "edit-out" / spec.name
        edited.parent.mkdir(parents=True, exist_ok=True)
        edited.write_text(json.dumps(data, indent=1, default=str), "utf-8")  # YAML dates become strings
        before = run(self.ours("generate", edited, out, spec), cwd=self.code, env=self.env)  # untimed
        if not before.ok:
            return Sample(0, 0, False, f"before the edit: {before.note}")
        schema = _schema_to_edit(data)
        if schema is None:
            return Sample(0, 0, False, "no object schema to edit")
        schema["properties"][f"bench_edit_{index}"] = {"type": "string", "description": f"Added by edit {index}."}
        edited.write_text(json.dumps(data, indent=1, default=str), "utf-8")
        return run(self.ours("generate", edited, out, spec), cwd=self.code, env=self.env)

    def rep_peer(self, spec: Spec, tool: str) -> None:
        out = self.work / tool / spec.name
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        if tool == "openapi-python-client":
            argv = [str(PEERS / tool), "generate", "--path", str(spec.path), "--output-path", str(out / "client")]
            argv += ["--overwrite"]
        else:
            # Dataclasses, like this generator's models; black + isort are its default formatters.
            argv = [str(PEERS / tool), "--input", str(spec.path), "--input-file-type", "openapi"]
            argv += ["--output", str(out / "models.py"), "--output-model-type", "dataclasses.dataclass"]
            argv += ["--formatters", "black", "isort"]
        case = self.case(spec, tool)
        sample = run(argv, cwd=out, env=self.peer_env)
        size, count, compiles = output_stats(out)
        if not sample.ok and count:
            # openapi-python-client exits 1 when it skipped parts of the spec, yet writes the rest: timed as a run.
            sample = Sample(sample.seconds, sample.peak_kb, True, sample.note)
        case.samples.append(sample)
        if sample.ok:
            case.out_bytes, case.out_files, case.compiles = size, count, compiles


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        return dict(json.loads(text))
    import yaml  # the project venv's, which runs this script

    return dict(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _schema_to_edit(data: dict[str, Any]) -> dict[str, Any] | None:
    """The first component schema with properties: the one-schema edit a maintainer makes."""
    for schema in ((data.get("components") or {}).get("schemas") or {}).values():
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict) and schema["properties"]:
            return schema
    return None


# --- generated-code runtime ------------------------------------------------------------------------------------

SERDE = r"""
import json, sys, time, importlib
sys.path.insert(0, sys.argv[1])
module = importlib.import_module(sys.argv[2])
cls = getattr(module, sys.argv[3])
data = json.loads(open(sys.argv[4]).read())
loops = int(sys.argv[5])
obj = cls.from_dict(data)
def best(fn):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        times.append(time.perf_counter() - start)
    return loops / min(times)
print(json.dumps({"from_dict": best(lambda: cls.from_dict(data)), "to_dict": best(lambda: obj.to_dict()),
                  "fields": len(data)}))
"""


def serde(bench: Bench, *, loops: int) -> dict[str, Any]:
    """from_dict/to_dict throughput on GitHub's `full-repository` with its documented example payload."""
    spec = next(s for s in SPECS if s.name == "github-2020")
    data = _load(spec.path)
    example = data["components"]["examples"]["full-repository"]["value"]
    payload = bench.work / "full-repository.json"
    payload.write_text(json.dumps(example), "utf-8")
    script = bench.work / "serde.py"
    script.write_text(SERDE, "utf-8")
    found: dict[str, Any] = {}
    ours = bench.work / "ours" / spec.name
    opc = next(
        (p.parent.parent for p in (bench.work / "openapi-python-client" / spec.name).rglob("full_repository.py")), None
    )
    runs = [("ours", PROJECT_PY, ours, "bench_client.models")]
    if opc is not None and bench.peers:
        runs.append(("openapi-python-client", PEERS / "python", opc, f"{opc.name}.models.full_repository"))
    for tool, python, root, module in runs:
        argv = [str(python), str(script), str(root.parent if tool != "ours" else root), module, "FullRepository"]
        argv += [str(payload), str(loops)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=bench.env)
        tail = (done.stderr.strip().splitlines() or [""])[-1]
        found[tool] = json.loads(done.stdout) if done.returncode == 0 else {"error": tail[:200]}
    return found


# --- report ----------------------------------------------------------------------------------------------------


def _seconds(value: float | None, case: Case | None = None) -> str:
    if value is None:
        return f"fail ({case.failure})" if case and case.failure else "–"
    warned = case is not None and any(s.note for s in case.samples)
    return (f"{value:.2f}" if value < 10 else f"{value:.1f}") + (" ²" if warned else "")


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n else "–"


def report(bench: Bench, specs: list[Spec], serde_result: dict[str, Any], *, repeat: int) -> str:
    r = bench.results
    lines = [
        f"Wall time in seconds, median of {repeat} run(s), tools alternating; machine: {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}. Ratios are this generator's time over the peer's (below 1 is faster).",
        "",
        "| spec | size | ours cold (--no-cache) | ours no-op | ours edit | ours check | openapi-python-client 0.29.1 "
        "| datamodel-codegen 0.89.0 | cold / OPC | cold / DCG | no-op / faster peer | check / faster peer "
        "| edit / ours cold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for spec in specs:
        c = r.get(spec.name, {})
        med = {k: v.median for k, v in c.items()}
        peers = [med.get(t) for t in PEER_TOOLS if med.get(t) is not None]
        faster = min(peers) if peers else None
        flag = "" if spec.validate else " ¹"
        lines.append(
            f"| {spec.name}{flag} | {spec.path.stat().st_size / 1024:,.0f} KB | "
            + " | ".join(_seconds(med.get(k), c.get(k)) for k in (*OURS, *PEER_TOOLS))
            + f" | {_ratio(med.get('cold'), med.get(PEER_TOOLS[0]))}"
            + f" | {_ratio(med.get('cold'), med.get(PEER_TOOLS[1]))}"
            + f" | {_ratio(med.get('noop'), faster)} | {_ratio(med.get('check'), faster)}"
            + f" | {_ratio(med.get('edit'), med.get('cold'))} |"
        )
    lines += [
        "",
        "¹ does not pass openapi-spec-validator: this generator runs with `--no-validate` (errors become warnings).",
        "² exited non-zero after writing its output (openapi-python-client: parts of the spec it could not generate).",
        "",
        "Output and peak memory (largest resident set of the tool and the processes it waited for):",
        "",
        "| spec | ours: output | ours: compiles | ours: peak (cold) | OPC: output | OPC: compiles | OPC: peak "
        "| DCG: output | DCG: peak |",
        "|---|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for spec in specs:
        c = r.get(spec.name, {})
        cold, opc, dcg = c.get("cold", Case()), c.get(PEER_TOOLS[0], Case()), c.get(PEER_TOOLS[1], Case())

        def yes(case: Case) -> str:
            return "–" if case.compiles is None else ("yes" if case.compiles else "**no**")

        lines.append(
            f"| {spec.name} | {_kb(cold.out_bytes)} in {cold.out_files} files | {yes(cold)} | {cold.peak_mb:,.0f} MB "
            f"| {_kb(opc.out_bytes)} in {opc.out_files} files | {yes(opc)} | {opc.peak_mb:,.0f} MB "
            f"| {_kb(dcg.out_bytes)} | {dcg.peak_mb:,.0f} MB |"
        )
    lines += [
        "",
        "Generated-code runtime, GitHub `full-repository` model from its documented example (calls per second):",
        "",
    ]
    lines += ["| generated by | from_dict / s | to_dict / s |", "|---|---:|---:|"]
    for tool, values in serde_result.items():
        if "error" in values:
            lines.append(f"| {tool} | fail ({values['error']}) | |")
        else:
            lines.append(f"| {tool} | {values['from_dict']:,.0f} | {values['to_dict']:,.0f} |")
    lines += ["", *targets(bench, specs, serde_result)]
    return "\n".join(lines) + "\n"


def targets(bench: Bench, specs: list[Spec], serde_result: dict[str, Any]) -> list[str]:
    r = bench.results

    def med(spec: str, tool: str) -> float | None:
        case = r.get(spec, {}).get(tool)
        return case.median if case else None

    def faster_peer(spec: str) -> float | None:
        found = [m for t in PEER_TOOLS if (m := med(spec, t)) is not None]
        return min(found) if found else None

    def peak(spec: str, tool: str) -> float | None:
        case = r.get(spec, {}).get(tool)
        return case.peak_mb if case and case.samples else None

    # The targets the project holds itself to: cold no slower than either peer anywhere; an edit and a no-op a
    # small fraction of a cold run; no more memory than openapi-python-client on the largest specs.
    rows: list[tuple[str, bool | None, str]] = []
    for spec in specs:
        cold, budget = med(spec.name, "cold"), faster_peer(spec.name)
        ok = None if cold is None or budget is None else cold <= budget
        rows.append((f"cold on {spec.name} ≤ 1.0× the faster peer", ok, _ratio(cold, budget)))
    for spec in specs:
        if spec.name in ("prefect", "github-2020", "openai"):
            cold, edit = med(spec.name, "cold"), med(spec.name, "edit")
            ok = None if cold is None or edit is None else edit <= 0.2 * cold
            rows.append((f"edit on {spec.name} ≤ 0.2× ours cold", ok, _ratio(edit, cold)))
    if any(s.name == "thymia" for s in specs):
        noop, opc = med("thymia", "noop"), med("thymia", "openapi-python-client")
        ok = None if noop is None or opc is None else noop <= 0.1 * opc
        rows.append(("no-op on thymia ≤ 0.1× openapi-python-client's cold", ok, _ratio(noop, opc)))
    for spec in specs:
        if spec.name in ("github-2020", "openai"):
            ours, opc = peak(spec.name, "cold"), peak(spec.name, "openapi-python-client")
            ok = None if ours is None or opc is None else ours <= opc
            rows.append((f"peak memory on {spec.name} ≤ openapi-python-client's", ok, _ratio(ours, opc)))
    ours_s, opc_s = serde_result.get("ours", {}), serde_result.get("openapi-python-client", {})
    for op in ("from_dict", "to_dict"):
        a, b = ours_s.get(op), opc_s.get(op)
        rows.append((f"{op} ≥ openapi-python-client's", None if a is None or b is None else a >= b, _ratio(a, b)))
    out = ["Targets:", "", "| target | holds | measured |", "|---|---|---|"]
    out += [f"| {name} | {'–' if ok is None else ('yes' if ok else '**no**')} | {value} |" for name, ok, value in rows]
    return out


def publish(bench: Bench, specs: list[Spec], serde_result: dict[str, Any], *, repeat: int, final: bool) -> str:
    """Write results.md, results.json and (at the end) results.png; return the table."""
    table = report(bench, specs, serde_result, repeat=repeat)
    (BENCH / "results.md").write_text("# Benchmark results\n\n" + table, "utf-8")
    raw = {
        "repeat": repeat,
        "specs": {s.name: {"bytes": s.path.stat().st_size, "validate": s.validate} for s in specs},
        "results": {
            spec: {tool: asdict(case) for tool, case in cases.items()} for spec, cases in bench.results.items()
        },
        "serde": serde_result,
    }
    (BENCH / "results.json").write_text(json.dumps(raw, indent=1) + "\n", "utf-8")
    if final and (PEERS / "python").exists():
        subprocess.run([str(PEERS / "python"), str(BENCH / "plot.py")], check=False)
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument("--quick", action="store_true", help="smoke test: one run, the two smallest specs")
    parser.add_argument("--only", action="append", help="only these specs (by name; repeatable)")
    parser.add_argument("--no-peers", action="store_true", help="this generator only")
    parser.add_argument("--serde-loops", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="keep the work folder here (default: a temporary one)")
    parser.add_argument("--merge", type=Path, help="start from this results.json: its specs not run now are kept")
    args = parser.parse_args()
    # Every tool runs from compiled bytecode, as an installed one does: with this variable set, a run from a
    # source checkout would compile each of its modules again on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    repeat = 1 if args.quick else max(1, args.repeat)
    specs = [s for s in SPECS if args.only is None or s.name in args.only]
    specs = specs[:2] if args.quick else specs
    peers = not args.no_peers and (PEERS / "openapi-python-client").exists()
    work = args.keep or Path(tempfile.mkdtemp(prefix="openapi-pygen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, peers=peers)
    serde_result: dict[str, Any] = {}
    if args.merge:
        old = json.loads(args.merge.read_text("utf-8"))
        for name, cases in old["results"].items():
            if name not in {s.name for s in specs}:
                bench.results[name] = {
                    tool: Case([Sample(**x) for x in c.pop("samples")], **c) for tool, c in cases.items()
                }
        serde_result = old.get("serde", {})
        kept = [s for s in SPECS if s.name in bench.results or s in specs]
        specs_run, specs = specs, kept
    else:
        specs_run = specs
    try:
        for index in range(repeat):
            for spec in specs_run:
                print(f"[{index + 1}/{repeat}] {spec.name}", file=sys.stderr, flush=True)
                bench.rep(spec, index)
                if spec.name == "github-2020" and not serde_result:  # its output is on disk right now
                    serde_result = serde(bench, loops=args.serde_loops // (10 if args.quick else 1))
                publish(bench, specs, serde_result, repeat=repeat, final=False)  # a long run leaves partial results
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(publish(bench, specs, serde_result, repeat=repeat, final=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
