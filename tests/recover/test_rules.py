"""OpenAPI's own exclusions as evidence: recovery never returns a document that breaks them (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import GeneratorError
from generator.recover import recover
from generator.recover.checks import violations
from tests.recover.docs_page import CORPUS, docs_page, load_spec, yaml_block


def _document(version: str, responses: dict[str, Any], **components: Any) -> dict[str, Any]:
    paths = {"/pets": {"get": {"operationId": "list", "responses": responses}}}
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths, "components": components}


def _recovered(data: dict[str, Any], *, best_guess: bool = False) -> Any:
    block, first = yaml_block(docs_page(data, "pets"))
    result = recover(block, file="pets.md", first_line=first, best_guess=best_guess)
    assert result.warnings == ()
    return yaml.safe_load(result.text)


_CONTENT = {"application/json": {"schema": {"type": "object"}}, "application/xml": {"schema": {"type": "object"}}}
_HEADERS = {
    "a reference": {"X-Rate-Limit": {"$ref": "#/components/headers/RateLimit"}},
    "a described reference": {"X-Rate-Limit": {"description": "calls left", "$ref": "#/components/headers/RateLimit"}},
    "a schema": {"X-Rate-Limit": {"description": "calls left", "schema": {"type": "integer"}}},
    "a description only": {"X-Rate-Limit": {"description": "calls left"}},
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("header", list(_HEADERS))
def test_a_responses_content_after_its_headers_stays_with_the_response(version: str, header: str) -> None:
    # The held-out spec's failure: the response's `content` read into the last header, which then had (through its
    # reference) both a schema and a content map. A reference takes nothing beside `$ref` but a summary and a
    # description, a header holds one media type at most, and a schema or a content map, never both.
    response = {"description": "ok", "headers": _HEADERS[header], "content": _CONTENT}
    data = _document(version, {"200": response}, headers={"RateLimit": {"schema": {"type": "integer"}}})
    for best_guess in (False, True):
        assert _recovered(data, best_guess=best_guess) == data


def test_a_headers_own_content_map_stays_with_the_header() -> None:
    header = {"X-Trace": {"content": {"text/plain": {"schema": {"type": "string"}}}}}
    data = _document("3.1.0", {"200": {"description": "ok", "headers": header, "content": _CONTENT}})
    assert _recovered(data) == data


def test_a_line_no_reading_can_take_without_breaking_a_rule_stops_there() -> None:
    # After the parameter's schema, `content:` has nowhere to go: the parameter has a schema, and no object around
    # it takes a content map.
    text = """
openapi: 3.1.0
info:
title: t
version: '1'
paths:
/pets:
get:
parameters:
- name: q
in: query
schema:
type: string
content:
text/plain:
schema:
type: string
responses:
'200':
description: ok
"""
    lines = text.strip("\n").splitlines()
    with pytest.raises(GeneratorError) as caught:
        recover(lines, file="pets.md", first_line=1)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.file == "pets.md"
    assert diagnostic.line == lines.index("content:") + 1
    assert "cannot place `content:`" in diagnostic.message


_OPERATION_THEN_EXTENSION = """
openapi: {version}
info:
title: t
version: '1'
paths:
/apps:
get:
operationId: list
x-internal:
owner: team
responses:
'200':
description: ok
"""


def test_before_3_1_an_operation_needs_its_responses_so_an_extension_before_them_is_its_own() -> None:
    lines = _OPERATION_THEN_EXTENSION.format(version="3.0.3").strip("\n").splitlines()
    get = yaml.safe_load(recover(lines, file="apps.md", first_line=1).text)["paths"]["/apps"]["get"]
    assert get == {"operationId": "list", "x-internal": {"owner": "team"}, "responses": {"200": {"description": "ok"}}}


def test_from_3_1_an_operation_may_lack_responses_so_the_same_page_is_ambiguous() -> None:
    # The path item's `x-internal` could then hold `responses` as data: both documents are valid 3.1.
    lines = _OPERATION_THEN_EXTENSION.format(version="3.1.0").strip("\n").splitlines()
    with pytest.raises(GeneratorError, match="ambiguous") as caught:
        recover(lines, file="apps.md", first_line=1)
    assert caught.value.diagnostics[0].line == lines.index("x-internal:") + 1


def _openapi(**paths_and_components: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, **paths_and_components}


def _parameter(**fields: Any) -> dict[str, Any]:
    operation = {"parameters": [{"name": "q", "in": "query", **fields}], "responses": {"200": {"description": "ok"}}}
    return _openapi(paths={"/pets": {"get": operation}})


_BROKEN = [
    (_parameter(schema={"type": "string"}, content={"text/plain": {}}), "/paths/~1pets/get/parameters/0", "never both"),
    (_parameter(example=1, examples={"one": {"value": 1}}), "/paths/~1pets/get/parameters/0", "never both"),
    (_parameter(content={"text/plain": {}, "application/json": {}}), "/parameters/0/content", "single media type"),
    (
        _openapi(components={"examples": {"e": {"value": 1, "externalValue": "x"}}}),
        "/components/examples/e",
        "never both",
    ),
    (
        _openapi(components={"headers": {"H": {"$ref": "#/components/headers/G", "schema": {}}}}),
        "/components/headers/H",
        "nothing beside `$ref`",
    ),
    (_openapi(paths={"/pets": {"get": {"summary": "no responses"}}}), "/paths/~1pets/get", "needs `responses`"),
    (_openapi(paths={"/pets": {"get": {"responses": {}, "content": {}}}}), "/paths/~1pets/get/content", "no field"),
]


@pytest.mark.parametrize(("document", "where", "what"), _BROKEN)
def test_each_exclusion_is_found_where_it_is_broken(document: dict[str, Any], where: str, what: str) -> None:
    found = list(violations(document, "OpenAPI"))
    assert len(found) == 1
    (pointer, message) = found[0]
    assert pointer.endswith(where) and what in message


def test_a_document_that_keeps_the_rules_breaks_none() -> None:
    header = {"H": {"description": "d", "$ref": "#/components/headers/G"}, "G": {"schema": {"type": "string"}}}
    document = _openapi(
        paths={"/pets": {"get": {"parameters": [{"name": "q", "in": "query", "content": {"text/plain": {}}}]}}},
        components={"headers": header, "examples": {"e": {"externalValue": "x"}}},
    )
    document["paths"]["/pets"]["get"]["responses"] = {"200": {"description": "ok", "x-any": {"content": 1}}}
    assert list(violations(document, "OpenAPI")) == []
    # From 3.1 an operation may leave out its responses.
    del document["paths"]["/pets"]["get"]["responses"]
    assert list(violations({**document, "openapi": "3.1.0"}, "OpenAPI")) == []


def _corpus() -> list[Any]:
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS}: this test needs it"))]
    return [pytest.param(path, id=path.name) for path in sorted(CORPUS.iterdir()) if path.suffix in (".json", ".yaml")]


@pytest.mark.parametrize("path", _corpus())
def test_every_corpus_spec_keeps_the_rules_recovery_holds_pages_to(path: Path) -> None:
    # A rule real specs break would make recovery refuse their pages.
    document = load_spec(path)
    assert list(violations(document, "Swagger" if "swagger" in document else "OpenAPI")) == []
