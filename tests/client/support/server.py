"""A real HTTP server on 127.0.0.1 that checks every request against an OpenAPI document and answers it
with a schema-valid response; faults (statuses, resets, stalls, broken bodies) can be queued ahead."""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from openapi_schema_validator import OAS30Validator, OAS31Validator

from generator.build.example import example_value
from generator.names import HTTP_METHODS
from generator.spec.pointer import resolve


@dataclass
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    operation: str = ""  # "METHOD /template" when routed

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Fault:
    """What the server does instead of answering from the spec: a status, a raw body, a reset or a stall."""

    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False  # close the connection with RST before answering
    stall: float = 0.0  # wait this long before answering (the client's read timeout fires first)


@dataclass
class Reply:
    """A handler's answer: a body sent whole, or chunks sent one by one (chunked, flushed), as a stream is."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: Iterable[bytes] | None = None
    pause: float = 0.0  # between chunks


class SpecServer:
    """Start with `with SpecServer(spec) as server:`; `server.url` is its base URL."""

    def __init__(self, spec: dict[str, Any], *, secrets: dict[str, str] | None = None, prefix: str = "") -> None:
        """`secrets` maps security scheme names to the credential each carries (`user:password` for basic):
        every request must send what its operation's requirement asks for, with these values."""
        self.spec = spec
        self.secrets = secrets or {}
        self.prefix = prefix.rstrip("/")
        self.requests: list[Recorded] = []
        self.problems: list[str] = []
        self.faults: deque[Fault] = deque()
        self.answers: dict[str, Any] = {}  # "METHOD /template" → the JSON it last answered with
        self.override: Callable[[Recorded], Any] | None = None  # replaces the answer's JSON body
        # "METHOD /template" → what to answer instead of the spec's example (pages, event streams, files).
        self.handlers: dict[str, Callable[[Recorded], Reply]] = {}
        self.disconnects: list[str] = []  # operations whose client went away while a stream was being sent
        self.version31 = str(spec.get("openapi", "")).startswith("3.1")
        self.routes = list(self._routes())
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- lifecycle --------------------------------------------------------------------------------------

    def __enter__(self) -> SpecServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{self.prefix}"

    # --- checking -----------------------------------------------------------------------------------------

    def _routes(self) -> Any:
        for template, item in (self.spec.get("paths") or {}).items():
            item = self.deref(item)
            pattern = "".join(
                f"(?P<p{i}>[^/]+)" if piece.startswith("{") else re.escape(piece)
                for i, piece in enumerate(re.split(r"(\{[^{}]*\})", template))
            )
            names = {
                f"p{i}": piece[1:-1]
                for i, piece in enumerate(re.split(r"(\{[^{}]*\})", template))
                if piece.startswith("{")
            }
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    yield method.upper(), re.compile(pattern + "$"), template, item, item[method], names

    def deref(self, value: Any) -> Any:
        for _ in range(20):
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                break
            value = resolve(self.spec, value["$ref"])
        return value

    def check(self, value: Any, schema: Any, where: str) -> None:
        if schema is None:
            return
        root = dict(schema) if isinstance(schema, dict) else schema
        if isinstance(root, dict):
            root["components"] = self.spec.get("components") or {}
        cls = OAS31Validator if self.version31 else OAS30Validator
        errors = sorted(cls(root, format_checker=cls.FORMAT_CHECKER).iter_errors(value), key=str)
        for error in errors[:3]:
            self.problems.append(f"{where}: {error.message}")

    def coerce(self, text: str, schema: Any) -> Any:
        """A parameter's text as the JSON type its schema names, so that it can be validated."""
        schema = self.deref(schema) or {}
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        for candidate in schema.get("oneOf") or schema.get("anyOf") or []:
            candidate = self.deref(candidate) or {}
            kinds.append(candidate.get("type"))
        try:
            if "integer" in kinds and re.fullmatch(r"-?\d+", text):
                return int(text)
            if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
                return float(text)
        except ValueError:
            pass
        if "boolean" in kinds and text in ("true", "false"):
            return text == "true"
        return text

    def route(self, method: str, path: str) -> Any:
        for route in self.routes:
            if route[0] != method:
                continue
            match = route[1].match(path)
            if match:
                return route, {route[5][k]: unquote(v) for k, v in match.groupdict().items()}
        return None, {}

    def params(self, item: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
        declared: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = self.deref(raw)
            declared[(param["in"], param["name"])] = param
        return list(declared.values())

    def validate(self, record: Recorded, route: Any, path_values: dict[str, str]) -> None:
        _, _, template, item, op, _ = route
        where = f"{record.method} {template}"
        query: dict[str, list[str]] = {}
        for key, value in record.query:
            query.setdefault(key, []).append(value)
        headers = {k.lower(): v for k, v in record.headers.items()}
        cookies = {k: m.value for k, m in SimpleCookie(headers.get("cookie", "")).items()}
        known_query: set[str] = set()
        credentials = {str(s.get("name")).lower() for s in self.schemes().values() if s.get("type") == "apiKey"}
        known_query.update(str(s.get("name")) for s in self.schemes().values() if s.get("in") == "query")
        for param in self.params(item, op):
            schema = param.get("schema")
            name, location = param["name"], param["in"]
            if location == "query":
                known_query.add(name)
                values = query.get(name)
                deep = {k: v for k, v in query.items() if k.startswith(name + "[")}
                if param.get("style") == "deepObject":
                    if deep:
                        properties = (self.deref(schema) or {}).get("properties") or {}
                        obj = {k[len(name) + 1 : -1]: v[0] for k, v in deep.items()}
                        obj = {k: self.coerce(v, properties.get(k)) for k, v in obj.items()}
                        known_query.update(deep)
                        self.check(obj, schema, f"{where} query {name}")
                    elif param.get("required"):
                        self.problems.append(f"{where}: required query parameter {name} missing")
                    continue
                if values is None:
                    if param.get("required"):
                        self.problems.append(f"{where}: required query parameter {name} missing")
                    continue
                resolved = self.deref(schema) or {}
                if resolved.get("type") == "array":
                    explode = param.get("explode", param.get("style", "form") == "form")
                    delimiter = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(param.get("style", "form"), ",")
                    items = values if explode else values[0].split(delimiter)
                    if not explode and len(values) > 1:
                        self.problems.append(f"{where}: query {name} repeated though explode is false")
                    self.check([self.coerce(v, resolved.get("items")) for v in items], schema, f"{where} query {name}")
                else:
                    if len(values) > 1:
                        self.problems.append(f"{where}: query {name} repeated")
                    self.check(self.coerce(values[0], schema), schema, f"{where} query {name}")
            elif location == "path":
                if name not in path_values:
                    self.problems.append(f"{where}: path parameter {name} missing")
                else:
                    self.check(self.coerce(path_values[name], schema), schema, f"{where} path {name}")
            elif location in ("header", "cookie"):
                source = headers if location == "header" else cookies
                key = name.lower() if location == "header" else name
                if key not in source:
                    if param.get("required"):
                        self.problems.append(f"{where}: required {location} {name} missing")
                    continue
                if name.lower() not in credentials:
                    self.check(self.coerce(source[key], schema), schema, f"{where} {location} {name}")
        for key in query:
            if key not in known_query and not any(key.startswith(k + "[") for k in known_query):
                self.problems.append(f"{where}: undeclared query parameter {key}")
        self.validate_credential(where, headers, query, cookies, item, op)
        self.validate_body(where, record, headers, op)

    def schemes(self) -> dict[str, dict[str, Any]]:
        raw = (self.spec.get("components") or {}).get("securitySchemes") or {}
        return {str(k): self.deref(v) for k, v in raw.items()}

    def sent(
        self, scheme: dict[str, Any], headers: dict[str, str], query: dict[str, list[str]], cookies: dict[str, str]
    ) -> tuple[str | None, str]:
        """What a request carries for a scheme, and the prefix its value has on the wire."""
        if scheme.get("type") == "apiKey":
            name = str(scheme.get("name"))
            if scheme.get("in") == "query":
                return next(iter(query.get(name) or []), None), ""
            if scheme.get("in") == "cookie":
                return cookies.get(name), ""
            return headers.get(name.lower()), ""
        basic = scheme.get("type") == "http" and str(scheme.get("scheme")).lower() == "basic"
        return headers.get("authorization"), "Basic " if basic else "Bearer "

    def expected(self, name: str, prefix: str) -> str:
        import base64

        value = self.secrets[name]
        return prefix + (base64.b64encode(value.encode()).decode() if prefix == "Basic " else value)

    def validate_credential(
        self,
        where: str,
        headers: dict[str, str],
        query: dict[str, list[str]],
        cookies: dict[str, str],
        item: dict[str, Any],
        op: dict[str, Any],
    ) -> None:
        """The operation's requirement (or the document's) is met by one alternative, with the right values; where
        nothing is required, whatever credential was sent must still be right."""
        schemes = self.schemes()
        requirement = op.get("security", self.spec.get("security"))
        if requirement is None:
            for name, scheme in schemes.items():
                value, prefix = self.sent(scheme, headers, query, cookies)
                if value is not None and name in self.secrets and value != self.expected(name, prefix):
                    self.problems.append(f"{where}: credential {name} sent as {value!r}")
            return
        if not requirement:
            return
        for alternative in requirement:
            if all(
                name in self.secrets
                and self.sent(schemes[name], headers, query, cookies)[0]
                == self.expected(name, self.sent(schemes[name], headers, query, cookies)[1])
                for name in alternative
            ):
                return
        self.problems.append(f"{where}: no alternative of {requirement} was sent")

    def validate_body(self, where: str, record: Recorded, headers: dict[str, str], op: dict[str, Any]) -> None:
        request = self.deref(op.get("requestBody"))
        if not isinstance(request, dict):
            if record.body:
                self.problems.append(f"{where}: a body was sent though none is declared")
            return
        if not record.body:
            if request.get("required"):
                self.problems.append(f"{where}: required body missing")
            return
        content_type = headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        content = request.get("content") or {}
        declared = {m.split(";")[0].strip().lower(): v for m, v in content.items()}
        if media not in declared:
            self.problems.append(f"{where}: body sent as {content_type!r}, declared {sorted(declared)}")
            return
        schema = (declared[media] or {}).get("schema")
        if media == "application/json" or media.endswith("+json"):
            try:
                value = json.loads(record.body)
            except ValueError:
                self.problems.append(f"{where}: body is not JSON")
                return
            self.check(value, schema, f"{where} body")
        elif media == "application/x-www-form-urlencoded":
            properties = (self.deref(schema) or {}).get("properties") or {}
            pairs = parse_qsl(record.body.decode(), keep_blank_values=True)
            value = {k: self.coerce(v, properties.get(k)) for k, v in pairs}
            self.check(value, self.without_nested(schema), f"{where} form body")
        elif media.startswith("multipart/"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + record.body
            )
            names = {str(part.get_param("name", header="content-disposition")) for part in message.iter_parts()}
            required = set((self.deref(schema) or {}).get("required") or [])
            if not required <= names:
                self.problems.append(f"{where}: multipart parts {sorted(names)} miss {sorted(required - names)}")

    def without_nested(self, schema: Any) -> Any:
        """A form schema with only its scalar properties checked: nested values travel as text."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return schema
        properties = {}
        for key, value in (schema.get("properties") or {}).items():
            kind = (self.deref(value) or {}).get("type")
            if kind in ("string", "integer", "number", "boolean"):
                properties[key] = value
        return {"type": "object", "properties": properties}

    # --- answering ----------------------------------------------------------------------------------------

    def answer(self, record: Recorded, op: dict[str, Any], key: str) -> tuple[int, dict[str, str], bytes]:
        responses = op.get("responses") or {}
        for status, raw in responses.items():
            code = str(status)
            if not code.startswith("2"):
                continue
            response = self.deref(raw) or {}
            number = 200 if code.upper() == "2XX" else int(code)
            content = response.get("content") or {}
            if not content or number == 204:
                return number, {}, b""
            media = next((m for m in content if "json" in m.lower()), next(iter(content)))
            schema = (content[media] or {}).get("schema")
            if "json" in media.lower():
                value = example_value(self.spec, schema, full=True)
                if self.override is not None:
                    value = self.override(record)
                else:
                    self.check(value, schema, f"{key} response example")
                self.answers[key] = value
                return number, {"Content-Type": "application/json"}, json.dumps(value).encode()
            if media.lower().startswith("text/"):
                self.answers[key] = "plain text answer"
                return number, {"Content-Type": media}, b"plain text answer"
            self.answers[key] = b"\x00\x01binary\xff"
            return number, {"Content-Type": media}, b"\x00\x01binary\xff"
        return 204, {}, b""


class _Handler(BaseHTTPRequestHandler):
    owner: SpecServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle_one(self) -> None:
        server = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        record = Recorded(
            self.command, split.path, parse_qsl(split.query, keep_blank_values=True), dict(self.headers), body
        )
        with server._lock:
            server.requests.append(record)
            fault = server.faults.popleft() if server.faults else None
        path = split.path
        if server.prefix and path.startswith(server.prefix):
            path = path[len(server.prefix) :]
        route, path_values = server.route(self.command, path)
        if route is None:
            server.problems.append(f"no operation for {self.command} {split.path}")
            self.reply(404, {}, b"")
            return
        record.operation = f"{route[0]} {route[2]}"
        if fault is not None:
            self.fault(fault)
            return
        server.validate(record, route, path_values)
        handler = server.handlers.get(record.operation)
        if handler is not None:
            answer = handler(record)
            if answer.chunks is not None:
                self.stream(answer)
            else:
                self.reply(answer.status, answer.headers, answer.body)
            return
        status, headers, payload = server.answer(record, route[4], record.operation)
        self.reply(status, headers, payload)

    def stream(self, answer: Reply) -> None:
        """Chunks as they come, each flushed; a client that went away is recorded, not an error."""
        assert answer.chunks is not None
        try:
            self.send_response(answer.status)
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in answer.chunks:
                if chunk:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                if answer.pause:
                    time.sleep(answer.pause)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.owner.disconnects.append(f"{self.command} {urlsplit(self.path).path}")
            self.close_connection = True

    def fault(self, fault: Fault) -> None:
        if fault.stall:
            time.sleep(fault.stall)
        if fault.reset:
            # SO_LINGER with a zero timeout makes close() send RST: the client sees a reset connection.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.reply(fault.status or 200, {"Content-Type": "application/json", **fault.headers}, fault.body)

    def reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 204:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if status != 204:
                self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_TRACE = handle_one
