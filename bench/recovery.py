"""Benchmark: recovering docs pages whose YAML lost its indentation.

Run by `make bench`. Times `generator.recover.recover` on a synthetic page of about 1 MB that recovers exactly
(copies of the fastapi-template corpus spec under other names) and on every corpus page of 100 KB or more,
dumped and flattened as the corpus test does. The table goes to stdout and bench/recovery.md.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from generator.errors import GeneratorError  # noqa: E402
from generator.recover import recover  # noqa: E402
from tests.docs_page import CORPUS, LOADER, docs_page, load_spec, normalised, yaml_block  # noqa: E402

TARGET_SECONDS = 10.0  # "a 1 MB page takes seconds, not minutes"
SEED = "fastapi-template-pr-app.json"


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


def timed(data: Any, name: str, repeat: int) -> tuple[float, str, int, int]:
    page = docs_page(data, name)
    block, first = yaml_block(page)
    times: list[float] = []
    outcome = ""
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            text = recover(block, file=name, first_line=first)
            exact = normalised(yaml.load(text, Loader=LOADER)) == normalised(data)
            outcome = "exact" if exact else "WRONG"
        except GeneratorError as error:
            outcome = f"stops at line {error.diagnostics[0].line}"
        times.append(time.perf_counter() - started)
    return statistics.median(times), outcome, len(page), len(block)


def main() -> int:
    repeat = 3
    rows: list[tuple[str, float, str, int, int]] = []
    median, outcome, size, lines = timed(synthetic(1_000_000), "synthetic-1mb", repeat)
    rows.append(("synthetic 1 MB (fastapi-template copies)", median, outcome, size, lines))
    if CORPUS.is_dir():
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in (".json", ".yaml") and path.stat().st_size >= 100_000:
                median, outcome, size, lines = timed(load_spec(path), path.name, 1)
                rows.append((path.name, median, outcome, size, lines))
    table = [
        "| page | size | lines | seconds (median) | outcome |",
        "|---|---:|---:|---:|---|",
        *(f"| {name} | {size // 1024} KB | {lines} | {s:.1f} | {out} |" for name, s, out, size, lines in rows),
    ]
    held = rows[0][1] <= TARGET_SECONDS and rows[0][2] == "exact"
    verdict = f"target: a 1 MB page in under {TARGET_SECONDS:.0f} s, exactly: {'holds' if held else 'DOES NOT HOLD'}"
    text = "\n".join(["# Recovery of flattened docs pages", "", *table, "", verdict, ""])
    print(text)
    (BENCH / "recovery.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
