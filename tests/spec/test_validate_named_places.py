"""Problems the validator cannot locate or cannot reach, each reported where it is: reference cycles, the
OpenAPI checks whose messages name their place (path parameters, operation ids), discriminator mappings that
name nothing."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from generator.cli import main

LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<pointer>#[^:]*): (?P<message>.+)$")

HEAD = """\
openapi: {version}
info: {{title: T, version: "1"}}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/A'}}
components:
  schemas:
"""


def spec(tmp_path: Path, schemas: str, *, version: str = "3.0.3") -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(HEAD.format(version=version) + textwrap.indent(textwrap.dedent(schemas), "    "), "utf-8")
    return path


def run(spec_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, list[str]]:
    out = tmp_path / "out"
    argv = ["generate", "--spec", str(spec_path), "--out", str(out), "--package", "pkg", "--no-cache", *flags]
    code = main(argv)
    return code, capsys.readouterr().err.strip().splitlines()


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def located(lines: list[str]) -> list[tuple[int, str, str]]:
    found = []
    for line in lines:
        match = LOCATED.match(line)
        assert match, line
        found.append((int(match["line"]), match["pointer"], match["message"]))
    return found


CYCLES = {
    "allOf A and B": (
        """\
        A:
          allOf:
            - $ref: '#/components/schemas/B'
            - {type: object, properties: {a: {type: string}}}
        B:
          allOf:
            - $ref: '#/components/schemas/A'
            - {type: object, properties: {b: {type: string}}}
        """,
        "- $ref: '#/components/schemas/A'",
        "#/components/schemas/B/allOf/0/$ref",
        "#/components/schemas/A → B → A",
    ),
    "a $ref chain": (
        """\
        A: {$ref: '#/components/schemas/C'}
        C: {$ref: '#/components/schemas/D'}
        D: {$ref: '#/components/schemas/C'}
        """,
        "D: {$ref",
        "#/components/schemas/D/$ref",
        "#/components/schemas/C → D → C",
    ),
    "allOf itself": (
        """\
        A:
          allOf: [{$ref: '#/components/schemas/A'}]
        """,
        "allOf: [{$ref",
        "#/components/schemas/A/allOf/0/$ref",
        "#/components/schemas/A → A",
    ),
    "oneOf alternative": (
        """\
        A:
          oneOf:
            - {type: string}
            - anyOf: [{$ref: '#/components/schemas/A'}]
        """,
        "- anyOf: [{$ref",
        "#/components/schemas/A/oneOf/1/anyOf/0/$ref",
        "#/components/schemas/A → A",
    ),
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", sorted(CYCLES))
def test_a_reference_cycle_is_reported_at_the_ref_that_closes_it(
    case: str, version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas, text, pointer, chain = CYCLES[case]
    path = spec(tmp_path, schemas, version=version)
    code, err = run(path, tmp_path, capsys)
    assert code == 1
    assert located(err) == [(line_of(path, text), pointer, located(err)[0][2])]
    assert f"reference cycle: {chain}" in err[0]
    assert "gave up" not in err[0]


@pytest.mark.parametrize("case", sorted(CYCLES))
def test_without_validation_a_cycle_is_still_located_never_an_internal_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In lenient mode the cycle is a warning; what the model stage cannot make a class of stops the run, at
    its schema, and nothing is written."""
    schemas, *_ = CYCLES[case]
    path = spec(tmp_path, schemas)
    code, err = run(path, tmp_path, capsys, "--no-validate")
    assert code in (0, 1)
    diagnostics = [line for line in err if not line.startswith("pkg: ")]  # not the summary of what was written
    assert diagnostics and all(LOCATED.match(line) for line in diagnostics), err
    assert not any("internal error" in line for line in err)
    if code == 1:
        assert not (tmp_path / "out").exists()
    else:
        assert any("reference cycle" in line for line in err)


def test_recursion_through_a_property_or_an_item_is_still_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = spec(
        tmp_path,
        """\
        Base:
          type: object
          properties: {id: {type: string}}
        A:
          allOf:
            - $ref: '#/components/schemas/Base'
            - type: object
              properties:
                children: {type: array, items: {$ref: '#/components/schemas/A'}}
                parent:
                  oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/Base'}]
                named: {type: object, additionalProperties: {$ref: '#/components/schemas/A'}}
        Nested:
          type: array
          items: {$ref: '#/components/schemas/Nested'}
        """,
    )
    code, err = run(path, tmp_path, capsys)
    assert code == 0, err


PATHS = """\
openapi: 3.0.3
info: {title: Paths, version: "1"}
paths:
  /a/{b}:
    get:
      operationId: fine
      parameters:
        - {name: b, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
  /c/{undeclared}:
    get:
      operationId: undeclared
      responses: {"200": {description: ok}}
    post:
      operationId: undeclaredPost
      responses: {"200": {description: ok}}
  /e:
    get:
      operationId: extra
      parameters:
        - {name: z, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: 5}
"""


def test_path_parameter_problems_are_each_at_their_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(PATHS, "utf-8")
    code, err = run(path, tmp_path, capsys)
    assert code == 1
    found = located(err)
    places = [(line, pointer) for line, pointer, message in found if "Path parameter" in message]
    assert places == [
        (line_of(path, "operationId: undeclared") - 1, "#/paths/~1c~1{undeclared}/get"),
        (line_of(path, "operationId: undeclaredPost") - 1, "#/paths/~1c~1{undeclared}/post"),
        (line_of(path, "{name: z"), "#/paths/~1e/get/parameters/0"),
    ]
    # The document's other problems are reported beside them.
    assert any(pointer == "#/components/schemas/Pet/properties/name/type" for _, pointer, _ in found)
    assert all(pointer != "#" for _, pointer, _ in found)


def test_duplicates_the_validator_names_are_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            openapi: 3.0.3
            info: {title: T, version: "1"}
            tags:
              - name: a
              - name: a
            paths:
              /c:
                get:
                  operationId: same
                  parameters:
                    - {name: q, in: query, schema: {type: string}}
                    - {name: q, in: query, schema: {type: string}}
                  responses: {"200": {description: ok}}
                post:
                  operationId: same
                  responses: {"200": {description: ok}}
            """
        ),
        "utf-8",
    )
    code, err = run(path, tmp_path, capsys)
    assert code == 1
    found = {message: (line, pointer) for line, pointer, message in located(err)}
    assert found["Duplicate tag name 'a'"] == (5, "#/tags/1")
    assert found["Duplicate parameter 'q'"] == (12, "#/paths/~1c/get/parameters/1")
    assert found["Operation ID 'same' for 'post' in '/c' is not unique"] == (15, "#/paths/~1c/post/operationId")


DISCRIMINATED = """\
Base:
  type: object
  required: [type]
  properties:
    type: {{type: string}}
  discriminator:
    propertyName: type
    mapping:
      one: '#/components/schemas/One'
      ghost: {ghost}
One:
  allOf:
    - $ref: '#/components/schemas/Base'
    - {{type: object, properties: {{one: {{type: integer}}}}}}
A: {{$ref: '#/components/schemas/Base'}}
"""


@pytest.mark.parametrize("value", ["'#/components/schemas/Ghost'", "Ghost"])
def test_a_mapping_to_no_schema_is_reported_at_its_entry(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = spec(tmp_path, DISCRIMINATED.format(ghost=value))
    code, err = run(path, tmp_path, capsys)
    assert code == 1
    [(line, pointer, message)] = located(err)
    assert (line, pointer) == (line_of(path, "ghost:"), "#/components/schemas/Base/discriminator/mapping/ghost")
    assert "#/components/schemas/Ghost" in message
    assert message.endswith("points to nothing in this document")


def test_a_mapping_that_names_a_schema_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = spec(tmp_path, DISCRIMINATED.format(ghost="One").replace("#/components/schemas/One'", "One'"))
    code, err = run(path, tmp_path, capsys)
    assert code == 0, err


def test_without_validation_a_mapping_to_nothing_is_a_warning_as_a_dangling_ref_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dangling").mkdir()
    dangling = spec(tmp_path / "dangling", "A: {type: object, properties: {b: {$ref: '#/components/schemas/Gone'}}}")
    assert run(dangling, tmp_path / "dangling", capsys)[0] == 1
    code, err = run(dangling, tmp_path / "dangling", capsys, "--no-validate")
    assert code == 0
    assert [line for line in err if ": warning: " in line and "points to nothing" in line]

    ghost = spec(tmp_path, DISCRIMINATED.format(ghost="'#/components/schemas/Ghost'"))
    code, err = run(ghost, tmp_path, capsys, "--no-validate")
    assert code == 0
    assert [line for line in err if ": warning: " in line] == [
        f"{ghost}:{line_of(ghost, 'ghost:')}: #/components/schemas/Base/discriminator/mapping/ghost: warning: "
        "mapping value '#/components/schemas/Ghost' points to nothing in this document"
    ]
