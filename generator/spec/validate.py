"""Document → located diagnostics (openapi-spec-validator, plus the $ref checks it cannot make)."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial, wraps
from typing import Any, Final

from .. import fingerprint
from ..background import Background, can_fork
from ..cache import Cache
from ..errors import Diagnostic, GeneratorError
from . import compiled, openapi
from .bundle import is_mapping_reference
from .closures import Closures
from .load import Document
from .pointer import MISSING, canonical, deref, is_local, join, resolve, unescape, walk

SUPPORTED = "OpenAPI 3.0.x and 3.1.x"
_BACKEND = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"
MAX_REPORTED = 50


def validate(doc: Document, *, store: Cache | None = None) -> list[Diagnostic]:
    """Every problem that stops generation, each located; empty when the document is valid. With `store`, the
    Schema Objects found valid by the last run on this spec are not checked against their dialect again
    (`_Checked`)."""
    version = doc.data.get("openapi")
    if "swagger" in doc.data:
        return [_at(doc, "#/swagger", f"Swagger {doc.data['swagger']}: only {SUPPORTED} are supported")]
    if "openapi" not in doc.data:
        return [_at(doc, "#", f"no `openapi` version field: only {SUPPORTED} are supported")]
    if not isinstance(version, str):
        # `openapi: 3.1` in YAML is a number (and `3.10` would read as 3.1): the field is there, but not text.
        number = isinstance(version, int | float) and not isinstance(version, bool)
        shown = f"the number {version}" if number else "null" if version is None else f"a {_kind(version)}"
        return [_at(doc, "#/openapi", f'the version must be a string such as "3.1.0", not {shown} (quote it)')]
    if not re.fullmatch(r"3\.[01]\.\d+(-.+)?", version):
        return [_at(doc, "#/openapi", f"OpenAPI {version} is not supported: only {SUPPORTED} are")]
    found = list(openapi.refs(doc.data))  # both checks read every reference
    problems = [*_check_templates(doc), *_check_refs(doc, found), *_check_cycles(doc, version, found)]
    mappings = list(_check_mappings(doc))
    if problems:
        # The validator cannot run past a dangling reference or a cycle (it recurses until Python stops it), so
        # report those alone, with the mappings that name nothing (a reference of another spelling).
        return problems + mappings
    return sorted(set(_schema_errors(doc, version, store) + mappings), key=_order)


def _kind(value: Any) -> str:
    """What a value is, in the terms of the document's text."""
    names = {bool: "boolean", dict: "mapping", list: "list"}
    return next((name for cls, name in names.items() if isinstance(value, cls)), type(value).__name__)


def _at(doc: Document, pointer: str, message: str) -> Diagnostic:
    # A bundled document holds nodes from several files: the diagnostic names the one the node was read from.
    file, line = doc.locate(pointer)
    return Diagnostic(file, line, pointer, message)


def _check_templates(doc: Document) -> Iterator[Diagnostic]:
    """Each path key whose braces do not pair up as `{name}` template expressions. The validator cannot read one
    (it raises a format-string error with no place), and a client built from it would request a path with the
    stray brace in it, so this is refused even with --no-validate (`Validation.result`)."""
    paths = doc.data.get("paths")
    if not isinstance(paths, dict):
        return
    for key in paths:
        problem = template_problem(key) if isinstance(key, str) and not key.startswith("x-") else None
        if problem is not None:
            yield _at(doc, join("#/paths", key), f"path template {problem}: a path parameter is written {{name}}")


def template_problem(path: str) -> str | None:
    """What is wrong with the braces of a path template (`/pets/{petId}`), or None when each `{` is closed by a
    `}` with a name between them and no brace stands alone."""
    opened: int | None = None  # the index of the `{` of the expression being read
    for index, char in enumerate(path):
        if char == "{":
            if opened is not None:
                return "has a '{' inside '{...}'"
            opened = index
        elif char == "}":
            if opened is None:
                return "has a '}' with no '{' before it"
            if index == opened + 1:
                return "has an empty '{}'"
            opened = None
    return None if opened is None else "has an unclosed '{'"


def _check_refs(doc: Document, found: list[tuple[str, str]]) -> Iterator[Diagnostic]:
    """`found`: the document's references, `openapi.refs`: those inside vendor extensions are opaque data (a link to
    a docs page, say), never followed."""
    for pointer, ref in found:
        if not ref.startswith("#"):
            # load_spec bundles every file reference; one left here was read without it (a single file, say).
            yield _at(doc, pointer, f"$ref {ref!r} leaves the document: it was read without the files it names")
        elif resolve(doc.data, ref) is MISSING:
            yield _at(doc, pointer, f"$ref {ref!r} points to nothing in this document")


# Keywords whose subschemas are the schema itself, in part or as an alternative: a chain of these and of `$ref`s
# that comes back to where it started never reaches a schema of its own.
_COMPOSED: Final = ("allOf", "anyOf", "oneOf")
_REF_KEY: Final = "/$ref"


def _check_cycles(doc: Document, version: str, found: list[tuple[str, str]]) -> Iterator[Diagnostic]:
    """Each `$ref` that closes a cycle of references and `allOf`/`anyOf`/`oneOf` parts with no property or array
    item on the way (a schema made of itself, a `$ref` whose chain comes back to it): nothing can bottom out, and
    the validator and the model engine would recurse until Python stops them. A cycle through a property or an
    item is a recursive model, and is not followed here."""
    data = doc.data
    # A 3.0 Reference Object's other keys are ignored; in 3.1 they apply beside the target.
    siblings = not version.startswith("3.0")
    state: dict[str, bool] = {}  # node pointer → True while on the walk's path, False once done
    reported: set[str] = set()
    for where, _ in found:
        start = where[: -len(_REF_KEY)]
        if start in state:
            continue
        path, pending = [start], [_edges(data, start, siblings)]
        entered: list[str | None] = [None]  # the `$ref` each node on the path was reached by (None: a part)
        state[start] = True
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[path.pop()] = False
                entered.pop()
                pending.pop()
                continue
            via, target = step
            seen = state.get(target)
            if seen is None:
                state[target] = True
                path.append(target)
                entered.append(via)
                pending.append(_edges(data, target, siblings))
            elif seen:
                first = path.index(target)
                loop = [*zip(entered[first + 1 :], path[first + 1 :], strict=True), (via, target)]
                # The loop's last `$ref` closes it (a part is nested in its schema: a loop has one); it is shown
                # from the schema that `$ref` names, by the schemas its `$ref`s name.
                named = [node for ref, node in loop if ref is not None]
                closing = next(ref for ref, _ in reversed(loop) if ref is not None)
                if closing not in reported:
                    reported.add(closing)
                    yield _at(
                        doc,
                        closing,
                        f"reference cycle: {_chain([named[-1], *named])}: it never reaches a schema or value "
                        "of its own (only a property or an array item may refer back)",
                    )


def _edges(data: Any, node: str, siblings: bool) -> Iterator[tuple[str | None, str]]:
    """Where `node` leads without a property or an item on the way: (pointer of the `$ref` key, or None for a
    part, and the pointer reached)."""
    value = resolve(data, node)
    if not isinstance(value, dict):
        return
    ref = value.get("$ref")
    if is_local(ref):
        yield join(node, "$ref"), canonical(ref)
        if not siblings:
            return
    for keyword in _COMPOSED:
        parts = value.get(keyword)
        if isinstance(parts, list):
            for index in range(len(parts)):
                yield None, join(node, keyword, index)


def _chain(nodes: list[str]) -> str:
    """`#/components/schemas/A → B → A`: the pointers after the first by their last name where they are its
    siblings."""
    parent = nodes[0].rsplit("/", 1)[0]
    shown = [nodes[0]]
    for node in nodes[1:]:
        head, _, name = node.rpartition("/")
        shown.append(unescape(name) if head == parent else node)
    return " → ".join(shown)


# A discriminator's place in the document: not inside data (an example, a default), nor a property so named.
_DATA_KEYS: Final = frozenset({"example", "examples", "default", "enum", "const"})


def _check_mappings(doc: Document) -> Iterator[Diagnostic]:
    """Each discriminator mapping value that names nothing in the document, reported as a dangling `$ref` is:
    the value is a reference (`#/components/schemas/Dog`) or a schema's name (`Dog`, meaning that reference)."""
    for where, mapping in _discriminator_mappings(doc.data):
        for key, value in mapping.items():
            if not isinstance(value, str):
                continue  # not a reference at all: the validator says what it is
            at = join(where, key)
            if value.startswith("#"):
                target, shown = value, repr(value)
            elif is_mapping_reference(value):
                yield _at(
                    doc, at, f"mapping value {value!r} leaves the document: it was read without the files it names"
                )
                continue
            else:
                target = join("#/components/schemas", value)
                shown = f"{value!r} ({target})"
            if resolve(doc.data, target) is MISSING:
                yield _at(doc, at, f"mapping value {shown} points to nothing in this document")


def _discriminator_mappings(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer of the `mapping`, the mapping) of every discriminator, in document order; extensions and data
    are not read, and a mapping of names (`properties`) holds no keyword."""
    stack: list[tuple[str, bool, Any]] = [("#", False, data)]
    while stack:
        where, names, value = stack.pop()
        if isinstance(value, dict):
            discriminator = None if names else value.get("discriminator")
            mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
            if isinstance(mapping, dict):
                yield join(where, "discriminator", "mapping"), mapping
            stack.extend(
                (join(where, k), not names and k in openapi.NAME_MAPS, v)
                for k, v in reversed(value.items())
                if isinstance(v, dict | list) and (names or not (k in _DATA_KEYS or str(k).startswith("x-")))
            )
        elif isinstance(value, list):
            stack.extend((join(where, i), False, v) for i, v in reversed(list(enumerate(value))))


def _order(diagnostic: Diagnostic) -> tuple[int, str, str]:
    return diagnostic.line or 0, diagnostic.pointer, diagnostic.message


def _schema_errors(doc: Document, version: str, store: Cache | None) -> list[Diagnostic]:
    _protocol_members_remembered()
    _settings_pinned()
    # Imported here: the validator is heavy, and only a run that regenerates needs it.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    # Its schema backend would otherwise follow the environment: jsonschema-rs wherever that happens to be
    # installed, which judges some documents differently (`pattern`s as Unicode-mode ECMA regexes). The same
    # spec gets the same diagnostics on every machine, from the pinned pure-Python backend.
    os.environ[_BACKEND] = "jsonschema"

    dialect = "3.0" if version.startswith("3.0") else "3.1"
    if compiled.passes(doc.data, dialect):
        # The document pass has nothing to report: only the validator's keyword checks are left to run.
        validator_class = _keywords_only(OpenAPIV30SpecValidator if dialect == "3.0" else OpenAPIV31SpecValidator)
    else:
        validator_class = OpenAPIV30SpecValidator if dialect == "3.0" else _crawled(OpenAPIV31SpecValidator)
    checked = _Checked(store, doc.file, doc.data)
    validator_class = checked.remembering(validator_class)
    found: list[Diagnostic] = []
    places: dict[int, str] | None = None
    defaults: _Defaults | None = None
    pathless: _Named | None = None
    try:
        for raw in validator_class(doc.data).iter_errors():
            if places is None:
                places, found_defaults = _containers(doc.data)
                defaults, pathless = _Defaults(found_defaults), _Named(doc.data)
            error = _deepest(raw, getattr(raw, _SCHEMA_OBJECT, doc.data))
            pointer = _pointer(error, places) or _within_schema(doc.data, places, raw, error)
            message = _message(error)
            if pointer is None and not list(getattr(raw, "path", ())) and pathless is not None:
                # A check of the spec as OpenAPI (path parameters, operation ids): its message names the place.
                pointer = pathless.take(message)
            if pointer is None and not list(getattr(raw, "path", ())) and defaults is not None:
                # A default the validator checked against its schema: it reports the value, not where it is.
                expected = raw.validator_value if getattr(raw, "validator", None) == "type" else None
                pointer = defaults.take(getattr(raw, "instance", None), expected)
                message = f"default {message}" if pointer else message
            if pointer is None:
                pointer = _locate(doc.data, places, raw)
            pointer, message = _placed(doc.data, raw, pointer, message)
            found.append(_at(doc, pointer, message))
            if len(found) >= MAX_REPORTED:
                break
    except RecursionError:
        found.append(_at(doc, "#", "the validator gave up: the document nests or refers too deeply"))
    except Exception as exc:
        found.append(_at(doc, "#", f"the validator failed: {type(exc).__name__}: {exc}"[:500]))
    checked.save()
    return sorted(set(found), key=lambda d: (d.line or 0, d.pointer, d.message))


@dataclass(frozen=True)
class _SpecValidatorSettings:
    resolved_cache_maxsize: int = 128
    schema_validator_backend: str = "jsonschema"


@dataclass(frozen=True)
class _SchemaValidatorSettings:
    compiled_validator_cache_max_size: int = 128


def _settings_pinned() -> None:
    """openapi-spec-validator and openapi-schema-validator read three settings from the environment through
    pydantic-settings, whose import (pydantic's with it) takes about a tenth of a second: half of the
    validator's own import, and far longer than validating a small spec. This generator fixes their values: the
    pure-Python schema backend on every machine (`_schema_errors` says why), and the two cache sizes at their
    defaults, since they change only how fast a check runs. Stand-ins with the same names and those values
    take the two settings modules' place before the validator is first imported; a settings module already
    loaded stays as it is."""
    stand_ins: dict[str, dict[str, Any]] = {
        "openapi_spec_validator.settings": {
            "OpenAPISpecValidatorSettings": _SpecValidatorSettings,
            "get_resolved_cache_maxsize": lambda: _SpecValidatorSettings().resolved_cache_maxsize,
            "get_schema_validator_backend": lambda: _SpecValidatorSettings().schema_validator_backend,
        },
        "openapi_schema_validator.settings": {
            "OpenAPISchemaValidatorSettings": _SchemaValidatorSettings,
            "get_settings": _SchemaValidatorSettings,
            "reset_settings_cache": lambda: None,
        },
    }
    for name, values in stand_ins.items():
        if name not in sys.modules:
            module = types.ModuleType(name, "Settings pinned by openapi-pygen (spec/validate.py).")
            module.__dict__.update(values)
            sys.modules[name] = module


def _protocol_members_remembered() -> None:
    """Python before 3.12 works out a runtime-checkable Protocol's members again on every `isinstance` against
    it, and the validator's path library (pathable) asks that of every node it reads: a quarter of the keyword
    checks of a large 3.0 spec. Python 3.12 works them out once per class; this does the same, since a class's
    members are fixed once it is made. It changes how fast `isinstance` answers, never what."""
    if sys.version_info >= (3, 12):
        return
    import typing

    for name in ("_get_protocol_attrs", "_is_callable_members_only"):
        function = getattr(typing, name, None)
        if callable(function) and not getattr(function, _REMEMBERED, False):
            setattr(typing, name, _remembered(function))


_REMEMBERED = "openapi_pygen_remembered"


def _remembered(function: Callable[[type], Any]) -> Callable[[type], Any]:
    cached = lru_cache(maxsize=None)(function)

    @wraps(function)
    def members(cls: type) -> Any:
        try:
            return cached(cls)
        except TypeError:  # a class that cannot be hashed: worked out as before
            return function(cls)

    setattr(members, _REMEMBERED, True)
    return members


class _Checked:
    """What the validator's keyword pass found nothing wrong with, so that it is not checked again: in this run,
    and with a `store`, in the next run on the spec. An edit leaves most of a spec as it was.
    - **A Schema Object's check against its JSON Schema dialect** (1.3 s of a 1.2 MB 3.1 spec's 1.9 s) reads
      nothing but the schema: it is known by its dialect and its `repr`. A schema not known is first given to
      the compiled check (`compiled.schema_passes`), and only one that fails there, or gets no verdict, to the
      validator's own, which reports the error.
    - **A walk from a Schema Object** (its subschemas, their `required` lists and defaults) reads the schema and
      what its references lead to: it is known by that whole text (`closures.Closures`) and how it was asked.
      A walk is remembered only when nothing below it was wrong, here or in a subschema an earlier walk had
      already reported (the validator walks each schema once per run, and stops there the next time).
    Only what passed is remembered, so every problem is found again and reported as before."""

    def __init__(self, store: Cache | None, file: str, data: Any) -> None:
        self.store = store
        self.entry = fingerprint.digest("schemas-checked", fingerprint.code(), file)
        cached = store.get("validate", self.entry) if store is not None else None
        self.known = set(cached.decode("ascii", "replace").split()) if cached else set()
        self.passed: set[str] = set()
        self.closures = Closures(data)
        self.context = repr(data.get("jsonSchemaDialect")) if isinstance(data, dict) else ""
        self.wrong: set[int] = set()  # ids of the schemas whose walk met a problem
        self.walking: list[_Walk] = []

    def remembering(self, validator_class: Any) -> Any:
        """The validator class with a keyword pass that skips the schemas already known to pass."""
        checked = self
        base = validator_class.keyword_validators["schema"]

        class Schema(base):  # type: ignore[misc, valid-type]
            def __init__(self, registry: Any) -> None:
                super().__init__(registry)
                # The validator asks "seen this schema?" of a list, once per schema it meets: quadratic in a
                # large spec's schemas (half of OpenAI's validation). The same answers, from a set.
                self.visited_schema_ids = _Ids()
                self.meta_checked_schema_ids = _Ids()

            def __call__(
                self, schema: Any, require_properties: bool = True, meta_checked: bool = False
            ) -> Iterator[Any]:
                walk = partial(super().__call__, schema, require_properties, meta_checked)
                if meta_checked and checked.walking:  # a subschema of the walk under way
                    return checked.below(self, schema, walk)
                return checked.walk(self, schema, walk, (base.__name__, str(require_properties)))

            def _validate_schema_meta(self, schema: Any, schema_value: Any) -> Any:
                dialect, key = checked.key(self, schema, schema_value)
                if key is not None and (key in checked.known or key in checked.passed):
                    checked.passed.add(key)
                    return None
                if dialect is not None and compiled.schema_passes(schema_value, dialect):
                    error = None
                else:
                    error = super()._validate_schema_meta(schema, schema_value)
                if error is None:
                    if key is not None:
                        checked.passed.add(key)
                    return None
                error = _first_in_document_order(self._get_schema_checker, schema, schema_value) or error
                setattr(error, _SCHEMA_OBJECT, schema_value)  # its path is within this Schema Object
                return error

        keywords = {**validator_class.keyword_validators, "schema": Schema}
        return type(validator_class.__name__, (validator_class,), {"keyword_validators": keywords})

    def walk(
        self, validator: Any, schema: Any, walk: Callable[[], Iterator[Any]], how: tuple[str, ...]
    ) -> Iterator[Any]:
        """A walk from a Schema Object (a component, a parameter's or a body's schema): skipped when known."""
        value = schema.read_value()
        key = self.closures.of(value, "walk", self.context, *how) if isinstance(value, dict) else None
        if key is not None and (key in self.known or key in self.passed):
            self.passed.add(key)
            validator.visited_schema_ids.append(id(value))  # as the validator marks a schema it has walked
            return
        # A schema the validator walked before in this run is not walked again (it returns at once): nothing is
        # learnt of it asked this way, and nothing is remembered.
        walked_before = id(value) in validator.visited_schema_ids
        state = _Walk([id(value)])
        self.walking.append(state)
        try:
            for error in walk():
                state.wrong = True
                yield error
        finally:
            self.walking.pop()
        if state.wrong or id(value) in self.wrong:
            self.wrong.add(id(value))
        elif key is not None and not walked_before:
            self.passed.add(key)

    def below(self, validator: Any, schema: Any, walk: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        state = self.walking[-1]
        value = schema.read_value()
        if id(value) in validator.visited_schema_ids:  # the validator stops here: it walked this schema before
            if id(value) in self.wrong and id(value) not in state.path:
                state.wrong = True  # reported by that walk, and part of this one's schemas all the same
                self.wrong.update(state.path)
            return
        state.path.append(id(value))
        try:
            for error in walk():
                self.wrong.add(id(value))
                yield error
        finally:
            state.path.pop()

    @staticmethod
    def key(validator: Any, schema: Any, schema_value: Any) -> tuple[str | None, str | None]:
        """The schema's dialect ("3.0", or a 3.1 dialect's URI), and the key it is remembered by."""
        dialect = "3.0"
        if hasattr(validator, "_get_schema_dialect_id"):  # 3.1: a `$schema`, or the document's default
            try:
                dialect = str(validator._get_schema_dialect_id(schema, schema_value))
            except Exception:  # an unknown dialect: the check itself reports it
                return None, None
        try:
            return dialect, fingerprint.digest(dialect, repr(schema_value))
        except RecursionError:
            return dialect, None

    def save(self) -> None:
        if self.store is not None and self.passed != self.known:
            self.store.put("validate", self.entry, "\n".join(sorted(self.passed)).encode("ascii"))


@dataclass
class _Walk:
    path: list[int]  # ids of the schemas from the walk's first to the one being walked
    wrong: bool = False


class _Ids(list[int]):
    """A list of ids that answers `in` from a set: what the validator appends to and asks."""

    def __init__(self) -> None:
        super().__init__()
        self._held: set[int] = set()

    def append(self, item: int) -> None:
        super().append(item)
        self._held.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._held


# The attribute that names the Schema Object a dialect check's error was found in (`_within_schema`).
_SCHEMA_OBJECT = "openapi_pygen_schema_object"


def _first_in_document_order(checker_for: Any, schema: Any, schema_value: Any) -> Any:
    """A failing Schema Object's first error in document order. The validator reports the first its dialect
    check meets, and that check walks a schema's `properties` as a set, whose order changes with the process's
    string hashing: which of a schema's errors was reported changed from run to run. The same check is made
    here for all its errors, as the two checks the validator gives make it: openapi-schema-validator's
    `check_openapi_schema` (the OpenAPI dialects) and jsonschema's `check_schema` (a `$schema` naming a JSON
    Schema draft). None when the check is another, or finds nothing: the validator's own error then stands."""
    from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]
    from openapi_schema_validator import validators
    from openapi_schema_validator._specifications import REGISTRY as specifications
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        check = checker_for(schema, schema_value)
        method = getattr(check, "func", check)
        owner: Any = getattr(method, "__self__", None)
        function = getattr(method, "__func__", None)
        options = dict(getattr(check, "keywords", None) or {})
        if owner is None or set(options) - {"format_checker"}:
            return None
        meta = validator_for(owner.META_SCHEMA, default=owner)
        if function is validators.check_openapi_schema:
            made = {"format_checker": options.get("format_checker", owner.FORMAT_CHECKER), "registry": specifications}
        elif (getattr(function, "__module__", ""), getattr(function, "__name__", "")) == (
            "jsonschema.validators",
            "check_schema",
        ):
            made = {"format_checker": options.get("format_checker", meta.FORMAT_CHECKER)}
        else:
            return None
        errors = list(meta(owner.META_SCHEMA, **made).iter_errors(schema_value))
    except Exception:  # a check this cannot make: the validator's own error stands
        return None
    if not errors:
        return None
    # Errors at one place come in the order of the dialect's keywords, the same in every run: the first stands.
    first = min(errors, key=_document_order(schema_value))
    return OpenAPIValidationError.create_from(SchemaError.create_from(first))


def _document_order(root: Any) -> Callable[[Any], list[int]]:
    """The key that puts errors in the document order of their places under `root`: each step of an error's
    path as its index among its container's keys or items (each container's keys counted once)."""
    indexes: dict[int, dict[Any, int]] = {}

    def key(error: Any) -> list[int]:
        node, places = root, []
        for step in error.absolute_path:
            if isinstance(node, dict) and step in node:
                if id(node) not in indexes:
                    indexes[id(node)] = {name: index for index, name in enumerate(node)}
                places.append(indexes[id(node)][step])
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                places.append(step)
                node = node[step]
            else:
                places.append(-1)
                break
        return places

    return key


def _within_schema(data: Any, places: dict[int, str], raw: Any, error: Any) -> str | None:
    """Where a Schema Object's error from its dialect check stands: its path is within that Schema Object,
    known by its place in the document. (Its value alone, `True` say, may stand in many schemas alike.)"""
    schema = getattr(raw, _SCHEMA_OBJECT, None)
    if not isinstance(schema, (dict, list)) or id(schema) not in places:
        return None
    pointer = join(places[id(schema)], *(str(step) for step in getattr(error, "absolute_path", ())))
    return pointer if resolve(data, pointer) is not MISSING else None


def _crawled(validator_class: Any) -> Any:
    """The 3.1 validator with its OpenAPI-schema pass given a registry crawled once. As shipped, that pass's
    registry never keeps a crawl, and every `$dynamicRef` (one per Schema Object in the spec) crawls the whole
    OpenAPI schema again to find its anchor: 40% of the validation of a large 3.1 spec. Same schema, same
    errors."""
    import referencing
    import referencing.jsonschema
    from jsonschema.validators import validator_for
    from openapi_spec_validator.schemas import schema_v31

    schema = dict(schema_v31)
    resource = referencing.jsonschema.specification_with(schema["$schema"]).create_resource(schema)
    registry: Any = referencing.Registry().with_resource(resource.id() or "", resource).crawl()
    return type(
        validator_class.__name__,
        (validator_class,),
        {"schema_validator": validator_for(schema)(schema, registry=registry)},
    )


def _keywords_only(validator_class: Any) -> Any:
    """The validator without its document pass against the OpenAPI schema, for a document `compiled` found
    valid against it: what is left are the checks that read the spec as OpenAPI (parameters, defaults, each
    Schema Object against its dialect). The pass it skips would report nothing, so the errors are the same."""
    return type(validator_class.__name__, (validator_class,), {"schema_validator": _NoErrors()})


class _NoErrors:
    def iter_errors(self, instance: Any) -> Iterator[Any]:
        return iter(())


_DIALECT = re.compile(r"Unknown JSON Schema dialect: (?P<value>'.*')\Z")


def _placed(data: Any, error: Any, pointer: str, message: str) -> tuple[str, str]:
    """Where and what, for the validator's errors that come without either: one whose instance is the whole
    document although its path names the object that failed; one whose message is only that object's JSON; a
    `$schema` dialect it does not know, reported with no location at all."""
    path = [str(p) for p in getattr(error, "absolute_path", None) or ()]
    if pointer == "#" and path and resolve(data, join("#", *path)) is not MISSING:
        pointer = join("#", *path)
    if _only_json(str(getattr(error, "message", ""))):
        rule = "/".join(str(p) for p in getattr(error, "relative_schema_path", ()) or ())
        message = "is none of the objects OpenAPI allows here" + (f" (its schema's {rule})" if rule else "")
    dialect = _DIALECT.match(message)
    node = resolve(data, pointer) if dialect else None
    if dialect and isinstance(node, dict) and node.get("$schema") == ast.literal_eval(dialect["value"]):
        pointer = join(pointer, "$schema")  # the Schema Object the check was given (`_within_schema`)
    elif pointer == "#" and dialect:
        wanted = ast.literal_eval(dialect["value"])
        pointer = next(
            (
                join(where, "$schema")
                for where, value in walk(data)
                if isinstance(value, dict) and value.get("$schema") == wanted
            ),
            pointer,
        )
    return pointer, message


def _only_json(message: str) -> bool:
    """Whether a message is nothing but an object's JSON (no words: "[] is too short" has some)."""
    if not message.startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(message), (dict, list))
    except ValueError:
        return False


def _deepest(error: Any, root: Any) -> Any:
    """For a oneOf/anyOf failure, the alternative's error that says most: "0 is not of type 'boolean'". `root`
    is what the error's path starts from (the document, or the Schema Object a dialect check was given)."""

    # The Reference Object alternative ("'$ref' is a required property") is never what the author meant;
    # otherwise the deepest error is the most specific one.
    def rank(e: Any) -> tuple[bool, int]:
        return "'$ref' is a required" not in str(e.message), len(e.absolute_path)

    for _ in range(50):
        context = getattr(error, "context", None)
        if not context:
            break
        # Of equals, the first in document order: the order errors at different places come in can change from
        # run to run (see _first_in_document_order); at one place, it is the schema's keyword order.
        best = max(rank(e) for e in context)
        error = min((e for e in context if rank(e) == best), key=_document_order(root))
    return error


def _pointer(error: Any, places: dict[int, str]) -> str | None:
    """The error's pointer, found from the nearest error in its chain whose instance is a known container."""
    suffix: list[str] = []
    current = error
    while current is not None:
        instance = getattr(current, "instance", None)
        if isinstance(instance, (dict, list)) and id(instance) in places:
            return join(places[id(instance)], *suffix)
        if getattr(current, "parent", None) is None:
            return None
        suffix = [str(p) for p in getattr(current, "relative_path", ())] + suffix
        current = current.parent
    return None


class _Defaults:
    """Every `default` in the document, in document order, handed out once each by value."""

    def __init__(self, found: list[tuple[str, Any, Any]]) -> None:
        self.found = found  # (pointer, value, declared type), as `_containers` finds them
        self.used: set[str] = set()

    def take(self, instance: Any, expected: Any) -> str | None:
        # Several defaults often share a value ('null'); the one whose schema declares the type the error
        # names is the one that failed, else one without a declared type (a $ref or allOf).
        # One default can fail twice (its type, and its nullability): a used one is taken when no other fits.
        for fresh in (True, False):
            for wanted in (lambda t: t == expected, lambda t: t is None, lambda t: True):
                for pointer, value, kind in self.found:
                    if (pointer not in self.used or not fresh) and _same(value, instance) and wanted(kind):
                        self.used.add(pointer)
                        return pointer
        return None


class _Named:
    """Where the validator's checks of the spec as OpenAPI found a problem: they report it with no path, in a
    message that names the place (`... for 'get' operation in '/pets/{id}' ...`). Each place is handed out once
    per message, so that a message repeated for two places names both, and two messages about one place (two
    path parameters of an operation, say) are both at it."""

    _PATH_PARAMETER: Final = re.compile(
        r"Path parameter '(?P<name>.*)' for '(?P<method>[^']*)' operation in '(?P<url>.*)' was not resolved\Z",
        re.DOTALL,
    )
    _OPERATION_ID: Final = re.compile(
        r"Operation ID '(?P<id>.*)' for '(?P<method>[^']*)' in '(?P<url>.*)' is not unique\Z", re.DOTALL
    )
    _DUPLICATE_PARAMETER: Final = re.compile(r"Duplicate parameter '(?P<name>.*)'\Z", re.DOTALL)
    _DUPLICATE_TAG: Final = re.compile(r"Duplicate tag name '(?P<name>.*)'\Z", re.DOTALL)

    def __init__(self, data: Any) -> None:
        self.data = data
        self.used: set[tuple[str, str]] = set()  # (message, pointer)

    def take(self, message: str) -> str | None:
        for pointer in self._places(message):
            if (message, pointer) not in self.used:
                self.used.add((message, pointer))
                return pointer
        return None

    def _places(self, message: str) -> Iterator[str]:
        if found := self._PATH_PARAMETER.match(message):
            for site in self._sites(found["url"], found["method"]):
                # A parameter declared for no template in the path: its declaration; else the operation.
                for param, where in self._parameter_lists(site):
                    if param.get("in") == "path" and param.get("name") == found["name"]:
                        yield where
                yield site.pointer
        elif found := self._OPERATION_ID.match(message):
            for site in self._sites(found["url"], found["method"]):
                yield join(site.pointer, "operationId")
        elif found := self._DUPLICATE_PARAMETER.match(message):
            lists = {
                where.rsplit("/", 1)[0]: None
                for site in openapi.operations(self.data)
                for _, where in self._parameter_lists(site)
            }
            for where in lists:
                seen: set[tuple[Any, Any]] = set()
                for index, raw in enumerate(resolve(self.data, where)):
                    param = deref(self.data, raw)
                    key = (param.get("name"), param.get("in")) if isinstance(param, dict) else None
                    if key is not None and key in seen and key[0] == found["name"]:
                        yield join(where, index)
                    if key is not None:
                        seen.add(key)
        elif found := self._DUPLICATE_TAG.match(message):
            tags = self.data.get("tags")
            names = (
                [tag.get("name") if isinstance(tag, dict) else None for tag in tags] if isinstance(tags, list) else []
            )
            for index, name in enumerate(names):
                if name == found["name"] and name in names[:index]:
                    yield join("#/tags", index)

    def _sites(self, url: str, method: str) -> Iterator[openapi.Site]:
        return (site for site in openapi.operations(self.data) if site.path == url and site.method == method)

    def _parameter_lists(self, site: openapi.Site) -> Iterator[tuple[dict[str, Any], str]]:
        """The operation's parameters, then its path item's, each dereferenced, with the pointer of its entry."""
        for where in (site.pointer, site.pointer.rsplit("/", 1)[0]):
            owner = resolve(self.data, where)
            raw_list = owner.get("parameters") if isinstance(owner, dict) else None
            for index, raw in enumerate(raw_list if isinstance(raw_list, list) else ()):
                param = deref(self.data, raw)
                if isinstance(param, dict):
                    yield param, join(where, "parameters", index)


# The validator lists these names from a set, in an order that changes from run to run.
_UNDEFINED_REQUIRED = re.compile(r"(Required list has not defined properties: )(\[.*\])\Z", re.DOTALL)


def _message(error: Any) -> str:
    message = str(getattr(error, "message", error))
    listed = _UNDEFINED_REQUIRED.match(message)
    if listed:
        with contextlib.suppress(ValueError, SyntaxError, TypeError):
            message = listed[1] + repr(sorted(ast.literal_eval(listed[2]), key=str))
    return message if len(message) <= 300 else message[:297] + "..."


def _containers(data: Any) -> tuple[dict[int, str], list[tuple[str, Any, Any]]]:
    """id() of every dict and list in the document → its pointer; and every `default` in document order, with its
    pointer and its schema's declared type (`_Defaults`)."""
    places: dict[int, str] = {}
    defaults: list[tuple[str, Any, Any]] = []
    stack: list[tuple[str, Any]] = [("#", data)]
    while stack:
        where, value = stack.pop()
        places.setdefault(id(value), where)  # a node met twice (a YAML alias) is placed where it is first met
        if isinstance(value, dict):
            if "default" in value:
                defaults.append((join(where, "default"), value["default"], value.get("type")))
            stack.extend((join(where, k), v) for k, v in reversed(value.items()) if isinstance(v, dict | list))
        else:
            stack.extend((join(where, i), v) for i, v in reversed(list(enumerate(value))) if isinstance(v, dict | list))
    return places, defaults


def _locate(data: Any, places: dict[int, str], error: Any) -> str:
    # Errors from the keyword validators carry a path relative to the object they checked, not to the
    # document; find that object by following the relative path from each container that leads to the
    # same instance.
    path = [str(p) for p in getattr(error, "absolute_path", None) or getattr(error, "path", None) or ()]
    instance = getattr(error, "instance", None)
    if isinstance(instance, (dict, list)) and id(instance) in places:
        return places[id(instance)]
    direct = join("#", *path)
    if resolve(data, direct) is instance or (path and _same(resolve(data, direct), instance)):
        return direct
    for where in places.values():
        candidate = join(where, *path)
        if path and _same(resolve(data, candidate), instance):
            return candidate
    return direct if path else "#"


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and a is not MISSING and a == b)


def validate_cached(doc: Document, *, enabled: bool = True) -> list[Diagnostic]:
    """`validate(doc)`, remembered per document text and generator fingerprint (validation of a large spec
    takes seconds; its result only changes with the text or the validator)."""
    store = Cache(enabled=enabled)
    # A bundled document's diagnostics depend on every file it was read from, and on the names they go by.
    bundled = [f"{source.display}\n{source.sha256}" for source in doc.sources]
    entry = fingerprint.digest("validate", fingerprint.code(), doc.file, doc.text, *bundled)
    cached = store.get("validate", entry)
    if cached is not None:
        try:
            return [Diagnostic(*item) for item in json.loads(cached)]
        except (ValueError, TypeError):
            pass  # an entry that parses but is not ours: recompute and overwrite it
    problems = validate(doc, store=store if enabled else None)
    rows = [[d.file, d.line, d.pointer, d.message, d.level] for d in problems]
    store.put("validate", entry, json.dumps(rows).encode())
    return problems


class Validation:
    """`validate_cached(doc)` in a forked process while the caller goes on with the next stages (it is the
    longest single step of a cold run, and uses one core; on a small spec, the validator's import alone is a
    tenth of a second); `result()` waits for it. Where a fork is not safe (not Linux, or one core), it runs when
    `result()` is asked; a process that dies answers nothing, and the document is then validated here
    (background.py)."""

    def __init__(self, doc: Document, *, enabled: bool = True) -> None:
        self._doc = doc
        self._job = Background(
            partial(_validate_into, doc, enabled),
            partial(_rows, doc, enabled),
            fork=can_fork(),
        )

    def result(self) -> list[Diagnostic]:
        """The problems found; raises them when one is a path the client could not request as written (a broken
        template), which lenient mode (`--no-validate`) must not turn into a warning."""
        problems = [Diagnostic(*row) for row in self._job.result()]
        if any(True for _ in _check_templates(self._doc)):
            raise GeneratorError(problems)
        return problems


def _rows(doc: Document, enabled: bool) -> list[list[Any]]:
    return [[d.file, d.line, d.pointer, d.message, d.level] for d in validate_cached(doc, enabled=enabled)]


def _validate_into(doc: Document, enabled: bool) -> list[list[Any]]:
    """What the validating process answers (plain rows, which cross back whole); apart from `_rows`, which the
    parent runs when that process gives no answer, so that the two sides can fail separately."""
    with contextlib.suppress(OSError):
        os.nice(10)
    return _rows(doc, enabled)
