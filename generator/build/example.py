"""Valid spec + types + client IR → the README's usage example: a first call with its required arguments,
as Python that constructs the models; pure (the format stage formats it)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from .. import encode
from ..ir import Client, Operation, Resource
from ..spec import openapi, pointer
from .auth import server_url
from .types import Types

_EXAMPLE_DATE = "2024-01-15"
_EXAMPLE_DATETIME = "2024-01-15T09:30:00Z"
_EXAMPLE_UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
_STRING_FORMATS = {
    "date": _EXAMPLE_DATE,
    "date-time": _EXAMPLE_DATETIME,
    "uuid": _EXAMPLE_UUID,
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "aGVsbG8=",
    "time": "09:30:00",
}


def example_value(data: dict[str, Any], schema: Any, *, full: bool = False, depth: int = 0) -> Any:
    """A JSON value valid for `schema`: the spec's own example where it gives one, else built from the types;
    required properties only, or every property with `full`."""
    schema = pointer.deref(data, schema)
    if not isinstance(schema, dict) or depth > 12:
        return None
    for key in ("const", "example"):
        if key in schema and schema[key] is not None:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if schema.get("default") is not None:
        return schema["default"]
    if isinstance(schema.get("enum"), list):
        members = [v for v in schema["enum"] if v is not None]
        return members[0] if members else None
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return example_value(data, _first_non_null(data, schema[key]), full=full, depth=depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_value(data, part, full=full, depth=depth + 1)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        own = {k: v for k, v in schema.items() if k != "allOf"}
        extra = example_value(data, own, full=full, depth=depth + 1) if "properties" in own else {}
        return {**merged, **(extra or {})}
    kinds = schema.get("type")
    kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    kind = kinds[0] if kinds else ("object" if "properties" in schema else None)
    if kind == "object":
        required = schema.get("required") or []
        properties = schema.get("properties") or {}
        return {
            str(key): example_value(data, value, full=full, depth=depth + 1)
            for key, value in properties.items()
            if key in required or (full and depth < 4)
        }
    if kind == "array":
        item = example_value(data, schema.get("items"), full=full, depth=depth + 1)
        count = max(1, int(schema.get("minItems") or 1)) if item is not None else 0
        return [item] * count
    if kind == "string":
        text = _STRING_FORMATS.get(str(schema.get("format")), "string")
        low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
        text = text.ljust(low, "x")
        return text[: int(high)] if isinstance(high, int) and high >= low else text
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return True
    return None if not kinds else "string"


def _first_non_null(data: dict[str, Any], members: list[Any]) -> Any:
    for member in members:
        resolved = pointer.deref(data, member)
        if not (isinstance(resolved, dict) and resolved.get("type") == "null"):
            return member
    return members[0]


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    value: float = 1
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        value = max(value, low + (1 if schema.get("exclusiveMinimum") is True else 0))
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(schema["exclusiveMinimum"], bool):
        value = max(value, schema["exclusiveMinimum"] + 1)
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        value = min(value, high)
    return int(value) if integer else float(value)


class _Expressions:
    """JSON example values as Python source: models by keyword, enums by member, dates and UUIDs built."""

    def __init__(self, data: dict[str, Any], types: Types) -> None:
        self.data = data
        self.types = types
        self.models = types.models
        self.used_models: set[str] = set()
        self.modules: set[str] = set()

    def properties(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        schema = pointer.deref(self.data, schema)
        if not isinstance(schema, dict) or depth > 10:
            return {}
        merged: dict[str, Any] = {}
        for part in schema.get("allOf") or []:
            merged.update(self.properties(part, depth + 1))
        merged.update(schema.get("properties") or {})
        return merged

    def expr(self, value: Any, schema: Any, where: str = "", depth: int = 0) -> str:
        if value is None:
            return "None"
        if not isinstance(schema, dict) or depth > 20:
            return encode.literal(value)
        ref = schema.get("$ref")
        if pointer.is_local(ref):
            target = pointer.canonical(ref)
            resolved = pointer.resolve(self.data, target)
            if target in self.models.classes:
                return self.model(self.models.classes[target], value, resolved, target, depth)
            return self.expr(value, resolved, target, depth + 1)
        if where in self.models.classes:
            return self.model(self.models.classes[where], value, schema, where, depth)
        return self.plain(value, schema, where, depth)

    def plain(self, value: Any, schema: dict[str, Any], where: str, depth: int) -> str:
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                member = _first_non_null(self.data, schema[key])
                index = schema[key].index(member)
                return self.expr(value, member, pointer.join(where, key, index), depth + 1)
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self.expr(value, schema["allOf"][0], pointer.join(where, "allOf", 0), depth + 1)
        kinds = schema.get("type")
        kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
        if isinstance(value, list) and "array" in kinds:
            items = schema.get("items")
            where = pointer.join(where, "items")
            return "[" + ", ".join(self.expr(v, items, where, depth + 1) for v in value) + "]"
        if isinstance(value, str) and "string" in kinds:
            return self.string(value, str(schema.get("format")))
        return encode.literal(value)

    def string(self, value: str, fmt: str) -> str:
        try:
            if fmt == "date":
                day = datetime.date.fromisoformat(value)
                self.modules.add("datetime")
                return f"datetime.date({day.year}, {day.month}, {day.day})"
            if fmt == "date-time":
                moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
                if moment.tzinfo is None or moment.utcoffset() == datetime.timedelta(0):
                    parts = [moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second]
                    while len(parts) > 3 and parts[-1] == 0:
                        parts.pop()
                    self.modules.add("datetime")
                    zone = ", tzinfo=datetime.timezone.utc" if moment.tzinfo else ""
                    return f"datetime.datetime({', '.join(map(str, parts))}{zone})"
            if fmt == "uuid":
                self.modules.add("uuid")
                return f"uuid.UUID({encode.string_literal(str(uuid.UUID(value)))})"
        except ValueError:
            pass
        return encode.string_literal(value)

    def model(self, cls: str, value: Any, schema: Any, where: str, depth: int) -> str:
        members = self.models.enums.get(cls)
        if members is not None:
            self.used_models.add(cls)
            member = members.get(value)
            return f"{cls}.{member}" if member else f"{cls}({encode.literal(value)})"
        if cls not in self.models.fields or not isinstance(value, dict):
            return self.plain(value, schema if isinstance(schema, dict) else {}, where, depth)
        self.used_models.add(cls)
        fields = {f.wire_name: f.python_name for f in self.models.all_fields(cls)}
        if not all(key in fields for key in value):
            return f"{cls}.from_dict({encode.literal(value)})"
        properties = self.properties(schema)
        args = [
            f"{fields[key]}={self.expr(item, properties.get(key), pointer.join(where, 'properties', key), depth + 1)}"
            for key, item in value.items()
        ]
        return f"{cls}({', '.join(args)})"


def example(data: dict[str, Any], package: str, client: Client, types: Types) -> tuple[str, str]:
    """A runnable usage example for the package README, sync and async: the first operation, with its
    required arguments."""
    exprs = _Expressions(data, types)
    found = _first_operation(data, client)
    args: list[str] = []
    call = ""
    if found is not None:
        resource, operation, site = found
        args = _arguments(data, exprs, operation, site)
        call = f"result = client.{resource.attribute}.{operation.name}({', '.join(args)})"
    credentials: list[str] = []
    if client.auth is not None and client.auth.kind == "basic":
        credentials = ['username="my-username"', 'password="my-password"']
    elif client.auth is not None:
        credentials = ['api_key="my-api-key"']
    url = server_url(data)
    url = url if url.startswith("http") else "https://api.example.com" + url
    construct = ", ".join([*credentials, f"base_url={encode.string_literal(url)}"])
    imports = [f"import {module}" for module in sorted(exprs.modules)]
    models = [f"from {package}.models import {', '.join(sorted(exprs.used_models))}"] if exprs.used_models else []
    sync = [*imports, "", f"from {package} import {client.class_name}", *models, ""]
    sync += [f"client = {client.class_name}({construct})"]
    if call:
        sync += [call, "print(result)"]
    asynchronous = ["import asyncio", *imports, "", f"from {package} import {client.async_class_name}", *models, ""]
    asynchronous += [
        "",
        "async def main() -> None:",
        f"    async with {client.async_class_name}({construct}) as client:",
    ]
    asynchronous += (
        [f"        {call.replace('= client.', '= await client.')}", "        print(result)"]
        if call
        else ["        pass"]
    )
    asynchronous += ["", "", "asyncio.run(main())"]
    return "\n".join(sync).lstrip("\n") + "\n", "\n".join(asynchronous) + "\n"


def _first_operation(data: dict[str, Any], client: Client) -> tuple[Resource, Operation, openapi.Site] | None:
    by_route = {(op.method_literal, op.path_literal): (r, op) for r in client.resources for op in r.operations}
    for site in openapi.operations(data):
        match = by_route.get((encode.string_literal(site.method.upper()), encode.string_literal(site.path)))
        if match is not None:
            return match[0], match[1], site
    return None


def _arguments(data: dict[str, Any], exprs: _Expressions, operation: Operation, site: openapi.Site) -> list[str]:
    args: list[str] = []
    declared = {(str(p["in"]), encode.string_literal(str(p["name"]))): p for p, _ in openapi.parameters(data, site)}
    for p in operation.params:
        if p.required:
            param = declared.get((p.location, p.wire_literal)) or {}
            schema = param.get("schema")
            value = param.get("example") if param.get("example") is not None else example_value(data, schema)
            args.append(f"{p.python_name}={exprs.expr(value, schema)}")
    body = operation.body
    if body is None:
        return args
    slot = next((s for s in openapi.slots(data, site) if s.role == "body"), None)
    schema = slot.schema if slot else None
    if body.fields:
        value = example_value(data, schema)
        model = exprs.types.model(body.type_hint)
        wire_of = {f.python_name: f.wire_name for f in exprs.models.all_fields(model)} if model else {}
        properties = exprs.properties(schema)
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        where = pointer.canonical(ref) if pointer.is_local(ref) else slot.pointer if slot else ""
        for f in body.fields:
            wire = wire_of.get(f.field_name, f.field_name)
            if f.required and isinstance(value, dict) and wire in value:
                sub = exprs.expr(value[wire], properties.get(wire), pointer.join(where, "properties", wire))
                args.append(f"{f.python_name}={sub}")
    elif body.required and body.encoding in ("json", "form", "multipart"):
        args.append(f"body={exprs.expr(example_value(data, schema), schema, slot.pointer if slot else '')}")
    elif body.required:
        args.append('body=b"..."' if body.encoding == "bytes" else 'body="..."')
    return args
