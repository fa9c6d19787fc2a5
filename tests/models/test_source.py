"""The engine's module made ours in one pass (`source.finish`: one tokenize, one parse): what it reports the
module defines is what a fresh read of the finished module finds, carrier gone and tag fields re-spelled."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path
from typing import Any

import pytest

from generator.models import engine, hoist, source
from generator.spec import load_spec
from tests.conftest import CORPUS, SPECS
from tests.models.support import spec

from .test_enum_tags import _events


def _finished(document: dict[str, Any]) -> tuple[str, source.Scanned, str]:
    plan = hoist.plan(document, file="spec.yaml", overrides={})
    if not plan.document["components"]["schemas"]:
        pytest.skip("no schemas: the engine is not run")
    raw, _ = engine.run(plan.document, file="spec.yaml")
    text, scanned = source.finish(raw, carrier=plan.carrier, file="spec.yaml")
    return text, scanned, plan.carrier


def _documents() -> list[Any]:
    found: list[Any] = [
        pytest.param(_events(), id="enum-tags"),
        pytest.param(_events(enum_first=False), id="inline-enum"),
        pytest.param(spec({"A": {"type": "object", "properties": {"x": {"type": "string"}}}}), id="no-carrier"),
    ]
    for path in sorted(SPECS.glob("*.yaml")):
        found.append(pytest.param(path, id=path.name))
    if CORPUS.is_dir():
        small = [p for p in sorted(CORPUS.iterdir()) if p.suffix in (".yaml", ".json") and p.stat().st_size < 300_000]
        found += [pytest.param(p, id=f"corpus-{p.name}") for p in small]
    return found


@pytest.mark.parametrize("given", _documents())
def test_what_finish_reports_is_what_the_module_defines(given: Any) -> None:
    document = given if isinstance(given, dict) else load_spec((Path(given),)).data
    if "openapi" not in document or not str(document["openapi"]).startswith("3."):
        pytest.skip("not an OpenAPI 3 document")
    text, scanned, carrier = _finished(document)
    assert scanned == source.scan(text, file="spec.yaml")
    defined = {n.name for n in ast.parse(text).body if isinstance(n, ast.ClassDef)}
    assert carrier not in defined  # the carrier is gone, and nothing it held is reported
    assert set(scanned.fields) | set(scanned.enums) == defined


def test_the_tag_fields_are_respelled_in_the_module_and_in_what_is_reported() -> None:
    text, scanned, _ = _finished(_events())
    hints = {f.python_name: f.type_hint for f in scanned.fields["Approved"]}
    assert hints["kind"] == "Literal[Kind.APPROVED]"
    assert "kind: Literal[Kind.APPROVED]" in text and 'Literal["approved"]' not in text


@pytest.mark.parametrize("given", _documents())
def test_no_more_than_two_blank_lines_stand_between_top_level_statements(given: Any) -> None:
    """As black leaves them, so a block needs no black for its blank lines: the engine writes three before a type
    alias, and the carrier's place leaves more."""
    document = given if isinstance(given, dict) else load_spec((Path(given),)).data
    if "openapi" not in document or not str(document["openapi"]).startswith("3."):
        pytest.skip("not an OpenAPI 3 document")
    text, _, _ = _finished(document)
    lines = text.split("\n")
    body = ast.parse(text).body
    for before, after in itertools.pairwise(body):
        first = min([after.lineno, *(d.lineno for d in getattr(after, "decorator_list", ()))])
        gap = lines[(before.end_lineno or before.lineno) : first - 1]
        assert len(gap) <= 2, (len(gap), lines[first - 1])
