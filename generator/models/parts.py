"""The engine's document → its independent groups, run in parts → one module again.

Schemas that never refer to each other, directly or through others, are typed the same whether the engine
meets them in one run or in several. A large spec's document is cut along those seams into groups, and the
groups into parts of about `PART_SIZE` schemas: the engine's time grows faster than the number of schemas, so
the parts cost less than the whole, and they can run on both cores. A part's run is divided into what each of
its groups alone gives (`answered`), and each group's answer is remembered apart: an edit runs the engine
again only on the groups it touched. The engine still names every class, so a cut that could change a name
is not made:
- schemas whose keys could give the same class name (`status`, `Status`) stay in one group, where the engine
  numbers them as it always does; so do schemas where it makes up names from the same property's (a union's
  members: `Type`, `TypeEnum`, `InputItem`), and those with the schemas whose keys start with that name;
- the parts are put back together only when no class is defined twice, none is named like something a part
  imports (a `UUID` schema beside a `uuid` field), and no part renamed an import (`date as date_aliased`,
  which the engine does for every class of a run once one has a field named `date`); otherwise the whole
  document runs once, as before.
The module holds the same classes as the whole run's, group after group.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .. import fingerprint
from ..layout import first_line
from ..spec import pointer
from .hoist import SCHEMAS, Plan
from .source import names_read

# Below this many schemas a spec runs whole. The engine's time grows faster than the number of schemas, so parts
# of about this many (or the largest group, if larger) cost a little less than one run over them all (GitHub's
# 776 schemas in four parts: 3.05 s of CPU against 3.40 s whole, the fastest of six runs each).
SPLIT_AT: Final = 300
# The small groups go into parts of this many: an edit to one runs the engine on its part alone. OpenAI's 560
# small schemas took 1.46 s of engine time in parts of 64 against 1.65 s in parts of 128 (and 1.9 s in parts
# of 32), and the part an edit to its first schema runs took 0.29 s against 0.67 s.
PART_SIZE: Final = 64
_PREFIX: Final = SCHEMAS + "/"


@dataclass(frozen=True)
class Cut:
    """A document cut into groups (schemas that never refer to each other across groups, each with the carrier's
    slots that name its schemas; then the slots that name none, a group with no schema) and the parts the groups
    are run in, both in the order of their first schemas."""

    document: dict[str, Any]
    carrier: str
    keys: list[list[str]]  # each group's schema keys, in the planned order
    slots: list[list[str]]  # each group's slots of the carrier, in the carrier's order
    parts: list[list[int]]  # the groups of each part
    place: dict[str, int]  # each schema key's place in the document

    def engine_document(self, groups: Sequence[int]) -> dict[str, Any]:
        """The engine document of these groups: their schemas in the planned order, and their slots."""
        document = self.document
        schemas: dict[str, Any] = document["components"]["schemas"]
        held = sorted((key for group in groups for key in self.keys[group]), key=self.place.__getitem__)
        own = {name for group in groups for name in self.slots[group]}
        part = {key: schemas[key] for key in held}
        carrier = schemas.get(self.carrier) if self.carrier else None
        if isinstance(carrier, dict) and own:
            slots = {name: schema for name, schema in carrier.get("properties", {}).items() if name in own}
            part[self.carrier] = {key: value for key, value in carrier.items() if key not in ("properties", "required")}
            part[self.carrier]["properties"] = slots
            required = [name for name in carrier.get("required", ()) if name in own]
            if required:
                part[self.carrier]["required"] = required
        return {**document, "components": {**document["components"], "schemas": part}}


def cut_up(plan: Plan, *, at: int = SPLIT_AT, size: int = PART_SIZE) -> Cut | None:
    """The document's groups and parts, or None when it runs whole (small, one group, or one part)."""
    document = plan.document
    schemas: dict[str, Any] = document["components"]["schemas"]
    if len(schemas) < at:
        return None
    keys = [key for key in schemas if key != plan.carrier]
    carrier = schemas.get(plan.carrier) if plan.carrier else None
    slots: dict[str, Any] = carrier.get("properties", {}) if isinstance(carrier, dict) else {}
    read = {key: _read(schemas[key], schemas) for key in keys}
    found = {key: targets for key, (targets, _) in read.items()}
    found.update({f"slot:{name}": _read(schema, schemas)[0] for name, schema in slots.items()})
    if any(targets is None for targets in found.values()):
        return None
    named = {key: [t for t in targets or () if t != plan.carrier] for key, targets in found.items()}
    joined = _Joined([*keys, *(f"slot:{name}" for name in slots)])
    for key, targets in named.items():
        for target in targets:
            joined.join(key, target)
    seen: dict[str, str] = {}
    for key in keys:  # the engine's class names differ at most where these do
        joined.join(key, seen.setdefault(_squashed(key), key))
    # And the names it makes up from a property's (`Type`, `TypeEnum`, `InputItem`), numbered across one run:
    # components that could make up names starting alike stay together, and with the components so named.
    made_up = {key: invented for key, (_, invented) in read.items()}
    starts = {name for names in made_up.values() for name in names}
    for key in keys:
        for name in made_up[key]:
            joined.join(key, seen.setdefault(f"property:{name}", key))
    for key in keys:
        squashed = _squashed(key)
        for name in starts:
            if squashed.startswith(name):
                joined.join(key, seen[f"property:{name}"])
    grouped: dict[str, list[str]] = {}
    for key in keys:
        grouped.setdefault(joined.find(key), []).append(key)
    if len(grouped) < 2:
        return None
    groups = list(grouped.values())  # in the order of their first schemas
    root = {joined.find(group[0]): index for index, group in enumerate(groups)}
    # A slot goes with the schemas it names. Those that name none (a plain `str`, most of a large spec's) are a
    # group of their own, with no schema: in any schema's group they would be typed again whenever it is edited
    # (OpenAI's 500 such slots: 0.12 s of engine time on an edit to a schema of its own, against 0.006 s).
    owned: list[list[str]] = [[] for _ in groups]
    plain = [name for name in slots if not named[f"slot:{name}"]]
    if plain:
        groups.append([])
        owned.append(plain)
    for name in slots:
        if named[f"slot:{name}"]:
            owned[root.get(joined.find(f"slot:{name}"), 0)].append(name)
    # Largest groups first, each into the first part with room for it (first-fit decreasing); ties by place in
    # the document. A group larger than a part is one part of its own, never cut, and never joined by the small
    # ones: they keep to parts of `size`, so that few schemas share a part with the one an edit touched.
    bins: list[list[int]] = []
    for index in sorted(range(len(groups)), key=lambda i: (-len(groups[i]), i)):
        fits = next((b for b in bins if sum(len(groups[g]) for g in b) + len(groups[index]) <= size), None)
        if fits is None:
            bins.append(fits := [])
        fits.append(index)
    if len(bins) < 2:
        return None
    for members in bins:
        members.sort()
    bins.sort()
    return Cut(document, plan.carrier, groups, owned, bins, {key: index for index, key in enumerate(schemas)})


_Run = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


def answered(cut: Cut, part: int, *, run: _Run, remembered: _Run, cache: bool) -> tuple[str, dict[str, Any]] | None:
    """The engine's module and metadata for one part, made of its groups' answers in group order. Each group's
    answer is what the engine gives for that group alone (`_divided`); with `cache` it is remembered by the
    group's document, so an edit runs the engine on the groups it touched, not on their whole part. The groups
    still to answer run together, and the run is divided between them; where it cannot be, each runs alone.
    None when even a group's own run cannot be divided: the whole document must then run. A part of one group
    (the largest groups) is the engine's answer as it stands, with no syntax tree of it made here."""
    from ..cache import Cache

    members = cut.parts[part]
    if len(members) == 1:  # a group as large as a part: its run is its answer, remembered as the engine's
        return remembered(cut.engine_document(members))
    store = Cache(enabled=cache)
    entries = {group: _entry(cut, group) for group in members} if cache else {}
    pieces: dict[int, _Piece] = {}
    for group, entry in entries.items():
        recalled = _recalled(store, entry)
        if recalled is not None:
            pieces[group] = recalled
    missing = [group for group in members if group not in pieces]
    if missing:
        divided = _divided(run(cut.engine_document(missing)), cut, missing)
        if divided is None:
            divided = []
            for group in missing:
                alone = _divided(run(cut.engine_document([group])), cut, [group])
                if alone is None:
                    return None
                divided += alone
        for group, piece in zip(missing, divided, strict=True):
            pieces[group] = piece
            if cache:
                store.put("groups", entries[group], json.dumps(piece).encode("utf-8"))
    return _assembled([pieces[group] for group in members], cut.carrier)


# A group's answer: the engine's imports its statements use, as (kind, module, name); its statements' text in
# the engine's order; the slot carrier's fields for its slots; and its models' metadata (the carrier's with the
# group's own slots only).
_Piece = dict[str, Any]


def _entry(cut: Cut, group: int) -> str:
    return fingerprint.digest("group", fingerprint.code(), cut.carrier, repr(cut.engine_document([group])))


def _recalled(store: Any, entry: str) -> _Piece | None:
    hit = store.get("groups", entry)
    if hit is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        piece = json.loads(hit)
        if isinstance(piece, dict) and {"imports", "statements", "carried", "models"} <= set(piece):
            return piece
    return None


def _divided(answer: tuple[str, dict[str, Any]], cut: Cut, groups: Sequence[int]) -> list[_Piece] | None:
    """A run over several groups, divided into what each group alone gives: every top-level statement goes to
    the group of the schema its model came from (a docstring after an alias with that alias), and each group
    keeps the imports its statements use. None when a statement belongs to no group, or the module holds
    what is not known to divide (an import after a statement or renamed, a comment between statements)."""
    source, metadata = answer
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    of_key = {key: index for index, group in enumerate(groups) for key in cut.keys[group]}
    of_slot = {name: index for index, group in enumerate(groups) for name in cut.slots[group]}
    owner: dict[str, int] = {}
    slot_group: dict[str, int] = {}  # a field of the slot carrier → the group of its slot
    models: list[list[dict[str, Any]]] = [[] for _ in groups]
    carriers: list[list[dict[str, Any]]] = [[] for _ in groups]
    for model in metadata.get("models", []):
        if model.get("class_name") == cut.carrier:
            fields: list[list[Any]] = [[] for _ in groups]
            for field in model.get("fields", []):
                slot = field.get("name") if field.get("original_name") is None else field.get("original_name")
                if slot not in of_slot:
                    return None
                fields[of_slot[slot]].append(field)
                slot_group[field.get("name")] = of_slot[slot]
            for index, own in enumerate(fields):
                if own:  # after the group's models: where the engine lists it depends on the run's other models
                    carriers[index].append({**model, "fields": own})
            continue
        ref = model.get("source_ref")
        key = pointer.split(ref)[2] if isinstance(ref, str) and ref.startswith(_PREFIX) else None
        if key not in of_key or owner.setdefault(model.get("class_name"), of_key[key]) != of_key[key]:
            return None
        models[of_key[key]].append(model)
    lines = source.split("\n")
    imports: dict[str, tuple[str, str, str]] = {}
    units: list[_Unit] = []  # the module's statements, each docstring with the alias before it
    carried: list[list[str]] = [[] for _ in groups]  # the carrier's fields for each group's slots
    carried_names: list[set[str]] = [set() for _ in groups]  # and the names they read
    end = next((n for n, line in enumerate(lines) if line.strip() and not line.startswith("#")), 0)  # its header
    for node in tree.body:
        start = first_line(node)
        if any(line.strip() for line in lines[end : start - 1]):
            return None  # a comment between statements
        if isinstance(node, ast.Import | ast.ImportFrom):
            if units:
                return None
            bound = _imported(node)
            if bound is None:
                return None
            imports.update(bound)
        else:
            text = "\n".join(lines[start - 1 : node.end_lineno])
            name = _bound(node)
            if name is None and isinstance(node, ast.Expr) and isinstance(getattr(node.value, "value", None), str):
                if not units:
                    return None
                units[-1].text += "\n" * (start - end) + text  # a docstring, with the alias it follows
            else:
                here = "carrier" if name == cut.carrier else owner.get(name) if name is not None else None
                units.append(_Unit(name, text, names_read(node), here))
                if isinstance(node, ast.ClassDef) and here == "carrier":
                    # Each slot's field goes with its group: what it reads is imported for the client's hints.
                    for field in node.body:
                        if not isinstance(field, ast.AnnAssign):
                            continue  # a docstring
                        if not isinstance(field.target, ast.Name) or field.target.id not in slot_group:
                            return None  # a field no slot's model names
                        group = slot_group[field.target.id]
                        carried[group].append("\n".join(lines[field.lineno - 1 : field.end_lineno]))
                        carried_names[group] |= names_read(field)
        end = node.end_lineno or start
    # A class the engine made up without a model of its own (a union member it named) belongs to the one group
    # whose statements use it; used by several, or by none, the run cannot be divided.
    while any(unit.group is None for unit in units):
        found = False
        for unit in units:
            if unit.group is None:
                users = {other.group for other in units if isinstance(other.group, int) and unit.name in other.names}
                if len(groups) == 1 or len(users) == 1:
                    unit.group, found = (0 if len(groups) == 1 else users.pop()), True
        if not found:
            return None
    pieces: list[_Piece] = []
    for index in range(len(groups)):
        own = [unit for unit in units if unit.group == index]
        used = {name for unit in own for name in unit.names} | carried_names[index]
        pieces.append(
            {
                "imports": sorted(imports[name] for name in used if name in imports),
                "statements": [unit.text for unit in own],
                "carried": carried[index],
                "models": models[index] + carriers[index],
            }
        )
    return pieces


@dataclass
class _Unit:
    """A top-level statement of the engine's module, and the group it belongs to ("carrier": none)."""

    name: str | None
    text: str
    names: set[str]
    group: int | str | None


def _assembled(pieces: Sequence[_Piece], carrier: str) -> tuple[str, dict[str, Any]] | None:
    """One module of the groups' answers, in their order, under the imports they use together."""
    statements = [text for piece in pieces for text in piece["statements"]]
    if not statements:
        return None
    imports: dict[tuple[str, str], set[str]] = {}
    for kind, module, name in (tuple(item) for piece in pieces for item in piece["imports"]):
        imports.setdefault((kind, module), set()).add(name)
    head = ["from __future__ import annotations"]
    for (kind, module), names in sorted(imports.items()):
        if kind == "from":
            head.append(f"from {module} import {', '.join(sorted(names))}")
        else:
            head.extend(f"import {name}" for name in sorted(names))
    fields = [text for piece in pieces for text in piece["carried"]]
    if fields:  # the slot carrier, which the finished module leaves out, with the parts' slots
        statements.append("\n".join([f"class {carrier}(_Model):", *fields]))
    source = "\n".join(head) + "\n\n\n" + "\n\n\n".join(statements) + "\n"
    return source, {"models": [model for piece in pieces for model in piece["models"]]}


def _bound(node: ast.stmt) -> str | None:
    """The name a class, alias or enum statement defines."""
    if isinstance(node, ast.ClassDef):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def shares(documents: Sequence[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """The parts' indexes in two shares of about equal work for two processes, the lighter share first: its
    process also puts the parts back together. The engine's time on a part follows the size of its schemas'
    text, not their number (GitHub's three parts of 255 schemas: 253 KB took 2.9 s, 155 KB 1.5 s, 114 KB 1.0 s).
    Largest part first, each to the share with less work so far."""
    cost = [len(json.dumps(document["components"]["schemas"], default=str)) for document in documents]
    chosen: tuple[list[int], list[int]] = ([], [])
    for index in sorted(range(len(documents)), key=lambda i: (-cost[i], i)):
        lighter = min(chosen, key=lambda share: sum(cost[i] for i in share))
        lighter.append(index)
    first, second = sorted(chosen, key=lambda share: (sum(cost[i] for i in share), share))
    return sorted(first), sorted(second)


def piece(source: str, carrier: str, *, cache: bool = False) -> dict[str, Any] | None:
    """What `merge` reads of one part's module (`_piece`); with `cache`, remembered by its text, so that an edit
    reads again only the parts it ran."""
    from ..cache import Cache

    store = Cache(enabled=cache)
    entry = fingerprint.digest("part", fingerprint.code(), carrier, source)
    hit = store.get("parts", entry)
    if hit is not None:
        with contextlib.suppress(ValueError, TypeError):
            cached = json.loads(hit)
            if cached is None or isinstance(cached, dict):
                return cached
    found = _piece(source, carrier)
    store.put("parts", entry, json.dumps(found).encode("utf-8"))
    return found


def merge(
    pieces: Sequence[dict[str, Any] | None], metadata: Sequence[dict[str, Any]]
) -> tuple[list[str], dict[str, Any]] | None:
    """The import lines and metadata of the parts' runs together, from what `piece` read of each part's module
    and each run's metadata (each module is finished apart, and `source.joined` puts them under these
    imports); None when they cannot be put together exactly (the whole document must then run)."""
    imports: dict[tuple[str, ...], set[str]] = {}
    defined: set[str] = set()
    imported: set[str] = set()
    for found in pieces:
        if found is None:
            return None
        for kind, module, name in found["imports"]:
            imports.setdefault((kind, module) if kind == "from" else (kind,), set()).add(name)
            imported.add(name.split(".")[0])
        here = set(found["defined"])
        if here & defined:
            return None
        defined |= here
    if defined & imported:
        return None
    header = []
    for (kind, *origin), listed in imports.items():
        if kind == "from":
            header.append(f"from {origin[0]} import {', '.join(sorted(listed))}")
        else:
            header.extend(f"import {name}" for name in sorted(listed))
    return header, {**metadata[0], "models": [m for meta in metadata for m in meta.get("models", [])]}


def _piece(source: str, carrier: str) -> dict[str, Any] | None:
    """What `merge` reads of one part's module: its imports (kind, module, name) and the names it defines; None
    when the module holds what cannot be merged."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    statements = [node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)]
    head = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    if not statements or any(node.lineno > statements[0].lineno for node in head):
        return None
    imports: list[tuple[str, str, str]] = []
    read = {name for node in statements for name in names_read(node)}  # an import nothing reads is left out
    for imported_by in head:
        found = _imported(imported_by)
        if found is None:
            return None
        imports += [item for bound, item in found if bound in read or item[1] == "__future__"]
    here: set[str] = set()
    for node in statements:
        if isinstance(node, ast.ClassDef):
            here.add(node.name)
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            here.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            here.add(node.target.id)
        elif not isinstance(node, ast.Expr):  # a statement the engine's modules are not known to hold
            return None
    here.discard(carrier)
    return {"imports": imports, "defined": sorted(here)}


def _imported(node: ast.Import | ast.ImportFrom) -> list[tuple[str, tuple[str, str, str]]] | None:
    """Each name an import statement of the engine's binds, with the import as (kind, module, name); None when
    it renames one (the engine renames an import a field would hide, in every class of its run)."""
    module = "." * node.level + (node.module or "") if isinstance(node, ast.ImportFrom) else ""
    kind = "from" if isinstance(node, ast.ImportFrom) else "import"
    if any(alias.asname for alias in node.names):
        return None
    bound = [alias.name if kind == "from" else alias.name.split(".")[0] for alias in node.names]
    return [(name, (kind, module, alias.name)) for name, alias in zip(bound, node.names, strict=True)]


def _squashed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _named_by_the_engine(member: Any) -> bool:
    if not isinstance(member, dict):
        return False
    kind = member.get("type")
    kinds: list[Any] = kind if isinstance(kind, list) else [kind]
    return bool(
        {"array", "object"} & {str(kind) for kind in kinds} or {"items", "properties", "const", "enum"} & set(member)
    )


def _read(schema: Any, schemas: dict[str, Any]) -> tuple[list[str] | None, set[str]]:
    """In one walk of a component: the component keys it names, by `$ref` anywhere in it or in a discriminator's
    mapping (None when it names something else the engine would have to find: a mapping to no component); and
    the properties, anywhere in it, whose inline union holds a constant, an enum, an array or an object: the
    engine names what it makes for such a member after the property (OpenAI's nullable `type: anyOf [const,
    null]` becomes `TypeEnum` and `Type`; an `input: oneOf [..., array]` gives `InputItem`, beside a component
    of that name), and numbers those names across its run. Squashed, as keys are."""
    found: list[str] = []
    invented: set[str] = set()
    mapped: list[Any] = []
    for node in pointer.containers(schema):
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX):
            found.append(pointer.split(ref)[2])
        discriminator = node.get("discriminator")
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        mapped.extend(mapping.values() if isinstance(mapping, dict) else ())
        properties = node.get("properties")
        for name, inner in properties.items() if isinstance(properties, dict) else ():
            members = [*(inner.get("anyOf") or ()), *(inner.get("oneOf") or ())] if isinstance(inner, dict) else []
            if any(_named_by_the_engine(member) for member in members):
                invented.add(_squashed(str(name)))
    for value in mapped:
        key = pointer.split(value)[2] if isinstance(value, str) and value.startswith(_PREFIX) else value
        if key not in schemas:
            return None, invented
        found.append(key)
    # A property named in punctuation alone would join every component; a clash from it still stops `merge`.
    invented.discard("")
    return [key for key in found if key in schemas], invented


class _Joined:
    """Union-find over component keys."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, one: str, other: str) -> None:
        if one in self.parent and other in self.parent:
            self.parent[self.find(one)] = self.find(other)
