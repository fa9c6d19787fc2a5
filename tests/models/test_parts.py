"""A large spec's engine run in two independent halves (models/parts.py): the same classes, types and metadata as
one run over the whole document, or the whole document runs."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import generator.models.parts as parts
from generator.models import Models, models_from_plan, plan_models
from generator.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


def _spec(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


def _op(ref: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ref}"}
    return {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}}}


INDEPENDENT = _spec(
    {
        "Pet": {
            "type": "object",
            "properties": {
                "owner": {"$ref": "#/components/schemas/Owner"},
                "born": {"type": "string", "format": "date"},
            },
        },
        "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Order": {
            "type": "object",
            "properties": {"status": {"type": "string", "enum": ["placed", "shipped"]}, "count": {"type": "integer"}},
        },
        "Tag": {"type": "string", "enum": ["a", "b"]},
        "Status": {"type": "object", "properties": {"code": {"type": "integer"}}},
        "status": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
    {"/pets": _op("Pet"), "/orders": _op("Order"), "/tags": _op("Tag")},
)


def _blocks(source: str) -> list[str]:
    """Each top-level statement's text (decorators included), in any order."""
    tree = ast.parse(source)
    lines = source.split("\n")
    starts = [min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) - 1 for n in tree.body]
    return sorted("\n".join(lines[a:b]).strip() for a, b in zip(starts, [*starts[1:], len(lines)], strict=True))


def _whole_and_split(
    data: dict[str, Any], file: str, monkeypatch: pytest.MonkeyPatch, at: int, *, side_by_side: bool = False
) -> tuple[Models, Models]:
    real_split, real_merge = parts.split, parts.merge
    monkeypatch.setattr(parts, "split", lambda plan: [plan.document])
    whole = models_from_plan(plan_models(data, file=file), file=file)
    merged: list[object] = []
    monkeypatch.setattr(parts, "split", lambda plan: real_split(plan, at=at, size=1))
    monkeypatch.setattr(parts, "merge", lambda *a, **k: merged.append(real_merge(*a, **k)) or merged[-1])
    halves = models_from_plan(plan_models(data, file=file), file=file, side_by_side=side_by_side)
    assert merged and merged[0] is not None, "the halves were not put together"
    return whole, halves


def _same(whole: Models, halves: Models) -> None:
    for name in ("classes", "hints", "fields", "bases", "enums", "aliases", "imports"):
        assert getattr(halves, name) == getattr(whole, name), name
    assert _blocks(halves.source) == _blocks(whole.source)


def test_independent_schemas_split_and_keys_that_could_share_a_class_name_stay_together() -> None:
    plan = plan_models(INDEPENDENT, file="t.yaml")
    documents = parts.split(plan, at=2, size=1)
    held = [set(d["components"]["schemas"]) - {plan.carrier} for d in documents]
    assert len(held) == 4  # {Pet, Owner}, {Order, OrderStatus} (its hoisted enum), {Tag}, {Status, status}
    every = set(plan.document["components"]["schemas"]) - {plan.carrier}
    assert sorted(k for h in held for k in h) == sorted(every)  # each schema in exactly one part
    assert any({"Pet", "Owner"} <= h for h in held)
    assert any({"Status", "status"} <= h for h in held)
    order = [key for key in plan.document["components"]["schemas"] if key != plan.carrier]
    firsts = [min(order.index(key) for key in h) for h in held]
    assert firsts == sorted(firsts)  # parts in the order of their first schemas
    # Every slot of the carrier goes to exactly one part, with the schemas it names.
    slots = [list(d["components"]["schemas"].get(plan.carrier, {}).get("properties", {})) for d in documents]
    assert sorted(s for part in slots for s in part) == sorted(
        plan.document["components"]["schemas"][plan.carrier]["properties"]
    )
    # Below the threshold, or with parts as large as the document, one run.
    assert parts.split(plan) == [plan.document]
    assert parts.split(plan, at=2) == [plan.document]


@pytest.mark.parametrize("side_by_side", [False, True])
def test_the_halves_give_what_one_run_gives(side_by_side: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """One after the other, or the second in a forked process."""
    whole, halves = _whole_and_split(INDEPENDENT, "t.yaml", monkeypatch, at=2, side_by_side=side_by_side)
    _same(whole, halves)


def _nullable_const(value: str) -> dict[str, Any]:
    return {"anyOf": [{"type": "string", "const": value}, {"type": "null"}]}


MADE_UP = _spec(
    {
        "ItemReference": {"type": "object", "properties": {"type": _nullable_const("item_reference")}},
        "BetaItemReference": {"type": "object", "properties": {"type": _nullable_const("item_reference")}},
        "Embedding": {
            "type": "object",
            "properties": {"input": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]}},
        },
        "InputItem": {"type": "object", "properties": {"text": {"type": "string"}}},
        "Alone": {"type": "object", "properties": {"n": {"type": "integer"}}},
        "Other": {"type": "object", "properties": {"kind": {"type": "string"}}},
    },
    {"/a": _op("ItemReference"), "/b": _op("BetaItemReference"), "/e": _op("Embedding"), "/i": _op("InputItem")},
)


def test_components_whose_made_up_names_could_meet_stay_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine names a union member after its property (`Type`, `TypeEnum`; `InputItem` for `input`'s array)
    and numbers those names across its run: such components are never cut apart, nor from one so named."""
    plan = plan_models(MADE_UP, file="t.yaml")
    documents = parts.split(plan, at=2, size=1)
    where = {key: i for i, d in enumerate(documents) for key in d["components"]["schemas"] if key != plan.carrier}
    assert where["ItemReference"] == where["BetaItemReference"]
    assert where["Embedding"] == where["InputItem"]
    assert len(documents) > 2  # the others still run apart
    whole, split = _whole_and_split(MADE_UP, "t.yaml", monkeypatch, at=2)
    _same(whole, split)


def test_a_discriminator_mapping_to_no_component_keeps_the_document_whole() -> None:
    data = _spec(
        {
            "A": {
                "type": "object",
                "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {"b": "Elsewhere"}},
            },
            "C": {"type": "object", "properties": {"x": {"type": "string"}}},
        }
    )
    plan = plan_models(data, file="t.yaml")
    assert parts.split(plan, at=2, size=1) == [plan.document]


def _module(*lines: str) -> str:
    return "\n".join(["from __future__ import annotations", *lines, ""])


def test_halves_that_cannot_be_put_together_exactly_are_refused() -> None:
    meta: dict[str, Any] = {"version": 1, "models": []}
    one = _module("from enum import Enum", "", "", "class A(Enum):", "    X = 1")
    assert parts.merge([(one, meta), (_module("", "", "class B:", "    pass"), meta)], carrier="S") is not None
    # A class in both halves: the engine would have numbered one of them.
    assert parts.merge([(one, meta), (_module("", "", "class A:", "    pass"), meta)], carrier="S") is None
    # A class named like what the other half imports.
    assert parts.merge([(one, meta), (_module("", "", "class Enum:", "    pass"), meta)], carrier="S") is None
    # An import the engine renamed for its whole run.
    aliased = _module("from datetime import date as date_aliased", "", "", "class B:", "    d: date_aliased")
    assert parts.merge([(one, meta), (aliased, meta)], carrier="S") is None
    # The halves' imports together, once each; the slot carrier (each half has one) defines nothing of the module's.
    carried = _module("from enum import Enum", "from typing import Any", "", "", "class S:", "    s0: Any")
    merged = parts.merge([(one + "\n\nclass S:\n    s1: str\n", meta), (carried, meta)], carrier="S")
    assert merged is not None
    assert merged[0] == ["from __future__ import annotations", "from enum import Enum", "from typing import Any"]


@pytest.mark.parametrize("side_by_side", [False, True])
def test_thymia_split_everywhere_it_can_be_gives_what_one_run_gives(
    side_by_side: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = load_spec([ROOT / "spec" / "thymia.docs.md"])
    whole, halves = _whole_and_split(doc.data, doc.file, monkeypatch, at=2, side_by_side=side_by_side)
    _same(whole, halves)


def test_parts_run_in_two_processes_come_back_in_the_order_they_were_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever process ran a part, the module holds the parts in document order: the same bytes both ways."""
    doc = load_spec([ROOT / "spec" / "thymia.docs.md"])
    real_split = parts.split
    monkeypatch.setattr(parts, "split", lambda plan: real_split(plan, at=2, size=1))
    plan = plan_models(doc.data, file=doc.file)
    assert 0 in parts.shares(parts.split(plan))[1]  # the first part runs in the other process, the last one here
    apart = models_from_plan(plan, file=doc.file, side_by_side=True)
    here = models_from_plan(plan, file=doc.file, side_by_side=False)
    assert apart.source == here.source


def _sized(*sizes: int) -> list[dict[str, Any]]:
    return [{"components": {"schemas": {"S": {"description": "x" * size}}}} for size in sizes]


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ((1000, 600, 500, 50), ([0, 3], [1, 2])),  # the largest part alone is near half of all the work
        ((100, 100, 100, 100), ([0, 2], [1, 3])),
        ((10, 5000, 20, 30), ([0, 2, 3], [1])),  # the lighter share first: its process also joins the parts
        ((7, 7), ([0], [1])),
    ],
)
def test_the_two_shares_hold_about_equal_work(sizes: tuple[int, ...], expected: tuple[list[int], list[int]]) -> None:
    first, second = parts.shares(_sized(*sizes))
    assert (first, second) == expected
    assert sorted(first + second) == list(range(len(sizes)))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["spotify.yaml", "twilio-api-v2010.json", "prefect-fastapi.json", "letta-fastapi-fern.json"]
)
def test_corpus_specs_split_give_what_one_run_gives(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (CORPUS / name).is_file():
        pytest.skip("the corpus is not beside this checkout")
    doc = load_spec([CORPUS / name])
    whole, halves = _whole_and_split(doc.data, doc.file, monkeypatch, at=2)
    _same(whole, halves)


@pytest.mark.slow
def test_openai_runs_in_parts_that_give_what_one_run_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its unions name their members after their properties in hundreds of schemas: it is cut where no made-up
    name can meet another, and put back together."""
    if not (CORPUS / "openai.yaml").is_file():
        pytest.skip("the corpus is not beside this checkout")
    doc = load_spec([CORPUS / "openai.yaml"])
    real_split, real_merge = parts.split, parts.merge
    monkeypatch.setattr(parts, "split", lambda plan: [plan.document])
    whole = models_from_plan(plan_models(doc.data, file=doc.file), file=doc.file)
    merged: list[object] = []
    monkeypatch.setattr(parts, "split", real_split)
    monkeypatch.setattr(parts, "merge", lambda *a, **k: merged.append(real_merge(*a, **k)) or merged[-1])
    split = models_from_plan(plan_models(doc.data, file=doc.file), file=doc.file, side_by_side=True)
    assert merged and merged[0] is not None, "the parts were not put together"
    _same(whole, split)
