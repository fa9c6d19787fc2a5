"""A discriminated union's members keep what their own schemas say of the tag property: a member that does not
require it decodes without it where it stands alone, and the tag, when present, still picks the member."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from tests.models.support import module, spec


def _pets(cat: dict[str, Any]) -> tuple[Any, Any]:
    schemas = {
        "Cat": cat,
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "bark": {}}},
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            },
        },
    }
    _, mod = module(spec(schemas))
    serde = importlib.import_module(mod.__name__.rpartition(".")[0] + "._serde")
    return mod, serde


CATS = {
    "no tag property": {"type": "object", "properties": {"meow": {"type": "string"}}},
    "an optional tag property": {"type": "object", "properties": {"meow": {"type": "string"}, "kind": {}}},
}


@pytest.mark.parametrize("cat", sorted(CATS))
def test_a_member_that_does_not_require_the_tag_decodes_without_it(cat: str) -> None:
    mod, serde = _pets(CATS[cat])
    assert mod.Cat.from_dict({"meow": "m"}).to_dict() == {"meow": "m"}
    assert mod.Cat(meow="m").to_dict() == {"meow": "m", "kind": "cat"}  # built here, it says what it is
    assert type(serde.decode(mod.Pet, {"kind": "dog", "bark": 1})) is mod.Dog
    assert type(serde.decode(mod.Pet, {"kind": "cat", "meow": "m"})) is mod.Cat
    assert type(serde.decode(mod.Pet, {"meow": "m"})) is mod.Cat  # no tag: the member it fits
    with pytest.raises(serde.DecodeError):
        serde.decode(mod.Pet, {"kind": "cow"})


def test_a_member_that_requires_the_tag_still_does() -> None:
    mod, serde = _pets(CATS["no tag property"])
    with pytest.raises(serde.DecodeError, match="kind"):
        mod.Dog.from_dict({"bark": 1})
    assert mod.Dog.from_dict({"kind": "dog"}).to_dict() == {"kind": "dog"}
