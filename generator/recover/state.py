"""A parse position → its open collections, the readings of a line, and the ties between readings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from .grammar import MapType, Spec
from .keys import EMPTY, Keys
from .lexer import Line


class Frame(NamedTuple):
    """One open mapping or sequence. Frames are immutable, so a choice point is just a saved reference; the open
    frames form a linked list from the innermost outwards."""

    parent: Frame | None
    col: int  # column of the keys (mapping) or of the dashes (sequence)
    pointer: str
    role: str  # the key this node is the value of
    map_type: MapType | None = None  # set for mappings
    item_spec: Spec | None = None  # set for sequences
    keys: Keys = EMPTY
    styles: int = 0  # naming conventions of the keys, as bits (see readings.style)
    length: int = 0  # items so far (sequences)
    heads: Keys = EMPTY  # how the items so far begin (see lexer.head)
    # Facts about a schema that tell where later keys belong.
    type_name: str | None = None
    props: Keys | None = None
    data: frozenset[str] = frozenset()  # JSON kinds of the schema's examples, default, const and enum
    shown: Keys | None = None  # keys of the schema's object example
    nested: tuple[Keys, ...] = ()  # property names of the objects among its properties
    ref: str = ""  # the schema's `$ref` (for a list of schemas: its last member's)
    # What the members of its allOf/anyOf/oneOf declare: property names, and the schemas they refer to.
    parts: tuple[Keys, ...] = ()
    refs: frozenset[str] = frozenset()
    depth: int = 0  # frames outside this one

    def describe(self) -> str:
        items = self.item_spec.text if self.item_spec else ""
        kind = self.map_type.name if self.map_type is not None else f"[{items}]"
        return f"{self.pointer or '#'} ({kind})"


def frames(top: Frame) -> Iterator[Frame]:
    frame: Frame | None = top
    while frame is not None:
        yield frame
        frame = frame.parent


def among(name: str, sets: Iterable[Keys]) -> bool:
    return any(name in names for names in sets)


class State(NamedTuple):
    top: Frame
    # A `key:` or `-` with nothing after it: the next line must nest under it.
    pending: Spec | None = None
    pending_col: int = 0
    pending_at: tuple[str, str | int] | None = None  # the pointer of the nested value: (parent pointer, key)
    pending_role: str = ""
    # Column of the text lines of an open block scalar (0: none open).
    text_col: int = 0
    text_lines: int = 0
    # Column for continuation lines of an open plain scalar (0: none).
    plain_col: int = 0


class Option(NamedTuple):
    """One reading of a line: the state after it and what it tells about how likely it is."""

    state: State
    col: int
    consumed: int = 1  # lines taken, when a quoted/flow value spans several
    cont_col: int = 0
    at: tuple[str, str | int] | None = None  # the node the line starts, as (parent pointer, key or index)
    holder: Frame | None = None  # the open collection the line goes into, as it was before the line
    free: bool = False  # the line goes into free-form data (example, extension)
    contested: bool = False  # the grammar cannot rank this reading against others
    text: bool = False  # the line is read as scalar text
    penalty: int = 0  # how badly the reading fits (see readings.Readings.penalty)
    alarm: bool = False  # some evidence speaks against the reading
    named: bool = False  # the line is a name in an author-named map (schemas, properties)
    in_schema: bool = False  # the line is a keyword of a schema
    unknown: bool = False  # the line is a key no grammar knows (see readings.Readings.unknown)
    closing: int = 0  # the part of the penalty paid for closing collections as they stand

    @property
    def reading(self) -> str:
        """Where the line was put, for messages."""
        if self.holder is None:
            return "text"
        return ("an unknown key of " if self.unknown else "part of ") + self.holder.describe()


@dataclass(slots=True)
class Choice:
    """A line read one way while other readings wait, for backtracking."""

    index: int
    cost: int  # cost of the reading before this line
    taken: Option
    others: list[Option]
    state: State  # before the line
    revised: bool = False


@dataclass(frozen=True)
class Tie:
    """A line that two or more readings fit equally well."""

    index: int
    line: Line
    pointer: str  # where the parse stood
    readings: tuple[str, ...]  # every reading that fits, the one taken first
    # "data" (which mapping a key of example data belongs to) or "property" (which object a property belongs
    # to): ties the page's schemas and examples may settle (see evidence.Evidence); "" for any other.
    kind: str = ""
    chosen: str = ""  # the mapping the reading taken put the key in
    # The readings themselves, the one taken first; for a best guess, why it was taken.
    options: tuple[Option, ...] = ()
    evidence: str = ""

    @property
    def containers(self) -> tuple[Frame, ...]:
        """Where each reading puts the line."""
        return tuple(option.holder or option.state.top for option in self.options)

    @property
    def settleable(self) -> bool:
        return bool(self.kind)

    def message(self) -> str:
        return f"ambiguous: `{self.line.text}` can be " + " or ".join(self.readings)


class Ambiguous(Exception):
    """A tie that stops a strict reading."""

    def __init__(self, tie: Tie) -> None:
        super().__init__(tie.line.number)
        self.tie = tie


@dataclass
class Reading:
    """A complete reading of a block: a column per line, the node each line starts, and the ties it decided."""

    cols: list[int]
    starts: list[str | None] = field(default_factory=list)
    ties: Sequence[Tie] = ()


_R = TypeVar("_R", Frame, State, Option)
_INDEX: dict[type, dict[str, int]] = {
    record: {name: index for index, name in enumerate(record._fields)} for record in (Frame, State, Option)
}


def changed(record: _R, **changes: Any) -> _R:
    """`record._replace(**changes)`, four times faster: readings build millions of these records."""
    values = list(record)
    index = _INDEX[type(record)]
    for name, value in changes.items():
        values[index[name]] = value
    return tuple.__new__(type(record), values)
