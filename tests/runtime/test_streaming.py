"""Server-sent events through the example client: typed events, `[DONE]`, comments, multi-line data, raw events,
the JSON-or-stream switch, and the connection released however iteration ends."""

from __future__ import annotations

import asyncio
import gc
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
from tests.runtime.rawserver import RawRequest, RawServer, chunk, head
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
