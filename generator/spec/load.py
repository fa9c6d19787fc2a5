"""Spec file or Markdown page → Document (JSON-like data plus a pointer → line map); also the YAML or JSON files a
spec's `$ref`s name, read the same way."""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import fingerprint
from ..errors import Diagnostic, GeneratorError, fail
from .pointer import join, walk

# Bounds on untrusted input: a document past them is refused before it can exhaust memory.
MAX_BYTES = fingerprint.MAX_INPUT_BYTES
MAX_DEPTH = 200
MAX_ALIAS_EXPANSION = 100_000

# CommonMark fences: three or more backticks or tildes; the block ends at a
# fence of the same character at least as long, so text may hold shorter ones.
_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*(yaml|yml|json)[ \t]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """A further file a document pulled in through a `$ref`, as it was read."""

    path: Path  # resolved
    display: str  # as diagnostics name it: beside the root spec's name
    sha256: str  # of the bytes read, so a manifest records what the output was made from


@dataclass(frozen=True)
class Document:
    """A loaded spec: its data, where it came from, and how to locate a pointer in the source text."""

    data: dict[str, Any]
    file: str
    text: str
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    line_offset: int = 0
    recovered: bool = False
    sha256: str = ""  # of the source file's bytes: the spec's identity in headers and manifests
    warnings: tuple[Diagnostic, ...] = ()  # what loading had to decide (best-guess recovery choices)
    _locate: Callable[[str], int | None] | None = field(default=None, compare=False, repr=False)
    sources: tuple[Source, ...] = ()  # the files bundled into `data`, besides `file`
    # A bundled document's pointer → (file, line): set when `data` holds nodes from several files.
    _where: Callable[[str], tuple[str, int | None]] | None = field(default=None, compare=False, repr=False)

    def locate(self, pointer: str) -> tuple[str, int | None]:
        """The file and 1-based line a pointer's node (or its nearest located ancestor) was read from."""
        if self._where is not None:
            return self._where(pointer)
        return self.file, self.line_of(pointer)

    def relocate(self, diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
        """Diagnostics that later stages placed in this document by pointer, each pointed into the file and line
        its node came from."""
        found = tuple(diagnostics)
        if self._where is None:  # and a stage that knew only the pointer gets its line
            return tuple(
                replace(d, line=self.line_of(d.pointer))
                if d.line is None and d.file == self.file and d.pointer.startswith("#")
                else d
                for d in found
            )
        return tuple(
            replace(d, file=where[0], line=where[1])
            if d.file == self.file and d.pointer.startswith("#") and (where := self._where(d.pointer))[0] != d.file
            else d
            for d in found
        )

    def line_of(self, pointer: str) -> int | None:
        """The 1-based source line of a JSON pointer, or of its nearest located ancestor; None for a node that a
        bundled document took from another file (`locate` names that file)."""
        if self._where is not None:
            file, line = self._where(pointer)
            return line if file == self.file else None
        while True:
            line = self.lines.get(pointer)
            if line is None and self._locate is not None:
                line = self._locate(pointer)
            if line is not None:
                return line + self.line_offset
            if "/" not in pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def load(path: Path, *, display: str | None = None, best_guess: bool = False) -> Document:
    """Read a `.yaml`/`.yml`/`.json` spec or a Markdown page that embeds one."""
    name = display or str(path)
    raw = read_bounded(path, name=name)
    text = _decode(raw, name=name)
    suffix = path.suffix.lower()
    if suffix == ".json":
        doc = parse_json(text, file=name)
    elif suffix in {".yaml", ".yml"}:
        doc = _yaml_or_recovered(text.splitlines(), file=name, offset=0, best_guess=best_guess)
    else:
        doc = parse_page(text, file=name, best_guess=best_guess)
    return replace(_finish(doc), sha256=hashlib.sha256(raw).hexdigest())


def load_referenced(raw: bytes, *, path: Path, display: str) -> Document:
    """A YAML or JSON file (by suffix) that a spec's `$ref` names, from the bytes `read_bounded` gave: parsed as it
    is, never searched for a page's block nor recovered (a small schema file is flat by nature)."""
    text = _decode(raw, name=display)
    doc = parse_json(text, file=display) if path.suffix.lower() == ".json" else parse_yaml(text, file=display)
    return replace(_finish(doc), sha256=hashlib.sha256(raw).hexdigest())


def _decode(raw: bytes, *, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1  # the lines before it are UTF-8 (or it would be earlier)
        raise fail(name, line, "", f"the spec is not UTF-8 (byte {exc.start}, {raw[exc.start : exc.end]!r})") from None


def read_bounded(path: Path, *, name: str, what: str = "the spec") -> bytes:
    """A regular file's bytes, its size checked before reading: a device (/dev/zero) or a FIFO is refused
    instead of filling memory or blocking forever."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the stat below refuses it.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise fail(name, None, "", f"cannot read {what}: {exc.strerror or exc}") from None
    # Checked on the bare descriptor: wrapping a folder's in a file object raises before any check could run.
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise fail(name, None, "", f"cannot read {what}: not a regular file")
    with os.fdopen(handle, "rb") as stream:
        if info.st_size > MAX_BYTES:
            raise fail(name, None, "", f"{what} is {info.st_size} bytes; the limit is {MAX_BYTES}")
        try:
            raw = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            raise fail(name, None, "", f"cannot read {what}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # it grew while being read
        raise fail(name, None, "", f"{what} is over {MAX_BYTES} bytes; the limit is {MAX_BYTES}")
    return raw


def parse_page(text: str, *, file: str, best_guess: bool = False) -> Document:
    """Find the embedded ```yaml or ```json block that holds the OpenAPI document and parse it."""
    lines = text.splitlines()
    blocks = _fenced_blocks(lines)
    if not blocks:
        raise fail(file, None, "", "no ```yaml or ```json block with an OpenAPI document in this page")
    language, start, body = next(
        (b for b in blocks if re.search(r"^\s*[\"']?(openapi|swagger)[\"']?\s*:", "\n".join(b[2]), re.M)),
        blocks[0],
    )
    if language == "json":
        try:
            doc = parse_json("\n".join(body) + "\n", file=file)
        except GeneratorError as exc:
            raise _on_page_lines(exc, parse_json, body, offset=start, file=file) from None
    else:
        doc = _yaml_or_recovered(body, file=file, offset=start, best_guess=best_guess)
    return replace(doc, line_offset=start)


def _on_page_lines(
    exc: GeneratorError, parse: Callable[..., Document], body: list[str], *, offset: int, file: str
) -> GeneratorError:
    """A block's parse error with the page's lines: the block parsed again below `offset` blank lines, so that
    every line the parser gives (the error's, and one it names in its message: `first defined on line N`) is the
    page's. Parsing only fails once a run, and this runs only then; a document that parses keeps the block's
    text as it is, and `line_offset` locates its nodes."""
    if offset == 0:
        return exc
    try:
        parse("\n" * offset + "\n".join(body) + "\n", file=file)
    except GeneratorError as located:
        return located
    return exc  # not expected: the same text, only lower down


def _yaml_or_recovered(body: list[str], *, file: str, offset: int, best_guess: bool) -> Document:
    """Parse YAML; if it lost all its indentation (a copied docs page), rebuild its structure first."""
    flattened = len(body) > 3 and not any(line[:1].isspace() for line in body if line.strip())
    try:
        doc = parse_yaml("\n".join(body) + "\n", file=file)
    except GeneratorError as exc:
        # Lost indentation shows as a syntax error, or as keys repeated at the top level; a refused tag or a
        # limit stands as it is.
        if not flattened or not all(d.message.startswith(("invalid YAML", "duplicate key")) for d in exc.diagnostics):
            raise _on_page_lines(exc, parse_yaml, body, offset=offset, file=file) from None
        return _recover(body, file=file, first_line=offset + 1, best_guess=best_guess)
    # Flat lines can still parse, as one mapping whose every key is top level: `info:` is then empty.
    if flattened and not isinstance(doc.data.get("info"), dict):
        return _recover(body, file=file, first_line=offset + 1, best_guess=best_guess)
    return doc


def _recover(body: list[str], *, file: str, first_line: int, best_guess: bool) -> Document:
    # Imported here: recovery is only needed for pages whose YAML lost its indentation.
    from ..recover import recover

    recovery = recover(body, file=file, first_line=first_line, best_guess=best_guess)
    doc = parse_yaml(recovery.text, file=file)
    # Recovery only re-indents, so line k of the recovered text is line k of the block once blanks are dropped.
    kept = [i for i, line in enumerate(body) if line.strip()]
    lines = {ptr: kept[n - 1] + 1 if 0 < n <= len(kept) else n for ptr, n in doc.lines.items()}
    return Document(doc.data, file, recovery.text, lines, recovered=True, warnings=recovery.warnings)


def _fenced_blocks(lines: list[str]) -> list[tuple[str, int, list[str]]]:
    blocks: list[tuple[str, int, list[str]]] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index].strip())
        if match is None:
            index += 1
            continue
        fence = match.group(1)
        end = index + 1
        while end < len(lines) and not _closes(lines[end].strip(), fence):
            end += 1
        language = "json" if match.group(2).lower() == "json" else "yaml"
        blocks.append((language, index + 1, lines[index + 1 : end]))
        index = end + 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    return len(line) >= len(fence) and line == fence[0] * len(line)


def _finish(doc: Document) -> Document:
    if not isinstance(doc.data, dict):
        raise fail(doc.file, doc.line_of("#"), "#", "the document is not a mapping of OpenAPI fields")
    _refuse_unencodable(doc)
    return doc


_UNENCODABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_unencodable(doc: Document) -> None:
    """A NUL or a lone surrogate (from a `\\u0000` or `\\ud800` escape) has no place in an API description and
    cannot be written as UTF-8 source: refuse it where it is."""
    # One C-speed pass finds whether there is anything to locate; the walk runs only then.
    text = json.dumps(doc.data, ensure_ascii=False)
    if "\\u0000" not in text and not _UNENCODABLE.search(text):
        return
    for where, value in walk(doc.data):
        texts = [value] if isinstance(value, str) else [str(k) for k in value] if isinstance(value, dict) else []
        for item in texts:
            found = _UNENCODABLE.search(item)
            if found:
                what = "a NUL character" if found.group() == "\x00" else "a lone surrogate (invalid Unicode)"
                raise fail(doc.file, doc.line_of(where), where, f"{what} at offset {found.start()} of {item[:40]!r}")


# --- YAML -------------------------------------------------------------------------------------------------


def parse_yaml(text: str, *, file: str) -> Document:
    """Parse YAML safely into JSON-like data, keeping each node's line."""
    # Imported here: PyYAML is only needed by a run that reads YAML, and an up-to-date run reads nothing.
    from . import yaml_source

    data, lines = yaml_source.parse(text, file=file)
    return Document(data, file, text, lines)


# --- JSON -------------------------------------------------------------------------------------------------


def parse_json(text: str, *, file: str) -> Document:
    """Parse JSON with `json`, rejecting duplicate keys; lines are found on demand, only for diagnostics."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _DuplicateKey(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except _DuplicateKey as exc:
        line, pointer = _json_duplicate(text, exc.key)
        raise fail(file, line, pointer, f"duplicate key {exc.key!r}") from None
    except json.JSONDecodeError as exc:
        raise fail(file, exc.lineno, "", f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        line, pointer = _json_too_deep(text, MAX_DEPTH)
        raise fail(file, line, pointer, f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # an integer past Python's digit limit, for one
        raise fail(file, None, "", f"unreadable JSON value: {exc}") from None
    too_deep = _deeper_than(data, MAX_DEPTH)
    locate = _JsonLocator(text).line
    if too_deep is not None:
        raise fail(file, locate(too_deep), too_deep, f"nesting deeper than {MAX_DEPTH} levels")
    return Document(data, file, text, {}, _locate=locate)


def _deeper_than(data: Any, limit: int) -> str | None:
    """The pointer of the first value nested deeper than `limit`, or None; iterative, so any depth is safe.
    Only containers are walked, and only a document found too deep is walked again to spell the pointer (a
    large spec has hundreds of thousands of values)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        if depth >= limit and children:
            return _first_deeper_than(data, limit)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return None


def _first_deeper_than(data: Any, limit: int) -> str | None:
    """`_deeper_than`'s answer, by the walk that spells every value's pointer as it goes."""
    stack: list[tuple[Any, str, int]] = [(data, "#", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > limit:
            return where
        if isinstance(value, dict):
            stack.extend((v, join(where, k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, join(where, i), depth + 1) for i, v in enumerate(value))
    return None


# The JSON tokens that say where a value is: a key (a string before its colon), a string (skipped whole, so its
# brackets do not count), a bracket, a comma.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(?P<colon>[ \t\n\r]*:)?|[\[\]{},]')


def _json_too_deep(text: str, limit: int) -> tuple[int | None, str]:
    """The line and pointer of the first container nested deeper than `limit`, in a JSON text too deep for the
    decoder (it stops at Python's recursion limit, and says neither); a scan that keeps only the path it is on."""
    path: list[Any] = []  # for each open container: the key of the member being read, or the item's index
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()[0]
        if char in "{[":
            if len(path) >= limit + 1:
                return text.count("\n", 0, token.start()) + 1, join("#", *path)
            path.append("" if char == "{" else 0)
        elif char in "}]":
            if path:
                path.pop()
        elif char == ",":
            if path and isinstance(path[-1], int):
                path[-1] += 1
        elif token.group("colon") and path:
            key = token.group()[: -len(token.group("colon"))]
            with contextlib.suppress(ValueError):  # decoded before the decoder gave up, but a slip costs only text
                key = json.loads(key)
            path[-1] = key
    return None, ""


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _json_duplicate(text: str, key: str) -> tuple[int | None, str]:
    walker = _DuplicateScan(text, key)
    walker.run()
    return walker.found or (None, "")


class _JsonLocator:
    """The line of a JSON document's node by its pointer, found when a message is located: the lookup walks down
    the pointer's path alone. Each container on it is read member by member only as far as the member wanted
    (later lookups go on from there), and each member passed is skipped whole by the C decoder. A few located
    messages cost milliseconds on a 3 MB spec, where indexing every node took a third of a second. Lines are
    those of the member's key in an object, of the value itself in an array or at the root."""

    _SPACE = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        # container pointer → (member pointer → (position of its key or value, of its value), where reading stopped)
        self.read: dict[str, tuple[dict[str, tuple[int, int]], int | None]] = {}
        self.newlines: list[int] | None = None

    def line(self, pointer: str) -> int | None:
        # The text already parsed: a slip here (a value the decoder takes differently) only costs precision.
        try:
            place = self._place(pointer)
        except (ValueError, IndexError, RecursionError):
            return None
        if place is None:
            return None
        if self.newlines is None:
            self.newlines = [match.start() for match in re.finditer("\n", self.text)]
        return bisect.bisect_left(self.newlines, place) + 1

    def _place(self, pointer: str) -> int | None:
        where, value = "#", self._space(0)
        place = value
        while where != pointer:
            if not pointer.startswith(where + "/"):
                return None
            container, where = where, f"{where}/{pointer[len(where) + 1 :].split('/', 1)[0]}"
            found = self._member(container, value, where)
            if found is None:
                return None
            place, value = found
        return place

    def _member(self, container: str, start: int, wanted: str) -> tuple[int, int] | None:
        members, resume = self.read.get(container, ({}, start + 1))  # first, just past the opening bracket
        text = self.text
        opening = text[start]
        index = len(members)
        while wanted not in members and resume is not None and opening in "{[":
            position = self._space(resume)
            if text[position] in "}]":
                resume = None
                break
            if opening == "{":
                key, after = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
                value = self._space(self._space(after) + 1)  # past the colon
                member = join(container, key)
            else:
                value, member = position, join(container, index)
            members.setdefault(member, (position, value))
            index += 1
            end = self._space(self.decoder.raw_decode(text, value)[1])
            resume = end + 1 if text[end] == "," else None
        self.read[container] = (members, resume)
        return members.get(wanted)

    def _space(self, position: int) -> int:
        match = self._SPACE.match(self.text, position)
        return match.end() if match else position


class _DuplicateScan:
    """A small JSON scanner that finds where a duplicate key stands (only run when reporting one)."""

    _SPACE = re.compile(r"[ \t\n\r]*")
    _ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")

    def __init__(self, text: str, duplicate: str) -> None:
        self.text = text
        self.pos = 0
        self.duplicate = duplicate
        self.found: tuple[int, str] | None = None
        self._counted = (0, 1)  # (position, its line): the scan only moves forward, so lines are counted once

    def run(self) -> None:
        # The text already parsed; a scanner slip only costs precision.
        with contextlib.suppress(ValueError, IndexError, RecursionError):
            self.value("#")

    def line(self) -> int:
        position, line = self._counted
        line += self.text.count("\n", position, self.pos)
        self._counted = (self.pos, line)
        return line

    def skip(self) -> None:
        match = self._SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def string(self) -> str:
        value, self.pos = json.decoder.scanstring(self.text, self.pos + 1)  # type: ignore[attr-defined]
        return str(value)

    def value(self, pointer: str) -> None:
        self.skip()
        char = self.text[self.pos]
        if char == "{":
            self.pos += 1
            seen: set[str] = set()
            while True:
                self.skip()
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                key_line = self.line()
                key = self.string()
                child = join(pointer, key)
                if key in seen and key == self.duplicate and self.found is None:
                    self.found = (key_line, child)
                seen.add(key)
                self.skip()
                self.pos += 1  # the colon
                self.value(child)
                self.skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip()
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                self.value(join(pointer, index))
                index += 1
                self.skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == '"':
            self.string()
        else:
            match = self._ATOM.match(self.text, self.pos)
            if match is None:
                raise ValueError(self.pos)
            self.pos = match.end()
