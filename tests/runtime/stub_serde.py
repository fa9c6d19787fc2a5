"""A minimal stand-in for `generator/runtime/_serde.py`, used by the harness only while that module is absent.

It offers the same names with the same contract, for the shapes the example package uses: dataclass models with
`wire` metadata, lists, string-keyed dicts, optionals and unions, enums, primitives and Any.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

__all__ = ["NULL", "DecodeError", "Model", "decode", "encode"]

M = TypeVar("M", bound="Model")


class _Null:
    def __repr__(self) -> str:
        return "NULL"

    def __bool__(self) -> bool:
        return False


NULL: None = cast(None, _Null())


class DecodeError(ValueError):
    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


class Model:
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is not None:
                out[f.metadata.get("wire", f.name)] = encode(value)
        return out

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        if not isinstance(data, Mapping):
            raise DecodeError(f"expected an object, got {type(data).__name__}", cls.__name__)
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            wire = f.metadata.get("wire", f.name)
            if wire in data:
                try:
                    values[f.name] = decode(hints[f.name], data[wire])
                except DecodeError as exc:
                    raise DecodeError(exc.message, f"{cls.__name__}.{wire}{exc.path and '.' + exc.path}") from None
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise DecodeError(f"missing required key {wire!r}", cls.__name__)
        return cls(**values)


def encode(value: Any) -> Any:
    if isinstance(value, _Null):
        return None
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(hint: Any, value: Any) -> Any:
    try:
        return _decode(hint, value)
    except RecursionError:
        raise DecodeError("nested too deeply to decode") from None


def _decode(hint: Any, value: Any) -> Any:
    if hint is Any:
        return value
    origin = typing.get_origin(hint)
    if origin is Union or isinstance(hint, types.UnionType):
        for member in typing.get_args(hint):
            try:
                return _decode(member, value)
            except DecodeError:
                continue
        raise DecodeError(f"no member of {hint} fits {type(value).__name__}")
    if hint is None or hint is type(None):
        if value is None:
            return None
        raise DecodeError("expected null")
    if origin is list:
        if not isinstance(value, list):
            raise DecodeError(f"expected an array, got {type(value).__name__}")
        (item,) = typing.get_args(hint)
        return [_step(item, v, f"[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise DecodeError(f"expected an object, got {type(value).__name__}")
        _, item = typing.get_args(hint)
        return {k: _step(item, v, k) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, Model):
        return hint.from_dict(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            raise DecodeError(f"{value!r} is not a {hint.__name__}") from None
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(hint, type) and isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
        return value
    raise DecodeError(f"expected {getattr(hint, '__name__', hint)}, got {type(value).__name__}")


def _step(hint: Any, value: Any, step: str) -> Any:
    try:
        return _decode(hint, value)
    except DecodeError as exc:
        raise DecodeError(exc.message, step + (exc.path and "." + exc.path)) from None
