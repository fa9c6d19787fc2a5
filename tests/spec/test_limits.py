"""load.py limits: YAML aliases, nesting depth and size are bounded; failures are fast and located."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.errors import GeneratorError
from generator.spec import load as load_module
from generator.spec.load import MAX_DEPTH, load, parse_json, parse_yaml

ADVERSARIAL = Path(__file__).resolve().parents[1] / "adversarial"


def refused(parse: object, text: str) -> GeneratorError:
    started = time.monotonic()
    with pytest.raises(GeneratorError) as caught:
        parse(text, file="spec")  # type: ignore[operator]
    assert time.monotonic() - started < 20, "a hostile document must fail fast"
    assert caught.value.diagnostics[0].file == "spec"
    return caught.value


@pytest.mark.parametrize("name", ["billion-laughs.yaml", "merge-bomb.yaml"])
def test_alias_bombs(name: str) -> None:
    error = refused(parse_yaml, (ADVERSARIAL / name).read_text())
    assert "aliases expand" in str(error)
    assert error.diagnostics[0].line is not None


def test_recursive_alias() -> None:
    refused(parse_yaml, "openapi: 3.0.0\na: &a [*a]\n")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 20_000])
def test_deep_yaml(depth: int) -> None:
    assert "nesting deeper" in str(refused(parse_yaml, "a: " + "[" * depth + "]" * depth))


def test_deep_block_yaml() -> None:
    text = "a:\n" + "".join(" " * i + "k:\n" for i in range(1, MAX_DEPTH + 10))
    assert "nesting deeper" in str(refused(parse_yaml, text))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 200_000])
def test_deep_json(depth: int) -> None:
    assert "nesting deeper" in str(refused(parse_json, '{"a": ' + "[" * depth + "]" * depth + "}"))


def test_nesting_within_the_limit_loads() -> None:
    depth = MAX_DEPTH - 5
    assert parse_json('{"a": ' + "[" * depth + "]" * depth + "}", file="spec").data
    assert parse_yaml("a: " + "[" * depth + "]" * depth, file="spec").data


@pytest.mark.parametrize(
    ("parse", "text"), [(parse_json, '{"a": ' + "9" * 5000 + "}"), (parse_yaml, "a: " + "9" * 5000)]
)
def test_huge_integers_fail_cleanly(parse: object, text: str) -> None:
    refused(parse, text)


def test_big_integers_and_non_finite_numbers_stay_exact() -> None:
    doc = parse_json('{"big": 123456789012345678901234567890, "inf": Infinity}', file="spec")
    assert doc.data["big"] == 123456789012345678901234567890
    assert doc.data["inf"] == float("inf")
    assert parse_yaml("big: 123456789012345678901234567890\nx: .inf\n", file="spec").data["x"] == float("inf")


@pytest.mark.parametrize(
    "text",
    ['t: !!python/object/apply:os.system ["echo hi"]\n', "t: !!python/name:os.system\n", "t: !!set {a: null}\n"],
)
def test_python_and_other_tags_are_refused_with_their_line(text: str) -> None:
    with pytest.raises(GeneratorError) as caught:
        parse_yaml("openapi: 3.1.0\n" + text, file="spec")
    assert str(caught.value).startswith("spec:2: ")


def test_unquoted_status_codes_are_strings() -> None:
    assert parse_yaml("responses:\n  200: {}\n  true: {}\n", file="spec").data == {"responses": {"200": {}, "true": {}}}


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_BYTES", 100)
    spec = tmp_path / "big.yaml"
    spec.write_text("openapi: 3.0.0\n" + "x: " + "a" * 200 + "\n")
    with pytest.raises(GeneratorError) as caught:
        load(spec)
    assert "limit" in str(caught.value)
