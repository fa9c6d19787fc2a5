"""encode.py: spec text becomes Python source only as string literals, docstrings and comments."""

from __future__ import annotations

import ast
import io
import math
import tokenize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import encode

HOSTILE = [
    "",
    '"""',
    "'''",
    '"',
    "\\",
    "ends with a backslash\\",
    'ends with a quote"',
    "{{ 7*7 }} {% print(1) %} {# c #}",
    "line\rcarriage",
    "crlf\r\nline",
    "sep\u2028para\u2029",
    "bidi \u202e\u2066 \u2069 \u200f",
    "nul \x00 byte",
    '"""; __import__("os").system("x"); #',
    "\t tabs \t",
    "emoji 🐍 and é",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_is_exact(text: str) -> None:
    source = encode.string_literal(text)
    assert ast.literal_eval(source) == text
    assert "\u202e" not in source and "\u2028" not in source and "\x00" not in source


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_cannot_close_early(text: str) -> None:
    source = f'def f():\n    """{encode.docstring(text)}"""\n'
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    value = ast.get_docstring(function, clean=False) or ""
    assert value == text.replace("\r\n", "\n").strip().replace("\t", "    ")
    for char in "\u202e\u2066\u2028\x00\r":
        assert char not in source


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_stays_one_comment(text: str) -> None:
    source = f"# {encode.comment(text)}\nx = 1\n"
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]
    assert len(tokens) == 1
    assert ast.parse(source).body[0].lineno == 2


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -1,
        10**40,
        -(10**100),
        1.5,
        1e308,
        -0.0,
        float("inf"),
        float("-inf"),
        "x",
        [1, "a"],
        {"k": [None]},
    ],
)
def test_literal_is_exact(value: object) -> None:
    result = eval(encode.literal(value), {"__builtins__": {"float": float}})
    assert result == value and type(result) is type(value)


def test_nan_literal() -> None:
    assert math.isnan(eval(encode.literal(float("nan")), {"__builtins__": {"float": float}}))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert ast.literal_eval(encode.string_literal(text)) == text
    function = ast.parse(f'def f():\n    """{encode.docstring(text)}"""\n').body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    assert len(ast.parse(f"# {encode.comment(text)}\n").body) == 0
