"""Benchmark: recovering docs pages whose YAML lost its indentation, against recovery's work budget.

Run by `make bench` (`--quick` leaves out the corpus). Times `generator.recover.recover`, strict and with
`best_guess`, on a synthetic page of about 1 MB that recovers exactly (copies of the fastapi-template corpus spec
under other names), on every corpus page of 100 KB or more, and on the adversarial pages of
tests/recover/adversarial.py (the issue's pages nested 20, 60 and 150 deep among them). For each it reports the
seconds, the units of work spent (see generator/recover/budget.py) and the seconds per unit, and from the slowest
unit seen the worst case the budget allows: the target is about 1 s per 100 KB, plus a small constant. The table
goes to stdout and bench/recovery.md.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import generator.recover  # noqa: E402
from generator.errors import GeneratorError  # noqa: E402
from generator.recover import recover  # noqa: E402
from generator.recover.budget import BASE_UNITS, UNITS_PER_BYTE, Budget  # noqa: E402
from tests.recover.adversarial import page as adversarial_page  # noqa: E402
from tests.recover.docs_page import CORPUS, LOADER, docs_page, load_spec, normalised, yaml_block  # noqa: E402

TARGET = 1.0  # seconds per 100 KB
SEED = "fastapi-template-pr-app.json"
ADVERSARIAL = [
    ("deep properties", 20),
    ("deep properties", 60),
    ("deep properties", 150),
    ("deep allOf", 150),
    ("deep oneOf/anyOf", 60),
    ("deep example data", 150),
    ("deep lists", 150),
    ("many ties", 1000),
    ("long list", 20000),
    ("wide map", 10000),
    ("key-like text", 10000),
]
_SPENT: list[Budget] = []


class _Kept(Budget):
    """Recovery's budget, kept to read what was spent."""

    def __init__(self, size: int, *, limit: int | None = None) -> None:
        super().__init__(size, limit=limit)
        _SPENT.append(self)


def renamed(data: Any, n: int) -> Any:
    """The spec with every path and schema name suffixed, and references following them."""
    text = json.dumps(data)
    for name in data["components"]["schemas"]:
        text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{name}_{n}"')
    copy = json.loads(text)
    copy["components"]["schemas"] = {f"{k}_{n}": v for k, v in copy["components"]["schemas"].items()}
    copy["paths"] = {f"/v{n}{k}": v for k, v in copy["paths"].items()}
    for item in copy["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] += f"_{n}"
    return copy


def synthetic(size: int) -> Any:
    """One document of about `size` bytes of flattened page, made of renamed copies of the seed spec."""
    seed = load_spec(CORPUS / SEED)
    document = {**seed, "paths": {}, "components": {**seed["components"], "schemas": {}}}
    n = 0
    while len(docs_page(document, "synthetic")) < size:
        part = renamed(seed, n)
        document["paths"].update(part["paths"])
        document["components"]["schemas"].update(part["components"]["schemas"])
        n += 1
    return document


def timed(block: list[str], first: int, name: str, data: Any, *, best_guess: bool, repeat: int) -> dict[str, Any]:
    """Fastest seconds over `repeat` runs (the machine may be shared: the fastest is nearest the work itself),
    units spent and outcome of recovering one block."""
    seconds: list[float] = []
    outcome, units = "", 0
    for _ in range(repeat):
        _SPENT.clear()
        started = time.perf_counter()
        try:
            result = recover(block, file=name, first_line=first, best_guess=best_guess)
            exact = data is None or normalised(yaml.load(result.text, Loader=LOADER)) == normalised(data)
            outcome = ("exact" if exact else "different") + (f", {len(result.warnings)} choices" if best_guess else "")
        except GeneratorError as error:
            diagnostic = error.diagnostics[0]
            why = "budget" if "too many possible readings" in diagnostic.message else "ambiguous"
            outcome = f"stops at line {diagnostic.line} ({why})"
        seconds.append(time.perf_counter() - started)
        units = _SPENT[0].spent
    return {"seconds": min(seconds), "units": units, "outcome": outcome}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    setattr(generator.recover, "Budget", _Kept)  # noqa: B010 -- counts what each recovery spends
    rows: list[tuple[str, int, str, dict[str, Any]]] = []

    def measure(name: str, block: list[str], first: int, size: int, data: Any, repeat: int = 1) -> None:
        for best_guess in (False, True):
            mode = "best guess" if best_guess else "strict"
            rows.append((name, size, mode, timed(block, first, name, data, best_guess=best_guess, repeat=repeat)))
            print(f"{name} ({mode}): {rows[-1][3]}", file=sys.stderr, flush=True)

    if CORPUS.is_dir():
        data = synthetic(1_000_000)
        text = docs_page(data, "synthetic")
        block, first = yaml_block(text)
        measure("synthetic 1 MB (fastapi-template copies)", block, first, len(text.encode()), data, repeat=3)
    for family, size in ADVERSARIAL:
        block, first, nbytes = adversarial_page(family, size)
        measure(f"{family} {size}", block, first, nbytes, None, repeat=3)
    if CORPUS.is_dir() and not quick:
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in (".json", ".yaml") and path.stat().st_size >= 100_000:
                data = load_spec(path)
                text = docs_page(data, path.name)
                block, first = yaml_block(text)
                measure(path.name, block, first, len(text.encode()), data)
    slowest = max(row["seconds"] / row["units"] for *_, row in rows if row["units"])
    constant = slowest * BASE_UNITS
    per_100kb = slowest * UNITS_PER_BYTE * 102_400
    table = [
        "| page | size | mode | seconds | units | µs per unit | s per 100 KB | outcome |",
        "|---|---:|---|---:|---:|---:|---:|---|",
        *(
            f"| {name} | {size / 1024:.0f} KB | {mode} | {row['seconds']:.2f} | {row['units']:,} | "
            f"{1e6 * row['seconds'] / max(row['units'], 1):.1f} | {row['seconds'] / (size / 102_400):.2f} | "
            f"{row['outcome']} |"
            for name, size, mode, row in rows
        ),
    ]
    held = per_100kb <= TARGET
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    verdict = [
        f"Load average when done: {load} (on {os.cpu_count()} CPUs); seconds are the fastest of the runs.",
        f"Budget: {BASE_UNITS:,} units + {UNITS_PER_BYTE} per byte of block; slowest unit: {1e6 * slowest:.1f} µs.",
        f"Worst case the budget allows on this machine: {constant:.2f} s + {per_100kb:.2f} s per 100 KB "
        f"(target about {TARGET:.0f} s per 100 KB: {'holds' if held else 'DOES NOT HOLD'}).",
    ]
    text = "\n".join(["# Recovery of flattened docs pages", "", *table, "", *verdict, ""])
    print(text)
    (BENCH / "recovery.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
