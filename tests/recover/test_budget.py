"""Recovery's work budget, proved by counting: every page comes back, or stops at a located line, within units that
grow linearly with its size, and no unit stands for more than a bounded number of interpreter calls."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

import generator.recover
from generator.errors import GeneratorError
from generator.recover import budget as budget_module
from generator.recover import recover
from generator.recover.budget import BASE_UNITS, UNITS_PER_BYTE, Budget, limit_for
from tests.recover.adversarial import FAMILIES, page

# How many interpreter calls and returns (as sys.setprofile sees them) one unit may stand for. The search spends a
# unit per line it reads, per open collection it looks at and per reading it builds; measured on every family
# below, a unit stands for 11 to 25 events whatever the depth or size. A unit that hid a loop over the page (or
# over the open collections) would show here as a ratio that grows with the size.
EVENTS_PER_UNIT = 40

# Sizes: depth for the deep families (the issue's 20, 60 and 150), a count for the others.
_SIZES = {
    "deep properties": (20, 60, 150),
    "deep objects": (20, 60, 150),
    "deep allOf": (20, 60, 150),
    "deep oneOf/anyOf": (20, 60),
    "deep example data": (20, 60, 150),
    "deep lists": (20, 60, 150),
    "many ties": (20, 200),
    "long list": (100, 1500),
    "wide map": (100, 1500),
    "key-like text": (100, 1500),
}
_CASES = [pytest.param(family, size, id=f"{family}-{size}") for family, sizes in _SIZES.items() for size in sizes]


def _keep(monkeypatch: pytest.MonkeyPatch, *, at_most: int | None = None) -> list[Budget]:
    """The budget of each `recover` call from now on, kept to look at; `at_most` caps its limit."""
    made: list[Budget] = []

    class Kept(Budget):
        def __init__(self, size: int, *, limit: int | None = None) -> None:
            cap = limit_for(size) if at_most is None else min(at_most, limit_for(size))
            super().__init__(size, limit=cap if limit is None else limit)
            made.append(self)

    monkeypatch.setattr(generator.recover, "Budget", Kept)
    return made


def _recover_or_stop(block: list[str], first: int, *, best_guess: bool = False) -> None:
    """Recover, or check that the stop is located on a line of the block."""
    try:
        result = recover(block, file="page.md", first_line=first, best_guess=best_guess)
    except GeneratorError as error:
        (diagnostic,) = error.diagnostics
        assert diagnostic.file == "page.md" and diagnostic.message
        assert diagnostic.line is not None and first <= diagnostic.line < first + len(block)
    else:
        assert result.text


def _block_bytes(block: list[str]) -> int:
    return sum(len(line.encode()) + 1 for line in block)


@pytest.mark.parametrize("depth", [20, 60, 150])
def test_the_issues_deep_pages_come_back_or_stop_within_their_budget(
    depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1–7 KB pages nested 20, 60 and 150 deep took 10 s, 62 s and more than 400 s.
    budgets = _keep(monkeypatch)
    block, first, size = page("deep properties", depth)
    assert size < 8 * 1024
    _recover_or_stop(block, first)
    (budget,) = budgets
    assert budget.limit == limit_for(_block_bytes(block))
    assert budget.spent <= budget.limit


@pytest.mark.parametrize(("family", "size"), _CASES)
@pytest.mark.parametrize("best_guess", [False, True], ids=["strict", "best-guess"])
def test_every_page_comes_back_or_stops_at_a_located_line_within_its_budget(
    family: str, size: int, best_guess: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A smaller base keeps the suite quick: what is checked holds for any limit.
    monkeypatch.setattr(budget_module, "BASE_UNITS", 20_000)
    budgets = _keep(monkeypatch)
    block, first, _ = page(family, size)
    _recover_or_stop(block, first, best_guess=best_guess)
    (budget,) = budgets
    assert budget.limit == 20_000 + UNITS_PER_BYTE * _block_bytes(block)
    assert budget.spent <= budget.limit


def test_the_limit_grows_linearly_with_the_page() -> None:
    assert limit_for(0) == BASE_UNITS
    for size in (1_000, 100_000, 10_000_000):
        assert limit_for(2 * size) - limit_for(size) == UNITS_PER_BYTE * size


def test_a_stop_for_want_of_work_names_the_line_it_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a budget this small the deep page stops partway, at the line the reading had reached.
    monkeypatch.setattr(budget_module, "BASE_UNITS", 0)
    monkeypatch.setattr(budget_module, "UNITS_PER_BYTE", 20)
    block, first, _ = page("deep properties", 20)
    with pytest.raises(GeneratorError) as caught:
        recover(block, file="page.md", first_line=first)
    (diagnostic,) = caught.value.diagnostics
    assert "too many possible readings near this line" in diagnostic.message
    assert diagnostic.line is not None and first < diagnostic.line < first + len(block)


def _events(call: Callable[[], Any]) -> int:
    """Interpreter calls and returns (of Python and C functions) while `call` runs."""
    count = 0

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        count += 1

    sys.setprofile(hook)
    try:
        call()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("family", list(FAMILIES))
def test_no_unit_of_work_hides_unbounded_work(family: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted under a budget small enough to profile, at a small and a large size: the calls per unit stay under
    one bound, so the calls a recovery makes are at most EVENTS_PER_UNIT × limit_for(page size)."""
    budgets = _keep(monkeypatch, at_most=25_000)
    for size in (_SIZES[family][0], _SIZES[family][-1]):
        block, first, _ = page(family, size)
        budgets.clear()
        events = _events(functools.partial(_recover_or_stop, block, first, best_guess=True))
        (budget,) = budgets
        assert budget.spent > 0
        assert events <= EVENTS_PER_UNIT * budget.spent, f"{events / budget.spent:.1f} events per unit at size {size}"
