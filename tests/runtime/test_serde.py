"""The runtime JSON (de)serialiser, driven through model modules in the shape the templates generate.

Each test package is written to a temporary folder with a verbatim copy of `generator/runtime/_serde.py`, as a
generated package ships it, and imported from there.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime
import enum
import importlib
import importlib.util
import inspect
import itertools
import json
import pickle
import subprocess
import sys
import textwrap
import typing
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RUNTIME = Path(__file__).resolve().parents[2] / "generator" / "runtime" / "_serde.py"
_names = itertools.count()

HEADER = """\
from __future__ import annotations

import datetime
import enum
import uuid
from dataclasses import dataclass as _dataclass, field as _field
from typing import Any, Literal, TypeAlias

from ._serde import Model as _Model
"""

# The brief's example module, with the unions, enums and recursion the other tests use.
PETS = """
class Color(str, enum.Enum):
    RED = "red"
    DARK_BLUE = "Dark-Blue"


class Level(int, enum.Enum):
    LOW = 1
    HIGH = 2


@_dataclass(kw_only=True, eq=False)
class Owner(_Model):
    name: str
    pets: list[Pet] | None = None


@_dataclass(kw_only=True, eq=False)
class Cat(_Model):
    \"\"\"A cat.\"\"\"

    kind: Literal["cat"] = "cat"
    name: str
    user_name: str | None = _field(default=None, metadata={"wire": "user-name"})
    id: str | None = _field(default=None, metadata={"required": True})
    secret: str | None = None
    tags: dict[str, int] | None = None
    pair: tuple[str, int] | None = None
    owner: Owner | None = None
    color: Color | None = None
    level: Level | None = None


@_dataclass(kw_only=True, eq=False)
class Dog(_Model):
    kind: Literal["dog"] = "dog"
    name: str
    barks: bool | None = None


Pet: TypeAlias = Cat | Dog


@_dataclass(kw_only=True, eq=False)
class Incident(_Model):
    type: Literal["incident"]
    severity: int


@_dataclass(kw_only=True, eq=False)
class Remark(_Model):
    type: Literal["remark"]
    text: str


Event: TypeAlias = Incident | Remark


class IncidentKind(str, enum.Enum):
    INCIDENT = "incident"


class RemarkKind(str, enum.Enum):
    REMARK = "remark"


@_dataclass(kw_only=True, eq=False)
class TaggedIncident(_Model):
    type: IncidentKind
    severity: int | None = None


@_dataclass(kw_only=True, eq=False)
class TaggedRemark(_Model):
    type: RemarkKind
    text: str | None = None


TaggedEvent: TypeAlias = TaggedIncident | TaggedRemark


@_dataclass(kw_only=True, eq=False)
class Circle(_Model):
    radius: float


@_dataclass(kw_only=True, eq=False)
class Square(_Model):
    side: float


Shape: TypeAlias = Circle | Square


@_dataclass(kw_only=True, eq=False)
class Basic(_Model):
    a: str | None = None


@_dataclass(kw_only=True, eq=False)
class Rich(_Model):
    a: str | None = None
    b: int | None = None


Fit: TypeAlias = Basic | Rich


@_dataclass(kw_only=True, eq=False)
class Painted(_Model):
    color: Color


@_dataclass(kw_only=True, eq=False)
class Labelled(_Model):
    color: str


Paint: TypeAlias = Painted | Labelled
Mixed: TypeAlias = Literal[1, True, "1"]
Number: TypeAlias = int | float
IdOrName: TypeAlias = int | str


@_dataclass(kw_only=True, eq=False)
class Profile(_Model):
    handle: str
    bio: str | None
    nickname: str | None = None


@_dataclass(kw_only=True, eq=False)
class Node(_Model):
    value: int
    children: list[Node] | None = None


Tree: TypeAlias = list["Tree"] | int


@_dataclass(kw_only=True, eq=False)
class Forest(_Model):
    tree: Tree


@_dataclass(kw_only=True, eq=False)
class Stamp(_Model):
    at: datetime.datetime | None = None
    on: datetime.date | None = None
    clock: datetime.time | None = None
    uid: uuid.UUID | None = None
    blob: bytes | None = None
    free: Any = None
    anything: dict[str, Any] | None = None
"""


def make_package(root: Path, models: str) -> ModuleType:
    """A package with the runtime copied in and `models.py` holding `models` (after the generated imports)."""
    name = f"serde_pkg_{next(_names)}"
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    (package / "_serde.py").write_bytes(RUNTIME.read_bytes())
    (package / "models.py").write_text(HEADER + textwrap.dedent(models), "utf-8")
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"{name}.models")
    finally:
        sys.path.remove(str(root))


@pytest.fixture(scope="module")
def m(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return make_package(tmp_path_factory.mktemp("pets"), PETS)


@pytest.fixture(scope="module")
def serde(m: ModuleType) -> ModuleType:
    return sys.modules[m.__name__.rsplit(".", 1)[0] + "._serde"]


def as_json(value: Any) -> str:
    """JSON text, so that 1, 1.0 and true stay different when compared."""
    return json.dumps(value, sort_keys=True)


def failure(call: Callable[[], Any], serde: ModuleType) -> Any:
    with pytest.raises(serde.DecodeError) as caught:
        call()
    return caught.value


# --- round trips ------------------------------------------------------------------------------------------

ROUND_TRIPS: list[tuple[str, str, Any]] = [
    (
        "extras, nested and in lists",
        "Cat",
        {
            "kind": "cat",
            "name": "Tom",
            "id": "1",
            "since": 2019,
            "owner": {"name": "Ann", "pets": [{"kind": "dog", "name": "Rex", "x": [1]}]},
        },
    ),
    (
        "explicit nulls on optional fields",
        "Cat",
        {"kind": "cat", "name": "Tom", "id": "1", "user-name": None, "color": None, "owner": None},
    ),
    ("null for a readOnly required field", "Cat", {"kind": "cat", "name": "Tom", "id": None}),
    ("an optional const left out stays out", "Cat", {"name": "Tom", "id": "1"}),
    (
        "renamed key, map, tuple, enums",
        "Cat",
        {
            "kind": "cat",
            "name": "T",
            "id": "1",
            "user-name": "tom",
            "tags": {"a": 1, "": 2},
            "pair": ["x", 3],
            "color": "Dark-Blue",
            "level": 2,
        },
    ),
    (
        "unknown enum values of the right type",
        "Cat",
        {"kind": "cat", "name": "T", "id": "1", "color": "mauve", "level": 7},
    ),
    ("required nullable at null", "Profile", {"handle": "h", "bio": None}),
    ("required nullable, optional null", "Profile", {"handle": "h", "bio": "b", "nickname": None}),
    ("recursion", "Node", {"value": 1, "children": [{"value": 2, "children": []}, {"value": 3, "children": None}]}),
    ("recursive alias", "Forest", {"tree": [1, [2, [3, []]], 4]}),
    (
        "dates, times, uuids and bytes as sent",
        "Stamp",
        {
            "at": "2024-01-15T09:30:00.000Z",
            "on": "2024-02-29",
            "clock": "23:59:60.5+01:00",
            "uid": "A1F5C3D9-7B2E-4F8A-9C3D-2E7F1B6A4D8E",
            "blob": "QR==",
            "free": {"k": [1, None, 2.5]},
            "anything": {"n": None, "l": [True]},
        },
    ),
    ("an int where a float is declared stays an int", "Circle", {"radius": 2}),
]


@pytest.mark.parametrize(("case", "model", "payload"), ROUND_TRIPS, ids=[case for case, _, _ in ROUND_TRIPS])
def test_round_trip_is_exact(m: ModuleType, case: str, model: str, payload: Any) -> None:
    cls = getattr(m, model)
    decoded = cls.from_dict(payload)
    assert as_json(decoded.to_dict()) == as_json(payload)
    again = cls.from_dict(decoded.to_dict())
    assert again == decoded
    assert as_json(again.to_dict()) == as_json(payload)


def test_extras_are_exposed_mutable_and_written_back(m: ModuleType) -> None:
    cat = m.Cat.from_dict({"kind": "cat", "name": "Tom", "id": "1", "since": 2019, "meta": {"a": None}})
    assert cat.model_extra == {"since": 2019, "meta": {"a": None}}
    cat.model_extra["added"] = [1]
    del cat.model_extra["since"]
    assert cat.to_dict() == {"kind": "cat", "name": "Tom", "id": "1", "meta": {"a": None}, "added": [1]}
    built = m.Cat(name="Tom")
    assert built.model_extra == {}
    built.model_extra["x"] = 1
    assert built.to_dict() == {"kind": "cat", "name": "Tom", "x": 1}
    # A declared field owns its wire key: an extra under that name is not sent.
    built.model_extra["user-name"] = "shadow"
    assert "user-name" not in built.to_dict()


def test_to_dict_rules_for_none_and_null(m: ModuleType, serde: ModuleType) -> None:
    assert m.Cat(name="Tom").to_dict() == {"kind": "cat", "name": "Tom"}  # the const tag is always sent
    assert m.Cat(name="Tom", color=serde.NULL, owner=serde.NULL).to_dict() == {
        "kind": "cat",
        "name": "Tom",
        "owner": None,
        "color": None,
    }
    assert m.Profile(handle="h", bio=None).to_dict() == {"handle": "h", "bio": None}
    decoded = m.Cat.from_dict({"kind": "cat", "name": "Tom", "id": "1", "color": None})
    assert decoded.color is None and decoded.to_dict()["color"] is None
    decoded.color = m.Color.RED
    assert decoded.to_dict()["color"] == "red"
    assert serde.encode(serde.NULL) is None and not serde.NULL and repr(serde.NULL) == "NULL"
    assert serde.encode([serde.NULL, {"a": serde.NULL}]) == [None, {"a": None}]


def test_readonly_required_and_writeonly(m: ModuleType, serde: ModuleType) -> None:
    error = failure(lambda: m.Cat.from_dict({"kind": "cat", "name": "Tom"}), serde)
    assert error.path == "Cat.id" and error.message == "required key is missing"
    cat = m.Cat.from_dict({"kind": "cat", "name": "Tom", "id": "1"})  # writeOnly `secret` absent: fine
    assert cat.secret is None
    assert m.Cat(name="Tom").id is None  # readOnly: optional to build


def test_equality_covers_fields_extras_and_null_marks(m: ModuleType, serde: ModuleType) -> None:
    base = {"kind": "cat", "name": "Tom", "id": "1"}
    assert m.Cat.from_dict(base) == m.Cat.from_dict(dict(base))
    assert m.Cat.from_dict(base) != m.Cat.from_dict({**base, "name": "Max"})
    assert m.Cat.from_dict(base) != m.Cat.from_dict({**base, "extra": 1})
    assert m.Cat.from_dict(base) != m.Cat.from_dict({**base, "color": None})
    assert m.Cat.from_dict({**base, "color": None}) == m.Cat(name="Tom", id="1", color=serde.NULL)
    assert m.Cat(name="x") != m.Dog(name="x")
    assert m.Cat(name="x") != "x"
    with pytest.raises(TypeError):
        hash(m.Cat(name="x"))


def test_copies_and_pickles_keep_everything(m: ModuleType) -> None:
    payload = {"kind": "cat", "name": "Tom", "id": "1", "color": None, "x": 1}
    stamp = {"at": "2024-01-15T09:30:00.000Z", "uid": "A1F5C3D9-7B2E-4F8A-9C3D-2E7F1B6A4D8E", "blob": "QR=="}
    for cls, data in ((m.Cat, payload), (m.Stamp, stamp)):
        decoded = cls.from_dict(data)
        for clone in (copy.copy(decoded), copy.deepcopy(decoded), pickle.loads(pickle.dumps(decoded))):
            assert clone == decoded
            assert clone.to_dict() == data


# --- unions -----------------------------------------------------------------------------------------------

UNIONS: list[tuple[str, str, Any, str]] = [
    ("explicit Literal tag", "Pet", {"kind": "dog", "name": "Rex"}, "Dog"),
    ("tag decides over a better fit", "Pet", {"kind": "cat", "name": "Rex", "id": "1", "barks": True}, "Cat"),
    ("implicit Literal tag", "Event", {"type": "remark", "text": "hi"}, "Remark"),
    ("implicit single-enum tag", "TaggedEvent", {"type": "incident", "severity": 3, "text": "x"}, "TaggedIncident"),
    ("best fit: the only member whose required keys are there", "Shape", {"side": 2}, "Square"),
    ("best fit: fewest extras wins over declaration order", "Fit", {"a": "x", "b": 1}, "Rich"),
    ("best fit: a tie goes to the first declared", "Fit", {"a": "x"}, "Basic"),
    ("best fit: an optional const tag left out", "Pet", {"name": "Rex"}, "Dog"),
    ("best fit: an optional const tag left out, other member", "Pet", {"name": "Tom", "id": "1"}, "Cat"),
    ("best fit: a known enum value beats a plain string", "Paint", {"color": "red"}, "Painted"),
    ("best fit: an unknown enum value fits a plain string better", "Paint", {"color": "mauve"}, "Labelled"),
]


@pytest.mark.parametrize(("case", "alias", "payload", "expected"), UNIONS, ids=[c for c, _, _, _ in UNIONS])
def test_unions_decode_to_the_right_member(
    m: ModuleType, serde: ModuleType, case: str, alias: str, payload: Any, expected: str
) -> None:
    decoded = serde.decode(getattr(m, alias), payload)
    assert type(decoded) is getattr(m, expected)
    assert as_json(serde.encode(decoded)) == as_json(payload)


UNION_ERRORS: list[tuple[str, str, Any, str, list[str]]] = [
    ("unknown tag", "list[Pet]", [{"kind": "dog", "name": "a"}, {"kind": "cow"}], "[1].kind", ["'cat', 'dog'"]),
    ("missing required tag", "list[Event]", [{"severity": 1}], "[0]", ["discriminator 'type' is missing"]),
    ("missing optional tag, no member fits", "Pet", {"id": "1"}, "", ["Cat.name: required", "Dog.name: required"]),
    ("tag of the wrong JSON type", "Event", {"type": 1}, "type", ["'incident', 'remark'", "integer 1"]),
    ("unknown implicit enum tag", "TaggedEvent", {"type": "other"}, "type", ["'incident', 'remark'"]),
    ("member chosen by tag, then a located error", "Pet", {"kind": "dog", "name": 5}, "name", ["expected string"]),
    ("no member fits", "Shape", {"diameter": 2}, "", ["Circle.radius: required", "Square.side: required"]),
    ("no member fits a nested value", "Fit", {"a": 1}, "", ["Basic.a: expected string, got integer 1", "Rich.a"]),
    ("no member takes this JSON type", "Shape", "round", "", ["expected Circle | Square, got string 'round'"]),
    ("scalar union", "IdOrName", 1.5, "", ["expected int | str, got number 1.5"]),
    ("bool is not an int", "Number", True, "", ["got boolean True"]),
]


@pytest.mark.parametrize(("case", "hint", "payload", "path", "parts"), UNION_ERRORS, ids=[c for c, *_ in UNION_ERRORS])
def test_union_failures_are_located(
    m: ModuleType, serde: ModuleType, case: str, hint: str, payload: Any, path: str, parts: list[str]
) -> None:
    error = failure(lambda: serde.decode(eval(hint, vars(m)), payload), serde)
    assert error.path == path
    for part in parts:
        assert part in error.message


def test_a_member_never_accepts_another_members_tag(m: ModuleType, serde: ModuleType) -> None:
    error = failure(lambda: m.Remark.from_dict({"type": "incident", "text": "x"}), serde)
    assert error.path == "Remark.type"
    error = failure(lambda: m.Dog.from_dict({"kind": "cat", "name": "x"}), serde)
    assert error.path == "Dog.kind"


SCALAR_UNIONS: list[tuple[str, Any, Any]] = [
    ("Number", 1, int),
    ("Number", 1.5, float),
    ("Number", 1.0, float),
    ("IdOrName", 5, int),
    ("IdOrName", "5", str),
    ("Mixed", 1, int),
    ("Mixed", True, bool),
    ("Mixed", "1", str),
    ("Pet | None", None, type(None)),
]


@pytest.mark.parametrize(("alias", "value", "kind"), SCALAR_UNIONS)
def test_scalars_in_unions_keep_their_json_type(
    m: ModuleType, serde: ModuleType, alias: str, value: Any, kind: type
) -> None:
    decoded = serde.decode(eval(alias, vars(m)), value)
    assert type(decoded) is kind and decoded == value


# --- strict decoding --------------------------------------------------------------------------------------

MISMATCHES: list[tuple[str, Any, str]] = [
    ("str", 1, "expected string, got integer 1"),
    ("int", True, "expected integer, got boolean True"),
    ("int", 1.5, "expected integer, got number 1.5"),
    ("int", float("inf"), "expected integer, got number inf"),
    ("int", float("nan"), "expected integer, got number nan"),
    ("Level", 1.5, "expected Level (integer), got number 1.5"),
    ("Literal[2]", 2.5, "expected 2, got number 2.5"),
    ("Literal[2]", 3.0, "expected 2, got number 3.0"),
    ("int", "1", "expected integer, got string '1'"),
    ("float", False, "expected number, got boolean False"),
    ("bool", 0, "expected boolean, got integer 0"),
    ("str", None, "expected string, got null"),
    ("Mixed", 1.5, "got number 1.5"),
    ("Mixed", False, "got boolean False"),
    ("Literal['cat']", "dog", "expected 'cat', got string 'dog'"),
    ("Color", 2, "expected Color (string), got integer 2"),
    ("Level", "1", "expected Level (integer), got string '1'"),
    ("Level", True, "expected Level (integer), got boolean True"),
    ("list[int]", {"a": 1}, "expected an array, got object"),
    ("dict[str, int]", [1], "expected an object, got array"),
    ("tuple[str, int]", ["a"], "expected an array of 2, got 1 items"),
    ("datetime.datetime", "2024-01-15", "expected a date-time, got string '2024-01-15'"),
    ("datetime.datetime", "2024-01-15T25:00:00Z", "expected a date-time"),
    ("datetime.datetime", "2024-02-30T10:00:00Z", "expected a date-time"),
    ("datetime.datetime", "2024-01-15T10:00:00Z ", "expected a date-time"),
    ("datetime.datetime", "２０２４-01-15T10:00:00Z", "expected a date-time"),
    ("datetime.date", "2024-01-15T10:00:00Z", "expected a date"),
    ("datetime.date", 20240115, "expected a date text, got integer 20240115"),
    ("datetime.time", "25:00", "expected a time"),
    ("uuid.UUID", "a1f5c3d97b2e4f8a9c3d2e7f1b6a4d8e", "expected a UUID"),
    ("uuid.UUID", "{a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e}", "expected a UUID"),
    ("uuid.UUID", "+1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e", "expected a UUID"),
    ("bytes", "QQ=", "expected base64"),
    ("bytes", "Q$==", "expected base64"),
    ("Circle", [1], "expected an object, got array"),
]


@pytest.mark.parametrize(("hint", "value", "message"), MISMATCHES, ids=[f"{h}:{v!r}" for h, v, _ in MISMATCHES])
def test_values_must_match_their_declared_type(
    m: ModuleType, serde: ModuleType, hint: str, value: Any, message: str
) -> None:
    namespace = {**vars(m), "Literal": typing.Literal}
    error = failure(lambda: serde.decode(eval(hint, namespace), value), serde)
    assert message in error.message


ACCEPTED: list[tuple[str, Any, Any]] = [
    ("float", 2, 2),
    ("Mixed", True, True),
    ("Color", "Dark-Blue", "Color.DARK_BLUE"),
    ("Color", "mauve", "mauve"),
    ("Level", 2, "Level.HIGH"),
    ("Level", 9, 9),
    ("tuple[str, int]", ["a", 1], ("a", 1)),
    ("dict[str, int]", {"a": 1}, {"a": 1}),
    ("list[str | None]", ["a", None], ["a", None]),
    ("Any", {"a": [1]}, {"a": [1]}),
]


@pytest.mark.parametrize(("hint", "value", "expected"), ACCEPTED, ids=[f"{h}:{v!r}" for h, v, _ in ACCEPTED])
def test_values_that_match_decode(m: ModuleType, serde: ModuleType, hint: str, value: Any, expected: Any) -> None:
    decoded = serde.decode(eval(hint, vars(m)), value)
    if isinstance(expected, str) and expected.startswith(("Color.", "Level.")):
        expected = eval(expected, vars(m))
        assert decoded is expected
    assert decoded == expected and type(decoded) is type(expected)


def test_wire_text_is_kept_for_dates_times_uuids_and_bytes(m: ModuleType, serde: ModuleType) -> None:
    cases = [
        (datetime.datetime, "2024-01-15T09:30:00.000Z", datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.UTC)),
        (datetime.datetime, "2024-01-15 09:30", datetime.datetime(2024, 1, 15, 9, 30)),
        (datetime.datetime, "2024-01-15t09:30:00,5z", datetime.datetime(2024, 1, 15, 9, 30, 0, 500000, datetime.UTC)),
        (datetime.datetime, "1990-12-31T23:59:60Z", datetime.datetime(1990, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)),
        (datetime.date, "2024-02-29", datetime.date(2024, 2, 29)),
        (datetime.time, "09:30:00.1234567-0130", datetime.time(9, 30, 0, 123456, _tz(-90))),
        (uuid.UUID, "A1F5C3D9-7B2E-4F8A-9C3D-2E7F1B6A4D8E", uuid.UUID("a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e")),
        (bytes, "QR==", b"A"),
    ]
    for hint, text, value in cases:
        decoded = serde.decode(hint, text)
        assert isinstance(decoded, hint) and decoded == value, text
        assert serde.encode(decoded) == text
    # A value made from a decoded one is a new value, written the standard way.
    later = serde.decode(datetime.datetime, "2024-01-15T09:30:00.000Z") + datetime.timedelta(hours=1)
    assert serde.encode(later) == "2024-01-15T10:30:00+00:00"
    assert serde.encode(serde.decode(bytes, "QR==")[:1]) == "QQ=="
    # Values the caller builds encode with isoformat()/str()/base64.
    assert serde.encode(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert serde.encode(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert serde.encode(b"\xff") == "/w=="
    assert serde.encode((1, m.Color.RED, m.Level.LOW)) == [1, "red", 1]
    # To a user they look like the standard types.
    assert repr(serde.decode(datetime.date, "2024-02-29")) == "datetime.date(2024, 2, 29)"
    assert repr(serde.decode(uuid.UUID, "A1F5C3D9-7B2E-4F8A-9C3D-2E7F1B6A4D8E")).startswith("UUID('a1f5c3d9")


def _tz(minutes: int) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(minutes=minutes))


def test_unknown_enum_values_stay_plain(m: ModuleType) -> None:
    cat = m.Cat.from_dict({"kind": "cat", "name": "T", "id": "1", "color": "mauve", "level": 9})
    assert cat.color == "mauve" and not isinstance(cat.color, m.Color)
    assert cat.level == 9 and not isinstance(cat.level, m.Level)
    known = m.Cat.from_dict({"kind": "cat", "name": "T", "id": "1", "color": "red", "level": 1})
    assert known.color is m.Color.RED and known.level is m.Level.LOW


# --- numbers: JSON Schema counts 1 and 1.0 as the same number --------------------------------------------

NUMBERS = """
class Small(enum.IntEnum):
    ONE = 1
    TWO = 2


class Ratio(float, enum.Enum):
    ONE = 1.0
    HALF = 2.5


class MixedInteger(enum.IntEnum):
    ONE = 1


class MixedNumber(float, enum.Enum):
    TWO = 2.0


class MixedBoolean(enum.Enum):
    TRUE = True


class Spread(enum.Enum):
    ONE = 1
    TWO = 2.0
    X = "x"


@_dataclass(kw_only=True, eq=False)
class Num(_Model):
    i: int | None = None
    n: Small | None = None
    c: Literal[2] | None = 2
    apart: Literal[1, 1.0, True] | None = None
    half: Literal[1.0, 2.5] | None = None
    ints: list[int] | None = None
    ratio: Ratio | None = None
    mixed: MixedInteger | MixedNumber | MixedBoolean | None = None
    spread: Spread | None = None
"""


@pytest.fixture(scope="module")
def nm(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return make_package(tmp_path_factory.mktemp("numbers"), NUMBERS)


@pytest.fixture(scope="module")
def nserde(nm: ModuleType) -> ModuleType:
    return sys.modules[nm.__name__.rsplit(".", 1)[0] + "._serde"]


# An integral float where an integer is declared: the int (or the int member), equal to what was sent.
INTEGRAL_FLOATS: list[tuple[dict[str, Any], str, Any]] = [
    ({"i": 1.0}, "i", 1),
    ({"i": -3.0}, "i", -3),
    ({"i": 1e20}, "i", 10**20),
    ({"i": -0.0}, "i", 0),
    ({"n": 2.0}, "n", "Small.TWO"),
    ({"n": 7.0}, "n", 7),
    ({"c": 2.0}, "c", 2),
    ({"ints": [1, 2.0, 3]}, "ints", [1, 2, 3]),
    ({"spread": 1.0}, "spread", "Spread.ONE"),
]


@pytest.mark.parametrize(
    ("payload", "name", "expected"), INTEGRAL_FLOATS, ids=[as_json(p) for p, *_ in INTEGRAL_FLOATS]
)
def test_integral_floats_decode_as_integers(nm: ModuleType, payload: dict[str, Any], name: str, expected: Any) -> None:
    decoded = nm.Num.from_dict(payload)
    value = getattr(decoded, name)
    if isinstance(expected, str):
        assert value is eval(expected, vars(nm))
    else:
        assert value == expected and type(value) is type(expected)
        if isinstance(value, list):
            assert [type(item) for item in value] == [int] * len(value)
    assert decoded.to_dict() == payload  # 1 == 1.0
    assert nm.Num.from_dict(decoded.to_dict()) == decoded


# A number of the other numeric type where a float-valued member is declared stays what was sent, exactly.
EXACT_NUMBERS: list[tuple[dict[str, Any], str, Any]] = [
    ({"ratio": 1}, "ratio", 1),
    ({"ratio": 1.0}, "ratio", "Ratio.ONE"),
    ({"ratio": 2.5}, "ratio", "Ratio.HALF"),
    ({"ratio": 3}, "ratio", 3),
    ({"mixed": 2}, "mixed", 2),
    ({"mixed": 2.0}, "mixed", "MixedNumber.TWO"),
    ({"mixed": 1}, "mixed", "MixedInteger.ONE"),
    ({"mixed": True}, "mixed", "MixedBoolean.TRUE"),
    ({"spread": 2}, "spread", 2),
    ({"spread": 2.0}, "spread", "Spread.TWO"),
    ({"spread": 1}, "spread", "Spread.ONE"),
    ({"spread": "x"}, "spread", "Spread.X"),
    ({"half": 1}, "half", 1),
    ({"half": 1.0}, "half", 1.0),
    ({"apart": 1}, "apart", 1),
    ({"apart": 1.0}, "apart", 1.0),
    ({"apart": True}, "apart", True),
    ({"n": 2}, "n", "Small.TWO"),
    ({"i": 5}, "i", 5),
]


@pytest.mark.parametrize(("payload", "name", "expected"), EXACT_NUMBERS, ids=[as_json(p) for p, _, _ in EXACT_NUMBERS])
def test_numbers_for_float_members_round_trip_exactly(
    nm: ModuleType, payload: dict[str, Any], name: str, expected: Any
) -> None:
    decoded = nm.Num.from_dict(payload)
    value = getattr(decoded, name)
    if isinstance(expected, str):
        assert value is eval(expected, vars(nm))
    else:
        assert value == expected and type(value) is type(expected)
    assert as_json(decoded.to_dict()) == as_json(payload)


NUMBER_MISMATCHES: list[tuple[dict[str, Any], str, str]] = [
    ({"i": 1.5}, "Num.i", "expected integer, got number 1.5"),
    ({"i": float("inf")}, "Num.i", "expected integer, got number inf"),
    ({"i": True}, "Num.i", "expected integer, got boolean True"),
    ({"n": 2.5}, "Num.n", "expected Small (integer), got number 2.5"),
    ({"n": True}, "Num.n", "got boolean True"),
    ({"c": 2.5}, "Num.c", "expected 2, got number 2.5"),
    ({"c": 3.0}, "Num.c", "expected 2, got number 3.0"),
    ({"c": True}, "Num.c", "expected 2, got boolean True"),
    ({"apart": 2.0}, "Num.apart", "got number 2.0"),
    ({"half": 2}, "Num.half", "got integer 2"),
    ({"ints": [1, 2.5]}, "Num.ints[1]", "expected integer, got number 2.5"),
    ({"ratio": "1"}, "Num.ratio", "expected Ratio (number), got string '1'"),
    ({"ratio": True}, "Num.ratio", "got boolean True"),
    ({"spread": True}, "Num.spread", "got boolean True"),
    ({"spread": 1.5}, "Num.spread", None),
]


@pytest.mark.parametrize(
    ("payload", "path", "message"), NUMBER_MISMATCHES, ids=[as_json(p) for p, *_ in NUMBER_MISMATCHES]
)
def test_numbers_that_are_no_member_still_fail(
    nm: ModuleType, nserde: ModuleType, payload: dict[str, Any], path: str, message: str | None
) -> None:
    if message is None:  # a float of a declared JSON type that no member has: an unknown value, kept as sent
        decoded = nm.Num.from_dict(payload)
        assert as_json(decoded.to_dict()) == as_json(payload)
        return
    error = failure(lambda: nm.Num.from_dict(payload), nserde)
    assert error.path == path
    assert message in error.message


NUMBER_UNIONS: list[tuple[str, Any, Any]] = [
    ("int | float", 1.0, 1.0),  # a member that fits exactly wins over the conversion
    ("float | int", 1.0, 1.0),
    ("int | float", 1, 1),
    ("int | str", 2.0, 2),
    ("Literal[2] | float", 2.0, 2.0),
    ("Literal[2] | str", 2.0, 2),
    ("Small | float", 2.0, 2.0),
    ("Small | str", 2.0, "Small.TWO"),
    ("Ratio | str", 1, 1),
    ("Ratio | int", 1, 1),
    ("list[int] | list[float]", [1.0], [1.0]),
]


@pytest.mark.parametrize(("hint", "value", "expected"), NUMBER_UNIONS, ids=[f"{h}:{v!r}" for h, v, _ in NUMBER_UNIONS])
def test_numbers_in_unions_prefer_the_exact_fit(
    nm: ModuleType, nserde: ModuleType, hint: str, value: Any, expected: Any
) -> None:
    decoded = nserde.decode(eval(hint, {**vars(nm), "Literal": typing.Literal}), value)
    if isinstance(expected, str):
        assert decoded is eval(expected, vars(nm))
    else:
        assert as_json(decoded) == as_json(expected)
        assert decoded == value


@pytest.mark.parametrize(
    ("hint", "value"),
    [("int | str", 1.5), ("int | str", float("nan")), ("Small | str", 1.5), ("Literal[2] | str", 2.5)],
)
def test_fractional_numbers_fit_no_integer_member(nm: ModuleType, nserde: ModuleType, hint: str, value: float) -> None:
    error = failure(lambda: nserde.decode(eval(hint, {**vars(nm), "Literal": typing.Literal}), value), nserde)
    assert "got number" in error.message


# --- optional const tags (FastAPI's `input_type: Literal["task_run"] = "task_run"`) -----------------------

TAGS = """
@_dataclass(kw_only=True, eq=False)
class TaskRunResult(_Model):
    id: str
    input_type: Literal["task_run"] = "task_run"


@_dataclass(kw_only=True, eq=False)
class Parameter(_Model):
    name: str
    input_type: Literal["parameter"] = "parameter"


Input: TypeAlias = TaskRunResult | Parameter


@_dataclass(kw_only=True, eq=False)
class Holder(_Model):
    inputs: list[Input]
"""

OPTIONAL_TAGS: list[tuple[Any, str]] = [
    ({"id": "abc"}, "TaskRunResult"),
    ({"name": "p"}, "Parameter"),
    ({"input_type": "task_run", "id": "abc"}, "TaskRunResult"),
    ({"input_type": "parameter", "id": "abc", "name": "p"}, "Parameter"),  # a present tag still decides
    ({"id": "abc", "name": "p"}, "TaskRunResult"),  # both fit equally: the first declared
]


@pytest.fixture(scope="module")
def tm(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return make_package(tmp_path_factory.mktemp("tags"), TAGS)


@pytest.mark.parametrize(("payload", "expected"), OPTIONAL_TAGS, ids=[as_json(p) for p, _ in OPTIONAL_TAGS])
def test_an_optional_const_tag_may_be_left_out(tm: ModuleType, payload: Any, expected: str) -> None:
    serde = sys.modules[tm.__name__.rsplit(".", 1)[0] + "._serde"]
    decoded = serde.decode(tm.Input, payload)
    assert type(decoded) is getattr(tm, expected)
    assert as_json(serde.encode(decoded)) == as_json(payload)
    holder = tm.Holder.from_dict({"inputs": [payload]})
    assert as_json(holder.to_dict()) == as_json({"inputs": [payload]})


@pytest.mark.parametrize(
    ("payload", "path", "part"),
    [
        ({"input_type": "other", "id": "abc"}, "Holder.inputs[0].input_type", "one of 'task_run', 'parameter'"),
        ({"input_type": "parameter", "id": "abc"}, "Holder.inputs[0].name", "required key is missing"),
        ({"id": 5}, "Holder.inputs[0]", "TaskRunResult.id: expected string, got integer 5"),
        ({}, "Holder.inputs[0]", "matches none of TaskRunResult | Parameter"),
    ],
)
def test_a_missing_optional_tag_still_needs_a_fitting_member(
    tm: ModuleType, payload: Any, path: str, part: str
) -> None:
    serde = sys.modules[tm.__name__.rsplit(".", 1)[0] + "._serde"]
    error = failure(lambda: tm.Holder.from_dict({"inputs": [payload]}), serde)
    assert error.path == path
    assert part in error.message


# --- locations and depth ----------------------------------------------------------------------------------

LOCATED: list[tuple[str, str, Any, str, tuple[Any, ...]]] = [
    (
        "nested model field",
        "Cat",
        {"kind": "cat", "name": "T", "id": "1", "owner": {"name": 5}},
        "Cat.owner.name",
        ("owner", "name"),
    ),
    (
        "list item",
        "Cat",
        {
            "kind": "cat",
            "name": "T",
            "id": "1",
            "owner": {"name": "A", "pets": [{"kind": "dog", "name": "R"}, {"kind": "dog"}]},
        },
        "Cat.owner.pets[1].name",
        ("owner", "pets", 1, "name"),
    ),
    (
        "map key",
        "Cat",
        {"kind": "cat", "name": "T", "id": "1", "tags": {"ok": 1, "bad key": "x"}},
        "Cat.tags['bad key']",
        ("tags", "bad key"),
    ),
    (
        "renamed field",
        "Cat",
        {"kind": "cat", "name": "T", "id": "1", "user-name": 1},
        "Cat['user-name']",
        ("user-name",),
    ),
    ("tuple item", "Cat", {"kind": "cat", "name": "T", "id": "1", "pair": ["a", "b"]}, "Cat.pair[1]", ("pair", 1)),
    ("not an object", "Cat", [], "Cat", ()),
]


@pytest.mark.parametrize(("case", "model", "payload", "path", "location"), LOCATED, ids=[c for c, *_ in LOCATED])
def test_errors_say_where(
    m: ModuleType, serde: ModuleType, case: str, model: str, payload: Any, path: str, location: tuple[Any, ...]
) -> None:
    error = failure(lambda: getattr(m, model).from_dict(payload), serde)
    assert error.path == path and error.location == location and error.model == model
    assert str(error) == f"{path}: {error.message}"
    again = pickle.loads(pickle.dumps(error))
    assert (again.path, again.message) == (error.path, error.message)


def nested(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {"value": levels}
    for value in range(levels - 1, 0, -1):
        node = {"value": value, "children": [node]}
    return node


def test_deep_nesting_is_a_located_decode_error(m: ModuleType, serde: ModuleType) -> None:
    fine = m.Node.from_dict(nested(100))
    assert as_json(fine.to_dict()) == as_json(nested(100))
    error = failure(lambda: m.Node.from_dict(nested(serde._MAX_DEPTH + 5)), serde)
    assert "nested more than" in error.message
    assert error.path.startswith("Node.children[0].children[0]") and len(error.location) == 2 * serde._MAX_DEPTH
    deep_alias: Any = 1
    for _ in range(serde._MAX_DEPTH + 5):
        deep_alias = [deep_alias]
    error = failure(lambda: m.Forest.from_dict({"tree": deep_alias}), serde)
    assert "nested more than" in error.message and error.path.startswith("Forest.tree[0][0]")


def test_recursion_error_becomes_a_decode_error(m: ModuleType, serde: ModuleType) -> None:
    frames = len(inspect.stack())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(frames + 80)  # far fewer frames than _MAX_DEPTH levels need
    try:
        error = failure(lambda: m.Node.from_dict(nested(serde._MAX_DEPTH - 10)), serde)
        error_decode = failure(lambda: serde.decode(list[m.Node], [nested(serde._MAX_DEPTH - 10)]), serde)
    finally:
        sys.setrecursionlimit(limit)
    assert "too deeply" in error.message and error.path == "Node"
    assert "too deeply" in error_decode.message
    # The depth counter is back to zero: the same data decodes once the stack allows it.
    assert m.Node.from_dict(nested(50)).value == 1


def test_encoding_a_model_that_contains_itself_is_a_value_error(m: ModuleType) -> None:
    node = m.Node(value=1)
    node.children = [node]
    with pytest.raises(ValueError, match="contains itself"):
        node.to_dict()


# --- hints and construction -------------------------------------------------------------------------------

TRICKY_NAMES = """
from datetime import date, datetime, time
from uuid import UUID
field = None


@_dataclass(kw_only=True, eq=False)
class Calendar(_Model):
    date: date | None = None
    datetime: datetime | None = None
    time: time | None = None
    field: str | None = None
    UUID: UUID | None = _field(default=None, metadata={"wire": "uuid"})
    to_dict_: str | None = _field(default=None, metadata={"wire": "to_dict"})
    model_extra_: int | None = _field(default=None, metadata={"wire": "model_extra"})
"""


def test_fields_named_like_types_do_not_break_hints(tmp_path: Path) -> None:
    mod = make_package(tmp_path, TRICKY_NAMES)
    payload = {
        "date": "2024-01-02",
        "datetime": "2024-01-02T03:04:05Z",
        "time": "03:04",
        "field": "f",
        "uuid": "00000000-0000-0000-0000-000000000001",
        "to_dict": "t",
        "model_extra": 3,
    }
    calendar = mod.Calendar.from_dict(payload)
    assert calendar.date == datetime.date(2024, 1, 2) and calendar.time == datetime.time(3, 4)
    assert calendar.UUID.int == 1 and calendar.model_extra_ == 3 and calendar.model_extra == {}
    assert calendar.to_dict() == payload


CUSTOM = """
@_dataclass(kw_only=True, eq=False)
class Plain(_Model):
    name: str
    size: int | None = None


@_dataclass(kw_only=True, eq=False)
class Shouting(_Model):
    name: str
    size: int | None = None

    def __init__(self, *, name: str, size: int | None = None) -> None:
        self.name = name.upper()
        self.size = size


@_dataclass(kw_only=True, eq=False)
class Checked(_Model):
    name: str
    size: int | None = None

    def __post_init__(self) -> None:
        if self.size is not None and self.size < 0:
            raise ValueError("size must not be negative")


@_dataclass(kw_only=True, eq=False)
class Guarded(_Model):
    name: str
    size: int | None = None

    @property
    def label(self) -> str:
        return self.name
"""


def test_classes_with_their_own_init_are_built_through_it(tmp_path: Path) -> None:
    mod = make_package(tmp_path, CUSTOM)
    serde = sys.modules[mod.__name__.rsplit(".", 1)[0] + "._serde"]
    payload = {"name": "rex", "size": None, "more": 1}
    assert mod.Shouting.from_dict(payload).name == "REX"  # the class body's __init__ ran
    for cls in (mod.Plain, mod.Shouting, mod.Checked, mod.Guarded):
        decoded = cls.from_dict(payload)
        assert decoded.model_extra == {"more": 1}
        assert decoded.to_dict() == {**payload, "name": decoded.name}
    error = failure(lambda: mod.Checked.from_dict({"name": "x", "size": -1}), serde)
    assert error.message == "size must not be negative" and error.path == "Checked"
    # from_dict fills __dict__ exactly as the dataclass __init__ does.
    assert vars(mod.Plain.from_dict({"name": "a", "size": 1})) == vars(mod.Plain(name="a", size=1))


def test_to_dict_reads_through_properties_and_deleted_attributes(tmp_path: Path) -> None:
    mod = make_package(
        tmp_path,
        """
        @_dataclass(kw_only=True, eq=False)
        class Item(_Model):
            name: str
            note: str | None = None


        class Shown(Item):
            @property
            def name(self) -> str:
                return "shown"

            @name.setter
            def name(self, value: str) -> None:
                pass
        """,
    )
    item = mod.Item.from_dict({"name": "a", "note": "n"})
    del item.note  # getattr now finds the class default
    item.other = 1
    assert item.to_dict() == {"name": "a"}
    assert mod.Shown(name="x").to_dict() == {"name": "shown"}


@pytest.mark.parametrize(("case", "model", "payload"), ROUND_TRIPS, ids=[case for case, _, _ in ROUND_TRIPS])
def test_fast_and_slow_to_dict_agree(m: ModuleType, serde: ModuleType, case: str, model: str, payload: Any) -> None:
    cls = getattr(m, model)
    decoded = cls.from_dict(payload)
    # The fast paths read __dict__ in bulk; the slow one reads each field with getattr(): same keys, same order.
    fast, slow = decoded.to_dict(), serde._encode_model_slow(decoded, serde._OUT[cls])
    assert list(fast) == list(slow) and as_json(fast) == as_json(slow)


# --- typing of NULL ---------------------------------------------------------------------------------------


def test_null_fits_optional_fields_only_for_mypy(tmp_path: Path) -> None:
    package = tmp_path / "typed"
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    (package / "_serde.py").write_bytes(RUNTIME.read_bytes())
    (package / "models.py").write_text(
        HEADER
        + textwrap.dedent(
            """
            @_dataclass(kw_only=True, eq=False)
            class Cat(_Model):
                name: str
                nick: str | None = None
            """
        ),
        "utf-8",
    )
    (package / "use.py").write_text(
        textwrap.dedent(
            """\
            from typed._serde import NULL
            from typed.models import Cat

            ok = Cat(name="x", nick=NULL)
            ok.nick = NULL
            bad = Cat(name=NULL)
            ok.name = NULL
            extra: dict[str, object] = Cat.from_dict({"name": "x"}).model_extra
            """
        ),
        "utf-8",
    )
    # The oldest Python the packages support: the runtime must type-check there too.
    argv = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10", "--cache-dir", str(tmp_path / "c")]
    done = subprocess.run([*argv, "typed"], cwd=tmp_path, capture_output=True, text=True, check=False)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[:2] for line in errors] == [["typed/use.py", "6"], ["typed/use.py", "7"]], done.stdout
    assert 'incompatible type "None"; expected "str"' in errors[0]


# --- property: every valid payload round-trips --------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def _datetimes(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31)))
    text = f"{moment.year:04}-{moment.month:02}-{moment.day:02}{draw(st.sampled_from('Tt '))}{moment:%H:%M}"
    if draw(st.booleans()):
        text += draw(st.sampled_from([":60", moment.strftime(":%S")]))
        if draw(st.booleans()):
            text += draw(st.sampled_from(".,")) + draw(st.text("0123456789", min_size=1, max_size=9))
    hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    offset = draw(
        st.sampled_from(["", "Z", "z", f"+{hours:02}:{minutes:02}", f"-{hours:02}{minutes:02}", f"+{hours:02}"])
    )
    return text + offset


def payloads(m: ModuleType, hint: Any, depth: int = 0, *, tagged: bool = False) -> st.SearchStrategy[Any]:
    """Valid JSON for a hint, with nulls, left-out keys, extras and unknown enum values where they are valid."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return _JSON
    if hint in (str, int, bool, type(None)):
        return st.from_type(hint)
    if hint is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers()
    if hint is datetime.datetime:
        return _datetimes()
    if hint is datetime.date:
        return st.dates().map(lambda d: f"{d.year:04}-{d.month:02}-{d.day:02}")
    if hint is datetime.time:
        return _datetimes().map(lambda text: text[11:])
    if hint is uuid.UUID:
        return st.uuids().map(str).flatmap(lambda text: st.sampled_from([text, text.upper()]))
    if hint is bytes:
        return st.binary(max_size=8).map(lambda raw: base64.b64encode(raw).decode())
    if origin is typing.Literal:
        return st.sampled_from([arg.value if hasattr(arg, "value") else arg for arg in args])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        known = [member.value for member in hint]
        return st.sampled_from(known) | st.from_type(type(known[0])).filter(lambda v: type(v) is type(known[0]))
    if origin is list:
        return st.just([]) if depth > 3 else st.lists(payloads(m, args[0], depth + 1), max_size=3)
    if origin is tuple:
        return st.tuples(*(payloads(m, arg, depth + 1) for arg in args)).map(list)
    if origin is dict:
        return st.dictionaries(st.text(max_size=4), payloads(m, args[1], depth + 1), max_size=3)
    if origin is typing.Union or type(hint).__name__ == "UnionType":
        # A union member carries its tag: a model on its own may leave an optional const out, a member may not.
        return st.one_of(*(payloads(m, arg, depth, tagged=True) for arg in args))
    if isinstance(hint, (str, typing.ForwardRef)):
        return st.deferred(lambda: payloads(m, eval(getattr(hint, "__forward_arg__", hint), vars(m)), depth + 1))
    assert isinstance(hint, type) and dataclasses.is_dataclass(hint), hint
    return _objects(m, hint, depth, tagged=tagged)


def _objects(m: ModuleType, cls: type, depth: int, *, tagged: bool) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(cls, localns={})
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for f in dataclasses.fields(cls):
        wire = f.metadata.get("wire", f.name)
        nullable = type(None) in typing.get_args(hints[f.name])
        tag = tagged and typing.get_origin(hints[f.name]) is typing.Literal
        if f.default is not dataclasses.MISSING and not f.metadata.get("required") and not tag:
            # Deep down, optional fields are only left out or null, so that recursive models end.
            if depth <= 3:
                optional[wire] = payloads(m, hints[f.name], depth + 1)
            elif nullable:
                optional[wire] = st.none()
        else:
            required[wire] = st.none() if depth > 3 and nullable else payloads(m, hints[f.name], depth + 1)
    declared = {f.metadata.get("wire", f.name) for f in dataclasses.fields(cls)}
    extras = st.dictionaries(st.text(min_size=1, max_size=4).filter(lambda k: k not in declared), _JSON, max_size=2)
    fields = st.fixed_dictionaries(required, optional=optional)
    return st.tuples(fields, extras).map(lambda pair: {**pair[1], **pair[0]})


ROUND_TRIP_MODELS = ["Cat", "Dog", "Owner", "Incident", "TaggedIncident", "Profile", "Node", "Forest", "Stamp"]


@pytest.mark.parametrize("model", ROUND_TRIP_MODELS)
def test_every_valid_payload_round_trips(m: ModuleType, serde: ModuleType, model: str) -> None:
    cls = getattr(m, model)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=payloads(m, cls))
    def check(payload: dict[str, Any]) -> None:
        decoded = cls.from_dict(payload)
        assert as_json(decoded.to_dict()) == as_json(payload)
        assert cls.from_dict(decoded.to_dict()) == decoded
        fast, slow = decoded.to_dict(), serde._encode_model_slow(decoded, serde._OUT[cls])
        assert as_json(fast) == as_json(slow)

    check()


@settings(max_examples=300, deadline=None)
@given(text=_datetimes())
def test_date_times_decode_to_their_value_and_encode_to_their_text(text: str) -> None:
    serde = _standalone()
    decoded = serde.decode(datetime.datetime, text)
    assert serde.encode(decoded) == text
    date_part, clock = text[:10], text[11:]
    offset_at = next((i for i, c in enumerate(clock) if c in "Zz+-"), len(clock))
    clock, offset = clock[:offset_at], clock[offset_at:]
    hour, minute, *rest = clock.split(":")
    second, _, fraction = rest[0].replace(",", ".").partition(".") if rest else ("0", "", "")
    tz = None
    if offset[:1] in ("Z", "z"):
        tz = datetime.UTC
    elif offset:
        digits = offset[1:].replace(":", "")
        delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        tz = datetime.timezone(-delta if offset[0] == "-" else delta)
    expected = datetime.datetime(
        *map(int, date_part.split("-")),
        int(hour),
        int(minute),
        min(int(second), 59),
        int((fraction + "000000")[:6]),
        tz,
    )
    assert decoded == expected and decoded.tzinfo == expected.tzinfo
    assert isinstance(decoded, datetime.datetime)


def _standalone() -> ModuleType:
    module = sys.modules.get("_serde_under_test")
    if module is None:
        spec = importlib.util.spec_from_file_location("_serde_under_test", RUNTIME)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["_serde_under_test"] = module
        spec.loader.exec_module(module)
    return module


def test_public_names() -> None:
    serde = _standalone()
    assert sorted(serde.__all__) == ["DecodeError", "Model", "NULL", "decode", "encode"]
    assert issubclass(serde.DecodeError, ValueError)
