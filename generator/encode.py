"""Spec text → Python source text: the only way spec strings reach generated code."""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize
import unicodedata
from typing import Any

# Characters that a reader's editor may hide or reorder (bidi controls) or that change how the line is
# read (line and paragraph separators, other controls); inside docstrings and comments they are escaped.
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def string_literal(text: str) -> str:
    """A Python string literal that evaluates to exactly `text`, quoted as black quotes it: double quotes
    unless they take more backslashes (black then has nothing to change, and formats the file in one pass)."""
    single = repr(text)
    if single.startswith('"'):
        return single  # repr's own choice: `text` has a single quote and no double one
    body = single[1:-1]
    double = _REQUOTE.sub(_requote, body)
    return f'"{double}"' if double.count("\\") <= body.count("\\") else single


# In repr's single-quoted body: an escaped backslash (kept), an escaped single quote, a bare double quote.
_REQUOTE = re.compile(r"\\\\|\\'|\"")


def _requote(match: re.Match[str]) -> str:
    token = match.group()
    return "'" if token == "\\'" else '\\"' if token == '"' else token


def expression(tree: ast.AST) -> str:
    """Python source for an expression tree (a type hint), its strings quoted by `string_literal`."""
    text = ast.unparse(tree)
    if "'" not in text and '"' not in text:
        return text
    out, last = [], 0
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING and token.string[0] in "'\"":  # no prefix: a str, not bytes
            start, end = token.start[1], token.end[1]  # one line: ast.unparse writes no line breaks
            out += [text[last:start], string_literal(ast.literal_eval(token.string))]
            last = end
    return "".join(out) + text[last:]


def literal(value: Any) -> str:
    """A Python expression for a JSON value, exact for big integers and non-finite floats."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{string_literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    return string_literal(str(value))


def _escape_hidden(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def docstring(text: str) -> str:
    """The body of a triple-double-quoted docstring that reads as `text`, with no way to close it early."""
    text = text.replace("\r\n", "\n").strip()
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = _HIDDEN.sub(_escape_hidden, body.replace("\t", "    "))
    if body.endswith('"') and (len(body) - 1 - len(body[:-1].rstrip("\\"))) % 2 == 0:
        # A quote right before the closing `"""` would close it early, unless it is already escaped.
        body = body[:-1] + '\\"'
    return body


def comment(text: str) -> str:
    """One comment line's text: no newline or hidden character can end or disguise it."""
    flat = " ".join(text.split())
    return _HIDDEN.sub(_escape_hidden, flat)


def markdown(text: str) -> str:
    """Text for the generated README: prose stays prose, with hidden characters made visible."""
    return _HIDDEN.sub(_escape_hidden, text.replace("\r\n", "\n").strip())


def json_text(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every hidden character written as a `\\u`
    escape: the same JSON value, but nothing in a string can disguise or reorder what a reader sees. Outside
    its strings JSON text is ASCII, so only characters inside strings are touched."""
    return _MAYBE_HIDDEN.sub(_json_escape, text)


# The candidates: DEL and any character outside ASCII (json.dumps escapes the C0 controls itself, and the line
# breaks and spaces left are its own layout); `_json_escape` keeps the printable ones.
_MAYBE_HIDDEN = re.compile(r"[\x7f-\U0010ffff]")
# Controls, format characters (bidi, zero-width, soft hyphen, tags), separators, surrogates, private use.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not _HIDDEN.match(char) and unicodedata.category(char) not in _INVISIBLE:
        return char
    code = ord(char)
    if code > 0xFFFF:  # JSON spells a character outside the BMP as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
