"""openapi-spec-validator reports some problems without a usable place or reason; each is still located at the
object that failed, and says what is wrong in words, never as a dump of the object."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.spec import load_spec
from generator.spec.validate import _placed, validate


def _problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, "utf-8")
    return [(d.line, d.pointer, d.message) for d in validate(load_spec((path,)))]


def test_an_object_the_validator_dumps_is_located_and_described() -> None:
    # The shape of such an error (seen from the validator's jsonschema-rs backend): the whole document as its
    # instance, the failing object's path, and that object's JSON as the whole message.
    data = {"paths": {"/things": {"get": {"parameters": [{"name": "id", "in": "query"}]}}}}
    error = SimpleNamespace(
        instance=data,
        absolute_path=deque(["paths", "/things", "get", "parameters", 0]),
        relative_schema_path=deque(["definitions", "Parameter", "oneOf"]),
        message='{"name":"id","in":"query"}',
    )
    pointer, message = _placed(data, error, "#", '{"name":"id","in":"query"}')
    assert pointer == "#/paths/~1things/get/parameters/0"
    assert message == "is none of the objects OpenAPI allows here (its schema's definitions/Parameter/oneOf)"


def test_the_validator_judges_the_same_on_every_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its backend is pinned: an environment asking for another one does not change the diagnostics."""
    monkeypatch.setenv("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema-rs")
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
    assert _problems(tmp_path, text) == []


def test_an_unknown_schema_dialect_is_located_at_its_dollar_schema(tmp_path: Path) -> None:
    text = """openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Old:
      $schema: https://json-schema.org/draft-05/schema#
      type: string
"""
    (problem,) = _problems(tmp_path, text)
    assert problem[:2] == (7, "#/components/schemas/Old/$schema")
    assert "draft-05" in problem[2]


def test_a_default_that_fails_twice_is_located_both_times(tmp_path: Path) -> None:
    """`default: null` on a non-nullable integer: the validator rejects its type and its nullability, and tells
    where for neither; both are placed at that default."""
    text = """openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Page:
      type: object
      properties:
        total:
          type: integer
          default: null
"""
    problems = _problems(tmp_path, text)
    assert len(problems) == 2
    assert {(line, pointer) for line, pointer, _ in problems} == {
        (11, "#/components/schemas/Page/properties/total/default")
    }


def test_a_message_that_starts_with_the_value_keeps_its_words(tmp_path: Path) -> None:
    """jsonschema's messages begin with the value ("[] is too short"): only a bare dump is reworded."""
    text = """openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A:
      type: object
      required: []
"""
    problems = _problems(tmp_path, text)
    assert problems and all(message.startswith("[] ") for _, _, message in problems), problems
