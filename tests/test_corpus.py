"""The corpus, spec by spec (see tests/corpus.py): specs under 500 KB by default, the rest marked slow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus import CORPUS, run_worker, specs

SMALL = 500_000
# The slow ones run with `make corpus-all`, or here with CORPUS_ALL=1 (-m slow selects them too).
RUN_SLOW = bool(os.environ.get("CORPUS_ALL"))


def _cases() -> list[object]:
    if not CORPUS.is_dir():
        return []
    return [
        pytest.param(
            spec,
            id=spec.name,
            marks=[pytest.mark.slow, pytest.mark.skipif(not RUN_SLOW, reason="big spec: make corpus-all")]
            if spec.stat().st_size >= SMALL
            else [],
        )
        for spec in specs(everything=True)
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent: the corpus tests need it")
@pytest.mark.parametrize("spec", _cases())
def test_corpus_spec(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # mypy over every corpus package is `make corpus`'s (tests/test_client_build.py runs it on the fixtures).
    monkeypatch.setenv("CORPUS_MYPY", os.environ.get("CORPUS_MYPY", "0"))
    outcome = run_worker(spec, tmp_path)
    assert outcome.ok, f"{outcome.result}\n" + "\n".join(outcome.detail)


def test_without_the_corpus_the_runner_says_so_and_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tests.corpus

    monkeypatch.setattr(tests.corpus, "CORPUS", tmp_path / "absent")
    assert tests.corpus.main([]) == 0
    assert "is absent" in capsys.readouterr().err


def test_the_whole_file_black_check_reports_a_module_black_would_change(tmp_path: Path) -> None:
    from tests.corpus import _black_whole

    (tmp_path / "kept.py").write_text('x = {"a": 1}\n', "utf-8")
    (tmp_path / "changed.py").write_text("x = {'a': 1}\ny = (\n  1)\n", "utf-8")
    assert _black_whole(tmp_path) == ["changed.py:1: black over the whole file changes it (black --check fails)"]
