"""Schemas that leave part of a value open: what they leave open decodes as it came, and what they close is
still checked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.models.support import module, spec

NUMBERS = {"type": "integer"}
WORDS = {"type": "string"}
X_NUMBERS = {"^x-": NUMBERS}


def _box(schema: dict[str, Any]) -> Any:
    _, mod = module(spec({"Box": {"type": "object", "properties": {"v": schema}}}))
    return mod.Box


@pytest.mark.parametrize(
    ("schema", "payload"),
    [
        # A key that matches no pattern takes any value while `additionalProperties` is absent.
        ({"type": "object", "patternProperties": X_NUMBERS}, {"x-a": 1, "other": "text", "n": [1]}),
        # ... or one of its type.
        (
            {"type": "object", "patternProperties": X_NUMBERS, "additionalProperties": WORDS},
            {"x-a": 1, "b": "c"},
        ),
        # Items past the prefix are anything when `items` says nothing.
        ({"type": "array", "prefixItems": [NUMBERS, WORDS]}, [1, "a", 3.5, None, {"k": []}]),
        ({"type": "array", "prefixItems": [NUMBERS, WORDS]}, [1]),
        # ... or what `items` says.
        ({"type": "array", "prefixItems": [NUMBERS], "items": WORDS}, [1, "a", "b"]),
    ],
)
def test_what_a_schema_leaves_open_round_trips(schema: dict[str, Any], payload: Any) -> None:
    box = _box(schema)
    assert box.from_dict({"v": payload}).to_dict() == {"v": payload}


@pytest.mark.parametrize(
    ("schema", "payload"),
    [
        ({"type": "object", "patternProperties": X_NUMBERS, "additionalProperties": WORDS}, {"b": 1.5}),
        ({"type": "object", "patternProperties": X_NUMBERS, "additionalProperties": False}, {"x-a": "one"}),
        ({"type": "array", "prefixItems": [NUMBERS], "items": WORDS}, [1, 2.5]),
        ({"type": "array", "prefixItems": [NUMBERS, WORDS], "items": False, "minItems": 2}, ["a", 1]),
    ],
)
def test_what_a_schema_closes_is_still_checked(schema: dict[str, Any], payload: Any) -> None:
    box = _box(schema)
    with pytest.raises(ValueError, match=r"v"):
        box.from_dict({"v": payload})
