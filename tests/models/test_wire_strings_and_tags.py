"""Ways a field's type was wrong on the wire.

- A discriminator without a mapping tells a member by its schema name only where the member's tag property
  declares no values of its own: a tag of `enum: [web_search, web_search_2025_08_26]` is those values, not
  `Literal["WebSearchTool"]` (which the API refuses, and which would accept what no schema allows). The name
  is the one the spec writes (`dog-v1`), and a member several discriminators map is told by each one's value.
- A raw binary string (`format: binary`, or a non-text `contentMediaType` without `contentEncoding`) has no
  encoding in JSON: there it is the string received, never base64-decoded. In a multipart body it is a file's
  bytes, as before."""

from __future__ import annotations

from typing import Any

import pytest

from generator.models import plan_models
from tests.models.support import models, module, spec

REF = "#/components/schemas/"


def _tools(*, mapping: dict[str, str] | None = None) -> dict[str, Any]:
    discriminator: dict[str, Any] = {"propertyName": "type"}
    if mapping is not None:
        discriminator["mapping"] = mapping
    return spec(
        {
            "FunctionTool": {
                "type": "object",
                "required": ["type", "name"],
                "properties": {"type": {"type": "string", "enum": ["function"]}, "name": {"type": "string"}},
            },
            "WebSearchTool": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["web_search", "web_search_2025_08_26"], "default": "web_search"}
                },
            },
            "ConstTool": {"type": "object", "required": ["type"], "properties": {"type": {"const": "constant"}}},
            "NamedTool": {"type": "object", "properties": {"type": {"type": "string"}, "x": {"type": "integer"}}},
            "Tool": {
                "oneOf": [{"$ref": REF + k} for k in ("FunctionTool", "WebSearchTool", "ConstTool", "NamedTool")],
                "discriminator": discriminator,
            },
            "Box": {"type": "object", "properties": {"tools": {"type": "array", "items": {"$ref": REF + "Tool"}}}},
        }
    )


def _hints(result: Any, cls: str) -> dict[str, str]:
    return {f.python_name: f.type_hint.replace("'", '"') for f in result.fields[cls]}


def test_a_members_own_tag_values_are_its_tags_without_a_mapping() -> None:
    result, mod = module(_tools())
    # Its schema does not require the tag: the field may be left out (the caller picks a value to send).
    assert _hints(result, "WebSearchTool")["type"] == 'Literal["web_search", "web_search_2025_08_26"] | None'
    assert mod.WebSearchTool.from_dict({}).to_dict() == {}
    assert _hints(result, "ConstTool")["type"] == 'Literal["constant"]'
    assert _hints(result, "FunctionTool")["type"] == 'Literal["function"]'
    for tag in ("web_search", "web_search_2025_08_26"):
        box = mod.Box.from_dict({"tools": [{"type": tag}]})
        assert type(box.tools[0]).__name__ == "WebSearchTool"
        assert box.to_dict() == {"tools": [{"type": tag}]}
    assert mod.WebSearchTool.from_dict({"type": "web_search"}).to_dict() == {"type": "web_search"}
    assert type(mod.Box.from_dict({"tools": [{"type": "constant"}]}).tools[0]).__name__ == "ConstTool"
    with pytest.raises(Exception, match="web_search"):
        mod.Box.from_dict({"tools": [{"type": "WebSearchTool"}]})  # no schema allows the schema's name here


def test_a_member_declaring_no_values_keeps_the_schema_name() -> None:
    result, mod = module(_tools())
    assert _hints(result, "NamedTool")["type"] == 'Literal["NamedTool"]'
    box = mod.Box.from_dict({"tools": [{"type": "NamedTool", "x": 1}]})
    assert type(box.tools[0]).__name__ == "NamedTool"
    assert box.to_dict() == {"tools": [{"type": "NamedTool", "x": 1}]}


def test_an_explicit_mapping_is_kept_and_completed() -> None:
    document = _tools(mapping={"fn": REF + "FunctionTool"})
    mapping = plan_models(document, file="spec.yaml").document["components"]["schemas"]["Tool"]["discriminator"][
        "mapping"
    ]
    assert mapping == {
        "fn": REF + "FunctionTool",
        "web_search": REF + "WebSearchTool",
        "web_search_2025_08_26": REF + "WebSearchTool",
        "constant": REF + "ConstTool",
        "NamedTool": REF + "NamedTool",  # by its name, as the engine would tell it
    }


def test_a_tag_enum_behind_a_reference_or_in_an_allof_part_counts_as_declared() -> None:
    document = spec(
        {
            "Kind": {"type": "string", "enum": ["a1", "a2"]},
            "A": {"type": "object", "properties": {"kind": {"$ref": REF + "Kind"}}},
            "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
            "B": {"allOf": [{"$ref": REF + "Base"}, {"properties": {"kind": {"type": "string", "enum": ["b"]}}}]},
            "U": {"anyOf": [{"$ref": REF + "A"}, {"$ref": REF + "B"}], "discriminator": {"propertyName": "kind"}},
            "Box": {"type": "object", "required": ["u"], "properties": {"u": {"$ref": REF + "U"}}},
        }
    )
    _, mod = module(document)
    for payload, cls in (({"kind": "a2"}, "A"), ({"kind": "b", "id": "1"}, "B")):
        box = mod.Box.from_dict({"u": payload})
        assert type(box.u).__name__ == cls
        assert box.to_dict() == {"u": payload}


def test_a_value_two_members_declare_leaves_them_told_by_their_names() -> None:
    shared = {"type": "object", "properties": {"kind": {"type": "string", "enum": ["x", "y"]}}}
    document = spec(
        {
            "A": shared,
            "B": dict(shared),
            "U": {"oneOf": [{"$ref": REF + "A"}, {"$ref": REF + "B"}], "discriminator": {"propertyName": "kind"}},
        }
    )
    discriminator = plan_models(document, file="spec.yaml").document["components"]["schemas"]["U"]["discriminator"]
    assert discriminator["mapping"] == {"A": REF + "A", "B": REF + "B"}


def test_a_member_without_a_mapping_is_told_by_its_name_as_the_spec_writes_it() -> None:
    # The engine knows `dog-v1` as `DogV1`: the tag on the wire is still the name the spec gives it.
    member = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
    document = spec(
        {
            "dog-v1": {**member, "properties": {**member["properties"], "bark": {"type": "boolean"}}},
            "cat.v1": member,
            "Pet": {
                "oneOf": [{"$ref": REF + "dog-v1"}, {"$ref": REF + "cat.v1"}],
                "discriminator": {"propertyName": "kind"},
            },
            "Box": {"type": "object", "properties": {"pet": {"$ref": REF + "Pet"}}},
        }
    )
    _, mod = module(document)
    for payload, cls in (({"kind": "dog-v1", "bark": True}, "DogV1"), ({"kind": "cat.v1"}, "CatV1")):
        box = mod.Box.from_dict({"pet": payload})
        assert type(box.pet).__name__ == cls and box.to_dict() == {"pet": payload}
    assert mod.DogV1().to_dict() == {"kind": "dog-v1"}
    with pytest.raises(ValueError, match="dog-v1"):
        mod.Box.from_dict({"pet": {"kind": "DogV1"}})


def test_a_member_several_discriminators_tell_apart_is_told_by_each_ones_value() -> None:
    # The parent maps Dog as `dog` (by its schema name, which OpenAPI allows in a mapping); a union of the
    # children says nothing, so there Dog is `Dog`. Each tag decodes where it is given; one no mapping gives
    # still does not.
    pet = {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}},
        "discriminator": {"propertyName": "petType", "mapping": {"dog": "Dog", "cat": REF + "Cat"}},
    }

    def child(own: str) -> dict[str, Any]:
        return {"allOf": [{"$ref": REF + "Pet"}, {"type": "object", "properties": {own: {"type": "boolean"}}}]}

    document = spec(
        {
            "Pet": pet,
            "Dog": child("bark"),
            "Cat": child("meow"),
            "Lizard": child("scales"),
            "AnyPet": {
                "oneOf": [{"$ref": REF + k} for k in ("Dog", "Cat", "Lizard")],
                "discriminator": {"propertyName": "petType"},
            },
            "Owner": {
                "type": "object",
                "properties": {"pet": {"$ref": REF + "Pet"}, "any": {"$ref": REF + "AnyPet"}},
            },
        },
        version="3.0.3",
    )
    _, mod = module(document)
    for where, tag, cls in (
        ("pet", "dog", "Dog"),
        ("pet", "cat", "Cat"),
        ("pet", "Lizard", "Lizard"),
        ("any", "Dog", "Dog"),
        ("any", "Cat", "Cat"),
        ("any", "dog", "Dog"),
    ):
        owner = mod.Owner.from_dict({where: {"petType": tag}})
        assert type(getattr(owner, where)).__name__ == cls
        assert owner.to_dict() == {where: {"petType": tag}}
    with pytest.raises(ValueError, match="petType"):
        mod.Owner.from_dict({"pet": {"petType": "lizard"}})


RAW = [
    {"type": "string", "format": "binary"},
    {"type": "string", "contentMediaType": "application/octet-stream"},
    {"type": "string", "contentMediaType": "image/png"},
]


@pytest.mark.parametrize("schema", RAW, ids=["format-binary", "octet-stream", "image"])
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_raw_binary_string_in_json_is_text(schema: dict[str, Any], version: str) -> None:
    paths = {
        "/blobs": {
            "post": {
                "operationId": "make",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": REF + "Blob"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}},
            }
        }
    }
    blob = {"type": "object", "required": ["data"], "properties": {"data": schema}}
    result, mod = module(spec({"Blob": blob}, paths=paths, version=version))
    assert _hints(result, "Blob") == {"data": "str"}
    assert result.hints["#/paths/~1blobs/post/responses/200/content/application~1json/schema"] == "str"
    for text in ("hello world", "abcd"):
        decoded = mod.Blob.from_dict({"data": text})
        assert decoded.data == text
        assert decoded.to_dict() == {"data": text}


@pytest.mark.parametrize(
    "schema",
    [{"type": "string", "format": "byte"}, {"type": "string", "contentEncoding": "base64"}],
    ids=["byte", "base64"],
)
def test_base64_in_json_is_still_bytes(schema: dict[str, Any]) -> None:
    result, mod = module(spec({"Blob": {"type": "object", "required": ["data"], "properties": {"data": schema}}}))
    assert _hints(result, "Blob") == {"data": "bytes"}
    decoded = mod.Blob.from_dict({"data": "aGk="})
    assert decoded.data == b"hi"
    assert decoded.to_dict() == {"data": "aGk="}


@pytest.mark.parametrize("schema", RAW, ids=["format-binary", "octet-stream", "image"])
@pytest.mark.parametrize("inline", [True, False], ids=["inline", "component"])
def test_a_raw_binary_string_in_a_multipart_body_is_a_files_bytes(schema: dict[str, Any], inline: bool) -> None:
    form = {
        "type": "object",
        "required": ["file", "parts"],
        "properties": {
            "file": schema,
            "parts": {"type": "array", "items": {"$ref": REF + "Part"}},
            "name": {"type": "string"},
        },
    }
    part = {"type": "object", "properties": {"blob": schema}}
    body = form if inline else {"$ref": REF + "Form"}
    paths = {
        "/up": {
            "post": {
                "operationId": "upload",
                "requestBody": {"content": {"multipart/form-data": {"schema": body}}},
                "responses": {"204": {"description": "ok"}},
            }
        }
    }
    result = models(spec({"Form": form, "Part": part}, paths=paths))
    cls = "UploadBody" if inline else "Form"
    assert _hints(result, cls) == {"file": "bytes", "parts": "list[Part]", "name": "str | None"}
    assert _hints(result, "Part") == {"blob": "bytes | None"}


@pytest.mark.parametrize("tag", ["kind", "petKind"])
def test_a_tag_of_several_values_its_schema_does_not_require_may_be_left_out(tag: str) -> None:
    def member(own: str) -> dict[str, Any]:
        return {"type": "object", "properties": {tag: {"type": "string"}, own: {"type": "integer"}}}

    def union(key: str, values: tuple[str, str]) -> dict[str, Any]:
        mapping = {values[0]: REF + "A", values[1]: REF + "B"}
        discriminator = {"propertyName": tag, "mapping": mapping}
        return {key: [{"$ref": REF + "A"}, {"$ref": REF + "B"}], "discriminator": discriminator}

    document = spec(
        {
            "A": member("x"),
            "B": member("y"),
            "U1": union("oneOf", ("a", "b")),
            "U2": union("anyOf", ("alpha", "beta")),
            "Box": {"type": "object", "properties": {k: {"$ref": REF + k} for k in ("U1", "U2", "A")}},
        }
    )
    result, mod = module(document)
    assert _hints(result, "A")[tag.replace("K", "_k")] == 'Literal["alpha", "a"] | None'
    for payload, cls in (
        ({"U1": {tag: "a", "x": 1}}, "A"),
        ({"U1": {tag: "beta"}}, "B"),
        ({"U2": {"y": 2}}, "B"),
        ({"A": {"x": 1}}, "A"),
    ):
        box = mod.Box.from_dict(payload)
        assert type(getattr(box, next(iter(payload)).lower())).__name__ == cls
        assert box.to_dict() == payload
    assert mod.A(x=1).to_dict() == {"x": 1}
