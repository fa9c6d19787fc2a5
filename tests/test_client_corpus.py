"""Every corpus spec that validates generates a client package that imports; the big ones are marked slow."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from generator.config import ad_hoc
from generator.errors import GeneratorError
from generator.pipeline import run

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SMALL = 500_000
SPECS = sorted(p for p in CORPUS.glob("*") if p.suffix in (".yaml", ".yml", ".json"))


def _param(path: Path) -> object:
    marks = [pytest.mark.slow] if path.stat().st_size >= SMALL else []
    return pytest.param(path, id=path.name, marks=marks)


@pytest.mark.parametrize("spec", [_param(p) for p in SPECS])
def test_corpus_spec_generates_an_importable_client(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if spec.stat().st_size >= SMALL and "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("a large spec (minutes): selected with -m slow")
    package = "corpus_" + "".join(c if c.isalnum() else "_" for c in spec.stem).lower()
    try:
        result = run(ad_hoc([spec], out=tmp_path, package=package))
    except GeneratorError as error:
        if any(d.level == "error" for d in error.diagnostics):
            pytest.skip(f"the spec does not validate: {error.diagnostics[0].message[:120]}")
        raise
    for relative, text in result.files.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    assert f"{package}/README.md" in result.files
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        module = importlib.import_module(package)
        client = importlib.import_module(f"{package}.client")
        names = [n for n in module.__all__ if n.endswith("Client")]
        assert len(names) == 2
        for name in names:
            cls = getattr(module, name)
            instance = cls(base_url="https://api.example.com", **_credentials(cls))
            assert repr(instance).startswith(name)
        assert set(client.__all__) == set(names)
    finally:
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def _credentials(cls: type) -> dict[str, str]:
    import inspect

    parameters = inspect.signature(cls).parameters
    return {name: "secret" for name in ("api_key", "username", "password") if name in parameters}
