"""The same spec gets the same diagnostics in every run, and each failing Schema Object its own, at its own
place (`spec/validate.py: _first_in_document_order`, `_within_schema`, `_deepest`, `_message`).

The validator's dialect check walks a schema's `properties` as a set, whose order follows the process's
string hashing: which of a schema's errors it reported changed from run to run. And its error's path is
relative to the Schema Object it checked, so the same invalid value in two schemas was placed in the first
one found, twice, and one report was lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CORPUS, REPO

_REPORT = """
import json, sys
from pathlib import Path
from generator.spec import load_spec
from generator.spec.validate import validate
print(json.dumps([[d.line, d.pointer, d.message] for d in validate(load_spec([Path(sys.argv[1])]))]))
"""


def _diagnostics(spec: Path, seed: int) -> list[list[Any]]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _REPORT, str(spec)], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout))


def _bad_numbers(names: list[str], bad: dict[str, Any]) -> dict[str, Any]:
    """A schema whose listed properties each hold the same invalid number schema."""
    return {"type": "object", "properties": {name: {"oneOf": [{"type": "string"}, dict(bad)]} for name in names}}


def _spec(tmp_path: Path, version: str, bad: dict[str, Any], dialect: str | None) -> Path:
    names = ["beta", "alpha", "delta", "gamma", "epsilon", "zeta", "eta", "theta"]
    schemas = {
        "First": _bad_numbers(names, bad),
        "Second": _bad_numbers(names[3:] + names[:3], bad),  # the same paths inside it, in another order
        "Fine": {"type": "object", "properties": {"beta": {"type": "number"}}},
        "Nested": {"type": "object", "properties": {"inner": _bad_numbers(names[::-1], bad)}},
    }
    if dialect is not None:  # each schema checked against a JSON Schema draft, not the OpenAPI dialect
        schemas = {name: {"$schema": dialect, **schema} for name, schema in schemas.items()}
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    path = tmp_path / f"spec-{version}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize(
    ("version", "bad", "message", "dialect"),
    [
        ("3.1.0", {"type": "number", "exclusiveMinimum": True}, "True is not of type 'number'", None),
        ("3.0.3", {"type": "number", "exclusiveMinimum": 0}, "0 is not of type 'boolean'", None),
        (
            "3.1.0",
            {"type": "number", "exclusiveMinimum": True},
            "True is not of type 'number'",
            "https://json-schema.org/draft/2020-12/schema",
        ),
    ],
)
def test_each_schema_reports_its_first_error_in_document_order_in_every_run(
    tmp_path: Path, version: str, bad: dict[str, Any], message: str, dialect: str | None
) -> None:
    spec = _spec(tmp_path, version, bad, dialect)
    runs = [_diagnostics(spec, seed) for seed in (1, 2, 3, 4)]
    assert all(run == runs[0] for run in runs[1:])

    # Each failing schema is reported at its first property in document order, and only there (a 3.0 spec's
    # document pass finds the same value wrong too, against the OpenAPI schema).
    schemas = "#/components/schemas"
    firsts = [
        f"{schemas}/First/properties/beta/oneOf/1",
        f"{schemas}/Second/properties/gamma/oneOf/1",
        f"{schemas}/Nested/properties/inner/properties/theta/oneOf/1",
    ]
    reported = [pointer for _, pointer, _ in runs[0]]
    assert all(any(pointer.startswith(first) for first in firsts) for pointer in reported), reported
    on_value = {(pointer, text) for _, pointer, text in runs[0] if pointer.endswith("/exclusiveMinimum")}
    assert on_value == {(f"{first}/exclusiveMinimum", message) for first in firsts}
    lines = spec.read_text("utf-8").split("\n")
    for line, pointer, _ in runs[0]:
        if pointer.endswith("/exclusiveMinimum"):
            assert lines[line - 1].strip().startswith("exclusiveMinimum"), (line, pointer)
    by_schema = [min(line for line, pointer, _ in runs[0] if pointer.startswith(first)) for first in firsts]
    assert by_schema == sorted(by_schema)


def test_undefined_required_names_are_listed_in_one_order(tmp_path: Path) -> None:
    names = ["pear", "apple", "fig", "kiwi", "lime", "date", "plum"]
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {
                    "allOf": [{"type": "object", "properties": {"id": {"type": "string"}}}],
                    "required": ["id", *names],
                }
            }
        },
    }
    spec = tmp_path / "required.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    runs = [_diagnostics(spec, seed) for seed in (1, 2, 3)]
    assert all(run == runs[0] for run in runs[1:])
    messages = [text for _, _, text in runs[0]]
    assert f"Required list has not defined properties: {sorted(names)!r}" in messages


@pytest.mark.slow
def test_a_large_spec_gets_the_same_diagnostics_whatever_the_hash_seed() -> None:
    spec = CORPUS / "openai.yaml"
    if not spec.is_file():
        pytest.skip("the corpus is not beside this checkout")
    first, second = (_diagnostics(spec, seed) for seed in (1, 2))
    assert first == second
    pointers = [pointer for _, pointer, _ in first]
    # Every Schema Object whose `exclusiveMinimum` is a boolean, each at its own place.
    assert sum(pointer.endswith("/exclusiveMinimum") for pointer in pointers) == 5
