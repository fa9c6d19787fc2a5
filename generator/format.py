"""{path: text} → {path: text} in black's format (pinned, fixed mode, in-process), each file parsed first.

The client and models modules arrive nearly in black's layout (layout.py splits their long statements as black
would; the encoder quotes and the templates space as black does): their blocks that black would leave as they
are skip it, and black formats the rest. Either way the bytes are black's: the test suite runs black over every
rendered module of the corpus and the snapshots and compares."""

from __future__ import annotations

import ast
import itertools
import json
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, TypeGuard

from . import fingerprint
from .cache import Cache
from .errors import Diagnostic, GeneratorError
from .layout import LINE_LENGTH, first_line, is_definition, prelayout, settled

# Below this much unformatted code, forking workers costs more than it saves (black formats ~50 KB/s).
PARALLEL_MIN_BYTES = 60_000


def format_files(
    files: dict[str, str],
    *,
    source: str,
    cache: bool = True,
    jobs: int | None = None,
    verbatim: frozenset[str] = frozenset(),
    laid_out: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Format every Python file; a file that is not valid Python stops the run before anything is written.
    `verbatim` files are in the house style already (the runtime modules: a test holds them to it).
    `laid_out` files come from templates that write black's layout (the built-in client and models modules):
    their blocks black would leave as they are (layout.settled) are not given to black at all.

    Black is slow (tens of KB a second) and formats each top-level class or function the same wherever it
    stands, so a file is formatted as separate top-level blocks, each remembered in the cache by its text:
    an edit reformats only the blocks it touched, and a large file spreads across cores (`jobs`, default all).
    """
    store = Cache(enabled=cache)
    problems: list[Diagnostic] = []
    formatted: dict[str, str] = {}
    pending: dict[str, list[_Block]] = {}
    todo: dict[str, str] = {}  # path → its text, imports sorted
    for path, text in files.items():
        if path.endswith(".md"):
            formatted[path] = _markdown(text, cache=cache)
            continue
        if not path.endswith(".py") or path in verbatim:
            formatted[path] = text if text.endswith("\n") or not text else text + "\n"
            continue
        whole = _file_key(text)
        hit = store.get("format", whole)
        if hit is not None:
            formatted[path] = hit.decode("utf-8")  # it was parsed and formatted when it was stored
            continue
        todo[path] = _sorted_imports(text)
    runs = _format_runs({p: t for p, t in todo.items() if p in laid_out}, jobs=jobs, cache=cache)
    for path, (result, fresh) in runs.items():
        for block_key, text in fresh.items():
            store.put("format", block_key, text.encode("utf-8"))
        store.put("format", _file_key(files[path]), result.encode("utf-8"))
        formatted[path] = result
    for path, sorted_text in todo.items():
        if path in runs:
            continue
        text = files[path]
        try:
            pending[path] = [
                block
                for offset, sep, lines, tree in _chunks(sorted_text, path, whole=path not in laid_out)
                for block in _blocks(lines, tree, sep, first=offset == 0, trusted=path in laid_out)
            ]
        except SyntaxError as exc:
            problem = exc
            try:  # located in the file as rendered, not as re-sorted
                ast.parse(text, filename=path)
            except SyntaxError as original:
                problem = original
            problems.append(_invalid(source, path, problem))
    if problems:
        raise GeneratorError(problems)
    missing = {
        b.key: b.wrapper + b.text for bs in pending.values() for b in bs if b.result is None and not _lookup(store, b)
    }
    done = _format_all(missing, jobs=jobs)
    failed = [
        Diagnostic(source, None, "#", f"generated {path} cannot be formatted by black: {done[b.key][1]}")
        for path, blocks in pending.items()
        for b in blocks
        if b.key in done and not done[b.key][0]
    ]
    if failed:
        raise GeneratorError(sorted(set(failed)))
    for block_key, (_, text) in done.items():
        store.put("format", block_key, text.encode("utf-8"))
    for path, blocks in pending.items():
        result = join_blocks([(b.sep, b.result if b.result is not None else b.unwrap(done[b.key][1])) for b in blocks])
        store.put("format", _file_key(files[path]), result.encode("utf-8"))
        formatted[path] = result
    return {path: formatted[path] for path in files}  # the caller's order, whatever finished first


# A module longer than this is parsed a run of top-level statements at a time: the syntax tree of a module
# takes some fifty times its size (100 MB for a 2 MB client), the tree of a run a fraction of that.
CHUNK_LINES = 3000


def _chunks(text: str, path: str, *, whole: bool) -> Iterator[tuple[int, str, list[str], ast.Module]]:
    """(index of its first line, the separator before it, its lines, its tree) for each run of the module's
    top-level statements, parsed alone. A run ends where `_cuts` would cut the whole module too, so the runs'
    blocks are the whole module's: before a class or function that follows a multi-line one with only blank
    lines between (black puts two there whatever stands around them), or between two assignments on
    consecutive lines. `whole`, or directives that span blocks: the module in one run."""
    lines = text.split("\n")
    if whole or len(lines) <= CHUNK_LINES or "\r" in text or "fmt:" in text or "\f" in text:
        yield 0, "", lines, ast.parse(text, filename=path)
        return
    starts = [index for index in range(1, len(lines)) if _starts_run(lines, index)]
    begin, sep = 0, ""
    for end in [*starts, len(lines)]:
        if end < len(lines) and end - begin < CHUNK_LINES:
            continue
        if end == len(lines):
            yield begin, sep, lines[begin:], ast.parse("\n".join(lines[begin:]), filename=path)
            return
        try:
            tree = ast.parse("\n".join(lines[begin:end]), filename=path)
        except SyntaxError:
            continue  # the line only looked like a statement's start (inside a string): a longer run
        after = _run_end(tree, lines, begin, end)
        if after is None:
            continue  # a comment between, say: `_cuts` keeps the two together
        yield begin, sep, _trimmed(lines[begin:end]) if after else lines[begin:end], tree
        begin, sep = end, after


# A top-level line that can only start an assignment, once it is known to start a statement.
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?: = |: )")


def _spans(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of at least RUN_LINES lines, as (first line index, index past the last), each ending at an anchor
    where the lines alone show `_chunks` may cut: before a definition that follows the indented end of another,
    or between two assignments (a one-line one, or one closed by a bracket at the margin). A run that parsing shows
    may not end there after all (the lines were inside a string, say) sends its module down the path of
    `_chunks`."""
    spans, begin = [], 0
    for index in range(len(lines)):
        length = index - begin
        if length >= RUN_LINES and _likely_cut(lines, index) and (length >= 2 * RUN_LINES or _anchor(lines, index)):
            spans.append((begin, index))
            begin = index
    return [*spans, (begin, len(lines))]


# A run ends at the first place it may after RUN_LINES whose text is an anchor (about one in ANCHOR_ODDS), or at
# any place it may after twice as many lines. Ended at the first place it may, a run after an edit that adds or
# drops lines would end at another place, and so would every run after it: an edit that added one property to
# OpenAI's models reformatted 12,334 lines (4 runs of 10) and 7,177 of its client's (3 of 4). An anchor is where
# it was, the runs after it are as they were, and their formatting is remembered.
RUN_LINES: Final = 3000
ANCHOR_ODDS: Final = 8


def _anchor(lines: list[str], index: int) -> bool:
    # The statement's first three lines, not its first alone: every model's starts with the same decorator.
    return zlib.crc32("\n".join(lines[index : index + 3]).encode("utf-8")) % ANCHOR_ODDS == 0


def _likely_cut(lines: list[str], index: int) -> bool:
    """Whether the lines alone show a cut `_chunks` would make before line `index` (parsing then confirms it)."""
    line, before = lines[index], lines[index - 1]
    if line.startswith(("class ", "def ", "async def ", "@")):
        above = index - 1
        while above > 0 and not lines[above].strip():
            above -= 1
        return above < index - 1 and lines[above][:1] == " " and _in_definition(lines, above)
    return bool(_ASSIGNMENT.match(line)) and (bool(_ASSIGNMENT.match(before)) or before in (")", "]", "}"))


def _in_definition(lines: list[str], index: int) -> bool:
    """Whether the indented line `index` looks like part of a class or function: the nearest line above it at the
    margin opens one (or closes its multi-line signature). An indented line may also be inside a string at the
    top level (a type alias's docstring): a run cut after one would not parse as `_chunks` cuts it, and the
    whole module would go down the one-core path."""
    while index > 0 and not lines[index][:1].strip():
        index -= 1
    return lines[index].startswith(("class ", "def ", "async def ", "@", ")"))


def _starts_run(lines: list[str], index: int) -> bool:
    """Whether a line can start a run, once it is known to start a statement (`_chunks` checks by parsing)."""
    line, before = lines[index], lines[index - 1]
    return (line.startswith(("class ", "def ", "async def ", "@")) and not before.strip()) or bool(
        _ASSIGNMENT.match(line) and before[:1] not in ("", " ")
    )


def _run_end(tree: ast.Module, lines: list[str], begin: int, end: int) -> str | None:
    """What joins the run [begin, end) to the next when the module may be cut at `end` (see `_chunks`): "" after
    an assignment the next one follows directly, two blank lines after a multi-line definition; None when it
    may not be cut there."""
    last = tree.body[-1] if tree.body else None
    if _is_assignment(last) and last.end_lineno == end - begin and _ASSIGNMENT.match(lines[end]):
        return ""
    if not (is_definition(last) and last.end_lineno is not None and last.body[0].lineno != last.lineno):
        return None
    if any(line.strip() for line in lines[begin + last.end_lineno : end]):
        return None  # a comment between: `_cuts` keeps the two together
    return "\n\n"


def _trimmed(lines: list[str]) -> list[str]:
    """Without the blank lines at its end: the separator before the next run stands for them."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _blocks(lines: list[str], tree: ast.Module, before: str, *, first: bool, trusted: bool) -> list[_Block]:
    """A run of top-level statements as blocks for black, or already as black leaves them (`trusted`: the
    built-in templates wrote them); `before` joins it to the run before; `first`: the run begins the module."""
    text = "\n".join(lines)
    laid = prelayout(lines, tree)  # black's own splits made ahead: far less left to do
    fits = settled(laid, tree, start=first) if trusted else [False] * len(laid)
    classes = {first_line(node) - 1: node for node in tree.body if isinstance(node, ast.ClassDef)}
    blocks: list[_Block] = []
    for start, end, sep in _cuts(text, tree, laid):
        sep = sep if start else before
        if all(fits[start:end]):  # black would leave it as it is
            piece = _piece(laid, start, end)
            blocks.append(_Block(piece, "", sep, result=piece))
            continue
        methods = _methods(classes[start], laid, fits, start, end) if start in classes else None
        for index, (begin, past, gap) in enumerate(methods or [(start, end, sep)]):
            block = _Block(_piece(laid, begin, past), "", sep if index == 0 else gap)
            if methods and all(fits[begin:past]):
                block.result = block.text
            else:
                block.wrapper = _WRAPPER if methods else ""
                block.key = _block_key(block.wrapper + block.text)
            blocks.append(block)
    return blocks


_PYTHON_BLOCK = re.compile(r"^(?P<fence>`{3,})python\n(?P<code>.*?)^(?P=fence)$", re.M | re.S)


def _markdown(text: str, *, cache: bool) -> str:
    """Markdown with its ```python blocks formatted like the package's modules."""

    def block(match: re.Match[str]) -> str:
        code = format_source(match.group("code"), cache=cache)
        return f"{match.group('fence')}python\n{code}{match.group('fence')}"

    text = _PYTHON_BLOCK.sub(block, text)
    return text if text.endswith("\n") or not text else text + "\n"


def is_formatted(text: str) -> bool:
    """Whether black, pinned and in this mode, would leave `text` as it is."""
    return format_source(text) == text


def format_source(text: str, *, cache: bool = False) -> str:
    """One snippet through black; with `cache`, remembered like a block (a hit imports no black)."""
    if not cache:
        return str(_black().format_str(text, mode=_mode()))
    store, entry = Cache(), _block_key(text)
    hit = store.get("format", entry)
    if hit is not None:
        return hit.decode("utf-8")
    result = format_source(text)
    store.put("format", entry, result.encode("utf-8"))
    return result


def _format_block(text: str) -> tuple[bool, str]:
    """(True, formatted) or (False, black's complaint): a value, so that it crosses process boundaries."""
    try:
        return True, format_source(text)
    except Exception as exc:  # black's parse errors have no common public base class
        return False, f"{type(exc).__name__}: {exc}"[:500]


# What a method is formatted inside when it goes to black apart from its class (`_methods`).
_WRAPPER = "class _:\n"


@dataclass
class _Block:
    text: str
    key: str
    sep: str  # what joins it to the block before
    result: str | None = None
    wrapper: str = ""  # the line black sees before `text` (a method's class), taken off its result

    def unwrap(self, formatted: str) -> str:
        if not formatted.startswith(self.wrapper):
            raise ValueError(f"black changed the line it was given before the block: {formatted[:80]!r}")
        return formatted[len(self.wrapper) :].lstrip("\n")


def _lookup(store: Cache, block: _Block) -> bool:
    hit = store.get("format", block.key)
    if hit is not None:
        block.result = block.unwrap(hit.decode("utf-8"))
    return hit is not None


def _invalid(source: str, path: str, exc: SyntaxError) -> Diagnostic:
    where = f"{path}:{exc.lineno}" + (f":{exc.offset}" if exc.offset else "")
    line = f": {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
    return Diagnostic(source, None, "#", f"generated {where} is not valid Python: {exc.msg}{line}")


def split_blocks(text: str, tree: ast.Module | None = None, *, lines: list[str] | None = None) -> list[tuple[str, str]]:
    """The file cut into (separator, block) pieces, at two kinds of place where black's bytes for the whole file
    are the pieces' bytes joined (`join_blocks`):
    - before each top-level class or function that follows another multi-line one, with nothing but blank
      lines between them: black puts exactly two blank lines there whatever surrounds it;
    - between two top-level assignments on consecutive lines: black keeps them so.
    Formatting the pieces apart lets an edit reformat only the pieces it touched, and a large file spread
    across cores. `lines`, one item per line of `text` (prelayout's), gives the pieces' text instead."""
    lines = lines if lines is not None else text.split("\n")
    return [(sep, _piece(lines, start, end)) for start, end, sep in _cuts(text, tree, lines)]


def _cuts(text: str, tree: ast.Module | None, lines: list[str]) -> list[tuple[int, int, str]]:
    """split_blocks' pieces as (first line index, index past the last, separator)."""
    if "\r" in text or "fmt:" in text or "\f" in text:
        return [(0, len(lines), "")]  # line numbering or black directives that span blocks: format it whole
    tree = tree or ast.parse(text)
    cuts = [(0, "")]
    for previous, node in itertools.pairwise(tree.body):
        if _is_assignment(previous) and _is_assignment(node) and node.lineno == (previous.end_lineno or 0) + 1:
            cuts.append((node.lineno - 1, ""))
            continue
        if not (is_definition(previous) and is_definition(node)):
            continue
        assert isinstance(previous, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        if previous.body[0].lineno == previous.lineno or previous.end_lineno is None:
            continue  # a one-line definition: black may keep it against its neighbour
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        start = first_line(node)
        gap = lines[previous.end_lineno : start - 1]
        if all(not line.strip() for line in gap):
            cuts.append((start - 1, "\n\n"))
    ends = [start for start, _ in cuts[1:]] + [len(lines)]
    pieces = [(a, b, sep) for (a, sep), b in zip(cuts, ends, strict=True) if any(x.strip() for x in lines[a:b])]
    return pieces or [(0, len(lines), "")]


Cut = tuple[int, int, str]  # a piece's first line index, the index past its last, and what joins it to the one before


def _methods(node: ast.ClassDef, lines: list[str], fits: list[bool], start: int, end: int) -> list[Cut]:
    """A top-level class's lines [start, end) as (first, past last, separator) pieces: its head, then each method
    alone; or nothing when the class is not one black formats a method at a time. Black formats a method the
    same inside any class, so only the methods black would change need black (each inside `_WRAPPER`), and a
    resource class of hundreds of methods with one long line in one of them no longer goes to black whole.
    It is that kind of class when its head (its line, docstring and anything before the first method) needs
    nothing from black, nothing but methods follow, and exactly one blank line, which black keeps there,
    stands before each method (or none, after an overload's `...`: the two are then one piece)."""
    defs = [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if not defs or node.body[len(node.body) - len(defs) :] != defs:
        return []
    pieces: list[Cut] = []
    head_end = first_line(defs[0]) - 2  # the blank line before the first method
    if head_end <= start or not all(fits[start:head_end]):
        return []
    pieces.append((start, head_end, ""))
    previous = head_end  # index past the last line of the piece before
    for before, method in zip([None, *defs], defs, strict=False):
        first = first_line(method) - 1
        gap = lines[previous:first]
        if method.end_lineno is None:
            return []
        if not gap and before is not None and _is_stub(before):
            # An overload's `...` and the def right after it: black leaves them without a blank line between,
            # as it found them, and formats them together the same inside any class.
            pieces[-1] = (pieces[-1][0], method.end_lineno, pieces[-1][2])
        elif len(gap) != 1 or gap[0].strip() or not fits[previous]:
            return []
        else:
            pieces.append((first, method.end_lineno, "\n"))
        previous = method.end_lineno
    if any(line.strip() for line in lines[previous:end]):
        return []  # a comment after the last method
    return pieces


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A def whose whole body is `...` (an overload's)."""
    body = node.body
    return len(body) == 1 and isinstance(body[0], ast.Expr) and getattr(body[0].value, "value", None) is Ellipsis


def _piece(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start:end]).strip("\n") + "\n"


def join_blocks(pieces: Sequence[tuple[str, str]]) -> str:
    return "".join(sep + block for sep, block in pieces) if pieces else ""


def _is_assignment(node: ast.stmt | None) -> TypeGuard[ast.Assign | ast.AnnAssign]:
    return isinstance(node, ast.Assign | ast.AnnAssign)


def _format_all(blocks: dict[str, str], *, jobs: int | None) -> dict[str, tuple[bool, str]]:
    """Each block formatted; across processes when there is enough work, with identical bytes either way."""
    workers = min(jobs or _cpus(), len(blocks))
    if workers < 2 or sum(len(t) for t in blocks.values()) < PARALLEL_MIN_BYTES:
        return {k: _format_block(t) for k, t in blocks.items()}
    import concurrent.futures
    import multiprocessing

    _black()  # imported before forking, so no worker imports it again
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    order = sorted(blocks, key=lambda k: -len(blocks[k]))  # largest first: the workers finish together
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        results = pool.map(_format_block, [blocks[k] for k in order], chunksize=1)
        return dict(zip(order, results, strict=True))


@dataclass(frozen=True)
class _Run:
    """A run of a module, formatted in a process of its own: its pieces (the first one's separator left for
    the caller, who knows the run before), the blocks black formatted there, and black's complaint if any."""

    after: str  # what joins the next run to it
    pieces: list[tuple[str, str]]
    fresh: dict[str, str]
    failed: str = ""


# The runs being formatted across processes: set before they fork, so that each is handed an index, not text.
_RUNS: list[tuple[list[str], int, int, bool]] = []


def _format_runs(modules: dict[str, str], *, jobs: int | None, cache: bool) -> dict[str, tuple[str, dict[str, str]]]:
    """Large laid-out modules formatted a run at a time across cores, each run parsed, laid out and given to
    black (what black would change of it) in one process: {path: (formatted text, blocks black formatted)}.
    With `cache`, a run is remembered by its text: an edit leaves most runs as they were (a run ends at an
    anchor, so the runs after an edit start where they did: `_spans`), and those are neither parsed nor forked
    for again. A module whose runs cannot all be cut where `_chunks` would first cut
    them is left out, for the caller's one-core path, and so is one black cannot format: the bytes are the
    same either way."""
    global _RUNS
    runs: list[tuple[str, list[str], int, int, bool]] = []
    for path, text in modules.items():
        lines = text.split("\n")
        if "\r" in text or "fmt:" in text or "\f" in text:
            continue  # `_chunks` formats these whole
        spans = _spans(lines)
        runs += [(path, lines, begin, end, number == 0) for number, (begin, end) in enumerate(spans) if len(spans) > 1]
    if not runs:
        return {}
    store = Cache(enabled=cache)
    keys = [_run_key(lines, begin, end, first) for _, lines, begin, end, first in runs]
    done: list[_Run | None] = [_remembered_run(store, key) for key in keys]
    missing = [index for index, run in enumerate(done) if run is None]
    workers = min(jobs or _cpus(), len(missing))
    if len(missing) > 1 and (workers < 2 or "fork" not in _start_methods()):
        return {}
    if missing:
        _black()  # imported before forking, so no worker imports it again
    _RUNS = [runs[index][1:] for index in missing]
    try:
        if workers < 2:  # one run to format: a process of its own would cost more than it saves
            formatted = [_format_run(0, cache=cache)] if missing else []
        else:
            import concurrent.futures
            import multiprocessing

            context = multiprocessing.get_context("fork")
            with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
                formatted = list(pool.map(partial(_format_run, cache=cache), range(len(missing)), chunksize=1))
    finally:
        _RUNS = []
    for index, run in zip(missing, formatted, strict=True):
        done[index] = run
        if run is not None and not run.failed:
            store.put("format", keys[index], json.dumps([run.after, run.pieces]).encode("utf-8"))
    results: dict[str, tuple[str, dict[str, str]]] = {}
    for path in modules:
        mine = [run for (owner, *_), run in zip(runs, done, strict=True) if owner == path]
        if not mine or any(run is None or run.failed for run in mine):
            continue
        pieces: list[tuple[str, str]] = []
        fresh: dict[str, str] = {}
        sep = ""
        for run in mine:
            assert run is not None
            pieces += [(sep, run.pieces[0][1]), *run.pieces[1:]]
            fresh.update(run.fresh)
            sep = run.after
        results[path] = (join_blocks(pieces), fresh)
    return results


def _run_key(lines: list[str], begin: int, end: int, first: bool) -> str:
    # A run's result reads its lines, whether it is the module's first or last, and the line after it.
    after = lines[end] if end < len(lines) else "\0end"
    return fingerprint.digest("format-run", fingerprint.code(), str(first), after, "\n".join(lines[begin:end]))


def _remembered_run(store: Cache, key: str) -> _Run | None:
    hit = store.get("format", key)
    if hit is None:
        return None
    try:
        after, pieces = json.loads(hit)
        return _Run(str(after), [(str(sep), str(text)) for sep, text in pieces], {})
    except (ValueError, TypeError):
        return None  # an entry that is not a run's: formatted again


def _format_run(index: int, *, cache: bool) -> _Run | None:
    """One run of `_RUNS`, in a worker: None when the module may not be cut there (or does not parse: the
    caller's path reports that)."""
    lines, begin, end, first = _RUNS[index]
    last = end == len(lines)
    try:
        tree = ast.parse("\n".join(lines[begin:end]))
    except SyntaxError:
        return None
    after = "" if last else _run_end(tree, lines, begin, end)
    if after is None:
        return None
    chunk = _trimmed(lines[begin:end]) if after else lines[begin:end]
    store = Cache(enabled=cache)
    fresh: dict[str, str] = {}
    pieces: list[tuple[str, str]] = []
    for block in _blocks(chunk, tree, "", first=first, trusted=True):
        if block.result is None and not _lookup(store, block):
            ok, text = _format_block(block.wrapper + block.text)
            if not ok:
                return _Run(after, [], {}, failed=text)
            fresh[block.key] = text
            block.result = block.unwrap(text)
        pieces.append((block.sep, block.result or ""))  # every block has its result by now
    return _Run(after, pieces, fresh)


def _start_methods() -> list[str]:
    import multiprocessing

    return list(multiprocessing.get_all_start_methods())


def _cpus() -> int:
    try:
        return int(len(os.sched_getaffinity(0)) or 1)
    except AttributeError:  # not on Linux
        return int(os.cpu_count() or 1)


def prepare() -> None:
    """Load black now, while something else has the other core (a run whose model stage is in a process of
    its own), rather than when the first file is formatted."""
    _black()


def _black() -> Any:
    # Imported here: black is only needed when files are regenerated.
    import black

    return black


_MODE: Any = None


def _mode() -> Any:
    global _MODE
    if _MODE is None:
        black = _black()
        _MODE = black.Mode(
            target_versions={black.TargetVersion.PY310},
            line_length=LINE_LENGTH,
            string_normalization=True,
            magic_trailing_comma=True,
            preview=False,
        )
    return _MODE


def _block_key(text: str) -> str:
    # Black's version and `_mode()` are part of the generator's fingerprint, so a hit needs no black import.
    return fingerprint.digest("format-block", fingerprint.code(), text)


def _file_key(text: str) -> str:
    return fingerprint.digest("format-file", fingerprint.code(), text)


def _sorted_imports(text: str) -> str:
    """Sort the leading run of one-line imports, `from __future__` first, so output never depends on engine order;
    the blank lines after them are black's."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(("import ", "from "))), None)
    if start is None:
        return text
    end = start
    while end < len(lines) and (lines[end].startswith(("import ", "from ")) or not lines[end].strip()):
        if lines[end].rstrip().endswith(("(", "\\")):
            return text  # a multi-line import: leave the block as written
        end += 1
    block = [line for line in lines[start:end] if line.strip()]
    future = sorted(line for line in block if line.startswith("from __future__"))
    rest = sorted(set(block) - set(future), key=_import_key)
    ordered = future + ([""] if future else []) + rest
    # Then black's blank lines: two before a class or function, one before anything else.
    definition = end < len(lines) and lines[end].startswith(("class ", "def ", "async def ", "@"))
    return "\n".join(lines[:start] + ordered + [""] * (2 if definition else 1) + lines[end:])


def _import_key(line: str) -> tuple[int, str]:
    module = line.split()[1]
    return (1 if module.startswith(".") else 0, line)
