"""Generated models on the wire: to_dict/from_dict on the committed Thymia package and the snapshot packages."""

from __future__ import annotations

import dataclasses
import datetime
import sys
import uuid
from typing import Any

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "snapshots" / "features"))
sys.path.insert(0, str(REPO / "tests" / "snapshots" / "nullable"))

import features.models as fm
import nullable.models as nm
from nullable import NULL
from thymia_client import models as tm

SEED_BODY = {
    "user": {"userLabel": "a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e", "dateOfBirth": "1985-04-12", "birthSex": "MALE"},
    "language": "en-GB",
}

FULL_BODY: dict[str, Any] = {
    **SEED_BODY,
    "accent": "KE",
    "sleepTime": "2024-03-01T23:15:00",
    "wakeTime": "2024-03-02T07:05:30",
    "tags": [{"name": "cohort", "value": "b"}, {"name": "site", "value": "leeds"}],
    "deleteData": True,
    "dataToDelete": ["RECORDINGS"],
    "activityType": "reading",
}


def test_seed_example_round_trips_exactly() -> None:
    body = tm.MentalWellnessModelRunActivityCreate.from_dict(SEED_BODY)
    assert body.user.date_of_birth == datetime.date(1985, 4, 12)
    assert body.user.birth_sex is tm.BirthSex.MALE
    assert body.language is tm.LanguageCode.EN_GB
    assert body.to_dict() == SEED_BODY


def test_full_body_with_every_optional_field_round_trips() -> None:
    body = tm.MentalWellnessModelRunActivityCreate.from_dict(FULL_BODY)
    assert body.sleep_time == datetime.datetime(2024, 3, 1, 23, 15)
    assert body.tags == [tm.Tag(name="cohort", value="b"), tm.Tag(name="site", value="leeds")]
    assert body.data_to_delete == [tm.DataDeletionType.RECORDINGS]
    assert body.to_dict() == FULL_BODY
    assert tm.MentalWellnessModelRunActivityCreate.from_dict(body.to_dict()) == body


def test_wire_names_and_enum_values_are_exact() -> None:
    assert tm.LanguageCode.EN_GB == "en-GB"
    assert tm.LanguageCode.EN_GB.value == "en-GB"
    wire = {f.name: f.metadata.get("wire", f.name) for f in dataclasses.fields(tm.UserDetails)}
    assert wire == {"user_label": "userLabel", "date_of_birth": "dateOfBirth", "birth_sex": "birthSex"}


def test_dataclasses_are_keyword_only_and_optional_fields_default_to_none() -> None:
    with pytest.raises(TypeError):
        tm.Tag("a", "b")  # type: ignore[misc]
    body = tm.MentalWellnessModelRunActivityCreate(
        user=tm.UserDetails(user_label="x", date_of_birth=datetime.date(2000, 1, 1), birth_sex=tm.BirthSex.UNKNOWN),
        language=tm.LanguageCode.EN,
    )
    # deleteData has a spec default (false), but an argument not given is never sent.
    assert body.delete_data is None
    assert set(body.to_dict()) == {"user", "language"}


def test_response_model_decodes_uuid() -> None:
    run = tm.MentalWellnessModelRunCreateActivityResponse.from_dict(
        {"id": "a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e", "activityLink": "https://example.com/a"}
    )
    assert run.id == uuid.UUID("a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e")
    assert run.to_dict() == {"id": "a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e", "activityLink": "https://example.com/a"}


def test_unknown_keys_are_kept_and_unknown_enum_values_too() -> None:
    """A newer API's additions reach the user and go back out as they came: nothing is dropped."""
    data = {"name": "Rex", "id": str(uuid.UUID(int=7)), "kind": "ferret", "surprise": {"nested": [1, None]}}
    pet = fm.Pet.from_dict(data)
    assert pet.kind == "ferret"
    assert pet.model_extra == {"surprise": {"nested": [1, None]}}
    assert pet.to_dict() == data


def test_nested_lists_maps_enums_dates_and_recursion() -> None:
    data = {
        "id": str(uuid.UUID(int=1)),
        "name": "Rex",
        "kind": "dog",
        "bornOn": "2020-02-29",
        "lastSeenAt": "2024-01-02T03:04:05+00:00",
        "colors": ["Dark-Blue", "light green", "2tone"],
        "attributes": {"temper": "calm", "": "empty key"},
        "owner": {"name": "Ann", "address": {"street": "1 Way", "postCode": "LS1"}},
        "nickname": "Rexy",
        "weight": 12.5,
        "legs": 3,
    }
    pet = fm.Pet.from_dict(data)
    assert pet.colors == [fm.Color.DARK_BLUE, fm.Color.LIGHT_GREEN, fm.Color.FIELD_2TONE]
    assert pet.owner is not None and pet.owner.address is not None
    assert pet.owner.address.post_code == "LS1"
    assert pet.last_seen_at == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert pet.to_dict() == data
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}, {"value": 4}]}
    node = fm.TreeNode.from_dict(tree)
    assert node.children is not None and node.children[0].children == [fm.TreeNode(value=3)]
    assert node.to_dict() == tree


def test_unions_pick_the_member_that_fits() -> None:
    from features._serde import decode

    assert decode(fm.Shape, {"side": 2}) == fm.Square(side=2)
    assert decode(fm.Shape, {"radius": 1.5}) == fm.Circle(radius=1.5)
    assert decode(fm.IdOrName, 5) == 5
    assert decode(fm.IdOrName, "five") == "five"
    loc = tm.ValidationError.from_dict({"loc": ["body", 0, "user"], "msg": "m", "type": "t"})
    assert loc.loc == ["body", 0, "user"]


def test_all_of_inherits_fields() -> None:
    cat = fm.Cat.from_dict({"species": "felis", "indoor": True})
    assert isinstance(cat, fm.Animal)
    assert cat.to_dict() == {"species": "felis", "indoor": True}


# Wire names that are keywords, symbols, digits first or a model method's name.
AWKWARD = {
    "from": "a",
    "class": 1,
    "@type": "t",
    "files[0]": "f",
    "+1": 2,
    "userLabel": "u",
    "to_dict": "d",
    "2fa": True,
}


def test_awkward_property_names_are_safe_and_keep_their_wire_names() -> None:
    awkward = fm.Awkward.from_dict(AWKWARD)
    assert awkward.from_ == "a" and awkward.class_ == 1 and awkward.to_dict_ == "d"
    assert awkward.to_dict() == AWKWARD


def test_nullable_fields_can_send_an_explicit_null() -> None:
    profile = nm.Profile(handle="h", bio=NULL)
    assert profile.to_dict() == {"handle": "h", "bio": None}
    assert nm.Profile(handle="h").to_dict() == {"handle": "h"}
    # A null received decodes to None and is sent back as null; a key left out stays out.
    received = nm.Profile.from_dict({"handle": "h", "bio": None, "manager": None})
    assert received.bio is None and received.manager is None
    assert received.to_dict() == {"handle": "h", "bio": None, "manager": None}
    assert received != nm.Profile(handle="h")  # they say different things on the wire
    pet = fm.Pet.from_dict({"id": str(uuid.UUID(int=2)), "name": "n", "kind": "cat", "nickname": None})
    assert pet.nickname is None


def test_type_mismatch_raises_a_located_decode_error() -> None:
    from features._serde import DecodeError

    with pytest.raises(DecodeError) as caught:
        fm.Pet.from_dict({"id": str(uuid.UUID(int=2)), "name": 5, "kind": "cat"})
    assert "Pet.name" in str(caught.value) and "expected string" in str(caught.value)
    with pytest.raises(DecodeError):
        fm.Pet.from_dict({"name": "n", "kind": "cat"})  # id is required
    with pytest.raises(DecodeError):
        fm.Pet.from_dict({"id": "not-a-uuid", "name": "n", "kind": "cat"})
