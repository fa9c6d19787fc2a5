"""A line in a parse state → every reading of it the grammar allows, most likely first, with the evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from ..spec import pointer
from .budget import UNITS_PER_READING, Budget
from .grammar import (
    ANNOTATIONS,
    ANY,
    COMPOSITION,
    FREE,
    FREE_TIER,
    INSTANCE,
    INSTANCES,
    KNOWN_KEYS,
    MAP_TYPES,
    SCALAR_TYPES,
    SCHEMA,
    SPECS,
    TEXT_SCALARS,
    TYPE_KINDS,
    UNLISTED,
    Spec,
    accepts,
    closes,
    scalar_fits,
)
from .keys import Keys
from .lexer import Line, Value, data_kind, flow_balance, head, lex, quoted_end
from .state import Frame, Option, State, among, changed, frames
from .weights import W_CONVENTION, W_MISFIT, W_SWALLOWED, W_UNLIKE, Rank, Weights, style

# JSON Schema's keywords.
_KEYWORDS: Final = frozenset(SCHEMA.fields)


class Readings(Weights):
    """The readings of each line of one block; the search (parser.Parser) decides among them."""

    def __init__(self, lines: Sequence[Line], *, budget: Budget, known: Mapping[str, Keys] | None = None) -> None:
        super().__init__(lines, budget=budget)
        # Property names of the schemas read before a tie, by `$ref`: what a member of a union declares.
        self.known: Mapping[str, Keys] = known or {}
        self._spans: dict[int, int] = {}  # line → the line a quoted or flow value opened there ends on
        self._inner: dict[str, Line] = {}  # the text after a `- `, lexed as a line of its own

    def options(self, state: State, i: int) -> list[Option]:
        """Every reading of line i in this state, most likely first."""
        line = self.lines[i]
        if state.text_col:
            text = Option(changed(state, text_lines=state.text_lines + 1), state.text_col, text=True)
            # A block scalar has at least one line: dumpers write '' for an empty string.
            if state.text_lines == 0 or line.text.startswith("#"):
                return [text]
            # The text of a block scalar ends at the first line the grammar can place.
            structural = self.structural(changed(state, text_col=0, text_lines=0), i, in_text=True)
            return [*structural, changed(text, penalty=W_SWALLOWED if line.value else 0)]
        if line.text.startswith("#"):
            return [Option(state, max(state.top.col, 0))]
        if state.plain_col:
            structural = self.structural(changed(state, plain_col=0), i, in_text=line.can_continue)
            if line.can_continue:
                penalty = W_SWALLOWED if line.value else 0
                structural.append(Option(state, state.plain_col, text=True, penalty=penalty))
            return structural
        if i == 0 and line.text == "---":
            return [Option(state, 0)]
        return self.structural(state, i)

    def structural(self, state: State, i: int, *, in_text: bool = False) -> list[Option]:
        """Readings of line i as a key or item of one of the open collections."""
        line = self.lines[i]
        if line.value is None:
            return []
        if state.pending is not None:
            nested = self._nest(state, line, i)
            if nested or "any" not in state.pending.scalars:
                # Dumpers write `null`, never an empty value, so `key:` always nests.
                return nested
            state = changed(state, pending=None)
        units = 0  # spent once the line's readings are built: the frames looked at, closed, and the readings
        ranked: list[tuple[Rank, Option]] = []
        first = head(line.value) if line.item else ""
        # Whether some open list has items that begin like this one. Only data lists pay for an unlike item: a
        # union may well mix a nested union with plain members.
        like = False
        if line.item:
            for f in frames(state.top):
                units += 1
                if f.item_spec is not None and first in f.heads:
                    like = True
                    break
        frame: Frame | None = state.top
        # The innermost `depth` frames closed: what the frame at `depth` looks like once the line leaves everything
        # inside it, and the evidence against closing them so. Closed one more at a time, and only as far as a frame
        # takes the line.
        closed: tuple[Frame, int] | None = (state.top, 0)
        closed_depth = 0
        annotating = line.key in ANNOTATIONS
        depth = 0
        while frame is not None:
            units += 1
            found: list[Option] = []
            rank = 0
            data = False  # the value is free-form data
            spec = None
            if line.item and frame.item_spec is not None:
                rank = FREE_TIER if frame.item_spec is ANY else 0
            elif line.key is not None and frame.map_type is not None:
                match = accepts(frame.map_type, frame.keys, line.key)
                if match is not None:
                    spec, rank = match
            if (line.item and frame.item_spec is not None) or spec is not None:
                while closed is not None and closed_depth < depth:
                    units += 1
                    closed = self._close_one(*closed, annotating=annotating)
                    closed_depth += 1
                if closed is None:
                    break  # a frame inside cannot close, so no frame further out can take the line
                if spec is None:
                    found = self._item(closed[0], line.value, line, i, frame.col, first)
                else:
                    assert line.key is not None
                    found = self._entry(closed[0], line.key, spec, line.value, line, i)
                    # Content without grammar comes after content with it.
                    data = line.value.kind == "empty" and spec is ANY
            if found:
                assert closed is not None
                units += UNITS_PER_READING * len(found)
                against = self.penalty(closed[0], rank, line, i)
                if like and frame.item_spec is ANY and first not in frame.heads:
                    # Items of one list are alike: this one begins like the items of another open list.
                    against += W_UNLIKE
                free = rank == FREE_TIER
                alarm = closed[1] > 0 or against > 0
                if free and line.key in _KEYWORDS:
                    # Keys of example or extension data seldom repeat the grammar's keywords: a reading that takes
                    # `type:` or `properties:` for data, line after line, swallows structure. Mild evidence, summed
                    # over many lines: no reason on its own to revisit earlier choices.
                    against += W_CONVENTION
                penalty = closed[1] + against
                in_schema = closed[0].map_type is SCHEMA
                for option in found:
                    ranked.append(
                        (
                            (free, data, penalty + option.penalty, rank, depth),
                            changed(
                                option,
                                penalty=penalty + option.penalty,
                                free=free,
                                alarm=alarm or option.alarm,
                                named=rank == 1,
                                in_schema=in_schema,
                                closing=closed[1],
                                holder=frame,
                            ),
                        )
                    )
            frame = frame.parent
            depth += 1
        self.budget.spend(units)
        if line.key is not None and not in_text and not any(r[0][3] == 0 for r in ranked):
            ranked += self._unknown(state, line, i)
        ranked.sort(key=lambda r: r[0])
        options = [o for _, o in ranked]
        return self.contest(options, ranked, line)

    def _close_one(self, frame: Frame, penalty: int, *, annotating: bool) -> tuple[Frame, int] | None:
        """Close the innermost frame: the frame left on top and the evidence against closing it as it stands
        (added to `penalty`); None if it cannot close. `annotating`: the line closing it is an annotation."""
        if not closes(frame.map_type, frame.keys, before_3_1=self.ref_alone):
            return None
        # Composing a single schema is the exception, but for an annotation after a lone reference: `allOf: [$ref]`
        # is how a reference gets a description of its own.
        single = frame.length == 1 and frame.role in COMPOSITION and frame.item_spec is not None
        if single and not (annotating and frame.ref):
            penalty += W_CONVENTION
        if frame.map_type is SCHEMA and "required" in frame.keys and not frame.keys.meets(UNLISTED):
            penalty += W_CONVENTION  # a `required` list names properties its schema lists
        parent = frame.parent
        assert parent is not None
        if frame.props is not None and parent.map_type is not None and parent.role == "properties":
            self.budget.names(len(parent.nested))
            parent = changed(parent, nested=(*parent.nested, frame.props))
        if frame.role in COMPOSITION and (frame.map_type is SCHEMA or frame.item_spec is not None):
            # A member closes into its list, the list into the schema it composes.
            parts = (*parent.parts, *frame.parts, *((frame.props,) if frame.props is not None else ()))
            refs = parent.refs | frame.refs | ({frame.ref} if frame.ref else frozenset())
            self.budget.names(len(parts) + len(refs))
            # A list notes its last member's own `$ref`: whether a single member is a lone reference.
            ref = frame.ref if parent.item_spec is not None else parent.ref
            parent = changed(parent, parts=parts, refs=refs, ref=ref)
        if parent.map_type is SCHEMA:
            if frame.role == "properties" and frame.map_type is not None:
                parent = changed(parent, props=frame.keys, nested=frame.nested)
            elif frame.role in INSTANCE and frame.map_type is FREE:
                parent = changed(parent, shown=frame.keys)
            if self._undeclared(parent):
                penalty += W_MISFIT
        return parent, penalty

    def _undeclared(self, schema: Frame) -> bool:
        """Whether the schema's object example shows a key that neither its properties nor its members' declare
        (open maps aside: there the example may well hold more)."""
        if schema.shown is None or "additionalProperties" in schema.keys:
            return False
        if schema.props is None and not schema.parts and not schema.refs:
            return False
        declared = [*((schema.props,) if schema.props is not None else ()), *schema.parts]
        for ref in schema.refs:
            known = self.known.get(ref)
            if known is None:
                return False  # a member not read yet may declare anything
            declared.append(known)
        self.budget.names(len(schema.shown) * len(declared))
        return not all(among(name, declared) for name in schema.shown)

    def _unknown(self, state: State, line: Line, i: int) -> list[tuple[Rank, Option]]:
        """A key no grammar knows, read as an unknown keyword of the innermost schema.

        Real documents carry such keys (JSON Schema ignores them); only a line that fits nowhere else is read so,
        never inside a block scalar's text, never a key that some OpenAPI object defines, and never on an OpenAPI
        object, which takes no fields but its own and `x-` extensions.
        """
        frame: Frame | None = state.top
        depth = 0
        while frame is not None and (
            frame.map_type is None or frame.map_type.free or frame.map_type.values is not None
        ):
            self.budget.spend(1)
            frame, depth = frame.parent, depth + 1
        if frame is None or frame.map_type is not SCHEMA or line.key is None or line.value is None:
            return []
        if line.key in frame.keys or line.key in KNOWN_KEYS:
            return []  # a key the grammar knows belongs where the grammar has it
        closed: tuple[Frame, int] | None = (state.top, 0)
        for _ in range(depth):
            self.budget.spend(1)
            closed = self._close_one(*closed, annotating=False) if closed is not None else None
        if closed is None:
            return []
        found = self._entry(closed[0], line.key, ANY, line.value, line, i)
        return [
            (
                (True, True, W_MISFIT, FREE_TIER + 1, depth),
                changed(o, penalty=W_MISFIT, alarm=True, unknown=True, holder=frame),
            )
            for o in found
        ]

    # -- building options ----------------------------------------------------

    def _nest(self, state: State, line: Line, i: int) -> list[Option]:
        """Start the nested value of a pending `key:` (or `-`) with this line."""
        spec = state.pending
        assert spec is not None and line.value is not None
        col = state.pending_col + 2
        where = "" if state.pending_at is None else pointer.join(*state.pending_at)
        if line.item:
            if spec.sequence is None:
                return []
            top, misfit = _instance(state.top, state.pending_role in INSTANCE, "seq")
            seq = Frame(top, col, where, state.pending_role, item_spec=SPECS[spec.sequence], depth=top.depth + 1)
            return _against(self._item(seq, line.value, line, i, col), misfit)
        if line.key is None or spec.mapping is None:
            return []
        top, misfit = _instance(state.top, state.pending_role in INSTANCE, "map")
        frame = Frame(top, col, where, state.pending_role, map_type=MAP_TYPES[spec.mapping], depth=top.depth + 1)
        assert frame.map_type is not None
        match = accepts(frame.map_type, frame.keys, line.key)
        if match is None:
            return []
        return _against(self._entry(frame, line.key, match[0], line.value, line, i), misfit)

    def _entry(self, frame: Frame, key: str, spec: Spec, value: Value, line: Line, i: int) -> list[Option]:
        """Readings of `key: value` as an entry of the mapping `frame`."""
        keys = frame.keys.add(key)
        self.budget.names(keys.copied)
        updated = changed(frame, keys=keys, styles=frame.styles | style(key))
        misfit = False
        schema = frame.map_type is SCHEMA
        if key == "$ref" and value.kind == "scalar" and schema:
            updated = changed(updated, ref=value.text)
        if key == "type" and value.kind == "scalar" and schema:
            updated = changed(updated, type_name=value.text)
            # Examples given before the type must be instances of it.
            misfit = not frame.data <= TYPE_KINDS.get(value.text, frame.data)
        elif key in INSTANCE and value.kind != "empty":
            updated, misfit = _instance(updated, True, data_kind(value))
        elif key in INSTANCE and schema:
            # A nested example (a mapping or a list) cannot be an instance of a scalar type.
            misfit = frame.type_name in SCALAR_TYPES
        options = self._value(State(updated), spec, value, line, i, frame.col, (frame.pointer, key), key)
        return _against(options, misfit)

    def _item(self, seq: Frame, value: Value, line: Line, i: int, col: int, first: str = "") -> list[Option]:
        """Readings of `- value` as the next item of the sequence `seq` (dash at `col`); `first` is how the item
        begins (see lexer.head), when known."""
        spec = seq.item_spec
        assert spec is not None
        first = first or head(value)
        heads = seq.heads if first in seq.heads else seq.heads.add(first)
        if heads is not seq.heads:
            self.budget.names(heads.copied)
        updated = changed(seq, length=seq.length + 1, heads=heads)
        misfit = False
        if seq.role in INSTANCES and seq.parent is not None:
            # Each item of `examples` and `enum` is an instance of the schema.
            owner, misfit = _instance(seq.parent, True, data_kind(value))
            updated = changed(updated, parent=owner)
        at = (seq.pointer, seq.length)
        if value.kind == "item":
            inner = self._inner.get(value.text)
            if inner is None:
                inner = self._inner[value.text] = lex(line.number, value.text)
            assert inner.value is not None
            where = pointer.join(seq.pointer, seq.length)
            if inner.key is not None:
                # `- key: ...` opens a mapping whose keys sit two columns right of the dash.
                if spec.mapping is None:
                    return []
                frame = Frame(updated, col + 2, where, seq.role, map_type=MAP_TYPES[spec.mapping], depth=seq.depth + 1)
                assert frame.map_type is not None
                match = accepts(frame.map_type, frame.keys, inner.key)
                if match is None:
                    return []
                options = self._entry(frame, inner.key, match[0], inner.value, line, i)
            else:
                if spec.sequence is None:
                    return []
                nested = Frame(updated, col + 2, where, seq.role, item_spec=SPECS[spec.sequence], depth=seq.depth + 1)
                options = self._item(nested, inner.value, line, i, col + 2)
            return _against([changed(o, col=col, at=at) for o in options], misfit)
        return _against(self._value(State(updated), spec, value, line, i, col, at, seq.role), misfit)

    def _value(
        self,
        state: State,
        spec: Spec,
        value: Value,
        line: Line,
        i: int,
        col: int,
        at: tuple[str, str | int],
        role: str,
    ) -> list[Option]:
        """Readings of an inline value (or of its absence) at a position of `spec`."""
        kind = value.kind
        if kind == "empty":
            if spec.mapping is None and spec.sequence is None and "any" not in spec.scalars:
                return []
            pending = changed(state, pending=spec, pending_col=col, pending_at=at, pending_role=role)
            return [Option(pending, col, at=at)]
        if kind == "block":
            if not scalar_fits(spec, "str", ""):
                return []
            return [Option(changed(state, text_col=col + value.indent), col, at=at)]
        if kind == "alias":
            return [Option(state, col, at=at)]
        if kind == "flow":
            wanted = spec.mapping if value.text[0] == "{" else spec.sequence
            if wanted is None:
                return []
            return self._spanning(state, value, i, col, at)
        if kind == "item" or not scalar_fits(spec, value.scalar, value.text):
            return []
        whole_schema = spec.mapping == "Schema" and not {"str", "any"} & set(spec.scalars)
        if self.ref_alone and whole_schema and role != "additionalProperties":
            return []  # `true`/`false` as a whole schema came with OpenAPI 3.1; before, only here
        if value.open_until:
            return self._spanning(state, value, i, col, at)
        if value.plain and not TEXT_SCALARS.isdisjoint(spec.scalars):
            # Only free text may run on; `type: object` cannot become `object and more`.
            return [Option(changed(state, plain_col=col + 2), col, at=at)]
        return [Option(state, col, at=at)]

    def _spanning(self, state: State, value: Value, i: int, col: int, at: tuple[str, str | int]) -> list[Option]:
        """A quoted scalar or flow collection left open: it takes lines until it closes."""
        if not value.open_until:
            return [Option(state, col, at=at)]
        end = self._spans.get(i)
        if end is None:
            end = self._span_end(value, i)
            self.budget.spend(end - i if end >= 0 else len(self.lines) - i)
            self._spans[i] = end
        if end < 0:
            return []
        return [Option(state, col, consumed=end - i + 1, cont_col=col + 2, at=at)]

    def _span_end(self, value: Value, i: int) -> int:
        depth, quote = 0, value.open_until
        if value.open_until == "flow":
            depth, quote = flow_balance(value.text, 0, "")
        for k in range(i + 1, len(self.lines)):
            body = self.lines[k].text
            if value.open_until == "flow":
                depth, quote = flow_balance(body, depth, quote)
                if depth <= 0 and not quote:
                    return k
            elif quoted_end(quote + body, 0) >= 0:
                return k
        return -1


def _instance(frame: Frame, applies: bool, kind: str) -> tuple[Frame, bool]:
    """Note an instance of the schema `frame` (an example, default, const or enum value) of the given kind; the
    frame and whether the kind contradicts its type."""
    if not applies or not kind or frame.map_type is not SCHEMA:
        return frame, False
    admitted = TYPE_KINDS.get(frame.type_name or "")
    return changed(frame, data=frame.data | {kind}), admitted is not None and kind not in admitted


def _against(options: list[Option], misfit: bool) -> list[Option]:
    """Options charged for data that contradicts the type of its schema: evidence, not a rule, since real
    documents hold examples of the wrong type."""
    if not misfit:
        return options
    return [changed(o, penalty=o.penalty + W_CONVENTION) for o in options]
