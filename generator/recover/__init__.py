"""flattened YAML → indented YAML"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import yaml

from ..errors import Diagnostic, GeneratorError, fail
from ..spec import pointer
from ..spec.yaml_source import load_plain
from .budget import UNITS_PER_LEXED_LINE, UNITS_PER_LOADED_LINE, Budget, Exhausted
from .checks import violations
from .evidence import Evidence, example_keys, known_schemas
from .guess import Guesser
from .keys import Keys
from .lexer import Line, lex
from .parser import Parser
from .state import Ambiguous, Reading, Tie

__all__ = ["Recovery", "example_keys", "recover"]

# Readings that gather evidence at most, before the final one.
_ROUNDS: Final = 4
_ROOTS: Final = ("swagger", "openapi")


@dataclass(frozen=True)
class Recovery:
    """A block's YAML with its indentation rebuilt, and each choice a best guess made (warnings at page lines)."""

    text: str
    warnings: tuple[Diagnostic, ...] = ()


def recover(lines: Sequence[str], *, file: str, first_line: int, best_guess: bool = False) -> Recovery:
    """Rebuild the structure of a flattened OpenAPI YAML block whose first line is page line `first_line`.

    Only indentation changes: the text, stripped, is the block's non-blank lines. Where two readings fit the page
    equally well, recovery stops with the line and the readings; with `best_guess` it takes the more probable one
    by the page's own evidence and says so in a warning. The work it may do grows with the block's size, and it
    stops at the line it reached when that is spent.
    """
    kept = [(first_line + n, raw.strip()) for n, raw in enumerate(lines) if raw.strip()]
    if not kept:
        raise fail(file, None, "", "the YAML block is empty")
    budget = Budget(sum(len(raw.encode("utf-8", "surrogatepass")) + 1 for raw in lines))
    # The readings allocate millions of small acyclic objects; a cyclic collection would walk the caller's whole
    # heap each time, so that a unit of work cost what the caller holds. Reference counting frees them all.
    collecting = gc.isenabled()
    gc.disable()
    try:
        budget.spend(len(kept) * UNITS_PER_LEXED_LINE)
        lexed = [lex(number, text) for number, text in kept]
        root = next(
            ("Swagger" if line.key == "swagger" else "OpenAPI" for line in lexed if line.key in _ROOTS), "OpenAPI"
        )
        page = _Page(lexed, file=file, root=root, budget=budget)
        return page.guess() if best_guess else page.strict()
    except Exhausted as stop:
        number = kept[min(stop.index, len(kept) - 1)][0]
        message = (
            f"too many possible readings near this line: recovery stopped after {stop.spent:,} units of work, the "
            "limit for a block of this size; indent this part of the block by hand"
        )
        raise fail(file, number, "", message) from None
    finally:
        if collecting:
            gc.enable()


class _Page:
    """One block and the readings recovery makes of it, sharing one work budget."""

    def __init__(self, lines: Sequence[Line], *, file: str, root: str, budget: Budget) -> None:
        self.lines = lines
        self.file = file
        self.root = root
        self.budget = budget

    def parser(self, **options: Any) -> Parser:
        return Parser(self.lines, file=self.file, root=self.root, budget=self.budget, **options)

    # -- strict: every tie stops ----------------------------------------------------------

    def strict(self) -> Recovery:
        parser = self.parser()
        try:
            return self.finish(parser.parse())
        except Ambiguous as stop:
            if not stop.tie.settleable:
                raise self.ambiguity(stop.tie) from None
            first = stop.tie
        # The schemas read before a tie tell what the members of a union declare: read again knowing them, as long
        # as each reading gets further.
        known: dict[str, Keys] = {}
        try:
            for _ in range(_ROUNDS):
                more = self.known(parser.cols, first.index)
                if more.keys() <= known.keys():
                    break
                known |= more
                parser = self.parser(known=known)
                try:
                    return self.finish(parser.parse())
                except Ambiguous as stop:
                    if not stop.tie.settleable or stop.tie.index <= first.index:
                        raise self.ambiguity(stop.tie) from None
                    first = stop.tie
            evidence, _ = self.evidence(known, guessing=False)
        except _NoEvidence:
            raise self.ambiguity(first) from None
        except Exhausted:
            # Weighing the rest of the page did not fit the work this page may take: the first tie stands.
            raise self.ambiguity(first, spent=True) from None
        try:
            return self.finish(self.parser(evidence=evidence, known=known).parse())
        except Ambiguous as stop:
            raise self.ambiguity(stop.tie) from None
        except Exhausted:
            # Weighing the rest of the page did not fit the work this page may take: the first tie stands.
            raise self.ambiguity(first, spent=True) from None

    # -- best guess: every tie is decided and reported ------------------------------------------------

    def guess(self) -> Recovery:
        first = self.parser(guesser=Guesser(root=self.root, budget=self.budget)).parse()
        # The first reading is kept, checked, as the answer should weighing the rest of the page not fit the budget.
        fallback = self.finish(first)
        if not first.ties:
            return fallback
        settleable = [tie for tie in first.ties if tie.settleable]
        try:
            if not settleable:
                # No tie waits for examples or schemas further down: the first reading is evidence enough, apart
                # from the mappings its own guesses filled.
                uncertain = frozenset(frame.pointer for tie in first.ties for frame in tie.containers)
                guesser = Guesser(self.load(first.cols, self.lines), uncertain, root=self.root, budget=self.budget)
                return self.finish(self.parser(guesser=guesser).parse())
            known: dict[str, Keys] = {}
            cols = first.cols
            for _ in range(_ROUNDS):
                more = self.known(cols, settleable[0].index)
                if more.keys() <= known.keys():
                    break
                known |= more
                reading = self.parser(known=known, guesser=Guesser(root=self.root, budget=self.budget)).parse()
                later = [tie for tie in reading.ties if tie.settleable]
                if not later or later[0].index <= settleable[0].index:
                    break
                settleable, cols = later, reading.cols
            evidence, weighed = self.evidence(known, guessing=True)
            return self.finish(self.parser(evidence=evidence, known=known, guesser=weighed).parse())
        except (Exhausted, GeneratorError, _NoEvidence):
            return fallback

    # -- evidence ---------------------------------------------------------------------------------

    def known(self, cols: Sequence[int], end: int) -> dict[str, Keys]:
        """`$ref` → the property names each schema in lines[:end] declares, as read so far."""
        try:
            document = self.load(cols[:end], self.lines[:end])
        except yaml.YAMLError:
            return {}
        return known_schemas(document, frozenset(), budget=self.budget)

    def evidence(self, known: dict[str, Keys], *, guessing: bool) -> tuple[Evidence | None, Guesser | None]:
        """Example data is settled by the schemas it documents, and nested properties by the examples of their
        schemas, either of which the page may give further down: a first reading that leaves such ties open gathers
        what is certain, and a later one settles the ties by it. Each settled tie may make more evidence certain; a
        few rounds reach the fixed point."""
        evidence: Evidence | None = None
        uncertain: set[str] | None = None
        document: Any = None
        for _ in range(_ROUNDS):
            guesser = Guesser(root=self.root, budget=self.budget) if guessing else None
            provisional = self.parser(evidence=evidence, provisional=True, known=known, guesser=guesser)
            try:
                document = self.load(provisional.parse().cols, self.lines)
            except (Ambiguous, GeneratorError, yaml.YAMLError):
                # What follows a guess is no place to report from: the tie that asked for evidence stands.
                raise _NoEvidence from None
            if provisional.uncertain == uncertain:
                break
            uncertain = provisional.uncertain
            evidence = Evidence(document, frozenset(uncertain), budget=self.budget)
        if not guessing:
            return evidence, None
        return evidence, Guesser(document, frozenset(uncertain or ()), root=self.root, budget=self.budget)

    # -- results ------------------------------------------------------------------------------------

    def finish(self, reading: Reading) -> Recovery:
        """The reading as text, once its document is shown to break none of OpenAPI's rules."""
        text = _text(reading.cols, self.lines)
        try:
            document = self.load(reading.cols, self.lines)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            number = self.lines[mark.line].number if mark is not None and mark.line < len(self.lines) else None
            raise fail(self.file, number, "", f"the rebuilt block is not valid YAML: {exc}") from None
        for where, problem in violations(document, self.root, budget=self.budget):
            number = _line_of(where, reading.starts, self.lines)
            raise fail(self.file, number, where, f"no reading of this line fits OpenAPI: {problem}")
        self.budget.spend(len(reading.ties))
        warnings = tuple(self.warning(tie) for tie in reading.ties)
        return Recovery(text, warnings)

    def load(self, cols: Sequence[int], lines: Sequence[Line]) -> Any:
        self.budget.spend(len(lines) * UNITS_PER_LOADED_LINE + 1)
        return load_plain(_text(cols, lines))

    def warning(self, tie: Tie) -> Diagnostic:
        """A best guess's choice: `chose X over Y (evidence)`."""
        taken, *others = [frame.describe() for frame in tie.containers] or [tie.pointer]
        rivals = " or ".join(others) if others else "stopping"
        message = f"chose `{tie.line.text}` in {taken} over {rivals} ({tie.evidence or 'the first reading'})"
        where = tie.containers[0].pointer if tie.containers else tie.pointer
        return Diagnostic(self.file, tie.line.number, where, message, level="warning")

    def ambiguity(self, tie: Tie, *, spent: bool = False) -> GeneratorError:
        message = tie.message()
        if spent:
            message += " (evidence further down the page was not weighed: the work this page may take is spent)"
        return fail(self.file, tie.line.number, tie.pointer, message)


class _NoEvidence(Exception):
    """A reading for evidence could not be completed."""


def _text(cols: Sequence[int], lines: Sequence[Line]) -> str:
    return "".join(" " * max(col, 0) + line.text + "\n" for col, line in zip(cols, lines, strict=True))


def _line_of(where: str, starts: Sequence[str | None], lines: Sequence[Line]) -> int | None:
    """The page line of the node at `where`, or of its nearest ancestor a line starts."""
    found = {start: index for index, start in reversed(list(enumerate(starts))) if start is not None}
    parts = pointer.split(where)
    for end in range(len(parts), -1, -1):
        index = found.get(pointer.join("", *parts[:end]))
        if index is not None:
            return lines[index].number
    return lines[0].number if lines else None
