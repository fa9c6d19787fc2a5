"""Two specs → change report: the HTTP contract and the generated Python surface, each change with a rule id."""

from __future__ import annotations

import ast
import functools
import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..config import Target
from ..encode import comment, json_text
from ..errors import Report, fail
from ..spec import load_spec, openapi
from ..spec.load import MAX_BYTES, Document
from ..spec.pointer import deref

BREAKING = "breaking"
NON_BREAKING = "non-breaking"

# rule id → (severity, semver part it needs, what it means). Ids are stable: CI configurations match on them.
RULES: dict[str, tuple[str, str, str]] = {
    # HTTP contract: operations
    "http-operation-removed": (BREAKING, "major", "an operation was removed"),
    "http-operation-added": (NON_BREAKING, "minor", "an operation was added"),
    "http-operation-deprecated": (NON_BREAKING, "patch", "an operation was marked deprecated"),
    "http-operation-id-changed": (NON_BREAKING, "patch", "an operationId changed (the wire contract is the same)"),
    "http-security-added": (BREAKING, "major", "an operation needs a security scheme it did not need"),
    "http-security-removed": (NON_BREAKING, "patch", "an operation no longer needs a security scheme"),
    "http-server-changed": (NON_BREAKING, "patch", "the default server URL changed"),
    # HTTP contract: parameters
    "http-parameter-removed": (BREAKING, "major", "a parameter is no longer accepted"),
    "http-parameter-added-required": (BREAKING, "major", "a required parameter was added"),
    "http-parameter-added-optional": (NON_BREAKING, "minor", "an optional parameter was added"),
    "http-parameter-became-required": (BREAKING, "major", "an optional parameter became required"),
    "http-parameter-became-optional": (NON_BREAKING, "minor", "a required parameter became optional"),
    # HTTP contract: request bodies
    "http-request-body-added-required": (BREAKING, "major", "a required request body was added"),
    "http-request-body-added-optional": (NON_BREAKING, "minor", "an optional request body was added"),
    "http-request-body-removed": (BREAKING, "major", "the request body is no longer accepted"),
    "http-request-body-became-required": (BREAKING, "major", "the request body became required"),
    "http-request-body-became-optional": (NON_BREAKING, "minor", "the request body became optional"),
    "http-request-media-type-removed": (BREAKING, "major", "a request media type is no longer accepted"),
    "http-request-media-type-added": (NON_BREAKING, "minor", "a request media type was added"),
    "http-request-property-removed": (BREAKING, "major", "a request property is no longer accepted"),
    "http-request-property-added-required": (BREAKING, "major", "a required request property was added"),
    "http-request-property-added-optional": (NON_BREAKING, "minor", "an optional request property was added"),
    "http-request-property-became-required": (BREAKING, "major", "a request property became required"),
    "http-request-property-became-optional": (NON_BREAKING, "minor", "a request property became optional"),
    # HTTP contract: responses
    "http-response-status-removed": (BREAKING, "major", "a success response was removed"),
    "http-response-status-added": (NON_BREAKING, "minor", "a response status was added"),
    "http-response-error-removed": (NON_BREAKING, "patch", "an error response was removed"),
    "http-response-media-type-removed": (BREAKING, "major", "a response media type was removed"),
    "http-response-media-type-added": (NON_BREAKING, "minor", "a response media type was added"),
    "http-response-property-removed": (BREAKING, "major", "a response property was removed"),
    "http-response-property-added": (NON_BREAKING, "minor", "a response property was added"),
    "http-response-property-became-optional": (BREAKING, "major", "a response property may now be absent"),
    "http-response-property-became-required": (NON_BREAKING, "patch", "a response property is now always present"),
    # HTTP contract: values, in the direction they travel (a client sends requests and reads responses)
    "http-request-type-narrowed": (BREAKING, "major", "a request value accepts less than before"),
    "http-request-type-widened": (NON_BREAKING, "minor", "a request value accepts more than before"),
    "http-request-type-changed": (BREAKING, "major", "a request value's type changed"),
    "http-request-enum-value-removed": (BREAKING, "major", "a request enum value is no longer accepted"),
    "http-request-enum-value-added": (NON_BREAKING, "minor", "a request enum value was added"),
    "http-response-type-widened": (BREAKING, "major", "a response value can be something it could not be"),
    "http-response-type-narrowed": (NON_BREAKING, "patch", "a response value is more specific than before"),
    "http-response-type-changed": (BREAKING, "major", "a response value's type changed"),
    # The generated model is an Enum: a value it does not know cannot be read.
    "http-response-enum-value-added": (BREAKING, "major", "a response enum value was added"),
    "http-response-enum-value-removed": (NON_BREAKING, "patch", "a response enum value was removed"),
    # Python surface of the generated package
    "py-class-removed": (BREAKING, "major", "a public class was removed"),
    "py-class-renamed": (BREAKING, "major", "a public class was renamed"),
    "py-class-added": (NON_BREAKING, "minor", "a public class was added"),
    "py-method-removed": (BREAKING, "major", "a method or attribute was removed"),
    "py-method-renamed": (BREAKING, "major", "a method or attribute was renamed"),
    "py-method-added": (NON_BREAKING, "minor", "a method or attribute was added"),
    "py-parameter-removed": (BREAKING, "major", "a method parameter was removed"),
    "py-parameter-added-required": (BREAKING, "major", "a required method parameter was added"),
    "py-parameter-added-optional": (NON_BREAKING, "minor", "an optional method parameter was added"),
    "py-parameter-became-required": (BREAKING, "major", "a method parameter lost its default"),
    "py-parameter-became-optional": (NON_BREAKING, "minor", "a method parameter gained a default"),
    "py-parameter-kind-changed": (BREAKING, "major", "a parameter moved between positional and keyword-only"),
    "py-parameter-type-widened": (NON_BREAKING, "minor", "a parameter accepts more types"),
    "py-parameter-type-changed": (BREAKING, "major", "a parameter's type changed"),
    "py-return-type-narrowed": (NON_BREAKING, "patch", "a method returns a narrower type"),
    "py-return-type-changed": (BREAKING, "major", "a method's return type changed"),
    "py-field-removed": (BREAKING, "major", "a model field was removed"),
    "py-field-renamed": (BREAKING, "major", "a model field was renamed"),
    "py-field-added-required": (BREAKING, "major", "a required model field was added"),
    "py-field-added-optional": (NON_BREAKING, "minor", "an optional model field was added"),
    "py-field-became-required": (BREAKING, "major", "a model field lost its default"),
    "py-field-became-optional": (NON_BREAKING, "minor", "a model field gained a default"),
    "py-field-type-changed": (BREAKING, "major", "a model field's type changed"),
    "py-enum-member-removed": (BREAKING, "major", "an enum member was removed"),
    "py-enum-member-renamed": (BREAKING, "major", "an enum member was renamed"),
    "py-enum-member-added": (NON_BREAKING, "minor", "an enum member was added"),
}
_BUMPS = ("none", "patch", "minor", "major")


@dataclass(frozen=True)
class Change:
    rule: str
    layer: str  # "http" or "python"
    where: str  # "POST /pets" or "models.Pet"
    message: str

    @property
    def severity(self) -> str:
        return RULES[self.rule][0]


@dataclass(frozen=True)
class Changes:
    old: str
    new: str
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> int:
        return sum(c.severity == BREAKING for c in self.changes)

    @property
    def bump(self) -> str:
        """The semver part the generated package's version should raise."""
        return max((RULES[c.rule][1] for c in self.changes), key=_BUMPS.index, default="none")


# --- reading -------------------------------------------------------------------------------------------------


def read_spec(source: str, *, root: Path) -> Document:
    """A spec file, or `git:REV:path` read from the repository at `root` (the path is from its top); either with
    the files it references."""
    if not source.startswith("git:"):
        return load_spec([Path(source)])
    rev, _, path = source[4:].partition(":")
    if not rev or not path:
        raise fail(source, None, "", "expected git:REV:path, e.g. git:HEAD~1:spec/api.yaml")
    if rev.startswith("-"):
        raise fail(source, None, "", f"{rev!r} is not a revision: a revision never starts with '-'")
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        raise fail(source, None, "", f"{path!r} is not a path inside the repository")
    if any(ord(c) < 32 or ord(c) == 127 for c in source):
        raise fail(source, None, "", "a revision or path with a control character cannot name a spec in git")
    # The spec's folder at that revision, its spec files only, laid out in a scratch folder: references between
    # files resolve there as they did in the repository.
    with tempfile.TemporaryDirectory(prefix="generator-diff-") as scratch:
        folder = pure.parent.as_posix()
        listed = _git(root, source, "ls-tree", "-r", "-z", "--name-only", "--end-of-options", rev, "--", folder or ".")
        names = [n for n in listed.decode("utf-8", "replace").split("\0") if n]
        if path not in names:
            raise fail(source, None, "", f"cannot read it from git: {path!r} is not in {rev!r}")
        budget = MAX_BYTES
        for name in names:
            if name != path and not name.lower().endswith(_SPEC_SUFFIXES):
                continue
            blob = _git(root, source, "cat-file", "blob", "--end-of-options", f"{rev}:{name}", limit=budget)
            budget -= len(blob)
            target = Path(scratch).joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
        return load_spec([Path(scratch).joinpath(*pure.parts)], display=source)


_SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _git(root: Path, source: str, *args: str, limit: int = MAX_BYTES) -> bytes:
    """A git command's output, read up to `limit` bytes; `--end-of-options` keeps every argument from being an
    option, whatever it holds."""
    command = ["git", "-C", str(root), *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as shown:
        assert shown.stdout is not None and shown.stderr is not None
        output = shown.stdout.read(limit + 1)
        if len(output) > limit:
            shown.kill()
            raise fail(source, None, "", f"the spec's files are over {MAX_BYTES} bytes; the limit is {MAX_BYTES}")
        errors = shown.stderr.read()
    if shown.returncode != 0:
        reason = errors.decode("utf-8", "replace").strip().splitlines() or ["git failed"]
        raise fail(source, None, "", f"cannot read it from git: {reason[-1]}")
    return output


# --- comparing -----------------------------------------------------------------------------------------------


def compare(old: Document, new: Document, *, target: Target) -> Changes:
    """Every change between the two specs, HTTP contract first, then the generated package's Python surface."""
    python = surface_changes(python_surface(old, target=target), python_surface(new, target=target))
    return Changes(old.file, new.file, tuple([*contract_changes(old.data, new.data), *python]))


def contract_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed on the wire: operations, parameters, bodies, responses, security, servers."""
    return _Contract(old, new).changes()


def python_surface(doc: Document, *, target: Target) -> dict[str, ClassShape]:
    """The public classes of the package this spec generates (rendered in memory by the pipeline)."""
    from ..pipeline import run

    return surface(run(target, doc=doc).files)


def report(changes: Changes, *, output: str, fail_on: str | None) -> Report:
    """The command's outcome: the text or JSON report, failed when --fail-on finds what it names."""
    failed = (fail_on == "breaking" and changes.breaking > 0) or (fail_on == "any" and bool(changes.changes))
    return Report(output=format_json(changes) if output == "json" else format_text(changes), failed=failed)


# --- HTTP contract -------------------------------------------------------------------------------------------


class _Contract:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.found: list[Change] = []

    def add(self, rule: str, where: str, message: str) -> None:
        self.found.append(Change(rule, "http", where, message))

    def changes(self) -> list[Change]:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        for key in old_ops.keys() - new_ops.keys():
            self.add("http-operation-removed", old_ops[key][0], "removed")
        for key in new_ops.keys() - old_ops.keys():
            self.add("http-operation-added", new_ops[key][0], "added")
        for key in sorted(old_ops.keys() & new_ops.keys()):
            self._operation(new_ops[key][0], old_ops[key][1], new_ops[key][1])
        if _server(self.old) != _server(self.new):
            self.add("http-server-changed", "servers", f"{_server(self.old)!r} → {_server(self.new)!r}")
        return sorted(self.found, key=lambda c: (c.where, c.rule, c.message))

    def _operation(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if not old.get("deprecated") and new.get("deprecated"):
            self.add("http-operation-deprecated", where, "deprecated")
        if old.get("operationId") != new.get("operationId"):
            self.add("http-operation-id-changed", where, f"{old.get('operationId')} → {new.get('operationId')}")
        old_security, new_security = self._security(old, self.old), self._security(new, self.new)
        for scheme in sorted(new_security - old_security):
            self.add("http-security-added", where, f"now needs {scheme}")
        for scheme in sorted(old_security - new_security):
            self.add("http-security-removed", where, f"no longer needs {scheme}")
        self._parameters(where, old, new)
        self._body(where, old.get("requestBody"), new.get("requestBody"))
        self._responses(where, old.get("responses") or {}, new.get("responses") or {})

    def _security(self, operation: dict[str, Any], data: dict[str, Any]) -> set[str]:
        requirements = operation.get("security", data.get("security")) or []
        # Alternatives are OR-ed: an operation needs a scheme only when every alternative names it.
        sets = [set(r) for r in requirements if isinstance(r, dict)]
        return set.intersection(*sets) if sets and all(sets) else set()

    def _parameters(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before, after = _params(self.old, old), _params(self.new, new)
        for key in sorted(before.keys() - after.keys()):
            self.add("http-parameter-removed", where, f"{before[key][0]} removed")
        for key in sorted(after.keys() - before.keys()):
            label, param = after[key]
            rule = "http-parameter-added-required" if param.get("required") else "http-parameter-added-optional"
            self.add(rule, where, f"{label} added")
        for key in sorted(before.keys() & after.keys()):
            (_, was_param), (label, now_param) = before[key], after[key]
            was, now = bool(was_param.get("required")), bool(now_param.get("required"))
            if was != now:
                rule = "http-parameter-became-required" if now else "http-parameter-became-optional"
                self.add(rule, where, f"{label} became {'required' if now else 'optional'}")
            _Schemas(self, where, "request").compare(
                label, _deref(self.old, was_param.get("schema")), _deref(self.new, now_param.get("schema"))
            )

    def _body(self, where: str, old: Any, new: Any) -> None:
        old, new = _deref(self.old, old), _deref(self.new, new)
        if not old and not new:
            return
        if not new:
            self.add("http-request-body-removed", where, "request body removed")
            return
        if not old:
            rule = "http-request-body-added-required" if new.get("required") else "http-request-body-added-optional"
            self.add(rule, where, "request body added")
            return
        if bool(old.get("required")) != bool(new.get("required")):
            now = bool(new.get("required"))
            self.add(f"http-request-body-became-{'required' if now else 'optional'}", where, "request body")
        self._content(where, "request", "request body", old.get("content") or {}, new.get("content") or {})

    def _responses(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status in sorted(old.keys() - new.keys(), key=str):
            success = str(status).startswith("2")
            rule = "http-response-status-removed" if success else "http-response-error-removed"
            self.add(rule, where, f"response {status} removed")
        for status in sorted(new.keys() - old.keys(), key=str):
            self.add("http-response-status-added", where, f"response {status} added")
        for status in sorted(old.keys() & new.keys(), key=str):
            before, after = _deref(self.old, old[status]) or {}, _deref(self.new, new[status]) or {}
            label = f"response {status}"
            self._content(where, "response", label, before.get("content") or {}, after.get("content") or {})

    def _content(self, where: str, direction: str, label: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for media in sorted(old.keys() - new.keys()):
            self.add(f"http-{direction}-media-type-removed", where, f"{label}: {media} removed")
        for media in sorted(new.keys() - old.keys()):
            self.add(f"http-{direction}-media-type-added", where, f"{label}: {media} added")
        for media in sorted(old.keys() & new.keys()):
            before = _deref(self.old, (old[media] or {}).get("schema"))
            after = _deref(self.new, (new[media] or {}).get("schema"))
            _Schemas(self, where, direction).compare(label, before, after)


class _Schemas:
    """Compares two schemas in the direction their values travel: a request narrowing breaks the client's
    calls, a response widening breaks its reading."""

    def __init__(self, contract: _Contract, where: str, direction: str) -> None:
        self.contract, self.where, self.direction = contract, where, direction
        self.seen: set[tuple[int, int]] = set()

    def add(self, rule: str, message: str) -> None:
        self.contract.add(rule, self.where, message)

    def compare(self, label: str, old: Any, new: Any, depth: int = 0) -> None:
        if not isinstance(old, dict) or not isinstance(new, dict) or depth > 30 or (id(old), id(new)) in self.seen:
            return
        self.seen.add((id(old), id(new)))
        old, new = self._flat(old, self.contract.old), self._flat(new, self.contract.new)
        self._type(label, old, new)
        self._enum(label, old, new)
        self._properties(label, old, new, depth)
        if "items" in old and "items" in new:
            items_old, items_new = _deref(self.contract.old, old["items"]), _deref(self.contract.new, new["items"])
            self.compare(f"{label}[]", items_old, items_new, depth + 1)

    def _flat(self, schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        """allOf folded into one schema: its parts' properties and required lists together."""
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(merged.get("properties") or {})
        required: list[str] = list(merged.get("required") or [])
        for part in schema.get("allOf") or []:
            part = self._flat(_deref(data, part) or {}, data)
            properties.update(part.get("properties") or {})
            required += list(part.get("required") or [])
            for key, value in part.items():
                merged.setdefault(key, value)
        merged["properties"], merged["required"] = properties, required
        return merged

    def _type(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before, after = _types(old), _types(new)
        verdicts = set()
        if before != after:
            verdicts.add(_relation(before, after))
        if old.get("format") != new.get("format"):
            verdicts.add(
                "narrowed" if old.get("format") is None else "widened" if new.get("format") is None else "changed"
            )
        for key, tighter in (
            ("maxLength", -1),
            ("maximum", -1),
            ("maxItems", -1),
            ("minLength", 1),
            ("minimum", 1),
            ("minItems", 1),
        ):
            a, b = old.get(key), new.get(key)
            if a == b or not all(isinstance(v, int | float | None) for v in (a, b)):
                continue
            if a is None:
                verdicts.add("narrowed")
            elif b is None:
                verdicts.add("widened")
            else:
                verdicts.add("narrowed" if (b - a) * tighter > 0 else "widened")
        if not verdicts:
            return
        verdict = verdicts.pop() if len(verdicts) == 1 else "changed"
        text = f"{label}: {_describe(old)} → {_describe(new)}"
        self.add(f"http-{self.direction}-type-{verdict}", text)

    def _enum(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if "enum" not in old or "enum" not in new:
            if "enum" in new and "enum" not in old:
                return  # a new enum on a free value is a narrowing, reported with the type
            return
        before, after = [json.dumps(v) for v in old["enum"]], [json.dumps(v) for v in new["enum"]]
        for value in (v for v in before if v not in after):
            self.add(f"http-{self.direction}-enum-value-removed", f"{label}: enum value {value} removed")
        for value in (v for v in after if v not in before):
            self.add(f"http-{self.direction}-enum-value-added", f"{label}: enum value {value} added")

    def _properties(self, label: str, old: dict[str, Any], new: dict[str, Any], depth: int) -> None:
        before, after = old.get("properties") or {}, new.get("properties") or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return
        was_required, now_required = set(old.get("required") or []), set(new.get("required") or [])
        kind = self.direction
        for name in [n for n in before if n not in after]:
            self.add(f"http-{kind}-property-removed", f"{label}: property {name!r} removed")
        for name in [n for n in after if n not in before]:
            if kind == "request":
                rule = f"http-request-property-added-{'required' if name in now_required else 'optional'}"
            else:
                rule = "http-response-property-added"
            self.add(rule, f"{label}: property {name!r} added")
        for name in [n for n in before if n in after]:
            was, now = name in was_required, name in now_required
            if was != now:
                self.add(f"http-{kind}-property-became-{'required' if now else 'optional'}", f"{label}.{name}")
            property_old = _deref(self.contract.old, before[name])
            property_new = _deref(self.contract.new, after[name])
            self.compare(f"{label}.{name}", property_old, property_new, depth + 1)


def _operations(data: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """ "METHOD /path/{}" → (display name, operation); path parameters are matched by place, not name."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for site in openapi.operations(data):
        shape = re.sub(r"\{[^}]*\}", "{}", site.path)
        merged = dict(site.operation)
        merged["parameters"] = [p for p, _ in openapi.parameters(data, site)]
        merged["x-diff-path"] = site.path
        found[f"{site.method.upper()} {shape}"] = (site.key, merged)
    return found


def _params(data: dict[str, Any], operation: dict[str, Any]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(location, key) → (label, parameter); a later declaration (the operation's) wins over the path item's."""
    placeholders = re.findall(r"\{([^}]*)\}", str(operation.get("x-diff-path", "")))
    params: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for raw in operation.get("parameters") or []:
        param = _deref(data, raw)
        if isinstance(param, dict) and "name" in param:
            location, name = str(param.get("in", "")), str(param["name"])
            # A path parameter is keyed by its place in the path: renaming the placeholder changes nothing on
            # the wire (the Python layer reports the renamed keyword argument).
            key = str(placeholders.index(name)) if location == "path" and name in placeholders else name
            params[(location, key)] = (f"{location} parameter {name!r}", param)
    return params


def _deref(data: dict[str, Any], node: Any) -> Any:
    target = deref(data, node)
    return target if isinstance(target, dict) else None


def _types(schema: dict[str, Any]) -> frozenset[str]:
    raw = schema.get("type")
    types = set(raw) if isinstance(raw, list) else {raw} if isinstance(raw, str) else set()
    if schema.get("nullable") is True:
        types.add("null")
    for key in ("oneOf", "anyOf"):
        for variant in schema.get(key) or []:
            if isinstance(variant, dict):
                ref = variant.get("$ref")
                types |= {f"ref:{ref}"} if isinstance(ref, str) else set(_types(variant))
    return frozenset(types)


def _relation(old: frozenset[str], new: frozenset[str]) -> str:
    def covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
        # An integer is a number; a schema without a type takes anything.
        return not wide or all(t in wide or (t == "integer" and "number" in wide) for t in narrow)

    if covers(new, old) and not covers(old, new):
        return "widened"
    if covers(old, new) and not covers(new, old):
        return "narrowed"
    return "changed"


def _describe(schema: dict[str, Any]) -> str:
    parts = sorted(_types(schema)) or ["any"]
    text = " | ".join(parts)
    extras = [f"{k}={schema[k]}" for k in ("format", "minLength", "maxLength", "minimum", "maximum") if k in schema]
    return f"{text} ({', '.join(extras)})" if extras else text


def _server(data: dict[str, Any]) -> str:
    servers = data.get("servers") or []
    first = servers[0] if servers and isinstance(servers[0], dict) else {}
    return str(first.get("url", ""))


# --- Python surface ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A method's signature, a dataclass field, an enum member or an instance attribute, as comparable text."""

    kind: str  # "method", "attribute", "field", "member"
    params: tuple[tuple[str, str, str, bool], ...] = ()  # (name, kind, annotation, has default)
    annotation: str = ""  # return type, field type or enum value
    optional: bool = False  # a field with a default


@dataclass(frozen=True)
class ClassShape:
    module: str
    members: dict[str, Member] = field(default_factory=dict)

    def signature(self) -> tuple[tuple[str, Member], ...]:
        return tuple(sorted(self.members.items()))


def surface(files: dict[str, str]) -> dict[str, ClassShape]:
    """Public classes of the generated package (`module.Class` → shape), read from the rendered source."""
    classes: dict[str, ClassShape] = {}
    for path, text in sorted(files.items()):
        pure = PurePosixPath(path)
        if pure.suffix != ".py" or pure.stem.startswith("_"):
            continue
        for node in ast.parse(text).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                classes[node.name] = ClassShape(pure.stem, _members(node))
    return classes


def _members(node: ast.ClassDef) -> dict[str, Member]:
    members: dict[str, Member] = {}
    enum = any(isinstance(b, ast.Name) and b.id.endswith("Enum") for b in node.bases)
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and not enum:
            if not item.target.id.startswith("_"):
                members[item.target.id] = Member(
                    "field", annotation=ast.unparse(item.annotation), optional=_has_default(item.value)
                )
        elif isinstance(item, ast.Assign) and enum:
            for name in (t.id for t in item.targets if isinstance(t, ast.Name) and not t.id.startswith("_")):
                members[name] = Member("member", annotation=ast.unparse(item.value))
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            if item.name == "__init__":
                members.update(_attributes(item))
            if not item.name.startswith("_") or item.name == "__init__":
                members[item.name] = Member(
                    "method", _signature(item), ast.unparse(item.returns) if item.returns else ""
                )
    return members


def _has_default(value: ast.expr | None) -> bool:
    if value is None:
        return False
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "field":
        return any(k.arg in ("default", "default_factory") for k in value.keywords)
    return True


def _signature(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[tuple[str, str, str, bool], ...]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = [False] * (len(positional) - len(args.defaults)) + [True] * len(args.defaults)
    found = [
        (a.arg, "positional", ast.unparse(a.annotation) if a.annotation else "", d)
        for a, d in zip(positional, defaults, strict=True)
        if a.arg != "self"
    ]
    found += [
        (a.arg, "keyword", ast.unparse(a.annotation) if a.annotation else "", d is not None)
        for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    return tuple(found)


def _attributes(init: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Member]:
    """`self.pets = PetsResource(...)`: the resources a client exposes."""
    found = {}
    for node in ast.walk(init):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            mine = (
                isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
            )
            if mine and isinstance(target, ast.Attribute) and not target.attr.startswith("_"):
                value = ast.unparse(node.value.func) if isinstance(node.value, ast.Call) else ""
                found[target.attr] = Member("attribute", annotation=value)
    return found


def surface_changes(old: dict[str, ClassShape], new: dict[str, ClassShape]) -> list[Change]:
    """Classes, methods, parameters, fields and enum members removed, renamed, added or changed."""
    return list(_surface_changes(old, new))


def _surface_changes(old: dict[str, ClassShape], new: dict[str, ClassShape]) -> Iterator[Change]:
    removed = sorted(old.keys() - new.keys())
    added = sorted(new.keys() - old.keys())
    renames = _pairs(removed, added, lambda name: old[name].signature(), lambda name: new[name].signature())
    # A renamed model changes every annotation that names it; read old annotations with the new names. A class
    # whose members name a renamed class (the typed error of a renamed error model) is then a rename too.
    while True:
        swap = _renamer(renames)
        more = _pairs(
            [n for n in removed if n not in renames],
            [n for n in added if n not in renames.values()],
            functools.partial(_renamed_signature, old, swap),
            lambda name: new[name].signature(),
        )
        if not more:
            break
        renames.update(more)
    for before, after in sorted(renames.items()):
        yield Change("py-class-renamed", "python", f"{old[before].module}.{before}", f"renamed to {after}")
    for name in removed:
        if name not in renames:
            yield Change("py-class-removed", "python", f"{old[name].module}.{name}", "removed")
    for name in added:
        if name not in renames.values():
            yield Change("py-class-added", "python", f"{new[name].module}.{name}", "added")
    kept = [(name, name) for name in sorted(old.keys() & new.keys())]
    for before_name, after_name in kept + sorted(renames.items()):
        yield from _class_changes(f"{new[after_name].module}.{after_name}", old[before_name], new[after_name], swap)


def _renamed_signature(
    shapes: dict[str, ClassShape], swap: Callable[[str], str], name: str
) -> tuple[tuple[str, Member], ...]:
    return tuple((key, _swapped(member, swap)) for key, member in shapes[name].signature())


def _class_changes(where: str, old: ClassShape, new: ClassShape, swap: Callable[[str], str]) -> Iterator[Change]:
    before = {name: _swapped(member, swap) for name, member in old.members.items()}
    after = new.members
    gone = sorted(before.keys() - after.keys())
    came = sorted(after.keys() - before.keys())
    renames = _pairs(gone, came, lambda n: before[n], lambda n: after[n])
    kinds = {"method": "method", "attribute": "method", "field": "field", "member": "enum-member"}
    for name in gone:
        kind = kinds[before[name].kind]
        if name in renames:
            yield Change(f"py-{kind}-renamed", "python", f"{where}.{name}", f"renamed to {renames[name]}")
        else:
            yield Change(f"py-{kind}-removed", "python", f"{where}.{name}", "removed")
    for name in came:
        if name in renames.values():
            continue
        member = after[name]
        if member.kind == "field":
            rule = f"py-field-added-{'optional' if member.optional else 'required'}"
        else:
            rule = f"py-{kinds[member.kind]}-added"
        yield Change(rule, "python", f"{where}.{name}", "added")
    for name in sorted(before.keys() & after.keys()):
        yield from _member_changes(f"{where}.{name}", before[name], after[name])


def _member_changes(where: str, old: Member, new: Member) -> Iterator[Change]:
    if old.kind == "field":
        if old.optional != new.optional:
            yield Change(f"py-field-became-{'optional' if new.optional else 'required'}", "python", where, "")
        if old.annotation != new.annotation:
            yield Change("py-field-type-changed", "python", where, f"{old.annotation} → {new.annotation}")
        return
    if old.kind != "method":
        return  # an enum member's value or an attribute's class: covered by the HTTP layer and the class rules
    if old.annotation != new.annotation:
        narrowed = _accepts(old.annotation, new.annotation)
        rule = "py-return-type-narrowed" if narrowed else "py-return-type-changed"
        yield Change(rule, "python", where, f"returns {old.annotation} → {new.annotation}")
    before = {p[0]: p for p in old.params}
    after = {p[0]: p for p in new.params}
    for name in [n for n in before if n not in after]:
        yield Change("py-parameter-removed", "python", where, f"parameter {name} removed")
    for name in [n for n in after if n not in before]:
        optional = after[name][3]
        rule = f"py-parameter-added-{'optional' if optional else 'required'}"
        yield Change(rule, "python", where, f"parameter {name} added")
    for name in [n for n in before if n in after]:
        (_, kind_a, hint_a, default_a), (_, kind_b, hint_b, default_b) = before[name], after[name]
        if kind_a != kind_b:
            yield Change("py-parameter-kind-changed", "python", where, f"parameter {name}: {kind_a} → {kind_b}")
        if default_a != default_b:
            rule = f"py-parameter-became-{'optional' if default_b else 'required'}"
            yield Change(rule, "python", where, f"parameter {name}")
        if hint_a != hint_b:
            widened = _accepts(hint_b, hint_a)
            rule = "py-parameter-type-widened" if widened else "py-parameter-type-changed"
            yield Change(rule, "python", where, f"parameter {name}: {hint_a} → {hint_b}")


def _renamer(renames: dict[str, str]) -> Callable[[str], str]:
    """Rewrites old class names in an annotation to their new names."""
    if not renames:
        return lambda text: text
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in renames) + r")\b")
    return lambda text: pattern.sub(lambda m: renames[m.group()], text)


def _swapped(member: Member, fix: Callable[[str], str]) -> Member:
    params = tuple((n, k, fix(a), d) for n, k, a, d in member.params)
    return Member(member.kind, params, fix(member.annotation), member.optional)


def _pairs(
    gone: list[str], came: list[str], shape_old: Callable[[str], object], shape_new: Callable[[str], object]
) -> dict[str, str]:
    """Removed → added names whose shapes match one to one: a rename rather than a removal and an addition."""
    pairs: dict[str, str] = {}
    for name in gone:
        matches = [other for other in came if shape_new(other) == shape_old(name) and other not in pairs.values()]
        rivals = [other for other in gone if shape_old(other) == shape_old(name)]
        if len(matches) == 1 and len(rivals) == 1:
            pairs[name] = matches[0]
    return pairs


def _accepts(wide: str, narrow: str) -> bool:
    """Whether every value of the `narrow` annotation is also one of `wide` (unions read member by member;
    an int is accepted where a float is, as type checkers do)."""
    wider = {part.strip() for part in wide.split("|")}
    promoted = {"int": "float", "float": "complex"}
    return all(p in wider or promoted.get(p) in wider for p in (part.strip() for part in narrow.split("|")))


# --- output --------------------------------------------------------------------------------------------------


def format_text(report: Changes) -> str:
    # File names, `where` and messages hold spec text (path keys, property names, values): each goes through
    # the encoder every located message uses, so none can add a line, move the cursor or reorder the text.
    lines = [f"diff {comment(report.old)} → {comment(report.new)}"]
    for layer, title in (("http", "HTTP contract"), ("python", "Python surface")):
        changes = [c for c in report.changes if c.layer == layer]
        lines.append(f"\n{title}: {len(changes)} change(s)" if changes else f"\n{title}: no changes")
        width = max((len(c.rule) for c in changes), default=0)
        for c in changes:
            message = f": {comment(c.message)}" if c.message else ""
            lines.append(f"  {c.severity:<12}  {c.rule:<{width}}  {comment(c.where)}{message}")
    counts = f"{report.breaking} breaking, {len(report.changes) - report.breaking} non-breaking"
    lines.append(f"\nsuggested version bump for the generated package: {report.bump} ({counts})")
    return "\n".join(lines) + "\n"


def format_json(report: Changes) -> str:
    changes = [{**asdict(c), "severity": c.severity} for c in report.changes]
    data = {"old": report.old, "new": report.new, "changes": changes, "breaking": report.breaking, "bump": report.bump}
    # Readable non-ASCII text stays as it is; control and format characters (U+202E...) are escaped.
    return json_text(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
