"""YAML text → JSON-like data with a line per pointer: PyYAML's safe loader (libyaml's parser where it reads the
document), its nesting, aliases and tags bounded, and its plain scalars read by YAML 1.2's core schema."""

from __future__ import annotations

import functools
import re
from typing import Any, Final

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ..errors import fail
from .load import MAX_ALIAS_EXPANSION, MAX_DEPTH
from .pointer import join

# YAML 1.2's core schema, which OpenAPI recommends, for plain (unquoted) scalars. PyYAML reads YAML 1.1, whose
# schema changes data a spec's author wrote: `yes`, `no`, `on` and `off` become booleans (an enum of country codes
# loses `NO`), `1e100` and `5e-324` stay strings (no dot), `012` is octal 10, `1_000` is 1000, `1:30` is 90.
NULL: Final = re.compile(r"(?:~|null|Null|NULL|)\Z")
BOOL: Final = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
INT: Final = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
FLOAT: Final = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)


class _Core(BaseResolver):
    """Plain scalars by the core schema; `<<` merge keys are still understood."""


for _tag, _pattern, _first in (
    ("null", NULL, ["~", "n", "N", ""]),
    ("bool", BOOL, list("tTfF")),
    ("int", INT, list("-+0123456789")),
    ("float", FLOAT, list("-+.0123456789")),
    ("merge", re.compile(r"<<\Z"), ["<"]),
):
    _Core.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", _pattern, _first)


class _Constructor(SafeConstructor):
    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        """A core-schema integer: decimal (leading zeros are decimal too), `0o` octal or `0x` hexadecimal."""
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_core_int)  # type: ignore[type-var]


def load_plain(text: str) -> Any:
    """The data of a YAML text, its scalars read as the spec loader reads them, without lines or bounds
    (libyaml's parser where there is one): for recovery, which loads many candidate readings of a text it has
    bounded itself."""
    loader = _plain_loader()(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@functools.cache
def _plain_loader() -> Any:
    try:
        from yaml._yaml import CParser
    except ImportError:
        return _Loader

    class PlainLoader(CParser, _Constructor, _Core):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Constructor.__init__(self)
            _Core.__init__(self)

    return PlainLoader


class _Bounded(Composer):
    """PyYAML's composer, its nesting bounded: it composes recursively, so the bound holds long before
    Python's own recursion limit."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[attr-defined]
                raise _TooDeep(mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(Reader, Scanner, Parser, _Bounded, _Constructor, _Core):
    """The safe loader, all of it in Python, with nesting bounded: the one whose errors are reported."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Bounded.__init__(self)
        _Constructor.__init__(self)
        _Core.__init__(self)


def _fast_loader() -> Any:
    """libyaml's scanner and parser (in C, twice as fast on a large spec; its parser keeps a stack, it does not
    recurse) under the same bounded composer, constructor and resolver; None without libyaml."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None

    class FastLoader(CParser, _Bounded, _Constructor, _Core):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Bounded.__init__(self)
            _Constructor.__init__(self)
            _Core.__init__(self)

        # The composer's, not libyaml's own (which recurses in C, without a bound).
        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document

    return FastLoader


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def parse(text: str, *, file: str) -> tuple[dict[str, Any], dict[str, int]]:
    """YAML text → JSON-like data and the line of every pointer; safe: no tags, bounded depth and aliases."""
    try:
        # The reader checks every character as it is made: a raw NUL or other control character fails here.
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise fail(file, line, "", f"invalid YAML: {exc.reason} character {exc.character!r}") from None
    fast = _fast_loader()
    if fast is not None:
        # Only a document libyaml reads whole is taken from it; any problem is found again, and reported, by
        # the loader above, so its messages and lines are the same with or without libyaml.
        try:
            quick = fast(text)
            return _built(quick, quick.get_single_node(), text, file)
        except Exception:  # GeneratorError included: its marks would lack the pure loader's snippets
            pass
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # A problem found at the end of the stream is reported on the last line, not one past it.
        at = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise fail(file, at, "", f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise fail(file, None, "", f"invalid YAML: {exc}") from None
    except _TooDeep as exc:
        raise fail(file, exc.line, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    except RecursionError:
        raise fail(file, None, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return _built(loader, node, text, file)


def _built(loader: Any, node: yaml.Node | None, text: str, file: str) -> tuple[dict[str, Any], dict[str, int]]:
    if node is None:
        raise fail(file, 1, "", "the document is empty")
    builder = _YamlBuilder(loader, file, size=len(text) + 1)
    data = builder.build(node, "#", 0)
    if not isinstance(data, dict):
        raise fail(file, node.start_mark.line + 1, "#", "the document is not a mapping of OpenAPI fields")
    return data, builder.lines


_PLAIN_COLLECTIONS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class _YamlBuilder:
    def __init__(self, loader: Any, file: str, *, size: int) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[str, int] = {}
        self.expanded = 0
        # Without aliases a document has fewer nodes than characters; past that, aliases are multiplying it.
        self.limit = max(MAX_ALIAS_EXPANSION, size)

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
            return [self.build(item, join(pointer, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise fail(self.file, key_node.start_mark.line + 1, pointer, "a mapping key must be a scalar")
            key = _key_text(self._scalar(key_node), key_node.value)
            child = join(pointer, key)
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
