"""Operations described as data (`Endpoint`), and one call's arguments turned into what goes on the wire."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar
from urllib.parse import quote, urlencode

import httpx

from ._auth import Scheme, Sent
from ._files import Upload, aiter_chunks, is_file, iter_chunks, upload
from ._serde import encode

if TYPE_CHECKING:
    from ._pagination import Pager
    from ._streaming import Sse
    from .errors import ApiStatusError

__all__ = ["Body", "Endpoint", "Param", "Prepared", "extra_query_pairs", "prepare"]

R = TypeVar("R")
E = TypeVar("E")

ParamLocation: TypeAlias = Literal["path", "query", "header", "cookie", "body"]
BodyKind: TypeAlias = Literal["json", "form", "multipart", "binary", "text"]
ResponseKind: TypeAlias = Literal["json", "text", "bytes", "none"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_DEFAULT_STYLE = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
    "body": "form",
}
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


@dataclass(frozen=True)
class Param:
    """One parameter: the method's keyword, its wire name, where it goes, and its OpenAPI style.

    Location "body" is a property of an object body whose properties are the method's keywords. Style "json" is
    a parameter described by a JSON media type (`content`) instead: its value goes as one JSON text.
    """

    name: str
    wire: str
    location: ParamLocation
    style: str = ""
    explode: bool | None = None

    @property
    def style_or_default(self) -> str:
        return self.style or _DEFAULT_STYLE[self.location]

    @property
    def explode_or_default(self) -> bool:
        return self.explode if self.explode is not None else self.style_or_default == "form"


@dataclass(frozen=True)
class Body:
    """The request body: how it is encoded, its media type, and where its value comes from.

    `arg` names the keyword holding the whole body; without it the body is an object built from the "body"
    parameters. `encoding` gives a multipart part's media type by its wire name (OpenAPI `encoding.contentType`).
    """

    kind: BodyKind
    content_type: str
    arg: str | None = None
    encoding: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoding", MappingProxyType(dict(self.encoding)))


@dataclass(frozen=True)
class Endpoint(Generic[R, E]):
    """One operation. `R` is what its plain method returns (for a paginated one: the decoded page body); `E` is the
    item of its pages or the event of its stream, `None` when it has neither.

    `path` alternates literal text and parameter names: ("/items/", "item_id", "/tags"). `responses` maps a status
    key ("200", "2XX", "DEFAULT") to (kind, type hint); `errors` maps one to the hint of its error body, and
    `error_types` to the exception class to raise. `security` lists the alternatives, each the schemes it needs
    together; `()` or an empty alternative means no credential is needed.
    """

    name: str
    method: str
    path: tuple[str, ...]
    params: tuple[Param, ...] = ()
    body: Body | None = None
    responses: Mapping[str, tuple[ResponseKind, Any]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    errors: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    error_types: Mapping[str, type[ApiStatusError]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    security: tuple[tuple[Scheme, ...], ...] = ()
    pager: Pager | None = None
    sse: Sse | None = None
    idempotent: bool | None = None
    accept: str | None = None  # the media types its successes are declared in, when not plain JSON

    def __post_init__(self) -> None:
        # Descriptors live at module level and are shared by every call: nothing may change them afterwards.
        for name in ("responses", "errors", "error_types"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if self.idempotent is None:
            object.__setattr__(self, "idempotent", self.method.upper() in IDEMPOTENT_METHODS)
        names = {p.name for p in self.params}
        missing = [n for n in self.path[1::2] if n not in names]
        if missing:
            raise ValueError(
                f"{self.name}: path parameter(s) {missing} are not in the parameter table"
            )


@dataclass
class Prepared:
    """One call, ready to send as often as retries and redirects need; holds no open file."""

    method: str
    url: httpx.URL
    query: list[tuple[str, str]]
    headers: dict[str, str]
    cookies: list[tuple[str, str]]
    extra_headers: dict[str, str]
    sent: Sent
    idempotent: bool
    content: bytes | None = None
    fields: list[tuple[str, Part]] = field(default_factory=list)
    files: list[tuple[str, Upload]] | None = None
    raw: Upload | None = None

    @property
    def replayable(self) -> bool:
        """Whether the body can be sent again (a file object that cannot seek back can be read only once)."""
        uploads = [u for _, u in self.files or ()] + ([self.raw] if self.raw else [])
        return all(u.replayable for u in uploads)

    def body(self, stack: ExitStack, *, is_async: bool) -> dict[str, Any]:
        """The body arguments for `httpx.Request`, files opened anew for this attempt and closed by `stack`."""
        if self.files is not None:
            # Every part goes as a "file" to httpx: its `data` parts can carry no Content-Type, and with no file
            # at all httpx sends `data` urlencoded. A part without a filename is a plain field all the same
            # (RFC 7578). The fields come first, as httpx and browsers send them (some servers need a file last).
            parts: list[tuple[str, tuple[str | None, bytes | IO[bytes], str | None]]]
            parts = [(name, (None, p.text.encode(), p.content_type)) for name, p in self.fields]
            parts += [(name, (u.filename, u.open(stack), u.content_type)) for name, u in self.files]
            return {"files": parts}
        if self.raw is not None:
            content = self.raw.open(stack)
            return {"content": aiter_chunks(content) if is_async else iter_chunks(content)}
        return {"content": self.content}


@dataclass(frozen=True)
class Part:
    """A multipart part that is not a file: its text, and its media type when one is to be sent."""

    text: str
    content_type: str | None = None


def prepare(
    endpoint: Endpoint[Any, Any],
    args: Mapping[str, object],
    *,
    base_url: str,
    sent: Sent,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
    accept: str | None,
) -> Prepared:
    """A call's arguments as a request: path, query, headers and cookies by their OpenAPI styles, and the body."""
    by_name = {p.name: p for p in endpoint.params}
    path = "".join(
        piece if i % 2 == 0 else _path_value(by_name[piece], args.get(piece))
        for i, piece in enumerate(endpoint.path)
    )
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: list[tuple[str, str]] = []
    for param in endpoint.params:
        value = args.get(param.name)
        if value is None or param.location in ("path", "body"):
            continue
        if param.location == "query":
            query += _query_pairs(param, value)
            continue
        text = _header_text(param, value)
        if text is None:
            continue
        if param.location == "header":
            headers[param.wire] = text
        else:
            cookies.append((param.wire, text))
    if extra_query:
        replaced = set(extra_query)
        query = [(k, v) for k, v in query if k not in replaced] + extra_query_pairs(extra_query)
    if accept:
        headers["Accept"] = accept
    prepared = Prepared(
        method=endpoint.method.upper(),
        url=httpx.URL(base_url + path),
        query=query,
        headers=headers,
        cookies=cookies,
        extra_headers=dict(extra_headers or {}),
        sent=sent,
        idempotent=bool(endpoint.idempotent),
    )
    if endpoint.body is not None:
        _fill_body(prepared, endpoint, args, extra_body)
    elif extra_body:
        raise TypeError(f"{endpoint.name} takes no request body, so extra_body cannot be sent")
    return prepared


def extra_query_pairs(extra: Mapping[str, object]) -> list[tuple[str, str]]:
    """`extra_query` as pairs: form style, a list repeating its name."""
    return [
        pair
        for key, value in extra.items()
        for pair in _query_pairs(Param(key, key, "query"), value)
    ]


def _fill_body(
    prepared: Prepared,
    endpoint: Endpoint[Any, Any],
    args: Mapping[str, object],
    extra: Mapping[str, object] | None,
) -> None:
    body = endpoint.body
    assert body is not None
    if body.arg is not None:
        value = args.get(body.arg)
    else:
        value = {
            p.wire: args[p.name]
            for p in endpoint.params
            if p.location == "body" and args.get(p.name) is not None
        }
    if value is None and not extra:
        return
    if body.kind in ("binary", "text"):
        if extra:
            raise TypeError(
                f"{endpoint.name} sends a {body.kind} body, which extra_body cannot be merged into"
            )
        if isinstance(value, str):
            prepared.content = value.encode("utf-8")
            prepared.headers["Content-Type"] = body.content_type
        else:
            prepared.raw = upload(value, field="body", declared=body.content_type)
            prepared.headers["Content-Type"] = prepared.raw.content_type
            size = prepared.raw.size()
            if size is not None:
                prepared.headers["Content-Length"] = str(size)
        return
    if body.kind == "multipart":
        prepared.files = []
        declared = body.encoding
        for key, item in _fields_of(value if value is not None else {}, endpoint.name).items():
            for one in _listed(item) if item is not None else ():
                if is_file(one):
                    prepared.files.append((key, upload(one, field=key, declared=declared.get(key))))
                else:
                    prepared.fields.append((key, _part(one, key, declared.get(key))))
        for key, item in (extra or {}).items():  # added as text fields, never as files
            prepared.fields += [
                (key, _part(one, key, None)) for one in _listed(item) if item is not None
            ]
        if not prepared.files and not prepared.fields:
            # httpx sends nothing for no parts; a form with no fields is still a form (as browsers send it).
            prepared.files = None
            boundary = os.urandom(16).hex()
            prepared.content = f"--{boundary}--\r\n".encode("ascii")
            prepared.headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return
    data = encode(value) if value is not None else {}
    if extra:
        if not isinstance(data, dict):
            raise TypeError(
                f"{endpoint.name}'s body is not an object, so extra_body cannot be merged into it"
            )
        data = {**data, **encode(dict(extra))}
    if body.kind == "form":
        if not isinstance(data, dict):
            raise TypeError(f"{endpoint.name}: a form body must be an object")
        pairs = [
            (k, _form_text(one, k)) for k, v in data.items() if v is not None for one in _listed(v)
        ]
        prepared.content = urlencode(pairs).encode("ascii")
    else:
        prepared.content = _json(data).encode()
    prepared.headers["Content-Type"] = body.content_type


def _fields_of(value: object, operation: str) -> Mapping[str, Any]:
    """A multipart body's fields, unencoded so that file values survive; a model gives its wire-named fields."""
    if isinstance(value, Mapping):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.metadata.get("wire", f.name): getattr(value, f.name)
            for f in dataclasses.fields(value)
        }
    raise TypeError(f"{operation}: a multipart body must be an object or a model")


def _path_value(param: Param, value: object) -> str:
    """A path parameter as text that stays inside its segment: `/`, `?`, `#` and lone dots are percent-encoded."""
    if value is None:
        raise ValueError(f"{param.name} is required: it is part of the path")
    encoded = encode(value)
    if encoded == "" or encoded == [] or encoded == {}:
        raise ValueError(f"{param.name} is empty: a path parameter cannot be empty")
    text = _q(_json(encoded)) if param.style == "json" else _styled(param, encoded)
    # quote() leaves dots alone, and URL resolution would turn a "." or ".." segment into a walk up the path.
    return text.replace(".", "%2E") if text.strip(".") == "" else text


def _styled(param: Param, value: Any) -> str:
    """The value by its style, each piece quoted on its own so that only the style's delimiters stay literal."""
    style, explode = param.style_or_default, param.explode_or_default
    if style == "label":
        return "." + _joined(param, value, "." if explode else ",", explode)
    if style == "matrix":
        if isinstance(value, list) and explode:
            return "".join(f";{_q(param.wire)}={_q(_text(v, param.name))}" for v in value)
        if isinstance(value, dict) and explode:
            return "".join(f";{_q(k)}={_q(_text(v, param.name))}" for k, v in _entries(value))
        return f";{_q(param.wire)}={_joined(param, value, ',', False)}"
    return _joined(param, value, ",", explode)


def _joined(param: Param, value: Any, joiner: str, explode: bool) -> str:
    if isinstance(value, list):
        return joiner.join(_q(_text(v, param.name)) for v in value)
    if isinstance(value, dict):
        if explode:
            return joiner.join(f"{_q(k)}={_q(_text(v, param.name))}" for k, v in _entries(value))
        return ",".join(f"{_q(k)},{_q(_text(v, param.name))}" for k, v in _entries(value))
    return _q(_text(value, param.name))


def _q(text: str) -> str:
    return quote(text, safe="")


def _header_text(param: Param, value: object) -> str | None:
    """A header parameter's text by style simple, a cookie's by style form; None when there is nothing to send.

    Neither is percent-encoded (OpenAPI), so nothing can escape a delimiter: an array item, key or value holding
    one would read as two and is refused, as is text that would end the line or the cookie.
    """
    encoded = encode(value)
    cookie = param.location == "cookie"
    # A cookie value ends at ';', and RFC 6265 leaves ',', '"' and '\' out of it; a header's list is ','-separated.
    delimiters = ',;"\\' if cookie else ","
    explode = param.explode_or_default
    if isinstance(encoded, (list, dict)) and cookie and explode and param.style != "json":
        if not encoded:
            return None  # as in a query, an exploded empty array or object is no pair at all
        # Form style would give `ids=3&ids=4` or `a=1&b=2`: no cookie parser reads that back as the value sent.
        raise ValueError(
            f"{param.name}: OpenAPI defines no cookie text for an array or object with explode=true "
            "(the API should declare `explode: false`); send the Cookie header with extra_headers instead"
        )
    if param.style == "json":
        # JSON's own escapes keep it ASCII; a cookie cannot hold its quotes or commas.
        text = _json(encoded, ascii=True)
        if cookie:
            _undelimited(param, text, delimiters)
    elif isinstance(encoded, list):
        text = ",".join(_undelimited(param, _text(v, param.name), delimiters) for v in encoded)
    elif isinstance(encoded, dict):
        key_delimiters = delimiters + "=" if explode else delimiters
        text = ",".join(
            _undelimited(param, k, key_delimiters)
            + ("=" if explode else ",")
            + _undelimited(param, _text(v, param.name), delimiters)
            for k, v in _entries(encoded)
        )
    else:
        text = _text(encoded, param.name)
        if cookie:
            _undelimited(param, text, delimiters)
    if not text.isascii() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text if c != "\t"):
        raise ValueError(
            f"{param.name}: a {param.location} value must be printable ASCII on one line"
        )
    return text


def _undelimited(param: Param, text: str, delimiters: str) -> str:
    found = sorted({c for c in text if c in delimiters})
    if found:
        where = f"an item of a {param.location} value"
        if param.location == "cookie":
            where = "a cookie value"
        raise ValueError(
            f"{param.name}: {where} cannot hold {', '.join(map(repr, found))} "
            "(it cannot be escaped there, and would be read as a delimiter)"
        )
    return text


def _text(value: Any, name: str) -> str:
    """A scalar, or a container nested in a value, as text; None has none and is refused."""
    if value is None:
        # JSON null has no form or simple style: "None", "null" or "" would each reach the server as a value, and
        # leaving an array's item out would shift the ones after it.
        raise ValueError(
            f"{name}: holds None, and JSON null has no text in form or simple style (as a value or an "
            "array item); nothing was sent"
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item, name) for item in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{_text(v, name)}" for k, v in _entries(value))
    return str(value)


def _entries(value: Mapping[Any, Any]) -> list[tuple[str, Any]]:
    """An object's entries to send: one that is None is left out, as the properties a model leaves unset are."""
    return [(str(k), v) for k, v in value.items() if v is not None]


def _query_pairs(param: Param, value: object) -> list[tuple[str, str]]:
    encoded = encode(value)
    if encoded is None:
        return []
    name, style, explode = param.wire, param.style_or_default, param.explode_or_default
    if style == "json":
        return [(name, _json(encoded))]
    if isinstance(encoded, dict):
        items = _entries(encoded)
        if style == "deepObject":
            return [(f"{name}[{k}]", _text(v, param.name)) for k, v in items]
        if explode:
            return [(k, _text(v, param.name)) for k, v in items]
        # A server splits the value it has percent-decoded: an item's own delimiter, escaped or
        # not, would split the item.
        pairs = [
            f"{_undelimited(param, k, ',')},{_undelimited(param, _text(v, param.name), ',')}"
            for k, v in items
        ]
        return [(name, ",".join(pairs))]
    if isinstance(encoded, list):
        if explode:
            return [(name, _text(item, param.name)) for item in encoded]
        delimiter = _DELIMITERS.get(style, ",")
        texts = [_undelimited(param, _text(item, param.name), delimiter) for item in encoded]
        return [(name, delimiter.join(texts))]
    return [(name, _text(encoded, param.name))]


def _form_text(value: object, name: str) -> str:
    encoded = encode(value)
    if isinstance(encoded, (dict, list)):
        return _json(encoded)
    return _text(encoded, name)


def _part(value: object, name: str, declared: str | None) -> Part:
    """A multipart field: an object or array as JSON, anything else as its text (a string as it is, so that JSON
    text given for a JSON part is not quoted again), with the part's declared media type when it names one, else
    OpenAPI's default for an object, application/json."""
    encoded = encode(value)
    structured = isinstance(encoded, (dict, list))
    text = _json(encoded) if structured else _text(encoded, name)
    # A wildcard or a list of choices (`text/plain, application/json`) says what may be sent, not what this is.
    exact = declared if declared and "*" not in declared and "," not in declared else None
    return Part(text, exact or ("application/json" if structured else None))


def _json(data: Any, *, ascii: bool = False) -> str:
    # allow_nan=False: NaN and Infinity are not JSON, and a server would reject them or read them wrongly.
    return json.dumps(data, separators=(",", ":"), ensure_ascii=ascii, allow_nan=False)


def _listed(value: object) -> Sequence[object]:
    return value if isinstance(value, list) else [value]
