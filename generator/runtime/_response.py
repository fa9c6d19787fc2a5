"""Reading bodies within a size limit and a deadline; raw and streamed responses as thin method wrappers.

`with_raw_response.m(...)` and `with_streaming_response.m(...)` call the plain method `m` with a context flag set;
the sender reads the flag and hands back the response (read, or unread) with a `parse()` that gives what `m`
would have returned. No method exists twice.
"""

from __future__ import annotations

import codecs
import functools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, Literal, ParamSpec, TypeVar

import httpx

from ._watchdog import WATCHDOG, socket_of
from .errors import ApiConnectionError, ApiTimeoutError, ResponseTooLargeError

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "ApiResponse",
    "AsyncApiResponse",
    "AsyncResponseContextManager",
    "ResponseContextManager",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

P = ParamSpec("P")
R = TypeVar("R")
Resp = TypeVar("Resp", bound="ApiResponse[Any]")
AsyncResp = TypeVar("AsyncResp", bound="AsyncApiResponse[Any]")
Mode = Literal["parsed", "raw", "stream"]

# Set by the wrappers around one call, read once by the sender when the call starts.
_MODE: ContextVar[Mode] = ContextVar("response_mode", default="parsed")
Parser = Callable[[httpx.Response, "bytes | None"], Any]


def current_mode() -> Mode:
    return _MODE.get()


def bodiless(response: httpx.Response) -> bool:
    """An answer that never has a body (RFC 9110 §6.4.1, §15.3.6), whatever its headers say."""
    status = response.status_code
    return response.request.method == "HEAD" or status < 200 or status in (204, 205, 304)


class Budget:
    """A body's bytes against the size limit and, while the call lasts, the clock against its deadline."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        limit: int | None,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.response = response
        self.limit = limit
        self.deadline = deadline
        self.clock = clock
        self.size = 0
        length = response.headers.get("content-length", "")
        # An encoded body grows when decoded, so only an unencoded one can be refused before reading. The answer
        # to a HEAD, a 204 or a 304 has no body whatever its Content-Length says (it is the resource's size).
        if (
            limit is not None
            and not bodiless(response)
            and length.isdigit()
            and int(length) > limit
            and "content-encoding" not in response.headers
        ):
            raise self._too_large()

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise self._too_large()
        if self.deadline is not None and self.clock() > self.deadline:
            raise ApiTimeoutError(
                f"{_where(self.response)}: the body was still arriving when the call's time ran out"
            )

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"{_where(self.response)}: the response body exceeds max_response_bytes={self.limit}; reading stopped",
            response=self.response,
            limit=self.limit or 0,
        )


def read_body(
    response: httpx.Response,
    *,
    limit: int | None,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The whole (decoded) body, chunk by chunk within the limit and deadline; the response is closed either way."""
    chunks: list[bytes] = []
    sock = socket_of(response) if deadline is not None else None
    ticket = (
        WATCHDOG.watch(deadline - clock(), sock)
        if deadline is not None and sock is not None
        else None
    )
    try:
        budget = Budget(response, limit=limit, deadline=deadline, clock=clock)
        for chunk in response.iter_bytes():
            budget.feed(chunk)
            chunks.append(chunk)
    except httpx.TransportError as exc:
        if deadline is not None and clock() >= deadline:
            raise ApiTimeoutError(
                f"{_where(response)}: the body was still arriving when the call's time ran out"
            ) from exc
        raise
    finally:
        if ticket is not None:
            WATCHDOG.release(ticket)
        response.close()
    return _keep(response, b"".join(chunks))


async def aread_body(
    response: httpx.Response,
    *,
    limit: int | None,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    chunks: list[bytes] = []
    try:
        budget = Budget(response, limit=limit, deadline=deadline, clock=clock)
        async for chunk in response.aiter_bytes():
            budget.feed(chunk)
            chunks.append(chunk)
    finally:
        await response.aclose()
    return _keep(response, b"".join(chunks))


def _keep(response: httpx.Response, body: bytes) -> bytes:
    # What httpx's own read() does, so that `error.response.json()` works on a body read within the budget.
    response._content = body
    return body


def broken(response: httpx.Response, exc: httpx.TransportError) -> ApiConnectionError:
    """A failure while the caller reads a body the call handed over unread, as this client's own error."""
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(f"{_where(response)}: {type(exc).__name__} while reading the body")
    return ApiConnectionError(
        f"{_where(response)}: {type(exc).__name__} while reading the body: {exc}"
    )


def _where(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url.path}"


class LineSplitter:
    """Text fed in pieces, out as lines split at LF, CRLF or CR (endings dropped), even across pieces.

    Only those three: `str.splitlines` also splits at VT, FF, FS, GS, RS, NEL, U+2028 and U+2029, which HTTP and
    the event-stream grammar keep inside a line, as JSON does inside a string.
    """

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._after_cr = False

    def feed(self, text: str) -> list[str]:
        if not text:
            return []
        if self._after_cr and text.startswith("\n"):
            # The line already ended at the CR that closed the last piece: this LF is its second half.
            text = text[1:]
        # A line ending in CR is given out at once, not held until the next piece shows whether an LF follows.
        self._after_cr = text.endswith("\r")
        *lines, rest = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines:
            lines[0] = "".join([*self._pending, lines[0]])
            self._pending.clear()
        if rest:
            self._pending.append(rest)
        return lines

    def finish(self) -> list[str]:
        """The last line, when the text ends without a line end."""
        rest = "".join(self._pending)
        self._pending.clear()
        self._after_cr = False
        return [rest] if rest else []


class _ResponseBase(Generic[R]):
    def __init__(
        self,
        response: httpx.Response,
        *,
        parser: Parser,
        needs_body: bool,
        body: bytes | None,
        limit: int | None,
    ) -> None:
        self.http_response = response
        self._parser = parser
        self._needs_body = needs_body
        self._body = body
        self._limit = limit
        self._parsed: tuple[R] | None = None

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed

    @property
    def parsed(self) -> R:
        """What the plain method returns (a stream or page for those methods); the body must have been read."""
        return self._parse_read()

    def _parse_read(self) -> R:
        if self._parsed is None:
            if self._needs_body and self._body is None:
                raise RuntimeError("the body is not read yet: call read() (or use parse()) first")
            self._parsed = (self._parser(self.http_response, self._body),)
        return self._parsed[0]

    def json(self) -> Any:
        """The body as plain JSON, without the declared type."""
        return json.loads(self._read_body())

    def text(self) -> str:
        return self._read_body().decode(self.http_response.encoding or "utf-8")

    def _read_body(self) -> bytes:
        if self._body is None:
            raise RuntimeError("the body is not read yet: call read() first")
        return self._body

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.http_response.request.method} {self.url.path}>"


class ApiResponse(_ResponseBase[R]):
    """A response with its status, headers and body; `parse()` (or `.parsed`) gives what the method returns."""

    @property
    def content(self) -> bytes:
        return self.read()

    def read(self) -> bytes:
        """The whole body, read once (within `max_response_bytes`)."""
        if self._body is None:
            try:
                self._body = read_body(self.http_response, limit=self._limit)
            except httpx.TransportError as exc:
                raise broken(self.http_response, exc) from exc
        return self._body

    @property
    def parsed(self) -> R:
        """What the plain method returns (a stream or page for those methods), reading the body first."""
        return self.parse()

    def parse(self) -> R:
        if self._needs_body:
            self.read()
        return self._parse_read()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces as it arrives, without holding it whole; counted against `max_response_bytes`."""
        if self._body is not None:
            step = chunk_size or 65536
            yield from (self._body[i : i + step] for i in range(0, len(self._body), step))
            return
        try:
            budget = Budget(self.http_response, limit=self._limit)
            for chunk in self.http_response.iter_bytes(chunk_size):
                budget.feed(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise broken(self.http_response, exc) from exc
        finally:
            self.http_response.close()

    def iter_text(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.http_response.encoding or "utf-8")()
        for chunk in self.iter_bytes():
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)

    def iter_lines(self) -> Iterator[str]:
        splitter = LineSplitter()
        for text in self.iter_text():
            yield from splitter.feed(text)
        yield from splitter.finish()

    def close(self) -> None:
        """Release the connection (needed only when the body was not read to its end)."""
        self.http_response.close()


class AsyncApiResponse(_ResponseBase[R]):
    """The async `ApiResponse`: `await read()`, `await parse()`, `aiter_bytes()`, `aiter_lines()`."""

    @property
    def content(self) -> bytes:
        return self._read_body()

    async def read(self) -> bytes:
        if self._body is None:
            try:
                self._body = await aread_body(self.http_response, limit=self._limit)
            except httpx.TransportError as exc:
                raise broken(self.http_response, exc) from exc
        return self._body

    async def parse(self) -> R:
        if self._needs_body:
            await self.read()
        return self._parse_read()

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        if self._body is not None:
            step = chunk_size or 65536
            for i in range(0, len(self._body), step):
                yield self._body[i : i + step]
            return
        try:
            budget = Budget(self.http_response, limit=self._limit)
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                budget.feed(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise broken(self.http_response, exc) from exc
        finally:
            await self.http_response.aclose()

    async def aiter_text(self) -> AsyncIterator[str]:
        decoder = codecs.getincrementaldecoder(self.http_response.encoding or "utf-8")()
        async for chunk in self.aiter_bytes():
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)

    async def aiter_lines(self) -> AsyncIterator[str]:
        splitter = LineSplitter()
        async for text in self.aiter_text():
            for line in splitter.feed(text):
                yield line
        for line in splitter.finish():
            yield line

    async def close(self) -> None:
        await self.http_response.aclose()


class ResponseContextManager(Generic[Resp]):
    """`with ... as response:` sends on entry, and releases the connection on exit."""

    def __init__(self, send: Callable[[], Resp]) -> None:
        self._send = send
        self._response: Resp | None = None

    def __enter__(self) -> Resp:
        token = _MODE.set("stream")
        try:
            self._response = self._send()
        finally:
            _MODE.reset(token)
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[AsyncResp]):
    """`async with ... as response:` sends on entry, and releases the connection on exit."""

    def __init__(self, send: Callable[[], Awaitable[AsyncResp]]) -> None:
        self._send = send
        self._response: AsyncResp | None = None

    async def __aenter__(self) -> AsyncResp:
        token = _MODE.set("stream")
        try:
            self._response = await self._send()
        finally:
            _MODE.reset(token)
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


def to_raw_response_wrapper(method: Callable[P, R]) -> Callable[P, ApiResponse[R]]:
    """The method with the same parameters, returning the read response; `.parse()` gives its usual value."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ApiResponse[R]:
        token = _MODE.set("raw")
        try:
            response: ApiResponse[R] = _checked(method(*args, **kwargs))
        finally:
            _MODE.reset(token)
        return response

    return wrapped


def async_to_raw_response_wrapper(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncApiResponse[R]]]:
    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncApiResponse[R]:
        token = _MODE.set("raw")
        try:
            response: AsyncApiResponse[R] = _checked(await method(*args, **kwargs))
        finally:
            _MODE.reset(token)
        return response

    return wrapped


def to_streamed_response_wrapper(
    method: Callable[P, R],
) -> Callable[P, ResponseContextManager[ApiResponse[R]]]:
    """The method with the same parameters, as a context manager giving the response unread."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[ApiResponse[R]]:
        def send() -> ApiResponse[R]:
            response: ApiResponse[R] = _checked(method(*args, **kwargs))
            return response

        return ResponseContextManager(send)

    return wrapped


def async_to_streamed_response_wrapper(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[AsyncApiResponse[R]]]:
    @functools.wraps(method)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[AsyncApiResponse[R]]:
        async def send() -> AsyncApiResponse[R]:
            response: AsyncApiResponse[R] = _checked(await method(*args, **kwargs))
            return response

        return AsyncResponseContextManager(send)

    return wrapped


def _checked(value: object) -> Any:
    """The response the sender handed back in place of the method's usual value (the flag asked it to)."""
    if not isinstance(value, _ResponseBase):
        raise TypeError(
            "with_raw_response and with_streaming_response wrap only the client's own API methods"
        )
    return value
