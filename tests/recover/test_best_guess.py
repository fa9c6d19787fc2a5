"""A reviewed best guess: the most probable reading at each line where a strict reading stops, each choice listed."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generator.errors import GeneratorError
from generator.recover import Recovery, recover
from tests.recover.docs_page import docs_page, yaml_block

_HEAD = """
openapi: 3.1.0
info:
title: T
version: '1'
paths: {}
components:
schemas:
"""

# `snapshot_id` could end the nested object or continue the request body's schema: nothing on this page tells.
_TRACKS = """
Remove:
type: object
properties:
tracks:
type: array
items:
type: object
properties:
uri:
type: string
snapshot_id:
type: string
"""


def _lines(text: str) -> list[str]:
    return text.strip("\n").splitlines()


def test_without_the_flag_an_ambiguous_line_stops_the_reading() -> None:
    lines = _lines(_HEAD + _TRACKS)
    with pytest.raises(GeneratorError, match="ambiguous"):
        recover(lines, file="tracks.md", first_line=1)


def test_a_best_guess_reads_on_and_lists_the_choice_at_the_page_line() -> None:
    lines = _lines(_HEAD + _TRACKS)
    result = recover(lines, file="tracks.md", first_line=5, best_guess=True)
    assert isinstance(result, Recovery)
    (warning,) = result.warnings
    assert (warning.file, warning.line, warning.level) == ("tracks.md", 5 + lines.index("snapshot_id:"), "warning")
    taken, rival = (
        "/components/schemas/Remove/properties/tracks/items/properties",
        "/components/schemas/Remove/properties",
    )
    assert warning.message.startswith(f"chose `snapshot_id:` in {taken} ({{Schema}}) over {rival} ({{Schema}}) (")
    assert warning.format().startswith(f"tracks.md:{warning.line}: {taken}: warning: chose ")
    # The document is the reading the warning names.
    items = yaml.safe_load(result.text)["components"]["schemas"]["Remove"]["properties"]["tracks"]["items"]
    assert set(items["properties"]) == {"uri", "snapshot_id"}


def test_the_page_itself_can_make_one_reading_more_probable() -> None:
    # Another schema on the page holds `snapshot_id` beside `uri`: the nested object reading is the better guess,
    # and the warning gives that as its evidence. Moved after the ambiguous schema, the evidence still counts.
    elsewhere = """
Snapshot:
type: object
properties:
uri:
type: string
snapshot_id:
type: string
required:
- uri
"""
    for text in (_HEAD + elsewhere + _TRACKS, _HEAD + _TRACKS + elsewhere):
        result = recover(_lines(text), file="tracks.md", first_line=1, best_guess=True)
        (warning,) = result.warnings
        assert "in /components/schemas/Remove/properties/tracks/items/properties" in warning.message
        assert warning.message.endswith("(`snapshot_id` sits beside `uri` in 1 other mapping on the page, against 0)")


def test_a_header_example_after_its_schema_is_a_choice_and_the_header_is_the_guess() -> None:
    # Both readings are valid OpenAPI; headers hold their own example far more often than their schema does.
    header = {"X-Rate": {"description": "calls", "schema": {"type": "integer"}, "example": 3}}
    response = {"description": "ok", "headers": header}
    data = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": response}}}},
    }
    block, first = yaml_block(docs_page(data, "a"))
    with pytest.raises(GeneratorError, match="ambiguous: `example: 3`"):
        recover(block, file="a.md", first_line=first)
    result = recover(block, file="a.md", first_line=first, best_guess=True)
    assert yaml.safe_load(result.text) == data
    (warning,) = result.warnings
    assert "in /paths/~1a/get/responses/200/headers/X-Rate (Header) over" in warning.message
    assert "an object annotates itself more often than its schema" in warning.message


def _document(schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}


def test_a_page_with_one_reading_comes_back_the_same_with_or_without_the_flag() -> None:
    data = _document({"Pet": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}})
    block, first = yaml_block(docs_page(data, "pet"))
    strict = recover(block, file="pet.md", first_line=first)
    guessed = recover(block, file="pet.md", first_line=first, best_guess=True)
    assert strict == guessed == Recovery(strict.text, ())
    assert yaml.safe_load(strict.text) == data


def test_every_tie_on_a_page_is_listed() -> None:
    # Three independent ties, each a choice of its own.
    schemas = {
        f"S{k}": {
            "type": "object",
            "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}, "c": {"type": "string"}},
        }
        for k in range(3)
    }
    block, first = yaml_block(docs_page(_document(schemas), "s"))
    result = recover(block, file="s.md", first_line=first, best_guess=True)
    assert [block[(w.line or 0) - first] for w in result.warnings] == ["c:", "c:", "c:"]
    assert [w.pointer for w in result.warnings] == [
        f"/components/schemas/S{k}/properties/a/properties" for k in range(3)
    ]


def test_a_habit_that_places_an_item_of_data_is_listed_as_a_choice() -> None:
    # `[[1], 2]` flattens as `[[1, 2]]` does; items of one list begin alike, so the guess is the inner list: listed,
    # since the page cannot say.
    data = _document({"Deep": {"example": [[1], 2]}})
    block, first = yaml_block(docs_page(data, "d"))
    result = recover(block, file="d.md", first_line=first, best_guess=True)
    assert yaml.safe_load(result.text)["components"]["schemas"]["Deep"]["example"] == [[1, 2]]
    (warning,) = result.warnings
    assert block[(warning.line or 0) - first] == "- 2"
    assert warning.message.startswith("chose `- 2` in /components/schemas/Deep/example/0 ([any]) over ")
