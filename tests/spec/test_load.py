"""load: YAML, JSON and Markdown pages into JSON data with a line for every pointer."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import GeneratorError
from generator.spec.load import load, parse_json, parse_page, parse_yaml


def test_integer_like_and_boolean_keys_become_strings() -> None:
    doc = parse_yaml("responses:\n  200:\n    description: ok\n  404: {description: gone}\n  yes: 1\n", file="f.yaml")
    assert list(doc.data["responses"]) == ["200", "404", "yes"]


def test_timestamps_stay_text_and_scalars_keep_their_types() -> None:
    doc = parse_yaml("a: 2020-01-01\nb: 1.5\nc: true\nd: null\ne: '7'\n", file="f.yaml")
    assert doc.data == {"a": "2020-01-01", "b": 1.5, "c": True, "d": None, "e": "7"}


def test_yaml_lines_are_kept_for_every_pointer() -> None:
    text = "openapi: 3.1.0\ninfo:\n  title: T\npaths:\n  /a/{b}:\n    get:\n      tags: [x, y]\n"
    doc = parse_yaml(text, file="f.yaml")
    assert doc.line_of("#/info/title") == 3
    assert doc.line_of("#/paths/~1a~1{b}/get") == 6
    assert doc.line_of("#/paths/~1a~1{b}/get/tags/1") == 7
    assert doc.line_of("#/paths/~1a~1{b}/get/nothing/here") == 6


def test_json_lines_are_found_on_demand() -> None:
    text = '{\n  "openapi": "3.1.0",\n  "paths": {\n    "/a": {\n      "get": {"x": [1, {"y": 2}]}\n    }\n  }\n}\n'
    doc = parse_json(text, file="f.json")
    assert doc.data["paths"]["/a"]["get"]["x"][1] == {"y": 2}
    assert doc.line_of("#/paths/~1a/get") == 5
    assert doc.line_of("#/paths/~1a/get/x/1/y") == 5
    assert doc.line_of("#/openapi") == 2


def test_markdown_page_reads_the_block_that_holds_the_spec() -> None:
    page = '# Title\n\n```json\n{"not": "it"}\n```\n\nText\n\n```yaml\nopenapi: 3.1.0\ninfo:\n  title: P\n```\n'
    doc = parse_page(page, file="page.md")
    assert doc.data == {"openapi": "3.1.0", "info": {"title": "P"}}
    # Lines are the page's own, not the block's.
    assert doc.line_of("#/info/title") == 12


def test_page_with_json_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('Intro\n```json\n{"openapi": "3.0.3", "info": {"title": "J", "version": "1"}, "paths": {}}\n```\n')
    doc = load(page)
    assert doc.data["info"]["title"] == "J"
    assert len(doc.sha256) == 64


def test_files_are_dispatched_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("openapi: 3.1.0\n")
    (tmp_path / "a.json").write_text('{"openapi": "3.1.0"}')
    assert load(tmp_path / "a.yml").data == load(tmp_path / "a.json").data == {"openapi": "3.1.0"}


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", ""])
def test_a_document_that_is_not_a_mapping_is_refused(text: str, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(GeneratorError) as caught:
        load(path)
    assert str(path) in str(caught.value)
