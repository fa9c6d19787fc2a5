"""Lexed lines → a column for each line: a search over their readings that weighs evidence and backtracks."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from ..errors import GeneratorError, fail
from ..spec import pointer
from .budget import Budget
from .grammar import SPECS, closes
from .keys import Keys
from .lexer import Line
from .readings import Readings
from .state import Ambiguous, Choice, Frame, Option, Reading, State, Tie, frames
from .weights import W_MISFIT, W_NAMED, W_POINTED, habitual

if TYPE_CHECKING:
    from .evidence import Evidence
    from .guess import Guesser

# How far a rival reading is followed to see whether it also holds up.
_LOOKAHEAD: Final = 40
# How far tied readings are followed before a stop is final.
_CONFIRM: Final = 400
# How many lines back a dead end may undo choices.
_BACKTRACK: Final = 120
# How far back a `required` list may move a property that went to a nested object: a schema's properties can run
# on for hundreds of lines before it.
_NAMED_REACH: Final = 400
_DATA_ROOTS: Final = frozenset({"example", "default", "const"})
# Times one line's reading may be replaced by a cheaper one.
_MAX_REVISIONS: Final = 2
# Units a step of a bounded run may take on average, counting the runs it starts.
_UNITS_PER_STEP: Final = 40
# How many rivals' lookaheads a revision of the main reading may pay for.
_REVISIT_RIVALS: Final = 24
# How deep lookaheads may nest their own revisions.
_REVISIT_DEPTH: Final = 1


class Parser(Readings):
    """One reading of a block: strict (a tie stops it), provisional (gathering evidence) or a best guess."""

    def __init__(
        self,
        lines: Sequence[Line],
        *,
        file: str,
        root: str,
        budget: Budget,
        evidence: Evidence | None = None,
        provisional: bool = False,
        known: Mapping[str, Keys] | None = None,
        guesser: Guesser | None = None,
    ) -> None:
        super().__init__(lines, budget=budget, known=known)
        self.file = file
        self.root = root
        # The schemas and examples of an earlier reading, to settle ties by.
        self.evidence = evidence
        # A first reading, only to gather that evidence: ties are not errors, but the mappings they involve are
        # noted as uncertain.
        self.provisional = provisional
        self.uncertain: set[str] = set()
        # Set for a best guess: a tie is then decided, and noted, rather than an error.
        self.guesser = guesser
        self.listing_habits = guesser is not None
        # Ties on the current reading, by line; a reading that is abandoned takes its own with it.
        self.ties: list[Tie] = []
        self.revisions: dict[int, int] = {}  # times the reading of a line was revised
        self.cols = [0] * len(lines)
        self.starts: list[tuple[str, str | int] | None] = [None] * len(lines)
        # Furthest line that could not be placed, for the error message.
        self.stuck = -1
        self.stuck_state: State | None = None
        self.left_at = -1  # where the last run with a floor left the region above it
        # relief[i]: how much evidence for readings (negative penalties) lines[:i] can give at most, so that a run can
        # tell when its cost can no longer come back under a limit.
        self.relief = [0]
        for line in lines:
            most = -W_POINTED if line.key in self.target_names else -W_NAMED if line.key in ("title", "xml") else 0
            self.relief.append(self.relief[-1] + most)

    @property
    def guessing(self) -> bool:
        return self.guesser is not None

    # -- driver ------------------------------------------------------------

    def parse(self) -> Reading:
        sentinel = Frame(None, -2, "", "")
        start = State(sentinel, pending=SPECS[self.root], pending_col=-2)
        if self._run(start, 0, len(self.lines), budget=None, record=True) is None:
            raise self._stuck_error()
        if self.ties and not self.guessing:
            raise Ambiguous(self.ties[0])
        starts = [None if at is None else pointer.join(*at) for at in self.starts]
        return Reading(self.cols, starts, tuple(self.ties))

    def _run(
        self,
        state: State,
        i: int,
        end: int,
        *,
        budget: int | None,
        record: bool,
        depth: int = 0,
        floor: int = -1,
        limit: int | None = None,
    ) -> int | None:
        """Depth-first search for a reading of lines[i:end]; returns its cost (None: none).

        The cost adds up the evidence against the reading (see Readings.penalty). The search takes the most likely
        reading of each line first; when that later costs something, the main run (`record`) looks back at recent
        choices for a reading that would have avoided it. A run with a `budget` of steps gives up when it is spent;
        every run spends the page's work budget. A run with a `limit` gives up once its cost cannot come back
        under it: its caller only wants readings that cost less.
        """
        choices: list[Choice] = []
        cost = 0
        self.left_at = -1
        # A run with a budget of steps also gives up once it (with the runs it starts) has spent that many steps'
        # worth of units: a lookahead must not hide the cost of the revisions it makes.
        give_up = None if budget is None else self.budget.spent + budget * _UNITS_PER_STEP
        while True:
            options: list[Option] = []
            self.budget.spend(1)
            if budget is not None:
                budget -= 1
                if budget <= 0 or (give_up is not None and self.budget.spent > give_up):
                    return None
            if record:
                self.budget.at = i
                if self.ties and not self.guessing and self.ties[0].index < i - _reach(self.ties[0]):
                    raise Ambiguous(self.ties[0])  # out of backtracking's reach: it is final
            if i < end:
                options = self.options(state, i)
                if record and len(options) > 1 and options[0].contested and options[1].contested and not self._stopping:
                    self._settle(state, i, options)
            elif end < len(self.lines) or self._complete(state):
                return cost
            if options:
                option = options[0]
                if len(options) > 1:
                    choices.append(Choice(i, cost, option, options[1:], state))
            else:
                if record and i > self.stuck:
                    self.stuck, self.stuck_state = i, state
                while choices and not choices[-1].others:
                    choices.pop()
                # Backtracking far is exponential and never what rescues a reading: the cause of a dead end is
                # close to it.
                if not choices or choices[-1].index < i - _BACKTRACK:
                    return None
                choice = choices[-1]
                i, cost = choice.index, choice.cost
                option = choice.taken = choice.others.pop(0)
                if record:
                    self._forget(i)
                    if option.contested and choice.others and choice.others[0].contested:
                        # The reading that died ranked before readings only what follows tells apart (which mapping a
                        # key of example data continues, once it is no example's name): they are weighed now.
                        group = [option, *choice.others]
                        self._settle(choice.state, i, group)
                        option = choice.taken = group[0]
                        choice.others = group[1:]
            if option.alarm and (record or depth < _REVISIT_DEPTH):
                # A lookahead revises its own guesses too, or its cost would blame a reading for what a later greedy
                # guess cost.
                better = self._revisit(
                    choices,
                    i,
                    option,
                    cost + option.penalty,
                    depth=_REVISIT_DEPTH if record else depth + 1,
                    record=record,
                    give_up=give_up,
                )
                if better is not None:
                    choice, option = better
                    del choices[choices.index(choice) + 1 :]
                    i, cost = choice.index, choice.cost
                    if record:
                        self._forget(i)
                elif record and option.penalty - option.closing >= W_MISFIT and not (option.text or option.unknown):
                    # Every reading contradicts the schema here: none is certain.
                    others = choices[-1].others if choices and choices[-1].index == i else []
                    reading = option.reading + ", where it contradicts the schema's other keywords"
                    rivals = tuple(o for o in others if not (o.text or o.unknown))
                    evidence = "every reading contradicts the schema's keywords; this one least"
                    tie = Tie(i, self.lines[i], option.state.top.pointer, (reading,), options=(option, *rivals))
                    self.ties.append(dataclasses.replace(tie, evidence=evidence))
            cost += option.penalty
            if record and self.lines[i].key == "required" and option.in_schema and option.penalty <= 0:
                self._confirmed(option.state.top, i)
            if record:
                self.cols[i] = option.col
                self.starts[i] = option.at
                for k in range(1, option.consumed):
                    self.cols[i + k] = option.cont_col
                    self.starts[i + k] = None
            i += option.consumed
            state = option.state
            if limit is not None and cost - self._relief(i, end) >= limit:
                return None
            if state.top.depth < floor:
                # The line left the region the readings being compared differ in: from here on they read alike.
                self.left_at = i
                return cost

    @property
    def _stopping(self) -> bool:
        """Whether a strict reading holds a tie nothing but backtracking can undo: it stops there anyway, so later
        lines need no weighing (backtracking past the tie reads them again, and weighs them then)."""
        return not self.guessing and any(not tie.settleable for tie in self.ties)

    def _relief(self, i: int, end: int) -> int:
        """How much evidence for readings lines[i:end] can give at most."""
        end = min(end, len(self.lines))
        return self.relief[end] - self.relief[min(i, end)]

    def _confirmed(self, schema: Frame, i: int) -> None:
        """Drop the ties over properties that a `required` list settles the way they were read.

        A list settles a tie only if the other reading cannot take it as well: after a nested object's last
        property, `c` and a `required: [c]` below it can both go to the nested object or both to its owner.
        """
        names = self.peek_items(i + 1)
        if schema.props is None or not all(name in schema.props for name in names):
            return
        properties = pointer.join(schema.pointer, "properties")
        end = min(len(self.lines), i + 1 + len(names) + 1)
        # Ties come in line order: only those within a `required` list's reach are looked at.
        recent = len(self.ties)
        while recent and self.ties[recent - 1].index >= i - _NAMED_REACH:
            recent -= 1
        self.budget.spend(len(self.ties) - recent + 1)
        self.ties[recent:] = [
            tie
            for tie in self.ties[recent:]
            if not (
                tie.kind == "property"
                and tie.chosen == properties
                and tie.line.key in names
                and self._settles(tie, end)
            )
        ]

    def _settles(self, tie: Tie, end: int) -> bool:
        """Whether, over the lines from the tie to `end`, the reading taken costs less than every other."""
        taken, *rivals = tie.options
        costs: list[int | None] = []
        for option in (taken, *rivals):
            start = tie.index + option.consumed
            budget = max(_LOOKAHEAD, end - start) * 4
            future = self._run(option.state, start, max(start, end), budget=budget, record=False)
            costs.append(None if future is None else future + option.penalty)
        if costs[0] is None:
            return False
        return all(cost is None or cost > costs[0] for cost in costs[1:])

    def _forget(self, i: int) -> None:
        """Drop what was noted about lines from i on, whose reading is being replaced."""
        while self.ties and self.ties[-1].index >= i:
            self.ties.pop()

    def _revisit(
        self,
        choices: list[Choice],
        k: int,
        option: Option,
        cost: int,
        *,
        depth: int,
        record: bool,
        give_up: int | None = None,
    ) -> tuple[Choice, Option] | None:
        """A recent choice whose other reading avoids the cost paid at line k.

        Readings are compared over the same lines, reaching a little past k so that one cannot win by dying just
        out of sight.
        """
        horizon = min(len(self.lines), k + option.consumed + _LOOKAHEAD // 2)
        # A `required` list naming properties the schema lacks says which schema earlier property names went to:
        # that overturns where they were filed.
        named_evidence = self.lines[k].key == "required" and option.in_schema
        future = self._run(option.state, k + option.consumed, horizon, budget=_LOOKAHEAD * 4, record=False, depth=depth)
        if future is None:
            return None  # the line has worse problems; backtracking will see to them
        # Every other reading of a recent choice that may avoid the cost, in order of preference: on equal gains the
        # most recent choice wins.
        candidates: list[tuple[Choice, Option]] = []
        for choice in reversed(choices):
            self.budget.spend(1)
            far = choice.index < k - _LOOKAHEAD
            if choice.index < k - (_NAMED_REACH if named_evidence else _LOOKAHEAD):
                break
            if far and not (choice.taken.named and choice.taken.state.top.role == "properties"):
                continue  # far back, only where a property went is worth another look
            if (
                choice.revised
                or choice.taken.penalty < 0
                or (choice.taken.named and not named_evidence)
                or self.revisions.get(choice.index, 0) >= _MAX_REVISIONS
            ):
                continue  # evidence for the reading taken is not overturned by a guess
            self.budget.spend(len(choice.others))
            for other in choice.others:
                if other.text or other.unknown:
                    continue  # a last resort, never a better reading of a line the grammar placed
                if choice.taken.named and not (other.state.top.role == choice.taken.state.top.role == "properties"):
                    continue  # only a property moves to another schema's properties
                candidates.append((choice, other))
        if give_up is None:
            # A revision of the main reading may weigh a few dozen rivals over their lookahead, no more.
            give_up = self.budget.spent + _REVISIT_RIVALS * _LOOKAHEAD * 4 * _UNITS_PER_STEP
        # Tried nearest first, then, far back, earliest first: a property a `required` list misses most often went
        # into a nested object where that object should have ended. Once one reading gains, a rival's run stops when
        # its cost passes what would beat it (a run might get back under by backtracking; revising is a search for
        # a better reading, not a proof that none exists, and each rival is cheaper this way).
        near = [c for c in enumerate(candidates) if c[1][0].index >= k - _LOOKAHEAD]
        far_back = [c for c in enumerate(candidates) if c[1][0].index < k - _LOOKAHEAD]
        best: tuple[int, int, Choice, Option] | None = None  # (gain, preference, choice, other)
        for rank, (choice, other) in [*near, *reversed(far_back)]:
            if give_up is not None and self.budget.spent > give_up:
                break  # the run that asked has spent what it may
            paid = cost + future - choice.cost
            start = choice.index + other.consumed
            budget = max(_LOOKAHEAD, horizon - start) * 4
            end = max(start, horizon)
            beaten = 0 if best is None else best[0] - (1 if rank < best[1] else 0)
            limit = paid - other.penalty - max(0, beaten)
            other_cost = self._run(other.state, start, end, budget=budget, record=False, depth=depth, limit=limit)
            if other_cost is None:
                continue
            gain = paid - other_cost - other.penalty
            if gain > 0 and (best is None or gain > best[0] or (gain == best[0] and rank < best[1])):
                best = (gain, rank, choice, other)
        if best is None:
            return None
        _, _, choice, other = best
        if record:
            self.revisions[choice.index] = self.revisions.get(choice.index, 0) + 1
        choice.others.remove(other)
        choice.others.append(choice.taken)
        choice.taken = other
        choice.revised = True
        return choice, other

    def _settle(self, state: State, i: int, options: list[Option]) -> None:
        """Order contested readings of line i by how they hold up; note a tie.

        Inside example data nothing says which of the open mappings a key belongs to (and likewise for the cases
        Readings marks contested), so readings are only told apart by what follows them; when that does not tell
        them apart either, the block is ambiguous.
        """
        line = self.lines[i]
        # Ties the schemas and the examples of the document can settle.
        kind = ""
        if line.key is not None and not line.item:
            if options[0].free:
                kind = "data" if documented(state.top.pointer) else ""
            elif options[0].named and options[0].state.top.role == "properties":
                kind = "property"
        count = 0
        while count < len(options) and options[count].contested:
            count += 1
        contested = options[:count]
        looked: list[tuple[int | None, int]]
        if self.guessing and contested[0].free:
            # Where a key or an item of example data goes is a guess either way (the habits that rank the readings,
            # such as items of one list beginning alike, included): a best guess does not read ahead to find out
            # that what follows fits them all (backtracking still undoes a reading that dies), and lists the choice.
            looked = [(0, -1) for _ in contested]
        elif self.guessing and habitual(contested):
            # Whether a key ends a property is a habit's guess too.
            looked = [(option.penalty, -1) for option in contested]
        else:
            looked = self._compare(contested, i)
        scored = [(cost, index) for index, (cost, _) in enumerate(looked) if cost is not None]
        if not scored:
            return
        lowest = min(cost for cost, _ in scored)
        ties = [index for cost, index in scored if cost == lowest]
        # A strict reading with a tie pending stops anyway, unless backtracking undoes that tie: the long look is
        # saved for the tie that would stop it.
        pending = any(tie.index < i for tie in self.ties)
        if len(ties) > 1 and not (kind or pending or self.provisional or self.guessing):
            # Before stopping, make sure the tie is no artefact of a short lookahead: an operation's `summary` read
            # as its path item's costs more only once `responses` follows a long parameter list. (Ties over data or
            # properties wait for evidence from further down anyway.)
            ties = self._confirm(contested, ties, i)
        best = ties[0]
        if len(ties) > 1 and kind and self.evidence is not None:
            assert line.key is not None
            chosen = self.evidence.choose(kind, [options[k].state.top.pointer for k in ties], line.key)
            if chosen is not None:
                best, ties = ties[chosen], [ties[chosen]]
        if len(ties) > 1:
            if self.provisional:
                # Whichever way this goes, what these mappings hold is no evidence.
                self.uncertain.update(options[k].state.top.pointer for k in ties)
            if not self.provisional or self.guessing:
                evidence = ""
                if self.guesser is not None:
                    pick, evidence = self.guesser.choose(line, [options[k] for k in ties])
                    ties.insert(0, ties.pop(pick))
                    best = ties[0]
                self.budget.spend(len(ties))
                readings = tuple(options[k].reading for k in ties)
                taken = options[best].state.top.pointer
                tie = Tie(i, line, state.top.pointer, readings, kind, taken, tuple(options[k] for k in ties), evidence)
                self.ties.append(tie)
        options.insert(0, options.pop(best))

    def _compare(self, contested: list[Option], i: int) -> list[tuple[int | None, int]]:
        """What reading on after each reading of line i costs (None: it dies or cannot be the cheapest)."""
        # Readings that put the line in different collections differ only until the collection holding all of
        # them closes: when every reading leaves it on the same line, their costs up to there decide.
        self.budget.spend(sum(option.holder.depth + 1 for option in contested if option.holder is not None))
        floor = _common(option.holder for option in contested)
        # The rivals first: when they all die, as they mostly do soon, the likeliest reading needs no look ahead.
        # (No run is cut short at a cost bound here: a run's cost falls again when it backtracks, and a tie missed
        # that way would be a silent guess.)
        looked: list[tuple[int | None, int]] = [(None, -1)]
        looked += [self._lookahead(option, i, floor) for option in contested[1:]]
        if all(cost is None for cost, _ in looked[1:]):
            return [(0, -1), *looked[1:]]
        looked[0] = self._lookahead(contested[0], i, floor)
        if len({left for _, left in looked}) > 1:
            # Readings that left on different lines are compared over the whole lookahead.
            looked = [
                self._lookahead(option, i) if left >= 0 else (cost, left)
                for option, (cost, left) in zip(contested, looked, strict=True)
            ]
        return looked

    def _confirm(self, contested: list[Option], ties: list[int], i: int) -> list[int]:
        """The tied readings that still cost the least when followed over _CONFIRM lines."""
        costs: list[tuple[int, int]] = []
        for k in ties:
            option = contested[k]
            start = i + option.consumed
            end = min(len(self.lines), start + _CONFIRM)
            cost = self._run(option.state, start, end, budget=_CONFIRM * 4, record=False)
            if cost is not None:
                costs.append((cost + option.penalty, k))
        if not costs:
            return ties  # both lost on the way: no better answer than the lookahead's
        lowest = min(cost for cost, _ in costs)
        return [k for cost, k in costs if cost == lowest]

    def _lookahead(self, option: Option, i: int, floor: int = -1) -> tuple[int | None, int]:
        """The cost of reading on after `option` (None: it dies), and the line where the reading left the region
        above `floor` (-1: it did not)."""
        start = i + option.consumed
        end = min(len(self.lines), start + _LOOKAHEAD)
        cost = self._run(option.state, start, end, budget=_LOOKAHEAD * 4, record=False, floor=floor)
        left = self.left_at if floor >= 0 else -1
        return (None if cost is None else cost + option.penalty), left

    def _complete(self, state: State) -> bool:
        if state.pending is not None and "any" not in state.pending.scalars:
            return False
        frame: Frame | None = state.top
        while frame is not None:
            self.budget.spend(1)
            if not closes(frame.map_type, frame.keys, before_3_1=self.ref_alone):
                return False
            frame = frame.parent
        return True

    def _stuck_error(self) -> GeneratorError:
        i = min(max(self.stuck, 0), len(self.lines) - 1)
        if i < 0:
            return fail(self.file, None, "", "the YAML block is empty")
        line = self.lines[i]
        state = self.stuck_state
        open_frames: list[str] = []
        frame = state.top if state is not None else None
        while frame is not None and frame.parent is not None:
            open_frames.append(frame.describe())
            frame = frame.parent
        where = state.top.pointer if state is not None else ""
        if self.stuck >= len(self.lines):
            message = "the block ends inside an unfinished object: " + ", ".join(open_frames[:4])
            return fail(self.file, line.number, where, message)
        message = f"cannot place `{line.text}`: it fits none of the enclosing objects"
        if open_frames:
            message += " (" + ", ".join(open_frames[:6]) + ")"
        return fail(self.file, line.number, where, message)


def _common(holders: Iterable[Frame | None]) -> int:
    """The depth of the frame holding the innermost frame that holds all of `holders`: readings that put a line in
    one of them differ until that frame closes (-1: none to wait for)."""
    chains = [list(frames(holder)) for holder in holders if holder is not None]
    if len(chains) < 2:
        return -1
    shared = set.intersection(*(set(map(id, chain)) for chain in chains))
    common = next((frame for frame in chains[0] if id(frame) in shared), None)
    if common is None or common.parent is None:
        return -1
    return common.parent.depth


def _reach(tie: Tie) -> int:
    """Lines after which a tie is final; a `required` list further down may still settle a property."""
    return _NAMED_REACH if tie.kind == "property" else _BACKTRACK


def documented(where: str) -> bool:
    """Whether data at this pointer is an example of a schema (not extension data, which has none)."""
    parts = pointer.split(where)
    for index, part in enumerate(parts):
        if part.startswith("x-"):
            return False
        if part in _DATA_ROOTS or (part == "value" and index >= 2 and parts[index - 2] == "examples"):
            return True
    return False
