"""The engine's module → the models module: its header and imports made ours, the slot carrier removed, every
string literal re-encoded, and the classes it defines read back."""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import re
import token
import tokenize
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import encode, layout
from ..errors import fail

_HEADER = re.compile(r"\A(?:#[^\n]*\n)+\n*")
# The names the templates use for the dataclass machinery and the base class: private, so that no property,
# model or enum member can shadow them.
_OWN_IMPORTS = (
    "from dataclasses import dataclass as _dataclass",
    "from dataclasses import field as _field",
    "from ._serde import Model as _Model",
)
_SCHEMAS = "#/components/schemas"


@dataclass(frozen=True)
class Field:
    """A dataclass field as the module declares it."""

    python_name: str
    wire_name: str
    type_hint: str  # the annotation's source
    required: bool  # no default: the constructor needs it
    read_only: bool = False
    write_only: bool = False


@dataclass(frozen=True)
class Scanned:
    """What the models module defines, read from its syntax tree."""

    bases: dict[str, tuple[str, ...]]  # class → base class names (models only; `_Model` and enum bases left out)
    enums: dict[str, dict[Any, str]]  # enum class → wire value → member name
    fields: dict[str, tuple[Field, ...]]  # model class → its own fields, in order
    aliases: frozenset[str]  # names bound by `X: TypeAlias = ...`
    imports: dict[str, str]  # a name the module imports → its dotted origin ("date_aliased" → "datetime.date")


@dataclass(frozen=True)
class Finished:
    """One module of the engine's, finished: what `finish` makes of it before it is given its header."""

    imports: tuple[str, ...]  # the engine's import lines it keeps, as written
    body: str  # everything after them, no blank lines at either end
    scanned: Scanned


def frozen(done: Finished) -> dict[str, Any]:
    """A finished module as JSON values (`thawed` gives it back): enum members as [wire value, name] pairs, since
    a wire value need not be a string."""
    scanned = done.scanned
    return {
        "imports": list(done.imports),
        "body": done.body,
        "bases": {name: list(bases) for name, bases in scanned.bases.items()},
        "enums": {
            name: [[value, member] for value, member in members.items()] for name, members in scanned.enums.items()
        },
        "fields": {
            name: [[f.python_name, f.wire_name, f.type_hint, f.required, f.read_only, f.write_only] for f in fields]
            for name, fields in scanned.fields.items()
        },
        "aliases": sorted(scanned.aliases),
        "names": scanned.imports,
    }


def thawed(data: dict[str, Any]) -> Finished:
    scanned = Scanned(
        {name: tuple(bases) for name, bases in data["bases"].items()},
        {name: {value: member for value, member in members} for name, members in data["enums"].items()},
        {name: tuple(Field(*f) for f in fields) for name, fields in data["fields"].items()},
        frozenset(data["aliases"]),
        dict(data["names"]),
    )
    return Finished(tuple(data["imports"]), data["body"], scanned)


def finish(
    source: str, *, carrier: str, file: str, optional_tags: dict[str, frozenset[str]] | None = None
) -> tuple[str, Scanned]:
    """The models module and what it defines: our imports, no carrier, every literal through `encode`, and tag
    fields spelled with their enum members (`_enum_tags`)."""
    done = finished(source, carrier=carrier, file=file, optional_tags=optional_tags)
    return joined(list(done.imports), [done])


def joined(imports: list[str], modules: Sequence[Finished]) -> tuple[str, Scanned]:
    """The models module of finished modules (the parts of a large spec's, in order) under one header of `imports`
    (the engine's lines that `Finished.imports` keep), and what it defines."""
    head = "\n".join(["from __future__ import annotations", "", *_OWN_IMPORTS, *imports])
    body = "\n\n\n".join(module.body for module in modules if module.body)
    scans = [module.scanned for module in modules]
    scanned = Scanned(
        {name: bases for scan in scans for name, bases in scan.bases.items()},
        {name: members for scan in scans for name, members in scan.enums.items()},
        {name: fields for scan in scans for name, fields in scan.fields.items()},
        frozenset(name for scan in scans for name in scan.aliases),
        {name: origin for scan in scans for name, origin in scan.imports.items()},
    )
    return head + "\n" + body + "\n", scanned


def kept(line: str) -> bool:
    """Whether an import line of the engine's stays in the module: ours stand for its future and dataclasses."""
    return not line.startswith(("from __future__", "from dataclasses import"))


def finished(
    source: str, *, carrier: str, file: str, optional_tags: dict[str, frozenset[str]] | None = None
) -> Finished:
    """One engine module finished. The module is parsed once, and every change is placed by that one tree: a
    large spec's module is megabytes, and each parse of it a third of a second, each tokenize of it more."""
    source = _HEADER.sub("", source, count=1)
    lines = source.split("\n")
    # The engine writes its imports first: the lines up to the first that is neither an import nor blank.
    top = next(
        (n for n, line in enumerate(lines) if line.strip() and not line.startswith(("import ", "from "))), len(lines)
    )
    imports = [line for line in lines[:top] if line.startswith(("import ", "from "))]
    own = [line for line in imports if kept(line)]
    body = "\n".join(lines[top:])
    head = "\n".join(["from __future__ import annotations", "", *_OWN_IMPORTS, *own, ""])
    text = head + body.lstrip("\n").rstrip("\n") + "\n"
    tree = _parse(text, file)
    carried = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == carrier), None)
    nodes = [node for node in tree.body if node is not carried]
    lines = text.split("\n")
    strings = _string_edits(nodes, lines)
    if strings is None:  # a literal the tree cannot place alone (implicit concatenation): token by token
        text = reencode(text, file=file)
        tree = _parse(text, file)
        carried = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == carrier), None)
        nodes = [node for node in tree.body if node is not carried]
        lines, strings = text.split("\n"), []
    # An import no statement reads is left out (the engine imports `typing_extensions.deprecated` for a
    # deprecated schema whether or not its templates use it): the package imports nothing it does not need.
    # The slot carrier's reads count: the client's type hints name what its fields use.
    statements = [node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)]
    used = {name for node in statements for name in names_read(node)}
    trimmed = [line for line in (_used_only(line, used) for line in own) if line is not None]
    unread = _bound_by(own) - _bound_by(trimmed)
    own = trimmed
    scanned = _scan(nodes, file)
    scanned = replace(scanned, imports={name: origin for name, origin in scanned.imports.items() if name not in unread})
    tags: list[_Edit] = []
    for tag in _enum_tags(nodes, scanned):
        expr = tag.expr
        if expr.end_lineno != expr.lineno or expr.end_col_offset is None:
            continue  # the engine writes these on one line; anything else is left as written
        tags.append(_Edit(*_span(expr, lines), tag.text))
        if tag.annotation:  # what a scan of the edited module reads as the field's type
            scanned.fields[tag.cls] = tuple(
                replace(f, type_hint=tag.text) if f.python_name == tag.field else f for f in scanned.fields[tag.cls]
            )
    for before, metadata in _optional_tags(nodes, optional_tags or {}):
        # From the end of the keyword before to the end of the metadata: `, metadata={"required": True}`.
        start, end = _span(before, lines)[1], _span(metadata, lines)[1]
        if start[0] == end[0]:  # the engine writes a field on one line; anything else is left as written
            tags.append(_Edit(start, end, ""))
    for cls, name, edits in _tags_left_out(nodes, optional_tags or {}, lines):
        tags += edits
        scanned.fields[cls] = tuple(
            replace(f, type_hint=f.type_hint + " | None", required=False) if f.python_name == name else f
            for f in scanned.fields[cls]
        )
    for before, keyword, kept_names in _not_null(nodes, carried, scanned):
        # The engine writes a class line on one line; anything else is left as it is.
        if kept_names:  # the tuple, without the fields whose type admits null after all
            start, end = _span(keyword.value, lines)
            quoted = [encode.string_literal(name) for name in kept_names]
            text = "(" + ", ".join(quoted) + ("," if len(quoted) == 1 else "") + ")"
        else:  # `, not_null=(...)`, from the end of what comes before it
            (start, end), text = (_span(before, lines)[1], _span(keyword.value, lines)[1]), ""
        if start[0] == end[0]:
            tags.append(_Edit(start, end, text))
    dropped = set(range(layout.first_line(carried) - 1, carried.end_lineno or 0)) if carried is not None else set()
    dropped |= _blank_lines_past_two(nodes, lines, dropped)
    # A string inside a tag's span is the tag's to write; a tag can only hold strings that start on its lines.
    by_line: dict[int, list[_Edit]] = {}
    for tag_edit in tags:
        for number in range(tag_edit.start[0], tag_edit.end[0] + 1):
            by_line.setdefault(number, []).append(tag_edit)
    free = [s for s in strings if not any(t.holds(s) for t in by_line.get(s.start[0], ()))]
    edited = _apply(lines, tags + free)
    kept_lines = [line for number, line in enumerate(edited) if number not in dropped and line is not None]
    count = head.count("\n")
    finished_body = "\n".join(kept_lines[count:]).lstrip("\n").rstrip("\n")
    return Finished(tuple(own), finished_body, scanned)


def names_read(node: ast.AST) -> set[str]:
    """The names a statement reads (not those it binds): what it needs imported."""
    return {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load)}


def _bound_by(lines: list[str]) -> set[str]:
    """The names import lines bind."""
    bound: set[str] = set()
    for line in lines:
        with contextlib.suppress(SyntaxError, ValueError):
            for statement in ast.parse(line).body:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    bound.update(alias.asname or alias.name.split(".")[0] for alias in statement.names)
    return bound


def _used_only(line: str, used: set[str]) -> str | None:
    """An import line of the engine's with only the names that are `used`; None when it keeps none."""
    try:
        (statement,) = ast.parse(line).body
    except (SyntaxError, ValueError):
        return line  # not one import statement: kept as written
    if not isinstance(statement, ast.Import | ast.ImportFrom):
        return line
    names = [
        alias
        for alias in statement.names
        if (alias.asname or (alias.name if isinstance(statement, ast.ImportFrom) else alias.name.split(".")[0])) in used
    ]
    if len(names) == len(statement.names):
        return line
    if not names:
        return None
    statement.names = names
    return ast.unparse(statement)


@dataclass(frozen=True)
class _Edit:
    """Text to put in place of a span of the module: (line index, character column) to (line index, column)."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str

    def holds(self, other: _Edit) -> bool:
        return self.start <= other.start and other.end <= self.end


def _span(node: ast.expr, lines: list[str]) -> tuple[tuple[int, int], tuple[int, int]]:
    """A node's span, its columns (UTF-8 bytes in the tree) as indexes into its lines' characters."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    return (first, _column(lines[first], node.col_offset)), (last, _column(lines[last], node.end_col_offset or 0))


def _string_edits(nodes: list[ast.stmt], lines: list[str]) -> list[_Edit] | None:
    """Each string literal re-written by `encode` as `reencode` does token by token, placed by the tree; None when
    the tree cannot place some literal alone (`"a" "b"` is one node of two tokens; an f-string) or a statement
    holds a block other than a class's, where only tokens tell a docstring from a value."""
    edits: list[_Edit] = []
    pending: list[tuple[ast.stmt, bool]] = [(node, False) for node in nodes]
    while pending:
        node, first = pending.pop()
        if isinstance(node, ast.ClassDef):
            pending += [(stmt, index == 0 and stmt.lineno > node.lineno) for index, stmt in enumerate(node.body)]
            parts: list[ast.AST] = [*node.decorator_list, *node.bases, *node.keywords]
        elif hasattr(node, "body"):
            return None
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            start, end = _span(node.value, lines)
            written = _text(lines, start, end)
            if not _plain(written):
                if _prefixed(written):
                    continue
                return None
            body = encode.docstring(node.value.value)
            # A block's first statement is its docstring, laid out as black does; a later one (a field's
            # docstring) black leaves as it is.
            text = layout.docstring(body, start[1]) if first else '"""' + body + '"""'
            edits.append(_Edit(start, end, text))
            continue
        else:
            parts = [node]
        for part in parts:
            if not _quoted(part, lines):
                continue
            for inner in ast.walk(part):
                if isinstance(inner, ast.JoinedStr):
                    return None
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    start, end = _span(inner, lines)
                    written = _text(lines, start, end)
                    if _plain(written):
                        edits.append(_Edit(start, end, encode.string_literal(inner.value)))
                    elif not _prefixed(written):
                        return None
    return edits


def _quoted(node: ast.AST, lines: list[str]) -> bool:
    """Whether a quote stands on any of a node's lines: most of a module's statements hold no string at all."""
    first, last = getattr(node, "lineno", 1) - 1, getattr(node, "end_lineno", None) or len(lines)
    return any('"' in line or "'" in line for line in lines[first:last])


def _prefix(written: str) -> str:
    return written[: len(written) - len(written.lstrip("rRbBuUfF"))]


def _prefixed(written: str) -> bool:
    """A literal with a prefix other than `r` (bytes, u, f): the token pass leaves those as written."""
    return bool(_prefix(written).lower().strip("r"))


def _plain(written: str) -> bool:
    """A literal to re-write: one token, no prefix but `r`."""
    return not _prefixed(written) and _one_literal(written[len(_prefix(written)) :])


def _text(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[0] == end[0]:
        return lines[start[0]][start[1] : end[1]]
    return "\n".join([lines[start[0]][start[1] :], *lines[start[0] + 1 : end[0]], lines[end[0]][: end[1]]])


def _one_literal(written: str) -> bool:
    """Whether a string literal's text (its prefix taken off) is one token: no unescaped closing quote before its
    end."""
    quote = next((q for q in ('"""', "'''", '"', "'") if written.startswith(q)), None)
    if quote is None or len(written) < 2 * len(quote) or not written.endswith(quote):
        return False
    inner, index = written[len(quote) : -len(quote)], 0
    if quote not in inner:  # a second token would have closed the first with this quote
        return True
    while index < len(inner):
        if inner[index] == "\\":
            index += 2
        elif inner.startswith(quote, index):
            return False
        else:
            index += 1
    return index == len(inner)  # not ending in a lone backslash, which would escape the closing quote


def _apply(lines: list[str], edits: list[_Edit]) -> list[str | None]:
    """The lines with every edit made, indexed as before: an edit that spans lines leaves its text on its first
    line (newlines included) and None on the others, so that line numbers from the tree still hold."""
    out: list[str | None] = list(lines)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):  # right to left: columns stay true
        (first, begin), (last, end) = edit.start, edit.end
        head, tail = out[first], out[last]
        assert head is not None and tail is not None  # edits do not overlap
        out[first] = head[:begin] + edit.text + tail[end:]
        for number in range(first + 1, last + 1):
            out[number] = None
    return out


def _blank_lines_past_two(nodes: list[ast.stmt], lines: list[str], dropped: set[int]) -> set[int]:
    """The blank lines between two top-level statements past the first two (the engine leaves three before a
    type alias, and the carrier's place leaves more): black keeps two, so with two the block needs no black."""
    extra: set[int] = set()
    for before, after in itertools.pairwise(nodes):
        gap = [n for n in range(before.end_lineno or before.lineno, layout.first_line(after) - 1) if n not in dropped]
        if len(gap) > 2 and not any(lines[n].strip() for n in gap):
            extra.update(gap[2:])
    return extra


def _column(line: str, offset: int) -> int:
    """A column as the syntax tree gives it (in UTF-8 bytes) as an index into the line's characters."""
    return offset if line.isascii() else len(line.encode("utf-8")[:offset].decode("utf-8"))


def scan(source: str, *, file: str) -> Scanned:
    """What a models module defines, read from its syntax tree."""
    return _scan(_parse(source, file).body, file)


def _scan(nodes: list[ast.stmt], file: str) -> Scanned:
    bases: dict[str, tuple[str, ...]] = {}
    enums: dict[str, dict[Any, str]] = {}
    fields: dict[str, tuple[Field, ...]] = {}
    aliases: set[str] = set()
    imports: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if isinstance(node.annotation, ast.Name) and node.annotation.id == "TypeAlias":
                aliases.add(node.target.id)
        elif isinstance(node, ast.ClassDef):
            names = [b.id for b in node.bases if isinstance(b, ast.Name)]
            if any(n.endswith("Enum") for n in names):
                enums[node.name] = _members(node, file)
            else:
                bases[node.name] = tuple(n for n in names if n != "_Model")
                fields[node.name] = _fields(node)
    return Scanned(bases, enums, fields, frozenset(aliases), imports)


def _members(node: ast.ClassDef, file: str) -> dict[Any, str]:
    members: dict[Any, str] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                value = ast.literal_eval(stmt.value)
            except ValueError:
                continue
            if not isinstance(value, Hashable):
                # An object or array value, from a schema `hoist` did not reach (one inside a component's `$defs`):
                # the runtime finds members by value, and no such value can be looked up. Said where, not a crash.
                message = f"enum {node.name} has an object or array value, which an enum member cannot be"
                raise fail(file, None, _SCHEMAS, message)
            members.setdefault(value, stmt.targets[0].id)
    return members


def _fields(node: ast.ClassDef) -> tuple[Field, ...]:
    found: list[Field] = []
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        metadata: dict[str, Any] = {}
        required = stmt.value is None
        call = stmt.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_field":
            keywords = {k.arg: k.value for k in call.keywords}
            required = "default" not in keywords
            if "metadata" in keywords:
                metadata = ast.literal_eval(keywords["metadata"])
        name = stmt.target.id
        found.append(
            Field(
                python_name=name,
                wire_name=str(metadata.get("wire", name)),
                type_hint=ast.unparse(stmt.annotation),
                required=required,
                read_only=bool(metadata.get("read_only")),
                write_only=bool(metadata.get("write_only")),
            )
        )
    return tuple(found)


def _parse(source: str, file: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise fail(file, None, _SCHEMAS, f"model generation produced invalid Python: {exc.msg}") from None


def reencode(source: str, *, file: str) -> str:
    """The module with every string literal re-written by `encode`: the engine chooses names and structure,
    but spec text reaches the module only through this project's encoders (repr for values, the docstring
    encoder for docstrings), so hidden characters are escaped and values stay exact."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise fail(file, None, _SCHEMAS, f"model generation produced invalid Python: {exc}") from None
    lines = io.StringIO(source).readlines()  # the lines tokenize sees: split at \n only
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    pieces: list[str] = []
    position = 0
    previous = token.NEWLINE
    for tok in tokens:
        prefix = _prefix(tok.string)
        if tok.type == token.STRING and not prefix.lower().strip("r"):
            begin = starts[tok.start[0] - 1] + tok.start[1]
            end = starts[tok.end[0] - 1] + tok.end[1]
            value = _literal(tok.string, file)
            standalone = previous in (token.NEWLINE, token.INDENT, token.DEDENT, token.NL)
            if previous == token.INDENT:  # the first statement of a class: its docstring, laid out as black does
                text = layout.docstring(encode.docstring(value), tok.start[1])
            elif standalone:  # a field's docstring: black leaves such a string as it is
                text = '"""' + encode.docstring(value) + '"""'
            else:
                text = encode.string_literal(value)
            pieces.append(source[position:begin])
            pieces.append(text)
            position = end
        if tok.type not in (token.COMMENT, token.NL):
            previous = tok.type
    pieces.append(source[position:])
    return "".join(pieces)


def _literal(text: str, file: str) -> str:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise fail(file, None, _SCHEMAS, f"model generation produced an invalid string literal: {exc}") from None
    if not isinstance(value, str):
        raise fail(file, None, _SCHEMAS, "model generation produced an unexpected literal")
    return value


@dataclass(frozen=True)
class _Tag:
    cls: str
    field: str
    expr: ast.expr  # the field's annotation, or its default
    text: str  # what replaces it
    annotation: bool


def _enum_tags(nodes: list[ast.stmt], scanned: Scanned) -> Iterator[_Tag]:
    """A subclass's tag field (`Literal["a"]`, the discriminator value of its union) spelled with the enum member
    its base class declares for that value (`Literal[Kind.A]`), default included: the engine writes the plain
    value, which type checkers reject as an override of the base's enum field. Decoding and encoding see the
    same wire value either way."""
    defined: set[str] = set()  # the enums above this class: a default can only name one of those
    for node in nodes:
        if isinstance(node, ast.ClassDef) and node.name in scanned.enums:
            defined.add(node.name)
        if not (isinstance(node, ast.ClassDef) and node.name in scanned.fields):
            continue
        inherited = {
            f.python_name: f.type_hint for base in _ancestors(node.name, scanned) for f in scanned.fields[base]
        }
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            member = _enum_member(stmt, inherited.get(stmt.target.id), scanned)
            if member is None or member.partition(".")[0] not in defined:
                continue
            name = stmt.target.id
            yield _Tag(node.name, name, stmt.annotation, f"Literal[{member}]", annotation=True)
            default = stmt.value
            if isinstance(default, ast.Call):
                default = next((k.value for k in default.keywords if k.arg == "default"), None)
            if isinstance(default, ast.Constant):
                yield _Tag(node.name, name, default, member, annotation=False)


def _optional_tags(nodes: list[ast.stmt], optional: dict[str, frozenset[str]]) -> Iterator[tuple[ast.expr, ast.expr]]:
    """For each class's discriminator field that its schema does not require (`hoist.Plan.optional_tags`), the
    value of the keyword before its `metadata={"required": True}`, and that metadata: cut, the field keeps its
    default, and decoding no longer asks for it. A field whose metadata holds more than that is left as it is."""
    for node, stmt, name in _fields_in(nodes, optional):
        call = stmt.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_field"):
            continue
        keywords = call.keywords
        last = keywords[-1] if keywords else None
        if last is None or last.arg != "metadata" or len(keywords) < 2 or not isinstance(last.value, ast.Dict):
            continue
        try:
            metadata = ast.literal_eval(last.value)
        except ValueError:
            continue
        # With no other metadata the field's name is its wire name.
        if metadata == {"required": True} and name in optional[node.name]:
            yield keywords[-2].value, last.value


def _not_null(
    nodes: list[ast.stmt], carried: ast.ClassDef | None, scanned: Scanned
) -> Iterator[tuple[ast.expr, ast.keyword, list[str]]]:
    """The `not_null=(...)` keywords to change, each with the base or keyword before it and the field names it
    keeps (none: the keyword goes). It tells union members apart, so it stays only on the classes a union of the
    module may decode: the names of a `|` of two or more, in any annotation (the carrier's too: the client's
    hints) or alias, an alias among them standing for the names it holds, and a member's bases with it. A field
    typed by an alias that admits null (`Pip: TypeAlias = PipEnum | None`) is no such field: the engine reads
    the reference alone."""
    values = _alias_values(nodes, scanned)
    aliased = {name: {n.id for n in ast.walk(value) if isinstance(n, ast.Name)} for name, value in values.items()}
    members: set[str] = set()
    for node in [*nodes, *([carried] if carried is not None else [])]:
        for expression in _annotations(node):
            members |= _union_names(expression)
    todo = list(members)
    while todo:
        name = todo.pop()
        for more in [*aliased.get(name, ()), *scanned.bases.get(name, ())]:
            if more not in members:
                members.add(more)
                todo.append(more)
    nullable = _nullable_aliases(values)
    for node in nodes:
        if not isinstance(node, ast.ClassDef):
            continue
        arguments: list[ast.expr | ast.keyword] = [*node.bases, *node.keywords]
        for index, keyword in enumerate(arguments):
            if not (isinstance(keyword, ast.keyword) and keyword.arg == "not_null" and index):
                continue
            before = arguments[index - 1]
            elements = keyword.value.elts if isinstance(keyword.value, ast.Tuple) else []
            named = [e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            kept = named if node.name in members else []
            annotations = {
                stmt.target.id: stmt.annotation
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            }
            # A field's own `| None` is there for leaving it out: only what else it names may admit null.
            kept = [
                name
                for name in kept
                if name not in annotations or not _admits_null(annotations[name], nullable, own_none=False)
            ]
            if kept != named:
                yield (before.value if isinstance(before, ast.keyword) else before), keyword, kept


def _alias_values(nodes: list[ast.stmt], scanned: Scanned) -> dict[str, ast.expr]:
    """Each type alias of the module, and the type it stands for."""
    return {
        node.target.id: node.value
        for node in nodes
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None
        if node.target.id in scanned.aliases
    }


def _nullable_aliases(values: dict[str, ast.expr]) -> set[str]:
    """The aliases whose type admits null, through the aliases they name."""
    found: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, value in values.items():
            if name not in found and _admits_null(value, found):
                found.add(name)
                grew = True
    return found


def _admits_null(expression: ast.expr, nullable: set[str], *, own_none: bool = True) -> bool:
    """Whether a type expression's alternatives hold None (`own_none`), Any, or an alias that admits null."""
    for part in _alternatives(expression):
        if own_none and isinstance(part, ast.Constant) and part.value is None:
            return True
        if isinstance(part, ast.Name) and (part.id == "Any" or part.id in nullable):
            return True
    return False


def _annotations(node: ast.stmt) -> Iterator[ast.expr]:
    """The type expressions a statement holds: an alias's value, a field's annotation, a class's fields'."""
    if isinstance(node, ast.AnnAssign):
        yield node.annotation
        if node.value is not None and isinstance(node.annotation, ast.Name) and node.annotation.id == "TypeAlias":
            yield node.value
    elif isinstance(node, ast.ClassDef):
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign):
                yield stmt.annotation


def _union_names(expression: ast.expr) -> set[str]:
    """The names that are members of a `|` of two or more besides None, anywhere in a type expression (walked
    through the nodes a hint is made of: a module's worth of hints, so not by `ast.walk`)."""
    found: set[str] = set()
    todo = [expression]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            parts = _alternatives(node)
            if len([part for part in parts if not (isinstance(part, ast.Constant) and part.value is None)]) > 1:
                found |= {part.id for part in parts if isinstance(part, ast.Name)}
            todo += [part for part in parts if isinstance(part, ast.Subscript)]
        elif isinstance(node, ast.Subscript):
            todo.append(node.slice)
        elif isinstance(node, ast.Tuple):
            todo += node.elts
    return found


def _alternatives(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_alternatives(node.left), *_alternatives(node.right)]
    return [node]


def _fields_in(
    nodes: list[ast.stmt], classes: dict[str, frozenset[str]]
) -> Iterator[tuple[ast.ClassDef, ast.AnnAssign, str]]:
    """Each field of the classes named in `classes`: its class, its statement and its name."""
    for node in nodes:
        if isinstance(node, ast.ClassDef) and node.name in classes:
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    yield node, stmt, stmt.target.id


def _tags_left_out(
    nodes: list[ast.stmt], optional: dict[str, frozenset[str]], lines: list[str]
) -> Iterator[tuple[str, str, list[_Edit]]]:
    """For each class's discriminator field that its schema does not require and that has no default (several
    mappings give it several values, `Literal["a", "alpha"]`, and the caller picks one): the edits that make it
    `Literal[...] | None = None`, so that a payload without it decodes, as with one value (`_optional_tags`)."""
    for node, stmt, name in _fields_in(nodes, optional):
        hint, call = stmt.annotation, stmt.value
        named = hint.value if isinstance(hint, ast.Subscript) else None
        literal = isinstance(named, ast.Name) and named.id == "Literal"
        if not literal or _wire_name(stmt) not in optional[node.name] or stmt.lineno != stmt.end_lineno:
            continue  # the engine writes a field on one line; anything else is left as written
        end = _span(hint, lines)[1]
        if call is None:
            yield node.name, name, [_Edit(end, end, " | None = None")]
        elif (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "_field"
            and not call.args
            and call.keywords
            and all(k.arg not in ("default", "default_factory") for k in call.keywords)
        ):
            keyword = call.keywords[0]
            first = (keyword.lineno - 1, _column(lines[keyword.lineno - 1], keyword.col_offset))
            yield node.name, name, [_Edit(end, end, " | None"), _Edit(first, first, "default=None, ")]


def _wire_name(stmt: ast.AnnAssign) -> str | None:
    """A field's JSON name: its metadata's "wire", else its own name; None where the metadata is not literal."""
    name = stmt.target.id if isinstance(stmt.target, ast.Name) else None
    call = stmt.value
    for keyword in call.keywords if isinstance(call, ast.Call) else ():
        if keyword.arg == "metadata":
            try:
                metadata = ast.literal_eval(keyword.value)
            except ValueError:
                return None
            wire = metadata.get("wire", name) if isinstance(metadata, dict) else name
            return wire if isinstance(wire, str) else None
    return name


def _ancestors(name: str, scanned: Scanned) -> list[str]:
    found: list[str] = []
    pending = list(scanned.bases.get(name, ()))
    while pending:
        base = pending.pop()
        if base in scanned.fields and base not in found:
            found.append(base)
            pending.extend(scanned.bases.get(base, ()))
    return found


def _enum_member(stmt: ast.AnnAssign, inherited: str | None, scanned: Scanned) -> str | None:
    """`Enum.MEMBER` when the field is `Literal[value]` over an inherited field typed by an enum (or the enum
    `| None`) that has a member of that value; None otherwise."""
    annotation = stmt.annotation
    if inherited is None or not (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id == "Literal"
        and isinstance(annotation.slice, ast.Constant)
    ):
        return None
    enum = inherited.removesuffix(" | None")
    value = annotation.slice.value
    members = scanned.enums.get(enum, {})
    # An enum's values compare across types (`1 == True`): only a member of the literal's own type counts.
    for wire, member in members.items():
        if type(wire) is type(value) and wire == value:
            return f"{enum}.{member}"
    return None
