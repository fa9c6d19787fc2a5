"""Docs-page style YAML for tests: a document dumped as API docs sites publish it, then flattened."""

from __future__ import annotations

import datetime
import json
import math
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_block(page: str) -> tuple[list[str], int]:
    """The first yaml block of a Markdown page and the 1-based line of its first line."""
    lines = page.splitlines()
    start = next(n for n, line in enumerate(lines) if re.fullmatch(r"`{3,}yaml", line))
    fence = lines[start].removesuffix("yaml")
    end = next(n for n in range(start + 1, len(lines)) if re.fullmatch(f"{fence}`*", lines[n]))
    return lines[start + 1 : end], start + 2


def stripped(text: str | list[str]) -> list[str]:
    lines = text.splitlines() if isinstance(text, str) else text
    return [line.strip() for line in lines if line.strip()]


_PROSE_KEYS = ("description", "summary")
_WIDTH = 80
_PLAIN = re.compile(r"[A-Za-z0-9_$/.(][^:#\[\]{},&*!|>'\"%@`\\\s]*(?: [^:#\[\]{},&*!|>'\"%@`\\\s]+)*")
_RESOLVER = yaml.resolver.Resolver()


def _flattens_losslessly(text: str, folded: bool) -> bool:
    """Whether a block scalar keeps its value when every line loses its indentation."""
    lines = text.split("\n")
    if folded:
        return "\n" not in text and "  " not in text and text == text.strip()
    return all(line and line == line.strip() for line in lines)


def _printable(text: str) -> bool:
    return all(ch == "\t" or (ch.isprintable() and ch not in "\x85\u2028\u2029\ufeff") for ch in text.replace("\n", ""))


def _quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable() or ch in "\x85\u2028\u2029\ufeff":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()  # the YAML source had a timestamp
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value).lower()
        # YAML 1.1 needs a dot for a float.
        return text.replace("e", ".0e") if "." not in text and "e" in text else text
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and text == text.strip()
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    return _quoted(text)


def _fold(text: str, width: int) -> list[str]:
    """Break text at single spaces so that folding it back gives the same string."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _block(text: str, indent: int, prose: bool) -> list[str] | None:
    """`|-`/`>-` block lines for a string, when the docs-page style uses one."""
    if not text or not _printable(text) or "\r" in text:
        return None
    pad = " " * indent
    if "\n" in text:
        body = text[:-1] if text.endswith("\n") else text
        if not body or ("\n" in text[:-1] and text.endswith("\n\n")):
            return None
        if not prose and not _flattens_losslessly(body, folded=False):
            return None
        chomp = "" if text.endswith("\n") else "-"
        lead = "2" if body[0] in " \t" else ""
        return [f"|{lead}{chomp}", *(pad + line if line else "" for line in body.split("\n"))]
    if len(text) <= _WIDTH or text != text.strip() or "  " in text or "\t" in text:
        return None
    if not prose and not _flattens_losslessly(text, folded=True):
        return None
    return [">-", *(pad + line for line in _fold(text, max(_WIDTH - indent, 40)))]


def docs_page_yaml(data: Any) -> str:
    """Block YAML in the style of API docs pages: long text folded, multi-line text literal."""
    out: list[str] = []

    def value(node: Any, indent: int, prefix: str, prose: bool) -> None:
        pad = " " * indent
        if isinstance(node, dict) and node:
            first = True
            for key, child in node.items():
                head = (prefix if first else pad) + _scalar(key) + ":"
                first = False
                entry(child, indent, head, isinstance(key, str) and key in _PROSE_KEYS)
        elif isinstance(node, list) and node:
            first = True
            for child in node:
                head = (prefix if first else pad) + "-"
                first = False
                if (isinstance(child, dict) and child) or (isinstance(child, list) and child):
                    value(child, indent + 2, head + " ", False)
                else:
                    entry(child, indent, head, False)
        else:
            out.append(prefix + ("{}" if isinstance(node, dict) else "[]"))

    def entry(child: Any, indent: int, head: str, prose: bool) -> None:
        if isinstance(child, (dict, list)) and child:
            out.append(head)
            value(child, indent + 2, " " * (indent + 2), prose)
            return
        if isinstance(child, str):
            block = _block(child, indent + 2, prose)
            if block is not None:
                out.append(f"{head} {block[0]}")
                out.extend(block[1:])
                return
        if isinstance(child, (dict, list)):
            out.append(f"{head} {'{}' if isinstance(child, dict) else '[]'}")
        else:
            out.append(f"{head} {_scalar(child)}")

    value(data, 0, "", False)
    return "\n".join(out) + "\n"


def docs_page(data: Any, title: str) -> str:
    """A Markdown page like an API docs site's, with the YAML block flattened."""
    text = docs_page_yaml(data)
    flat = "\n".join(stripped(text))
    # The fence outgrows any run of backticks that begins a line of the block, as CommonMark requires.
    longest = max((len(m.group()) for m in re.finditer(r"^`+", flat, re.MULTILINE)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"# {title}\nPOST /example\n## OpenAPI Specification\n{fence}yaml\n{flat}\n{fence}\n"


def normalised(node: Any, key: object = None) -> Any:
    """The document with white space in prose collapsed, the only thing flattening may change."""
    if isinstance(node, dict):
        return {k: normalised(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [normalised(v) for v in node]
    if isinstance(node, str) and key in _PROSE_KEYS:
        return " ".join(node.split())
    return node


def load_spec(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        if path.suffix == ".json":
            return json.load(handle)
        return yaml.load(handle, Loader=LOADER)
