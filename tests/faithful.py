"""Do a spec's own examples survive the generated models? Every schema example and media-type example that
validates against its schema must decode to the right class (the union member it validates against) and
encode back to exactly the same JSON.

Used by `make corpus` (tests/corpus.py) and by the unit tests of the models."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from generator.models import Models
from generator.spec import openapi, pointer

MAX_PER_SCHEMA = 5


@dataclass
class Report:
    found: int = 0  # examples of typed schemas
    valid: int = 0  # of those, the ones that validate against their schema
    faithful: int = 0  # of those, the ones that decode to the right class and encode back exactly
    problems: list[str] = field(default_factory=list)


def check(data: dict[str, Any], models: Models, module: types.ModuleType) -> Report:
    """Every example of `data` with a type in `models`, against the generated models `module`."""
    report = Report()
    checker = _Checker(data, models, module)
    for where, hint, schema, samples in _examples(data, models):
        for sample in samples[:MAX_PER_SCHEMA]:
            report.found += 1
            if not checker.valid(sample, schema):
                continue
            report.valid += 1
            problem = checker.faithful(hint, sample, schema, where)
            if problem:
                if len(report.problems) < 20:
                    report.problems.append(f"{where}: {problem}")
            else:
                report.faithful += 1
    return report


def _examples(data: dict[str, Any], models: Models) -> typing.Iterator[tuple[str, str, Any, list[Any]]]:
    """(pointer, type hint, schema, examples): schemas with a class of their own, and operation schemas."""
    for where, name in sorted(models.classes.items()):
        schema = pointer.resolve(data, where)
        if isinstance(schema, dict):
            samples = _schema_examples(schema)
            if samples:
                yield where, name, schema, samples
    for site in openapi.operations(data):
        for slot in openapi.slots(data, site):
            hint = models.hints.get(slot.pointer)
            if hint is None or slot.role == "parameter":
                continue
            media = pointer.resolve(data, slot.pointer.rsplit("/", 1)[0])
            samples = _media_examples(data, media) if isinstance(media, dict) else []
            if samples:
                yield slot.pointer, hint, slot.schema, samples


def _schema_examples(schema: dict[str, Any]) -> list[Any]:
    found = [schema["example"]] if "example" in schema else []
    if isinstance(schema.get("examples"), list):
        found += schema["examples"]
    return found


def _media_examples(data: dict[str, Any], media: dict[str, Any]) -> list[Any]:
    found = [media["example"]] if "example" in media else []
    if isinstance(media.get("examples"), dict):
        for raw in media["examples"].values():
            example = pointer.deref(data, raw)
            if isinstance(example, dict) and "value" in example:
                found.append(example["value"])
    return found


class _Checker:
    def __init__(self, data: dict[str, Any], models: Models, module: types.ModuleType) -> None:
        from openapi_schema_validator import OAS30Validator, OAS31Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.data = data
        self.models = models
        self.module = module
        self.serde = __import__(f"{module.__name__.rpartition('.')[0]}._serde", fromlist=["decode"])
        version = str(data.get("openapi", "3.0"))
        self.validator_class = OAS31Validator if version.startswith("3.1") else OAS30Validator
        resource = Resource.from_contents(data, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:spec", resource)
        self.hints: dict[str, Any] = {}

    def valid(self, value: Any, schema: Any) -> bool:
        try:
            schema = self._absolute(schema)
            validator = self.validator_class(schema, registry=self.registry)
            return next(iter(validator.iter_errors(value)), None) is None
        except Exception:  # a schema the validator cannot read proves nothing either way
            return False

    def _absolute(self, schema: Any) -> Any:
        """The schema with local references made to point into the registered document."""
        if isinstance(schema, dict):
            return {
                k: ("urn:spec" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else self._absolute(v))
                for k, v in schema.items()
            }
        if isinstance(schema, list):
            return [self._absolute(v) for v in schema]
        return schema

    def hint(self, text: str) -> Any:
        if text not in self.hints:
            holder = types.SimpleNamespace(__annotations__={"hint": text})
            self.hints[text] = typing.get_type_hints(holder, globalns=vars(self.module), localns={})["hint"]
        return self.hints[text]

    def faithful(self, hint: str, sample: Any, schema: Any, where: str) -> str:
        try:
            decoded = self.serde.decode(self.hint(hint), sample)
        except Exception as exc:
            return f"does not decode: {type(exc).__name__}: {str(exc)[:200]}"
        wrong = self._classes(decoded, schema, where, depth=0)
        if wrong:
            return wrong
        try:
            encoded = self.serde.encode(decoded)
        except Exception as exc:
            return f"does not encode: {type(exc).__name__}: {str(exc)[:200]}"
        if not same_json(encoded, sample):
            return f"changed {_short(sample)} into {_short(encoded)}"
        return ""

    def _classes(self, decoded: Any, schema: Any, where: str, *, depth: int) -> str:
        """Where a union's members have classes, the decoded object is of a member the value validates against;
        and so on down through properties and items."""
        if depth > 30:
            return ""
        schema, where = pointer.deref_pointer(self.data, schema, where)
        if not isinstance(schema, dict):
            return ""
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not isinstance(members, list):
                continue
            value = self.serde.encode(decoded)
            options = []
            for index, member in enumerate(members):
                _, at = pointer.deref_pointer(self.data, member, pointer.join(where, key, index))
                cls = self._class_at(at)
                if cls is not None and self.valid(value, member):
                    options.append((cls, member, at))
            if options and not any(type(decoded) is cls for cls, _, _ in options):
                names = ", ".join(cls.__name__ for cls, _, _ in options)
                return f"decoded as {type(decoded).__name__}, but it validates against {names}"
            for cls, member, at in options:
                if type(decoded) is cls:
                    return self._classes(decoded, member, at, depth=depth + 1)
        for index, part in enumerate(schema.get("allOf") or []):
            problem = self._classes(decoded, part, pointer.join(where, "allOf", index), depth=depth + 1)
            if problem:
                return problem
        if dataclasses.is_dataclass(decoded) and isinstance(schema.get("properties"), dict):
            wires = {f.metadata.get("wire", f.name): f.name for f in dataclasses.fields(decoded)}
            for wire, sub in schema["properties"].items():
                if wire in wires:
                    value = getattr(decoded, wires[wire])
                    at = pointer.join(where, "properties", wire)
                    problem = self._classes(value, sub, at, depth=depth + 1) if value is not None else ""
                    if problem:
                        return f"{wire}: {problem}"
        if isinstance(decoded, (list, tuple)) and isinstance(schema.get("items"), dict):
            for item in decoded[:20]:
                problem = self._classes(item, schema["items"], pointer.join(where, "items"), depth=depth + 1)
                if problem:
                    return f"[]: {problem}"
        return ""

    def _class_at(self, where: str) -> type | None:
        name = self.models.classes.get(where)
        cls = getattr(self.module, name, None) if name else None
        return cls if isinstance(cls, type) and dataclasses.is_dataclass(cls) else None


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON, types included: 1, 1.0 and true differ; key order does not matter."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _short(value: Any) -> str:
    return json.dumps(value, default=str)[:160]
