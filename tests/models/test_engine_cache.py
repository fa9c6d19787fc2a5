"""The model engine's output is remembered in the user cache by what the engine reads (`engine.remembered`): an
edit that leaves every schema as it was does not run the engine, and the package is the one a run without the
cache makes; an edit to a schema, or model templates of the user's own, always run it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import config, pipeline
from generator.models import engine
from tests.conftest import SPECS


@pytest.fixture
def engine_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """An empty cache of this test's own, and a count of the engine's runs."""
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    runs: list[int] = []
    real = engine.run

    def counted(*args: Any, **kwargs: Any) -> tuple[str, dict[str, Any]]:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "run", counted)
    monkeypatch.setattr("generator.background.can_fork", lambda: False)  # counted in this process
    return runs


def _spec(tmp_path: Path, document: dict[str, Any], name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return path


def _run(spec: Path, *, cache: bool, templates: Path | None = None) -> dict[str, str]:
    target = config.ad_hoc((spec,), out=spec.parent / "out", package="pkg")
    target = config.with_flags(target, cache=cache, validate=False)
    if templates is not None:
        target = config.with_flags(target, templates=templates)
    return pipeline.run(target).files


def _document() -> dict[str, Any]:
    return dict(yaml.safe_load((SPECS / "client-features.yaml").read_text("utf-8")))


def test_an_edit_that_leaves_the_schemas_as_they_were_does_not_run_the_engine(
    tmp_path: Path, engine_runs: list[int]
) -> None:
    document = _document()
    _run(_spec(tmp_path, document), cache=True)
    assert len(engine_runs) == 1
    edited = copy.deepcopy(document)
    item = next(iter(edited["paths"].values()))
    operation = next(v for k, v in item.items() if k in ("get", "post", "put", "patch", "delete"))
    operation["description"] = "Said differently now."
    spec = _spec(tmp_path, edited)
    remembered = _run(spec, cache=True)
    assert len(engine_runs) == 1  # the engine did not run again
    assert remembered == _run(spec, cache=False)  # the package a run without the cache makes
    assert any("Said differently now." in text for text in remembered.values())


def test_an_edit_to_a_schema_runs_the_engine(tmp_path: Path, engine_runs: list[int]) -> None:
    document = _document()
    _run(_spec(tmp_path, document), cache=True)
    edited = copy.deepcopy(document)
    schema = next(s for s in edited["components"]["schemas"].values() if "properties" in s)
    schema["properties"]["added_by_the_edit"] = {"type": "string"}
    spec = _spec(tmp_path, edited)
    files = _run(spec, cache=True)
    assert len(engine_runs) == 2
    assert "added_by_the_edit" in files["pkg/models.py"] and files == _run(spec, cache=False)


def test_the_same_schemas_in_another_order_are_another_entry(tmp_path: Path, engine_runs: list[int]) -> None:
    """The module follows the schemas' order: a key that sorted them would hand back the other module."""
    base = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    first = {"type": "object", "properties": {"a": {"type": "string"}}}
    second = {"type": "object", "properties": {"b": {"type": "integer"}}}
    modules = []
    for number, schemas in enumerate(({"First": first, "Second": second}, {"Second": second, "First": first})):
        document = {**base, "components": {"schemas": schemas}}
        modules.append(_run(_spec(tmp_path, document, f"spec{number}.yaml"), cache=True)["pkg/models.py"])
    assert len(engine_runs) == 2
    assert modules[0].index("class First") < modules[0].index("class Second")
    assert modules[1].index("class Second") < modules[1].index("class First")


def test_model_templates_of_the_users_own_always_run_the_engine(tmp_path: Path, engine_runs: list[int]) -> None:
    mine = tmp_path / "mine" / "models"
    mine.mkdir(parents=True)
    builtin = Path(__file__).resolve().parents[2] / "templates" / "models" / "dataclass.jinja2"
    (mine / "dataclass.jinja2").write_text(builtin.read_text("utf-8"), "utf-8")
    spec = _spec(tmp_path, _document())
    _run(spec, cache=True, templates=mine.parent)
    _run(spec, cache=True, templates=mine.parent)
    assert len(engine_runs) == 2


@pytest.mark.parametrize("payload", [b'["not", "a mapping"]', b"7", b"not json", b'{"a": 1, "b": 2}'])
def test_an_entry_that_is_not_the_engines_is_run_again(tmp_path: Path, engine_runs: list[int], payload: bytes) -> None:
    spec = _spec(tmp_path, _document())
    first = _run(spec, cache=True)
    from generator.cache import Cache

    store = Cache()
    folder = store.root / "models"
    (entry,) = [p.name for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    store.put("models", entry, payload)  # authentic, and not what the engine answers
    assert _run(spec, cache=True) == first
    assert len(engine_runs) == 2
