"""A discriminated subclass whose base declares the tag property as an enum: its tag is that enum's member, so
the module type-checks (`Literal["a"]` is no override of an enum field) and the union still decodes by it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.models.support import module, mypy_strict, spec


def _events(*, enum_first: bool = True) -> dict[str, Any]:
    kind = {"type": "string", "enum": ["approved", "denied"]}
    base: dict[str, Any] = {
        "type": "object",
        "properties": {"kind": {"$ref": "#/components/schemas/Kind"} if enum_first else kind, "id": {"type": "string"}},
        "required": ["kind", "id"],
    }
    schemas: dict[str, Any] = {
        "Base": base,
        "Approved": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"by": {"type": "string"}}}]},
        "Denied": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"why": {"type": "string"}}}]},
        "Event": {
            "oneOf": [{"$ref": "#/components/schemas/Approved"}, {"$ref": "#/components/schemas/Denied"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"approved": "#/components/schemas/Approved", "denied": "#/components/schemas/Denied"},
            },
        },
        "Feed": {
            "type": "object",
            "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}},
        },
    }
    if enum_first:
        schemas = {"Kind": kind, **schemas}
    return spec(schemas, version="3.0.3")


@pytest.mark.parametrize("enum_first", [True, False], ids=["named-enum", "inline-enum"])
def test_the_tag_is_the_base_enums_member_and_the_module_type_checks(enum_first: bool) -> None:
    models, mod = module(_events(enum_first=enum_first))
    tags = {f.python_name: f.type_hint for cls in ("Approved", "Denied") for f in models.fields[cls]}
    assert tags["kind"].startswith("Literal[") and "." in tags["kind"], tags
    feed = {"events": [{"kind": "denied", "id": "2", "why": "w"}, {"kind": "approved", "id": "1", "by": "b"}]}
    decoded = mod.Feed.from_dict(feed)
    assert [type(e).__name__ for e in decoded.events] == ["Denied", "Approved"]
    assert decoded.to_dict() == feed
    assert mod.Approved(id="1").to_dict() == {"kind": "approved", "id": "1"}  # the tag is always sent
    assert mypy_strict(mod) == ""


def test_a_tag_value_beyond_ascii_is_respelled_in_place() -> None:
    """The syntax tree counts columns in UTF-8 bytes: a line with an accented tag value is edited at its
    characters, not a byte count past them."""
    document = _events()
    document["components"]["schemas"]["Kind"]["enum"] = ["ápproved", "dénied"]
    mapping = document["components"]["schemas"]["Event"]["discriminator"]["mapping"]
    document["components"]["schemas"]["Event"]["discriminator"]["mapping"] = {
        "ápproved": mapping["approved"],
        "dénied": mapping["denied"],
    }
    models, mod = module(document)
    feed = {"events": [{"kind": "dénied", "id": "2", "why": "w"}, {"kind": "ápproved", "id": "1", "by": "b"}]}
    decoded = mod.Feed.from_dict(feed)
    assert [type(e).__name__ for e in decoded.events] == ["Denied", "Approved"]
    assert decoded.to_dict() == feed
    assert mod.Approved(id="1").to_dict() == {"kind": "ápproved", "id": "1"}
    assert {f.python_name: f.type_hint for f in models.fields["Approved"]}["kind"].startswith("Literal[Kind.")
