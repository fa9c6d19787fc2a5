"""Every schema gets its class or type from the engine, under a name from where it sits."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

import pytest

from generator.errors import GeneratorError
from tests.models.support import models, module, spec

PETS = {
    "/pets": {
        "get": {
            "operationId": "listPets",
            "parameters": [
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                {"name": "limit", "in": "query", "schema": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                                    "next": {"type": ["string", "null"]},
                                },
                            }
                        }
                    },
                },
                "404": {
                    "description": "missing",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"why": {}}}}},
                },
            },
        },
        "post": {
            "operationId": "createBooking",
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
                    }
                }
            },
            "responses": {"201": {"description": "ok"}},
        },
    }
}
PET = {
    "type": "object",
    "properties": {
        "owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        "status": {"type": "string", "enum": ["available", "sold"]},
        "tags": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"}}}},
    },
}


def _where(path: str, *rest: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + "/".join(rest)


def test_inline_schemas_are_named_from_where_they_sit() -> None:
    result = models(spec({"Pet": PET}, paths=PETS))
    get = _where("/pets", "get")
    assert result.classes[f"{get}/parameters/0/schema"] == "ListPetsSort"
    assert result.classes[f"{get}/responses/200/content/application~1json/schema"] == "ListPetsResponse"
    assert result.classes[f"{get}/responses/404/content/application~1json/schema"] == "ListPetsResponse404"
    post = _where("/pets", "post")
    assert result.classes[f"{post}/requestBody/content/application~1json/schema"] == "CreateBookingBody"
    assert result.classes["#/components/schemas/Pet/properties/owner"] == "PetOwner"
    assert result.classes["#/components/schemas/Pet/properties/status"] == "PetStatus"
    assert result.classes["#/components/schemas/Pet/properties/tags/items"] == "PetTagsItem"


def test_operation_schemas_are_typed_by_the_engine() -> None:
    result = models(spec({"Pet": PET}, paths=PETS))
    get = _where("/pets", "get")
    assert result.hints[f"{get}/parameters/0/schema"] == "ListPetsSort"
    assert result.hints[f"{get}/parameters/1/schema"] == "int | None"  # 3.1's anyOf null: never Any
    assert result.hints[f"{get}/responses/200/content/application~1json/schema"] == "ListPetsResponse"
    fields = {f.python_name: f.type_hint for f in result.fields["ListPetsResponse"]}
    assert fields == {"items": "list[Pet] | None", "next": "str | None"}
    assert "GeneratorSlots" not in result.source  # the carrier is not part of the package


def test_names_can_be_overridden_by_pointer_or_by_generated_name() -> None:
    overrides = {"PetOwner": "Keeper", "#/components/schemas/Pet/properties/status": "Availability"}
    result = models(spec({"Pet": PET}), overrides=overrides)
    assert result.classes["#/components/schemas/Pet/properties/owner"] == "Keeper"
    assert result.classes["#/components/schemas/Pet/properties/status"] == "Availability"


def test_fastapi_body_components_take_their_operations_name() -> None:
    body = {"$ref": "#/components/schemas/Body_upload_pet_photo_pets__pet_id__photo_put"}
    paths = {
        "/pets/{pet_id}/photo": {
            "put": {
                "operationId": "upload_pet_photo_pets__pet_id__photo_put",
                "parameters": [{"name": "pet_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"content": {"multipart/form-data": {"schema": body}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    }
    schemas = {
        "Body_upload_pet_photo_pets__pet_id__photo_put": {
            "type": "object",
            "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
        }
    }
    result = models(spec(schemas, paths=paths))
    assert result.classes["#/components/schemas/Body_upload_pet_photo_pets__pet_id__photo_put"] == "UploadPetPhotoBody"
    assert "Body_" not in result.source
    assert {f.python_name: f.type_hint for f in result.fields["UploadPetPhotoBody"]} == {"file": "bytes | None"}


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ([{"title": "Card payment", "type": "object", "properties": {"x": {}}}], "PayCardPayment"),
        ([{"type": "object", "properties": {"type": {"const": "sepa"}, "x": {}}}], "PaySepa"),
        ([{"type": "object", "properties": {"x": {}}}], "PayObject"),
    ],
)
def test_union_members_are_named_by_title_then_tag_then_kind(members: list[Any], expected: str) -> None:
    union = {"oneOf": [*members, {"type": "string", "enum": ["a", "b"]}]}
    result = models(spec({"Order": {"type": "object", "properties": {"pay": union}}}))
    assert result.classes["#/components/schemas/Order/properties/pay/oneOf/0"] == "Order" + expected
    assert result.classes["#/components/schemas/Order/properties/pay/oneOf/1"] == "OrderPayEnum"


def test_the_one_member_of_a_nullable_union_takes_the_union_s_name() -> None:
    nullable = {"anyOf": [{"type": "object", "properties": {"x": {}}}, {"type": "null"}]}
    result = models(spec({"Order": {"type": "object", "properties": {"pay": nullable}}}))
    assert result.classes["#/components/schemas/Order/properties/pay/anyOf/0"] == "OrderPay"
    assert {f.python_name: f.type_hint for f in result.fields["Order"]} == {"pay": "OrderPay | None"}


def test_a_union_of_array_items_is_an_alias_named_after_the_array() -> None:
    items = {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"x": {}}}]}
    result = models(spec({"Issue": {"type": "object", "properties": {"labels": {"type": "array", "items": items}}}}))
    assert result.classes["#/components/schemas/Issue/properties/labels/items"] == "IssueLabelsItem"
    assert result.classes["#/components/schemas/Issue/properties/labels/items/oneOf/1"] == "IssueLabelsItemObject"
    assert "IssueLabelsItem" in result.aliases


def test_no_class_is_named_with_a_bare_number() -> None:
    schemas = {
        "A": {
            "type": "object",
            "properties": {"data": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/B"}]}}},
        },
        "B": {
            "type": "object",
            "properties": {
                "data": {
                    "type": "array",
                    "items": {
                        "discriminator": {"propertyName": "t"},
                        "oneOf": [{"type": "object", "properties": {"t": {"const": "x"}}}],
                    },
                }
            },
        },
        "C": {
            "type": "object",
            "properties": {
                "when": {"$ref": "#/components/schemas/B", "type": "object", "description": "3.0 ignores this"}
            },
        },
        "D": {
            "type": "object",
            "properties": {
                "gist": {
                    "type": "object",
                    "properties": {"a": {}, "b": {}},
                    "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
                }
            },
        },
    }
    result = models(spec(schemas, version="3.0.3"))
    assert not [name for name in result.classes.values() if name[-1].isdigit()], result.classes


def test_a_percent_encoded_reference_names_the_same_class() -> None:
    schemas = {
        "Status": {"type": "string", "enum": ["on", "off"]},
        "Box": {
            "type": "object",
            "properties": {
                "a": {"$ref": "#/components/schemas/Status"},
                "b": {"$ref": "#/components/schemas/St%61tus"},
            },
        },
    }
    result = models(spec(schemas))
    assert {f.type_hint for f in result.fields["Box"]} == {"Status | None"}
    assert result.source.count("class Status") == 1


def test_an_allof_self_cycle_is_refused_where_it_is() -> None:
    schemas = {"X": {"allOf": [{"$ref": "#/components/schemas/X"}, {"properties": {"a": {}}}]}}
    with pytest.raises(GeneratorError) as caught:
        models(spec(schemas))
    assert caught.value.diagnostics[0].pointer == "#/components/schemas/X"


def test_a_redefined_parent_field_copies_the_parent_in_instead_of_inheriting() -> None:
    schemas = {
        "Base": {
            "type": "object",
            "properties": {"status": {"type": "string", "enum": ["a", "b", "c"]}, "id": {"type": "string"}},
        },
        "Narrow": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"properties": {"status": {"type": "string", "enum": ["a"]}}},
            ]
        },
        "Plain": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"extra": {"type": "integer"}}}]},
    }
    result, mod = module(spec(schemas))
    assert result.bases["Plain"] == ("Base",)  # no clash: a subclass
    assert result.bases["Narrow"] == ()  # a clash: the parent's fields, its own type for status
    fields = {f.python_name: f.type_hint for f in result.fields["Narrow"]}
    assert fields["status"] == "Literal['a'] | None" and "id" in fields
    assert mod.Narrow.from_dict({"status": "a", "id": "1"}).to_dict() == {"status": "a", "id": "1"}


def test_enum_values_of_several_json_types_stay_distinct() -> None:
    _, mod = module(spec({"Box": {"type": "object", "properties": {"v": {"enum": [1, True, 1.0, "1", None]}}}}))
    for value in (1, True, 1.0, "1", None):
        out = mod.Box.from_dict({"v": value}).to_dict()["v"]
        assert out == value and type(out) is type(value)
    assert mod.Box.from_dict({"v": True}).v is mod.BoxVBoolean.BOOLEAN_TRUE


def test_one_value_inline_is_a_literal_that_defaults_to_itself() -> None:
    schemas = {
        "Dog": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string", "enum": ["dog"]}, "sound": {"const": "woof"}},
        }
    }
    result, mod = module(spec(schemas))
    fields = {f.python_name: f for f in result.fields["Dog"]}
    assert fields["kind"].type_hint == "Literal['dog']" and not fields["kind"].required
    assert mod.Dog().to_dict() == {"kind": "dog", "sound": "woof"}  # a const is always sent
    with pytest.raises(Exception, match="kind"):
        mod.Dog.from_dict({"kind": "cat"})


def test_a_named_enum_of_one_value_stays_an_enum() -> None:
    _, mod = module(spec({"Only": {"type": "string", "enum": ["RECORDINGS"]}}))
    assert issubclass(mod.Only, enum.Enum) and mod.Only("RECORDINGS").value == "RECORDINGS"


@pytest.mark.parametrize(
    ("schema", "hint"),
    [
        ({"type": "string", "format": "byte"}, "bytes"),
        ({"type": "string", "contentEncoding": "base64"}, "bytes"),
        # Raw binary has no encoding in JSON: text there, a file's bytes in a multipart body
        # (tests/models/test_wire_strings_and_tags.py).
        ({"type": "string", "format": "binary"}, "str"),
        ({"type": "string", "contentMediaType": "image/png"}, "str"),
    ],
)
def test_base64_content_is_bytes(schema: dict[str, Any], hint: str) -> None:
    result = models(spec({"Box": {"type": "object", "required": ["b"], "properties": {"b": schema}}}))
    assert [f.type_hint for f in result.fields["Box"]] == [hint]


def test_text_content_stays_text() -> None:
    schema = {"type": "string", "contentMediaType": "application/json"}
    result = models(spec({"Box": {"type": "object", "required": ["b"], "properties": {"b": schema}}}))
    assert [f.type_hint for f in result.fields["Box"]] == ["str"]


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        ({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False, "minItems": 2}, "tuple[str, int]"),
        # Anything may follow the prefix.
        ({"prefixItems": [{"type": "string"}, {"type": "integer"}]}, "list[Any]"),
        ({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}, "list[BoxTItem]"),  # str | int
        ({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False}, "list[BoxTItem]"),
    ],
)
def test_prefix_items_are_a_tuple_only_when_the_array_cannot_be_shorter_or_longer(
    array: dict[str, Any], expected: str
) -> None:
    result = models(
        spec({"Box": {"type": "object", "required": ["t"], "properties": {"t": {"type": "array", **array}}}})
    )
    assert [f.type_hint for f in result.fields["Box"]] == [expected]


def test_read_only_and_write_only_fields() -> None:
    schemas = {
        "Account": {
            "type": "object",
            "required": ["id", "email", "password"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "email": {"type": "string"},
                "password": {"type": "string", "writeOnly": True},
            },
        }
    }
    result, mod = module(spec(schemas))
    fields = {f.python_name: f for f in result.fields["Account"]}
    assert fields["id"].read_only and not fields["id"].required
    assert fields["password"].write_only and not fields["password"].required
    assert mod.Account(email="a@b.c", password="pw").to_dict() == {"email": "a@b.c", "password": "pw"}
    decoded = mod.Account.from_dict({"id": "7", "email": "a@b.c"})  # a response leaves the password out
    assert decoded.id == "7" and decoded.password is None
    with pytest.raises(Exception, match="id"):
        mod.Account.from_dict({"email": "a@b.c"})  # but always has the server-assigned id


def test_a_field_named_field_does_not_break_the_module() -> None:
    schemas = {
        "Error": {"type": "object", "properties": {"field": {"type": "string"}, "errorCode": {"type": "string"}}}
    }
    _, mod = module(spec(schemas))
    error = mod.Error.from_dict({"field": "name", "errorCode": "E1"})
    assert error.to_dict() == {"field": "name", "errorCode": "E1"}
    assert [f.name for f in dataclasses.fields(mod.Error)] == ["field", "error_code"]


def test_a_swagger_2_document_is_refused_even_when_validation_is_off() -> None:
    swagger = {"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}, "definitions": {"A": {}}}
    with pytest.raises(GeneratorError) as caught:
        models(swagger)
    assert caught.value.diagnostics[0].pointer == "#/swagger"
