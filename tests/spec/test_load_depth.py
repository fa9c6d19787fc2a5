"""The load limit on nesting: the value reported too deep is the one the walk that spells every value's pointer
(`_first_deeper_than`) finds, while the check itself walks only containers."""

from __future__ import annotations

import random
from typing import Any

import pytest

from generator.spec.load import _deeper_than, _first_deeper_than


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
        assert _deeper_than(data, limit) == _first_deeper_than(data, limit), (data, limit)
        verdicts.add(_first_deeper_than(data, limit) is None)
    assert verdicts == {True, False}  # both kinds of answer were put to the test


def test_an_empty_container_at_the_limit_is_not_too_deep_and_the_walk_goes_on() -> None:
    data = {"a": [[[]]], "b": [[["deep"]]]}
    assert _deeper_than(data, 3) == "#/b/0/0/0"
    assert _deeper_than({"a": [[[]]]}, 3) is None


def test_the_pointer_is_spelled_with_escapes() -> None:
    assert _deeper_than({"a/b": {"~c": [1]}}, 2) == "#/a~1b/~0c/0"
    assert _deeper_than({"a/b": {"~c": [1]}}, 3) is None
    assert _deeper_than([], 0) is None and _deeper_than(5, 0) is None
