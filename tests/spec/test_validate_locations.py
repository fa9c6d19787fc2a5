"""openapi-spec-validator reports some problems without a usable place or reason; each is still located at the
object that failed, and says what is wrong in words, never as a dump of the object."""

from __future__ import annotations

from pathlib import Path

from generator.spec import load_spec
from generator.spec.validate import validate

PATTERN = r"^(?:{[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}}|[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7})$"


def _problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, "utf-8")
    return [(d.line, d.pointer, d.message) for d in validate(load_spec((path,)))]


def test_an_object_the_validator_dumps_is_located_and_described(tmp_path: Path) -> None:
    # The pattern is a valid regex, but not in the validator's Unicode-mode ECMA dialect (unescaped braces).
    text = f"""openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things:
    get:
      parameters:
        - name: id
          in: query
          schema:
            type: string
            pattern: '{PATTERN}'
      responses:
        '200': {{description: ok}}
"""
    (problem,) = _problems(tmp_path, text)
    line, pointer, message = problem
    assert (line, pointer) == (7, "#/paths/~1things/get/parameters/0")
    assert not message.startswith("{") and "OpenAPI allows here" in message


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
