"""Plain YAML scalars read by YAML 1.2's core schema, as OpenAPI recommends, by the loader, its libyaml path, and
recovery alike: no value a spec's author wrote changes type on the way in."""

from __future__ import annotations

import math
from typing import Any

import pytest

from generator.recover.lexer import data_kind, lex
from generator.spec import yaml_source

CASES: list[tuple[str, Any]] = [
    # YAML 1.1 would make these booleans: an enum of answers, of country codes, of switch states.
    ("yes", "yes"),
    ("No", "No"),
    ("NO", "NO"),
    ("on", "on"),
    ("OFF", "OFF"),
    ("y", "y"),
    ("true", True),
    ("False", False),
    # ... these numbers strings (no dot), or another number.
    ("1e100", 1e100),
    ("5e-324", 5e-324),
    ("-2E+3", -2000.0),
    ("012", 12),
    ("0o17", 15),
    ("0x1F", 31),
    ("1.5", 1.5),
    ("1.", 1.0),
    (".5", 0.5),
    ("-.inf", -math.inf),
    # ... and these numbers, where 1.2 reads text.
    ("1_000", "1_000"),
    ("1:30", "1:30"),
    ("0b101", "0b101"),
    ("+.5e", "+.5e"),
    ("~", None),
    ("null", None),
    ("2024-01-01", "2024-01-01"),  # dates stay text: OpenAPI documents are JSON data
]
KINDS = {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_a_plain_scalar_reads_as_yaml_1_2_says(text: str, expected: Any) -> None:
    data, _ = yaml_source.parse(f"value: {text}\nlist: [{text}]\n", file="spec.yaml")
    for value in (data["value"], data["list"][0], yaml_source.load_plain(f"value: {text}\n")["value"]):
        assert type(value) is type(expected)
        assert value == expected or (isinstance(expected, float) and math.isnan(expected))
    # Recovery weighs a line's evidence by the kind the loader will read.
    value = lex(1, f"value: {text}").value
    assert value is not None and data_kind(value) == KINDS[type(expected)]


def test_the_pure_python_loader_reads_as_libyaml_does(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(f"k{index}: {scalar}\n" for index, (scalar, _) in enumerate(CASES))
    fast, _ = yaml_source.parse(text, file="spec.yaml")
    monkeypatch.setattr(yaml_source, "_fast_loader", lambda: None)
    slow, _ = yaml_source.parse(text, file="spec.yaml")
    assert list(map(type, slow.values())) == list(map(type, fast.values()))
    assert slow == fast
