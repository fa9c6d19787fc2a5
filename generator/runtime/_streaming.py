"""Server-sent events: `Stream[T]` and `AsyncStream[T]` over a response, decoding each event's data as `T`.

Parsing follows the WHATWG event-stream rules: lines end at LF, CRLF or CR (nothing else); `:` starts a comment;
`data:` lines of one event are joined with LF; an event without data is not dispatched; `id:` and `retry:` (ASCII
digits only, else ignored) persist to later events. The stream ends at the end of the body, where an event not yet
ended by a blank line is discarded as incomplete, or at a `[DONE]` event; closing it (or leaving the loop early, or
its `with` block) releases the connection. While it is read, the body counts against `max_response_bytes`, and
each event must arrive within the call's timeout.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._response import Budget, LineSplitter, broken
from ._serde import DecodeError, decode
from .errors import ApiTimeoutError, ResponseValidationError

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["AsyncStream", "ServerSentEvent", "Sse", "Stream"]

T = TypeVar("T")
S = TypeVar("S", bound="Stream[Any]")
AS = TypeVar("AS", bound="AsyncStream[Any]")


@dataclass(frozen=True)
class Sse:
    """An operation's event stream: the type each event's data decodes to (`str` keeps the text), and the
    keyword of a boolean argument that asks for the stream when the operation can also answer with JSON.
    """

    item: Any
    switch: str | None = None
    done: str = "[DONE]"


@dataclass(frozen=True)
class ServerSentEvent:
    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


class SseDecoder:
    """Lines in, events out."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None

    def line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            # ASCII digits only (WHATWG): isdigit alone admits "²", which int() refuses, and "١", which it reads.
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerSentEvent("\n".join(data), event or "message", self._id, self._retry)


class _Reader:
    """What both flavours share: bytes to lines to events, the budget, the per-event clock and decoding."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        item: Any,
        done: str,
        limit: int | None,
        event_timeout: float | None,
        clock: Callable[[], float],
    ) -> None:
        self.response = response
        self.item = item
        self.done = done
        self.budget = Budget(response, limit=limit)
        self.event_timeout = event_timeout
        self.clock = clock
        self.text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.lines = LineSplitter()
        self.decoder = SseDecoder()
        self.first = True
        self.waiting_since = clock()

    def feed(self, chunk: bytes, *, final: bool = False) -> list[ServerSentEvent]:
        self.budget.feed(chunk)
        text = self.text.decode(chunk, final=final)
        if self.first and text:
            text, self.first = text.removeprefix("\ufeff"), False
        # At the end of the body, a last line without a line end and an event without its closing blank line are
        # both incomplete, and never dispatched (WHATWG): the splitter's rest and the decoder's pending event stay.
        lines = self.lines.feed(text)
        events = [event for event in map(self.decoder.line, lines) if event is not None]
        if events:
            self.waiting_since = self.clock()
        elif (
            not final  # a body that has ended is not late
            and self.event_timeout is not None
            and self.clock() - self.waiting_since > self.event_timeout
        ):
            raise ApiTimeoutError(
                f"{self.response.request.method} {self.response.request.url.path}: "
                f"no event arrived within {self.event_timeout} s"
            )
        return events

    def is_done(self, event: ServerSentEvent) -> bool:
        return event.data == self.done

    def decoded(self, event: ServerSentEvent) -> Any:
        if self.item is str:
            return event.data
        try:
            return decode(self.item, json.loads(event.data))
        except (ValueError, RecursionError) as exc:
            path = exc.path if isinstance(exc, DecodeError) else ""
            raise ResponseValidationError(
                f"an event of {self.response.request.url.path} does not match its declared type: {exc}",
                response=self.response,
                body=event.data.encode(),
                path=path,
            ) from None

    def started(self) -> None:
        self.waiting_since = self.clock()


class Stream(Generic[T]):
    """Iterate for each event's data as `T`; `events()` gives the raw events (with `event`, `id`)."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        item: Any,
        done: str = "[DONE]",
        limit: int | None = None,
        event_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.response = response
        self._reader = _Reader(
            response, item=item, done=done, limit=limit, event_timeout=event_timeout, clock=clock
        )
        self._events = self._read()

    def _read(self) -> Generator[ServerSentEvent, None, None]:
        try:
            for chunk in self.response.iter_bytes():
                for event in self._reader.feed(chunk):
                    if self._reader.is_done(event):
                        return
                    yield event
                    self._reader.started()
            for event in self._reader.feed(b"", final=True):
                if self._reader.is_done(event):
                    return
                yield event
        except httpx.TransportError as exc:
            raise broken(self.response, exc) from exc
        finally:
            self.response.close()

    def events(self) -> Iterator[ServerSentEvent]:
        """The events as they arrive, undecoded; leaving this loop early closes the stream."""
        try:
            yield from self._events
        finally:
            self.close()

    def __iter__(self) -> Iterator[T]:
        try:
            for event in self._events:
                yield self._reader.decoded(event)
        finally:
            self.close()

    def __next__(self) -> T:
        item: T = self._reader.decoded(next(self._events))
        return item

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._events.close()
        self.response.close()

    def __enter__(self: S) -> S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(Generic[T]):
    """`async for` each event's data as `T`; `events()` gives the raw events (with `event`, `id`)."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        item: Any,
        done: str = "[DONE]",
        limit: int | None = None,
        event_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.response = response
        self._reader = _Reader(
            response, item=item, done=done, limit=limit, event_timeout=event_timeout, clock=clock
        )
        self._events = self._read()
        self._closing = False

    async def _read(self) -> AsyncGenerator[ServerSentEvent, None]:
        try:
            async for chunk in self.response.aiter_bytes():
                for event in self._reader.feed(chunk):
                    if self._reader.is_done(event):
                        return
                    yield event
                    self._reader.started()
            for event in self._reader.feed(b"", final=True):
                if self._reader.is_done(event):
                    return
                yield event
        except httpx.TransportError as exc:
            raise broken(self.response, exc) from exc
        finally:
            await self.response.aclose()

    async def events(self) -> AsyncIterator[ServerSentEvent]:
        try:
            async for event in self._events:
                yield event
        finally:
            await self.close()

    async def __aiter__(self) -> AsyncIterator[T]:
        try:
            async for event in self._events:
                yield self._reader.decoded(event)
        finally:
            await self.close()

    async def __anext__(self) -> T:
        item: T = self._reader.decoded(await self._events.__anext__())
        return item

    async def close(self) -> None:
        # Called twice when a loop is left early inside `async with`: the loop's generator is finalised by the
        # event loop in a task of its own, which may run while the first close is still awaiting the response.
        # Closing the events again then would raise "asynchronous generator is already running".
        if self._closing:
            return
        self._closing = True
        await self._events.aclose()
        await self.response.aclose()

    async def __aenter__(self: AS) -> AS:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
