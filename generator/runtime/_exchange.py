"""What sync and async calls share: preparing, the exchange (retries, redirects, the deadline) and parsing.

`Core._exchange` is a generator that yields the I/O it needs (send, read, close, sleep) and receives its result;
each sender in `_http` carries the I/O out with its own httpx client, so everything else exists once.
"""

from __future__ import annotations

import codecs
import json
import random
import time
from collections.abc import Callable, Generator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, TypeAlias
from urllib.parse import quote, urlencode

import httpx

from ._auth import Credentials
from ._policy import (
    DEFAULT_PORTS,
    NEVER_RETRIED,
    NOT_SENT,
    REDIRECTS,
    RequestOptions,
    Settings,
    base_url_checked,
    check_options,
    declared,
    origin,
    retry_delay,
    settings,
    should_retry,
)
from ._request import Endpoint, Prepared, extra_query_pairs, prepare
from ._response import Parser, bodiless
from ._serde import DecodeError, decode
from .errors import (
    ApiConnectionError,
    ApiStatusError,
    ApiTimeoutError,
    PaginationError,
    RedirectError,
    ResponseTooLargeError,
    ResponseValidationError,
    for_status,
)

__all__ = ["Action", "Close", "Core", "Exchange", "Read", "Send", "Sleep"]


@dataclass(frozen=True)
class Send:
    request: httpx.Request
    same_origin: bool
    deadline: float | None


@dataclass(frozen=True)
class Read:
    response: httpx.Response
    limit: int | None
    deadline: float | None


@dataclass(frozen=True)
class Close:
    response: httpx.Response


@dataclass(frozen=True)
class Sleep:
    seconds: float


Action: TypeAlias = Send | Read | Close | Sleep
Exchange: TypeAlias = Generator[Action, Any, tuple[httpx.Response, bytes | None]]


class Core:
    """Everything a call needs but I/O: settings, preparing, the exchange (retries, redirects), parsing."""

    is_async = False

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Credentials,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        max_response_bytes: int | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url_checked(base_url)
        self._origin = origin(httpx.URL(self.base_url))
        self._credentials = credentials
        self._headers = httpx.Headers(headers or {})
        self._timeout, self._max_retries, self._limit = timeout, max_retries, max_response_bytes
        settings(timeout, max_retries, max_response_bytes)  # refuses a bad value at construction
        # Seams for tests: the monotonic clock (deadlines), the wall clock (HTTP-date Retry-After), the jitter.
        self._clock: Callable[[], float] = time.monotonic
        self._now: Callable[[], float] = time.time
        self._random: Callable[[], float] = random.random

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _settings(self, options: RequestOptions) -> Settings:
        check_options(options)
        return settings(
            options.get("timeout", self._timeout),
            options.get("max_retries", self._max_retries),
            options.get("max_response_bytes", self._limit),
        )

    def _prepare(
        self,
        ep: Endpoint[Any, Any],
        args: Mapping[str, object],
        options: RequestOptions,
        *,
        sse: bool,
        url: httpx.URL | None,
    ) -> Prepared:
        sent = self._credentials.for_call(ep.security, ep.name)
        json_success = any(
            kind == "json"
            for key, (kind, _) in ep.responses.items()
            if key.startswith(("2", "DEFAULT"))
        )
        accept = (
            "text/event-stream"
            if sse
            else ep.accept or ("application/json" if json_success else None)
        )
        prepared = prepare(
            ep,
            args,
            base_url=self.base_url,
            sent=sent,
            extra_headers=options.get("extra_headers"),
            extra_query=None if url is not None else options.get("extra_query"),
            extra_body=options.get("extra_body"),
            accept=accept,
        )
        if url is not None:
            if origin(url) != self._origin:
                raise PaginationError(
                    f"{ep.name}: the next page's link leaves {self.base_url}; it was not followed"
                )
            prepared.url = url
            # A link carries the first request's query on (servers echo it): a key it has is not added.
            extra = extra_query_pairs(options.get("extra_query") or {})
            prepared.query = [(k, v) for k, v in extra if k not in url.params]
        return prepared

    def _exchange(
        self, ep: Endpoint[Any, Any], call: Prepared, settings: Settings, *, keep_open: bool
    ) -> Exchange:
        deadline = None if settings.total is None else self._clock() + settings.total
        attempt = 0
        while True:
            try:
                with ExitStack() as stack:
                    response = yield from self._follow(call, settings, deadline, stack)
                if response.is_success:
                    if keep_open:
                        return response, None
                    body = yield Read(response, settings.limit, deadline)
                    return response, body
            except httpx.TransportError as exc:
                again = isinstance(exc, NOT_SENT) or (
                    call.idempotent and call.replayable and not isinstance(exc, NEVER_RETRIED)
                )
                delay = self._delay(attempt, None)
                if again and attempt < settings.retries and self._fits(delay, deadline):
                    yield Sleep(delay)
                    attempt += 1
                    continue
                raise self._transport_error(call, exc) from exc
            if (
                attempt < settings.retries
                and call.replayable
                and should_retry(response.status_code, idempotent=call.idempotent)
            ):
                delay = self._delay(attempt, response.headers)
                if self._fits(delay, deadline):
                    yield Close(response)
                    yield Sleep(delay)
                    attempt += 1
                    continue
            problem = None
            try:
                body = yield Read(response, settings.limit, deadline)
            except ResponseTooLargeError:
                body, problem = (
                    b"",
                    f"the body exceeds max_response_bytes={settings.limit} and was not read",
                )
            except httpx.TransportError as exc:
                # The status is known: it is still the answer's error, with what could not be read.
                body, problem = b"", f"the body could not be read ({type(exc).__name__})"
            raise self._status_error(ep, call, response, body, problem)

    def _follow(
        self, call: Prepared, settings: Settings, deadline: float | None, stack: ExitStack
    ) -> Generator[Action, Any, httpx.Response]:
        """Send, following redirects here (httpx never does) so that credentials stay with the API's origin."""
        method, url, query, with_body = call.method, call.url, call.query, True
        http = self._http_client()
        for _ in range(http.max_redirects + 1):
            same_origin = origin(url) == self._origin
            body = call.body(stack, is_async=self.is_async) if with_body else None
            request = self._request(call, method, url, query, body, same_origin, settings, deadline)
            response: httpx.Response = yield Send(request, same_origin, deadline)
            if not (
                http.follow_redirects
                and response.status_code in REDIRECTS
                and response.headers.get("location")
            ):
                return response
            yield Close(response)
            try:
                url = url.join(response.headers["location"])
            except httpx.InvalidURL:
                raise RedirectError(
                    f"{call.method} {call.url.path}: the redirect's Location is not a URL"
                ) from None
            if url.scheme not in DEFAULT_PORTS:
                raise RedirectError(
                    f"{call.method} {call.url.path}: redirected to a {url.scheme!r} URL"
                )
            query = []
            status = response.status_code
            if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
                method, with_body = "GET", False
            elif with_body and not call.replayable:
                raise RedirectError(
                    f"{call.method} {call.url.path}: redirected, and the upload cannot be read again"
                )
        raise RedirectError(
            f"{call.method} {call.url.path}: more than {http.max_redirects} redirects"
        )

    def _request(
        self,
        call: Prepared,
        method: str,
        url: httpx.URL,
        query: list[tuple[str, str]],
        body: dict[str, Any] | None,
        same_origin: bool,
        settings: Settings,
        deadline: float | None,
    ) -> httpx.Request:
        http = self._http_client()
        # The caller's client defaults (headers, params, cookies) apply only to the API's own origin.
        headers = httpx.Headers(http.headers if same_origin else None)
        headers.update(self._headers)
        headers.update(call.headers)
        if body is None:
            for name in ("Content-Type", "Content-Length"):
                headers.pop(name, None)
        added = list(query)
        if same_origin:
            headers.update(call.sent.headers)
            present = {k for k, _ in added} | set(url.params.keys())
            added = [(k, v) for k, v in http.params.multi_items() if k not in present] + added
            added += [(k, v) for k, v in call.sent.query if k not in present]
            headers.update(call.extra_headers)
        # The URL's own query (a next link's, a redirect's) is kept byte for byte, since it may be signed; and
        # httpx.Request(params=...) would replace it rather than add to it.
        if added:
            extra = urlencode(added, quote_via=quote).encode("ascii")
            url = url.copy_with(query=url.query + b"&" + extra if url.query else extra)
        request = httpx.Request(
            method,
            url,
            headers=headers,
            cookies=http.cookies if same_origin else None,
            extensions={"timeout": self._timeouts(call, settings, deadline)},
            **(body or {}),
        )
        cookies = call.cookies + call.sent.cookies
        if same_origin and cookies and "cookie" not in {k.lower() for k in call.extra_headers}:
            # Beside the jar's cookies, not instead of them (httpx leaves the jar out of a request that has a
            # Cookie header already); one of the call's own replaces the jar's of the same name.
            own = {name for name, _ in cookies}
            jar = [
                part
                for part in request.headers.get("Cookie", "").split("; ")
                if part and part.split("=", 1)[0] not in own
            ]
            request.headers["Cookie"] = "; ".join(jar + [f"{k}={v}" for k, v in cookies])
        return request

    def _http_client(self) -> httpx.Client | httpx.AsyncClient:
        raise NotImplementedError

    def _timeouts(
        self, call: Prepared, settings: Settings, deadline: float | None
    ) -> dict[str, float | None]:
        phases = settings.timeout
        if phases is None:
            return dict.fromkeys(("connect", "read", "write", "pool"))
        left = None if deadline is None else deadline - self._clock()
        if left is not None and left <= 0:
            raise ApiTimeoutError(f"{call.method} {call.url.path}: the call's time ran out")

        def cap(value: float | None) -> float | None:
            return left if value is None else value if left is None else min(value, left)

        return {
            "connect": cap(phases.connect),
            "read": cap(phases.read),
            "write": cap(phases.write),
            "pool": cap(phases.pool),
        }

    def _delay(self, attempt: int, headers: Mapping[str, str] | None) -> float:
        return retry_delay(attempt, headers, now=self._now, jitter=self._random)

    def _fits(self, delay: float, deadline: float | None) -> bool:
        return deadline is None or self._clock() + delay < deadline

    def _transport_error(self, call: Prepared, exc: httpx.TransportError) -> ApiConnectionError:
        where = f"{call.method} {call.url.path}"
        if isinstance(exc, httpx.TimeoutException):
            return ApiTimeoutError(f"{where} timed out ({type(exc).__name__})")
        return ApiConnectionError(
            self._credentials.redact(f"{where} failed: {type(exc).__name__}: {exc}")
        )

    def _status_error(
        self,
        ep: Endpoint[Any, Any],
        call: Prepared,
        response: httpx.Response,
        body: bytes,
        problem: str | None,
    ) -> ApiStatusError:
        """The error for a non-success answer, its body parsed into the documented model when it fits."""
        status = response.status_code
        hint = declared(ep.errors, status)
        parsed: Any = None
        if problem is None and body.strip():
            try:
                value = json.loads(_json_text(response, body))
            except ValueError:
                problem = "the body is not JSON"
            except RecursionError:
                problem = "the body is nested too deeply to read"
            else:
                try:
                    parsed = value if hint is None else decode(hint, value)
                except (DecodeError, RecursionError) as exc:
                    problem = self._credentials.redact(
                        f"the body does not match the declared error model: {exc}"
                    )
        message = f"{call.method} {call.url.path} answered {status}"
        excerpt = " ".join(body[:2000].decode("utf-8", "replace").split())[:200]
        if excerpt:
            message += ": " + excerpt
        cls: type[ApiStatusError] = declared(ep.error_types, status) or for_status(status)
        return cls(
            self._credentials.redact(message),
            response=response,
            body=body,
            parsed=parsed,
            parse_error=problem,
        )

    def _parse(self, ep: Endpoint[Any, Any], response: httpx.Response, body: bytes | None) -> Any:
        """The body as the type declared for its status; a body that does not match raises with the raw response."""
        body = body or b""
        entry = declared(ep.responses, response.status_code)
        kind, hint = entry or next(iter(ep.responses.values()), ("none", None))
        if kind == "none" or bodiless(response):
            return None
        if kind == "bytes":
            return body
        where = f"the {response.status_code} response of {response.request.method} {response.request.url.path}"
        if kind == "text":
            try:
                return body.decode(response.charset_encoding or "utf-8")
            except (UnicodeDecodeError, LookupError) as exc:
                raise ResponseValidationError(
                    f"{where} is not text: {exc}", response=response, body=body
                ) from None
        try:
            value = json.loads(_json_text(response, body))
        except (ValueError, RecursionError) as exc:
            problem = (
                "is nested too deeply" if isinstance(exc, RecursionError) else f"is not JSON: {exc}"
            )
            raise ResponseValidationError(
                f"{where} {problem}", response=response, body=body
            ) from None
        try:
            return decode(hint, value)
        except (DecodeError, RecursionError) as exc:
            path = exc.path if isinstance(exc, DecodeError) else ""
            detail = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            message = self._credentials.redact(
                f"{where} does not match its declared type: {detail}"
            )
            raise ResponseValidationError(
                message, response=response, body=body, path=path
            ) from None

    def _stream_parser(
        self, ep: Endpoint[Any, Any], settings: Settings, flavour: type[Any]
    ) -> Parser:
        assert ep.sse is not None
        sse = ep.sse

        def parse(response: httpx.Response, body: bytes | None) -> Any:
            return flavour(
                response,
                item=sse.item,
                done=sse.done,
                limit=settings.limit,
                event_timeout=settings.total,
                clock=self._clock,
            )

        return parse

    def _wants_stream(self, ep: Endpoint[Any, Any], args: Mapping[str, object]) -> bool:
        return ep.sse is not None and (ep.sse.switch is None or args.get(ep.sse.switch) is True)

    @staticmethod
    def _first_seen(ep: Endpoint[Any, Any], args: Mapping[str, object]) -> frozenset[str]:
        assert ep.pager is not None, f"{ep.name} is not paginated"
        first = ep.pager.first_key(args)
        return frozenset() if first is None else frozenset({first})


def _json_text(response: httpx.Response, body: bytes) -> bytes | str:
    """A JSON body as json.loads reads it: bytes, whose UTF-8, -16 or -32 it tells by itself, unless the
    response names another charset (`application/json; charset=iso-8859-1`), which is then the body's.
    """
    charset = response.charset_encoding
    if charset is None:
        return body
    try:
        name = codecs.lookup(charset).name
    except LookupError:  # a charset no codec knows: read as JSON's own, and fail there if it is not
        return body
    if name.startswith("utf") or name == "ascii":  # ASCII is a part of UTF-8
        return body
    return body.decode(name)
