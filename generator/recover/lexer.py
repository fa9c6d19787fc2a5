"""Flattened lines → what each line can be: a `key:`, a `- ` item, and the kind of value it carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from ..spec.yaml_source import BOOL, FLOAT, INT, NULL

_BLOCK_HEADER: Final = re.compile(r"[|>](?:([1-9])?[-+]?|[-+]([1-9]))(?:[ \t]+#.*)?$")
ENTRY_COLON: Final = re.compile(r":(?:[ \t]|$)")
_NOT_PLAIN_START: Final = frozenset(",[]{}#&*!|>'\"%@`")
ScalarKind = Literal["null", "bool", "int", "float", "str"]


@dataclass(frozen=True, slots=True)
class Value:
    """The inline part of a line after `key:` or `- `."""

    kind: Literal["empty", "block", "scalar", "flow", "alias", "item"]
    scalar: ScalarKind = "str"
    text: str = ""  # decoded scalar text
    plain: bool = False  # a plain scalar may continue on the next lines
    indent: int = 2  # block scalar content indentation relative to its owner
    open_until: str = ""  # closing needed on later lines: a quote, "flow" (brackets) or "entry" (an item's mapping)


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # in the page
    text: str
    key: str | None  # set when the line is `key: ...`
    value: Value | None  # the part after `key:` or after `- `; None when that is not valid YAML
    item: bool  # the line starts with `- `
    can_continue: bool  # could be a continuation line of a plain scalar


def lex(number: int, text: str) -> Line:
    """One stripped, non-blank line."""
    key: str | None = None
    value: Value | None = None
    item = text == "-" or text.startswith(("- ", "-\t"))
    if item:
        value = _item_value(text[1:].strip())
    else:
        entry = split_entry(text)
        if entry is not None:
            key, rest = entry
            value = _value(rest)
            if value is None:
                key = None
    can_continue = not text.startswith("#") and not ENTRY_COLON.search(text) and " #" not in text
    return Line(number, text, key, value, item, can_continue)


def split_entry(text: str) -> tuple[str, str] | None:
    """`key: rest` → (key, rest); None when the text is no mapping entry."""
    if text[0] in "'\"":
        end = quoted_end(text, 0)
        if end < 0:
            return None
        rest = text[end:].lstrip()
        if not rest.startswith(":") or rest[1:2] not in ("", " ", "\t"):
            return None
        return _unquote(text[:end]), rest[1:].strip()
    if text[0] in _NOT_PLAIN_START or (text[0] in "-?:" and text[1:2] in ("", " ", "\t")):
        return None
    m = ENTRY_COLON.search(text)
    if not m:
        return None
    key = text[: m.start()].rstrip()
    if " #" in key or "\t#" in key:
        return None
    return key, text[m.end() :].strip()


def quoted_end(text: str, start: int) -> int:
    """Index just past the quoted scalar opening at `start`, or -1 when it is still open."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def flow_balance(text: str, depth: int, quote: str) -> tuple[int, str]:
    """Bracket depth and open quote after scanning `text` from a given flow state."""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if quote == '"' and ch == "\\":
                i += 1
            elif ch == quote:
                if quote == "'" and text[i + 1 : i + 2] == "'":
                    i += 1
                else:
                    quote = ""
        elif ch in "'\"" and (i == 0 or text[i - 1] in " ,[{:"):
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "#" and (i == 0 or text[i - 1] in " \t") and depth == 0:
            break
        i += 1
    return depth, quote


def data_kind(value: Value) -> str:
    """The JSON kind of an inline value: str, int, float, bool, null, seq or map ('' unknown)."""
    if value.kind == "scalar":
        return "str" if value.open_until else value.scalar
    if value.kind == "block":
        return "str"
    if value.kind == "flow":
        return "map" if value.text.startswith("{") else "seq"
    if value.kind == "item":
        return "seq" if split_entry(value.text) is None else "map"
    return ""


def head(value: Value) -> str:
    """How an item begins, to compare items of one list: its first key, `-` for a nested list, `:` and its kind
    for a scalar, `:` for a flow collection."""
    if value.kind == "item":
        entry = split_entry(value.text)
        return "-" if entry is None else entry[0] + ":"
    return ":" + data_kind(value) if value.kind in ("scalar", "block") else ":"


def _plain_kind(text: str) -> ScalarKind:
    """A plain scalar's type, as the spec loader will read it."""
    if NULL.match(text):
        return "null"
    if BOOL.match(text):
        return "bool"
    if INT.match(text):
        return "int"
    if FLOAT.match(text):
        return "float"
    return "str"


def _unquote(text: str) -> str:
    if text[0] == "'":
        return text[1:-1].replace("''", "'")
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _value(rest: str) -> Value | None:
    """Analyse an inline value; None when it is not valid YAML."""
    if not rest or rest.startswith("#"):
        return Value("empty")
    # Anchors and tags do not change the node kind.
    while rest[0] in "&!":
        _, _, rest = rest.partition(" ")
        rest = rest.strip()
        if not rest or rest.startswith("#"):
            return Value("empty")
    first = rest[0]
    if first == "*":
        return Value("alias")
    if first in "|>":
        m = _BLOCK_HEADER.match(rest)
        if not m:
            return None
        return Value("block", indent=int(m.group(1) or m.group(2) or 2))
    if first == "-" and (rest == "-" or rest[1] in " \t"):
        return Value("item", text=rest)
    if first in "[{":
        depth, quote = flow_balance(rest, 0, "")
        return Value("flow", text=rest, open_until="" if depth <= 0 and not quote else "flow")
    if first in "'\"":
        end = quoted_end(rest, 0)
        if end < 0:
            return Value("scalar", open_until=first)
        tail = rest[end:].strip()
        if tail and not tail.startswith("#"):
            return None
        return Value("scalar", text=_unquote(rest[:end]))
    text = rest.split(" #")[0].rstrip()  # a plain scalar ends where a comment starts
    if first in "%@`" or ENTRY_COLON.search(text) or (first in "?:" and text[1:2] in ("", " ", "\t")):
        return None
    return Value("scalar", scalar=_plain_kind(text), text=text, plain=True)


def _item_value(rest: str) -> Value | None:
    """An item's content: another item, an entry opening a mapping, or a value."""
    if rest == "-" or rest.startswith(("- ", "-\t")):
        return Value("item", text=rest)
    entry = split_entry(rest) if rest else None
    if entry is not None and _value(entry[1]) is not None:
        return Value("item", text=rest, scalar="str", plain=False, open_until="entry")
    return _value(rest)
