"""The load limit on nesting: the first value found deeper than the limit, by the same walk as a plain one that
spells every value's pointer, while walking only containers."""

from __future__ import annotations

import random
from typing import Any

import pytest

from generator.spec.load import _deeper_than
from generator.spec.pointer import join


def _spelled(data: Any, limit: int) -> str | None:
    """Every value with its pointer, depth first, last child first: the walk the load limit reports by."""
    stack: list[tuple[Any, str, int]] = [(data, "#", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > limit:
            return where
        if isinstance(value, dict):
            stack.extend((v, join(where, k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, join(where, i), depth + 1) for i, v in enumerate(value))
    return None


def _nested(rng: random.Random, depth: int) -> Any:
    kind = rng.choice(["dict", "list", "scalar", "empty"] if depth < 9 else ["scalar", "empty"])
    if kind == "scalar":
        return rng.choice([1, "a/b", None, "~", 2.5])
    if kind == "empty":
        return rng.choice([{}, []])
    children = [_nested(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    if kind == "list":
        return children
    return {rng.choice(["a", "b/c", "~d", "e"]) + str(i): c for i, c in enumerate(children)}


@pytest.mark.parametrize("seed", range(5))
def test_the_value_reported_too_deep_is_the_plain_walks(seed: int) -> None:
    rng = random.Random(seed)
    verdicts = set()
    for _ in range(400):
        data = _nested(rng, 0)
        limit = rng.randint(0, 10)
        assert _deeper_than(data, limit) == _spelled(data, limit), (data, limit)
        verdicts.add(_spelled(data, limit) is None)
    assert verdicts == {True, False}  # both kinds of answer were put to the test


def test_an_empty_container_at_the_limit_is_not_too_deep_and_the_walk_goes_on() -> None:
    data = {"a": [[[]]], "b": [[["deep"]]]}
    assert _deeper_than(data, 3) == "#/b/0/0/0"
    assert _deeper_than({"a": [[[]]]}, 3) is None
