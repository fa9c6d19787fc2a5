"""Rendered text → the same text in black's layout, as far as that can be done without black; and which of its
lines black would leave as they are.

Black takes about a second a megabyte even over text it leaves as it is, and twice that over text it changes
(it formats again whatever its first pass changed). The templates write each statement on one line; the
statements they write thousands of times are split here the way black splits them:

- a call whose arguments fit on one line below it keeps them together there; otherwise, when there are
  several, one per line, each followed by a comma;
- a tuple, list or dict literal with a comma in it: one item per line, each followed by a comma (a list or
  dict of one entry: that entry on a line of its own, with none, split in turn when it does not fit there);
  an item that is a union too long for its line, an operand a line, each after the first led by `| `;
- a `def` line: its parameters, like a call's arguments (but a lone one followed by a comma); a parameter
  with a union hint too long for its line, the hint in parentheses of its own; a subscripted return hint too
  long for the closing line with its brackets' contents on a line of their own, a union one in parentheses;
- an assignment (annotated or not) whose call does not fit after its target: the call inside parentheses,
  on lines of its own; and where not even those fit, an annotation's brackets split first (their contents one
  a line when they do not fit on one), the call after them; and where not even the annotation's bracket fits
  after the target, the annotation in parentheses of its own, the call split after them;
- a `class` line too long for its bases: the bases on a line of their own;
- `from m import a, b` too long: the names in parentheses, one per line, each followed by a comma;
- a string, name or union assigned, too long: in parentheses of its own (or the union annotation in them).

A statement is left on one line whenever anything is less plain than that (a comment, a line holding more
than one statement, a name too long for its first line, text that is not ASCII or holds an escape, a shape
not listed above), or when its split would still leave a line too long (a name or string no one can split:
black may then lay out the rest around it otherwise): black then splits it itself. The one thing never done
is adding a trailing comma where black would not, since black keeps such a comma and would explode the
brackets around it.

`settled` tells format.py which lines need nothing more from black; `docstring` writes a docstring as black
leaves it. The test suite compares the result with black's on every corpus spec (tests/test_layout.py).
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import TypeGuard

LINE_LENGTH = 100  # black's, as format.py runs it
INDENT = "    "


def prelayout(lines: list[str], tree: ast.Module) -> list[str]:
    """The module's `lines` (parsed as `tree`) with each plain over-long one-line statement split as black would
    split it; one item per line given, so that line numbers in `tree` still index it (an item may hold several
    lines now)."""
    lines = list(lines)
    for node in _candidates(tree):
        number = node.lineno - 1
        line = lines[number]
        if len(line) <= LINE_LENGTH or not line.isascii() or "\\" in line:
            continue  # an escape may change length when black picks the quotes; wide text has other widths
        split = _statement(node, line)
        # A split that leaves a line too long (a name or string black cannot split either) stays undone: black
        # may lay out the rest around such a line otherwise, and it is given the statement as written.
        if split is not None and all(len(part) <= LINE_LENGTH for part in split):
            lines[number] = "\n".join(split)
    return lines


def _candidates(tree: ast.Module) -> list[ast.stmt]:
    """Assignments (dataclass fields and endpoint entries among them), `return` statements, calls, and `def` and
    `class` lines: the statements the templates repeat."""
    found: list[ast.stmt] = []
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return | ast.Assign | ast.AnnAssign | ast.Expr | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append(node)
            stack.extend(node.body)
        elif isinstance(node, ast.If):
            stack.extend(node.body + node.orelse)
    return found


def _statement(node: ast.stmt, line: str) -> list[str] | None:
    indent = line[: len(line) - len(line.lstrip(" "))]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return _def(node, line, indent)
    if isinstance(node, ast.ClassDef):
        return _class(node, line, indent)
    if node.end_lineno != node.lineno:
        return None  # already spread over several lines
    if isinstance(node, ast.ImportFrom):
        return _import(node, line, indent)
    if not isinstance(node, ast.Return | ast.Assign | ast.AnnAssign | ast.Expr):
        return None
    value = node.value
    if isinstance(value, ast.Await):
        value = value.value  # `return await call(...)`: the call is split as after `return`
    if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(value, ast.List | ast.Tuple | ast.Dict):
        head = line[: value.col_offset]  # `__all__ = [...]`: one item per line
        if not head.endswith(" = ") or value.end_col_offset != len(line) or any(c in head for c in "([{"):
            return None
        return _collection(value, line, head, indent, "")
    if isinstance(node, ast.Assign | ast.AnnAssign) and not isinstance(value, ast.Call):
        return _parenthesized(node, line, indent)
    if not isinstance(value, ast.Call):
        return None
    if value.end_col_offset != len(line.rstrip()) or line.rstrip() != line:
        return None  # something follows the call: a comment, or a second statement
    head = line[: value.col_offset]
    if isinstance(node, ast.Assign | ast.AnnAssign) and len(head + _source(value.func, line) + "(") > LINE_LENGTH:
        # The call's name does not fit after the target: black wraps the value in parentheses of its own (when
        # those fit after it; else it splits an annotation's brackets, left to it here). A target with brackets
        # of its own (`a[0] = ...`) black may split instead.
        annotation = _source(node.annotation, line) if isinstance(node, ast.AnnAssign) else ""
        if any(c in head.replace(annotation, "") for c in "([{"):
            return None
        if not head.endswith(" = "):
            return None
        if len(head + "(") > LINE_LENGTH:
            if not isinstance(node, ast.AnnAssign):
                return None
            if _operands(node.annotation):
                return _parenthesized(node, line, indent)
            return _annotation_split(node, value, line, indent)
        inner = indent + INDENT
        body = _expression(value, line, inner, inner, "")
        return None if body is None else [head + "(", *body, indent + ")"]
    return _expression(value, line, head, indent, "")


def _annotation_split(node: ast.AnnAssign, value: ast.Call, line: str, indent: str) -> list[str] | None:
    """`name: Hint[A, B] = call(...)` where not even `name: Hint[A, B] = (` fits: black splits the annotation's
    brackets, their contents on a line of their own, then the call after `] = `: whole when it fits there, else
    with its arguments below it."""
    annotation = node.annotation
    if not isinstance(annotation, ast.Subscript) or not isinstance(annotation.value, ast.Name):
        return None
    target = _source(node.target, line)
    hint, name = _source(annotation, line), annotation.value.id
    if not line.startswith(f"{indent}{target}: {hint} = ") or not hint.startswith(name + "["):
        return None
    first, inner = f"{indent}{target}: {name}[", indent + INDENT
    if len(first) > LINE_LENGTH:
        # Not even the bracket fits after the target: the annotation goes in parentheses of its own, on a line of
        # its own (when it fits there), and the call after them is split whether or not it would fit.
        opening, middle = f"{indent}{target}: (", inner + hint
        if len(opening) > LINE_LENGTH or len(middle) > LINE_LENGTH:
            return None
        call = _call(value, line, indent + ") = ", indent, "")
        return None if call is None else [opening, middle, *call]
    contents = [inner + hint[len(name) + 1 : -1]]
    if len(contents[0]) > LINE_LENGTH:
        # The contents split at their commas, one a line with a comma added; a union too long for its line,
        # an operand a line.
        elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
        if not elements:
            return None
        contents = []
        for element in elements:
            one = inner + _source(element, line) + ","
            split = [one] if len(one) <= LINE_LENGTH else _operand_lines(element, line, inner, ",")
            if split is None:
                return None
            contents += split
    head = indent + "] = "
    if len(head + _source(value, line)) <= LINE_LENGTH:
        return [first, *contents, head + _source(value, line)]
    call = _expression(value, line, head, indent, "")
    return None if call is None else [first, *contents, *call]


def _parenthesized(node: ast.Assign | ast.AnnAssign, line: str, indent: str) -> list[str] | None:
    """An assignment black splits by putting one side in parentheses of its own: the value (a name, constant or
    union) when those fit after the target; else a union annotation, with what follows it after them."""
    value, inner = node.value, indent + INDENT
    annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
    if line.rstrip() != line or (isinstance(node, ast.Assign) and not isinstance(node.targets[0], ast.Name)):
        return None
    if isinstance(node, ast.Assign) and len(node.targets) != 1:
        return None
    if (value or annotation or node).end_col_offset != len(line):
        return None  # a comment follows, or another statement
    if value is not None and not isinstance(value, ast.Constant | ast.Name | ast.Call) and not _operands(value):
        return None
    head = line[: value.col_offset] if value is not None else ""
    if value is not None and head.endswith(" = ") and len(head + "(") <= LINE_LENGTH:
        if isinstance(value, ast.Call):
            return None  # the caller's: a call's arguments split after its name
        body = _union(value, line, inner) if _operands(value) else [inner + _source(value, line)]
        if body is None or len(body[0]) > LINE_LENGTH:
            return None  # a string too long even there: black leaves the line as it is
        return [head + "(", *body, indent + ")"]
    if annotation is None or not _operands(annotation):
        return None
    head, tail = line[: annotation.col_offset], line[annotation.end_col_offset or 0 :]
    body = _union(annotation, line, inner)
    if body is None or len(head + "(") > LINE_LENGTH or len(indent + ")" + tail) > LINE_LENGTH:
        return None
    return [head + "(", *body, indent + ")" + tail]


def _operands(node: ast.expr | None) -> list[ast.expr]:
    """The operands of a union written `A | B | ...` (more than one), or none."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)):
        return []
    left = _operands(node.left) or [node.left]
    return [*left, node.right]


def _union(node: ast.expr, line: str, inner: str) -> list[str] | None:
    """A union on its own line at `inner`, or one operand per line, each after the first led by `| `; None when
    an operand needs splitting itself (or is parenthesised), which black does its own way."""
    hugged = inner + _source(node, line)
    if len(hugged) <= LINE_LENGTH:
        return [hugged]
    return _operand_lines(node, line, inner)


def _operand_lines(node: ast.expr, line: str, inner: str, end: str = "") -> list[str] | None:
    """A union an operand a line at `inner`, each after the first led by `| `, `end` after the last; None when
    it is no union, or an operand needs splitting itself (or is parenthesised), which black does its own way."""
    operands = _operands(node)
    if not operands or any(isinstance(o, ast.BinOp) for o in operands):
        return None
    lines = [inner + ("| " if index else "") + _source(o, line) for index, o in enumerate(operands)]
    lines[-1] += end
    if any(len(text) > LINE_LENGTH or "(" in text for text in lines):
        return None
    return lines


def _expression(node: ast.expr, line: str, head: str, indent: str, tail: str) -> list[str] | None:
    """`head` + the expression + `tail`, starting a line at `indent`, split black's way if too long."""
    flat = head + _source(node, line) + tail
    if len(flat) <= LINE_LENGTH:
        return [flat]
    if isinstance(node, ast.Call):
        return _call(node, line, head, indent, tail)
    if head == indent and tail == "," and _operands(node):
        return _operand_lines(node, line, indent, tail)  # an item of exploded brackets: black splits at its bars
    if isinstance(node, ast.Tuple | ast.List | ast.Dict):
        return _collection(node, line, head, indent, tail)
    return None


def _call(node: ast.expr, line: str, head: str, indent: str, tail: str) -> list[str] | None:
    """A call split after its opening bracket: its arguments on one line below it when they fit there, else
    one a line, each followed by a comma."""
    if not isinstance(node, ast.Call) or (not node.keywords and not node.args):
        return None
    opening = head + _source(node.func, line) + "("
    arguments: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
    items = [_argument(a) for a in arguments]
    if any(item is None for item in items):
        return None
    inner = indent + INDENT
    hugged = inner + ", ".join(i[1] + _source(i[0], line) for i in items if i is not None)
    if len(opening) > LINE_LENGTH or len(indent + ")" + tail) > LINE_LENGTH:
        return None
    if len(hugged) <= LINE_LENGTH:
        return [opening, hugged, indent + ")" + tail]
    if len(items) == 1:
        return None  # no comma to split at: black splits inside the argument, adding none
    return _exploded(opening, items, line, indent, ")" + tail)


def _collection(node: ast.Tuple | ast.List | ast.Dict, line: str, head: str, indent: str, tail: str) -> list[str]:
    """A literal with a comma in it, one item per line; anything else stays as it is, for black."""
    text = _source(node, line)
    opening, closing = text[0], text[-1]
    if opening not in "([{" or len(head + opening) > LINE_LENGTH:
        return [head + text + tail]
    if isinstance(node, ast.Dict):
        if not node.keys or any(k is None for k in node.keys):
            return [head + text + tail]  # `**` is left to black
        items = [(v, _source(k, line) + ": ") for k, v in zip(node.keys, node.values, strict=True) if k is not None]
    else:
        if not node.elts or any(isinstance(e, ast.Starred) for e in node.elts):
            return [head + text + tail]
        items = [(e, "") for e in node.elts]
    if len(items) == 1 and not isinstance(node, ast.Tuple):
        # One entry, no comma to split at: black puts it on a line of its own, adding none, and splits that line
        # in turn when it does not fit there.
        inner = indent + INDENT
        entry = _expression(items[0][0], line, inner + items[0][1], inner, "")
        if entry is None or len(indent + closing + tail) > LINE_LENGTH:
            return [head + text + tail]
        return [head + opening, *entry, indent + closing + tail]
    return _exploded(head + opening, items, line, indent, closing + tail) or [head + text + tail]


def _exploded(
    opening: str, items: Sequence[tuple[ast.expr, str] | None], line: str, indent: str, closing: str
) -> list[str] | None:
    inner = indent + INDENT
    out = [opening]
    for item in items:
        if item is None:
            return None
        node, prefix = item
        lines = _expression(node, line, inner + prefix, inner, ",")
        out += lines if lines is not None else [inner + prefix + _source(node, line) + ","]
    return [*out, indent + closing]


def _argument(node: ast.expr | ast.keyword) -> tuple[ast.expr, str] | None:
    if isinstance(node, ast.keyword):
        return None if node.arg is None else (node.value, node.arg + "=")
    return None if isinstance(node, ast.Starred) else (node, "")


def _def(node: ast.FunctionDef | ast.AsyncFunctionDef, line: str, indent: str) -> list[str] | None:
    """A `def` line whose parameters are plain (`self`, `*`, `name: hint = default`, `**name: hint`)."""
    args = node.args
    if node.decorator_list and node.decorator_list[-1].end_lineno == node.lineno:
        return None
    if args.posonlyargs or args.vararg or args.defaults or not args.args:
        return None
    if node.returns is None or node.returns.end_lineno != node.lineno:
        return None
    opening = f"{indent}{'async ' if isinstance(node, ast.AsyncFunctionDef) else ''}def {node.name}("
    if not line.startswith(opening):
        return None
    # Each parameter's text, and its annotation and default as black may split them on a line of their own.
    parameters: list[tuple[str, ast.expr | None, str]] = [
        (a.arg, None, "") if a.annotation is None else (f"{a.arg}: {_source(a.annotation, line)}", a.annotation, "")
        for a in args.args
    ]
    if args.kwonlyargs:
        parameters.append(("*", None, ""))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.annotation is None:
            return None
        after = "" if default is None else f" = {_source(default, line)}"
        parameters.append((f"{arg.arg}: {_source(arg.annotation, line)}{after}", arg.annotation, after))
    if args.kwarg is not None:
        if args.kwarg.annotation is None:
            return None
        parameters.append((f"**{args.kwarg.arg}: {_source(args.kwarg.annotation, line)}", None, ""))
    texts = [text for text, _, _ in parameters]
    flat = opening + ", ".join(texts) + ")"
    if not line.startswith(flat + " -> "):
        return None  # spaced or written otherwise than black writes it: black's to split
    tail = _returns(node.returns, line, indent, line[len(flat) - 1 :])
    if tail is None:
        return None
    inner = indent + INDENT
    hugged = inner + ", ".join(texts)
    if len(hugged) <= LINE_LENGTH:
        # A def's brackets that hold no comma get one (a call's do not): `self,` alone on its line.
        return [opening, hugged + ("," if len(parameters) == 1 else ""), *tail]
    return [opening, *(part for p in parameters for part in _parameter(*p, line=line, inner=inner)), *tail]


def _parameter(text: str, annotation: ast.expr | None, after: str, *, line: str, inner: str) -> list[str]:
    """A parameter of an exploded `def` on its line, followed by a comma. Too long there with a union hint,
    black puts the hint in parentheses of its own (`name: (`, the union, `) = default,`), the union on one
    line when it fits, else an operand a line; any other hint too long is black's to split."""
    one = f"{inner}{text},"
    if len(one) <= LINE_LENGTH or annotation is None or not _operands(annotation):
        return [one]
    name = text[: text.index(":")]
    body = _union(annotation, line, inner + INDENT)
    split = [f"{inner}{name}: (", *(body or ()), f"{inner}){after},"]
    return split if body is not None and all(len(part) <= LINE_LENGTH for part in split) else [one]


def _import(node: ast.ImportFrom, line: str, indent: str) -> list[str] | None:
    """`from m import a, b` too long for its line: the names in parentheses, one a line, each with a comma."""
    names = [alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in node.names]
    opening = f"{indent}from {'.' * node.level}{node.module or ''} import "
    if line != opening + ", ".join(names) or len(opening + "(") > LINE_LENGTH:
        return None  # parenthesised already, or spaced otherwise
    inner = indent + INDENT
    split = [opening + "(", *(inner + name + "," for name in names), indent + ")"]
    return None if any(len(part) > LINE_LENGTH for part in split) else split


def _class(node: ast.ClassDef, line: str, indent: str) -> list[str] | None:
    """A `class` line too long for its bases and keywords (`closed=True`, `not_null=(...)`): they go on a line
    of their own, when they fit there (black adds no comma to a class's brackets, as it does to a def's)."""
    arguments = [*node.bases, *(keyword.value for keyword in node.keywords)]
    if not node.bases or any(k.arg is None for k in node.keywords):
        return None
    if any(argument.end_lineno != node.lineno for argument in arguments):
        return None
    opening = f"{indent}class {node.name}("
    written = [_source(base, line) for base in node.bases]
    written += [f"{keyword.arg}={_source(keyword.value, line)}" for keyword in node.keywords]
    bases = ", ".join(written)
    if line != f"{opening}{bases}):" or len(opening) > LINE_LENGTH or len(indent + INDENT + bases) > LINE_LENGTH:
        return None
    return [opening, indent + INDENT + bases, indent + "):"]


def _returns(returns: ast.expr, line: str, indent: str, tail: str) -> list[str] | None:
    """The `) -> hint:` line after the parameters; a subscripted hint too long for it has its brackets' contents
    on a line of their own, when they fit there."""
    if len(indent + tail) <= LINE_LENGTH:
        return [indent + tail]
    if _operands(returns):
        # A union: in parentheses of its own, on one line when it fits there, else an operand a line.
        hint = _source(returns, line)
        body = _union(returns, line, indent + INDENT)
        if not tail.startswith(f") -> {hint}") or body is None:
            return None
        split = [f"{indent}) -> (", *body, f"{indent}){tail[len(f') -> {hint}') :]}"]
        return split if all(len(part) <= LINE_LENGTH for part in split) else None
    if not isinstance(returns, ast.Subscript) or returns.value.end_lineno != returns.lineno:
        return None
    hint, name = _source(returns, line), _source(returns.value, line)
    if not tail.startswith(f") -> {hint}:") or not hint.startswith(name + "[") or not hint.endswith("]"):
        return None
    contents, after = hint[len(name) + 1 : -1], tail[len(f") -> {hint}") :]
    first, middle = f"{indent}) -> {name}[", indent + INDENT + contents
    if len(first) > LINE_LENGTH or len(middle) > LINE_LENGTH or len(indent + "]" + after) > LINE_LENGTH:
        return None
    return [first, middle, indent + "]" + after]


def _source(node: ast.AST, line: str) -> str:
    return line[node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]


def docstring(body: str, indent: int) -> str:
    """A docstring literal as black leaves it, from `body` (encode.docstring's, unindented) at `indent`
    columns: lines after the first indented and stripped on the right, a space between the text and a quote
    that would touch the closing quotes, and those on a line of their own when the last line would be too
    long with them (the space is then not needed)."""
    prefix = " " * indent
    lines = body.split("\n")
    rest = lines[1:]
    if _CONTINUED.search(body):  # black leaves such a docstring as written (indenting it would change it)
        return '"""' + "\n".join([lines[0], *(prefix + line if line else "" for line in rest)]) + '"""'
    margin = min((len(line) - len(line.lstrip(" ")) for line in rest if line.strip()), default=0)
    text = "\n".join([lines[0].strip(), *(prefix + line[margin:].rstrip() if line.strip() else "" for line in rest)])
    if "\n" not in text.rstrip():  # nothing after the first line: black closes it there
        text, rest = text.rstrip() or (" " if body else ""), []
    elif not rest[-1].strip():
        text += prefix  # black keeps a blank last line as the indentation of the closing quotes
    if text.startswith('"'):
        text = " " + text
    padded = text + " " if text.endswith('"') or _odd_backslashes(text) else text
    last = padded.split("\n")[-1]
    if rest and len(last) + 3 > LINE_LENGTH and not _odd_backslashes(text):
        return f'"""{text}\n{prefix}"""'
    return f'"""{padded}"""'


# A backslash before the end of a line, as black looks for it.
_CONTINUED = re.compile(r"\\\s*\n")


def _odd_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def settled(lines: list[str], tree: ast.Module, *, start: bool = False) -> list[bool]:
    """For each item of prelayout's `lines`: whether black would leave it as it is, as far as can be told
    without black. A docstring of a module, class or method (written by `docstring`) is; so is a comment of
    its own line; any other line is when it is ASCII and fits, which in a module written by the built-in
    templates means black has nothing left to split, and blank lines are where and as many as black puts them.
    The rest of black's rules (quotes, spacing) those templates and the encoder follow; the test suite holds
    every corpus output to a full black pass. `start`: the lines begin the module (its docstring, if any)."""
    fits = [all(len(part) <= LINE_LENGTH for part in line.split("\n")) and line.isascii() for line in lines]
    for number, line in enumerate(lines):
        comment = line.lstrip(" ")
        if comment.startswith("# ") and line.isascii() and comment.rstrip() == comment:
            fits[number] = True  # black never splits a comment, and this one is spelled as black spells it
    docstrings: set[int] = set(_module_docstring(lines, tree) if start else ())
    scopes: list[ast.stmt] = list(tree.body)
    while scopes:
        node = scopes.pop()
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            docstrings.update(range(first.lineno - 1, first.end_lineno or first.lineno))
        if isinstance(node, ast.ClassDef):
            scopes.extend(node.body)
            docstrings.update(number for stmt in node.body[1:] for number in _plain_string(stmt, lines))
        else:  # an attribute's docstring in `__init__`
            docstrings.update(_after_assignments(node.body, lines))
    # A string after an assignment at the top (a type alias's docstring): black leaves it as it is, as in a class.
    docstrings.update(_after_assignments(tree.body, lines))
    _blank_lines_settled(lines, fits, docstrings)
    _top_level_gaps_settled(lines, fits, tree, start=start)
    for number, line in enumerate(lines):
        if fits[number] and number not in docstrings and _COMMA_CLOSE.search(line) and _magic_comma(line):
            fits[number] = False
    for number in docstrings:
        fits[number] = True  # black never splits a docstring's lines, nor counts its blank ones
    for number, line in enumerate(lines):
        if "\\" in line and _UNNORMAL_ESCAPE.search(line):
            fits[number] = False  # black writes the escape's digits in lower case, its name in upper
    return fits


# An escape black would respell (as written by something other than this project's encoder).
_UNNORMAL_ESCAPE = re.compile(r"\\(?:x[0-9a-f]?[A-F]|u[0-9a-f]{0,3}[A-F]|U[0-9a-f]{0,7}[A-F]|N\{[^}]*[a-z])")


def _after_assignments(body: list[ast.stmt], lines: list[str]) -> Iterator[int]:
    """The lines of each plain string statement right after an assignment (an attribute's docstring)."""
    for before, stmt in itertools.pairwise(body):
        if isinstance(before, ast.Assign | ast.AnnAssign):
            yield from _plain_string(stmt, lines)


def _plain_string(node: ast.stmt, lines: list[str]) -> range:
    """The lines of a string statement after a class's first (a field's docstring): black leaves such a string as
    it is, however long, when it is triple-double-quoted with no prefix. (An escape black would respell is
    caught by `settled`, after this.)"""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
        return range(0)
    numbers = range(node.lineno - 1, node.end_lineno or node.lineno)
    text = "\n".join(lines[n] for n in numbers)
    if not text.lstrip(" ").startswith('"""') or not text.endswith('"""'):
        return range(0)
    if text.lstrip(" ")[3:-3].count('"""') or node.col_offset != len(text) - len(text.lstrip(" ")):
        return range(0)  # more than one string, or something before it on its line
    return numbers


# A comma right before a closing bracket, on one line: black keeps such brackets exploded ("magic trailing
# comma"), except a parenthesised one-element tuple's.
_COMMA_CLOSE = re.compile(r",[ \t]*[)\]}]")


def _magic_comma(text: str) -> bool:
    """Whether some line of `text` has a trailing comma black would explode its brackets for (or might: a line
    it cannot read through, with a triple quote or an unbalanced bracket, counts as having one)."""
    for line in text.split("\n"):
        if not _COMMA_CLOSE.search(line):
            continue
        if '"""' in line or "'''" in line or re.search(r",[ \t]+[)\]}]", line):
            return True  # a string it cannot see the end of; or a space black would take out
        stack: list[list[int]] = []  # per open bracket: [its character, commas inside it, whether it is a call's]
        previous, index = "", 0
        while index < len(line):
            char = line[index]
            if char in "\"'":  # a string: skipped whole, its escapes with it
                end = index + 1
                while end < len(line) and line[end] != char:
                    end += 2 if line[end] == "\\" else 1
                index, previous = end + 1, char
                continue
            if char in "([{":
                before = line[index - 1] if index else " "  # a call's or subscript's bracket touches its name
                stack.append([ord(char), 0, int(before.isalnum() or before in "_)]")])
            elif char == "," and stack:
                stack[-1][1] += 1
            elif char in ")]}":
                if not stack:
                    return True
                opener, commas, call = stack.pop()
                one_tuple = chr(opener) == "(" and commas == 1 and not call
                if previous == "," and not one_tuple:
                    return True
            if not char.isspace():
                previous = char
            index += 1
    return False


def _module_docstring(lines: list[str], tree: ast.Module) -> range:
    """The lines of the module's docstring when black leaves it as it is: as `docstring` writes it."""
    first = tree.body[0] if tree.body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and first.col_offset == 0):
        return range(0)
    numbers = range(first.lineno - 1, first.end_lineno or first.lineno)
    written = "\n".join(lines[n] for n in numbers)
    if not (isinstance(first.value.value, str) and written.startswith('"""') and written.endswith('"""')):
        return range(0)
    return numbers if len(written) >= 6 and docstring(written[3:-3], 0) == written else range(0)


def _top_level_gaps_settled(lines: list[str], fits: list[bool], tree: ast.Module, *, start: bool) -> None:
    """Marks as unsettled the lines between two top-level statements (and before the first, at the module's
    start) where black would put other blank lines: two around a class or function; one after the module's
    docstring, and after the imports; no more than two anywhere. A comment between: left to black."""
    body = tree.body
    if start and body:
        head = range(0, first_line(body[0]) - 1)
        if any(not lines[n].strip() for n in head) or (head and not lines[0].strip()):
            fits[0 : len(head)] = [False] * len(head)  # black starts the module at its first comment or statement
    for number, (before, node) in enumerate(itertools.pairwise(body)):
        gap = range(before.end_lineno or before.lineno, first_line(node) - 1)
        if any(lines[n].strip() for n in gap):
            wanted: tuple[int, ...] = ()
        elif is_definition(before) and before.body[0].lineno == before.lineno:
            wanted = ()  # a one-line class or function: black's own rules
        elif is_definition(node) or is_definition(before):
            wanted = (2,)
        elif start and number == 0 and isinstance(before, ast.Expr) and isinstance(before.value, ast.Constant):
            wanted = (1,)  # after the module's docstring
        elif isinstance(before, ast.Import | ast.ImportFrom) and not isinstance(node, ast.Import | ast.ImportFrom):
            wanted = (1,)
        else:
            wanted = (0, 1, 2)
        if len(gap) not in wanted:
            first = first_line(node) - 1
            fits[gap.start : first + 1] = [False] * (first + 1 - gap.start)
    if body:
        tail = range(body[-1].end_lineno or body[-1].lineno, len(lines))
        if any(lines[n].strip() for n in tail):  # a comment after the last statement: black's to place
            fits[tail.start :] = [False] * len(tail)


def is_definition(node: ast.stmt | None) -> TypeGuard[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)


def first_line(node: ast.stmt) -> int:
    """A statement's first line (1-based), a definition's decorators included."""
    if is_definition(node) and node.decorator_list:
        return min(node.lineno, *(d.lineno for d in node.decorator_list))
    return node.lineno


def _blank_lines_settled(lines: list[str], fits: list[bool], docstrings: set[int]) -> None:
    """Marks as unsettled each run of blank lines inside a class or function black would change (more than
    one), and each method that follows a statement with no blank line between."""
    index = 0
    while index < len(lines):
        if lines[index].strip() or index in docstrings:
            index += 1
            continue
        end = index
        while end < len(lines) and not lines[end].strip():
            end += 1
        after = lines[end].split("\n")[0] if end < len(lines) else ""
        run = end - index
        top_level = bool(after) and not after[0].isspace()  # what follows: `_top_level_gaps_settled`'s
        if run > 1 and not top_level:
            fits[index:end] = [False] * run
        index = end
    for index in range(1, len(lines)):
        line, before = lines[index].split("\n")[0], lines[index - 1].split("\n")[-1].strip()
        method = line[:1].isspace() and line.lstrip().startswith(("def ", "async def ", "@"))
        if method and before and not before.startswith("@") and not before.endswith((":", ": ...")):
            fits[index] = False  # black puts a blank line before a method that follows a statement
