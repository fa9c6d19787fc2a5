"""An optional field whose schema does not allow null still takes one (kept, and sent back), since the hint has
None for the field left out; a union member that says so (`not_null=(...)`) then loses to a member the null is
declared in. Only the classes a union may decode say it: elsewhere nothing tells members apart."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from tests.models.support import module, mypy_strict, spec


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


LIST = {"type": "array", "items": {"type": "string"}}

# Every way a schema lets a property be null, by version: each must count as declared.
NULLABLE = {
    "3.0 nullable": ("3.0.3", {**LIST, "nullable": True}),
    "3.0 reference made nullable by allOf": ("3.0.3", {"allOf": [_ref("Names")], "nullable": True}),
    "3.0 reference to a nullable schema": ("3.0.3", _ref("MaybeNames")),
    "3.0 enum with null": ("3.0.3", {"type": "string", "enum": ["a", None], "nullable": True}),
    "3.1 type array": ("3.1.0", {"type": ["array", "null"], "items": {"type": "string"}}),
    "3.1 anyOf with null": ("3.1.0", {"anyOf": [LIST, {"type": "null"}]}),
    "3.1 reference beside null": ("3.1.0", {"anyOf": [_ref("Names"), {"type": "null"}]}),
    "3.1 reference to a nullable schema": ("3.1.0", _ref("MaybeNames")),
    "3.1 schema that allows anything": ("3.1.0", {}),
}


def _union(version: str, declared: dict[str, Any]) -> Any:
    """`Config`: anyOf Strict (its list forbids null) and Lenient (its list is `declared`), in that order."""
    maybe = {**LIST, "nullable": True} if version.startswith("3.0") else {**LIST, "type": ["array", "null"]}
    schemas = {
        "Names": LIST,
        "MaybeNames": maybe,
        "Strict": {"type": "object", "properties": {"pip": LIST, "cpu": {"type": "integer"}}},
        "Lenient": {"type": "object", "properties": {"pip": declared, "gpu": {"type": "integer"}}},
        "Config": {"anyOf": [_ref("Strict"), _ref("Lenient")]},
        "Box": {"type": "object", "required": ["config"], "properties": {"config": _ref("Config")}},
    }
    return module(spec(schemas, version=version))


@pytest.mark.parametrize("form", sorted(NULLABLE))
def test_a_null_goes_to_the_member_whose_schema_allows_it(form: str) -> None:
    version, declared = NULLABLE[form]
    models, mod = _union(version, declared)
    payload = {"config": {"pip": None}}
    box = mod.Box.from_dict(payload)
    assert type(box.config) is mod.Lenient, models.source
    assert box.to_dict() == payload
    # The member that forbids it still keeps a null it gets alone, and sends it back.
    strict = mod.Strict.from_dict({"pip": None})
    assert strict.pip is None and strict.to_dict() == {"pip": None}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_without_a_null_the_first_member_that_fits_still_wins(version: str) -> None:
    _, mod = _union(version, NULLABLE["3.0 nullable" if version == "3.0.3" else "3.1 type array"][1])
    assert type(mod.Box.from_dict({"config": {"pip": ["a"]}}).config) is mod.Strict
    assert type(mod.Box.from_dict({"config": {}}).config) is mod.Strict
    # A null both forbid counts against both alike: the order decides, as before.
    both = mod.Box.from_dict({"config": {"cpu": None, "gpu": None}})
    assert type(both.config) is mod.Strict and both.to_dict() == {"config": {"cpu": None, "gpu": None}}


def test_a_member_that_leaves_the_key_to_its_extra_keys_wins_over_one_that_forbids_the_null() -> None:
    schemas = {
        "Strict": {"type": "object", "properties": {"pip": LIST}},
        "Other": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Config": {"anyOf": [_ref("Strict"), _ref("Other")]},
    }
    _, mod = module(spec(schemas))
    decode = importlib.import_module(f"{mod.__package__}._serde").decode
    value = decode(mod.Config, {"pip": None})
    assert type(value) is mod.Other and value.model_extra == {"pip": None}


def test_only_the_classes_a_union_may_decode_say_which_fields_forbid_null() -> None:
    schemas = {
        "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Child": {"allOf": [_ref("Base"), {"type": "object", "properties": {"n": {"type": "integer"}}}]},
        "Other": {"type": "object", "properties": {"n": {"type": ["integer", "null"]}}},
        "Alone": {"type": "object", "properties": {"x": {"type": "string"}}},
        "Pair": {"oneOf": [_ref("Child"), _ref("Other")]},
        "Box": {"type": "object", "properties": {"pair": _ref("Pair"), "alone": _ref("Alone")}},
    }
    models, mod = module(spec(schemas))
    assert 'class Child(Base, not_null=("n",))' in models.source
    assert 'class Base(_Model, not_null=("id",))' in models.source  # a member's base decodes its fields
    assert "class Other(_Model):" in models.source  # its one field allows null
    assert "class Alone(_Model):" in models.source and "class Box(_Model):" in models.source
    # The base's field, inherited, counts for the member.
    assert type(mod.Box.from_dict({"pair": {"id": None, "n": 1}}).pair) is mod.Other
    assert mypy_strict(mod) == ""


def test_a_union_in_an_operation_s_signature_counts_too() -> None:
    paths = {
        "/x": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"oneOf": [_ref("A"), _ref("B")]}}},
                    }
                }
            }
        }
    }
    schemas = {
        "A": {"type": "object", "properties": {"v": {"type": "integer"}}},
        "B": {"type": "object", "properties": {"v": {"type": ["integer", "null"]}}},
    }
    models, mod = module(spec(schemas, paths=paths))
    assert 'class A(_Model, not_null=("v",))' in models.source
    decode = importlib.import_module(f"{mod.__package__}._serde").decode
    hint = next(iter(models.hints.values()))
    assert type(decode(eval(hint, vars(mod)), {"v": None})) is mod.B


def test_a_field_named_as_python_folds_it_and_one_renamed_from_a_method_are_told_too() -> None:
    """`ﬁeld` is the attribute `field` once Python reads it; `to_dict` is the field `to_dict_`."""
    schemas = {
        "A": {"type": "object", "properties": {"ﬁeld": {"type": "integer"}, "to_dict": {"type": "integer"}}},
        "B": {"type": "object", "properties": {"ﬁeld": {"type": ["integer", "null"]}}},
        "C": {"type": "object", "properties": {"to_dict": {"type": ["integer", "null"]}}},
        "U": {"anyOf": [_ref("A"), _ref("B"), _ref("C")]},
    }
    _, mod = module(spec(schemas))
    decode = importlib.import_module(f"{mod.__package__}._serde").decode
    folded = decode(mod.U, {"ﬁeld": None})
    assert type(folded) is mod.B and folded.to_dict() == {"ﬁeld": None}
    renamed = decode(mod.U, {"to_dict": None})
    assert type(renamed) is mod.C and renamed.to_dict() == {"to_dict": None}
