"""A model whose schema allows no keys but its own (`additionalProperties: false`) says so (`closed=True`): alone it
keeps a key it does not declare, as every model does, but in a union that key counts against it, so a member
that explains the key wins."""

from __future__ import annotations

import importlib
from typing import Any

from tests.models.support import module, spec

STRICT = {"type": "object", "properties": {"text": {"type": "string"}}, "additionalProperties": False}
LOOSE = {
    "type": "object",
    "required": ["image"],
    "properties": {"image": {"type": "string"}, "text": {"type": "string"}},
}


def _result(members: list[str]) -> Any:
    schemas = {
        "Strict": STRICT,
        "Loose": LOOSE,
        "Result": {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in members]},
        "Box": {"type": "object", "properties": {"result": {"$ref": "#/components/schemas/Result"}}},
    }
    return module(spec(schemas))[1]


def test_a_union_takes_the_member_that_explains_every_key_before_a_closed_one() -> None:
    mod = _result(["Strict", "Loose"])
    payload = {"result": {"text": "caption", "image": "img.png"}}
    box = mod.Box.from_dict(payload)
    assert type(box.result) is mod.Loose
    assert box.to_dict() == payload


def test_a_closed_member_still_wins_what_only_it_fits() -> None:
    mod = _result(["Loose", "Strict"])
    box = mod.Box.from_dict({"result": {"text": "caption"}})
    assert type(box.result) is mod.Strict


def test_a_closed_model_alone_keeps_what_it_does_not_declare() -> None:
    mod = _result(["Strict", "Loose"])
    strict = mod.Strict.from_dict({"text": "t", "later": 1})
    assert strict.model_extra == {"later": 1}
    assert strict.to_dict() == {"text": "t", "later": 1}


def test_only_the_schema_that_closes_is_closed() -> None:
    schemas = {
        "Base": STRICT,
        "Child": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"n": {"type": "integer"}}},
            ]
        },
        "Other": {"type": "object", "properties": {"n": {"type": "integer"}, "text": {"type": "string"}}},
        "Either": {"oneOf": [{"$ref": "#/components/schemas/Child"}, {"$ref": "#/components/schemas/Other"}]},
    }
    models, mod = module(spec(schemas))
    assert "closed=True" in models.source
    lines = models.source.splitlines()
    assert next(line for line in lines if line.startswith("class Base(")).startswith("class Base(_Model, closed=True")
    assert "closed" not in next(line for line in lines if line.startswith("class Child("))
    decode = importlib.import_module(f"{mod.__package__}._serde").decode
    # Child is not closed by its base: a key neither declares is a loose fit for both, and the first wins.
    assert type(decode(mod.Either, {"text": "t", "n": 1, "x": 0})) is mod.Child
