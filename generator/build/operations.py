"""Valid spec + types → resources and operations: names, parameters, bodies, responses; pure."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from .. import encode, names
from ..config import Target
from ..ir import Body, BodyField, Operation, Param, Resource, Response, Segment
from ..spec import openapi, pointer
from .types import Types

_QUERY_STYLES: Final = frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"})
IDEMPOTENT: Final = frozenset({"get", "head", "options", "put", "delete", "trace", "query"})
# Names a generated method uses for itself, or whose module-level meaning its body or hints need; a spec
# parameter of that name is renamed. `body` is kept for bodies that are not taken field by field.
METHOD_LOCALS: Final = (
    "self",
    "timeout",
    "max_retries",
    "extra_headers",
    "body",
    "call",
    "raw",
    "query",
    "path_segment",
    "header_value",
    "form_fields",
    "multipart_fields",
    "raw_content",
    "datetime",
    "decimal",
    "httpx",
    "typing",
    "uuid",
    "_models",
)


def resources(data: dict[str, Any], types: Types, target: Target, classes: set[str]) -> tuple[Resource, ...]:
    grouped: dict[str, list[Operation]] = {}
    tag_docs = {t.get("name"): t.get("description", "") for t in data.get("tags") or [] if isinstance(t, dict)}
    spaces: dict[str, names.Namespace] = {}
    attributes = names.Namespace(names.RESOURCE_METHODS)
    attribute_of: dict[str, str] = {}
    credentials = api_key_headers(data)
    for site in openapi.operations(data):
        tags = site.operation.get("tags") or ["default"]
        tag = str(tags[0])
        if tag not in attribute_of:
            attribute_of[tag] = attributes.claim(target.resources.get(tag) or names.resource_name(tag))
        op_id = site.operation.get("operationId")
        override = target.operations.get(str(op_id)) or target.operations.get(site.key)
        name = override or names.operation_name(str(op_id) if op_id else None, method=site.method, path=site.path)
        space = spaces.setdefault(tag, names.Namespace(names.RESOURCE_METHODS))
        grouped.setdefault(tag, []).append(_operation(data, types, site, space.claim(name), credentials))
    result = []
    for tag, ops in grouped.items():
        base = names.class_name(attribute_of[tag]) + "Resource"
        # The sync and async classes share one stem, claimed together so that neither meets another's name.
        stem, number = base, 2
        while stem in classes or f"Async{stem}" in classes:
            stem, number = f"{base}{number}", number + 1
        classes.update({stem, f"Async{stem}"})
        default_doc = f"Operations on {attribute_of[tag].replace('_', ' ')}."
        result.append(
            Resource(
                attribute=attribute_of[tag],
                class_name=stem,
                async_class_name=f"Async{stem}",
                operations=tuple(ops),
                doc=encode.docstring(str(tag_docs.get(tag) or default_doc)),
            )
        )
    return tuple(result)


def api_key_headers(data: dict[str, Any]) -> set[str]:
    """Header names an apiKey scheme fills: the client sends those itself, so they are not parameters."""
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    return {
        str(s.get("name", "")).lower()
        for s in (pointer.deref(data, v) for v in schemes.values())
        if isinstance(s, dict) and s.get("type") == "apiKey" and s.get("in") == "header"
    }


def _operation(data: dict[str, Any], types: Types, site: openapi.Site, name: str, credentials: set[str]) -> Operation:
    local = names.Namespace(METHOD_LOCALS)
    params: list[Param] = []
    python_of: dict[str, str] = {}
    slots = {(s.role, s.key): s for s in openapi.slots(data, site)}
    for param, _ in openapi.parameters(data, site):
        location, wire = str(param["in"]), str(param["name"])
        if location == "header" and wire.lower() in credentials:
            continue  # the client sends the credential itself
        if location not in ("path", "query", "header", "cookie"):
            continue
        python = local.claim(names.parameter_name(wire))
        if location == "path":
            python_of[wire] = python
        slot = slots.get(("parameter", f"{location}:{wire}"))
        required = bool(param.get("required")) or location == "path"
        # Only the serialisation styles the runtime implements reach the IR; anything else is sent as `form`.
        style = str(param.get("style") or "form")
        style = style if style in _QUERY_STYLES else "form"
        schema = slot.schema if slot else None
        description = str(param.get("description") or "") or _description(data, schema)
        params.append(
            Param(
                python_name=python,
                wire_literal=encode.string_literal(wire),
                location=location,
                type_hint=_optional(types.of(slot.pointer) if slot else "str", required),
                required=required,
                doc=encode.docstring(description or f"The `{wire}` {location} parameter."),
                explode=bool(param.get("explode", style == "form")),
                style=style if location == "query" else "simple",
            )
        )
    body_slot = next((s for s in slots.values() if s.role == "body"), None)
    body = _body(data, types, site, body_slot, local)
    successes, errors = _responses(data, types, site, slots)
    returns = _union([r.type_hint for r in successes]) if successes else "None"
    summary = str(site.operation.get("summary") or "")
    description = str(site.operation.get("description") or "")
    doc_text = "\n\n".join(part for part in (summary, description if description != summary else "") if part)
    return Operation(
        name=name,
        method_literal=encode.string_literal(site.method.upper()),
        path_literal=encode.string_literal(site.path),
        path=tuple(_segments(site.path, python_of)),
        params=tuple(sorted(params, key=lambda p: not p.required)),
        body=body,
        responses=successes,
        errors=errors,
        return_hint=returns,
        doc=encode.docstring(doc_text or site.key),
        idempotent=site.method in IDEMPOTENT,
    )


def _optional(hint: str, required: bool) -> str:
    """The hint a keyword argument is declared with: optional ones also accept None, written once."""
    if required or hint == "typing.Any" or hint.endswith("| None") or hint == "None":
        return hint
    return f"{hint} | None"


def _union(members: list[str]) -> str:
    unique = list(dict.fromkeys(members))
    return "typing.Any" if "typing.Any" in unique else " | ".join(unique)


def _segments(path: str, python_of: Mapping[str, str]) -> Iterator[Segment]:
    for piece in re.split(r"(\{[^{}]*\})", path):
        if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in python_of:
            yield Segment(param=python_of[piece[1:-1]])
        elif piece:
            yield Segment(literal=encode.string_literal(piece))


_ENCODINGS: Final = {"json": "json", "form": "form", "multipart": "multipart", "text": "text", "binary": "bytes"}


def _body(
    data: dict[str, Any], types: Types, site: openapi.Site, slot: openapi.Slot | None, local: names.Namespace
) -> Body | None:
    request, _ = pointer.deref_pointer(data, site.operation.get("requestBody"), "")
    if not isinstance(request, dict):
        return None
    chosen = openapi.preferred_media(request.get("content"))
    if chosen is None:
        return None
    media, kind, _ = chosen
    encoding = _ENCODINGS.get(kind, "bytes")
    required = bool(request.get("required"))
    if encoding == "text":
        hint = "str"
    elif encoding == "bytes" or slot is None:
        hint = "bytes"
    else:
        hint = types.of(slot.pointer)
    model = types.model(hint) if encoding in ("json", "form", "multipart") else None
    fields: tuple[BodyField, ...] = ()
    if model and slot is not None and _is_object(pointer.deref(data, slot.schema)):
        properties = _properties(data, slot.schema)
        fields = tuple(
            BodyField(
                python_name=local.claim(names.parameter_name(f.python_name)),
                field_name=f.python_name,
                type_hint=_optional(types.qualify(f.type_hint), f.required),
                required=f.required,
                doc=encode.docstring(
                    _description(data, properties.get(f.wire_name)) or f"The `{f.wire_name}` field of the request body."
                ),
            )
            for f in types.fields(model)
            if not f.read_only  # the server sets it: never a request argument
        )
    return Body(
        encoding=encoding,
        content_type_literal=encode.string_literal(media),
        type_hint=_optional(hint, required),
        required=required,
        fields=fields,
        value_expr=(
            f"_models.{model}(" + ", ".join(f"{f.field_name}={f.python_name}" for f in fields) + ")"
            if fields
            else "body"
        ),
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


def _responses(
    data: dict[str, Any], types: Types, site: openapi.Site, slots: Mapping[tuple[str, str], openapi.Slot]
) -> tuple[tuple[Response, ...], tuple[Response, ...]]:
    successes: list[Response] = []
    errors: list[Response] = []
    responses = site.operation.get("responses")
    for status, raw in (responses.items() if isinstance(responses, dict) else ()):
        response = pointer.deref(data, raw)
        code = str(status)
        chosen = openapi.preferred_media(response.get("content")) if isinstance(response, dict) else None
        slot = slots.get(("response", code))
        if chosen is None or code == "204":
            kind, hint = "none", "None"
        elif chosen[1] == "json" and slot is not None:
            kind, hint = "json", types.of(slot.pointer)
        elif chosen[1] == "text":
            kind, hint = "text", "str"
        else:
            kind, hint = "bytes", "bytes"
        entry = Response(status_literal=encode.string_literal(code.upper()), kind=kind, type_hint=hint)
        (successes if code.startswith("2") else errors).append(entry)
    return tuple(successes), tuple(e for e in errors if e.kind != "none")
