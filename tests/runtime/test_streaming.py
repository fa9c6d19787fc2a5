"""Server-sent events through the example client: typed events, `[DONE]`, comments, multi-line data, raw events,
the JSON-or-stream switch, and the connection released however iteration ends."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import time

import pytest
from example_api import (
    ApiConnectionError,
    ApiTimeoutError,
    AuthenticationError,
    ResponseTooLargeError,
    ResponseValidationError,
    Stream,
)
from example_api.models import Completion, CompletionChunk

from tests.runtime.conftest import Server
from tests.runtime.rawserver import Handler, RawRequest, RawServer, chunk, head
from tests.runtime.support import async_client, run, sync_client

EXPECTED = [
    CompletionChunk(index=0, delta="say"),
    CompletionChunk(index=1, delta="it"),
    CompletionChunk(index=99, delta="two lines"),
]


def _endless(request: RawRequest, conn: socket.socket) -> None:
    conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
    for i in range(100_000):
        conn.sendall(chunk(f'data: {{"index": {i}, "delta": "x"}}\n\n'.encode()))
        time.sleep(0.01)


def _hung_up_within(server: RawServer, seconds: float) -> bool:
    return server.hung_up.wait(seconds)


def test_stream_yields_typed_events_until_done_skipping_comments(server: Server) -> None:
    with sync_client(server.url) as client:
        stream = client.chat.complete(prompt="say it", stream=True)
        assert isinstance(stream, Stream)
        with stream:
            assert list(stream) == EXPECTED
        assert stream.response.is_closed
    assert server.requests[0].headers["accept"] == "text/event-stream"
    assert server.requests[0].json() == {"prompt": "say it", "stream": True}


def test_async_stream_yields_typed_events_until_done(server: Server) -> None:
    async def main() -> list[CompletionChunk]:
        async with async_client(server.url) as client:
            stream = await client.chat.complete(prompt="say it", stream=True)
            async with stream:
                return [event async for event in stream]

    assert run(main()) == EXPECTED


def test_without_stream_the_same_operation_returns_its_json_model(server: Server) -> None:
    with sync_client(server.url) as client:
        assert client.chat.complete(prompt="hi") == Completion(id="cmpl-1", text="echo: hi")
        assert client.chat.complete(prompt="hi", stream=False) == Completion(id="cmpl-1", text="echo: hi")
    assert server.requests[1].json() == {"prompt": "hi", "stream": False}


def test_raw_events_carry_name_and_id_and_join_data_lines(server: Server) -> None:
    with sync_client(server.url) as client, client.chat.events() as stream:
        events = list(stream.events())
    assert [(e.event, e.id, e.data) for e in events] == [("greeting", "1", "hello"), ("farewell", "2", "good\nbye")]


def test_text_stream_yields_each_event_as_str(server: Server) -> None:
    async def main() -> list[str]:
        async with async_client(server.url) as client:
            return [text async for text in await client.chat.events()]

    assert run(main()) == ["hello", "good\nbye"]


def test_streaming_response_parses_to_the_stream(server: Server) -> None:
    with sync_client(server.url) as client:
        with client.chat.with_streaming_response.complete(prompt="say it", stream=True) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            assert list(response.parse()) == EXPECTED
        assert response.is_closed


def test_error_status_raises_instead_of_streaming(server: Server) -> None:
    with sync_client(server.url, access_token="wrong") as client, pytest.raises(AuthenticationError) as caught:
        client.chat.complete(prompt="x", stream=True)
    assert caught.value.parsed == {"code": "unauthorized", "message": "no acceptable credential"}


def test_leaving_the_loop_early_releases_the_connection(raw: RawServer) -> None:
    raw.route("/v1/chat", _endless)
    with sync_client(raw.url) as client:
        stream = client.chat.complete(prompt="x", stream=True)
        for event in stream:
            if event.index == 2:
                break
        assert stream.response.is_closed
        assert _hung_up_within(raw, 5), "the server still had the client connected"


def test_closing_the_stream_releases_the_connection(raw: RawServer) -> None:
    raw.route("/v1/chat", _endless)
    with sync_client(raw.url) as client:
        with client.chat.complete(prompt="x", stream=True) as stream:
            assert next(stream) == CompletionChunk(index=0, delta="x")
        assert _hung_up_within(raw, 5)


def test_async_leaving_the_loop_early_releases_the_connection(raw: RawServer) -> None:
    raw.route("/v1/chat", _endless)
    reported: list[dict[str, object]] = []

    async def main() -> None:
        # The loop's generator is finalised by the event loop in a task of its own, which closes the stream a
        # second time: an error there is never raised to the caller, only reported to the loop's handler.
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context))
        async with async_client(raw.url) as client:
            stream = await client.chat.complete(prompt="x", stream=True)
            async with stream:
                async for event in stream:
                    if event.index == 2:
                        break
            assert stream.response.is_closed
            for _ in range(5):
                gc.collect()
                await asyncio.sleep(0.02)

    run(main())
    assert _hung_up_within(raw, 5)
    assert reported == []


def test_stream_that_never_completes_an_event_times_out(raw: RawServer) -> None:
    def drip(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        conn.sendall(chunk(b'data: {"index": 0, "delta": "x"}\n\n'))
        for _ in range(1000):
            conn.sendall(chunk(b"d"))  # never an end of line: no event ever completes
            time.sleep(0.05)

    raw.route("/v1/chat", drip)
    with sync_client(raw.url, timeout=1.0) as client:
        stream = client.chat.complete(prompt="x", stream=True)
        assert next(stream).index == 0
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError, match="no event arrived"):
            next(stream)
        assert time.monotonic() - started < 2.5


def test_endless_stream_stops_at_max_response_bytes(raw: RawServer) -> None:
    raw.route("/v1/chat", _endless)
    with sync_client(raw.url, max_response_bytes=2_000) as client:
        stream = client.chat.complete(prompt="x", stream=True)
        with pytest.raises(ResponseTooLargeError):
            for _ in stream:
                pass
    assert _hung_up_within(raw, 5)


def test_event_that_does_not_match_its_type_is_a_validation_error(raw: RawServer) -> None:
    def wrong(request: RawRequest, conn: socket.socket) -> None:
        body = b'data: {"index": "zero"}\n\n'
        conn.sendall(head(200, {"Content-Type": "text/event-stream"}, length=len(body)) + body)

    raw.route("/v1/chat", wrong)
    with sync_client(raw.url) as client, pytest.raises(ResponseValidationError) as caught:
        list(client.chat.complete(prompt="x", stream=True))
    assert caught.value.body == b'{"index": "zero"}'


def test_async_leaving_a_bare_loop_early_releases_the_connection(raw: RawServer) -> None:
    raw.route("/v1/chat", _endless)

    async def main() -> bool:
        async with async_client(raw.url) as client:
            stream = await client.chat.complete(prompt="x", stream=True)
            async for event in stream:
                if event.index == 2:
                    break
            for _ in range(50):  # the loop's generator is closed by the event loop, soon after the break
                if stream.response.is_closed:
                    return True
                await asyncio.sleep(0.01)
            return False

    assert run(main())
    assert _hung_up_within(raw, 5)


def test_stream_cut_by_the_server_raises_this_clients_error_not_httpxs(raw: RawServer) -> None:
    def cut(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        conn.sendall(chunk(b'data: {"index": 0, "delta": "x"}\n\n') + b"ff\r\npartial")

    def stall(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        conn.sendall(chunk(b'data: {"index": 0, "delta": "x"}\n\n'))
        time.sleep(3)

    raw.route("/v1/chat", cut)
    raw.route("/v1/chat/events", stall)
    with sync_client(raw.url, timeout=0.5) as client:
        with pytest.raises(ApiConnectionError) as caught:
            list(client.chat.complete(prompt="x", stream=True))
        assert not isinstance(caught.value, ApiTimeoutError)
        with pytest.raises(ApiTimeoutError):
            list(client.chat.events())


def _event_stream(*pieces: bytes, pause: float = 0.0) -> Handler:
    """A chunked event stream sent in these pieces, each its own chunk (after a pause, so none are merged)."""

    def handler(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        for piece in pieces:
            time.sleep(pause)
            conn.sendall(chunk(piece))
        conn.sendall(b"0\r\n\r\n")

    return handler


# JSON keeps all of these unescaped inside a string; str.splitlines would end a line at each of them.
NOT_LINE_ENDS = "a\u2028b\u2029c\u0085d\x0ce\x0bf\x1cg\x1dh\x1ei"


def test_only_cr_and_lf_end_a_line_of_an_event(raw: RawServer) -> None:
    data = json.dumps({"index": 0, "delta": NOT_LINE_ENDS}, ensure_ascii=False)
    raw.route("/v1/chat", _event_stream(f"data: {data}\n\n".encode()))
    with sync_client(raw.url) as client:
        assert list(client.chat.complete(prompt="x", stream=True)) == [CompletionChunk(index=0, delta=NOT_LINE_ENDS)]


def test_async_only_cr_and_lf_end_a_line_of_an_event(raw: RawServer) -> None:
    raw.route("/v1/chat/events", _event_stream(f"data: {NOT_LINE_ENDS}\n\n".encode()))

    async def main() -> list[str]:
        async with async_client(raw.url) as client:
            return [text async for text in await client.chat.events()]

    assert run(main()) == [NOT_LINE_ENDS]


def test_crlf_split_between_chunks_is_one_line_end(raw: RawServer) -> None:
    # Read as two line ends, the CR and the LF would make a blank line between the data lines, and two events.
    raw.route("/v1/chat/events", _event_stream(b"data: one\r", b"\ndata: two\r", b"\n\r", b"\n", pause=0.05))
    with sync_client(raw.url) as client:
        assert list(client.chat.events()) == ["one\ntwo"]


def test_event_ended_by_cr_arrives_without_waiting_for_more_of_the_body(raw: RawServer) -> None:
    def then_stall(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        conn.sendall(chunk(b'data: {"index": 0, "delta": "x"}\r\r'))
        time.sleep(3)

    raw.route("/v1/chat", then_stall)
    with sync_client(raw.url, timeout=1.0) as client, client.chat.complete(prompt="x", stream=True) as stream:
        assert next(stream) == CompletionChunk(index=0, delta="x")


def test_raw_lines_end_only_at_cr_lf_or_crlf(raw: RawServer) -> None:
    pieces = [f"one {NOT_LINE_ENDS}\r".encode(), b"\ntwo\rthree\n\nfour\r", b"\r", b"\nlast without an end"]
    expected = [f"one {NOT_LINE_ENDS}", "two", "three", "", "four", "", "last without an end"]

    def text(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/plain; charset=utf-8", "Transfer-Encoding": "chunked"}))
        for piece in pieces:
            time.sleep(0.05)
            conn.sendall(chunk(piece))
        conn.sendall(b"0\r\n\r\n")

    raw.route("/v1/chat/events", text)
    with sync_client(raw.url) as client, client.chat.with_streaming_response.events() as response:
        assert list(response.iter_lines()) == expected

    async def main() -> list[str]:
        async with async_client(raw.url) as client, client.chat.with_streaming_response.events() as response:
            return [line async for line in response.aiter_lines()]

    assert run(main()) == expected


# The body ends inside an event: in the middle of a line, and after a whole line but before the blank line.
TRUNCATED = [
    b'data: {"index": 0, "delta": "x"}\n\ndata: {"index": 1,\ndata: "delta": "y"}',
    b'data: {"index": 0, "delta": "x"}\n\ndata: {"index": 1, "delta": "y"}\n',
    b'data: {"index": 0, "delta": "x"}\r\n\r\ndata: {"index": 1, "delta": "y"}\r',
]


@pytest.mark.parametrize("body", TRUNCATED, ids=["mid-line", "after-lf", "after-cr"])
def test_event_cut_off_by_the_end_of_the_body_is_discarded(raw: RawServer, body: bytes) -> None:
    raw.route("/v1/chat", lambda request, conn: conn.sendall(head(200, {"Content-Type": "text/event-stream"}) + body))
    with sync_client(raw.url) as client:
        assert list(client.chat.complete(prompt="x", stream=True)) == [CompletionChunk(index=0, delta="x")]


@pytest.mark.parametrize("body", TRUNCATED, ids=["mid-line", "after-lf", "after-cr"])
def test_async_event_cut_off_by_the_end_of_the_body_is_discarded(raw: RawServer, body: bytes) -> None:
    raw.route("/v1/chat", _event_stream(body))

    async def main() -> list[CompletionChunk]:
        async with async_client(raw.url) as client:
            return [event async for event in await client.chat.complete(prompt="x", stream=True)]

    assert run(main()) == [CompletionChunk(index=0, delta="x")]


def test_stream_that_ends_after_a_quiet_spell_ends_without_a_timeout(raw: RawServer) -> None:
    def quiet_then_end(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"}))
        conn.sendall(chunk(b'data: {"index": 0, "delta": "x"}\n\n'))
        time.sleep(1.0)
        conn.sendall(chunk(b": ping\ndata: cut"))
        time.sleep(1.5)
        conn.sendall(b"0\r\n\r\n")

    # No read waits as long as the timeout, but the body ends later than that after the last event, with only a
    # comment and an incomplete event since: the stream has ended, it is not late.
    raw.route("/v1/chat", quiet_then_end)
    with sync_client(raw.url, timeout=2.0) as client:
        assert list(client.chat.complete(prompt="x", stream=True)) == [CompletionChunk(index=0, delta="x")]


def test_retry_that_is_not_ascii_digits_is_ignored(raw: RawServer) -> None:
    # "²" and "١٢" (Arabic-Indic) are digits to str.isdigit; int() rejects the first and reads the second as 12.
    body = "retry: 1000\ndata: a\n\nretry: \u00b2\ndata: b\n\nretry: \u0661\u0662\ndata: c\n\nretry: 5x\ndata: d\n\n"
    raw.route("/v1/chat/events", _event_stream(body.encode()))
    with sync_client(raw.url) as client:
        events = list(client.chat.events().events())
    assert [(event.data, event.retry) for event in events] == [("a", 1000), ("b", 1000), ("c", 1000), ("d", 1000)]
