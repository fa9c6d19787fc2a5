"""Golden trees for the feature specs: `python -m tests.snapshots` (make snapshots) rewrites them."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator import names
from generator.config import ad_hoc
from generator.pipeline import run

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
GOLDEN = HERE / "snapshots"
# One small spec per feature family; each renders to its own package.
CASES = {
    "features": SPECS / "features-3.1.yaml",
    "nullable": SPECS / "nullable-3.0.yaml",
    "sdk": SPECS / "sdk-features.yaml",  # pagers, streams, files, every security scheme
    "tagless": SPECS / "tagless.yaml",  # grouping by path, a scheme required nowhere
}


def render_case(case: str) -> dict[str, str]:
    """The case's generated files, as the generator would write them (paths relative to the output folder)."""
    package = names.package_name(case)
    target = ad_hoc([CASES[case]], out=GOLDEN / case, package=package)
    return run(target).files


def golden_files(case: str) -> dict[str, str]:
    root = GOLDEN / case
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> int:
    for case in CASES:
        root = GOLDEN / case
        shutil.rmtree(root, ignore_errors=True)
        for relative, text in render_case(case).items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        print(f"snapshots: {root.relative_to(HERE.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
