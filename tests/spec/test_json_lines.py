"""A JSON spec's lines are found on demand, by walking down a pointer's path (`spec/load.py: _JsonLocator`):
every node's line is the one its text was written on, in whatever order the lookups come, and a pointer to
nothing has no line."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from generator.spec.load import _JsonLocator, parse_json
from generator.spec.pointer import join
from tests.conftest import CORPUS

_KEYS = ["a", "/", "~", "a/b~c", '"q"', "é", "\\", "}", "[", "", "0", "01", "get", "x y", "\u2028", "\U0001f600"]
_SCALARS: list[Any] = [0, -1, 10**20, 1.5, -2.5e-3, 1e300, True, False, None, "", "}", '"{[', "a\nb", "\u2028", "é"]
_SPACE = ["", " ", "\n", "\t", "\r\n", "\n\n  ", " \r "]


class _Writer:
    """JSON text with random spacing, and the line each pointer's node was written on: the key's line for an
    object member, the value's own for an array item and the root."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.chunks: list[str] = []
        self.line = 1
        self.lines: dict[str, int] = {}

    def put(self, text: str) -> None:
        self.chunks.append(text)
        self.line += text.count("\n")

    def space(self) -> None:
        self.put(self.rng.choice(_SPACE))

    def value(self, value: Any, pointer: str, *, member: bool = False) -> None:
        self.space()
        if not member:
            self.lines[pointer] = self.line
        if isinstance(value, dict):
            self.put("{")
            for index, (key, item) in enumerate(value.items()):
                self.put("," if index else "")
                self.space()
                child = join(pointer, key)
                self.lines[child] = self.line
                self.put(json.dumps(key, ensure_ascii=self.rng.random() < 0.5))
                self.space()
                self.put(":")
                self.value(item, child, member=True)
                self.space()
            self.put("}")
        elif isinstance(value, list):
            self.put("[")
            for index, item in enumerate(value):
                self.put("," if index else "")
                self.value(item, join(pointer, index))
                self.space()
            self.put("]")
        else:
            self.put(json.dumps(value, ensure_ascii=self.rng.random() < 0.5))


def _random(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.3:
        return rng.choice(_SCALARS)
    if roll < 0.65:
        keys = rng.sample(_KEYS, rng.randint(0, 6))
        return {key: _random(rng, depth + 1) for key in keys}
    return [_random(rng, depth + 1) for _ in range(rng.randint(0, 5))]


@pytest.mark.parametrize("seed", range(40))
def test_every_node_has_the_line_it_was_written_on(seed: int) -> None:
    rng = random.Random(seed)
    writer = _Writer(rng)
    data = {"openapi": "3.1.0", "paths": _random(rng, 0), "components": _random(rng, 0)}
    writer.value(data, "#")
    writer.space()
    text = "".join(writer.chunks)
    assert json.loads(text) == data

    pointers = list(writer.lines)
    rng.shuffle(pointers)  # a lookup may come after lookups deeper in, later in, or beside it
    locator = _JsonLocator(text)
    assert {p: locator.line(p) for p in pointers} == writer.lines
    missing = [join(p, "missing") for p in pointers] + [p + "x" for p in pointers if p != "#"]
    assert all(locator.line(p) is None for p in missing if p not in writer.lines)


def test_a_document_locates_by_the_nearest_node_that_exists() -> None:
    text = '{"paths":\n {"/a":\n  {"get": {"responses":\n   {"200": {}}}}},\n "x": [1,\n 2]}'
    doc = parse_json(text, file="f.json")
    assert doc.line_of("#/paths/~1a/get/responses/200") == 4
    assert doc.line_of("#/paths/~1a/get/responses/200/content/nothing") == 4
    assert doc.line_of("#/paths/~1b") == 1  # the nearest: the document itself
    assert doc.line_of("#/x/1") == 6
    assert doc.line_of("#/x/2") == 5


def test_lines_on_the_corpus_are_those_of_a_pointer_walk_of_the_text() -> None:
    """Each JSON corpus spec: the lines of its operations and schemas, looked up in a shuffled order, are where
    the text names them."""
    specs = sorted(CORPUS.glob("*.json"))
    if not specs:
        pytest.skip("the corpus is not beside this checkout")
    for path in specs:
        text = path.read_text("utf-8")
        data = json.loads(text)
        lines = text.split("\n")
        wanted: list[tuple[str, str]] = []
        for section in ("paths", "components"):
            for key, value in (data.get(section) or {}).items():
                wanted.append((join("#", section, key), key))
                if isinstance(value, dict):
                    wanted.extend((join("#", section, key, inner), inner) for inner in value)
        random.Random(path.name).shuffle(wanted)
        locator = _JsonLocator(text)
        for pointer, key in wanted:
            line = locator.line(pointer)
            assert line is not None, (path.name, pointer)
            assert json.dumps(key) in lines[line - 1] or json.dumps(key, ensure_ascii=False) in lines[line - 1], (
                path.name,
                pointer,
                line,
            )


def test_a_located_error_in_a_large_spec_reads_little_of_it(tmp_path: Path) -> None:
    """Locating a node passes over the members before it whole: a spec of 20,000 operations answers a lookup
    of its first path's operation without reading the others'."""
    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(20_000)}
    text = json.dumps({"openapi": "3.1.0", "paths": paths}, indent=1)
    locator = _JsonLocator(text)
    assert locator.line("#/paths/~1p0/get") == 5
    members, resume = locator.read["#/paths"]
    assert list(members) == ["#/paths/~1p0"] and resume is not None
