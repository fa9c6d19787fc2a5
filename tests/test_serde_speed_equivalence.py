"""The fast paths in _serde (per-class plans, __dict__ copies, building instances without __init__) behave
exactly like the plain field-by-field conversion: same output, same key order, same errors."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import sys
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_serde import AWKWARD

sys.path.insert(0, str(REPO / "tests" / "snapshots" / "features"))
sys.path.insert(0, str(REPO / "tests" / "snapshots" / "nullable"))

import features.models as fm
import nullable.models as nm
from features._serde import NULL, DecodeError, Model, decode, encode

PET = {
    "id": str(uuid.UUID(int=1)),
    "name": "Rex",
    "kind": "dog",
    "bornOn": "2020-02-29",
    "lastSeenAt": "2024-01-02T03:04:05+00:00",
    "colors": ["Dark-Blue", "light green"],
    "attributes": {"temper": "calm"},
    "owner": {"name": "Ann", "address": {"street": "1 Way", "postCode": "LS1"}},
    "nickname": "Rexy",
    "weight": 12.5,
    "legs": 3,
}


def _field_names(obj: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(obj)]


def test_from_dict_builds_what_the_constructor_builds() -> None:
    pet = fm.Pet.from_dict(PET)
    built = fm.Pet(
        id=uuid.UUID(int=1),
        name="Rex",
        kind=fm.Kind.DOG,
        born_on=datetime.date(2020, 2, 29),
        last_seen_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        colors=[fm.Color.DARK_BLUE, fm.Color.LIGHT_GREEN],
        attributes={"temper": "calm"},
        owner=fm.Owner(name="Ann", address=fm.Address(street="1 Way", post_code="LS1")),
        nickname="Rexy",
        weight=12.5,
        legs=3,
    )
    assert pet == built
    assert vars(pet) == vars(built) and list(vars(pet)) == list(vars(built)) == _field_names(pet)
    sparse = fm.Pet.from_dict({"id": str(uuid.UUID(int=2)), "name": "n", "kind": "cat"})
    assert list(vars(sparse)) == _field_names(sparse) and sparse.owner is None
    assert repr(sparse) == repr(fm.Pet(id=uuid.UUID(int=2), name="n", kind=fm.Kind.CAT))


def test_to_dict_keeps_field_order_with_and_without_wire_names() -> None:
    assert list(fm.Pet.from_dict(PET).to_dict()) == list(PET)
    assert list(fm.Awkward.from_dict(AWKWARD).to_dict()) == list(AWKWARD)
    # An attribute deleted and set again moves to the end of __dict__; the output keeps the field order.
    pet = fm.Pet.from_dict(PET)
    del pet.name
    pet.name = "Max"
    assert list(pet.to_dict()) == list(PET) and pet.to_dict()["name"] == "Max"


def test_to_dict_converts_by_value_whatever_the_declared_type() -> None:
    pet = fm.Pet(
        id=uuid.UUID(int=5),
        name=NULL,
        kind="ferret",  # type: ignore[arg-type]
        nickname=fm.Color.DARK_BLUE,  # type: ignore[arg-type]
        legs=True,
        weight=3,
        colors=[fm.Color.DARK_BLUE, "x", None, NULL],  # type: ignore[list-item]
        attributes={"a": NULL, "b": datetime.date(2020, 1, 1)},  # type: ignore[dict-item]
    )
    assert pet.to_dict() == {
        "id": "00000000-0000-0000-0000-000000000005",
        "name": None,
        "kind": "ferret",
        "colors": ["Dark-Blue", "x", None, None],
        "attributes": {"a": None, "b": "2020-01-01"},
        "nickname": "Dark-Blue",
        "weight": 3,
        "legs": True,
    }
    pet.extra = "not a field"  # type: ignore[attr-defined]
    assert "extra" not in pet.to_dict()


def test_to_dict_of_a_deleted_attribute_falls_back_to_getattr() -> None:
    pet = fm.Pet(id=uuid.UUID(int=5), name="n", kind=fm.Kind.CAT, legs=4)
    del pet.legs  # the class attribute (the default, None) shows through
    assert pet.to_dict() == {"id": str(uuid.UUID(int=5)), "name": "n", "kind": "cat"}
    del pet.name  # no default: the same AttributeError as getattr()
    with pytest.raises(AttributeError):
        pet.to_dict()


def test_encode_converts_exact_and_derived_types_alike() -> None:
    class Stamp(datetime.datetime):
        pass

    when = datetime.datetime(2024, 1, 2, 3, 4, 5)
    assert encode(when) == encode(Stamp(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05"
    assert encode(datetime.date(2020, 1, 1)) == "2020-01-01" and encode(datetime.time(1, 2)) == "01:02:00"
    assert encode(uuid.UUID(int=1)) == str(uuid.UUID(int=1))
    assert encode((1, fm.Kind.DOG, (NULL,))) == [1, "dog", [None]]
    assert encode({"k": [fm.Address(post_code="p")]}) == {"k": [{"postCode": "p"}]}


def test_scalar_fast_path_keeps_the_type_checks() -> None:
    class Text(str):
        pass

    assert fm.Pet.from_dict({**PET, "name": Text("sub")}).name == "sub"
    assert fm.Pet.from_dict({**PET, "weight": 3}).weight == 3  # an integer is a number
    with pytest.raises(DecodeError, match=r"Pet\.name: .*expected string, got int 5"):
        fm.Pet.from_dict({**PET, "name": 5})
    with pytest.raises(DecodeError, match=r"Pet\.legs: .*expected integer, got bool True"):
        fm.Pet.from_dict({**PET, "legs": True})
    with pytest.raises(DecodeError, match=r"Pet\.weight: .*expected number, got str"):
        fm.Pet.from_dict({**PET, "weight": "3"})
    with pytest.raises(DecodeError) as caught:
        decode(dict[str, str], {"temper": 1})
    assert str(caught.value) == "['temper']: expected string, got int 1"
    with pytest.raises(DecodeError) as caught:
        decode(list[fm.TreeNode], [{"value": 2}, {"value": "x"}])
    assert str(caught.value) == "[1].TreeNode.value: expected integer, got str 'x'"
    with pytest.raises(DecodeError) as caught:
        fm.TreeNode.from_dict({"value": 1, "children": [{"value": 2}, "x"]})
    assert str(caught.value) == "TreeNode.children: matches none of the declared types (expected an object, got str)"
    assert fm.TreeNode.from_dict({"value": 1, "children": [None]}).children == [None]


def test_optional_fields_report_the_union_message() -> None:
    with pytest.raises(DecodeError) as caught:
        fm.Pet.from_dict({**PET, "nickname": 5})
    assert str(caught.value) == "Pet.nickname: matches none of the declared types (expected string, got int 5)"
    with pytest.raises(DecodeError) as caught:
        fm.Pet.from_dict({**PET, "owner": [1]})
    assert str(caught.value) == "Pet.owner: matches none of the declared types (expected an object, got list)"
    with pytest.raises(DecodeError, match=r"matches none of the declared types \(expected an object, got int; "):
        decode(fm.Shape, 5)


def test_missing_required_fields_raise_decode_error_naming_them() -> None:
    with pytest.raises(DecodeError) as caught:
        fm.Pet.from_dict({"name": "n", "kind": "cat"})
    assert caught.value.path == "Pet" and caught.value.message == "missing 1 required keyword-only argument: 'id'"
    with pytest.raises(DecodeError) as caught:
        fm.Pet.from_dict({"kind": "cat"})
    assert caught.value.message == "missing 2 required keyword-only arguments: 'id' and 'name'"
    with pytest.raises(DecodeError, match="Pet: expected an object, got list"):
        fm.Pet.from_dict([])  # type: ignore[arg-type]


class _Data(Mapping[str, Any]):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class _Dict(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return "from __missing__"


def test_any_mapping_is_accepted() -> None:
    expected = fm.Pet.from_dict(PET)
    assert fm.Pet.from_dict(_Data({**PET, "unknown": 1})) == expected
    assert fm.Pet.from_dict(_Dict(PET)) == expected
    assert fm.Pet.from_dict(_Dict(id=PET["id"], name="n", kind="cat")).nickname is None


def test_unknown_and_unhashable_enum_values_stay_plain() -> None:
    assert decode(fm.Kind, "dog") is fm.Kind.DOG
    assert decode(fm.Kind, "ferret") == "ferret"
    assert decode(fm.Kind, ["dog"]) == ["dog"]
    assert decode(list[fm.Color], ["Dark-Blue", "nope", None]) == [fm.Color.DARK_BLUE, "nope", None]

    class Level(enum.Enum):
        LOW = 1

        @classmethod
        def _missing_(cls, value: object) -> Level | None:
            return cls.LOW if value == "low" else None

    assert decode(Level, 1) is Level.LOW and decode(Level, "low") is Level.LOW and decode(Level, 2) == 2


# Subclasses where the dataclass __init__ is not the whole story: from_dict must call it.


@dataclasses.dataclass(kw_only=True)
class _Checked(fm.Address):
    def __post_init__(self) -> None:
        self.street = (self.street or "").upper()


@dataclasses.dataclass(kw_only=True)
class _OwnInit(fm.Address):
    def __init__(self, **values: Any) -> None:
        self.street = "own init"
        self.post_code = values.get("post_code")


@dataclasses.dataclass(kw_only=True, slots=True)
class _Slotted(fm.Address):
    floor: int | None = None


@dataclasses.dataclass(kw_only=True, frozen=True)
class _Frozen(Model):
    street: str | None = None


@dataclasses.dataclass(kw_only=True)
class _Factory(fm.Address):
    tags: list[str] = dataclasses.field(default_factory=list)


class _Property(fm.Address):
    @property  # type: ignore[override]
    def street(self) -> str:
        return "from property"

    @street.setter
    def street(self, value: str | None) -> None:
        pass


def test_subclasses_with_their_own_construction_still_go_through_init() -> None:
    assert _Checked.from_dict({"street": "main"}).street == "MAIN"
    assert _OwnInit.from_dict({"street": "main", "postCode": "p"}).street == "own init"
    slotted = _Slotted.from_dict({"street": "s", "floor": 2})
    assert (slotted.street, slotted.floor) == ("s", 2) and slotted.to_dict() == {"street": "s", "floor": 2}
    frozen = _Frozen.from_dict({"street": "f"})
    assert frozen.street == "f" and frozen.to_dict() == {"street": "f"}
    a, b = _Factory.from_dict({}), _Factory.from_dict({})
    assert a.tags == [] and a.tags is not b.tags and a.to_dict() == {"tags": []}
    assert _Property(street="ignored").to_dict() == {"street": "from property"}


def test_nullable_null_and_none() -> None:
    from nullable import NULL as NULL_

    assert nm.Profile(handle="h", bio=NULL_, age=0).to_dict() == {"handle": "h", "bio": None, "age": 0}
    assert nm.Profile.from_dict({"handle": "h", "bio": None, "age": None}) == nm.Profile(handle="h")
