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
