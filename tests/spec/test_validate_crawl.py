"""The 3.1 validator's OpenAPI-schema pass runs on a registry crawled once (validate._crawled): it judges every
document as openapi-spec-validator does, and its work no longer grows with a crawl per Schema Object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import referencing
from openapi_spec_validator import OpenAPIV31SpecValidator

from generator.spec import load_spec
from generator.spec.validate import _crawled, validate
from tests.corpus import CORPUS


@pytest.fixture(autouse=True)
def _pinned_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validator run directly here judges with the backend `validate()` pins (pure-Python jsonschema), not
    with whichever the environment would give it: with jsonschema-rs installed, its errors read differently."""
    monkeypatch.setenv("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")


def _spec(schemas: int, *, broken: bool = False) -> dict[str, object]:
    components = {
        f"Thing{n}": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "next": {"$ref": f"#/components/schemas/Thing{(n + 1) % schemas}"},
            },
            "required": ["id"] if not broken or n % 7 else "id",  # a string where a list belongs
        }
        for n in range(schemas)
    }
    paths = {"/things": {"get": {"responses": {"200": {"description": "ok"}}}}}
    if broken:
        paths["/things"]["get"]["responses"] = {"200": {"content": {}}}  # no description
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        "components": {"schemas": components},
    }


def _errors(validator_class: type, data: dict[str, object]) -> list[tuple[str, str]]:
    return [(str(list(e.absolute_path)), e.message) for e in validator_class(data).iter_errors()]


@pytest.mark.parametrize("broken", [False, True])
def test_it_reports_what_the_validator_reports(broken: bool) -> None:
    data = _spec(40, broken=broken)
    expected = _errors(OpenAPIV31SpecValidator, data)
    assert _errors(_crawled(OpenAPIV31SpecValidator), data) == expected
    assert bool(expected) == broken


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is absent")
@pytest.mark.parametrize("name", ["hf-tgi.json", "oai-webhook-example.yaml"])
def test_it_reports_what_the_validator_reports_on_real_specs(name: str) -> None:
    data = load_spec([CORPUS / name]).data
    assert _errors(_crawled(OpenAPIV31SpecValidator), data) == _errors(OpenAPIV31SpecValidator, data)


def test_its_crawls_do_not_grow_with_the_schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crawls = 0
    real = referencing.Registry.crawl

    def counting(self: referencing.Registry) -> referencing.Registry:  # type: ignore[type-arg]
        nonlocal crawls
        crawls += 1
        return real(self)

    monkeypatch.setattr(referencing.Registry, "crawl", counting)
    counts = []
    for schemas in (20, 80):
        path = tmp_path / f"spec{schemas}.json"
        path.write_text(json.dumps(_spec(schemas)))
        crawls = 0
        assert validate(load_spec([path])) == []
        counts.append(crawls)
    assert counts[0] == counts[1] < 5, counts  # as shipped: a crawl per Schema Object (hundreds here)
