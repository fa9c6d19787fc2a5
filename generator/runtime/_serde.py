"""JSON conversion for the generated models, driven by each dataclass's fields and type hints.

The wire contract the generated package relies on:

- Decoding checks what the hint says: exact JSON types (a bool is never a number; an int is a valid float and
  stays an int), Literals by type and value, required keys present. A mismatch raises DecodeError with the path
  to the value (`Pet.owner.name`, `[3].kind`, `['key']`).
- JSON Schema counts 1.0 as an integer: an integral float decodes to the int where an int is declared (an `int`,
  an int enum member, an int Literal), equal to what was sent (1 == 1.0) though written back as `1`; 1.5 is
  still an error. An int that equals a float-valued enum or Literal member (1 for 1.0) stays the int it was sent
  as. Either conversion is a looser fit, so in a union a member the number fits exactly wins. Where both `1` and
  `1.0` (or `true`) are declared, each finds its own.
- Nothing is dropped: keys a model does not declare are kept in `model_extra` and written back, a key received as
  null is sent back as null, and dates, times, UUIDs and base64 bytes re-encode to exactly the text received.
- An enum value of the right JSON type that this client does not know decodes to the plain value, so that values
  the API adds later do not break old clients.
- A union of models with a Literal (or enum) field under one wire key, with disjoint values, is decoded by that
  discriminator; a value without that key, where some member may leave it out (a const with a default), takes
  the best fit instead. Any other union takes the best fit: among the members that decode, the one leaving the
  fewest keys unexplained (and fewest numbers converted), then the first declared; a key left unexplained by a
  model whose schema allows no other keys (`closed=True`), or a null in an optional field whose schema does not
  allow null (`not_null=(...)`), counts against it more than any loose fit. A value no member fits raises
  DecodeError, never the wrong class.
"""

from __future__ import annotations

import base64
import collections.abc
import dataclasses
import datetime
import enum
import functools
import inspect
import re
import sys
import threading
import types
import typing
import unicodedata
import uuid
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, Union, cast

__all__ = ["NULL", "DecodeError", "Model", "decode", "encode"]

_M = TypeVar("_M", bound="Model")
_Decoder = Callable[[Any], Any]

# Data nested deeper than this in a model that can contain itself (a tree, a thread of replies), or in an alias
# that does, raises DecodeError. A level costs two or three interpreter frames, so this stays inside the default
# recursion limit (1000) with room for the caller's own frames.
_MAX_DEPTH: Final = 256

_NoneType: Final = type(None)


class _Null:
    """The type of NULL."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "NULL"  # pickle and copy give back the one instance


# To a type checker NULL is None, so it fits every optional field and is an error anywhere else (`name=NULL` on
# a required `str`). At run time it is its own value, which to_dict() sends as an explicit null.
NULL: Final[None] = cast(None, _Null())


class _Key(str):
    """A step into a JSON object used as a map (shown as `['key']`, where a model's field is shown as `.key`)."""

    __slots__ = ()


class DecodeError(ValueError):
    """JSON data that does not match the type declared for it.

    `location` leads from the outside in to the value that failed (object keys and array indexes), `model` is the
    class whose from_dict() was called (empty for decode()), and `path` shows both: `Pet.owner.name`, `[3].kind`.
    """

    def __init__(self, message: str, location: tuple[str | int, ...] = (), model: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.model = model

    @property
    def path(self) -> str:
        text = self.model
        for step in self.location:
            if isinstance(step, int):
                text += f"[{step}]"
            elif isinstance(step, _Key) or not step.isidentifier():
                text += f"[{str(step)!r}]"
            else:
                text += f".{step}" if text else step
        return text

    def __str__(self) -> str:
        path = self.path
        return f"{path}: {self.message}" if path else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.location, self.model))

    def _within(self, step: str | int) -> DecodeError:
        """This error, one step further out (the container that holds the failing value)."""
        self.location = (step, *self.location)
        return self


# --- values that remember their wire text ---------------------------------------------------------------------
# A decoded date, time, UUID or bytes value is an instance of a private subclass holding the exact text it came
# from, so that it re-encodes to that text (`.000Z`, upper-case hex, any base64 padding bits). Every operation
# that makes a new value (arithmetic, replace(), slicing) makes one without the text, which encodes normally.


def _repr_as(name: str, text: str) -> str:
    return name + text[text.index("(") :]


class _WireDateTime(datetime.datetime):
    __slots__ = ("_wire",)
    _wire: str

    def __repr__(self) -> str:
        return _repr_as("datetime.datetime", super().__repr__())

    def __reduce_ex__(self, protocol: typing.SupportsIndex) -> str | tuple[Any, ...]:
        wire = getattr(self, "_wire", None)
        return (_parse_datetime, (wire,)) if wire is not None else super().__reduce_ex__(protocol)


class _WireDate(datetime.date):
    __slots__ = ("_wire",)
    _wire: str

    def __repr__(self) -> str:
        return _repr_as("datetime.date", super().__repr__())

    def __reduce_ex__(self, protocol: typing.SupportsIndex) -> str | tuple[Any, ...]:
        wire = getattr(self, "_wire", None)
        return (_parse_date, (wire,)) if wire is not None else super().__reduce_ex__(protocol)


class _WireTime(datetime.time):
    __slots__ = ("_wire",)
    _wire: str

    def __repr__(self) -> str:
        return _repr_as("datetime.time", super().__repr__())

    def __reduce_ex__(self, protocol: typing.SupportsIndex) -> str | tuple[Any, ...]:
        wire = getattr(self, "_wire", None)
        return (_parse_time, (wire,)) if wire is not None else super().__reduce_ex__(protocol)


class _WireUUID(uuid.UUID):
    __slots__ = ("_wire",)
    _wire: str

    def __repr__(self) -> str:
        return _repr_as("UUID", super().__repr__())

    def __reduce_ex__(self, protocol: typing.SupportsIndex) -> str | tuple[Any, ...]:
        wire = getattr(self, "_wire", None)
        return (_parse_uuid, (wire,)) if wire is not None else super().__reduce_ex__(protocol)


class _WireBytes(bytes):
    _wire: str  # bytes subclasses cannot have __slots__; pickling keeps the instance __dict__


# Dates and times as RFC 3339 writes them, plus what real APIs send besides: a space for the `T`, no seconds, no
# offset (a naive value), `+hhmm`, `+hh`. The digits are ASCII only (`\d` would take any script's digits).
_HOUR = r"(?:[01][0-9]|2[0-3])"
_CLOCK = (
    _HOUR
    + r":[0-5][0-9](?::(?:[0-5][0-9]|60)(?:[.,][0-9]+)?)?(?:[Zz]|[+-]"
    + _HOUR
    + r"(?::?[0-5][0-9])?)?"
)
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_TEXT = re.compile(_CLOCK)
_DATETIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]" + _CLOCK)
# The same grammar in pieces, for the texts fromisoformat() does not read (see _parse_datetime).
_CLOCK_PARTS = re.compile(
    r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2})?)?"
)
_UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_UTC: Final = datetime.timezone.utc  # datetime.UTC is new in 3.11; packages run on 3.10
# fromisoformat() reads `Z` from Python 3.11 on.
_ZULU_READ: Final = sys.version_info >= (3, 11)


def _iso(text: str) -> str:
    """The text as fromisoformat() reads it on this Python."""
    return text if _ZULU_READ or text[-1] not in "Zz" else text[:-1] + "+00:00"


def _clock(text: str) -> tuple[int, int, int, int, datetime.tzinfo | None]:
    hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = cast(
        re.Match[str], _CLOCK_PARTS.fullmatch(text)
    ).groups()
    tz: datetime.tzinfo | None = None
    if zulu:
        tz = _UTC
    elif sign:
        delta = datetime.timedelta(hours=int(off_hours), minutes=int(off_minutes or 0))
        tz = datetime.timezone(-delta if sign == "-" else delta)
    # A leap second (:60) has no datetime: the value stops at :59, and the wire text keeps the 60.
    seconds = min(int(second), 59) if second else 0
    micro = int((fraction + "00000")[:6]) if fraction else 0
    return int(hour), int(minute), seconds, micro, tz


def _parse_datetime(text: str) -> datetime.datetime:
    if _DATETIME_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    try:
        value = _WireDateTime.fromisoformat(_iso(text))
    except (
        ValueError
    ):  # a leap second, or (before 3.11) a fraction of other than 3 or 6 digits, a `,` or `+hh`
        hour, minute, second, micro, tz = _clock(text[11:])
        value = _WireDateTime(
            int(text[:4]), int(text[5:7]), int(text[8:10]), hour, minute, second, micro, tz
        )
    value._wire = text
    return value


def _parse_date(text: str) -> datetime.date:
    if _DATE_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    value = _WireDate.fromisoformat(text)
    value._wire = text
    return value


def _parse_time(text: str) -> datetime.time:
    if _TIME_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    try:
        value = _WireTime.fromisoformat(_iso(text))
    except ValueError:
        value = _WireTime(*_clock(text))
    value._wire = text
    return value


def _parse_uuid(text: str) -> uuid.UUID:
    if _UUID_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    value = _WireUUID(text)
    object.__setattr__(value, "_wire", text)  # UUID.__setattr__ refuses every attribute
    return value


def _parse_bytes(text: str) -> bytes:
    value = _WireBytes(base64.b64decode(text, validate=True))  # binascii.Error is a ValueError
    value._wire = text
    return value


# --- per-thread decoding state ------------------------------------------------------------------------------


class _State(threading.local):
    """How deep the value being decoded sits, and how loosely the data has fitted its types so far."""

    depth = 0
    # Keys left to model_extra, enum values kept as plain values and numbers taken as the other numeric type (1.0
    # as an int, 1 for a 1.0 member): what best-fit union decoding minimises.
    loose = 0


_STATE: Final = _State()


# --- the base class -----------------------------------------------------------------------------------------

# Marks that from_dict leaves in an instance's __dict__, under keys no field can have: the fields the data held
# as null (sent back as null while still None), and the fields with a constant default that the data left out
# (left out while still at that default).
_NULLS: Final = "(nulls)"
_LEFT_OUT: Final = "(left out)"
_EXTRA: Final = "model_extra"
# Classes whose own body defines __init__, which @dataclass keeps: from_dict must call it (see _plain_init).
_OWN_INIT: weakref.WeakSet[type] = weakref.WeakSet()
# Classes whose schema allows no keys but its own (`additionalProperties: false`, `class X(Model, closed=True)`).
# A key such a model does not declare is kept all the same, but in a union it is a violation of that member, not
# a loose fit: any member that fits better wins, however loosely.
_CLOSED: weakref.WeakSet[type] = weakref.WeakSet()
# The optional fields whose schema does not allow null, by the class that declares them (`not_null=(...)`). A
# null there is kept all the same (and sent back), but in a union it is a violation of that member, as above.
_NOT_NULL: weakref.WeakKeyDictionary[type, frozenset[str]] = weakref.WeakKeyDictionary()
_VIOLATION: Final = 1 << 20


class Model:
    """Base of every generated model: `from_dict()` reads JSON data, `to_dict()` writes it back exactly.

    A field left at None is not sent, unless the data held an explicit null for it or the field is required and
    nullable; `NULL` always sends null. Keys the model does not declare are kept in `model_extra`.
    """

    def __init_subclass__(
        cls, closed: bool = False, not_null: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        # This runs before @dataclass sees the class, so an __init__ here is the class's own.
        if "__init__" in cls.__dict__:
            _OWN_INIT.add(cls)
        if (
            closed
        ):  # the class's own schema, not inherited: a subclass declares keys its base does not
            _CLOSED.add(cls)
        if not_null:
            # Named as written; Python reads identifiers NFKC-folded (`ﬁeld` is the field `field`).
            _NOT_NULL[cls] = frozenset(unicodedata.normalize("NFKC", name) for name in not_null)

    @functools.cached_property
    def model_extra(self) -> dict[str, Any]:
        """Keys the data held that the model does not declare, as raw JSON values; to_dict() writes them back."""
        return {}

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any]) -> _M:
        """Build the model from JSON data (an object with wire names); DecodeError if it does not fit."""
        try:
            return _decode_model(cls, data)
        except DecodeError as exc:
            exc.model = cls.__name__
            raise
        except RecursionError:
            raise DecodeError("nested too deeply to decode", (), cls.__name__) from None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data with wire names, extras included; None fields are left out unless they must be null."""
        try:
            return _encode_model(self)
        except RecursionError:
            raise ValueError(
                f"{type(self).__name__} is nested too deeply or contains itself"
            ) from None

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return _compared(self) == _compared(other)

    # Instances are mutable; defining __eq__ leaves __hash__ at None, so they are unhashable.


def decode(hint: Any, value: Any) -> Any:
    """JSON data as the Python type `hint` (a model, `list[Model]`, a union, an alias, ...); DecodeError if not."""
    try:
        return _decoder(hint)(value)
    except DecodeError as exc:
        if isinstance(hint, type) and issubclass(hint, Model):
            exc.model = hint.__name__
        raise
    except RecursionError:
        raise DecodeError("nested too deeply to decode") from None


def encode(value: Any) -> Any:
    """A model, enum, date, UUID, bytes, NULL or container of them as JSON-ready data; other values unchanged."""
    try:
        return _encode(value)
    except RecursionError:
        raise ValueError("the value is nested too deeply or contains itself") from None


# --- decoding models ----------------------------------------------------------------------------------------


class _Marker:
    """A sentinel."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


_MISSING: Final[Any] = _Marker("<missing>")  # a key absent from the data (None is a null)
_REQUIRED: Final[Any] = _Marker("<required>")  # a field the data must hold


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


class _Never:
    """The fast type of a hint without one: no value is of this type."""


# Per field: name, wire name, the type whose values are taken as they are, the decoder for everything else
# (it never sees None when the field is nullable), the default (_REQUIRED, a value or a _Factory), and what a
# null is: 0 an error, 1 plain None (to_dict sends null anyway), 2 None marked to be sent back as null.
_InField = tuple[str, str, type, _Decoder, Any, int]
# Then the wire names, whether instances can be built without __init__, and whether the class can contain itself
# (only such data can nest without bound, so only it pays for counting the depth).
_InPlan = tuple[tuple[_InField, ...], frozenset[str], bool, bool]
_IN: dict[type, _InPlan] = {}
_new: Final = object.__new__


def _decode_model(cls: type[_M], data: Any) -> _M:
    fields, wires, direct, recursive = _IN.get(cls) or _in_plan(cls)
    if type(data) is not dict:
        if not isinstance(data, Mapping):
            raise DecodeError(f"expected an object, got {_describe(data)}")
        data = dict(data)
    state = _STATE
    depth = 0
    if recursive:
        depth = state.depth
        if depth >= _MAX_DEPTH:
            raise DecodeError(f"nested more than {_MAX_DEPTH} objects deep")
        state.depth = depth + 1
    get = data.get
    missing = _MISSING
    values: dict[str, Any] = {}
    nulls: list[str] | None = None
    left_out: list[str] | None = None
    absent = 0
    wire = ""
    try:
        for name, wire, fast, convert, default, null in fields:
            raw = get(wire, missing)
            if type(raw) is fast:
                values[name] = raw
            elif raw is missing:
                if default is _REQUIRED:
                    raise DecodeError("required key is missing")
                absent += 1
                if default is not None:
                    # A constant left out (an optional const tag) stays out when the model is sent back.
                    if type(default) is _Factory:
                        default = default.make()
                    if left_out is None:
                        left_out = []
                    left_out.append(name)
                values[name] = default
            elif raw is None and null:
                values[name] = None
                if null >= 2:
                    if nulls is None:
                        nulls = []
                    nulls.append(name)
                    if null == 3:
                        state.loose += _VIOLATION
            else:
                values[name] = convert(raw)
    except DecodeError as exc:
        exc._within(wire)
        raise
    finally:
        if recursive:
            state.depth = depth
    extra = None
    if len(data) > len(fields) - absent:
        extra = {key: value for key, value in data.items() if key not in wires}
        state.loose += len(extra) * (_VIOLATION if cls in _CLOSED else 1)
    if direct:
        # What the dataclass __init__ would do with these arguments (see _plain_init), without the call.
        if extra:
            values[_EXTRA] = extra
        if nulls:
            values[_NULLS] = frozenset(nulls)
        if left_out:
            values[_LEFT_OUT] = frozenset(left_out)
        instance = _new(cls)
        instance.__dict__ = values
        return instance
    try:
        instance = cls(**values)
    except DecodeError:
        raise
    except ValueError as exc:  # the class's own __post_init__ or __init__ rejected the values
        raise DecodeError(str(exc)) from None
    if extra:
        instance.__dict__[_EXTRA] = extra
    if nulls:
        instance.__dict__[_NULLS] = frozenset(nulls)
    if left_out:
        instance.__dict__[_LEFT_OUT] = frozenset(left_out)
    return instance


def _in_plan(cls: type) -> _InPlan:
    # Built when the class is first decoded, not when it is defined, so that forward references and (mutually)
    # recursive models need no ordering: a model's decoder looks its own plan up when called.
    hints = _hints(cls)
    fields: list[_InField] = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        hint, module = hints[f.name], _declared_in(cls, f.name)
        if f.metadata.get("required") or not _has_default(f):
            default: Any = _REQUIRED
        elif f.default_factory is not dataclasses.MISSING:
            default = _Factory(f.default_factory)
        else:
            default = f.default
        nullable, inner = _split_none(hint, module)
        null = 0 if not nullable else 2 if _has_default(f) else 1
        if null == 2 and f.name in _NOT_NULL.get(_declaring(cls, f.name), ()):
            null = 3  # kept and sent back, but not what the schema allows
        fields.append((f.name, _wire(f), _fast(inner), _decoder(inner, module), default, null))
    wires = [field[1] for field in fields]
    if len(set(wires)) != len(wires):
        raise TypeError(f"{cls.__qualname__} has two fields with the same wire name")
    plan = (tuple(fields), frozenset(wires), _plain_init(cls), _contains_itself(cls))
    _IN[cls] = plan
    return plan


def _contains_itself(cls: type) -> bool:
    """Whether data for cls can hold cls again, at any depth, through the models its fields name."""
    seen: set[type] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        hints = _hints(current)
        for f in dataclasses.fields(current):
            for model in _models_in(hints[f.name], _declared_in(current, f.name), set()):
                if model is cls:
                    return True
                if model not in seen:
                    seen.add(model)
                    todo.append(model)
    return False


def _models_in(hint: Any, module: str | None, seen: set[Any]) -> list[type]:
    """The models a hint names, through unions, containers and aliases (`seen` stops alias cycles)."""
    try:
        if hint in seen:
            return []
        seen.add(hint)
    except TypeError:
        pass
    hint = _unwrap(hint, module)
    if isinstance(hint, type):
        return [hint] if issubclass(hint, Model) else []
    if typing.get_origin(hint) is typing.Literal:
        return []
    return [
        model
        for arg in typing.get_args(hint)
        if arg is not Ellipsis
        for model in _models_in(arg, module, seen)
    ]


def _wire(f: dataclasses.Field[Any]) -> str:
    return cast(str, f.metadata.get("wire", f.name))


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        # No globalns: each class in the MRO is resolved in its own module. An explicit empty localns: otherwise
        # class attributes (a field `date` whose default is None) shadow the names the annotations use.
        hints = _HINTS[cls] = typing.get_type_hints(cls, localns={})
    return hints


def _declared_in(cls: type, name: str) -> str:
    """The module whose names resolve the annotation of field `name` (forward references inside it)."""
    return _declaring(cls, name).__module__


def _declaring(cls: type, name: str) -> type:
    """The class of cls's MRO whose own annotations declare field `name` last."""
    for base in cls.__mro__:
        if name in inspect.get_annotations(base):
            return base
    return cls


def _plain_init(cls: type) -> bool:
    """Whether cls(**values) does nothing but set each field in order, so from_dict may fill __dict__ instead."""
    params = cls.__dict__.get("__dataclass_params__")
    fields = dataclasses.fields(cls)
    return (
        params is not None  # decorated itself, so its __init__ was made for its own fields...
        and params.init
        and cls not in _OWN_INIT  # ...unless the class body wrote one, which @dataclass keeps
        and not hasattr(cls, "__post_init__")
        and len(fields)
        == len(cls.__dict__["__dataclass_fields__"])  # no InitVar or ClassVar pseudo-fields
        and all(f.init for f in fields)
        and "__slots__" not in cls.__dict__
        and _from_object(cls, "__new__")
        and _from_object(cls, "__setattr__")
        and not any(_is_data_descriptor(inspect.getattr_static(cls, f.name, None)) for f in fields)
    )


def _from_object(cls: type, name: str) -> bool:
    """Whether cls gets the attribute `name` from object (or nowhere), not from a class of its own."""
    return all(name not in vars(base) for base in cls.__mro__ if base is not object)


def _is_data_descriptor(attr: Any) -> bool:
    kind = type(attr)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


# --- encoding -----------------------------------------------------------------------------------------------

# Per field: name, wire name, whether None is sent as null (a required nullable field), and the default.
_OutField = tuple[str, str, bool, Any]
# The fields; their wire names as a set and in order (the field-name tuple itself when no field is renamed); the
# field names if they can be read straight from __dict__ (else None); the wire names whose None is sent as null;
# and each field's wire name.
_OutPlan = tuple[
    tuple[_OutField, ...],
    frozenset[str],
    tuple[str, ...],
    tuple[str, ...] | None,
    frozenset[str],
    dict[str, str],
]
_OUT: dict[type, _OutPlan] = {}

# Types whose values are JSON data as they are.
_PLAIN: Final[frozenset[type]] = frozenset({str, int, float, bool, _NoneType})
_EMPTY: Final[frozenset[str]] = frozenset()


def _encode_model(obj: Model) -> dict[str, Any]:
    plan = _OUT.get(type(obj)) or _out_plan(type(obj))
    _, wires, wire_order, names, null_wires, wire_of = plan
    attrs = obj.__dict__
    if names is not None:
        count = len(names)
        extra = nulls = None
        if len(attrs) != count:
            extra, nulls = attrs.get(_EXTRA), attrs.get(_NULLS)
            count += (extra is not None) + (nulls is not None)
        # The fields first and in order, then at most the extras and null marks, as __init__ and from_dict leave
        # __dict__: its values line up with the field and wire names.
        if (
            len(attrs) == count
            and (tuple(attrs) if count == len(names) else tuple(attrs)[: len(names)]) == names
        ):
            keep = (
                null_wires if nulls is None else null_wires.union([wire_of[name] for name in nulls])
            )
            plain = _PLAIN
            result: dict[str, Any]
            if wire_order is names:
                # Every wire name is its field name: copy, then drop the Nones and convert what is not JSON.
                result = attrs.copy()
                if count != len(names):
                    result.pop(_EXTRA, None)
                    result.pop(_NULLS, None)
                # zip stops at the last field: the values go on past them (extras, null marks).
                pairs = (
                    attrs.items()
                    if count == len(names)
                    else zip(names, attrs.values(), strict=False)
                )
                for name, value in pairs:
                    if value is None:
                        if name not in keep:
                            del result[name]
                    elif type(value) not in plain:
                        result[name] = _encode(value)
            else:
                result = {}
                for wire, value in zip(
                    wire_order, attrs.values(), strict=False
                ):  # values go on past the fields
                    if value is None:
                        if wire in keep:
                            result[wire] = None
                    elif type(value) in plain:
                        result[wire] = value
                    else:
                        result[wire] = _encode(value)
            if extra:
                _add_extra(result, extra, wires)
            return result
    return _encode_model_slow(obj, plan)


def _add_extra(result: dict[str, Any], extra: dict[str, Any], wires: frozenset[str]) -> None:
    for key, value in extra.items():
        if key not in wires:  # a declared field owns its key, even when it is left out
            result[key] = value if type(value) in _PLAIN else _encode(value)


def _encode_model_slow(obj: Model, plan: _OutPlan) -> dict[str, Any]:
    """to_dict() for any instance: fields read with getattr(), a constant the data left out kept out."""
    fields, wires = plan[0], plan[1]
    attrs = obj.__dict__
    nulls: frozenset[str] = attrs.get(_NULLS, _EMPTY)
    left_out: frozenset[str] = attrs.get(_LEFT_OUT, _EMPTY)
    result: dict[str, Any] = {}
    for name, wire, null, default in fields:
        value = getattr(obj, name, _MISSING)
        if value is None:
            if null or name in nulls:
                result[wire] = None
        elif value is _MISSING or (name in left_out and value == default):
            continue
        else:
            result[wire] = value if type(value) in _PLAIN else _encode(value)
    extra = attrs.get(_EXTRA)
    if extra:
        _add_extra(result, extra, wires)
    return result


def _out_plan(cls: type) -> _OutPlan:
    hints = _hints(cls)
    fields: list[_OutField] = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = _MISSING
        null = not _has_default(f) and _split_none(hints[f.name], _declared_in(cls, f.name))[0]
        fields.append((f.name, _wire(f), null, default))
    # Reading __dict__ is what getattr() does unless the class intercepts it: __getattribute__, __getattr__ or a
    # data descriptor (a property) under a field's name.
    direct = (
        _from_object(cls, "__getattribute__")
        and _from_object(cls, "__getattr__")
        and not any(
            _is_data_descriptor(inspect.getattr_static(cls, name, None)) for name, *_ in fields
        )
    )
    names = tuple(name for name, *_ in fields)
    wire_order = tuple(wire for _, wire, _, _ in fields)
    plan = (
        tuple(fields),
        frozenset(wire_order),
        names if wire_order == names else wire_order,  # the same tuple when no field is renamed
        names if direct else None,
        frozenset(wire for _, wire, null, _ in fields if null),
        {name: wire for name, wire, _, _ in fields},
    )
    _OUT[cls] = plan
    return plan


_OMITTED: Final[Any] = _Marker("<omitted>")


def _compared(obj: Model) -> tuple[list[Any], dict[str, Any]]:
    """What equality compares: each field as it would be sent (left out, null, or its value), and the extras."""
    fields = (_OUT.get(type(obj)) or _out_plan(type(obj)))[0]
    attrs = obj.__dict__
    nulls: frozenset[str] = attrs.get(_NULLS, _EMPTY)
    left_out: frozenset[str] = attrs.get(_LEFT_OUT, _EMPTY)
    state: list[Any] = []
    for name, _, null, default in fields:
        value = getattr(obj, name, _OMITTED)
        if value is None:
            value = NULL if null or name in nulls else _OMITTED
        elif name in left_out and value == default:
            value = _OMITTED
        state.append(value)
    return state, attrs.get(_EXTRA) or {}


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    convert = _ENCODERS.get(kind)
    if convert is None:
        convert = _ENCODERS[kind] = _encoder_for(kind)
    return convert(value)


def _encode_list(value: Any) -> list[Any]:
    plain = _PLAIN
    return [item if type(item) in plain else _encode(item) for item in value]


def _encode_dict(value: Mapping[Any, Any]) -> dict[Any, Any]:
    plain = _PLAIN
    return {
        key if type(key) is str else _encode(key): item if type(item) in plain else _encode(item)
        for key, item in value.items()
    }


def _wire_text(value: Any) -> Any:
    wire = getattr(value, "_wire", None)
    if wire is not None:
        return wire
    return str(value) if isinstance(value, uuid.UUID) else value.isoformat()


def _encode_bytes(value: bytes | bytearray) -> str:
    wire = getattr(value, "_wire", None)
    return wire if wire is not None else base64.b64encode(value).decode("ascii")


def _identity(value: Any) -> Any:
    return value


def _null(value: Any) -> None:
    return None


def _encoder_for(kind: type) -> Callable[[Any], Any]:
    """How to encode values of this exact type; looked up by isinstance once, then cached."""
    if issubclass(kind, Model):
        return _encode_model
    if issubclass(kind, _Null):
        return _null
    if issubclass(kind, enum.Enum):
        return lambda member: _encode(member.value)
    if issubclass(kind, (_WireDateTime, _WireDate, _WireTime, _WireUUID)):
        return _wire_text
    if issubclass(kind, (datetime.date, datetime.time)):  # datetime is a date
        return kind.isoformat
    if issubclass(kind, uuid.UUID):
        return str
    if issubclass(kind, (bytes, bytearray)):
        return _encode_bytes
    if issubclass(kind, (list, tuple)):
        return _encode_list
    if issubclass(kind, dict):
        return _encode_dict
    return _identity  # str and number subclasses are JSON as they are; json.dumps rejects the rest


_ENCODERS: dict[type, Callable[[Any], Any]] = {}


# --- decoders per type hint ---------------------------------------------------------------------------------

_DECODERS: dict[Any, _Decoder] = {}
_JSON_NAMES: Final[dict[type, str]] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    _NoneType: "null",
    list: "array",
    dict: "object",
}


def _describe(value: Any) -> str:
    """A value for an error message: its JSON type, with a short excerpt of a scalar."""
    name = _JSON_NAMES.get(type(value))
    if name is None:
        return type(value).__name__
    if value is None or isinstance(value, (list, dict)):
        return name
    text = repr(value)
    return f"{name} {text if len(text) <= 40 else text[:37] + '...'}"


def _mismatch(expected: str, value: Any) -> DecodeError:
    return DecodeError(f"expected {expected}, got {_describe(value)}")


def _decoder(hint: Any, module: str | None = None) -> _Decoder:
    try:
        return _DECODERS[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint
        return _build(hint, module)
    decoder = _build(hint, module)
    if not _has_refs(hint):  # forward references mean different things in different modules
        _DECODERS[hint] = decoder
    return decoder


def _has_refs(hint: Any) -> bool:
    if isinstance(hint, (str, typing.ForwardRef)):
        return True
    if typing.get_origin(hint) is typing.Literal:
        return False
    return any(_has_refs(arg) for arg in typing.get_args(hint))


def _str(value: Any) -> Any:
    if isinstance(value, str):
        return value
    raise _mismatch("string", value)


def _int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        # JSON Schema counts 1.0 as an integer: it decodes to the int, a looser fit than a float's.
        _STATE.loose += 1
        return int(value)
    raise _mismatch("integer", value)


def _float(value: Any) -> Any:
    # An integer is a number too, and stays an int so that it is sent back as it came.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise _mismatch("number", value)


def _bool(value: Any) -> Any:
    if value is True or value is False:
        return value
    raise _mismatch("boolean", value)


def _none(value: Any) -> Any:
    if value is None:
        return None
    raise _mismatch("null", value)


def _parsed(parse: Callable[[str], Any], label: str) -> _Decoder:
    def decode_text(value: Any) -> Any:
        if not isinstance(value, str):
            raise _mismatch(f"{label} text", value)
        try:
            return parse(value)
        except ValueError:
            raise _mismatch(label, value) from None

    return decode_text


_SIMPLE: Final[dict[Any, _Decoder]] = {
    str: _str,
    int: _int,
    float: _float,
    bool: _bool,
    bytes: _parsed(_parse_bytes, "base64"),
    datetime.datetime: _parsed(_parse_datetime, "a date-time"),
    datetime.date: _parsed(_parse_date, "a date"),
    datetime.time: _parsed(_parse_time, "a time"),
    uuid.UUID: _parsed(_parse_uuid, "a UUID"),
}
# The type a hint's decoder returns unchanged: a value of exactly this type is taken without a call.
_FAST: Final[dict[Any, type]] = {str: str, int: int, float: float, bool: bool}


def _fast(hint: Any) -> type:
    try:
        return _FAST.get(hint, _Never)
    except TypeError:
        return _Never


def _build(hint: Any, module: str | None) -> _Decoder:
    if hint is Any or hint is object:
        return _identity
    if hint is None or hint is _NoneType:
        return _none
    try:
        simple = _SIMPLE.get(hint)
    except TypeError:
        simple = None
    if simple is not None:
        return simple
    if isinstance(hint, (str, typing.ForwardRef)):
        return _lazy(hint, module)
    alias = _alias_value(hint)
    if alias is not None:
        return _decoder(alias, module)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _decoder(args[0], module)
    if _is_union(hint):
        return _union(args, module)
    if origin is typing.Literal:
        return _literal(args)
    if origin in (list, collections.abc.Sequence) or hint is list:
        return _list(args[0] if args else Any, module)
    if origin is tuple or hint is tuple:
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            return _tuple_of(args[0] if args else Any, module)
        return _tuple(() if args == ((),) else args, module)
    if origin in (dict, collections.abc.Mapping) or hint is dict:
        return _map(args[0] if args else str, args[1] if args else Any, module)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint)
    if isinstance(hint, type) and issubclass(hint, Model):
        return functools.partial(_decode_model, hint)
    raise TypeError(f"cannot decode JSON as {hint!r}")


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) is Union or isinstance(hint, types.UnionType)


def _alias_value(hint: Any) -> Any:
    """The value of a `type X = ...` alias (Python 3.12+), or None."""
    alias_type = getattr(typing, "TypeAliasType", None)
    return hint.__value__ if alias_type is not None and isinstance(hint, alias_type) else None


def _resolve(ref: str | typing.ForwardRef, module: str | None) -> Any:
    """A forward reference evaluated in the module that wrote it, as typing.get_type_hints evaluates them."""
    text = ref if isinstance(ref, str) else ref.__forward_arg__
    name = module or getattr(ref, "__forward_module__", None)
    if name is None:
        raise TypeError(f"cannot resolve the forward reference {text!r} outside a model")
    # typing's own evaluation, through a stand-in that has only this one annotation.
    holder = types.SimpleNamespace(__annotations__={"hint": text})
    return typing.get_type_hints(holder, globalns=vars(sys.modules[name]), localns={})["hint"]


def _unwrap(hint: Any, module: str | None) -> Any:
    """The hint behind forward references, aliases and Annotated."""
    for _ in range(100):
        if isinstance(hint, (str, typing.ForwardRef)):
            hint = _resolve(hint, module)
        elif (alias := _alias_value(hint)) is not None:
            hint = alias
        elif typing.get_origin(hint) is typing.Annotated:
            hint = typing.get_args(hint)[0]
        else:
            return hint
    raise TypeError(f"the type alias {hint!r} refers only to itself")


def _split_none(hint: Any, module: str | None) -> tuple[bool, Any]:
    """Whether the hint takes null, and the hint for everything else."""
    hint = _unwrap(hint, module)
    if hint is Any or hint is object:
        return True, hint
    if hint is None or hint is _NoneType:
        return True, hint
    if _is_union(hint):
        members = [_unwrap(arg, module) for arg in typing.get_args(hint)]
        rest = [m for m in members if m is not _NoneType and m is not None]
        nullable = len(rest) < len(members) or any(_split_none(m, module)[0] for m in rest)
        return nullable, rest[0] if len(rest) == 1 else cast(Any, Union)[tuple(rest)]
    if typing.get_origin(hint) is typing.Literal:
        return None in typing.get_args(hint), hint
    return False, hint


def _lazy(ref: str | typing.ForwardRef, module: str | None) -> _Decoder:
    """A forward reference's decoder, built on first use (the name may not exist yet when this is made)."""
    target: _Decoder | None = None

    def decode_ref(value: Any) -> Any:
        nonlocal target
        if target is None:
            target = _decoder(_resolve(ref, module), module)
        # What typing leaves as a forward reference is mostly an alias that contains itself: count the depth.
        state = _STATE
        depth = state.depth
        if depth >= _MAX_DEPTH:
            raise DecodeError(f"nested more than {_MAX_DEPTH} values deep")
        state.depth = depth + 1
        try:
            return target(value)
        finally:
            state.depth = depth

    return decode_ref


def _list(item: Any, module: str | None) -> _Decoder:
    convert, fast = _decoder(item, module), _fast(item)
    only_fast = {fast}

    def decode_list(value: Any) -> Any:
        if type(value) is not list and not isinstance(value, (list, tuple)):
            raise _mismatch("an array", value)
        if convert is _identity or (fast is not _Never and set(map(type, value)) == only_fast):
            return list(value)
        result: list[Any] = []
        append = result.append
        for index, entry in enumerate(value):
            if type(entry) is fast:
                append(entry)
                continue
            try:
                append(convert(entry))
            except DecodeError as exc:
                exc._within(index)
                raise
        return result

    return decode_list


def _tuple_of(item: Any, module: str | None) -> _Decoder:
    items = _list(item, module)
    return lambda value: tuple(items(value))


def _tuple(members: tuple[Any, ...], module: str | None) -> _Decoder:
    converts = tuple(_decoder(member, module) for member in members)
    size = len(converts)

    def decode_tuple(value: Any) -> Any:
        if type(value) is not list and not isinstance(value, (list, tuple)):
            raise _mismatch(f"an array of {size}", value)
        if len(value) != size:
            raise DecodeError(f"expected an array of {size}, got {len(value)} items")
        result: list[Any] = []
        for index, (convert, entry) in enumerate(zip(converts, value, strict=True)):
            try:
                result.append(convert(entry))
            except DecodeError as exc:
                exc._within(index)
                raise
        return tuple(result)

    return decode_tuple


def _map(key: Any, item: Any, module: str | None) -> _Decoder:
    convert, fast = _decoder(item, module), _fast(item)
    only_fast = {fast}
    # JSON keys are always text; a map keyed by an enum or Literal checks them too.
    convert_key = None if key is str or key is Any else _decoder(key, module)

    def decode_map(value: Any) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise _mismatch("an object", value)
        if convert_key is None and (
            convert is _identity
            or (fast is not _Never and set(map(type, value.values())) == only_fast)
        ):
            return dict(value)
        result: dict[Any, Any] = {}
        name: Any = None
        try:
            for name, entry in value.items():
                result[name if convert_key is None else convert_key(name)] = (
                    entry if type(entry) is fast else convert(entry)
                )
        except DecodeError as exc:
            exc._within(_Key(name))
            raise
        return result

    return decode_map


def _literal_table(args: tuple[Any, ...]) -> dict[tuple[type, Any], Any]:
    """(JSON type, wire value) → the Literal's value, so that `1`, `True` and `1.0` stay apart."""
    table: dict[tuple[type, Any], Any] = {}
    for arg in args:
        wire = arg.value if isinstance(arg, enum.Enum) else arg
        table[(type(wire), wire)] = arg
    return table


def _lookup(table: Mapping[tuple[type, Any], Any], value: Any) -> Any:
    try:
        found = table.get((type(value), value), _MISSING)
    except TypeError:  # an array or object
        return _MISSING
    return _numeric(table, value) if found is _MISSING else found


def _numeric(table: Mapping[tuple[type, Any], Any], value: Any) -> Any:
    """The entry for a number of the other numeric JSON type that JSON Schema counts as equal (1 and 1.0).

    Looked up only once the value's own type has no entry, so that a declared `1.0` is still told from `1`.
    """
    kind = type(value)
    if kind is float and value.is_integer():
        return table.get((int, value), _MISSING)  # 1.0 hashes and compares as 1
    if kind is int:
        return table.get((float, value), _MISSING)
    return _MISSING


def _wire_values(table: Mapping[tuple[type, Any], Any]) -> str:
    return ", ".join(repr(wire) for _, wire in table)


def _literal(args: tuple[Any, ...]) -> _Decoder:
    table = _literal_table(args)
    expected = _wire_values(table)

    def decode_literal(value: Any) -> Any:
        found = _lookup(table, value)
        if found is _MISSING:
            raise _mismatch(f"one of {expected}" if len(table) > 1 else expected, value)
        if (type(value), value) not in table:
            # The other numeric type: 2.0 for a Literal[2] is the int 2; 1 for a Literal[1.0] stays the int it was
            # sent as.
            _STATE.loose += 1
            if type(value) is int:
                return value
        return found

    return decode_literal


def _unknown(value: Any) -> Any:
    # A value the API added after this client was generated: kept as it is (counts as a loose fit in a union).
    _STATE.loose += 1
    return value


def _enum(cls: type[enum.Enum]) -> _Decoder:
    by_kind: dict[type, dict[Any, enum.Enum]] = {}
    for member in cls:
        by_kind.setdefault(type(member.value), {})[member.value] = member
    label = (
        f"{cls.__name__} ({' or '.join(_JSON_NAMES.get(kind, kind.__name__) for kind in by_kind)})"
    )
    ints, floats = by_kind.get(int), by_kind.get(float)

    def decode_enum(value: Any) -> Any:
        kind = type(value)
        if kind not in _JSON_NAMES:
            kind = _json_kind(value)  # a subclass: a str enum member, an IntEnum member
        table = by_kind.get(kind)
        if table is not None:
            member = table.get(value, _MISSING)
            if member is not _MISSING:
                return member
        # JSON Schema counts 1 and 1.0 as the same number. An integral float finds an int member (or, unknown,
        # decodes to the int); an int for a number enum stays the int it was sent as, so it is sent back so.
        if kind is float and ints is not None and value.is_integer():
            member = ints.get(value, _MISSING)
            if member is not _MISSING:
                _STATE.loose += 1
                return member
            if table is None:
                return _unknown(int(value))
        if kind is int and floats is not None:
            return _unknown(value)
        if table is None:
            raise _mismatch(label, value)
        return _unknown(value)

    return decode_enum


def _optional(convert: _Decoder) -> _Decoder:
    return lambda value: None if value is None else convert(value)


# --- unions -------------------------------------------------------------------------------------------------

_ALL_KINDS: Final = frozenset(_JSON_NAMES)
_TEXT: Final = frozenset({str})
_KINDS: Final[dict[Any, frozenset[type]]] = {
    str: _TEXT,
    bytes: _TEXT,
    datetime.datetime: _TEXT,
    datetime.date: _TEXT,
    datetime.time: _TEXT,
    uuid.UUID: _TEXT,
    int: frozenset({int, float}),  # an integral float (1.0) is an integer too
    float: frozenset({int, float}),
    bool: frozenset({bool}),
    _NoneType: frozenset({_NoneType}),
}


def _kinds(hint: Any, module: str | None, integral: bool = True) -> frozenset[type]:
    """The JSON types (as Python types) that a hint's values can arrive as.

    A hint that takes integers takes the integral floats (1.0) too; with `integral` false, not: the types a value
    that is no integer (1.5) can arrive as.
    """
    hint = _unwrap(hint, module)
    if not integral and hint is int:
        return frozenset({int})
    if hint is Any or hint is object:
        return _ALL_KINDS
    if hint is None:
        return _KINDS[_NoneType]
    try:
        known = _KINDS.get(hint)
    except TypeError:
        known = None
    if known is not None:
        return known
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if _is_union(hint):
        return frozenset().union(*(_kinds(arg, module, integral) for arg in args))
    if origin is typing.Literal:
        return _numbers(frozenset(kind for kind, _ in _literal_table(args)), integral)
    if origin in (list, tuple, collections.abc.Sequence) or hint in (list, tuple):
        return frozenset({list})
    if origin in (dict, collections.abc.Mapping) or hint is dict:
        return frozenset({dict})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _numbers(frozenset(type(member.value) for member in hint), integral)
    if isinstance(hint, type) and issubclass(hint, Model):
        return frozenset({dict})
    raise TypeError(f"cannot decode JSON as {hint!r}")


def _numbers(found: frozenset[type], integral: bool) -> frozenset[type]:
    """The JSON types of a Literal's or enum's values, with the other numeric type that can equal them."""
    if float in found:
        found |= {int}
    if int in found and integral:
        found |= {float}
    return found


def _label(hint: Any) -> str:
    """A hint as a reader would write it: `Cat`, `list[Cat]`, `Literal['a', 1]`, `int | None`."""
    if hint is None or hint is _NoneType:
        return "None"
    if isinstance(hint, type):
        return hint.__name__
    if isinstance(hint, typing.ForwardRef):
        return hint.__forward_arg__
    if isinstance(hint, str):
        return hint
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(arg) for arg in args)}]"
    if _is_union(hint):
        return " | ".join(_label(arg) for arg in args)
    if origin is not None and args:
        return f"{_label(origin)}[{', '.join('...' if arg is Ellipsis else _label(arg) for arg in args)}]"
    return repr(hint)


# What a model member needs before it is worth decoding: its required wire names and its Literal fields.
_Shape = tuple[
    frozenset[str], dict[str, dict[tuple[type, Any], Any]], dict[str, dict[tuple[type, Any], Any]]
]
_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        hints = _hints(cls)
        required: set[str] = set()
        literals: dict[str, dict[tuple[type, Any], Any]] = {}
        enums: dict[str, dict[tuple[type, Any], Any]] = {}
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            wire, hint = _wire(f), _unwrap(hints[f.name], _declared_in(cls, f.name))
            if f.metadata.get("required") or not _has_default(f):
                required.add(wire)
            if typing.get_origin(hint) is typing.Literal:
                literals[wire] = _literal_table(typing.get_args(hint))
            elif isinstance(hint, type) and issubclass(hint, enum.Enum):
                enums[wire] = {(type(member.value), member.value): member for member in hint}
        shape = _SHAPES[cls] = (frozenset(required), literals, enums)
    return shape


def _fit_check(cls: type) -> Callable[[Any], DecodeError | None]:
    """Why a value cannot be this model, found without decoding it (missing keys, Literal mismatch), or None."""
    required, literals, _ = _shape(cls)

    def check(value: Any) -> DecodeError | None:
        if type(value) is not dict:
            return None  # the decoder says what is wrong
        if not value.keys() >= required:
            missing = sorted(required - value.keys())
            return DecodeError("required key is missing", (missing[0],))
        for wire, table in literals.items():
            tag = value.get(wire, _MISSING)
            if tag is not _MISSING and _lookup(table, tag) is _MISSING:
                return _mismatch(_wire_values(table), tag)._within(wire)
        return None

    return check


def _discriminator(models: list[type]) -> tuple[str, dict[tuple[type, Any], type]] | None:
    """A wire key holding a Literal (or enum) field in every model, with values no two models share."""
    shapes = [_shape(model) for model in models]
    first = shapes[0]
    for wire in [*first[1], *first[2]]:
        owners: dict[tuple[type, Any], type] = {}
        for model, (_, literals, enums) in zip(models, shapes, strict=True):
            table = literals.get(wire) or enums.get(wire)
            if table is None or any(key in owners for key in table):
                break
            owners.update(dict.fromkeys(table, model))
        else:
            return wire, owners
    return None


# A union member: its label for messages, its decoder, and a check run before decoding a model (or None).
_Candidate = tuple[str, _Decoder, Callable[[Any], DecodeError | None] | None]


def _union(members: tuple[Any, ...], module: str | None) -> _Decoder:
    nullable = any(m is None or m is _NoneType for m in members)
    rest = tuple(m for m in members if m is not None and m is not _NoneType)
    if len(rest) == 1:
        only = _decoder(rest[0], module)
        return _optional(only) if nullable else only
    expected = " | ".join(_label(m) for m in members)
    # Built on first use: members may be forward references, and the models' fields are read then.
    by_kind: dict[type, tuple[_Candidate, ...]] = {}
    fractions: tuple[_Candidate, ...] = ()  # the members a float that is no integer (1.5) can be
    # The discriminator's wire key, its decoders by tag, the tags for messages, the members other than models that
    # take an object, and whether some model may leave the tag out (then a value without it takes the best fit).
    tagged: (
        tuple[str, dict[tuple[type, Any], _Decoder], str, tuple[_Candidate, ...], bool] | None
    ) = None
    ready = False

    def prepare() -> None:
        nonlocal tagged, fractions, ready
        flat: list[Any] = []
        for member in rest:
            member = _unwrap(member, module)
            for one in typing.get_args(member) if _is_union(member) else (member,):
                if one not in flat:
                    flat.append(one)
        lists: dict[type, list[_Candidate]] = {}
        models: list[type] = []
        objects: list[_Candidate] = []  # members other than models that take an object: maps, Any
        fractional: list[_Candidate] = []
        for member in flat:
            is_model = isinstance(member, type) and issubclass(member, Model)
            candidate = (
                _label(member),
                _decoder(member, module),
                _fit_check(member) if is_model else None,
            )
            kinds = _kinds(member, module)
            if is_model:
                models.append(member)
            elif dict in kinds:
                objects.append(candidate)
            for kind in kinds:
                lists.setdefault(kind, []).append(candidate)
            if float in kinds and float in _kinds(member, module, integral=False):
                fractional.append(candidate)
        by_kind.update((kind, tuple(found)) for kind, found in lists.items())
        fractions = tuple(fractional)
        found_tag = _discriminator(models) if len(models) > 1 else None
        if found_tag is not None:
            wire, owners = found_tag
            decoders = {key: _decoder(model, module) for key, model in owners.items()}
            optional = any(wire not in _shape(model)[0] for model in models)
            tagged = (wire, decoders, _wire_values(owners), tuple(objects), optional)
        ready = True

    def decode_union(value: Any) -> Any:
        if value is None and nullable:
            return None
        if not ready:
            prepare()
        kind = type(value)
        if kind not in _JSON_NAMES:
            kind = _json_kind(value)
        if kind is dict and tagged is not None:
            wire, decoders, tags, others, optional = tagged
            tag = value.get(wire, _MISSING)
            chosen = _lookup(decoders, tag)
            if chosen is not _MISSING:
                return chosen(value)
            if tag is _MISSING and optional:
                # A const tag with a default (`kind: Literal["cat"] = "cat"`) may be left out: no tag, best fit.
                return _best(by_kind[dict], value, expected)
            if others:
                return _best(others, value, expected)
            if tag is _MISSING:
                raise DecodeError(f"the discriminator {wire!r} is missing (expected one of {tags})")
            raise DecodeError(f"expected one of {tags}, got {_describe(tag)}", (wire,))
        candidates = by_kind.get(kind)
        if kind is float and not value.is_integer():
            candidates = fractions
        if not candidates:
            raise _mismatch(expected, value)
        if len(candidates) == 1:
            return candidates[0][1](value)
        return _best(candidates, value, expected)

    return decode_union


def _json_kind(value: Any) -> type:
    """The JSON type of a value of a subclass (a str enum member, an OrderedDict), as its base type."""
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return kind
    return type(value)


def _best(candidates: tuple[_Candidate, ...], value: Any, expected: str) -> Any:
    """The value decoded by the member it fits best: fewest loose fits, then the first declared."""
    state = _STATE
    outer = state.loose
    problems: list[str] = []
    best: Any = _MISSING
    best_loose = 0
    try:
        for label, convert, check in candidates:
            problem = check(value) if check is not None else None
            if problem is None:
                state.loose = 0
                try:
                    result = convert(value)
                except DecodeError as exc:
                    problem = exc
                else:
                    loose = state.loose
                    if loose == 0:
                        return result
                    if best is _MISSING or loose < best_loose:
                        best, best_loose = result, loose
                    continue
            path = problem.path
            joiner = "" if not path or path.startswith("[") else "."
            problems.append(f"{label}{joiner}{path}: {problem.message}")
        if best is not _MISSING:
            outer += best_loose
            return best
        raise DecodeError(f"matches none of {expected}: " + "; ".join(problems))
    finally:
        state.loose = outer
