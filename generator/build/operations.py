"""Valid spec + types + security → resources, the client's own methods and the typed errors: names, keywords,
bodies, responses, pagers and streams, each operation an `Endpoint` descriptor and one-line methods; pure."""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .. import encode, names
from ..config import Target
from ..errors import Diagnostic, GeneratorError
from ..ir import Argument, Body, ErrorType, Operation, Resource, Response, Signature, Sse
from ..spec import openapi, pointer
from . import pagination
from .auth import Security
from .types import Types

_LOCATIONS: Final = ("path", "query", "header", "cookie")
_STYLES: Final = {
    "path": frozenset({"simple", "label", "matrix"}),
    "query": frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
    "header": frozenset({"simple"}),
    "cookie": frozenset({"form"}),
}
_DEFAULT_STYLE: Final = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
# OpenAPI: a header parameter of these names "SHALL be ignored" (the client sets them).
_IGNORED_HEADERS: Final = frozenset({"accept", "content-type", "authorization"})
_BODY_KINDS: Final = {"json": "json", "form": "form", "multipart": "multipart", "text": "text"}
_STATUS_ERRORS: Final = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}
_BUILTINS: Final = frozenset(dir(builtins))


@dataclass
class Built:
    resources: tuple[Resource, ...]
    operations: tuple[Operation, ...]  # the client's own
    error_types: tuple[ErrorType, ...]
    grouping: str  # "tag", or "path" when the spec has no tag at all
    notes: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class _Arg:
    """An argument with the spec text it came from (its wire name and description), which the IR never holds."""

    argument: Argument
    wire: str
    description: str


@dataclass(frozen=True)
class _Status:
    code: str  # "200", "2XX", "DEFAULT"
    response: Response
    media: str = ""  # the media type chosen from its content, "" when it has none


@dataclass
class _Context:
    data: dict[str, Any]
    types: Types
    target: Target
    security: Security
    constants: names.Namespace
    classes: names.Namespace
    file: str
    locate: Callable[[str], int | None] | None
    errors: dict[tuple[str, str], ErrorType] = field(default_factory=dict)
    notes: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    paginated: set[str] = field(default_factory=set)  # the pagination table's keys that matched an operation

    def note(self, where: str, message: str, level: Literal["error", "warning", "note"] = "note") -> Diagnostic:
        line = self.locate(where) if self.locate else None
        return Diagnostic(self.file, line, where, message, level=level)


def build_operations(
    data: dict[str, Any],
    types: Types,
    target: Target,
    *,
    security: Security,
    constants: names.Namespace,
    classes: names.Namespace,
    file: str,
    locate: Callable[[str], int | None] | None = None,
) -> Built:
    """Every operation, grouped: by its first tag; untagged ones on the client; in a spec without any tag, by the
    first segment of the path."""
    ctx = _Context(data, types, target, security, constants, classes, file, locate)
    sites = list(openapi.operations(data))
    tagged = any(_tags(site) for site in sites)
    groups: dict[str, list[openapi.Site]] = {}
    attributes: dict[str, str] = {}
    docs: dict[str, str] = {}
    tag_docs = {str(t.get("name")): t.get("description") for t in data.get("tags") or [] if isinstance(t, dict)}
    client_reserved = names.CLIENT_MEMBERS | names.CLIENT_GLOBALS | names.CLIENT_HINT_NAMES
    client_space = names.Namespace(client_reserved)
    for site in sites:
        tags = _tags(site)
        if tags:
            key, wanted = "tag:" + tags[0], target.resources.get(tags[0]) or names.resource_name(tags[0])
            docs.setdefault(key, str(tag_docs.get(tags[0]) or ""))
        elif not tagged and names.path_resource(site.path):
            segment = names.path_resource(site.path)
            key, wanted = "path:" + segment, target.resources.get(segment) or segment
        else:
            key, wanted = "", ""
        if key and key not in attributes:
            attributes[key] = client_space.claim(names.member_name(wanted, client_reserved))
        groups.setdefault(key, []).append(site)
    resources = []
    for key, group in groups.items():
        if not key:
            continue
        attribute = attributes[key]
        stem = claim_classes(classes, names.class_name(attribute))
        space = names.Namespace(names.RESOURCE_MEMBERS | names.CLIENT_GLOBALS)
        ops = _group(ctx, group, space, attribute, names.RESOURCE_MEMBERS | names.CLIENT_GLOBALS)
        # Spelled out from the attribute, without the "_" that keeps one from a keyword or a client name (`class_`).
        doc = docs.get(key) or f"Operations on {attribute.replace('_', ' ').strip()}."
        resources.append(Resource(attribute, stem, f"Async{stem}", ops, encode.docstring(doc)))
    own = _group(ctx, groups.get("", []), client_space, "", client_reserved)
    for key in target.pagination:
        if key not in ctx.paginated:
            message = f"[tool.generator] pagination names {key!r}, which is no operationId nor `METHOD /path` here"
            ctx.problems.append(ctx.note("#/paths", message, "error"))
    if ctx.problems:
        raise GeneratorError(ctx.problems)
    return Built(tuple(resources), own, tuple(ctx.errors.values()), "tag" if tagged else "path", ctx.notes)


def _tags(site: openapi.Site) -> list[str]:
    tags = site.operation.get("tags")
    return [str(t) for t in tags] if isinstance(tags, list) else []


def claim_classes(classes: names.Namespace, stem: str) -> str:
    """A class stem whose six classes (sync, async, each with its two wrappers) are all free."""
    candidates = [stem, f"{stem}Resource", *(f"{stem}Resource{n}" for n in range(2, 1000))]
    for candidate in candidates:
        family = [f"{prefix}{candidate}{suffix}" for prefix in ("", "Async") for suffix in _WRAPPERS]
        if not any(name in classes for name in family):
            for name in family:
                classes.claim(name)
            return candidate
    raise AssertionError("unreachable: a thousand resources of one name")


_WRAPPERS: Final = ("", "WithRawResponse", "WithStreamingResponse")


def _group(
    ctx: _Context, sites: list[openapi.Site], space: names.Namespace, attribute: str, reserved: frozenset[str]
) -> tuple[Operation, ...]:
    """One class's operations: every method named first, so that each hint knows which builtins they shadow."""
    named = []
    for site in sites:
        op_id = site.operation.get("operationId")
        override = ctx.target.operations.get(str(op_id)) if op_id else None
        override = override or ctx.target.operations.get(site.key)
        wanted = override or names.operation_name(str(op_id) if op_id else None, method=site.method, path=site.path)
        named.append((site, space.claim(names.member_name(wanted, reserved))))
    shadowed = frozenset(name for _, name in named if name in _BUILTINS)
    result = []
    for site, name in named:
        label = f"{attribute}.{name}" if attribute else name
        constant = ctx.constants.claim(names.upper(label.replace(".", "_"), fallback="OPERATION"))
        result.append(_operation(ctx, site, name=name, label=label, constant=constant, shadowed=shadowed))
    return tuple(result)


def _json_content(param: dict[str, Any]) -> bool:
    """Whether a parameter is described by a JSON media type (`content`) rather than a schema and a style."""
    content = param.get("content")
    if "schema" in param or not isinstance(content, dict) or not content:
        return False
    return openapi.media_kind(str(next(iter(content)))) == "json"


def _operation(
    ctx: _Context, site: openapi.Site, *, name: str, label: str, constant: str, shadowed: frozenset[str]
) -> Operation:
    data, types = ctx.data, ctx.types
    space = names.Namespace(names.METHOD_KEYWORDS)
    slots = {(s.role, s.key): s for s in openapi.slots(data, site)}
    arguments: list[_Arg] = []
    path_names: dict[str, str] = {}
    for param, _ in openapi.parameters(data, site):
        location, wire = str(param["in"]), str(param["name"])
        if location not in _LOCATIONS or (location == "header" and wire.lower() in _IGNORED_HEADERS):
            continue
        if ctx.security.credential_parameter(location, wire):
            continue  # the client sends the credential itself
        base = names.parameter_name(wire)
        stem = base.rstrip("_")
        python = space.claim(base, f"{stem}_{location}", f"{stem}_param")
        if location == "path":
            path_names[wire] = python
        slot = slots.get(("parameter", f"{location}:{wire}"))
        hint = types.of(slot.pointer) if slot else "str"
        required = location == "path" or bool(param.get("required"))
        style = str(param.get("style") or _DEFAULT_STYLE[location])
        style = style if style in _STYLES[location] else _DEFAULT_STYLE[location]
        explode = param.get("explode")
        explode_literal = ""
        if _json_content(param):
            style = "json"  # the value as one JSON text, not spread out by a style
        elif isinstance(explode, bool) and explode != (style == "form"):
            explode_literal = repr(explode)
        description = str(param.get("description") or "") or _description(data, slot.schema if slot else None)
        argument = Argument(
            python_name=python,
            type_hint=_optional(hint, required),
            required=required,
            location=location,
            wire_literal=encode.string_literal(wire),
            style_literal="" if style == _DEFAULT_STYLE[location] else encode.string_literal(style),
            explode_literal=explode_literal,
        )
        arguments.append(_Arg(argument, wire, description))
    body, body_arguments = _body(ctx, site, slots, space)
    arguments += body_arguments
    keywords = [
        pagination.Keyword(a.argument.location, a.wire, a.argument.python_name, a.argument.type_hint)
        for a in arguments
        if a.argument.location
    ]
    successes, errors, stream_item, success_object = _responses(ctx, site, slots)
    result = _union([_KIND_HINTS.get(s.response.kind, s.response.type_hint) for s in successes]) or "None"
    sse: Sse | None = None
    if stream_item is not None:
        if stream_item[1]:  # also JSON: a boolean `stream` body property switches
            switch = next(
                (
                    a.argument.python_name
                    for a in body_arguments
                    if a.argument.location == "body"
                    and a.wire == "stream"
                    and a.argument.type_hint in ("bool", "bool | None")
                ),
                None,
            )
            sse = Sse(stream_item[0], switch) if switch else None
        else:
            sse = Sse(stream_item[0])
            result = "None"
    pager = _pager(ctx, site, keywords, result, success_object) if sse is None else None
    error_types = tuple(_error_type(ctx, e) for e in errors if _typed(ctx, e))
    every = [a for a in arguments if a.argument.required] + [a for a in arguments if not a.argument.required]
    ordered = [a.argument for a in every]
    item = pager.item_hint if pager else sse.item_hint if sse else "None"

    def signature(returns: str, switch: tuple[str, str] | None = None) -> Signature:
        items = []
        for a in ordered:
            hint, default = a.type_hint, "" if a.required else "None"
            if switch is not None and sse is not None and a.python_name == sse.switch:
                hint, default = switch
            items.append((a.python_name, types.shadow_safe(hint, shadowed), default))
        return Signature(tuple(items), types.shadow_safe(returns, shadowed))

    overloads: tuple[Signature, ...] = ()
    async_overloads: tuple[Signature, ...] = ()
    if pager is not None:
        sender = "paginate"
        sync, asynchronous = signature(f"SyncPage[{item}, {result}]"), signature(f"AsyncPaginator[{item}, {result}]")
    elif sse is not None and not sse.switch:
        sender = "stream"
        sync, asynchronous = signature(f"Stream[{item}]"), signature(f"AsyncStream[{item}]")
    elif sse is not None:
        sender = "call_or_stream"
        forms = []
        for stream in ("Stream", "AsyncStream"):
            streamed = f"{stream}[{item}]"
            forms.append(
                (
                    signature(result, ("Literal[False] | None", "None")),
                    signature(streamed, ("Literal[True]", "")),
                    signature(f"{result} | {streamed}", ("bool", "")),
                    signature(f"{result} | {streamed}", ("bool | None", "None")),
                )
            )
        overloads, async_overloads = forms[0][:3], forms[1][:3]
        sync, asynchronous = forms[0][3], forms[1][3]
    else:
        sender = "call"
        sync = asynchronous = signature(result)
    return Operation(
        name=name,
        constant=constant,
        endpoint_name_literal=encode.string_literal(label),
        method_literal=encode.string_literal(site.method.upper()),
        path_literal=encode.string_literal(site.path),
        path=tuple(encode.string_literal(piece) for piece in _path_pieces(site.path, path_names)),
        arguments=tuple(ordered),
        body=body,
        responses=tuple(s.response for s in successes) if sse is None or sse.switch else (),
        errors=tuple(e.response for e in errors),
        error_types=error_types,
        security=ctx.security.requirement(data, site),
        result_hint=result,
        item_hint=item,
        sender=sender,
        signature=sync,
        async_signature=asynchronous,
        overloads=overloads,
        async_overloads=async_overloads,
        pager=pager.pager if pager else None,
        sse=sse,
        doc=_doc(site, every),
        idempotent_literal="True" if site.method == "query" else "",
        accept_literal=_accept(successes),
    )


_KIND_HINTS: Final = {"text": "str", "bytes": "bytes", "none": "None"}


def _optional(hint: str, required: bool) -> str:
    """The hint a keyword argument is declared with: optional ones also accept None, written once."""
    if required or hint == "typing.Any" or hint.endswith("| None") or hint == "None":
        return hint
    return f"{hint} | None"


def _union(members: list[str]) -> str:
    unique = list(dict.fromkeys(members))
    return "typing.Any" if "typing.Any" in unique else " | ".join(unique)


def _path_pieces(path: str, python_of: Mapping[str, str]) -> Iterator[str]:
    """Literal text and parameter keywords, alternating, starting and ending with (maybe empty) text."""
    text = ""
    for piece in re.split(r"(\{[^{}]*\})", path):
        if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in python_of:
            yield text
            yield python_of[piece[1:-1]]
            text = ""
        else:
            text += piece
    yield text


def _body(
    ctx: _Context, site: openapi.Site, slots: Mapping[Any, openapi.Slot], space: names.Namespace
) -> tuple[Body | None, list[_Arg]]:
    data, types = ctx.data, ctx.types
    request, _ = pointer.deref_pointer(data, site.operation.get("requestBody"), "")
    if not isinstance(request, dict):
        return None, []
    chosen = openapi.preferred_media(request.get("content"))
    if chosen is None:
        return None, []
    media, media_kind, media_object = chosen
    kind = _BODY_KINDS.get(media_kind, "binary")
    required = bool(request.get("required"))
    slot = next((s for s in slots.values() if s.role == "body"), None)
    content_type = encode.string_literal(media)
    if kind in ("binary", "text"):
        arg = space.claim("body", "request_body")
        hint = "FileTypes" if kind == "binary" else "str"
        argument = Argument(arg, _optional(hint, required), required, "", file=kind == "binary")
        return Body(kind, content_type, arg), [_Arg(argument, "", str(request.get("description") or ""))]
    hint = types.of(slot.pointer) if slot is not None else "typing.Any"
    model = types.model(hint)
    encoding = _encoding(media_object) if kind == "multipart" else ()
    if model is None or slot is None or not _is_object(pointer.deref(data, slot.schema)):
        arg = space.claim("body", "request_body")
        argument = Argument(arg, _optional(hint, required), required, "")
        return Body(kind, content_type, arg, encoding), [_Arg(argument, "", str(request.get("description") or ""))]
    properties = _properties(data, slot.schema)
    arguments = []
    for f in types.fields(model):
        if f.read_only:
            continue  # the server sets it: never a request argument
        base = names.parameter_name(f.python_name)
        stem = base.rstrip("_")
        python = space.claim(base, f"{stem}_body", f"{stem}_param")
        hint = types.qualify(f.type_hint)
        upload = kind == "multipart" and hint.removesuffix(" | None") in ("bytes", "list[bytes]")
        if upload:
            hint = hint.replace("bytes", "FileTypes")
        needed = f.required
        argument = Argument(
            python_name=python,
            type_hint=_optional(hint, needed),
            required=needed,
            location="body",
            wire_literal=encode.string_literal(f.wire_name),
            file=upload,
        )
        arguments.append(_Arg(argument, f.wire_name, _description(data, properties.get(f.wire_name))))
    return Body(kind, content_type, "", encoding), arguments


def _encoding(media_object: Any) -> tuple[tuple[str, str], ...]:
    """A multipart body's declared part types (`encoding.<part>.contentType`)."""
    table = media_object.get("encoding") if isinstance(media_object, dict) else None
    if not isinstance(table, dict):
        return ()
    return tuple(
        (encode.string_literal(str(part)), encode.string_literal(str(value["contentType"])))
        for part, value in table.items()
        if isinstance(value, dict) and isinstance(value.get("contentType"), str)
    )


def _properties(data: dict[str, Any], schema: Any) -> dict[str, Any]:
    """A body schema's properties, those of its allOf parts included, for their descriptions."""
    schema = pointer.deref(data, schema)
    if not isinstance(schema, dict):
        return {}
    merged: dict[str, Any] = {}
    for part in schema.get("allOf") or []:
        merged.update(_properties(data, part))
    merged.update(schema.get("properties") or {})
    return merged


def _description(data: dict[str, Any], schema: Any) -> str:
    """A property's own description, else that of the schema it references."""
    for candidate in (schema, pointer.deref(data, schema)):
        if isinstance(candidate, dict) and candidate.get("description"):
            return str(candidate["description"])
    return ""


def _is_object(schema: Any) -> bool:
    """A schema whose model's own fields are all its properties: unions are taken whole as `body=`."""
    return isinstance(schema, dict) and not any(schema.get(key) for key in ("oneOf", "anyOf"))


# A media type as a header can carry it: printable ASCII, a type and subtype of token characters, parameters.
_MEDIA_TYPE: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*;[\x20-\x7e]*)?")


def _accept(successes: list[_Status]) -> str:
    """The Accept header for the media types the successes are declared in (an API that versions by media type
    answers the one asked for), as a string literal; "" for plain JSON, which the client asks for by default, and
    for an event stream, which it asks for when it streams."""
    media = list(dict.fromkeys(s.media for s in successes if s.media and s.media != "text/event-stream"))
    if not media or media == ["application/json"] or not all(_MEDIA_TYPE.fullmatch(m) for m in media):
        return ""
    return encode.string_literal(", ".join(media))


def _responses(
    ctx: _Context, site: openapi.Site, slots: Mapping[Any, openapi.Slot]
) -> tuple[list[_Status], list[_Status], tuple[str, bool] | None, Mapping[str, Any] | None]:
    """Declared successes, error bodies, the event stream's item type (with whether JSON is offered too), and the
    first success's Response Object (its headers tell a Link pager)."""
    data, types = ctx.data, ctx.types
    successes: list[_Status] = []
    errors: list[_Status] = []
    stream: tuple[str, bool] | None = None
    first: Mapping[str, Any] | None = None
    responses = site.operation.get("responses")
    listed_2xx = isinstance(responses, dict) and any(str(status).startswith("2") for status in responses)
    for status, raw in responses.items() if isinstance(responses, dict) else ():
        response = pointer.deref(data, raw)
        code = str(status).upper()
        content = response.get("content") if isinstance(response, dict) else None
        chosen = openapi.preferred_media(content)
        slot = slots.get(("response", str(status)))
        # `default` stands for every status not listed: with no 2XX listed, it describes the successes too.
        success = code.startswith("2") or (code == "DEFAULT" and not listed_2xx)
        if success and first is None and isinstance(response, dict):
            first = response
        if success and stream is None and isinstance(content, dict):
            media = next((m for m in content if openapi.media_kind(str(m)) == "event-stream"), None)
            if media is not None and chosen is not None and chosen[1] == "event-stream":
                stream = (types.of(slot.pointer) if slot is not None else "str", False)
                continue
            if media is not None:
                stream = (_event_type(ctx, site, content[media]), True)
        if chosen is None or code in ("204", "205"):
            kind, hint = "none", "None"
        elif chosen[1] == "json" and slot is not None:
            kind, hint = "json", types.of(slot.pointer)
        elif chosen[1] == "json":
            kind, hint = "json", "typing.Any"
        elif chosen[1] in ("text", "form"):
            kind, hint = "text", "None"
        else:
            kind, hint = "bytes", "None"
        entry = _Status(code, Response(encode.string_literal(code), kind, hint), chosen[0] if chosen else "")
        if success:
            successes.append(entry)
        if not success or code == "DEFAULT":
            errors.append(entry)
    return successes, [e for e in errors if e.response.kind == "json"], stream, first


def _event_type(ctx: _Context, site: openapi.Site, media_object: Any) -> str:
    """Each event's type when the stream is offered beside JSON: the model its schema (or 3.2 `itemSchema`)
    references; else the events stay text (`str`), and the maintainer is told."""
    for key in ("itemSchema", "schema"):
        schema = media_object.get(key) if isinstance(media_object, dict) else None
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if pointer.is_local(ref):
            name = ctx.types.models.classes.get(pointer.canonical(str(ref)))
            if name is not None:
                return ctx.types.qualify(name)
    message = "its event stream has no component schema to type the events with: they arrive as text (str)"
    ctx.notes.append(ctx.note(site.pointer, message, "warning"))
    return "str"


def _pager(
    ctx: _Context,
    site: openapi.Site,
    keywords: list[pagination.Keyword],
    result: str,
    success: Mapping[str, Any] | None,
) -> pagination.Detected | None:
    op_id = site.operation.get("operationId")
    key = next(
        (k for k in (str(op_id) if op_id else None, site.key) if k is not None and k in ctx.target.pagination), None
    )
    declared = ctx.target.pagination.get(key) if key is not None else None
    if key is not None:
        ctx.paginated.add(key)
    try:
        found = pagination.detect(
            ctx.data, site, keywords=keywords, result=result, success=success, types=ctx.types, declared=declared
        )
    except pagination.Unfit as exc:
        if declared is not None:
            ctx.problems.append(ctx.note(site.pointer, f"[tool.generator] pagination for {key!r}: {exc}", "error"))
        else:
            ctx.notes.append(
                ctx.note(site.pointer, f"not paginated: its pagination extension does not fit: {exc}", "warning")
            )
        return None
    if found is not None:
        ctx.notes.append(ctx.note(site.pointer, found.pager.rule))
    return found


def _typed(ctx: _Context, error: _Status) -> bool:
    """Whether a status gets an error class of its own: a single status (or 5XX) whose body is a model."""
    return ctx.types.model(error.response.type_hint) is not None and (error.code.isdigit() or error.code == "5XX")


def _error_type(ctx: _Context, error: _Status) -> ErrorType:
    status, hint = error.code, error.response.type_hint
    base = _STATUS_ERRORS.get(status) or ("InternalServerError" if status.startswith("5") else "ApiStatusError")
    key = (base, hint)
    if key not in ctx.errors:
        model = ctx.types.model(hint) or "Error"
        stem = model.removesuffix("Error") or model
        name = ctx.classes.claim(f"{stem}{base}")
        ctx.errors[key] = ErrorType(name, base, hint.removesuffix(" | None") + " | None")
    shared = ctx.errors[key]
    return ErrorType(shared.class_name, shared.base, shared.parsed_hint, error.response.status_literal)


def _doc(site: openapi.Site, arguments: list[_Arg]) -> str:
    summary = str(site.operation.get("summary") or "").strip()
    description = str(site.operation.get("description") or "").strip()
    parts = [part for part in (summary, description if description != summary else "") if part]
    described = [a for a in arguments if a.description.strip()]
    if described:
        lines = ["Args:"]
        for a in described:
            text = "\n".join("    " + line if i else line for i, line in enumerate(a.description.strip().splitlines()))
            lines.append(f"    {a.argument.python_name}: {text}")
        parts.append("\n".join(lines))
    return encode.docstring("\n\n".join(parts) or site.key)
