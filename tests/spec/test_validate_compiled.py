"""The compiled verdict on the document pass (`spec/compiled.py`): it says "valid" only where the pure-Python
pass finds nothing, its regexes match what Python's match, and the diagnostics of a run are the ones the pure
pass alone gives."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema.validators import validator_for
from openapi_spec_validator.schemas import schema_v30, schema_v31

from generator.spec import compiled, load_spec
from generator.spec.validate import validate
from tests.conftest import CORPUS, REPO, SPECS

_SCHEMAS = {"3.0": schema_v30, "3.1": schema_v31}


def _pure_errors(data: Any, dialect: str) -> list[str]:
    """What openapi-spec-validator's document pass (the pure-Python one) reports."""
    schema = dict(_SCHEMAS[dialect])
    return [error.message for error in validator_for(schema)(schema).iter_errors(data)]


def _regexes(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            if key == "patternProperties" and isinstance(value, dict):
                found.update(value)
            found |= _regexes(value)
    elif isinstance(node, list):
        for item in node:
            found |= _regexes(item)
    return found


# Every construct the rewrite knows, and the OpenAPI schemas' own regexes.
PATTERNS = sorted(
    _regexes(dict(schema_v30))
    | _regexes(dict(schema_v31))
    | {
        "^a.b$",
        "[^x]",
        r"\d{2,3}",
        "(a|b)*?c",
        "a+?$",
        r"^\A[0-9]{2,}\Z",
        r"[\d-]+",
        "x{3}",
        "é.$",
        "^$",
        r"\n$",
    }
)

# Where Python's `re` and ECMA regexes part: line ends, Unicode digits, other numerals, astral characters.
_TRICKY = [
    "\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x00",
    "٣",
    "𝟘",
    "²",
    "½",
    "Ⅻ",
    "ⅷ",
    "é",
    "𐒠",
    " ",
    "-",
    "/",
    "#",
    "?",
]


def _strings(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    digits = [chr(low) for low, _ in compiled._decimals_read()] + [chr(high) for _, high in compiled._decimals_read()]
    pool = list("abcgetpostXx$ref.-_0123459") + _TRICKY + digits
    fixed = [
        "",
        "3.0.3",
        "3.1.0",
        "3.0.3\n",
        "3.1.0\n\n",
        "3.0.٣",
        "3.1.𝟙0",
        "get",
        "get\n",
        "bearer",
        "Bearer\n",
    ]
    fixed += [
        "200",
        "2٠٠",
        "2XX",
        "$ref",
        "$ref\n",
        "/pets",
        "Foo\n",
        "Foo.Bar-1_2",
        "x-y",
        "a\nb",
        "ab",
        "acb\n",
    ]
    return fixed + ["".join(rng.choice(pool) for _ in range(rng.randint(1, 8))) for _ in range(count)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_rewritten_regex_matches_what_python_matches(pattern: str) -> None:
    rewritten = compiled.ecma(pattern)
    assert rewritten is not None, pattern
    validator = jsonschema_rs.validator_for({"pattern": rewritten})
    for text in _strings(seed=len(pattern), count=1500):
        assert validator.is_valid(text) == (re.search(pattern, text) is not None), (
            pattern,
            text,
        )


@pytest.mark.parametrize(
    "pattern",
    [
        "(?i)a",
        "a(?=b)",
        r"\w+",
        r"(a)\1",
        "a$b",
        "a$|b",
        r"\s",
        "(?m)^a$",
        r"\bword",
    ],
)
def test_a_regex_outside_the_known_subset_gives_no_rewrite(pattern: str) -> None:
    assert compiled.ecma(pattern) is None


def test_both_openapi_schemas_are_rewritten_and_compiled() -> None:
    for dialect in ("3.0", "3.1"):
        assert compiled.python_regexes(dict(_SCHEMAS[dialect])) is not None
        assert compiled._validator(dialect) is not None


def test_every_regex_is_rewritten_wherever_it_is() -> None:
    """Under a property called `default` or `enum` too: there it is a schema, not data."""
    schema = {
        "properties": {
            "default": {"pattern": "^a$", "properties": {"enum": {"patternProperties": {"^b$": {}}}}},
            "x": {"enum": [{"pattern": "^data$"}], "default": {"pattern": "^data$"}},
        },
        "$defs": {"const": {"items": {"pattern": "^c$"}}},
    }
    rewritten = compiled.python_regexes(schema)
    assert _regexes(rewritten) == {compiled.ecma(p) for p in ("^a$", "^b$", "^c$")} | {"^data$"}
    from openapi_schema_validator._specifications import REGISTRY

    for uri in REGISTRY:
        original = REGISTRY.contents(uri)
        assert _regexes(compiled.python_regexes(original)) == {compiled.ecma(p) for p in _regexes(original)}, uri


@pytest.mark.skipif(
    unicodedata.unidata_version != "14.0.0",
    reason="the table is this Python's Unicode 14.0.0",
)
def test_the_digit_table_is_what_python_reads() -> None:
    assert compiled._decimals_read() == compiled._DECIMALS_14


def _documents() -> list[tuple[str, Any]]:
    paths = [REPO / "spec" / "thymia.docs.md", *sorted(SPECS.glob("*.yaml"))]
    if CORPUS.is_dir():
        paths += sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json") and "swagger2" not in p.name)
    found = []
    for path in paths:
        data = load_spec([path], best_guess=True).data
        if str(data.get("openapi", "")).startswith(("3.0", "3.1")):
            found.append((path.name, data))
    return found


DOCUMENTS = _documents()


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_verdict_is_the_pure_pass_s_on_real_specs(name: str, data: Any) -> None:
    dialect = data["openapi"][:3]
    assert compiled.passes(data, dialect) == (not _pure_errors(data, dialect))


# What a mutation puts in place of a value, or under a new key.
_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    2**70,
    "",
    "text",
    "get\n",
    "3.0.٣",
    [],
    [1, "a"],
    {},
    {"$ref": 1},
]
_KEYS = [
    "x-a",
    "get",
    "get\n",
    "200",
    "2٠٠",
    "2XX",
    "default",
    "$ref",
    "Foo\n",
    "type",
    "items",
    "/p",
    "required",
]


def _mutants(data: Any, seed: int, count: int) -> list[Any]:
    """`data` changed at one random place each time: a value replaced, a key added, renamed or removed."""
    rng = random.Random(seed)
    places: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            places.append((node, key))
            stack.append(value)
    mutants = []
    for _ in range(count):
        mutant = copy.deepcopy(data)
        parent, key = rng.choice(places)
        path = _path_to(data, parent)
        target = mutant
        for step in path:
            target = target[step]
        action = rng.randrange(4) if isinstance(target, dict) else 0
        if action == 0:
            target[key] = rng.choice(_VALUES)
        elif action == 1:
            target[rng.choice(_KEYS)] = rng.choice([*_VALUES, copy.deepcopy(target[key])])
        elif action == 2:
            target[rng.choice(_KEYS)] = target.pop(key)
        else:
            del target[key]
        mutants.append(mutant)
    return mutants


def _path_to(root: Any, wanted: Any) -> list[Any]:
    stack: list[tuple[Any, list[Any]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is wanted:
            return path
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((value, [*path, key]) for key, value in items)
    raise LookupError


_SMALL = """openapi: {version}
info: {{title: T, version: '1', license: {{name: MIT}}}}
servers: [{{url: 'https://example.com/{{v}}', variables: {{v: {{default: v1, enum: [v1, v2]}}}}}}]
paths:
  /pets/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    get:
      operationId: getPet
      security: [{{bearer: []}}]
      responses:
        '200':
          description: ok
          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}
        default: {{description: error, headers: {{X-Rate: {{schema: {{type: integer}}}}}}}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {{type: string, pattern: '^[a-z]+$'}}
        tags: {{type: array, items: {{type: string}}, uniqueItems: true}}
        kind: {{oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{type: string, enum: [dog]}}]}}
    Cat: {{type: object, additionalProperties: {{type: integer}}}}
  securitySchemes:
    bearer: {{type: http, scheme: bearer, bearerFormat: JWT}}
    key: {{type: apiKey, in: header, name: X-Key}}
"""


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_no_change_to_a_document_makes_it_valid_to_one_pass_only(tmp_path: Path, version: str) -> None:
    """A thousand documents one change away from a valid one, many of them invalid: the compiled pass and the
    pure one always agree."""
    path = tmp_path / "spec.yaml"
    path.write_text(_SMALL.format(version=version))
    data = load_spec([path]).data
    dialect = version[:3]
    assert compiled.passes(data, dialect) and not _pure_errors(data, dialect)
    verdicts = []
    for mutant in _mutants(data, seed=7, count=1000):
        pure = not _pure_errors(mutant, dialect)
        assert compiled.passes(mutant, dialect) == pure, json.dumps(mutant)[:2000]
        verdicts.append(pure)
    assert 100 < verdicts.count(False) < 900  # the mutations reach both sides


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1, 2}, b"bytes", object()])
def test_a_value_json_does_not_have_gets_no_verdict(tmp_path: Path, value: Any) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(_SMALL.format(version="3.1.0"))
    data = load_spec([path]).data
    data["info"]["x-odd"] = value
    assert not compiled.passes(data, "3.1")
    data["info"]["x-odd"] = "plain"
    assert compiled.passes(data, "3.1")


def test_a_key_that_is_not_text_gets_no_verdict(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(_SMALL.format(version="3.0.3"))
    data = load_spec([path]).data
    data["paths"]["/pets/{id}"]["get"]["responses"][200] = {"description": "ok"}
    assert not compiled.passes(data, "3.0")


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_run_reports_what_the_pure_pass_alone_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """Through `validate`: each mutant's diagnostics with the compiled verdict and without it."""
    path = tmp_path / "spec.yaml"
    path.write_text(_SMALL.format(version=version))
    doc = load_spec([path])
    for mutant in _mutants(doc.data, seed=11, count=60):
        changed = dataclasses.replace(doc, data=mutant)
        fast = validate(changed)
        with monkeypatch.context() as patch:
            patch.setattr(compiled, "passes", lambda data, dialect: False)
            patch.setattr(compiled, "schema_passes", lambda schema, dialect: False)
            assert validate(changed) == fast


def test_without_jsonschema_rs_the_pure_pass_judges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        _SMALL.format(version="3.0.3").replace("type: object\n      required", "type: objet\n      required")
    )
    doc = load_spec([path])
    expected = validate(doc)
    assert any("objet" in d.message for d in expected)
    compiled._validator.cache_clear()
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)
    try:
        assert not compiled.passes(doc.data, "3.0")
        assert validate(doc) == expected
    finally:
        compiled._validator.cache_clear()


# The Schema Object check against its dialect: openapi-spec-validator's own, and the compiled one.
_OAS31 = "https://spec.openapis.org/oas/3.1/dialect/base"


def _pure_schema_check(schema: Any, dialect: str) -> bool:
    """Whether openapi-schema-validator's `check_schema` passes the schema, with the format checker
    openapi-spec-validator gives it."""
    from openapi_schema_validator import OAS30Validator, OAS31Validator, oas31_format_checker

    try:
        if dialect == "3.0":
            OAS30Validator.check_schema(schema)
        else:
            OAS31Validator.check_schema(schema, format_checker=oas31_format_checker)
    except Exception:  # SchemaError, or whatever else stops it: never "valid"
        return False
    return True


def _schemas(data: Any) -> list[Any]:
    """Every Schema Object under the components, nested ones included (properties, items, compositions)."""
    found: list[Any] = []
    stack = list(data.get("components", {}).get("schemas", {}).values())
    while stack:
        schema = stack.pop()
        if not isinstance(schema, dict):
            continue
        found.append(schema)
        stack.extend(v for v in schema.get("properties", {}).values() if isinstance(schema.get("properties"), dict))
        stack.extend(schema.get(k) for k in ("items", "additionalProperties", "not") if k in schema)
        for k in ("allOf", "anyOf", "oneOf"):
            if isinstance(schema.get(k), list):
                stack.extend(schema[k])
    return found


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_schema_check_is_the_pure_one_on_real_specs(name: str, data: Any) -> None:
    dialect = "3.0" if data["openapi"].startswith("3.0") else _OAS31
    schemas = _schemas(data)[:400]
    for schema in schemas:
        assert compiled.schema_passes(schema, dialect) == _pure_schema_check(schema, dialect), json.dumps(schema)[:500]


_RICH = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "integer", "format": "int64", "minimum": 0, "multipleOf": 1},
        "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 10, "format": "password"},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 1},
        "meta": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False},
        "kind": {
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"enum": ["a", "b"]}],
            "discriminator": {"propertyName": "k"},
        },
        "when": {"type": "string", "format": "date-time", "default": "2020-01-01T00:00:00Z", "readOnly": True},
    },
    "allOf": [{"description": "d", "externalDocs": {"url": "https://example.com"}}],
    "xml": {"name": "thing", "namespace": "https://example.com/ns"},
    "example": {"id": 1},
}


@pytest.mark.parametrize("dialect", ["3.0", _OAS31])
def test_no_change_to_a_schema_makes_it_valid_to_one_check_only(dialect: str) -> None:
    """Two thousand Schema Objects one change away from a valid one: regexes, formats, keywords of the wrong
    type, unknown keywords. The compiled check and the pure one always agree."""
    schema = copy.deepcopy(_RICH)
    if dialect == "3.0":
        schema["properties"]["name"]["nullable"] = True
    else:
        schema["properties"]["name"]["$anchor"] = "name"
        schema["$id"] = "https://example.com/thing"
    assert compiled.schema_passes(schema, dialect) and _pure_schema_check(schema, dialect)
    verdicts = []
    for mutant in _mutants(schema, seed=3, count=2000) + _regex_mutants(schema):
        pure = _pure_schema_check(mutant, dialect)
        assert compiled.schema_passes(mutant, dialect) == pure, json.dumps(mutant)[:2000]
        verdicts.append(pure)
    assert 200 < verdicts.count(False) < 1800  # the mutations reach both sides


def _regex_mutants(schema: Any) -> list[Any]:
    """The schema with a regex Python's `re` reads differently from ECMA's, or refuses, in each regex place."""
    mutants = []
    for regex in ["(?P<n>a)", "(unclosed", "\\p{L}", "a{2,1}", "[z-a]", "\\d+$", "(?<=a)b", "x*+"]:
        for place in ("pattern", "patternProperties"):
            mutant = copy.deepcopy(schema)
            if place == "pattern":
                mutant["properties"]["name"]["pattern"] = regex
            else:
                mutant["properties"]["meta"]["patternProperties"] = {regex: {}}
            mutants.append(mutant)
    for anchor in ["name\n", "1name", "na me", "name٣"]:
        mutant = copy.deepcopy(schema)
        mutant["properties"]["name"]["$anchor"] = anchor
        mutants.append(mutant)
    return mutants


def test_a_dialect_it_does_not_know_gets_no_verdict() -> None:
    assert not compiled.schema_passes({"type": "string"}, "https://json-schema.org/draft/2020-12/schema")
    assert not compiled.schema_passes({"type": "string"}, "https://example.com/dialect")
    assert compiled.schema_passes({"type": "string"}, _OAS31)
