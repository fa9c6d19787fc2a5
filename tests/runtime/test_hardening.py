"""A hostile or broken server, and careless input: each test is named after the defect it prevents."""

from __future__ import annotations

import functools
import socket
import time
import zlib
from urllib.parse import quote

import httpx
import pytest
from example_api import (
    ApiStatusError,
    ApiTimeoutError,
    InternalServerError,
    RedirectError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from example_api.models import Item

from tests.runtime import app
from tests.runtime.conftest import Server
from tests.runtime.rawserver import RawRequest, RawServer, chunk, head, respond
from tests.runtime.support import async_client, run, sync_client

ITEM = b'{"id": "x", "name": "n"}'


def _served(server: RawServer) -> list[str]:
    return [request.target for request in server.requests]


# --- path parameters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "raw_path"),
    [
        ("..", "/v1/items/%2E%2E"),
        (".", "/v1/items/%2E"),
        ("...", "/v1/items/%2E%2E%2E"),  # not a dot segment, but encoded all the same: harmless
        ("?admin=1#x", "/v1/items/%3Fadmin%3D1%23x"),
        ("%2E%2E", "/v1/items/%252E%252E"),
    ],
)
def test_path_traversal_parameter_stays_one_segment(server: Server, value: str, raw_path: str) -> None:
    with sync_client(server.url) as client:
        item = client.items.get(item_id=value)
    assert item == Item(id=value, name="echo"), "the server saw the literal value as the item id"
    assert [seen.raw_path for seen in server.requests] == [raw_path]


@pytest.mark.parametrize("value", ["a/b", "../../v1", "/"])
def test_slash_in_path_parameter_stays_one_segment(raw: RawServer, value: str) -> None:
    raw.route("/v1/items/" + quote(value, safe=""), _item)  # the raw path: one segment, `/` encoded
    with sync_client(raw.url) as client:
        assert client.items.get(item_id=value).id == "x"
    assert len(raw.requests) == 1


def test_path_traversal_async(server: Server) -> None:
    async def main() -> str:
        async with async_client(server.url) as client:
            return (await client.items.get(item_id="..")).id

    assert run(main()) == ".."
    assert server.requests[0].raw_path == "/v1/items/%2E%2E"


def test_empty_path_parameter_is_refused_before_sending(server: Server) -> None:
    with sync_client(server.url) as client, pytest.raises(ValueError, match="item_id is empty"):
        client.items.get(item_id="")
    assert server.requests == []


# --- time ---------------------------------------------------------------------------------------------------


def _drip(request: RawRequest, conn: socket.socket) -> None:
    conn.sendall(head(200, {"Content-Type": "application/json"}, length=10_000) + b"[")
    for _ in range(10_000):
        time.sleep(0.1)
        conn.sendall(b" ")


def test_slow_drip_body_is_cut_at_the_call_deadline(raw: RawServer) -> None:
    raw.route("/v1/items/x", _drip)
    with sync_client(raw.url, timeout=1.0) as client:
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError, match="time ran out"):
            client.items.get(item_id="x")
        elapsed = time.monotonic() - started
    assert elapsed < 1.6


def test_async_slow_drip_body_is_cut_at_the_call_deadline(raw: RawServer) -> None:
    raw.route("/v1/items/x", _drip)

    async def main() -> float:
        async with async_client(raw.url, timeout=1.0) as client:
            started = time.monotonic()
            with pytest.raises(ApiTimeoutError):
                await client.items.get(item_id="x")
            return time.monotonic() - started

    assert run(main()) < 1.6


def _drip_under_the_read_timeout(request: RawRequest, conn: socket.socket) -> None:
    conn.sendall(head(200, {"Content-Type": "application/json"}, length=10_000) + b"[")
    time.sleep(0.85)
    conn.sendall(b" ")  # just before the read timeout (1 s), then a stall: each read alone is within bounds
    time.sleep(5)


def test_drip_timed_under_the_read_timeout_still_ends_at_the_deadline(raw: RawServer) -> None:
    raw.route("/v1/items/x", _drip_under_the_read_timeout)
    with sync_client(raw.url, timeout=1.0, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            client.items.get(item_id="x")
    assert time.monotonic() - started < 1.5  # without the watchdog: 1.85 s


def test_async_drip_timed_under_the_read_timeout_still_ends_at_the_deadline(raw: RawServer) -> None:
    raw.route("/v1/items/x", _drip_under_the_read_timeout)

    async def main() -> float:
        async with async_client(raw.url, timeout=1.0, max_retries=0) as client:
            started = time.monotonic()
            with pytest.raises(ApiTimeoutError):
                await client.items.get(item_id="x")
            return time.monotonic() - started

    assert run(main()) < 1.5


def test_endless_body_is_cut_at_the_call_deadline(raw: RawServer) -> None:
    def endless(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        while True:
            conn.sendall(chunk(b"[1," * 100))
            time.sleep(0.005)

    raw.route("/v1/items/x", endless)
    with sync_client(raw.url, timeout=1.0) as client:
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            client.items.get(item_id="x")
    assert time.monotonic() - started < 1.6


def test_stalled_server_times_out_within_the_call_timeout(raw: RawServer) -> None:
    raw.route("/v1/items/x", lambda request, conn: time.sleep(5))
    with sync_client(raw.url, timeout=0.5, max_retries=3) as client:
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            client.items.get(item_id="x")
    assert time.monotonic() - started < 1.4


def test_timeout_bounds_retry_after_pauses_on_a_real_server(raw: RawServer) -> None:
    raw.route("/v1/items/x", lambda request, conn: respond(conn, 503, b"{}", {"Retry-After": "1"}))
    with sync_client(raw.url, timeout=1.5, max_retries=10) as client:
        started = time.monotonic()
        with pytest.raises(InternalServerError):
            client.items.get(item_id="x")
    assert time.monotonic() - started < 2.0
    assert len(raw.requests) == 2


# --- size ---------------------------------------------------------------------------------------------------


def test_huge_body_is_refused_by_its_declared_length(raw: RawServer) -> None:
    def huge(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "application/json"}, length=300 * 1024 * 1024) + b"[" * 1000)
        time.sleep(2)

    raw.route("/v1/items/x", huge)
    with sync_client(raw.url) as client:  # the default limit: 100 MB
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes=104857600") as caught:
            client.items.get(item_id="x")
    assert time.monotonic() - started < 1.0
    assert caught.value.limit == 100 * 1024 * 1024


def test_oversized_chunked_body_stops_at_the_limit(raw: RawServer) -> None:
    sent = []

    def unending(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        for _ in range(10_000):
            conn.sendall(chunk(b"0" * 65536))
            sent.append(65536)

    raw.route("/v1/items/x", unending)
    with sync_client(raw.url, max_response_bytes=1_000_000) as client, pytest.raises(ResponseTooLargeError):
        client.items.get(item_id="x")
    assert sum(sent) < 50_000_000


@functools.cache
def _bomb_body() -> bytes:
    """About 300 KB that inflate to 300 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip wrapper
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(300)) + packer.flush()


def _bomb(request: RawRequest, conn: socket.socket) -> None:
    body = _bomb_body()
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    conn.sendall(head(200, headers, length=len(body)) + body)


def test_gzip_bomb_stops_at_the_limit(raw: RawServer) -> None:
    raw.route("/v1/items/x", _bomb)
    with sync_client(raw.url) as client, pytest.raises(ResponseTooLargeError):
        client.items.get(item_id="x")


def test_gzip_bomb_stops_at_a_per_call_limit_async(raw: RawServer) -> None:
    raw.route("/v1/items/x", _bomb)

    async def main() -> None:
        async with async_client(raw.url) as client:
            with pytest.raises(ResponseTooLargeError):
                await client.items.get(item_id="x", max_response_bytes=5_000_000)

    run(main())


def test_oversized_error_body_still_raises_the_status_error(raw: RawServer) -> None:
    raw.route("/v1/items/x", lambda request, conn: respond(conn, 404, b"x" * 5000))
    with sync_client(raw.url, max_response_bytes=1000) as client, pytest.raises(ApiStatusError) as caught:
        client.items.get(item_id="x")
    assert caught.value.status_code == 404
    assert "max_response_bytes" in (caught.value.parse_error or "")


# --- decoding -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nesting", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 5_000 + b"1" + b"}" * 5_000])
def test_deeply_nested_json_is_a_validation_error_not_a_recursion_error(raw: RawServer, nesting: bytes) -> None:
    raw.route("/v1/items/x", lambda request, conn: respond(conn, 200, nesting, {"Content-Type": "application/json"}))
    with sync_client(raw.url) as client, pytest.raises(ResponseValidationError, match="nested too deeply"):
        client.items.get(item_id="x")


def test_deeply_nested_error_body_is_still_the_status_error(raw: RawServer) -> None:
    raw.route("/v1/items/x", lambda request, conn: respond(conn, 404, b"[" * 100_000 + b"]" * 100_000))
    with sync_client(raw.url) as client, pytest.raises(ApiStatusError) as caught:
        client.items.get(item_id="x")
    assert caught.value.parsed is None and caught.value.parse_error == "the body is nested too deeply to read"


def test_body_that_is_not_json_is_a_validation_error(raw: RawServer) -> None:
    raw.route("/v1/items/x", lambda request, conn: respond(conn, 200, b"<html>"))
    with sync_client(raw.url) as client, pytest.raises(ResponseValidationError) as caught:
        client.items.get(item_id="x")
    assert caught.value.body == b"<html>"


# --- redirects ----------------------------------------------------------------------------------------------


def _credentials_in(request: RawRequest) -> list[str]:
    text = request.target + "\n" + "\n".join(f"{k}: {v}" for k, v in request.headers.multi_items())
    secrets = [app.API_KEY, app.QUERY_KEY, app.SESSION_KEY, app.BEARER_TOKEN, app.ACCESS_TOKEN, "Basic ", "Trace"]
    return [secret for secret in secrets if secret in text]


def _redirect_to(target: str, status: int = 302) -> object:
    return lambda request, conn: respond(conn, status, b"", {"Location": target})


def _item(request: RawRequest, conn: socket.socket) -> None:
    respond(conn, 200, ITEM, {"Content-Type": "application/json"})


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_leaks_no_credential(raw: RawServer, other: RawServer, status: int) -> None:
    raw.route("/v1/items/x", _redirect_to(other.origin + "/elsewhere?from=api", status))  # type: ignore[arg-type]
    other.route("/elsewhere", _item)
    with sync_client(raw.url) as client:
        assert client.items.get(item_id="x", extra_headers={"X-Trace": "Trace"}).id == "x"
    assert raw.requests[0].headers["x-api-key"] == app.API_KEY
    assert [r.target for r in other.requests] == ["/elsewhere?from=api"]
    assert _credentials_in(other.requests[0]) == []


def test_user_supplied_client_that_follows_redirects_leaks_no_credential(raw: RawServer, other: RawServer) -> None:
    raw.route("/v1/items/x", _redirect_to(other.origin + "/steal"))  # type: ignore[arg-type]
    other.route("/steal", _item)
    http = httpx.Client(follow_redirects=True, headers={"X-Team": "blue"})
    with sync_client(raw.url, http_client=http) as client:
        client.items.get(item_id="x")
    assert _credentials_in(other.requests[0]) == []
    assert "x-team" not in other.requests[0].headers, "the caller's own headers stay with the API too"
    http.close()


def test_async_cross_origin_redirect_leaks_no_credential(raw: RawServer, other: RawServer) -> None:
    raw.route("/v1/chat", _redirect_to(other.origin + "/steal", 307))  # type: ignore[arg-type]
    other.route("/steal", lambda request, conn: respond(conn, 200, b'{"id": "c", "text": "t"}'))

    async def main() -> str:
        async with async_client(raw.url) as client:
            return (await client.chat.complete(prompt="p")).text

    assert run(main()) == "t"
    assert _credentials_in(other.requests[0]) == []
    assert other.requests[0].body == b'{"prompt":"p"}', "307 keeps the method and body"


def test_same_origin_redirect_keeps_credentials_and_resends_the_body(raw: RawServer) -> None:
    raw.route("/v1/items", _redirect_to("/v1/items-moved", 307))  # type: ignore[arg-type]
    raw.route("/v1/items-moved", lambda request, conn: respond(conn, 201, ITEM))
    with sync_client(raw.url) as client:
        client.items.create(name="n", extra_headers={"X-Trace": "t"})
    moved = raw.requests[1]
    assert (moved.method, moved.body) == ("POST", b'{"name":"n"}')
    assert moved.headers["x-api-key"] == app.API_KEY and moved.headers["x-trace"] == "t"


def test_redirect_see_other_turns_a_post_into_a_get_without_body(raw: RawServer) -> None:
    raw.route("/v1/items", _redirect_to("/v1/items/created", 303))  # type: ignore[arg-type]
    raw.route("/v1/items/created", _item)
    with sync_client(raw.url) as client:
        assert client.items.create(name="n").id == "x"
    assert (raw.requests[1].method, raw.requests[1].body) == ("GET", b"")
    assert "content-type" not in raw.requests[1].headers


def test_redirect_to_a_non_http_scheme_is_refused(raw: RawServer) -> None:
    raw.route("/v1/items/x", _redirect_to("file:///etc/passwd"))  # type: ignore[arg-type]
    with sync_client(raw.url) as client, pytest.raises(RedirectError, match="'file'"):
        client.items.get(item_id="x")


def test_redirect_loop_ends(raw: RawServer) -> None:
    raw.route("/v1/items/x", _redirect_to("/v1/items/x"))  # type: ignore[arg-type]
    client = sync_client(raw.url, http_client=httpx.Client(follow_redirects=True, max_redirects=3))
    with client, pytest.raises(RedirectError, match="more than 3 redirects"):
        client.items.get(item_id="x")
    assert len(raw.requests) == 4


def test_client_that_does_not_follow_redirects_gets_the_redirect_as_an_error(raw: RawServer) -> None:
    raw.route("/v1/items/x", _redirect_to("/v1/items/y"))  # type: ignore[arg-type]
    with sync_client(raw.url, http_client=httpx.Client()) as client, pytest.raises(ApiStatusError) as caught:
        client.items.get(item_id="x")
    assert caught.value.status_code == 302 and len(raw.requests) == 1
