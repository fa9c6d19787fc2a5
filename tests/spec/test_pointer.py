"""The document walks that spell no pointer for every value (`refs`, `containers`) find what `walk` finds, in
its order, prunes included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.spec import openapi, pointer
from generator.spec.load import load
from tests.conftest import CORPUS, SPECS

TRICKY: dict[str, Any] = {
    "paths": {
        "/pets/{id}": {"get": {"responses": {"200": {"$ref": "#/components/responses/Pet"}}}},
        "/a~b": {"x-ext": {"$ref": "#/inside/an/extension"}, "parameters": [{"$ref": "#/p/0"}, [{"$ref": "#/q"}]]},
    },
    "components": {"schemas": {"A/B": {"$ref": "#/components/schemas/C~D"}, "x-skip": {"$ref": "#/kept"}}},
    "$ref": "#/at/the/root",
}


def _documents() -> list[Any]:
    found = [pytest.param(TRICKY, id="tricky-keys")]
    found += [pytest.param(p, id=p.name) for p in sorted(SPECS.glob("*.yaml"))]
    if CORPUS.is_dir():
        found += [pytest.param(CORPUS / "github-rest-2020.json", id="github")]
    return found


@pytest.mark.parametrize("given", _documents())
@pytest.mark.parametrize("prune", [None, openapi.is_extension], ids=["whole", "pruned"])
def test_refs_and_containers_are_walk_without_the_pointers(given: Any, prune: Any) -> None:
    if isinstance(given, Path):
        try:
            given = load(given).data
        except Exception:
            pytest.skip("not loadable: a spec for the refusal tests")
    walked = list(pointer.walk(given, prune=prune))
    expected = [
        (pointer.join(w, "$ref"), v["$ref"])
        for w, v in walked
        if isinstance(v, dict) and isinstance(v.get("$ref"), str)
    ]
    assert list(pointer.refs(given, prune=prune)) == expected
    assert [id(v) for v in pointer.containers(given, prune=prune)] == [
        id(v) for _, v in walked if isinstance(v, dict | list)
    ]
    if given is TRICKY:
        found = dict(pointer.refs(given, prune=prune))
        assert found["#/paths/~1a~0b/parameters/1/0/$ref"] == "#/q"
        assert ("#/paths/~1a~0b/x-ext/$ref" in found) == (prune is None)
