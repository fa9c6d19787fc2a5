"""A large spec's engine run in two independent halves (models/parts.py): the same classes, types and metadata as
one run over the whole document, or the whole document runs."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import generator.models.parts as parts
from generator.models import Models, engine, models_from_plan, plan_models
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


def _split(plan: Any, **cut: Any) -> list[dict[str, Any]]:
    """The engine documents the parts run: the planned one when the document is not cut."""
    found = parts.cut_up(plan, **cut)
    return [plan.document] if found is None else [found.engine_document(groups) for groups in found.parts]


def _whole_and_split(
    data: dict[str, Any], file: str, monkeypatch: pytest.MonkeyPatch, at: int, *, side_by_side: bool = False
) -> tuple[Models, Models]:
    real_cut, real_merge = parts.cut_up, parts.merge
    monkeypatch.setattr(parts, "cut_up", lambda plan: None)
    whole = models_from_plan(plan_models(data, file=file), file=file)
    merged: list[object] = []
    monkeypatch.setattr(parts, "cut_up", lambda plan, **_: real_cut(plan, at=at, size=1))
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
    documents = _split(plan, at=2, size=1)
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
    assert _split(plan) == [plan.document]
    assert _split(plan, at=2) == [plan.document]


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
    documents = _split(plan, at=2, size=1)
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
    assert _split(plan, at=2, size=1) == [plan.document]


def _module(*lines: str) -> str:
    return "\n".join(["from __future__ import annotations", *lines, ""])


def _merged(*modules: str) -> tuple[list[str], dict[str, Any]] | None:
    meta: dict[str, Any] = {"version": 1, "models": []}
    return parts.merge([parts.piece(module, "S") for module in modules], [meta for _ in modules])


def test_halves_that_cannot_be_put_together_exactly_are_refused() -> None:
    one = _module("from enum import Enum", "", "", "class A(Enum):", "    X = 1")
    assert _merged(one, _module("", "", "class B:", "    pass")) is not None
    # A class in both halves: the engine would have numbered one of them.
    assert _merged(one, _module("", "", "class A:", "    pass")) is None
    # A class named like what the other half imports.
    assert _merged(one, _module("", "", "class Enum:", "    pass")) is None
    # An import the engine renamed for its whole run.
    aliased = _module("from datetime import date as date_aliased", "", "", "class B:", "    d: date_aliased")
    assert _merged(one, aliased) is None
    # The halves' imports together, once each; the slot carrier (each half has one) defines nothing of the module's.
    carried = _module("from enum import Enum", "from typing import Any", "", "", "class S:", "    s0: Any")
    merged = _merged(one + "\n\nclass S:\n    s1: str\n", carried)
    assert merged is not None
    assert merged[0] == ["from __future__ import annotations", "from enum import Enum", "from typing import Any"]


@pytest.mark.parametrize("side_by_side", [False, True])
def test_thymia_split_everywhere_it_can_be_gives_what_one_run_gives(
    side_by_side: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = load_spec([ROOT / "spec" / "thymia.docs.md"])
    whole, halves = _whole_and_split(doc.data, doc.file, monkeypatch, at=2, side_by_side=side_by_side)
    _same(whole, halves)


def _union(prefix: str) -> dict[str, Any]:
    """A discriminated union of two members; the first does not require the tag (`hoist.Plan.optional_tags`)."""
    ref = f"#/components/schemas/{prefix}"
    return {
        f"{prefix}Cat": {"type": "object", "properties": {"meow": {"type": "string"}, "kind": {"type": "string"}}},
        f"{prefix}Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
        f"{prefix}Pet": {
            "oneOf": [{"$ref": f"{ref}Cat"}, {"$ref": f"{ref}Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": f"{ref}Cat", "dog": f"{ref}Dog"}},
        },
    }


@pytest.mark.parametrize("side_by_side", [False, True])
def test_parts_finished_apart_keep_the_tags_their_own_schemas_do_not_require(
    side_by_side: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part is finished with its own classes' optional tags, in the process that collects it: the same
    module as one run finished with all of them."""
    data = {
        "openapi": "3.0.3",
        "info": {"title": "Tags", "version": "1"},
        "paths": {},
        "components": {"schemas": {**_union("Home"), **_union("Wild")}},
    }
    whole, halves = _whole_and_split(data, "tags.yaml", monkeypatch, at=2, side_by_side=side_by_side)
    _same(whole, halves)
    lines = halves.source.splitlines()
    for prefix in ("Home", "Wild"):  # in both parts: the tag cut where it is optional, kept where it is required
        cat = next(n for n, line in enumerate(lines) if line.startswith(f"class {prefix}Cat(_Model"))
        dog = next(n for n, line in enumerate(lines) if line.startswith(f"class {prefix}Dog(_Model"))
        assert lines[cat + 2].endswith('= _field(default="cat")')
        assert lines[dog + 1].endswith('metadata={"required": True})')


def test_parts_run_in_two_processes_come_back_in_the_order_they_were_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever process ran a part, the module holds the parts in document order: the same bytes both ways."""
    doc = load_spec([ROOT / "spec" / "thymia.docs.md"])
    real_cut = parts.cut_up
    monkeypatch.setattr(parts, "cut_up", lambda plan, **_: real_cut(plan, at=2, size=1))
    plan = plan_models(doc.data, file=doc.file)
    assert 0 in parts.shares(_split(plan))[1]  # the first part runs in the other process, the last one here
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
    real_cut, real_merge = parts.cut_up, parts.merge
    monkeypatch.setattr(parts, "cut_up", lambda plan: None)
    whole = models_from_plan(plan_models(doc.data, file=doc.file), file=doc.file)
    merged: list[object] = []
    monkeypatch.setattr(parts, "cut_up", real_cut)
    monkeypatch.setattr(parts, "merge", lambda *a, **k: merged.append(real_merge(*a, **k)) or merged[-1])
    split = models_from_plan(plan_models(doc.data, file=doc.file), file=doc.file, side_by_side=True)
    assert merged and merged[0] is not None, "the parts were not put together"
    _same(whole, split)


def _many(edit: str = "") -> dict[str, Any]:
    """Twelve independent groups (a schema and the one it refers to), in parts of four schemas."""
    schemas: dict[str, Any] = {}
    for n in range(12):
        schemas[f"Item{n}"] = {
            "type": "object",
            "properties": {"detail": {"$ref": f"#/components/schemas/Detail{n}"}, "when": {"type": "string"}},
        }
        schemas[f"Detail{n}"] = {"type": "object", "properties": {"size": {"type": "integer"}}}
    if edit:
        schemas["Item5"]["properties"][edit] = {"type": "string", "format": "date"}
    return _spec(schemas, {"/items": _op("Item0")})


def test_an_edit_runs_the_engine_on_the_group_it_touched_and_gives_what_a_run_without_the_cache_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each group's answer is remembered apart: after an edit to one schema, the engine runs on its group alone
    (not on the part around it), and the module is the one a run without the cache gives."""
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    real_cut, real_run = parts.cut_up, engine.run
    monkeypatch.setattr(parts, "cut_up", lambda plan, **_: real_cut(plan, at=2, size=4))
    ran: list[set[str]] = []

    def spy(document: dict[str, Any], **kwargs: Any) -> Any:
        ran.append(set(document["components"]["schemas"]))
        return real_run(document, **kwargs)

    monkeypatch.setattr(engine, "run", spy)
    before = models_from_plan(plan_models(_many(), file="t.yaml"), file="t.yaml", cache=True)
    assert len(ran) == 6  # six parts of two groups each
    ran.clear()
    plan = plan_models(_many(edit="born"), file="t.yaml")
    edited = models_from_plan(plan, file="t.yaml", cache=True)
    assert [schemas - {plan.carrier} for schemas in ran] == [{"Item5", "Detail5"}]
    assert "born: date" in edited.source and "born" not in before.source
    ran.clear()
    assert models_from_plan(plan, file="t.yaml", cache=False) == edited
    assert len(ran) == 6


def _plain(data: dict[str, Any], count: str = "integer") -> dict[str, Any]:
    """`_many`'s spec with operations whose types name no schema: a list of strings, a number."""
    plain = {
        "/names": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}},
                    }
                }
            }
        },
        "/count": {
            "get": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": count}}}}
                }
            }
        },
    }
    return {**data, "paths": {**data["paths"], **plain}}


def test_slots_that_name_no_schema_are_a_group_of_their_own_which_an_edit_to_a_schema_leaves_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operation's plain type (`list[str]`) is typed with no schema's group: an edit to a schema runs the
    engine on that schema's group and the slots that name it, and an edit to a plain type on those slots alone.
    Either way the module is the one a run without the cache gives."""
    plan = plan_models(_plain(_many()), file="t.yaml")
    cut = parts.cut_up(plan, at=2, size=4)
    assert cut is not None
    carrier = plan.document["components"]["schemas"][plan.carrier]["properties"]
    named = [name for name in carrier if "$ref" in repr(carrier[name])]
    plain = [name for name in carrier if name not in named]
    assert len(named) == 1 and len(plain) == 2
    assert [slots for keys, slots in zip(cut.keys, cut.slots, strict=True) if not keys] == [plain]
    assert cut.slots[cut.keys.index(["Item0", "Detail0"])] == named

    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    real_cut, real_run = parts.cut_up, engine.run
    monkeypatch.setattr(parts, "cut_up", lambda plan, **_: real_cut(plan, at=2, size=4))
    ran: list[tuple[set[str], set[str]]] = []

    def spy(document: dict[str, Any], **kwargs: Any) -> Any:
        schemas = document["components"]["schemas"]
        slots = set(schemas.get(plan.carrier, {}).get("properties", {}))
        ran.append((set(schemas) - {plan.carrier}, slots))
        return real_run(document, **kwargs)

    monkeypatch.setattr(engine, "run", spy)
    models_from_plan(plan_models(_plain(_many()), file="t.yaml"), file="t.yaml", cache=True)
    for data, expected in [
        (_plain(_many(edit="born")), [({"Item5", "Detail5"}, set())]),
        (_plain(_many(edit="born"), count="number"), [(set(), set(plain))]),
    ]:
        ran.clear()
        edited = plan_models(data, file="t.yaml")
        answer = models_from_plan(edited, file="t.yaml", cache=True)
        assert ran == expected
        assert models_from_plan(edited, file="t.yaml", cache=False) == answer
    assert "float" in answer.hints[next(p for p in answer.hints if "~1count/" in p)]


def test_the_plain_slots_run_as_a_part_of_their_own_give_what_one_run_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every group larger than a part, the plain slots are a part alone: a module of the slot carrier only,
    which the finished module leaves out, while their types still reach the client's hints."""
    data = _plain(_many())
    plan = plan_models(data, file="t.yaml")
    cut = parts.cut_up(plan, at=2, size=1)
    assert cut is not None
    assert [[]] in [[cut.keys[group] for group in members] for members in cut.parts]
    whole, split = _whole_and_split(data, "t.yaml", monkeypatch, at=2)
    _same(whole, split)
    assert {hint for pointer, hint in split.hints.items() if "~1names/" in pointer} == {"list[str]"}


def test_a_class_the_engine_made_up_for_two_groups_at_once_sends_each_group_to_a_run_of_its_own() -> None:
    """A statement no model names is the group's whose statements use it; used by two groups' statements, the
    run is not divided, and each group runs alone."""
    plan = plan_models(_many(), file="t.yaml")
    cut = parts.cut_up(plan, at=2, size=4)
    assert cut is not None
    first, second = cut.parts[0][:2]
    models = [
        {"class_name": "Item0", "source_ref": "#/components/schemas/Item0", "fields": []},
        {"class_name": "Item1", "source_ref": "#/components/schemas/Item1", "fields": []},
    ]
    module = _module("", "", "class Shared:", "    x: int", "", "", "class Item0:", "    s: Shared", "", "")
    alone = parts._divided((module.replace("Shared", "Own"), {"models": models[:1]}), cut, [first])
    assert alone is not None and alone[0]["statements"][0].startswith("class Own:")
    both = module + "\n\nclass Item1:\n    s: Shared\n"
    assert parts._divided((both, {"models": models}), cut, [first, second]) is None
    ran: list[set[str]] = []

    def run(document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        ran.append(set(document["components"]["schemas"]) - {plan.carrier})
        if len(ran) == 1:
            return both, {"models": models}
        key = "Item0" if "Item0" in ran[-1] else "Item1"
        own = [m for m in models if m["class_name"] == key]
        return _module("", "", "class Shared:", "    x: int", "", "", f"class {key}:", "    s: Shared"), {"models": own}

    cut = parts.Cut(cut.document, cut.carrier, cut.keys, cut.slots, [[first, second]], cut.place)
    answer = parts.answered(cut, 0, run=run, remembered=run, cache=False)
    assert answer is not None
    assert len(ran) == 3 and ran[1] == {"Item0", "Detail0"}
    assert answer[0].count("class Shared:") == 2  # each group's own, as its own run gives it


@pytest.mark.slow
@pytest.mark.parametrize("name", ["prefect-fastapi.json", "github-rest-2020.json", "openai.yaml"])
def test_each_group_of_a_part_s_run_is_what_the_group_s_own_run_gives(name: str) -> None:
    """What a cold run remembers for each group (its part's run, divided) is what an edit's run of that group
    alone gives: the imports it uses, its statements and its models' metadata."""
    if not (CORPUS / name).is_file():
        pytest.skip("the corpus is not beside this checkout")
    doc = load_spec([CORPUS / name])
    plan = plan_models(doc.data, file=doc.file)
    cut = parts.cut_up(plan)
    assert cut is not None
    compared = 0
    for members in cut.parts:
        divided = parts._divided(engine.run(cut.engine_document(members), file=doc.file), cut, members)
        assert divided is not None
        if len(members) == 1:
            continue
        for group, piece in zip(members, divided, strict=True):
            alone = parts._divided(engine.run(cut.engine_document([group]), file=doc.file), cut, [group])
            assert alone == [piece], cut.keys[group]
            compared += 1
    assert compared > 50
