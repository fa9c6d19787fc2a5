"""Proofs that a flattened docs-page block is ambiguous: a second document that flattens to the same lines.

Once every line of block YAML loses its indentation, the keys (or list items) that end one container and the
ones that continue an enclosing container look alike. `witness_at(data, index)` builds the other reading of
flattened line `index` by moving content across such a boundary, checks that the other document flattens to
exactly the same lines and still means something valid, and returns it. A recovery tool that stops with
"ambiguous" on that line is then right to stop: no tool can tell the two documents apart.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.recover import example_keys
from tests.recover.docs_page import _PROSE_KEYS, _block, _scalar, docs_page_yaml, stripped

Path = tuple[Any, ...]  # keys and list indices from the document root


@dataclass(frozen=True)
class Witness:
    """A different document whose flattened lines equal the original's; the move starts on line `index`."""

    document: Any
    index: int
    source: str  # JSON pointer of the container the content leaves
    target: str  # JSON pointer of the container it joins
    description: str
    # The pages differ only in where folded (`>-`) text breaks its lines, which follows the indentation.
    refolded: bool = False


# -- where each node sits in the grammar -------------------------------------------------------------------
# A table of its own, not generator/recover/grammar.py's: a proof that shared the recovery tool's reading of the
# grammar would share its mistakes too.
# A kind names what a position holds: an object ("Schema", "Operation", ...), "{X}" a map of author-chosen
# names to X, "[X]" a list of X, "Compose" an allOf/anyOf/oneOf list, "data" free-form JSON (anything below
# it is data too) and "Opaque" a position this walker does not model (nothing below it counts as data).
# "A|B" picks B when the value is a list, A otherwise.

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
_SCHEMA: dict[str, str] = {
    **dict.fromkeys(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"), "{Schema}"),
    **dict.fromkeys(
        (
            "additionalProperties",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "additionalItems",
            "contentSchema",
        ),
        "Schema",
    ),
    **dict.fromkeys(("allOf", "anyOf", "oneOf"), "Compose"),
    **dict.fromkeys(("example", "default", "const"), "data"),
    "items": "Schema|[Schema]",
    "prefixItems": "[Schema]",
    "enum": "[data]",  # each item is its own free-form value; the list is not
    "examples": "Opaque|data",  # free-form when a list (JSON Schema), not when a map
    "xml": "XML",
    "externalDocs": "ExternalDocs",
    "discriminator": "Discriminator",
}
_SIMPLE2 = {"items": "Items2", "default": "data", "enum": "[data]"}  # Swagger 2.0 inline validation keywords
_OBJECTS: dict[str, dict[str, str]] = {
    "OpenAPI": {
        "info": "Info",
        "servers": "[Server]",
        "paths": "Paths",
        "webhooks": "{PathItem}",
        "components": "Components",
        "tags": "[Tag]",
        "externalDocs": "ExternalDocs",
    },
    "Components": {
        "schemas": "{Schema}",
        "responses": "{Response}",
        "parameters": "{Parameter}",
        "examples": "{Example}",
        "requestBodies": "{RequestBody}",
        "headers": "{Header}",
        "securitySchemes": "{SecurityScheme}",
        "links": "{Link}",
        "callbacks": "{Callback}",
        "pathItems": "{PathItem}",
        "mediaTypes": "{MediaType}",
    },
    "PathItem": {
        **dict.fromkeys(_METHODS, "Operation"),
        "additionalOperations": "{Operation}",
        "parameters": "[Parameter]",
        "servers": "[Server]",
    },
    "Operation": {
        "externalDocs": "ExternalDocs",
        "parameters": "[Parameter]",
        "requestBody": "RequestBody",
        "responses": "Responses",
        "callbacks": "{Callback}",
        "servers": "[Server]",
    },
    "Parameter": {"schema": "Schema", "content": "{MediaType}", "example": "data", "examples": "{Example}"},
    "Header": {"schema": "Schema", "content": "{MediaType}", "example": "data", "examples": "{Example}"},
    "RequestBody": {"content": "{MediaType}"},
    "MediaType": {
        "schema": "Schema",
        "itemSchema": "Schema",
        "example": "data",
        "examples": "{Example}",
        "encoding": "{Encoding}",
    },
    "Encoding": {"headers": "{Header}"},
    "Response": {"headers": "{Header}", "content": "{MediaType}", "links": "{Link}"},
    "Example": {"value": "data", "dataValue": "data"},
    "Link": {"parameters": "data", "requestBody": "data", "server": "Server"},
    "Schema": _SCHEMA,
    "Info": {"contact": "Contact", "license": "License"},
    "Server": {"variables": "{ServerVariable}"},
    "Tag": {"externalDocs": "ExternalDocs"},
    "SecurityScheme": {"flows": "OAuthFlows"},
    "OAuthFlows": dict.fromkeys(
        ("implicit", "password", "clientCredentials", "authorizationCode", "deviceAuthorization"), "OAuthFlow"
    ),
    **{name: {} for name in ("Contact", "License", "ServerVariable", "OAuthFlow", "ExternalDocs", "XML")},
    "Discriminator": {},
    # Swagger 2.0
    "Swagger": {
        "info": "Info",
        "paths": "Paths2",
        "definitions": "{Schema}",
        "parameters": "{Parameter2}",
        "responses": "{Response2}",
        "securityDefinitions": "{SecurityScheme}",
        "tags": "[Tag]",
        "externalDocs": "ExternalDocs",
    },
    "PathItem2": {**dict.fromkeys(_METHODS, "Operation2"), "parameters": "[Parameter2]"},
    "Operation2": {"externalDocs": "ExternalDocs", "parameters": "[Parameter2]", "responses": "Responses2"},
    "Parameter2": {**_SIMPLE2, "schema": "Schema"},
    "Items2": _SIMPLE2,
    "Header2": _SIMPLE2,
    "Response2": {"schema": "Schema", "headers": "{Header2}", "examples": "data"},
}
# Maps of names that also take `x-` extensions.
_NAMED = {
    "Paths": "PathItem",
    "Paths2": "PathItem2",
    "Responses": "Response",
    "Responses2": "Response2",
    "Callback": "PathItem",
}
# Objects with their own `type` and instance keywords, checked by the consistency rule.
_SCHEMA_LIKE = frozenset({"Schema", "Parameter2", "Items2", "Header2"})
# Keywords that describe a schema without shaping it: they read as well on a property as on its owner.
_ANNOTATIONS = frozenset(
    {
        "description",
        "summary",
        "title",
        "xml",
        "externalDocs",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_REQUIRED = {
    "Parameter": ("name", "in"),
    "Parameter2": ("name", "in"),
    "Tag": ("name",),
    "Server": ("url",),
    "ExternalDocs": ("url",),
}


def _child_kind(kind: str, key: Any, value: Any) -> str:
    if kind in ("data", "Opaque"):
        return kind
    if kind == "Compose":
        return "Schema"
    if kind.startswith(("{", "[")):
        return _resolve(kind[1:-1], value)
    extension = _extension(key)
    if kind in _NAMED:
        return "data" if extension else _resolve(_NAMED[kind], value)
    if kind in _OBJECTS:
        if key in _OBJECTS[kind]:
            return _resolve(_OBJECTS[kind][key], value)
        return "data" if extension else "Opaque"
    return "Opaque"


def _resolve(spec: str, value: Any) -> str:
    """The kind of a value at a position with this spec."""
    if "|" in spec:
        one, many = spec.split("|")
        return many if isinstance(value, list) else one
    return spec


def kinds(doc: Any, path: Path) -> list[str]:
    """The kind of every node from the root down to `path` (one more than the path's length)."""
    kind = "Swagger" if isinstance(doc, dict) and "swagger" in doc else "OpenAPI"
    out = [kind]
    node = doc
    for step in path:
        node = node[step]
        kind = _child_kind(kind, step, node)
        out.append(kind)
    return out


# -- where each key and item starts in the flattened lines ----------------------------------------------------


def _heads(data: Any) -> tuple[list[str], list[list[Path]]]:
    """The flattened lines, and for each the paths of the keys and items whose head is on it, outermost first.

    A copy of `docs_page_yaml` that also records paths; the caller checks that it still writes the same text.
    """
    out: list[str] = []
    heads: dict[int, list[Path]] = {}

    def value(node: Any, indent: int, prefix: str, path: Path) -> None:
        pad = " " * indent
        if isinstance(node, dict) and node:
            for n, (key, child) in enumerate(node.items()):
                heads.setdefault(len(out), []).append((*path, key))
                head = (pad if n else prefix) + _scalar(key) + ":"
                entry(child, indent, head, isinstance(key, str) and key in _PROSE_KEYS, (*path, key))
        elif isinstance(node, list) and node:
            for n, child in enumerate(node):
                heads.setdefault(len(out), []).append((*path, n))
                head = (pad if n else prefix) + "-"
                if isinstance(child, (dict, list)) and child:
                    value(child, indent + 2, head + " ", (*path, n))
                else:
                    entry(child, indent, head, False, (*path, n))
        else:
            out.append(prefix + ("{}" if isinstance(node, dict) else "[]"))

    def entry(child: Any, indent: int, head: str, prose: bool, path: Path) -> None:
        if isinstance(child, (dict, list)) and child:
            out.append(head)
            value(child, indent + 2, " " * (indent + 2), path)
            return
        block = _block(child, indent + 2, prose) if isinstance(child, str) else None
        if block is not None:
            out.append(f"{head} {block[0]}")
            out.extend(block[1:])
        elif isinstance(child, (dict, list)):
            out.append(f"{head} {'{}' if isinstance(child, dict) else '[]'}")
        else:
            out.append(f"{head} {_scalar(child)}")

    value(data, 0, "", ())
    # Flattening drops blank lines (inside literal blocks); head lines are never blank.
    flat: list[str] = []
    flat_heads: list[list[Path]] = []
    for number, line in enumerate(out):
        if line.strip():
            flat.append(line.strip())
            flat_heads.append(heads.get(number, []))
    return flat, flat_heads


# -- moves -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    source: Path  # container losing content
    target: Path  # container gaining it
    outer: Path  # the enclosing container of the two (A or L0)
    inner: Path  # the nested one (M or L1)
    moved: tuple[Any, ...]  # keys, or item indices in the source
    after: Any  # hoists: the entry/item of the outer container the content follows; sinks: None
    verb: str
    keys: bool  # moving keys between mappings, not items between lists
    # A hoist past a container that goes on after the inner one: (that container, its first later step, the
    # container at the end of the hoisted content that takes those later entries or items, as a path in `alt`).
    rest: tuple[Path, Any, Path] | None = None


def _get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _is_last(container: Any, step: Any) -> bool:
    if isinstance(container, dict):
        return bool(next(reversed(container)) == step)
    return bool(step == len(container) - 1)


def _enclosing(doc: Any, path: Path) -> Iterator[tuple[Path, Any, tuple[Path, Any] | None]]:
    """(container, step, rest) above `path`, innermost first, whose step's value ends with the node at `path`.

    The node at `path` ends the trailing chain of `container[step]` when every step below `step` is the last
    key or item of its container; then its tail lines are immediately followed by whatever follows `step`.
    One container in between may go on after the step leading to `path`: `rest` is that container and step,
    whose later entries must then follow the hoisted content instead.
    """
    rest = None
    for j in range(len(path) - 1, -1, -1):
        yield path[:j], path[j], rest
        if not _is_last(_get(doc, path[:j]), path[j]):
            if rest is not None:
                return
            rest = (path[:j], path[j])


def _chain(doc: Any, path: Path) -> Iterator[Path]:
    """The containers along the trailing open chain starting at `path`: each one's last value, in turn."""
    node = _get(doc, path)
    while isinstance(node, (dict, list)) and node:
        yield path
        step = next(reversed(node)) if isinstance(node, dict) else len(node) - 1
        path, node = (*path, step), node[step]


def _moves(doc: Any, path: Path) -> Iterator[_Move]:
    """Every move whose content starts with the key or item at `path`, nearest containers first."""
    parent, step = path[:-1], path[-1]
    container = _get(doc, parent)
    steps = _steps(container)
    pos = steps.index(step)
    if pos == 0:  # the container would be left empty, or there is nothing before it to sink into
        return
    tail = tuple(steps[pos:])
    wanted = dict if isinstance(container, dict) else list
    for outer, after, rest in _enclosing(doc, parent):
        if not isinstance(_get(doc, outer), wanted):
            continue
        if rest is None:
            yield _Move(parent, outer, outer, parent, tail, after, "hoist", wanted is dict)
            continue
        # The later entries of `rest` must end the hoisted content: try each container of the right kind at
        # the end of the last hoisted value (the same objects sit under `outer` once moved).
        holder, step = rest
        kind = type(_get(doc, holder))
        last = (*parent, tail[-1])
        for end in _chain(doc, last):
            if isinstance(_get(doc, end), kind):
                hoist = _Move(parent, outer, outer, parent, tail, after, "hoist", wanted is dict)
                yield dataclasses.replace(hoist, rest=(holder, step, _landing(hoist, end)))
    for inner in _chain(doc, (*parent, steps[pos - 1])):
        if isinstance(_get(doc, inner), wanted):
            for j in range(len(tail), 0, -1):  # the longest run first: it leaves the least behind
                yield _Move(parent, inner, parent, inner, tail[:j], None, "sink", wanted is dict)


def _landing(hoist: _Move, path: Path) -> Path:
    """Where a node inside the hoisted content sits once the hoist is done."""
    inside = path[len(hoist.source) :]
    if hoist.keys:
        return (*hoist.target, *inside)
    index = hoist.after + 1 + inside[0] - hoist.moved[0]
    return (*hoist.target, index, *inside[1:])


def _copy_path(doc: Any, path: Path) -> Any:
    """A copy sharing everything but the containers along `path`, which are copied one level deep."""
    root = copy.copy(doc)
    node = root
    for step in path:
        node[step] = copy.copy(node[step])
        node = node[step]
    return root


def _apply(doc: Any, move: _Move) -> Any:
    alt = _copy_path(doc, move.inner)
    content = _take(_get(alt, move.source), list(move.moved))
    _put(_get(alt, move.target), content, move.after)
    if move.rest is not None:
        holder, step, end = move.rest
        alt = _copy_path(alt, end)
        container = _get(alt, holder)
        _put(_get(alt, end), _take(container, _steps(container)[_steps(container).index(step) + 1 :]), None)
    return alt


def _steps(container: Any) -> list[Any]:
    return list(container) if isinstance(container, dict) else list(range(len(container)))


def _take(container: Any, steps: list[Any]) -> list[Any]:
    """Remove the given keys (as pairs) or the given run of item indices; return what was removed."""
    if isinstance(container, dict):
        return [(key, container.pop(key)) for key in steps]
    run = slice(steps[0], steps[0] + len(steps)) if steps else slice(0, 0)
    taken = container[run]
    del container[run]
    return list(taken)


def _put(container: Any, content: list[Any], after: Any) -> None:
    """Insert after the entry or item `after`, or at the end when it is None."""
    if isinstance(container, dict):
        items = list(container.items())
        at = len(items) if after is None else [key for key, _ in items].index(after) + 1
        container.clear()
        container.update([*items[:at], *content, *items[at:]])
    else:
        at = len(container) if after is None else after + 1
        container[at:at] = content


# -- what makes a move legitimate ------------------------------------------------------------------------------


def _allowed(doc: Any, move: _Move) -> bool:
    """Inside one free-form value, annotations between schemas (or from an object that takes them into a
    schema), extensions between objects, properties between nested objects, or schemas between nested
    compositions."""
    if move.keys and any(key in _get(doc, move.target) for key in move.moved):
        return False  # a mapping cannot hold a key twice
    outer = kinds(doc, move.outer)[-1]
    inner = kinds(doc, move.inner)[-1]
    if outer == "data":  # the inner container lies below the outer one, so inside the same value
        return True
    if move.rest is not None:  # only data can take the later entries of an unrelated container
        return False
    if move.keys:
        if all(_extension(key) for key in move.moved):
            return _takes_extensions(outer) and _takes_extensions(inner)
        if outer == inner == "{Schema}":
            return move.outer[-1:] == move.inner[-1:] == ("properties",)
        annotations = all(key in _ANNOTATIONS for key in move.moved)
        return annotations and _takes(outer, move.moved) and _takes(inner, move.moved)
    return outer == inner == "Compose"


def _takes_extensions(kind: str) -> bool:
    return kind in _OBJECTS or kind in _NAMED


def _takes(kind: str, keys: tuple[Any, ...]) -> bool:
    """Whether an object of this kind has all these keys as fields (schemas take every annotation)."""
    return kind == "Schema" or (kind in _FIELDS and all(key in _FIELDS[kind] for key in keys))


def _schema_examples_listed(schema: Any) -> bool:
    """JSON Schema's `examples` is a list; a map of named examples belongs to a media type or parameter."""
    return not isinstance(schema, dict) or not isinstance(schema.get("examples", []), dict)


# Annotations other objects than schemas take as fixed fields.
_FIELDS = {
    "OpenAPI": ("externalDocs",),
    "Swagger": ("externalDocs",),
    "Operation": ("summary", "description", "externalDocs", "deprecated"),
    "Operation2": ("summary", "description", "externalDocs", "deprecated"),
    "Tag": ("description", "externalDocs"),
    "PathItem": ("summary", "description"),
    "Info": ("summary", "description"),
    "Parameter": ("description", "example", "examples", "deprecated"),
    "Header": ("description", "example", "examples", "deprecated"),
    "Response": ("description",),
    "Response2": ("description", "examples"),
    "RequestBody": ("description",),
    "MediaType": ("example", "examples"),
}


def _extension(key: Any) -> bool:
    return isinstance(key, str) and key.startswith("x-")


_FITS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _misfits(schema: Any) -> set[tuple[str, int]]:
    """Instance keywords (and list positions) whose value's JSON kind does not fit the schema's single type."""
    if not isinstance(schema, dict) or schema.get("type") not in _FITS:
        return set()
    fits = _FITS[schema["type"]]
    values = [(key, 0, schema[key]) for key in ("example", "default", "const") if key in schema]
    for key in ("examples", "enum"):
        if isinstance(schema.get(key), list):
            values += [(key, n, item) for n, item in enumerate(schema[key])]
    return {(key, n) for key, n, value in values if value is not None and not fits(value)}


_SHAPE = ("properties", "items", "allOf", "anyOf", "oneOf")


def _ref_beside_shape(schema: Any) -> bool:
    return isinstance(schema, dict) and "$ref" in schema and any(key in schema for key in _SHAPE)


def _touched(doc: Any, move: _Move) -> set[Path]:
    """The two containers and the nearest schema-like node holding each (the owner of a free-form value)."""
    paths = {move.outer, move.inner}
    for path in (move.outer, move.inner):
        owners = [n for n, kind in enumerate(kinds(doc, path)) if kind in _SCHEMA_LIKE]
        if owners:
            paths.add(path[: owners[-1]])
    return paths


def _consistent(doc: Any, alt: Any, move: _Move) -> bool:
    """The recovery tool's evidence must not favour the original: no new misfit, `$ref` mix, missing field, broken
    exclusion of OpenAPI's, `required` name without its property, or property an example of one of the two schemas
    shows."""
    if move.keys and kinds(doc, move.outer)[-1] == "{Schema}":
        owners = (move.outer[:-1], move.inner[:-1])
        if any(_unnamed(_get(alt, owner)) - _unnamed(_get(doc, owner)) for owner in owners):
            return False
        shown = _instances(doc)
        if any(key in shown.get(_pointer(owner), ()) for owner in owners for key in move.moved):
            return False
    for path in _touched(doc, move):
        kind = kinds(doc, path)[-1]
        before, after = _get(doc, path), _get(alt, path)
        if kind in _SCHEMA_LIKE and not _misfits(after) <= _misfits(before):
            return False
        if kind == "Schema" and _ref_beside_shape(after) and not _ref_beside_shape(before):
            return False
        if kind == "Schema" and not _schema_examples_listed(after):
            return False
        if any(key in before and key not in after for key in _REQUIRED.get(kind, ())):
            return False
        if not rules_broken(kind, after) <= rules_broken(kind, before):
            return False
    return True


# -- OpenAPI's own exclusions ------------------------------------------------------------------------------------
# Checked here on their own terms, not through generator/recover/checks.py, for the reason given at the top.

_EXCLUSIVE = {
    "Parameter": (("schema", "content"), ("example", "examples")),
    "Header": (("schema", "content"), ("example", "examples")),
    "MediaType": (("example", "examples"),),
    "Example": (("value", "externalValue"),),
}
_REFERABLE = frozenset(
    {"Parameter", "Header", "Response", "RequestBody", "Example", "Link", "SecurityScheme", "Parameter2", "Response2"}
)


def rules_broken(kind: str, node: Any) -> set[str]:
    """The exclusions of OpenAPI a node of this kind breaks, by name."""
    if not isinstance(node, dict):
        return set()
    broken = {f"{kind}: `{a}` beside `{b}`" for a, b in _EXCLUSIVE.get(kind, ()) if a in node and b in node}
    if kind in _REFERABLE and "$ref" in node:
        beside = sorted(str(key) for key in node if key not in ("$ref", "summary", "description"))
        broken |= {f"{kind}: `{key}` beside `$ref`" for key in beside if not key.startswith("x-")}
    content = node.get("content") if kind in ("Parameter", "Header") else None
    if isinstance(content, dict) and len(content) > 1:
        broken.add(f"{kind}: content with {len(content)} media types")
    return broken


def violations(doc: Any) -> set[tuple[str, str]]:
    """(pointer, rule) for every exclusion of OpenAPI the document breaks."""
    found: set[tuple[str, str]] = set()
    stack: list[tuple[Path, str, Any]] = [((), kinds(doc, ())[0], doc)]
    while stack:
        path, kind, node = stack.pop()
        found |= {(_pointer(path), rule) for rule in rules_broken(kind, node)}
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for step, child in children:
            if isinstance(child, (dict, list)):
                stack.append(((*path, step), _child_kind(kind, step, child), child))
    return found


def _unnamed(schema: Any) -> set[str]:
    """Names a schema's `required` list gives that its properties lack."""
    required = schema.get("required") if isinstance(schema, dict) else None
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(required, list):
        return set()
    return {name for name in required if not isinstance(properties, dict) or name not in properties}


def _instances(doc: Any) -> dict[str, set[str]]:
    """Schema pointer → the keys its examples show, as the recovery tool gathers them."""
    return example_keys(doc)


# -- the witness -----------------------------------------------------------------------------------------------


def _pointer(path: Path) -> str:
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def _describe(move: _Move) -> str:
    if move.keys:
        what = ", ".join(f"`{key}`" for key in move.moved)
    else:
        what = f"{len(move.moved)} item{'s' * (len(move.moved) > 1)}"
    where = f" after `{move.after}`" if move.after is not None else " at its end"
    text = f"{move.verb} {what} from {_pointer(move.source) or '/'} into {_pointer(move.target) or '/'}{where}"
    if move.rest is not None:
        holder, step, end = move.rest
        text += f"; what followed `{step}` in {_pointer(holder)} moves to the end of {_pointer(end)}"
    return text


def witness_at(data: Any, index: int) -> Witness | None:
    """A different, valid, consistent document whose flattened lines equal `data`'s, the move starting on
    flattened line `index`; None when no such move exists there."""
    flat, heads = _heads(data)
    assert flat == stripped(docs_page_yaml(data)), "_heads no longer writes what docs_page_yaml writes"
    if not 0 <= index < len(flat):
        return None
    for path in reversed(heads[index]):  # innermost first: a key before the list item holding it
        for move in _moves(data, path):
            if not _allowed(data, move):
                continue
            alt = _apply(data, move)
            if not _consistent(data, alt, move) or alt == data:
                continue
            other = _heads(alt)
            if other[0] == flat or _unfolded(*other) == _unfolded(flat, heads):
                source, target = _pointer(move.source), _pointer(move.target)
                return Witness(copy.deepcopy(alt), index, source, target, _describe(move), other[0] != flat)
    return None


def placements(data: Any) -> tuple[list[str], list[Path | None]]:
    """The flattened lines of a document and, for each, where the innermost key or item starting on it sits."""
    flat, heads = _heads(data)
    return flat, [starts[-1] if starts else None for starts in heads]


def _unfolded(flat: list[str], heads: list[list[Path]]) -> list[str]:
    """The lines with the text of each folded block on one line: what is left when line widths are ignored."""
    out: list[str] = []
    folding = False
    for line, starts in zip(flat, heads, strict=True):
        if folding and not starts:
            out[-1] += " " + line
            continue
        out.append(line)
        folding = line.endswith((": >-", "- >-"))
        if folding:
            out.append("")
    return [line.strip() for line in out]
