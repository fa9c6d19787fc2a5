"""Sending calls: per-call options, credentials, retries, the call's deadline, redirects, size limits and parsing.

Generated code imports everything it needs from this module; `CONTRACT.md` beside it in the generator says what
that code looks like. Sync and async share everything but I/O: `_exchange.Core` does all of it, and the two
senders here carry out the I/O it asks for, each with its own httpx client.

Guarantees. `timeout` bounds the whole call: connecting, every retry and its pause, every redirect and reading
the body; a body still arriving at the deadline is cut there (asyncio cancels the step; the blocking client has
its socket shut by `_watchdog`). Each phase before the body is also capped at what is left, so only a blocking
call whose connection opens slowly and whose answer then starts slowly can run past its deadline, by at most
the time the connection took. Bodies handed over unread (streams, streamed responses) are read at the caller's
pace: each event must arrive within the timeout, each read within httpx's read timeout.

`max_response_bytes` bounds every body read into memory and every streamed body, counted after decompression
(a decompressed chunk may overshoot it by what one 64 KiB read inflates to before reading stops). Credentials go
only to the base URL's origin: redirects are followed here, never by httpx, and a hop to another origin carries
no credential, cookie, extra header or client default. A request that may have reached the server is repeated
only when that is harmless. The async client runs on asyncio.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from ._auth import ApiKey, Basic, Bearer, Credentials, Scheme
from ._exchange import Action, Close, Core, Exchange, Read, Send
from ._files import FileTypes
from ._pagination import (
    AsyncPage,
    AsyncPaginator,
    CursorPager,
    NextLinkPager,
    OffsetPager,
    PageNumberPager,
    SyncPage,
)
from ._policy import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    RequestOptions,
    Settings,
    base_url_checked,
    check_options,
)
from ._request import Body, Endpoint, Param
from ._response import (
    ApiResponse,
    AsyncApiResponse,
    AsyncResponseContextManager,
    Parser,
    ResponseContextManager,
    aread_body,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    current_mode,
    read_body,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from ._streaming import AsyncStream, Sse, Stream
from .errors import ApiTimeoutError

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ApiKey",
    "ApiResponse",
    "AsyncApiResponse",
    "AsyncClientBase",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncResource",
    "AsyncResponseContextManager",
    "AsyncSender",
    "AsyncStream",
    "Basic",
    "Bearer",
    "Body",
    "CursorPager",
    "Endpoint",
    "FileTypes",
    "NextLinkPager",
    "OffsetPager",
    "PageNumberPager",
    "Param",
    "RequestOptions",
    "ResponseContextManager",
    "Sse",
    "Stream",
    "SyncClientBase",
    "SyncPage",
    "SyncResource",
    "SyncSender",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

R = TypeVar("R")
E = TypeVar("E")
B = TypeVar("B")
T = TypeVar("T")
C = TypeVar("C", bound="SyncClientBase")
AC = TypeVar("AC", bound="AsyncClientBase")


class SyncSender(Core):
    """Carries out calls through an `httpx.Client`."""

    def __init__(self, *, http: httpx.Client, **settings: Any) -> None:
        super().__init__(**settings)
        self.http = http
        self._sleep: Callable[[float], None] = time.sleep

    def _http_client(self) -> httpx.Client:
        return self.http

    def call(self, ep: Endpoint[R, Any], args: Mapping[str, object], options: RequestOptions) -> R:
        """The plain call: the body parsed as its declared type."""
        result: R = self._run(
            ep, args, options, lambda response, body: self._parse(ep, response, body)
        )
        return result

    def stream(
        self, ep: Endpoint[Any, E], args: Mapping[str, object], options: RequestOptions
    ) -> Stream[E]:
        settings = self._settings(options)
        parser = self._stream_parser(ep, settings, Stream)
        result: Stream[E] = self._run(ep, args, options, parser, sse=True, settings=settings)
        return result

    def call_or_stream(
        self, ep: Endpoint[R, E], args: Mapping[str, object], options: RequestOptions
    ) -> R | Stream[E]:
        """The stream when the operation's switch argument is True, else the plain call."""
        if self._wants_stream(ep, args):
            return self.stream(ep, args, options)
        return self.call(ep, args, options)

    def paginate(
        self, ep: Endpoint[B, E], args: Mapping[str, object], options: RequestOptions
    ) -> SyncPage[E, B]:
        """The first page (one request); the page fetches the following ones as they are reached."""
        result: SyncPage[E, B] = self._page(ep, args, options, None, self._first_seen(ep, args))
        return result

    def _page(
        self,
        ep: Endpoint[Any, Any],
        args: Mapping[str, object],
        options: RequestOptions,
        url: httpx.URL | None,
        seen: frozenset[str],
    ) -> Any:
        assert ep.pager is not None
        pager = ep.pager

        def parse(response: httpx.Response, body: bytes | None) -> SyncPage[Any, Any]:
            return SyncPage(
                body=self._parse(ep, response, body),
                response=response,
                pager=pager,
                args=args,
                seen=seen,
                fetch=lambda step, known: self._page(ep, step.args, options, step.url, known),
            )

        return self._run(ep, args, options, parse, url=url)

    def _run(
        self,
        ep: Endpoint[Any, Any],
        args: Mapping[str, object],
        options: RequestOptions,
        parser: Parser,
        *,
        sse: bool = False,
        url: httpx.URL | None = None,
        settings: Settings | None = None,
    ) -> Any:
        mode = current_mode()
        settings = settings or self._settings(options)
        call = self._prepare(ep, args, options, sse=sse, url=url)
        response, body = self._drive(
            self._exchange(ep, call, settings, keep_open=sse or mode == "stream")
        )
        if mode != "parsed":
            return ApiResponse(
                response, parser=parser, needs_body=not sse, body=body, limit=settings.limit
            )
        try:
            return parser(response, body)
        except BaseException:
            response.close()
            raise

    def _drive(self, exchange: Exchange) -> tuple[httpx.Response, bytes | None]:
        value: Any = None
        error: Exception | None = None
        try:
            while True:
                try:
                    action = exchange.throw(error) if error is not None else exchange.send(value)
                except StopIteration as stop:
                    result: tuple[httpx.Response, bytes | None] = stop.value
                    return result
                value, error = None, None
                try:
                    value = self._io(action)
                except Exception as exc:
                    error = exc
        finally:
            exchange.close()

    def _io(self, action: Action) -> Any:
        if isinstance(action, Send):
            auth = httpx.USE_CLIENT_DEFAULT if action.same_origin else None
            return self.http.send(action.request, stream=True, follow_redirects=False, auth=auth)
        if isinstance(action, Read):
            return read_body(
                action.response, limit=action.limit, deadline=action.deadline, clock=self._clock
            )
        if isinstance(action, Close):
            action.response.close()
            return None
        self._sleep(action.seconds)
        return None


class AsyncSender(Core):
    """Carries out calls through an `httpx.AsyncClient` (on asyncio)."""

    is_async = True

    def __init__(self, *, http: httpx.AsyncClient, **settings: Any) -> None:
        super().__init__(**settings)
        self.http = http
        self._sleep: Callable[[float], Any] = asyncio.sleep

    def _http_client(self) -> httpx.AsyncClient:
        return self.http

    async def call(
        self, ep: Endpoint[R, Any], args: Mapping[str, object], options: RequestOptions
    ) -> R:
        result: R = await self._run(
            ep, args, options, lambda response, body: self._parse(ep, response, body)
        )
        return result

    async def stream(
        self, ep: Endpoint[Any, E], args: Mapping[str, object], options: RequestOptions
    ) -> AsyncStream[E]:
        settings = self._settings(options)
        parser = self._stream_parser(ep, settings, AsyncStream)
        result: AsyncStream[E] = await self._run(
            ep, args, options, parser, sse=True, settings=settings
        )
        return result

    async def call_or_stream(
        self, ep: Endpoint[R, E], args: Mapping[str, object], options: RequestOptions
    ) -> R | AsyncStream[E]:
        if self._wants_stream(ep, args):
            return await self.stream(ep, args, options)
        return await self.call(ep, args, options)

    def paginate(
        self, ep: Endpoint[B, E], args: Mapping[str, object], options: RequestOptions
    ) -> AsyncPaginator[E, B]:
        """Nothing is sent until the result is awaited (the first page) or iterated (every item)."""
        check_options(options)
        seen = self._first_seen(ep, args)
        return AsyncPaginator(lambda: self._page(ep, args, options, None, seen))

    async def _page(
        self,
        ep: Endpoint[Any, Any],
        args: Mapping[str, object],
        options: RequestOptions,
        url: httpx.URL | None,
        seen: frozenset[str],
    ) -> Any:
        assert ep.pager is not None
        pager = ep.pager

        def parse(response: httpx.Response, body: bytes | None) -> AsyncPage[Any, Any]:
            return AsyncPage(
                body=self._parse(ep, response, body),
                response=response,
                pager=pager,
                args=args,
                seen=seen,
                fetch=lambda step, known: self._page(ep, step.args, options, step.url, known),
            )

        return await self._run(ep, args, options, parse, url=url)

    async def _run(
        self,
        ep: Endpoint[Any, Any],
        args: Mapping[str, object],
        options: RequestOptions,
        parser: Parser,
        *,
        sse: bool = False,
        url: httpx.URL | None = None,
        settings: Settings | None = None,
    ) -> Any:
        mode = current_mode()
        settings = settings or self._settings(options)
        call = self._prepare(ep, args, options, sse=sse, url=url)
        response, body = await self._drive(
            self._exchange(ep, call, settings, keep_open=sse or mode == "stream")
        )
        if mode != "parsed":
            return AsyncApiResponse(
                response, parser=parser, needs_body=not sse, body=body, limit=settings.limit
            )
        try:
            return parser(response, body)
        except BaseException:
            await response.aclose()
            raise

    async def _drive(self, exchange: Exchange) -> tuple[httpx.Response, bytes | None]:
        value: Any = None
        error: Exception | None = None
        try:
            while True:
                try:
                    action = exchange.throw(error) if error is not None else exchange.send(value)
                except StopIteration as stop:
                    result: tuple[httpx.Response, bytes | None] = stop.value
                    return result
                value, error = None, None
                try:
                    value = await self._io(action)
                except Exception as exc:
                    error = exc
        finally:
            exchange.close()

    async def _io(self, action: Action) -> Any:
        if isinstance(action, Send):
            auth = httpx.USE_CLIENT_DEFAULT if action.same_origin else None
            sending = self.http.send(action.request, stream=True, follow_redirects=False, auth=auth)
            return await self._within(sending, action.deadline, action.request)
        if isinstance(action, Read):
            reading = aread_body(
                action.response, limit=action.limit, deadline=action.deadline, clock=self._clock
            )
            return await self._within(reading, action.deadline, action.response.request)
        if isinstance(action, Close):
            await action.response.aclose()
            return None
        await self._sleep(action.seconds)
        return None

    async def _within(
        self, step: Awaitable[T], deadline: float | None, request: httpx.Request
    ) -> T:
        """The step, cancelled at the call's deadline: asyncio can bound what httpx bounds only read by read."""
        if deadline is None:
            return await step
        try:
            return await asyncio.wait_for(step, max(deadline - self._clock(), 0.0))
        except asyncio.TimeoutError:  # not yet the builtin TimeoutError on Python 3.10
            raise ApiTimeoutError(
                f"{request.method} {request.url.path}: the call's time ran out"
            ) from None


class SyncResource:
    """Base of a generated resource: its methods call `self._sender`."""

    def __init__(self, sender: SyncSender) -> None:
        self._sender = sender


class AsyncResource:
    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender


class SyncClientBase(SyncResource):
    """Base of a generated client: checks the base URL and every credential before anything is sent."""

    def __init__(
        self,
        *,
        base_url: str | None,
        schemes: Sequence[Scheme] = (),
        credentials: Mapping[str, str | None] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.Client | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        url = base_url_checked(base_url)
        checked = Credentials(schemes, credentials or {})
        self._owns_http = http_client is None
        # Redirects are followed by the sender (credentials only to the API's origin), whatever this says.
        http = http_client if http_client is not None else httpx.Client(follow_redirects=True)
        super().__init__(
            SyncSender(
                http=http,
                base_url=url,
                credentials=checked,
                timeout=timeout,
                max_retries=max_retries,
                max_response_bytes=max_response_bytes,
                headers=headers,
            )
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._sender.base_url!r})"

    def close(self) -> None:
        """Close the connection pool, unless the caller supplied the httpx client."""
        if self._owns_http:
            self._sender.http.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClientBase(AsyncResource):
    """Base of a generated async client."""

    def __init__(
        self,
        *,
        base_url: str | None,
        schemes: Sequence[Scheme] = (),
        credentials: Mapping[str, str | None] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.AsyncClient | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        url = base_url_checked(base_url)
        checked = Credentials(schemes, credentials or {})
        self._owns_http = http_client is None
        http = http_client if http_client is not None else httpx.AsyncClient(follow_redirects=True)
        super().__init__(
            AsyncSender(
                http=http,
                base_url=url,
                credentials=checked,
                timeout=timeout,
                max_retries=max_retries,
                max_response_bytes=max_response_bytes,
                headers=headers,
            )
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._sender.base_url!r})"

    async def close(self) -> None:
        """Close the connection pool, unless the caller supplied the httpx client."""
        if self._owns_http:
            await self._sender.http.aclose()

    aclose = close

    async def __aenter__(self: AC) -> AC:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
