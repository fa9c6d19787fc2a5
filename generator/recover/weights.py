"""A line and where a reading puts it → the evidence for and against that reading: rules, habits, the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ..spec import pointer
from .budget import Budget
from .grammar import (
    ANNOTATIONS,
    BARE,
    COMPOSITION,
    EXTENDED,
    KEYWORD_TYPE,
    OBJECT_LEVEL,
    PARTS,
    REF_SIBLINGS,
    REFERABLE,
    SCHEMA,
)
from .lexer import Line
from .state import Frame, Option, among, changed

# Weights of the evidence about where a line belongs (see Readings.penalty).
W_POINTED: Final = -3  # a $ref elsewhere in the block points exactly there
W_NAMED: Final = -2  # a title naming the schema it would join
W_CONVENTION: Final = 1  # against a habit of writers, not a rule
W_MISFIT: Final = 2  # against what the keyword means (type-specific keyword on another type)
W_SWALLOWED: Final = 2  # a line the grammar could place has to be read as scalar text
W_UNLIKE: Final = 1  # an item that begins unlike the items of its list, but like those of another open list
_BARE_TYPE: Final = BARE - {"$ref"}
_REF_ALONE: Final = frozenset({"$ref"})
_ANNOTATIONS_TYPE: Final = ANNOTATIONS | {"type"}
# Objects that hold a schema and annotate it in their own fields, and those fields.
_OWNERS: Final = frozenset({"Parameter", "Header", "MediaType"})
# Keys that describe whatever object holds them.
_DESCRIBING: Final = (ANNOTATIONS - {"$ref"}) | {"summary"}
_OWNED: Final = frozenset({"example", "examples", "description", "deprecated"})
Rank = tuple[bool, bool, int, int, int]


class Weights:
    """The evidence about one block's lines; parse states and readings come from `readings.Readings`."""

    def __init__(self, lines: Sequence[Line], *, budget: Budget) -> None:
        self.lines = lines
        self.budget = budget
        self.targets, self.target_names = _ref_targets(lines)
        # Whether the document's version ignores keywords beside a $ref.
        version = next((line.value.text for line in lines[:50] if line.key == "openapi" and line.value), "")
        self.ref_alone = not re.match(r"3\.[1-9]", version)
        self._items: dict[int, tuple[str, ...]] = {}  # line → the scalar items of the list starting there
        # Whether choices made by a habit of writers (not by the page's evidence) count as ties: for a best guess,
        # which lists every choice it makes.
        self.listing_habits = False

    def contest(self, options: list[Option], ranked: list[tuple[Rank, Option]], line: Line) -> list[Option]:
        """Mark the readings that only what follows can tell apart (see parser.Parser.settle)."""
        if len(options) < 2:
            return options
        assert line.value is not None
        nested_annotation = line.key in OBJECT_LEVEL and line.value.kind == "empty"
        if line.key in ANNOTATIONS and line.key != "$ref":
            # After a member of a union that gives just a type, an annotation describes that member about as often
            # as the union's owner.
            bare = _BARE_TYPE | {line.key}
            nested_annotation |= any(
                o.in_schema
                and o.state.top.role in COMPOSITION
                and "type" in o.state.top.keys
                and o.state.top.keys.within(bare)
                for o in options[:2]
            )
        # A property after a nested object's last property: the nested object's or its owner's; only what follows
        # can tell.
        nested_property = all(
            o.named and o.state.top.role == "properties" and o.penalty == options[0].penalty for o in options[:2]
        )
        if self.ref_alone and line.key in ANNOTATIONS and ranked[0][1].in_schema:
            # An annotation describes the innermost schema that can take it; when that one is a reference, whose
            # siblings this version ignores, nothing orders the others.
            nested_annotation |= any(
                o.in_schema and r[4] < ranked[0][0][4] and "$ref" in o.state.top.keys and o.state.top.role not in PARTS
                for r, o in ranked
            )
        # Two schemas that take an annotation equally well, where no habit of writers ranks them: the annotation
        # after a schema's last property describes that property (measured on the corpus), but after an `items` or
        # a union nothing says whether it describes that part or its owner.
        nested_annotation |= (
            line.key in ANNOTATIONS
            and line.key != "$ref"
            and options[0].penalty == options[1].penalty
            and not _last_property(options[0].holder, options[1].holder)
        )
        if self._owner_or_schema(options, line):
            # After a parameter's, header's or media type's own schema, an example or a description can describe
            # either. Nothing ranks them, though the object itself holds it far more often (in the corpus, 1,600
            # times against 180), so its reading comes first.
            first, second, *rest = options
            return [changed(o, contested=True) for o in (second, first)] + rest
        if options[1].free == options[0].free and (
            options[0].free
            or line.item
            or nested_property
            or (
                nested_annotation
                and options[0].in_schema
                and options[1].in_schema
                and options[0].penalty == options[1].penalty
            )
        ):
            # Which mapping a key of example data continues, which of two lists of the same kind an item continues,
            # or which of two schemas an object-level annotation (xml, an object example) describes: only what
            # follows tells.
            return [changed(o, contested=o.free == options[0].free) for o in options]
        first, second = options[0], options[1]
        if (
            line.key is not None
            and (line.key in _DESCRIBING or line.key.startswith("x-"))
            and not (first.free or second.free or first.named or second.named)
            and first.penalty == second.penalty
            and not _last_property(first.holder, second.holder)
        ):
            # An annotation or an extension that two objects take equally well (an operation's summary or its path
            # item's, an example's description or its request body's): only what follows tells, if anything does.
            return [changed(o, contested=not o.free) for o in options]
        if sum(o.free for o in options) > 1:
            # Readings as free-form data rank after those the grammar knows, and may be all that is left when those
            # die: which mapping of data the key continues is then for what follows to tell.
            return [changed(o, contested=o.free) for o in options]
        if self.listing_habits and habitual(options):
            # A best guess lists the choices a habit of writers made too.
            return [changed(o, contested=k < 2) for k, o in enumerate(options)]
        return options

    @staticmethod
    def _owner_or_schema(options: list[Option], line: Line) -> bool:
        """Whether the two likeliest readings put an annotation into an object's schema or into the object."""
        inner, outer = options[0].holder, options[1].holder
        return (
            line.key in _OWNED
            and inner is not None
            and outer is not None
            and outer.map_type is not None
            and outer.map_type.name in _OWNERS
            and inner.role == "schema"
            and inner.parent is outer
            and options[0].penalty == options[1].penalty
        )

    def penalty(self, frame: Frame, rank: int, line: Line, i: int) -> int:
        """Evidence against (positive) or for (negative) putting a key into `frame`."""
        key = line.key
        if key is None or frame.map_type is None:
            return 0
        if key in self.target_names and pointer.join(frame.pointer, key) in self.targets:
            return W_POINTED
        if rank == 1 and frame.styles and not frame.styles & style(key):
            # Names in one map follow one convention (PascalCase schemas, snake_case properties); a stranger fits
            # worse.
            return W_CONVENTION
        if key.startswith("x-") and frame.map_type.name not in EXTENDED:
            return W_CONVENTION  # extensions describe operations and schemas, rarely their parts
        beside_ref = ("$ref" in frame.keys and key in REF_SIBLINGS) or (
            key == "$ref" and frame.keys.meets(REF_SIBLINGS)
        )
        if frame.map_type.name in REFERABLE and self.ref_alone and beside_ref:
            return W_CONVENTION  # before 3.1 a reference takes no summary or description of its own
        if frame.map_type is not SCHEMA:
            return 0
        name = self._naming(key, line, i)
        if name is not None and name == squash((pointer.split(frame.pointer) or [""])[-1]):
            # A schema's title (or XML name) repeats the name it is filed under.
            return W_NAMED
        annotation = key in ANNOTATIONS or key.startswith("x-")
        if key == "$ref" and not frame.keys.within(ANNOTATIONS):
            # A reference joins annotations, not a schema of its own; a bare `type` before it merely repeats what
            # the target is.
            return 0 if "type" in frame.keys and frame.keys.within(_ANNOTATIONS_TYPE) else W_MISFIT
        if "$ref" in frame.keys:
            if key == "type" and frame.type_name is None:
                return W_CONVENTION
            if not annotation:
                return W_MISFIT
            if key in ("example", "examples", "default"):
                # Beside a $ref, mostly the enclosing media type or parameter has these.
                return W_CONVENTION
            if self.ref_alone and not key.startswith("x-"):
                # Before OpenAPI 3.1 a $ref's siblings are ignored, so writers rarely put them there.
                return W_CONVENTION
        wanted = KEYWORD_TYPE.get(key)
        if (
            wanted
            and frame.type_name
            and frame.type_name != wanted
            and not (wanted == "number" and frame.type_name == "integer")
        ):
            return W_MISFIT
        if key == "required" and line.value is not None and line.value.kind == "empty" and frame.props is not None:
            names = self.peek_items(i + 1)
            missing = [name for name in names if name not in frame.props]
            if missing:
                # A name that went to a nested object, or none of the names here: the list belongs elsewhere, or
                # the properties do. Documents do list a name or two they never declare, though.
                self.budget.spend(len(missing) * (1 + len(frame.nested)) // 8 + 1)
                misplaced = any(among(name, frame.nested) for name in missing) or len(missing) == len(names)
                return W_MISFIT if misplaced else W_CONVENTION
        if not annotation and key != "discriminator" and frame.keys.meets(COMPOSITION):
            # After allOf/anyOf/oneOf a schema takes annotations and little else: a habit, weaker than a keyword
            # that contradicts a type.
            return W_CONVENTION
        if key == "discriminator" and not frame.keys.meets(("oneOf", "anyOf")):
            # A discriminator tells the members of a union apart; it mostly sits beside one.
            return W_CONVENTION
        if annotation and frame.type_name == "null" and not key.startswith("x-"):
            return W_MISFIT  # `type: 'null'` is the optional half of an anyOf, not described
        if annotation and frame.role in PARTS and frame.parent is not None:
            # Annotations after a bare `items` schema or a bare part of allOf/anyOf/oneOf usually describe the
            # owner, when the owner can still take them.
            owner = frame.parent if frame.role == "items" else frame.parent.parent
            # A member of a union that gives a type is described in itself far more often than its owner is
            # (measured on the corpus).
            bare = frame.keys.within(BARE if frame.role == "items" else _REF_ALONE)
            if bare and owner is not None and owner.map_type is not None and key not in owner.keys:
                return W_CONVENTION
        return 0

    def _naming(self, key: str, line: Line, i: int) -> str | None:
        """The name a `title: X` or `xml: {name: X}` line gives, squashed for comparison."""
        value = line.value
        if key == "title" and value is not None and value.kind == "scalar":
            return squash(value.text)
        if key == "xml" and i + 1 < len(self.lines) and self.lines[i + 1].key == "name":
            after = self.lines[i + 1].value
            if after is not None and after.kind == "scalar":
                return squash(after.text)
        return None

    def peek_items(self, i: int) -> tuple[str, ...]:
        """The scalar items of a list starting at line i (read once: a `required` list is looked at often)."""
        found = self._items.get(i)
        if found is None:
            names: list[str] = []
            k = i
            while k < len(self.lines):
                value = self.lines[k].value
                if not self.lines[k].item or value is None or value.kind != "scalar":
                    break
                names.append(value.text)
                k += 1
            self.budget.spend(len(names) + 1)
            found = self._items[i] = tuple(names)
        return found


def habitual(options: Sequence[Option]) -> bool:
    """Whether only a habit of writers ranks the two likeliest readings: a key after a schema's last property
    continues that property (measured on the corpus, and mostly true) rather than the schema that owns it."""
    first, second = options[0], options[1]
    return (
        not first.free
        and not second.free
        and (first.penalty, first.named) == (second.penalty, second.named)
        and _last_property(first.holder, second.holder)
    )


def _last_property(inner: Frame | None, outer: Frame | None) -> bool:
    """Whether `inner` is a property schema of the schema `outer`."""
    if inner is None or outer is None or inner.parent is None:
        return False
    names = inner.parent
    return names.role == "properties" and names.map_type is not None and names.parent is outer


def style(name: str) -> int:
    """Coarse naming convention of a key, as a bit: capitalised, lower-case or other."""
    return 1 if name[:1].isupper() else 2 if name[:1].islower() else 4


def squash(name: str) -> str:
    """A name without case or separators: `Grant Type` and `grant_type` agree."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _ref_targets(lines: Sequence[Line]) -> tuple[frozenset[str], frozenset[str]]:
    """Pointers of every local `$ref` (and discriminator mapping) in the block, and their last names."""
    targets: set[str] = set()
    names: set[str] = set()
    for i, line in enumerate(lines):
        value = line.value
        if value is None or line.key is None:
            continue
        text = value.text
        if value.kind == "block" and i + 1 < len(lines):
            text = lines[i + 1].text
        if text.startswith("#/"):
            parts = pointer.split(text)
            targets.add(pointer.join("", *parts))
            names.add(parts[-1])
    return frozenset(targets), frozenset(names)
