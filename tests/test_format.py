"""format_files: block-wise, cached and parallel formatting gives black's bytes for the whole file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import format as fmt
from generator.errors import GeneratorError

from .conftest import GENERATED

MODULE = '''# header comment
"""Docstring."""

from __future__ import annotations
import typing
from dataclasses import dataclass, field


X = 1
@dataclass(kw_only=True)
class A:
    """A thing."""
    name: str = field(metadata={'json': "name"})
    def to_dict(self) -> dict[str, typing.Any]:
        return {'name': self.name,}



@dataclass
class B(A):
    items: list[A] | None = None
def f(x): return x
def g(x):
    return f(x)
# a comment between definitions stays with both
def h(): pass
def k(): ...
class C:
    x: int



async def fetch(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, aa, bb, cc, dd):
    return [a, b,
        c]
Y = [1,
  2]
'''


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _whole(text: str) -> str:
    return fmt.format_source(fmt._sorted_imports(text))


def _corpus() -> dict[str, str]:
    """Real generated modules (already formatted, so black must leave them be) plus a messy one."""
    files = {f"pkg/{p.name}": p.read_text("utf-8") for p in sorted((GENERATED / "thymia_client").glob("*.py"))}
    files["pkg/messy.py"] = MODULE
    return files


def test_blocks_join_to_black_output_for_the_whole_file() -> None:
    for path, text in _corpus().items():
        blocks = fmt.split_blocks(fmt._sorted_imports(text))
        joined = fmt.join_blocks([(sep, fmt.format_source(b)) for sep, b in blocks])
        assert joined == _whole(text), path
    assert len(fmt.split_blocks(fmt._sorted_imports(MODULE))) == 4


def test_parallel_and_serial_give_identical_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _corpus()
    serial = fmt.format_files(files, source="spec.yaml", cache=False, jobs=1)
    monkeypatch.setattr(fmt, "PARALLEL_MIN_BYTES", 0)
    parallel = fmt.format_files(files, source="spec.yaml", cache=False, jobs=2)
    assert list(parallel) == list(files)
    assert parallel == serial
    assert serial["pkg/messy.py"] == _whole(MODULE)


def test_cached_run_gives_identical_bytes(private_cache: Path) -> None:
    files = {"pkg/messy.py": MODULE, "README.md": "# readme"}
    first = fmt.format_files(files, source="spec.yaml")
    assert any(private_cache.rglob("*"))
    assert fmt.format_files(files, source="spec.yaml") == first
    assert first["README.md"] == "# readme\n"


def test_an_edit_reformats_only_the_block_it_touches(monkeypatch: pytest.MonkeyPatch) -> None:
    fmt.format_files({"pkg/messy.py": MODULE}, source="spec.yaml")
    formatted: list[str] = []
    real = fmt.format_source

    def spy(text: str) -> str:
        formatted.append(text)
        return real(text)

    monkeypatch.setattr(fmt, "format_source", spy)
    edited = MODULE.replace("items: list[A] | None = None", "items: list[A] | None = None\n    extra: int = 0")
    result = fmt.format_files({"pkg/messy.py": edited}, source="spec.yaml")
    assert len(formatted) == 1 and "extra" in formatted[0]
    assert result["pkg/messy.py"] == _whole(edited)


def test_invalid_code_is_rejected_with_its_location() -> None:
    files = {"pkg/ok.py": "x = 1\n", "pkg/bad.py": "import os\n\ndef f(:\n    pass\n"}
    with pytest.raises(GeneratorError) as caught:
        fmt.format_files(files, source="spec.yaml", cache=False)
    (problem,) = caught.value.diagnostics
    assert problem.file == "spec.yaml"
    assert "generated pkg/bad.py:3:" in problem.message
    assert "not valid Python" in problem.message
    assert "def f(:" in problem.message


def test_invalid_code_is_rejected_even_when_the_cache_is_warm() -> None:
    fmt.format_files({"pkg/a.py": "x = 1\n"}, source="spec.yaml")
    with pytest.raises(GeneratorError):
        fmt.format_files({"pkg/a.py": "x = (\n"}, source="spec.yaml")


def test_files_black_cannot_split_are_formatted_whole() -> None:
    text = "def f():\n    # fmt: off\n    x = [1,2]\n    # fmt: on\n    return x\ndef g():\n    return 1\n"
    assert fmt.split_blocks(text) == [("", text)]
    assert fmt.format_files({"pkg/a.py": text}, source="s", cache=False)["pkg/a.py"] == _whole(text)


def test_a_cached_snippet_matches_black(private_cache: Path) -> None:
    text = "x=[1,\n 2]\n"
    assert fmt.format_source(text, cache=True) == fmt.format_source(text) == fmt.format_source(text, cache=True)
    assert any(private_cache.rglob("*"))


def _client(tmp_path: Path) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    from tests.test_layout import _rendered

    return _rendered(Path(__file__).parent / "specs" / "client-features.yaml")


def test_a_long_module_parsed_a_run_at_a_time_gives_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Runs of a few lines: every cut between runs is one black's bytes allow, and the module is black's."""
    files, verbatim, laid_out = _client(tmp_path)
    whole = fmt.format_files(files, source="spec.yaml", cache=False, verbatim=verbatim, laid_out=laid_out)
    parsed: list[int] = []
    real = fmt._chunks

    def recording(text: str, path: str, *, whole: bool) -> Iterator[tuple[int, str, list[str], fmt.ast.Module]]:
        for offset, sep, lines, tree in real(text, path, whole=whole):
            parsed.append(len(lines))
            yield offset, sep, lines, tree

    monkeypatch.setattr(fmt, "CHUNK_LINES", 40)
    monkeypatch.setattr(fmt, "_chunks", recording)
    chunked = fmt.format_files(files, source="spec.yaml", cache=False, jobs=1, verbatim=verbatim, laid_out=laid_out)
    assert chunked == whole
    assert len(parsed) > 8 and max(parsed) < sum(parsed) / 4  # many runs, none of them the whole module


TRICKY = (
    "def first():\n    return 1\n\n\n"
    'TEXT = """\n\nclass NotAClass:\n\n@not_a_decorator\n"""\n'  # a run cannot end inside a string
    "Y = g(1)\n"  # right after an assignment: a place to cut
    "Z: int = 3\n\n\n"
    "class A:\n    x = 1\n\n\n"
    "# a comment before a definition keeps it with the one before\n\n"
    "def f(  a ):\n    return a\n\n\n"
    "X = 1\n"
    "def g():\n    return  2\n\n\n"  # no blank line before it: not a place to cut
)


def test_runs_end_only_where_the_whole_module_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "CHUNK_LINES", 1)
    text = "import os\n\n\n" + TRICKY * 3
    out = fmt.format_files({"pkg/m.py": text}, source="spec.yaml", cache=False, laid_out=frozenset({"pkg/m.py"}))
    assert out["pkg/m.py"] == fmt.format_source(text)
    runs = [(offset, sep) for offset, sep, _, _ in fmt._chunks(text, "m.py", whole=False)]
    lines = text.split("\n")
    # Before a definition that follows a multi-line one across blank lines, or between two assignments on
    # consecutive lines: not inside the string, not after an assignment or a comment, not where no blank line is.
    runs_of_one = [("Y = g(1)", ""), ("Z: int = 3", ""), ("def first():", "\n\n")]
    assert [(lines[r], sep) for r, sep in runs] == [("import os", ""), *runs_of_one, *runs_of_one, *runs_of_one[:2]]


def test_a_large_module_formatted_a_run_per_core_gives_black_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A laid-out module of many runs: each parsed, laid out and formatted in a process of its own, joined to
    black's bytes for the whole module, and to the one-core path's."""
    text = (GENERATED / "thymia_client" / "client.py").read_text("utf-8")
    monkeypatch.setattr(fmt, "RUN_LINES", 5)  # the generated client is some ten runs of that length
    monkeypatch.setattr(fmt, "ANCHOR_ODDS", 1)
    assert len(fmt._spans(fmt._sorted_imports(text).split("\n"))) > 8
    assert set(fmt._format_runs({"pkg/client.py": fmt._sorted_imports(text)}, jobs=2, cache=False)) == {"pkg/client.py"}
    files = {"pkg/client.py": text}
    parallel = fmt.format_files(files, source="spec.yaml", cache=False, jobs=2, laid_out=frozenset(files))
    serial = fmt.format_files(files, source="spec.yaml", cache=False, jobs=1, laid_out=frozenset(files))
    assert parallel == serial == {"pkg/client.py": _whole(text)}


def test_a_run_that_may_not_end_where_its_lines_suggest_leaves_its_module_to_one_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lines after the string's indented one look like a definition after another's end; parsing shows
    they are inside a string, and the module goes the one-core way, to black's bytes."""
    text = (
        'def first():\n    return 1\n\n\nTEXT = """\ndef looks_like():\n    x\n\nclass NotAClass:\n    y\n"""\n\n\n'
        "def second():\n    return 2\n"
    )
    monkeypatch.setattr(fmt, "RUN_LINES", 2)
    monkeypatch.setattr(fmt, "ANCHOR_ODDS", 1)
    assert fmt._spans(text.split("\n"))[0] == (0, 8)  # ends inside the string
    assert fmt._format_runs({"pkg/m.py": text}, jobs=2, cache=False) == {}
    files = {"pkg/m.py": text}
    assert fmt.format_files(files, source="spec.yaml", cache=False, jobs=2, laid_out=frozenset(files)) == {
        "pkg/m.py": _whole(text)
    }


def test_a_type_alias_docstring_of_indented_lines_does_not_end_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A description's indented lines in a type alias's docstring, then a class: the lines look like a
    definition's end, but `_chunks` never cuts after an alias. The runs end elsewhere, and the module is
    formatted a run at a time, not whole on one core."""
    alias = (
        "Tools: TypeAlias = list[int]\n"
        '"""Tools the model may call:\n- **Built-in**: provided by the service, like\n  web search."""\n\n\n'
    )
    model = "class Tool{n}Spec:\n    name: str\n\n\nclass Tool{n}:\n    spec: Tool{n}Spec\n    size: int = 1\n\n\n"
    text = "from typing import TypeAlias\n\n\n" + "".join(alias + model.format(n=n) for n in range(6))
    text = text.rstrip("\n") + "\n"
    monkeypatch.setattr(fmt, "RUN_LINES", 8)
    monkeypatch.setattr(fmt, "ANCHOR_ODDS", 1)
    lines = text.split("\n")
    spans = fmt._spans(lines)
    assert len(spans) > 2
    assert all(lines[end].startswith("class Tool") and not lines[end].endswith("Spec:") for _, end in spans[:-1])
    assert set(fmt._format_runs({"pkg/m.py": text}, jobs=2, cache=False)) == {"pkg/m.py"}
    files = {"pkg/m.py": text}
    assert fmt.format_files(files, source="spec.yaml", cache=False, jobs=2, laid_out=frozenset(files)) == {
        "pkg/m.py": _whole(text)
    }


def test_an_edit_to_a_large_module_formats_again_only_the_runs_it_touched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs are remembered by their text: after an edit, the runs before it are the same text, and those after
    it start where they did, so only the edited run is parsed and formatted again; the bytes are black's."""
    text = (GENERATED / "thymia_client" / "client.py").read_text("utf-8")
    monkeypatch.setattr(fmt, "RUN_LINES", 5)
    monkeypatch.setattr(fmt, "ANCHOR_ODDS", 1)
    files = {"pkg/client.py": text}
    assert fmt.format_files(files, source="spec.yaml", jobs=2, laid_out=frozenset(files)) == {
        "pkg/client.py": _whole(text)
    }
    formatted: list[int] = []
    real = fmt._format_run

    def spy(index: int, *, cache: bool) -> object:
        formatted.append(index)
        return real(index, cache=cache)

    monkeypatch.setattr(fmt, "_format_run", spy)
    runs = len(fmt._spans(fmt._sorted_imports(text).split("\n")))
    lines = text.split("\n")
    # A one-line docstring in the second half, edited as a spec's description would be: black's layout still.
    middle = next(i for i in range(len(lines) // 2, len(lines)) if re.fullmatch(r' +"""[^"]+\."""', lines[i]))
    lines[middle] = lines[middle].replace('."""', ', edited."""')
    edited = "\n".join(lines)
    files = {"pkg/client.py": edited}
    assert fmt.format_files(files, source="spec.yaml", jobs=2, laid_out=frozenset(files)) == {
        "pkg/client.py": _whole(edited)
    }
    assert runs > 8 and 1 <= len(formatted) <= 2


def _models(*, longer: int = -1) -> str:
    """Sixty classes of one to seven fields each; `longer` gets a field more."""
    classes = []
    for n in range(60):
        fields = "".join(f"    f{i}: int = {i}\n" for i in range(n % 7 + 1 + (n == longer)))
        classes.append(f"class Model{n}:\n{fields}")
    return "\n\n".join(classes)


@pytest.mark.parametrize("odds", [1, fmt.ANCHOR_ODDS])
def test_an_edit_that_adds_lines_leaves_the_runs_after_it_as_they_were(
    monkeypatch: pytest.MonkeyPatch, odds: int
) -> None:
    """A run ends at an anchor, a place known by its own text, not at the first place it may after so many
    lines: after an edit that adds a line, the runs after it still start where they did (in the text), and only
    the edited run is formatted again. Ended at the first place it may (odds of 1), most of them would not."""
    monkeypatch.setattr(fmt, "RUN_LINES", 40)
    monkeypatch.setattr(fmt, "ANCHOR_ODDS", odds)
    old, new = _models().split("\n"), _models(longer=2).split("\n")
    before, after = fmt._spans(old), fmt._spans(new)
    assert len(before) > 4
    unchanged = {"\n".join(old[a:b]) for a, b in before}
    redone = sum("\n".join(new[a:b]) not in unchanged for a, b in after)
    assert redone > 4 if odds == 1 else redone == 1
    text = _models(longer=2) + "\n"
    files = {"pkg/models.py": text}
    assert fmt.format_files(files, source="spec.yaml", cache=False, jobs=2, laid_out=frozenset(files)) == {
        "pkg/models.py": _whole(text)
    }
