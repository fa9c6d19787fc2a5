"""The engine's document → its independent parts, each run apart → one module again.

Schemas that never refer to each other, directly or through others, are typed the same whether the engine
meets them in one run or in several. A large spec's document is cut along those seams into parts of about
`PART_SIZE` schemas: the engine's time grows faster than the number of schemas, so the parts cost less than
the whole; they can run on both cores; and an edit runs the engine again only for the part it touched (each is
remembered apart, `engine.remembered`). The engine still names every class, so a cut that could change a name
is not made:
- schemas whose keys could give the same class name (`status`, `Status`) stay in one part, where the engine
  numbers them as it always does; so do schemas where it makes up names from the same property's (a union's
  members: `Type`, `TypeEnum`, `InputItem`), and those with the schemas whose keys start with that name;
- the parts are put back together only when no class is defined twice, none is named like something a part
  imports (a `UUID` schema beside a `uuid` field), and no part renamed an import (`date as date_aliased`,
  which the engine does for every class of a run once one has a field named `date`); otherwise the whole
  document runs once, as before.
The module holds the same classes as the whole run's, part after part.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
from collections.abc import Sequence
from typing import Any, Final

from .. import fingerprint
from ..spec import pointer
from .hoist import SCHEMAS, Plan

# Below this many schemas a spec runs whole. The engine's time grows faster than the number of schemas, so parts
# of about this many (or the largest group, if larger) cost a little less than one run over them all (GitHub's
# 776 schemas in four parts: 3.05 s of CPU against 3.40 s whole, the fastest of six runs each).
SPLIT_AT: Final = 300
# The small groups go into parts of this many: an edit to one runs the engine on its part alone. OpenAI's 560
# small schemas took 1.46 s of engine time in parts of 64 against 1.65 s in parts of 128 (and 1.9 s in parts
# of 32), and the part an edit to its first schema runs took 0.29 s against 0.67 s.
PART_SIZE: Final = 64
_PREFIX: Final = SCHEMAS + "/"


def split(plan: Plan, *, at: int = SPLIT_AT, size: int = PART_SIZE) -> list[dict[str, Any]]:
    """The engine documents to run: the planned one, or parts that hold every schema between them, in the order
    of their first schemas. Each keeps its schemas in the planned order, and its own share of the slot carrier's
    properties."""
    document = plan.document
    schemas: dict[str, Any] = document["components"]["schemas"]
    if len(schemas) < at:
        return [document]
    keys = [key for key in schemas if key != plan.carrier]
    carrier = schemas.get(plan.carrier) if plan.carrier else None
    slots: dict[str, Any] = carrier.get("properties", {}) if isinstance(carrier, dict) else {}
    read = {key: _read(schemas[key], schemas) for key in keys}
    found = {key: targets for key, (targets, _) in read.items()}
    found.update({f"slot:{name}": _read(schema, schemas)[0] for name, schema in slots.items()})
    if any(targets is None for targets in found.values()):
        return [document]
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
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(joined.find(key), []).append(key)
    if len(groups) < 2:
        return [document]
    # Largest groups first, each into the first part with room for it (first-fit decreasing); ties by place in
    # the document. A group larger than a part is one part of its own, never cut, and never joined by the small
    # ones: they keep to parts of `size`, so that an edit to one of them runs the engine on few schemas.
    place = {key: index for index, key in enumerate(keys)}
    bins: list[list[str]] = []
    for group in sorted(groups.values(), key=lambda g: (-len(g), place[g[0]])):
        fits = next((b for b in bins if len(b) + len(group) <= size), None)
        if fits is None:
            bins.append(fits := [])
        fits.extend(group)
    if len(bins) < 2:
        return [document]
    bins.sort(key=lambda b: min(place[key] for key in b))
    documents = []
    for index, members in enumerate(bins):
        held = set(members)
        roots = {joined.find(key) for key in held}
        part = {key: value for key, value in schemas.items() if key in held}
        # A slot goes with the schemas it names; one that names none (a plain `str`), with the first part.
        own = {
            name: schema
            for name, schema in slots.items()
            if (joined.find(f"slot:{name}") in roots) or (not named[f"slot:{name}"] and index == 0)
        }
        if isinstance(carrier, dict) and own:
            part[plan.carrier] = {key: value for key, value in carrier.items() if key not in ("properties", "required")}
            part[plan.carrier]["properties"] = own
            required = [name for name in carrier.get("required", ()) if name in own]
            if required:
                part[plan.carrier]["required"] = required
        documents.append({**document, "components": {**document["components"], "schemas": part}})
    return documents


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


def merge(
    results: Sequence[tuple[str, dict[str, Any]]], *, carrier: str, cache: bool = False
) -> tuple[list[str], dict[str, Any]] | None:
    """The import lines and metadata of the parts' runs together (each part's module is finished apart, and
    `source.joined` puts them under these imports), or None when they cannot be put together exactly (the whole
    document must then run). With `cache`, what each part's module holds is remembered by its text: an edit
    reads again only the part it ran."""
    from ..cache import Cache

    store = Cache(enabled=cache)
    imports: dict[tuple[str, ...], set[str]] = {}
    defined: set[str] = set()
    imported: set[str] = set()
    for source, _metadata in results:
        piece = _remembered_piece(source, carrier, store)
        if piece is None:
            return None
        for kind, module, name in piece["imports"]:
            imports.setdefault((kind, module) if kind == "from" else (kind,), set()).add(name)
            imported.add(name.split(".")[0])
        here = set(piece["defined"])
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
    metadata = {**results[0][1], "models": [m for _, meta in results for m in meta.get("models", [])]}
    return header, metadata


def _remembered_piece(source: str, carrier: str, store: Any) -> dict[str, Any] | None:
    entry = fingerprint.digest("part", fingerprint.code(), carrier, source)
    hit = store.get("parts", entry)
    if hit is not None:
        with contextlib.suppress(ValueError, TypeError):
            cached = json.loads(hit)
            if cached is None or isinstance(cached, dict):
                return cached
    piece = _piece(source, carrier)
    store.put("parts", entry, json.dumps(piece).encode("utf-8"))
    return piece


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
    for imported_by in head:
        module = "." * imported_by.level + (imported_by.module or "") if isinstance(imported_by, ast.ImportFrom) else ""
        for alias in imported_by.names:
            if alias.asname:  # the engine renames an import a field would hide, in every class of its run
                return None
            imports.append(("from" if isinstance(imported_by, ast.ImportFrom) else "import", module, alias.name))
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
