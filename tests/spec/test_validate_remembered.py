"""Schema Objects that passed the check against their dialect are remembered from one run on a spec to the next
(`spec/validate.py: _Checked`): an edit re-checks only the schemas it changed, a schema that fails is checked,
and reported, on every run, and the diagnostics are the ones a run without the cache gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.cache import Cache
from generator.spec import compiled, load_spec
from generator.spec.validate import validate
from tests.conftest import CORPUS, SPECS


@pytest.fixture
def checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """An empty cache of this test's own, and every schema checked against its dialect: each goes to the
    compiled check first, and only one that fails there to the validator's own."""
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    seen: list[Any] = []
    real = compiled.schema_passes

    def counted(schema: Any, dialect: str) -> bool:
        seen.append(schema)
        return real(schema, dialect)

    monkeypatch.setattr(compiled, "schema_passes", counted)
    return seen


def _document(*, broken: bool = False, extra: str = "") -> dict[str, Any]:
    schemas: dict[str, Any] = {
        f"Thing{n}": {"type": "object", "properties": {f"name{n}": {"type": "string"}}} for n in range(30)
    }
    if broken:
        schemas["Broken"] = {"type": "object", "properties": {"when": {"type": "text"}}}
    if extra:
        schemas["Thing3"]["properties"][extra] = {"type": "integer"}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}


def _load(tmp_path: Path, document: dict[str, Any]) -> Any:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document), "utf-8")
    return load_spec((path,))


def test_a_second_run_checks_no_schema_again(tmp_path: Path, checks: list[Any]) -> None:
    doc = _load(tmp_path, _document())
    assert validate(doc, store=Cache()) == []
    first = len(checks)
    assert first >= 30
    assert validate(doc, store=Cache()) == []
    assert len(checks) == first


def test_an_edit_rechecks_only_the_schema_it_changed(tmp_path: Path, checks: list[Any]) -> None:
    validate(_load(tmp_path, _document()), store=Cache())
    checks.clear()
    assert validate(_load(tmp_path, _document(extra="added")), store=Cache()) == []
    assert checks == [_document(extra="added")["components"]["schemas"]["Thing3"]]


def test_a_schema_that_fails_is_checked_and_reported_on_every_run(tmp_path: Path, checks: list[Any]) -> None:
    doc = _load(tmp_path, _document(broken=True))
    plain = validate(doc)
    assert any("Broken" in d.pointer for d in plain)
    for _ in range(2):
        checks.clear()
        assert validate(doc, store=Cache()) == plain
        assert any(isinstance(c, dict) and "when" in c.get("properties", {}) for c in checks)


def _specs() -> list[Any]:
    found = [pytest.param(SPECS / name, id=name) for name in ("features-3.1.yaml", "client-features.yaml")]
    if CORPUS.is_dir():
        for name in ("vocode-fastapi-fern.json", "hf-tgi.json", "oai-petstore-expanded.yaml"):
            found.append(pytest.param(CORPUS / name, id=f"corpus-{name}"))
    return found


@pytest.mark.parametrize("spec", _specs())
def test_the_diagnostics_are_the_ones_a_run_without_the_cache_gives(spec: Path, checks: list[Any]) -> None:
    doc = load_spec((spec,))
    plain = validate(doc)
    assert validate(doc, store=Cache()) == plain  # the run that remembers
    assert validate(doc, store=Cache()) == plain  # the run that remembered


def test_within_a_run_a_schema_met_again_is_not_checked_again(tmp_path: Path, checks: list[Any]) -> None:
    """Without a cache too: the same schema in thirty places is checked once; a broken one in two places is
    checked in both (and reported, at the first: errors are placed by the value they were found in)."""
    document = _document(broken=True)
    schemas = document["components"]["schemas"]
    for n in range(30):
        schemas[f"Thing{n}"] = {"type": "object", "properties": {"name": {"type": "string"}}}
    schemas["Broken2"] = schemas["Broken"]
    problems = validate(_load(tmp_path, document))
    assert sum(1 for schema in checks if schema == schemas["Thing0"]) == 1
    assert sum(1 for schema in checks if schema == schemas["Broken"]) == 2
    assert "#/components/schemas/Broken/properties/when/type" in {p.pointer for p in problems}


# --- walks: a Schema Object's subschemas, `required` lists and defaults, with what its references reach -------


@pytest.fixture
def walks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """An empty cache of this test's own, and the Schema Objects the validator's keyword pass walks from (not
    those it meets below them)."""
    from openapi_spec_validator.validation import keywords

    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    seen: list[Any] = []
    real = keywords.SchemaValidator.__call__

    def counted(self: Any, schema: Any, require_properties: bool = True, meta_checked: bool = False) -> Any:
        if not meta_checked:
            seen.append(schema.read_value())
        return real(self, schema, require_properties, meta_checked)

    monkeypatch.setattr(keywords.SchemaValidator, "__call__", counted)
    return seen


def _referring(*, edit: str = "", default: Any = 1, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Thirty schemas, one of which (Holder) refers to Thing3; Thing3 may be edited, and its `count` given a
    default of the wrong type."""
    document = _document(extra=edit)
    schemas = document["components"]["schemas"]
    schemas["Thing3"]["properties"]["count"] = {"type": "integer", "default": default}
    schemas["Holder"] = {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing3"}}}
    document.update(extra or {})
    return document


def test_an_edit_walks_again_only_from_the_schemas_that_reach_it(tmp_path: Path, walks: list[Any]) -> None:
    assert validate(_load(tmp_path, _referring()), store=Cache()) == []
    assert len(walks) >= 31
    walks.clear()
    edited = _referring(edit="added")
    assert validate(_load(tmp_path, edited), store=Cache()) == []
    schemas = edited["components"]["schemas"]
    assert sorted(walks, key=repr) == sorted([schemas["Thing3"], schemas["Holder"]], key=repr)
    walks.clear()
    assert validate(_load(tmp_path, edited), store=Cache()) == []
    assert walks == []


@pytest.mark.parametrize("default", ["ten", None, [1]])
def test_a_wrong_default_is_reported_on_every_run_and_after_every_edit(
    tmp_path: Path, walks: list[Any], default: Any
) -> None:
    documents = [_referring(default=default), _referring(default=default, edit="a"), _referring(default=default)]
    for document in documents:
        plain = validate(_load(tmp_path, document))
        assert any(p.pointer.endswith("/Thing3/properties/count/default") for p in plain), plain
        assert validate(_load(tmp_path, document), store=Cache()) == plain
    fixed = _referring(edit="a")
    assert validate(_load(tmp_path, fixed), store=Cache()) == validate(_load(tmp_path, fixed)) == []


def test_a_problem_an_earlier_walk_reported_is_found_again_once_that_walk_is_gone(
    tmp_path: Path, walks: list[Any]
) -> None:
    """Two operations reach one broken schema outside the components. The validator walks it once, from the
    first, and stops there when the second's schema reaches it through a property: the second's walk is not
    remembered as sound, and once the first no longer refers to it, the problem is found from the second."""
    broken = {"type": "object", "properties": {"count": {"type": "integer", "default": "ten"}}}

    def document(*, first_refers: bool) -> dict[str, Any]:
        body = {"$ref": "#/x-shared/Broken"} if first_refers else {"type": "string"}
        ok = {"description": "ok", "content": {"application/json": {"schema": body}}}
        holder = {"type": "object", "properties": {"broken": {"$ref": "#/x-shared/Broken"}}}
        second = {"description": "ok", "content": {"application/json": {"schema": holder}}}
        return {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "x-shared": {"Broken": broken},
            "paths": {"/a": {"get": {"responses": {"200": ok}}}, "/b": {"get": {"responses": {"200": second}}}},
        }

    for first_refers in (True, False, True, False):
        doc = _load(tmp_path, document(first_refers=first_refers))
        plain = validate(doc)
        assert plain, "the wrong default is a problem"
        assert validate(doc, store=Cache()) == plain


def test_no_walk_is_remembered_where_a_reference_has_another_base(tmp_path: Path, walks: list[Any]) -> None:
    """Under an `$id`, "#/..." names a place in that schema, not in the document: no walk is known by its text."""
    document = _referring(extra={"x-rebased": {"$id": "https://example.com/schema"}})
    validate(_load(tmp_path, document), store=Cache())
    first = len(walks)
    walks.clear()
    validate(_load(tmp_path, document), store=Cache())
    assert len(walks) == first


@pytest.mark.parametrize(
    ("keyword", "dialect", "walked_again"),
    [
        ("$dynamicRef", None, True),  # a keyword of the 3.1 dialect
        ("$recursiveRef", "https://json-schema.org/draft/2019-09/schema", True),  # read where a schema says 2019-09
        ("$recursiveRef", None, False),  # read by no dialect the document's schemas are checked in
    ],
)
def test_a_reference_resolved_while_validating_reaches_the_whole_document(
    tmp_path: Path, walks: list[Any], keyword: str, dialect: str | None, walked_again: bool
) -> None:
    """A schema holding a `$dynamicRef`, or a `$recursiveRef` where a schema names the dialect that reads it, is
    walked again after an edit anywhere; the others only where they reach the edit."""
    dynamic = {"type": "object", "properties": {"next": {keyword: "#"}}}
    components: dict[str, Any] = {"Tree": dynamic}
    if dialect:
        components["Named"] = {"$schema": dialect, "type": "string"}
    validate(_load(tmp_path, _referring(extra={"components": {"schemas": components}})), store=Cache())
    walks.clear()
    unrelated = _referring(extra={"components": {"schemas": components}})
    unrelated["info"]["description"] = "changed"
    validate(_load(tmp_path, unrelated), store=Cache())
    assert walks == ([dynamic] if walked_again else [])


def test_a_schema_walked_first_as_a_property_is_not_remembered_from_its_own_walk(
    tmp_path: Path, walks: list[Any]
) -> None:
    """The validator walks a schema once per run. Reached first as another schema's property, its undefined
    `required` names are not asked (a property's walk does not ask them), and its own walk then returns at
    once: that walk learnt nothing, so once no schema holds it as a property, the problem is reported."""
    shape = {"allOf": [{"type": "object"}], "required": ["undefined_name"]}

    def document(*, held: bool) -> dict[str, Any]:
        schemas: dict[str, Any] = {}
        if held:
            schemas["Holder"] = {"type": "object", "properties": {"shape": {"$ref": "#/components/schemas/Shape"}}}
        schemas["Shape"] = shape
        return {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }

    assert validate(_load(tmp_path, document(held=True)), store=Cache()) == []
    alone = _load(tmp_path, document(held=False))
    plain = validate(alone)
    assert any("undefined_name" in p.message for p in plain), plain
    assert validate(alone, store=Cache()) == plain
