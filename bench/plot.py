"""bench/results.json → bench/results.png: wall time against spec size, one line per tool and case.

Runs in bench/.venv-peers (matplotlib lives there, not in the project's pinned venv)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

BENCH = Path(__file__).resolve().parent
LABELS = {
    "cold": "openapi-pygen, cold (--no-cache)",
    "edit": "openapi-pygen, after a one-schema edit",
    "check": "openapi-pygen, check (up to date)",
    "noop": "openapi-pygen, no-op generate",
    "openapi-python-client": "openapi-python-client 0.29.1",
    "datamodel-codegen": "datamodel-code-generator 0.89.0 (models only)",
}


def main() -> None:
    raw = json.loads((BENCH / "results.json").read_text("utf-8"))
    sizes = {name: spec["bytes"] / 1024 for name, spec in raw["specs"].items()}
    figure, axes = plt.subplots(figsize=(9, 5.5), dpi=110)
    for tool, label in LABELS.items():
        points = []
        for spec, cases in raw["results"].items():
            samples = cases.get(tool, {}).get("samples", [])
            if samples and all(s["ok"] for s in samples):
                points.append((sizes[spec], statistics.median(s["seconds"] for s in samples), spec))
        if not points:
            continue
        points.sort()
        style = "--" if tool in ("openapi-python-client", "datamodel-codegen") else "-"
        axes.plot([p[0] for p in points], [p[1] for p in points], style, marker="o", label=label)
    for name, size in sizes.items():
        axes.annotate(name, (size, 0.03), rotation=90, fontsize=7, color="grey", xycoords=("data", "axes fraction"))
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("spec size (KB, log)")
    axes.set_ylabel(f"wall time, median of {raw['repeat']} (s, log)")
    axes.set_title("Generation time against spec size (2 cores)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(BENCH / "results.png")


if __name__ == "__main__":
    main()
