"""Root document + the files its `$ref`s name → one document with local references only.

As Redocly's `bundle` does it: a schema, parameter, response, request body, header or example read from another
file becomes a component (named after its file, or the last part of its pointer; a clash is numbered), and any
other target is inlined where it is referenced. A file is read once, with the loader's limits; a reference is
resolved against the file that holds it and must stay inside the root spec's folder (symlinks resolved). Extensions
(`x-...`) are opaque: nothing inside one is followed, and it is kept as written. Every node remembers its file and
line, so a diagnostic anywhere in the bundle points into the file the problem is in.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final
from urllib.parse import unquote

from ..errors import Diagnostic, GeneratorError
from ..names import Namespace
from . import load, openapi
from .load import Document, Source, load_referenced, read_bounded
from .pointer import MAX_REF_CHAIN, MISSING, canonical, join, resolve, split

# More files than any hand-split spec has; past it, something is generating references.
MAX_FILES: Final = 10_000
MAX_REPORTED: Final = 50
SUFFIXES: Final = frozenset({".yaml", ".yml", ".json"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")

# What a node is, from where it sits: only these decide whether a target becomes a component.
SCHEMA, PARAMETER, RESPONSE, BODY, HEADER, EXAMPLE = "schema", "parameter", "response", "body", "header", "example"
# Kinds whose targets become components, and the section each goes to.
SECTIONS: Final = {
    SCHEMA: "schemas",
    PARAMETER: "parameters",
    RESPONSE: "responses",
    BODY: "requestBodies",
    HEADER: "headers",
    EXAMPLE: "examples",
}
# (kind of a mapping, key) → kind of the value under it; `*` stands for any key (a name chosen by the author).
_CHILD: Final[dict[tuple[str, str], str]] = {
    ("document", "paths"): "paths",
    ("document", "webhooks"): "paths",
    ("document", "components"): "components",
    ("paths", "*"): "path",
    ("path", "parameters"): "parameters",
    ("operation", "parameters"): "parameters",
    ("operation", "requestBody"): BODY,
    ("operation", "responses"): "responses",
    ("operation", "callbacks"): "callbacks",
    ("callbacks", "*"): "paths",
    ("responses", "*"): RESPONSE,
    (PARAMETER, "schema"): SCHEMA,
    (PARAMETER, "content"): "content",
    (PARAMETER, "examples"): "examples",
    (HEADER, "schema"): SCHEMA,
    (HEADER, "content"): "content",
    (HEADER, "examples"): "examples",
    (BODY, "content"): "content",
    (RESPONSE, "headers"): "headers",
    (RESPONSE, "content"): "content",
    ("content", "*"): "media",
    ("media", "schema"): SCHEMA,
    ("media", "itemSchema"): SCHEMA,
    ("media", "examples"): "examples",
    ("media", "encoding"): "encodings",
    ("encodings", "*"): "encoding",
    ("encoding", "headers"): "headers",
    ("headers", "*"): HEADER,
    ("examples", "*"): EXAMPLE,
    ("components", "schemas"): "schemas",
    ("components", "parameters"): "parameter-map",
    ("components", "responses"): "responses",
    ("components", "requestBodies"): "bodies",
    ("components", "headers"): "headers",
    ("components", "examples"): "examples",
    ("components", "callbacks"): "callbacks",
    ("components", "pathItems"): "paths",
    ("schemas", "*"): SCHEMA,
    ("parameter-map", "*"): PARAMETER,
    ("bodies", "*"): BODY,
}
_METHODS: Final = frozenset(openapi.HTTP_METHODS)


def child_kind(kind: str, key: str) -> str:
    """The kind of the value under `key` in a mapping of `kind` ("other" where OpenAPI says nothing)."""
    if kind == SCHEMA:
        if key in openapi.SCHEMA_ONE:
            return SCHEMA
        return "schemas" if key in openapi.SCHEMA_MAPS else "schema-list" if key in openapi.SCHEMA_LISTS else "other"
    if kind == "path" and key in _METHODS:
        return "operation"
    return _CHILD.get((kind, key)) or _CHILD.get((kind, "*")) or "other"


def item_kind(kind: str) -> str:
    """The kind of each item of a list of `kind`."""
    return PARAMETER if kind == "parameters" else SCHEMA if kind in (SCHEMA, "schema-list") else "other"


def has_file_references(data: Any) -> bool:
    """Whether any `$ref` outside extensions names another file (only then is there anything to bundle)."""
    return any(not ref.startswith("#") for _, ref in openapi.refs(data))


def bundle(root: Document, path: Path) -> Document:
    """`root`, read from `path`, with every file it references bundled in; `root` itself when it has none."""
    if not has_file_references(root.data):
        return root
    return _Bundler(root, path).run()


Target = tuple[Path, str]  # a file (resolved) and a canonical pointer into it


@dataclass
class _Item:
    """A value still to walk: where it sits in the bundle, and where it was read."""

    holder: dict[str, Any] | list[Any]
    key: Any  # str for a mapping, int for a list
    at: str  # pointer in the bundle
    name: str | None  # the mapping key it sits under (a list's items share the list's), as `openapi.refs` prunes
    file: Path
    source: str  # pointer in `file`
    kind: str
    inlined: tuple[Target, ...] = ()  # the inlined targets this value sits in: one of them again is a cycle
    within: frozenset[Target] = frozenset()  # the same, to look up (references can multiply into many lookups)
    depth: int = 0


class _Refused(Exception):
    def __init__(self, *diagnostics: Diagnostic) -> None:
        self.diagnostics = diagnostics


@dataclass
class _Bundler:
    root: Document
    path: Path
    tree: Path = field(init=False)
    files: dict[Path, Document] = field(init=False)
    read: list[Source] = field(default_factory=list)
    placed: dict[tuple[Path, str, str], str] = field(default_factory=dict)  # (file, pointer, section) → component
    names: dict[str, Namespace] = field(default_factory=dict)
    mounts: dict[str, Target] = field(default_factory=dict)  # bundle pointer → where its subtree was read
    problems: list[Diagnostic] = field(default_factory=list)
    stack: list[_Item] = field(default_factory=list)
    bytes_read: int = 0
    paths: dict[tuple[Path, str], Path] = field(default_factory=dict)  # (folder, address) → file, once resolved
    copied: int = 0

    def __post_init__(self) -> None:
        self.path = self.path.resolve()
        self.tree = self.path.parent
        self.files = {self.path: self.root}
        self.bytes_read = len(self.root.text.encode("utf-8", "surrogatepass"))
        # References are bundled once, into their own copy, and may multiply what they inline: bound the copies
        # as YAML aliases are bounded.
        self.budget = max(load.MAX_ALIAS_EXPANSION, 4 * self.bytes_read)
        self.data: dict[str, Any] = copy.deepcopy(self.root.data)
        self.mounts["#"] = (self.path, "#")

    def run(self) -> Document:
        self._reserve_slots()
        holder = {"": self.data}
        self.stack.append(_Item(holder, "", "#", None, self.path, "#", "document"))
        while self.stack and len(self.problems) < MAX_REPORTED:
            item = self.stack.pop()
            try:
                self._visit(item)
            except _Refused as refused:
                self.problems.extend(refused.diagnostics)
        if self.problems:
            raise GeneratorError(self.problems[:MAX_REPORTED])
        self.data = holder[""]
        return self._document()

    # --- walking ----------------------------------------------------------------------------------------------

    def _visit(self, item: _Item) -> None:
        value = item.holder[item.key]
        if item.depth > load.MAX_DEPTH:
            raise self._refuse(
                item.file, item.source, f"nesting deeper than {load.MAX_DEPTH} levels once references are inlined"
            )
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str) and self._reference(item, value):
                return
            if item.kind == SCHEMA and isinstance(value.get("discriminator"), dict):
                self._mapping(item, value["discriminator"])
            for key in reversed(list(value)):
                if not openapi.is_extension(item.name, key):
                    self._push(item, value, key, key, child_kind(item.kind, key))
        elif isinstance(value, list):
            for index in reversed(range(len(value))):
                self._push(item, value, index, item.name, item_kind(item.kind))

    def _push(self, item: _Item, holder: Any, key: Any, name: str | None, kind: str) -> None:
        self.stack.append(
            _Item(
                holder,
                key,
                join(item.at, key),
                name,
                item.file,
                join(item.source, key),
                kind,
                item.inlined,
                item.within,
                item.depth + 1,
            )
        )

    def _reference(self, item: _Item, node: dict[str, Any]) -> bool:
        """Resolve the `$ref` in `node`; True when the node was replaced (and its replacement queued)."""
        ref: str = node["$ref"]
        where = join(item.source, "$ref")
        if ref.startswith("#") and item.file == self.path:
            return False  # the root's own references stay as written: its nodes keep their pointers
        section = SECTIONS.get(item.kind)
        first = self._target(ref, item.file, where)
        # A component is named after the first reference that reached it, before any alias is followed.
        target = first if section is None else self._final(first)
        if target[0] == self.path:
            node["$ref"] = target[1]
            return False
        if section is None:
            self._inline(item, node, target)
            return True
        placed = self.placed.get((*target, section))
        if placed == item.at and set(node) == {"$ref"}:
            # The reference stands where its own component goes (`components/schemas/Pet: {$ref: pet.yaml}`).
            self._fill(item.holder, item.key, item.at, target, item.kind)
            return True
        node["$ref"] = placed or self._place(target, section, self._name(first), item.kind)
        return False

    def _mapping(self, item: _Item, discriminator: dict[str, Any]) -> None:
        """A discriminator's mapping names schemas by reference too (`dog: ./dog.yaml`): each such value becomes
        the pointer of the component it names, as a `$ref` would."""
        mapping = discriminator.get("mapping")
        if not isinstance(mapping, dict):
            return
        for key, ref in mapping.items():
            if not isinstance(ref, str) or not is_mapping_reference(ref):
                continue
            if ref.startswith("#") and item.file == self.path:
                continue
            first = self._target(ref, item.file, join(item.source, "discriminator", "mapping", key))
            target = self._final(first)
            if target[0] == self.path:
                mapping[key] = target[1]
            else:
                placed = self.placed.get((*target, "schemas"))
                mapping[key] = placed or self._place(target, "schemas", self._name(first), SCHEMA)

    def _inline(self, item: _Item, node: dict[str, Any], target: Target) -> None:
        if target in item.within:
            chain = " → ".join(self._show(t) for t in (*item.inlined[item.inlined.index(target) :], target))
            raise self._refuse(
                item.file,
                join(item.source, "$ref"),
                f"$ref {node['$ref']!r} closes a cycle across files that cannot be bundled ({chain}): only schemas, "
                "parameters, responses, request bodies, headers and examples, which become components, may refer "
                "back to themselves",
            )
        content = self._copy(resolve(self.files[target[0]].data, target[1]))
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if isinstance(content, dict) and siblings:
            # A Reference Object's summary or description overrides the target's (OpenAPI 3.1).
            content.update(self._copy(siblings))
            for key in siblings:
                self.mounts[join(item.at, key)] = (item.file, join(item.source, key))
        item.holder[item.key] = content
        self.mounts[item.at] = target
        self.stack.append(
            _Item(
                item.holder,
                item.key,
                item.at,
                item.name,
                target[0],
                target[1],
                item.kind,
                (*item.inlined, target),
                item.within | {target},
                item.depth,
            )
        )

    def _place(self, target: Target, section: str, name: str, kind: str) -> str:
        """Make `target` a component of `section`; its pointer."""
        components = self._section(section)
        names = self.names.setdefault(section, Namespace(str(k) for k in components))
        key = names.claim(name)
        at = join("#/components", section, key)
        self.placed[(*target, section)] = at
        components[key] = None
        self._fill(components, key, at, target, kind)
        return at

    def _fill(self, holder: Any, key: str, at: str, target: Target, kind: str) -> None:
        holder[key] = self._copy(resolve(self.files[target[0]].data, target[1]))
        self.mounts[at] = target
        self.stack.append(_Item(holder, key, at, key, target[0], target[1], kind, depth=at.count("/")))

    def _section(self, section: str) -> dict[str, Any]:
        components = self.data.setdefault("components", {})
        if not isinstance(components, dict):
            raise self._refuse(self.path, "#/components", "`components` is not a mapping: bundled components need one")
        found = components.setdefault(section, {})
        if not isinstance(found, dict):
            where = join("#/components", section)
            raise self._refuse(self.path, where, f"`{section}` is not a mapping: bundled components need one")
        return found

    def _reserve_slots(self) -> None:
        """A root component that is only a reference to another file (`Pet: {$ref: ./pet.yaml}`) gives that target
        its name, before anything else is named."""
        components = self.data.get("components")
        if not isinstance(components, dict):
            return
        for section, slots in components.items():
            kind = child_kind(child_kind("components", str(section)), "*")
            if SECTIONS.get(kind) != section or not isinstance(slots, dict):
                continue
            self.names[section] = Namespace(str(k) for k in slots)
            for name, slot in slots.items():
                ref = slot.get("$ref") if isinstance(slot, dict) else None
                if not isinstance(ref, str) or ref.startswith("#") or set(slot) != {"$ref"}:
                    continue
                where = join("#/components", section, name)
                try:
                    target = self._final(self._target(ref, self.path, join(where, "$ref")))
                except _Refused:
                    continue  # the walk reaches the same reference and reports it there, once
                if target[0] != self.path:
                    self.placed.setdefault((*target, section), where)

    # --- references -------------------------------------------------------------------------------------------

    def _target(self, ref: str, file: Path, where: str) -> Target:
        """The file and pointer `ref` (held at `where` in `file`) names, that file read; refused when it names
        a place outside the spec's folder, a URL, or nothing."""
        address, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            raise self._refuse(
                file, where, f"$ref {ref!r}: only JSON pointer fragments (#/...) are supported, not anchors"
            )
        pointer = canonical("#" + fragment)
        if not address:
            path = file
        else:
            path = self._path(ref, address, file, where)
            self._read(path, ref, file, where)
        if resolve(self.files[path].data, pointer) is MISSING:
            raise self._refuse(file, where, f"$ref {ref!r} points to nothing in {self.files[path].file}")
        return path, pointer

    def _path(self, ref: str, address: str, file: Path, where: str) -> Path:
        known = self.paths.get((file.parent, address))
        if known is not None:
            return known
        if _SCHEME.match(address) or address.startswith("//"):
            raise self._refuse(
                file, where, f"$ref {ref!r} is a URL: only files inside the spec's folder can be referenced"
            )
        relative = unquote(address)
        if "\x00" in relative:
            raise self._refuse(file, where, f"$ref {ref!r}: a file name cannot hold a NUL character")
        if PurePosixPath(relative).is_absolute() or relative.startswith("\\"):
            raise self._refuse(
                file, where, f"$ref {ref!r} is an absolute path: write it relative to the file that holds it"
            )
        try:
            # The real path: a symlink is judged by where it leads, not by where it sits.
            path = Path(os.path.realpath(file.parent / relative))
        except (OSError, ValueError) as exc:
            raise self._refuse(file, where, f"$ref {ref!r}: cannot resolve the path: {exc}") from None
        if not path.is_relative_to(self.tree):
            raise self._refuse(
                file,
                where,
                f"$ref {ref!r} leaves the spec's folder ({self._display(self.tree)}): only files inside it can "
                "be referenced",
            )
        if path.suffix.lower() not in SUFFIXES:
            raise self._refuse(
                file, where, f"$ref {ref!r}: only YAML (.yaml, .yml) and JSON (.json) files can be referenced"
            )
        self.paths[(file.parent, address)] = path
        return path

    def _read(self, path: Path, ref: str, file: Path, where: str) -> None:
        """Load `path` once, with the loader's limits; a file that cannot be read is refused at the `$ref`."""
        if path in self.files:
            return
        if len(self.files) >= MAX_FILES:
            raise self._refuse(file, where, f"$ref {ref!r}: the spec references more than {MAX_FILES} files")
        display = self._display(path)
        if not os.path.lexists(path):
            raise self._refuse(file, where, f"$ref {ref!r} names {display}, which does not exist")
        try:
            raw = read_bounded(path, name=display, what=display)
        except GeneratorError as exc:
            messages = "; ".join(d.message for d in exc.diagnostics)
            raise self._refuse(file, where, f"$ref {ref!r}: {messages}") from None
        self.bytes_read += len(raw)
        if self.bytes_read > load.MAX_BYTES:
            raise self._refuse(
                file,
                where,
                f"$ref {ref!r}: the spec and the files it references are over {load.MAX_BYTES} bytes",
            )
        self.budget = max(self.budget, 4 * self.bytes_read)
        try:
            self.files[path] = load_referenced(raw, path=path, display=display)
        except GeneratorError as exc:
            # The file is broken where it is broken: its own diagnostics name it and the line.
            raise _Refused(*exc.diagnostics) from None
        self.read.append(Source(path, display, self.files[path].sha256))

    def _final(self, target: Target) -> Target:
        """Follow a target that is only a reference (`{$ref: ...}`) to what it names, so that a chain of aliases
        becomes one component; a chain that comes back to itself names nothing and is refused."""
        seen = [target]
        for _ in range(MAX_REF_CHAIN):
            file, pointer = target
            value = resolve(self.files[file].data, pointer)
            if not (isinstance(value, dict) and set(value) == {"$ref"} and isinstance(value["$ref"], str)):
                return target
            if file == self.path and value["$ref"].startswith("#"):
                return target  # the root's own alias stays where it is, and reads as written
            where = join(pointer, "$ref")
            target = self._target(value["$ref"], file, where)
            if target in seen:
                chain = " → ".join(self._show(t) for t in (*seen[seen.index(target) :], target))
                raise self._refuse(file, where, f"a cycle of references that never reaches a value: {chain}")
            seen.append(target)
        raise self._refuse(seen[0][0], join(seen[0][1], "$ref"), f"a chain of more than {MAX_REF_CHAIN} references")

    def _name(self, target: Target) -> str:
        """A component name from the file (`schemas/Pet.yaml` → `Pet`) or the pointer's last part."""
        file, pointer = target
        parts = split(pointer)
        name = parts[-1] if parts else file.stem
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")
        return name or "Component"

    # --- bookkeeping ------------------------------------------------------------------------------------------

    def _copy(self, value: Any) -> Any:
        self.copied += sum(1 for _ in _nodes(value))
        if self.copied > self.budget:
            raise GeneratorError(
                [Diagnostic(self.root.file, None, "#", "references expand beyond the document's size limit")]
            )
        return copy.deepcopy(value)

    def _refuse(self, file: Path, where: str, message: str) -> _Refused:
        doc = self.files[file]
        return _Refused(Diagnostic(doc.file, doc.line_of(where), where, message))

    def _display(self, path: Path) -> str:
        """A path as diagnostics name it: where it lies beside the root spec, as the user named the root."""
        relative = os.path.relpath(path, self.tree)
        return os.path.normpath(os.path.join(os.path.dirname(self.root.file), relative))

    def _show(self, target: Target) -> str:
        file, pointer = target
        return self.files[file].file + ("" if pointer == "#" else pointer)

    def _document(self) -> Document:
        mounts, files = dict(self.mounts), dict(self.files)

        def where(pointer: str) -> tuple[str, int | None]:
            probe = pointer
            while probe not in mounts:
                probe = probe.rsplit("/", 1)[0] if "/" in probe else "#"
            file, source = mounts[probe]
            doc = files[file]
            return doc.file, doc.line_of(source + pointer[len(probe) :])

        identity = hashlib.sha256(self.root.sha256.encode())
        for source in self.read:
            # Paths from the spec's folder, never absolute: the identity must not depend on the checkout's place.
            identity.update(f"\n{source.path.relative_to(self.tree).as_posix()}\n{source.sha256}".encode())
        return Document(
            self.data,
            self.root.file,
            self.root.text,
            self.root.lines,
            self.root.line_offset,
            self.root.recovered,
            identity.hexdigest(),
            self.root.warnings,
            self.root._locate,
            tuple(self.read),
            where,
        )


def is_mapping_reference(value: str) -> bool:
    """Whether a discriminator mapping value is a reference rather than a schema's name (`Dog`)."""
    return "/" in value or "#" in value or value.lower().endswith(tuple(SUFFIXES))


def _nodes(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
