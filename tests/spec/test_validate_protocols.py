"""Validation remembers each runtime-checkable Protocol's members on Python before 3.12
(`spec/validate.py: _protocol_members_remembered`): `isinstance` answers as it did, and works the members out
once per class instead of on every call."""

from __future__ import annotations

import sys
import typing
from typing import Any, Protocol, SupportsInt, runtime_checkable

import pytest
from pathable.protocols import Subscriptable

from generator.spec import load_spec
from generator.spec.validate import _protocol_members_remembered, validate
from tests.conftest import SPECS

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 remembers them itself")

_NAMES = ("_get_protocol_attrs", "_is_callable_members_only")


@runtime_checkable
class Named(Protocol):
    name: str  # a data member: an instance's own attribute counts


@runtime_checkable
class Closable(Protocol):
    def close(self) -> None: ...


class OnlyGetitem:
    def __getitem__(self, key: Any) -> Any:
        return key


class Sized:
    def __len__(self) -> int:
        return 0

    def __contains__(self, key: Any) -> bool:
        return False

    def __getitem__(self, key: Any) -> Any:
        return key


class HasName:
    def __init__(self) -> None:
        self.name = "x"


class CloseIsNone:
    close = None


def _answers() -> list[bool]:
    protocols = (Subscriptable, Named, Closable, SupportsInt)
    values = ({}, [], "text", b"", 1, 1.5, True, None, OnlyGetitem(), Sized(), HasName(), CloseIsNone(), object())
    return [isinstance(value, protocol) for protocol in protocols for value in values]


def _originals() -> dict[str, Any]:
    return {name: getattr(getattr(typing, name), "__wrapped__", getattr(typing, name)) for name in _NAMES}


def test_validation_remembers_the_members_and_isinstance_answers_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    originals = _originals()
    for name, function in originals.items():
        monkeypatch.setattr(typing, name, function)
    before = _answers()
    assert any(before) and not all(before)  # the cases part the values

    assert validate(load_spec([SPECS / "features-3.1.yaml"])) == []

    for name in _NAMES:
        assert getattr(getattr(typing, name), "openapi_pygen_remembered", False), name
    assert _answers() == before


def test_members_are_worked_out_once_per_class(monkeypatch: pytest.MonkeyPatch) -> None:
    originals = _originals()
    calls: list[Any] = []

    def counted(cls: Any) -> Any:
        calls.append(cls)
        return originals["_get_protocol_attrs"](cls)

    monkeypatch.setattr(typing, "_get_protocol_attrs", counted)
    monkeypatch.setattr(typing, "_is_callable_members_only", originals["_is_callable_members_only"])
    for _ in range(50):
        isinstance({}, Subscriptable)
    assert len(calls) >= 50  # unremembered: every call works them out again

    calls.clear()
    _protocol_members_remembered()
    for _ in range(50):
        _answers()
    assert 0 < len(calls) <= 4  # once per Protocol class at most
