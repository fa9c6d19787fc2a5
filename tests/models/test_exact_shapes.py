"""Valid schemas the engine cannot read as they stand: each still generates, and its type decodes every payload the
schema allows (wider where the engine cannot be exact, never another type)."""

from __future__ import annotations

import enum
import importlib
from typing import Any

import pytest

from generator.errors import GeneratorError
from tests.models.support import models, module, mypy_strict, spec


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _serde(mod: Any) -> Any:
    return importlib.import_module(mod.__name__.rpartition(".")[0] + "._serde")


# --- enums of objects and arrays --------------------------------------------------------------------------------


def test_an_enum_of_objects_and_arrays_is_typed_by_their_json_shape() -> None:
    schemas = {
        "Mixed": {"enum": [{"a": 1}, "x"]},
        "Lists": {"enum": [[1, 2], [3]]},
        "Numbers": {"type": "array", "items": {"type": "integer"}, "enum": [[1, 2]]},
        "Box": {
            "type": "object",
            "properties": {
                "mixed": _ref("Mixed"),
                "lists": _ref("Lists"),
                "numbers": _ref("Numbers"),
                "one": {"enum": [{"a": 1}]},
                "nullable": {"enum": [[1], None]},
            },
        },
    }
    _, mod = module(spec(schemas))
    payload = {"mixed": {"a": 1}, "lists": [1, 2], "numbers": [1, 2], "one": {"a": 1}, "nullable": None}
    assert mod.Box.from_dict(payload).to_dict() == payload
    assert mod.Box.from_dict({"nullable": [1]}).to_dict() == {"nullable": [1]}
    # The values that are no objects or arrays keep their enum class.
    assert isinstance(mod.Box.from_dict({"mixed": "x"}).mixed, enum.Enum)
    # What the JSON shape closes is still checked.
    with pytest.raises(ValueError, match="numbers"):
        mod.Box.from_dict({"numbers": ["a"]})
    with pytest.raises(ValueError, match="one"):
        mod.Box.from_dict({"one": [1]})


# --- schemas that allow null alone ----------------------------------------------------------------------------

NULLS = {
    "type null": {"type": "null"},
    "const null": {"const": None},
    "enum of null": {"enum": [None]},
    "a reference to one": _ref("Null"),
    "an allOf of one": {"allOf": [_ref("Null")]},
}


@pytest.mark.parametrize("nothing", sorted(NULLS))
def test_a_property_that_refers_to_a_null_only_schema_leaves_its_model_usable(nothing: str) -> None:
    schemas = {
        "Null": {"type": "null"},
        "Nothing": NULLS[nothing],
        "Root": {
            "type": "object",
            "required": ["both"],
            "properties": {
                "a": {"type": "string"},
                "gone": _ref("Nothing"),
                "either": {"anyOf": [_ref("Nothing"), {"type": "null"}]},
                "both": {"anyOf": [_ref("Nothing"), {"type": "string"}]},
                "many": {"type": "array", "items": _ref("Nothing")},
            },
        },
    }
    _, mod = module(spec(schemas))
    for payload in ({"a": "x", "both": None}, {"gone": None, "either": None, "both": "y", "many": [None, None]}):
        assert mod.Root.from_dict(payload).to_dict() == payload
    assert mod.Root(a="x", both=None).to_dict() == {"a": "x", "both": None}
    with pytest.raises(ValueError, match="gone"):
        mod.Root.from_dict({"both": None, "gone": "text"})


# --- nullable array items and map values ------------------------------------------------------------------------


def _nullable(schema: dict[str, Any], version: str) -> dict[str, Any]:
    """The schema, also allowing null, as the version spells it."""
    if version.startswith("3.0"):
        return {**schema, "nullable": True} if "$ref" not in schema else {"allOf": [schema], "nullable": True}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"], **({"enum": [*schema["enum"], None]} if "enum" in schema else {})}
    return {"anyOf": [schema, {"type": "null"}]}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_null_items_and_map_values_decode_and_go_back_as_null(version: str) -> None:
    inline = {"type": "object", "properties": {"x": {"type": "integer"}}}
    kinds: dict[str, dict[str, Any]] = {
        "object": inline,
        "enum": {"type": "string", "enum": ["a", "b"]},
        "reference": _ref("Thing"),
        "array": {"type": "array", "items": {"type": "integer"}},
        "text": {"type": "string"},
    }
    properties: dict[str, Any] = {}
    for kind, schema in kinds.items():
        properties[f"list_{kind}"] = {"type": "array", "items": _nullable(schema, version)}
        properties[f"map_{kind}"] = {"type": "object", "additionalProperties": _nullable(schema, version)}
    properties["deep"] = {
        "type": "object",
        "additionalProperties": {"type": "array", "items": _nullable(inline, version)},
    }
    if version.startswith("3.0"):  # a reference's sibling, read as its authors mean it
        properties["list_sibling"] = {"type": "array", "items": {**_ref("Thing"), "nullable": True}}
        properties["map_sibling"] = {"type": "object", "additionalProperties": {**_ref("Thing"), "nullable": True}}
    schemas = {"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}, "Box": {"properties": properties}}
    found, mod = module(spec(schemas, version=version))
    values = {"object": {"x": 1}, "enum": "a", "reference": {"a": "s"}, "array": [1, 2], "text": "t"}
    payload: dict[str, Any] = {}
    for name in properties:
        value = values.get(name.partition("_")[2], {"a": "s"})
        payload[name] = {"deep": {"k": [None, {"x": 2}]}}.get(name) or (
            [None, value] if name.startswith("list") else {"gone": None, "here": value}
        )
    box = mod.Box.from_dict(payload)
    assert box.list_object[0] is None and box.map_enum["gone"] is None and box.deep["k"][0] is None
    assert box.to_dict() == payload
    assert "dict[str, BoxMapObjectValue | None]" in found.source
    assert "list[BoxListEnumItem | None]" in found.source
    # What is not null is still checked.
    with pytest.raises(ValueError, match="map_object"):
        mod.Box.from_dict({"map_object": {"k": "not an object"}})


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_reference_made_nullable_by_an_all_of_part_keeps_its_type_everywhere(version: str) -> None:
    # 3.0 has no `$ref` with siblings: `allOf: [{$ref: X}, {nullable: true}]` is how specs make a reference
    # nullable, and 3.1 specs written in 3.0's words do the same. X here is a union of a string enum and an
    # object, which a class per part would lose.
    def nullable(**annotations: Any) -> dict[str, Any]:
        return {"allOf": [_ref("Choice"), {"nullable": True, **annotations}]}

    schemas = {
        "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "Choice": {"oneOf": [{"type": "string", "enum": ["auto", "none"]}, _ref("Named")]},
        "Box": {
            "type": "object",
            "required": ["must"],
            "properties": {
                "must": nullable(),
                "maybe": nullable(description="Which one, if any."),
                "many": {"type": "array", "items": nullable()},
                "by_name": {"type": "object", "additionalProperties": nullable(title="Choice")},
            },
        },
    }
    found, mod = module(spec(schemas, version=version))
    for payload in (
        {"must": None, "maybe": None, "many": [None], "by_name": {"k": None}},
        {"must": "auto", "maybe": {"name": "n"}, "many": ["none", {"name": "m"}], "by_name": {"k": "auto"}},
    ):
        assert mod.Box.from_dict(payload).to_dict() == payload
    box = mod.Box.from_dict({"must": {"name": "n"}, "many": ["auto"]})
    assert type(box.must) is mod.Named and box.many[0] == "auto"
    assert '"""Which one, if any."""' in found.source
    # No class stands for a part: each place holds the union itself.
    assert set(found.classes.values()) == {"Named", "Choice", "ChoiceEnum", "Box"}


# --- allOf children that re-declare a parent's property ---------------------------------------------------------


def _pets(cat_name: dict[str, Any], dog_name: dict[str, Any] | None = None) -> dict[str, Any]:
    dog_properties: dict[str, Any] = {"bark": {"type": "boolean"}}
    if dog_name is not None:
        dog_properties["name"] = dog_name
    return {
        "Pet": {
            "type": "object",
            "required": ["petType"],
            "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
            "discriminator": {"propertyName": "petType"},
        },
        "Cat": {
            "allOf": [
                _ref("Pet"),
                {"type": "object", "properties": {"name": cat_name, "meow": {"type": "boolean"}}},
            ]
        },
        "Dog": {"allOf": [_ref("Pet"), {"type": "object", "properties": dog_properties}]},
        "Owner": {
            "type": "object",
            "properties": {"pet": _ref("Pet"), "pets": {"type": "array", "items": _ref("Pet")}},
        },
    }


DESCRIBED = {"type": "string", "description": "The cat's name", "example": "Tom", "x-note": "n"}


@pytest.mark.parametrize("dog_name", [None, {"type": "string", "title": "Name", "deprecated": True}])
def test_a_child_that_only_describes_a_parent_property_again_stays_a_member(dog_name: dict[str, Any] | None) -> None:
    _, mod = module(spec(_pets(DESCRIBED, dog_name)))
    assert issubclass(mod.Cat, mod.Pet) and issubclass(mod.Dog, mod.Pet)
    owner = mod.Owner.from_dict({"pet": {"petType": "Cat", "name": "tom", "meow": True}})
    assert type(owner.pet) is mod.Cat and owner.pet.meow is True and owner.pet.model_extra == {}
    payload = {"pets": [{"petType": "Dog", "bark": False}, {"petType": "Cat", "name": "tom"}]}
    decoded = mod.Owner.from_dict(payload)
    assert [type(pet) for pet in decoded.pets] == [mod.Dog, mod.Cat]
    assert decoded.to_dict() == payload


def test_a_child_that_redefines_a_parent_property_keeps_its_place_in_the_parents_union() -> None:
    _, mod = module(spec(_pets({"type": "integer"})))
    payload = {"pet": {"petType": "Cat", "name": 7, "meow": True}, "pets": [{"petType": "Dog", "name": "rex"}]}
    decoded = mod.Owner.from_dict(payload)
    assert type(decoded.pet) is mod.Cat and decoded.pet.name == 7
    assert type(decoded.pets[0]) is mod.Dog
    assert decoded.to_dict() == payload
    with pytest.raises(ValueError, match="pet"):
        mod.Owner.from_dict({"pet": {"petType": "Cow"}})
    # The child is no subclass (its field's type does not fit the parent's), and the module still type-checks.
    assert not issubclass(mod.Cat, mod.Pet)
    assert mypy_strict(mod) == ""


def test_a_redefining_child_keeps_the_tag_its_parents_mapping_gives_it() -> None:
    schemas = _pets({"type": "integer"})
    schemas["Pet"]["discriminator"]["mapping"] = {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}
    _, mod = module(spec(schemas))
    serde = _serde(mod)
    assert type(mod.Owner.from_dict({"pet": {"petType": "cat", "name": 1}}).pet) is mod.Cat
    assert type(mod.Owner.from_dict({"pet": {"petType": "dog", "name": "rex"}}).pet) is mod.Dog
    with pytest.raises(serde.DecodeError):
        mod.Owner.from_dict({"pet": {"petType": "Cat", "name": 1}})


# --- patternProperties -------------------------------------------------------------------------------------------


def test_several_patterns_of_a_closed_map_type_each_value_by_any_of_them() -> None:
    map_schema = {
        "type": "object",
        "patternProperties": {"^i_": {"type": "integer"}, "^d_": {"type": "string", "format": "date"}},
        "additionalProperties": False,
    }
    _, mod = module(spec({"Box": {"type": "object", "properties": {"v": map_schema}}}))
    payload = {"v": {"i_1": 1, "d_1": "2020-01-01"}}
    assert mod.Box.from_dict(payload).to_dict() == payload
    with pytest.raises(ValueError, match="v"):
        mod.Box.from_dict({"v": {"i_1": 1, "d_1": [1]}})


def test_an_enum_of_arrays_the_normalising_pass_does_not_reach_is_refused_where_it_is() -> None:
    # A schema under a component's `$defs` reaches the engine as written.
    schemas = {
        "Root": {
            "type": "object",
            "properties": {"d": {"$ref": "#/components/schemas/Root/$defs/Pair"}},
            "$defs": {"Pair": {"enum": [[1], "a"]}},
        }
    }
    with pytest.raises(GeneratorError, match="object or array value"):
        models(spec(schemas))
