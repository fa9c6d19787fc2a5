"""The key sets readings share: each addition leaves the set it started from as it was, and copies little."""

from __future__ import annotations

from generator.recover.keys import EMPTY, Keys


def test_adding_keeps_every_earlier_version_and_finds_every_name() -> None:
    versions = [EMPTY]
    for n in range(2_000):
        versions.append(versions[-1].add(f"k{n}"))
    for size in (0, 1, 17, 500, 2_000):
        keys = versions[size]
        assert len(keys) == size
        assert set(keys) == {f"k{n}" for n in range(size)}
        assert all(f"k{n}" in keys for n in range(size)) and f"k{size}" not in keys


def test_two_readings_can_grow_one_set_apart() -> None:
    shared = EMPTY
    for n in range(300):
        shared = shared.add(f"k{n}")
    left, right = shared.add("left"), shared.add("right")
    assert "left" in left and "left" not in right and "right" not in shared
    assert len(left) == len(right) == len(shared) + 1


def test_a_set_of_n_names_is_built_with_far_fewer_than_n_squared_copies() -> None:
    keys: Keys = EMPTY
    copied = 0
    n = 10_000
    for k in range(n):
        keys = keys.add(f"k{k}")
        copied += keys.copied
    # Copying everything each time would be n²/2 = 50,000,000; growing by √n keeps it near n·√n.
    assert copied < 4 * n * int(n**0.5)


def test_within_and_meets_answer_for_small_sets() -> None:
    keys = EMPTY.add("type").add("format")
    assert keys.within(frozenset({"type", "format", "enum"})) and not keys.within(frozenset({"type"}))
    assert keys.meets(("enum", "format")) and not keys.meets(("enum",))
