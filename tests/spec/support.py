"""Small multi-file specs written into a temporary folder, and where their `$ref` lines are."""

from __future__ import annotations

import textwrap
from pathlib import Path

from generator.errors import Diagnostic, GeneratorError
from generator.spec import Document, load_spec

REPO = Path(__file__).resolve().parents[2]
MULTIFILE = REPO / "tests" / "specs" / "multifile"
EXTENSION_REF = REPO / "tests" / "specs" / "extension-ref"


def root_with(ref: str, *, at: str = "schema") -> str:
    """A root spec whose one operation's response `at` (schema or the whole response) is `$ref: ref`."""
    if at == "response":
        return textwrap.dedent(
            f"""\
            openapi: 3.1.0
            info: {{title: T, version: "1"}}
            paths:
              /pets:
                get:
                  responses:
                    "200":
                      $ref: {ref!r}
            """
        )
    return textwrap.dedent(
        f"""\
        openapi: 3.1.0
        info: {{title: T, version: "1"}}
        paths:
          /pets:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: {ref!r}
        """
    )


def write(folder: Path, files: dict[str, str]) -> Path:
    """Write `files` (path → text) under `folder`; the path of `openapi.yaml`."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return folder / "openapi.yaml"


def line_of(path: Path, text: str, *, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `path` that contains `text`."""
    found = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line]
    return found[occurrence - 1]


def refused(spec: Path) -> list[Diagnostic]:
    """The diagnostics loading `spec` stops with."""
    try:
        load_spec([spec])
    except GeneratorError as exc:
        return list(exc.diagnostics)
    raise AssertionError(f"{spec} loaded without a diagnostic")


def loaded(spec: Path) -> Document:
    return load_spec([spec])
