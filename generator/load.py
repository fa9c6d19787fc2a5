"""Spec file or Markdown page → Document (JSON-like data plus a pointer → line map)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import GeneratorError, fail, pointer_join

# Bounds on untrusted input: a document past them is refused before it can exhaust memory.
MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 200
MAX_ALIAS_EXPANSION = 100_000

# CommonMark fences: three or more backticks or tildes; the block ends at a
# fence of the same character at least as long, so text may hold shorter ones.
_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*(yaml|yml|json)[ \t]*$", re.IGNORECASE)


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
    _locate: Callable[[str], int | None] | None = field(default=None, compare=False, repr=False)

    def line_of(self, pointer: str) -> int | None:
        """The 1-based source line of a JSON pointer, or of its nearest located ancestor."""
        while True:
            line = self.lines.get(pointer)
            if line is None and self._locate is not None:
                line = self._locate(pointer)
            if line is not None:
                return line + self.line_offset
            if "/" not in pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def load(path: Path, *, display: str | None = None) -> Document:
    """Read a `.yaml`/`.yml`/`.json` spec or a Markdown page that embeds one."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(name, None, "", f"cannot read the spec: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise fail(name, None, "", f"the spec is {len(raw)} bytes; the limit is {MAX_BYTES}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(name, None, "", f"the spec is not UTF-8 (byte {exc.start})") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        doc = parse_json(text, file=name)
    elif suffix in {".yaml", ".yml"}:
        doc = _yaml_or_recovered(text.splitlines(), file=name, offset=0)
    else:
        doc = parse_page(text, file=name)
    return replace(_finish(doc), sha256=hashlib.sha256(raw).hexdigest())


def parse_page(text: str, *, file: str) -> Document:
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
        doc = parse_json("\n".join(body) + "\n", file=file)
    else:
        doc = _yaml_or_recovered(body, file=file, offset=start)
    return Document(
        doc.data, file, doc.text, doc.lines, line_offset=start, recovered=doc.recovered, _locate=doc._locate
    )


def _yaml_or_recovered(body: list[str], *, file: str, offset: int) -> Document:
    """Parse YAML; if it lost all its indentation (a copied docs page), rebuild its structure first."""
    flattened = len(body) > 3 and not any(line[:1].isspace() for line in body if line.strip())
    try:
        doc = parse_yaml("\n".join(body) + "\n", file=file)
    except GeneratorError as exc:
        # Lost indentation shows as a syntax error, or as keys repeated at the top level; a refused tag or a
        # limit stands as it is.
        if not flattened or not all(d.message.startswith(("invalid YAML", "duplicate key")) for d in exc.diagnostics):
            raise
        return _recover(body, file=file, first_line=offset + 1)
    # Flat lines can still parse, as one mapping whose every key is top level: `info:` is then empty.
    if flattened and not isinstance(doc.data.get("info"), dict):
        return _recover(body, file=file, first_line=offset + 1)
    return doc


def _recover(body: list[str], *, file: str, first_line: int) -> Document:
    # Imported here: recovery is only needed for pages whose YAML lost its indentation.
    from .recover import recover

    text = recover(body, file=file, first_line=first_line)
    doc = parse_yaml(text, file=file)
    # Recovery only re-indents, so line k of the recovered text is line k of the block once blanks are dropped.
    kept = [i for i, line in enumerate(body) if line.strip()]
    lines = {ptr: kept[n - 1] + 1 if 0 < n <= len(kept) else n for ptr, n in doc.lines.items()}
    return Document(doc.data, file, text, lines, recovered=True)


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
    return doc


# --- YAML -------------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe loader that builds JSON data itself, so that keys, duplicates, aliases and depth are under control."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # PyYAML composes recursively: bound the depth here, long before Python's own recursion limit.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _TooDeep(mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def parse_yaml(text: str, *, file: str) -> Document:
    """Parse YAML safely into JSON-like data, keeping each node's line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # A problem found at the end of the stream is reported on the last line, not one past it.
        line = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise fail(file, line, "", f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise fail(file, None, "", f"invalid YAML: {exc}") from None
    except _TooDeep as exc:
        raise fail(file, exc.line, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    except RecursionError:
        raise fail(file, None, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if node is None:
        raise fail(file, 1, "", "the document is empty")
    builder = _YamlBuilder(loader, file)
    data = builder.build(node, "#", 0)
    if not isinstance(data, dict):
        raise fail(file, node.start_mark.line + 1, "#", "the document is not a mapping of OpenAPI fields")
    return Document(data, file, text, builder.lines)


_PLAIN_COLLECTIONS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class _YamlBuilder:
    def __init__(self, loader: _Loader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[str, int] = {}
        self.expanded = 0
        # Without aliases a document has fewer nodes than characters; past that, aliases are multiplying it.
        self.limit = max(MAX_ALIAS_EXPANSION, len(loader.buffer))

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.lines.setdefault(pointer, line)
        if depth > MAX_DEPTH:
            raise fail(self.file, line, pointer, f"nesting deeper than {MAX_DEPTH} levels")
        self.expanded += 1
        if self.expanded > self.limit:
            raise fail(self.file, line, pointer, "YAML aliases expand beyond the document's size limit")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_COLLECTIONS:
            # The safe constructor would refuse a tag like !!python/object on a collection; building
            # collections ourselves, we refuse it here, so no tag is ever silently dropped.
            raise fail(self.file, line, pointer, f"YAML tag {node.tag!r} is not allowed in an OpenAPI document")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, pointer_join(pointer, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise fail(self.file, key_node.start_mark.line + 1, pointer, "a mapping key must be a scalar")
            key = _key_text(self._scalar(key_node), key_node.value)
            child = pointer_join(pointer, key)
            if key in result:
                first = self.lines.get(child)
                raise fail(
                    self.file,
                    key_node.start_mark.line + 1,
                    child,
                    f"duplicate key {key!r} (first defined on line {first})",
                )
            self.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        # Timestamps and binary stay text: OpenAPI documents are JSON data.
        if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # an integer past Python's digit limit, for one
            raise fail(self.file, node.start_mark.line + 1, "", f"unreadable value: {exc}") from None
        except yaml.YAMLError as exc:
            raise fail(self.file, node.start_mark.line + 1, "", f"invalid YAML: {exc}") from None


def _key_text(value: Any, source: str) -> str:
    # `200:` and `true:` are keys written without quotes; OpenAPI keys are always strings.
    if isinstance(value, str):
        return value
    if value is None:
        return source
    if isinstance(value, bool):
        return source
    return str(value) if isinstance(value, int) else source


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
        raise fail(file, None, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # an integer past Python's digit limit, for one
        raise fail(file, None, "", f"unreadable JSON value: {exc}") from None
    too_deep = _deeper_than(data, MAX_DEPTH)
    lines: dict[str, int] | None = None

    def locate(pointer: str) -> int | None:
        nonlocal lines
        if lines is None:
            lines = _JsonLines(text).run()
        return lines.get(pointer)

    if too_deep is not None:
        raise fail(file, locate(too_deep), too_deep, f"nesting deeper than {MAX_DEPTH} levels")
    return Document(data, file, text, {}, _locate=locate)


def _deeper_than(data: Any, limit: int) -> str | None:
    """The pointer of the first value nested deeper than `limit`, or None; iterative, so any depth is safe."""
    stack: list[tuple[Any, str, int]] = [(data, "#", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > limit:
            return where
        if isinstance(value, dict):
            stack.extend((v, pointer_join(where, k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, pointer_join(where, i), depth + 1) for i, v in enumerate(value))
    return None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _json_duplicate(text: str, key: str) -> tuple[int | None, str]:
    walker = _JsonLines(text, duplicate=key)
    walker.run()
    return walker.found or (None, "")


class _JsonLines:
    """A small JSON scanner that records the line of each value's pointer (only run when reporting)."""

    _SPACE = re.compile(r"[ \t\n\r]*")
    _ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")

    def __init__(self, text: str, *, duplicate: str | None = None) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[str, int] = {}
        self.duplicate = duplicate
        self.found: tuple[int, str] | None = None

    def run(self) -> dict[str, int]:
        # The text already parsed; a scanner slip only costs precision.
        with contextlib.suppress(ValueError, IndexError):
            self.value("#")
        return self.lines

    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def skip(self) -> None:
        match = self._SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def string(self) -> str:
        value, self.pos = json.decoder.scanstring(self.text, self.pos + 1)  # type: ignore[attr-defined]
        return str(value)

    def value(self, pointer: str) -> None:
        self.skip()
        self.lines.setdefault(pointer, self.line())
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
                child = pointer_join(pointer, key)
                if key in seen and key == self.duplicate and self.found is None:
                    self.found = (key_line, child)
                seen.add(key)
                self.lines.setdefault(child, key_line)
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
                self.value(pointer_join(pointer, index))
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
