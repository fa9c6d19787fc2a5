"""YAML read with libyaml's parser under the project's own bounded composer (spec/yaml_source.py): the same data
and lines as the pure-Python loader on every document it reads, the same located errors on every one it does
not (they are found again by the pure loader), and no recursion in C however deep the nesting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import generator.spec.yaml_source as yaml_source
from generator.errors import GeneratorError
from tests.conftest import REPO, SPECS
from tests.corpus import CORPUS

pytestmark = pytest.mark.skipif(yaml_source._fast_loader() is None, reason="PyYAML without libyaml")

BAD = REPO / "tests" / "bad"
ADVERSARIAL = REPO / "tests" / "adversarial"


def _documents() -> list[Path]:
    found = sorted(SPECS.glob("*.yaml")) + sorted(BAD.glob("*.yaml")) + sorted(ADVERSARIAL.glob("*.yaml"))
    if CORPUS.is_dir():
        found += [p for p in sorted(CORPUS.glob("*.yaml")) if p.stat().st_size < 1_000_000]
    return found


def _outcome(text: str) -> object:
    try:
        return yaml_source.parse(text, file="spec.yaml")
    except GeneratorError as exc:
        return exc.diagnostics


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_libyaml_reads_what_the_pure_loader_reads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text("utf-8", errors="surrogateescape")
    fast = _outcome(text)
    monkeypatch.setattr(yaml_source, "_fast_loader", lambda: None)
    assert fast == _outcome(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",  # an unclosed flow sequence
        "a: b: c\n",
        "a:\n  - 1\n - 2\n",
        "a: 'open\n",
        "a: 1\na: 2\n",  # a duplicate key: the builder's, on either path
        "a: !!python/object:os.system x\n",
        "a: &x [*x]\n",
    ],
)
def test_a_document_it_cannot_read_gets_the_pure_loaders_error(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _outcome(text)
    assert isinstance(fast, tuple)  # refused, with a located diagnostic
    monkeypatch.setattr(yaml_source, "_fast_loader", lambda: None)
    assert fast == _outcome(text)


def test_nesting_a_million_deep_is_refused_without_recursing_in_c() -> None:
    # In a process of its own: libyaml's own composer would recurse in C and take the process down.
    script = (
        "from generator.spec import yaml_source\n"
        "from generator.errors import GeneratorError\n"
        "try:\n"
        "    yaml_source.parse('a: ' + '[' * 1_000_000 + ']' * 1_000_000, file='spec')\n"
        "except GeneratorError as exc:\n"
        "    print(exc.diagnostics[0].message)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "nesting deeper than" in done.stdout
