"""Valid spec + types + client IR → the README's usage examples: a first call with its required arguments, and
the package's credentials, pagination, streaming, uploads and downloads where it has them, as Python that
constructs the models; pure (the format stage formats it)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .. import encode
from ..ir import Client, Examples, Operation
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
            target = pointer.canonical(str(ref))
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
            try:
                member = members.get(value)
            except TypeError:  # a list or an object where the schema wants one of the enum's values
                member = None
            if member is None:  # the spec's example is not one of its values: the README shows one that is
                member = next(iter(members.values()), None)
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


_ASYNC_SENDERS = frozenset({"call", "stream", "call_or_stream"})


@dataclass(frozen=True)
class _Call:
    """One operation as the README calls it: `client.<path>(<arguments>)`."""

    path: str  # `items.list`, or `health` for the client's own method
    arguments: list[str]
    operation: Operation
    models: frozenset[str] = frozenset()  # what its arguments import
    modules: frozenset[str] = frozenset()

    def source(self, *, extra: list[str] | None = None, raw: str = "") -> str:
        where = f"{raw}." if raw else ""
        resource, _, method = self.path.rpartition(".")
        target = f"{resource}.{where}{method}" if resource else f"{where}{method}"
        return f"client.{target}({', '.join([*self.arguments, *(extra or [])])})"


def examples(data: dict[str, Any], package: str, client: Client, types: Types) -> Examples:
    """Runnable usage examples for the package README: the first operation (sync and async), and where the spec
    has them, credentials, pagination, streaming, an upload and a download."""
    calls = list(_calls(data, types, client))
    url = server_url(data)
    url = url if url.startswith("http") else "https://api.example.com" + url
    first = calls[0] if calls else None
    construct = _construct(client, first, url)
    sync_body = [f"result = {first.source()}", "print(result)"] if first else []
    wait = "await " if first and first.operation.sender in _ASYNC_SENDERS else ""
    async_body = [f"result = {wait}{first.source()}", "print(result)"] if first else ["pass"]
    sync = _script(package, [client.class_name], [f"client = {client.class_name}({construct})", *sync_body], first)
    asynchronous = _script(
        package,
        [client.async_class_name],
        [
            "async def main() -> None:",
            f"    async with {client.async_class_name}({construct}) as client:",
            *(f"        {line}" for line in async_body),
            "",
            "",
            "asyncio.run(main())",
        ],
        first,
        modules=["asyncio"],
    )
    auth = ""
    if client.schemes:
        every = [
            f"{k}={encode.string_literal('my-' + k.replace('_', '-'))}" for s in client.schemes for k in s.keywords
        ]
        every.append(f"base_url={encode.string_literal(url)}")
        auth = _script(package, [client.class_name], [f"client = {client.class_name}({', '.join(every)})"], None)
    return Examples(
        sync=sync,
        async_=asynchronous,
        auth=auth,
        pagination=_pagination(package, client, url, calls),
        streaming=_streaming(package, client, url, calls),
        upload=_upload(package, client, url, calls),
        download=_download(package, client, url, calls),
    )


def _construct(client: Client, call: _Call | None, url: str) -> str:
    """The constructor's arguments for a call: the credentials of its first alternative, and the base URL."""
    keywords: tuple[str, ...] = ()
    if call is not None and call.operation.security:
        by_constant = {s.constant: s for s in client.schemes}
        keywords = tuple(k for c in call.operation.security[0] for k in by_constant[c].keywords)
    credentials = [f"{k}={encode.string_literal('my-' + k.replace('_', '-'))}" for k in keywords]
    return ", ".join([*credentials, f"base_url={encode.string_literal(url)}"])


def _script(package: str, names: list[str], body: list[str], call: _Call | None, *, modules: Sequence[str] = ()) -> str:
    imports = [f"import {m}" for m in sorted({*modules, *(call.modules if call else ())})]
    used = sorted(call.models) if call else []
    lines = [*imports, "", f"from {package} import {', '.join(names)}"]
    lines += [f"from {package}.models import {', '.join(used)}"] if used else []
    return "\n".join([*lines, "", *body]).lstrip("\n") + "\n"


def _opening(client: Client, call: _Call, url: str) -> str:
    return f"client = {client.class_name}({_construct(client, call, url)})"


def _pagination(package: str, client: Client, url: str, calls: list[_Call]) -> str:
    call = next((c for c in calls if c.operation.pager is not None), None)
    if call is None:
        return ""
    body = [
        _opening(client, call, url),
        "",
        "# Every item of every page; each page is fetched when the loop reaches it.",
        f"for item in {call.source()}:",
        "    print(item)",
        "",
        "# Or page by page:",
        f"page = {call.source()}",
        "print(page.items)",
        "while page.has_next_page():",
        "    page = page.get_next_page()",
        "    print(page.items)",
    ]
    return _script(package, [client.class_name], body, call)


def _streaming(package: str, client: Client, url: str, calls: list[_Call]) -> str:
    call = next((c for c in calls if c.operation.sse is not None), None)
    if call is None or call.operation.sse is None:
        return ""
    switch = call.operation.sse.switch
    opened = call.source(extra=[f"{switch}=True"] if switch else None)
    body = [
        _opening(client, call, url),
        "",
        "# Each server-sent event as it arrives; leaving the block closes the connection.",
        f"with {opened} as stream:",
        "    for event in stream:",
        "        print(event)",
    ]
    return _script(package, [client.class_name], body, call)


def _upload(package: str, client: Client, url: str, calls: list[_Call]) -> str:
    call = next((c for c in calls if any(a.file for a in c.operation.arguments)), None)
    if call is None:
        return ""
    name = next(a.python_name for a in call.operation.arguments if a.file)
    others = [a for a in call.arguments if not a.startswith(f"{name}=")]
    # A whole binary body keeps the API's media type: its tuple only names the file.
    whole = call.operation.body is not None and call.operation.body.kind == "binary"
    tupled = (
        ("a (filename, content) tuple", '("data.bin", b"file content")')
        if whole
        else ("a (filename, content, content type) tuple", '("report.txt", b"file content", "text/plain")')
    )
    forms = [("bytes", 'b"file content"'), tupled, ("a binary file object", 'io.BytesIO(b"file content")')]
    body = [_opening(client, call, url)]
    for what, value in forms:
        upload = _Call(call.path, [*others, f"{name}={value}"], call.operation)
        body += ["", f"# {what[:1].upper() + what[1:]}:", f"result = {upload.source()}", "print(result)"]
    return _script(package, [client.class_name], body, call, modules=["io"])


def _download(package: str, client: Client, url: str, calls: list[_Call]) -> str:
    call = next((c for c in calls if c.operation.result_hint == "bytes" and c.operation.sender == "call"), None)
    if call is None:
        return ""
    body = [
        _opening(client, call, url),
        "",
        "# The whole body as bytes:",
        f"content = {call.source()}",
        "",
        "# Or read as it arrives, without holding it all:",
        f"with {call.source(raw='with_streaming_response')} as response:",
        "    for chunk in response.iter_bytes():",
        "        print(len(chunk))",
    ]
    return _script(package, [client.class_name], body, call)


def _calls(data: dict[str, Any], types: Types, client: Client) -> Iterator[_Call]:
    """Every operation with its required arguments, in document order."""
    by_route = {(op.method_literal, op.path_literal): ("", op) for op in client.operations}
    for r in client.resources:
        by_route.update({(op.method_literal, op.path_literal): (r.attribute, op) for op in r.operations})
    for site in openapi.operations(data):
        match = by_route.get((encode.string_literal(site.method.upper()), encode.string_literal(site.path)))
        if match is not None:
            attribute, op = match
            path = f"{attribute}.{op.name}" if attribute else op.name
            exprs = _Expressions(data, types)
            arguments = _arguments(data, exprs, op, site)
            yield _Call(path, arguments, op, frozenset(exprs.used_models), frozenset(exprs.modules))


def _arguments(data: dict[str, Any], exprs: _Expressions, operation: Operation, site: openapi.Site) -> list[str]:
    declared = {(str(p["in"]), encode.string_literal(str(p["name"]))): p for p, _ in openapi.parameters(data, site)}
    slot = next((s for s in openapi.slots(data, site) if s.role == "body"), None)
    schema = slot.schema if slot else None
    body_value = example_value(data, schema) if slot else None
    properties = exprs.properties(schema)
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    where = pointer.canonical(str(ref)) if pointer.is_local(ref) else slot.pointer if slot else ""
    wires = {encode.string_literal(str(k)): k for k in body_value} if isinstance(body_value, dict) else {}
    args: list[str] = []
    for a in operation.arguments:
        if not a.required:
            continue
        if a.location in ("path", "query", "header", "cookie"):
            param = declared.get((a.location, a.wire_literal)) or {}
            value = (
                param.get("example") if param.get("example") is not None else example_value(data, param.get("schema"))
            )
            args.append(f"{a.python_name}={exprs.expr(value, param.get('schema'))}")
        elif a.file:
            args.append(f'{a.python_name}=b"file content"')
        elif a.location == "body" and a.wire_literal in wires:
            wire = wires[a.wire_literal]
            sub = exprs.expr(body_value[wire], properties.get(wire), pointer.join(where, "properties", wire))  # type: ignore[index]
            args.append(f"{a.python_name}={sub}")
        elif a.location == "body":
            args.append(f"{a.python_name}={exprs.expr(None, None)}")
        elif operation.body is not None and operation.body.kind == "text":
            args.append(f'{a.python_name}="text"')
        else:
            args.append(
                f"{a.python_name}={exprs.expr(example_value(data, schema), schema, slot.pointer if slot else '')}"
            )
    return args
