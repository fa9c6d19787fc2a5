"""What an answer or a request holds at the edges of HTTP, through a package generated from tests/specs/wire-edges.yaml
and a server on 127.0.0.1 that writes raw bytes: a `default`-only response, a HEAD's Content-Length, an error body
cut short, cookies beside the client's jar, a next link that carries the query on, and credentials hidden from
messages in every spelling a request gives them."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.client.support.generate import SPECS, Generated, generate
from tests.runtime.rawserver import RawRequest, RawServer, head, respond


def edges() -> Generated:
    return generate(SPECS / "wire-edges.yaml", "wire_edges_client")


@pytest.fixture
def raw() -> Iterator[RawServer]:
    with RawServer() as server:
        yield server


def _json(status: int, value: Any, headers: dict[str, str] | None = None) -> Any:
    def handler(request: RawRequest, conn: socket.socket) -> None:
        respond(conn, status, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})})

    return handler


def _both(gen: Generated, url: str, call: Any, **options: Any) -> list[Any]:
    """`call(client)` on the sync client and on the async one: what each returned or raised."""
    outcomes: list[Any] = []
    with gen.module.WireEdgesClient(base_url=url, **options) as client:
        try:
            outcomes.append(call(client))
        except Exception as exc:
            outcomes.append(exc)

    async def main() -> Any:
        async with gen.module.AsyncWireEdgesClient(base_url=url, **options) as client:
            try:
                return await call(client)
            except Exception as exc:
                return exc

    outcomes.append(asyncio.run(main()))
    return outcomes


def test_a_default_only_response_describes_the_successes_and_the_errors(raw: RawServer) -> None:
    gen = edges()
    raw.route("/v1/report", _json(200, {"id": "r1"}))
    for got in _both(gen, raw.url, lambda c: c.edges.get_report()):
        assert got == gen.models.Report(id="r1")
    raw.route("/v1/report", _json(404, {"id": "gone"}))
    for got in _both(gen, raw.url, lambda c: c.edges.get_report()):
        assert isinstance(got, gen.module.NotFoundError)
        assert got.parsed == gen.models.Report(id="gone")


def test_a_head_answer_has_no_body_whatever_its_content_length(raw: RawServer) -> None:
    gen = edges()

    def big(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "application/zip"}, length=200 * 1024 * 1024))

    raw.route("/v1/files/report.zip", big)
    assert _both(gen, raw.url, lambda c: c.edges.head_file(name="report.zip")) == [None, None]
    assert [r.method for r in raw.requests] == ["HEAD", "HEAD"]


def test_an_error_body_cut_short_still_raises_the_status_error(raw: RawServer) -> None:
    gen = edges()

    def cut(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(500, {"Content-Type": "application/json"}, length=100) + b'{"mess')

    raw.route("/v1/jobs", cut)
    for got in _both(gen, raw.url, lambda c: c.edges.create_job()):
        assert isinstance(got, gen.module.InternalServerError), repr(got)
        assert got.status_code == 500
        assert got.parsed is None and "could not be read" in (got.parse_error or "")


def test_a_cookie_parameter_joins_the_cookies_of_the_client(raw: RawServer) -> None:
    gen = edges()
    raw.route("/v1/prefs", lambda request, conn: respond(conn, 204))
    url = raw.url
    with gen.module.WireEdgesClient(
        base_url=url, http_client=httpx.Client(cookies={"session": "S1", "theme": "light"})
    ) as client:
        client.edges.get_prefs(theme="dark")
        client.edges.get_prefs()
    sent = [request.headers.get("cookie") for request in raw.requests]
    # The call's own cookie replaces the jar's of the same name, and the jar's other cookies go with it.
    assert sorted(sent[0].split("; ")) == ["session=S1", "theme=dark"]
    assert sorted(sent[1].split("; ")) == ["session=S1", "theme=light"]


def test_a_next_link_that_carries_the_query_does_not_get_it_twice(raw: RawServer) -> None:
    gen = edges()

    def pages(request: RawRequest, conn: socket.socket) -> None:
        page = dict(request.query).get("page", "1")
        link = {"Link": f'<{raw.url}/issues?page=2&state=open>; rel="next"'} if page == "1" else {}
        items = [{"id": 1}, {"id": 2}] if page == "1" else [{"id": 3}]
        _json(200, items, link)(request, conn)

    raw.route("/v1/issues", pages)
    options = {"extra_query": {"state": "open"}}
    with gen.module.WireEdgesClient(base_url=raw.url) as client:
        assert [issue.id for issue in client.edges.list_issues(**options)] == [1, 2, 3]
    assert [request.query for request in raw.requests] == [[("state", "open")], [("page", "2"), ("state", "open")]]


@pytest.mark.parametrize("secret", ["s3cr3t/Key+base64==", "key with spaces & more", "ümlaut-key"])
def test_a_query_key_is_hidden_in_every_spelling_a_server_may_echo(raw: RawServer, secret: str) -> None:
    gen = edges()

    def echo(request: RawRequest, conn: socket.socket) -> None:
        value = json.dumps({"message": f"forbidden: GET {request.target}", "raw": dict(request.query).get("key")})
        respond(conn, 403, value.encode(), {"Content-Type": "application/json"})

    raw.route("/v1/secure", echo)
    for got in _both(gen, raw.url, lambda c: c.edges.get_secure(), api_key=secret):
        assert isinstance(got, gen.module.PermissionDeniedError)
        assert "forbidden: GET /v1/secure?key=***" in str(got)
        target = raw.requests[0].target
        spelled = target.split("key=", 1)[1]
        assert spelled not in str(got) and secret not in str(got)


def test_a_short_credential_is_hidden_only_where_it_stands_alone(raw: RawServer) -> None:
    gen = edges()
    raw.route("/v1/basic", _json(404, {"message": "resource e not found", "user": "e"}))
    for got in _both(gen, raw.url, lambda c: c.edges.get_basic(), username="e", password="pw"):
        assert isinstance(got, gen.module.NotFoundError)
        assert 'answered 404: {"message": "resource *** not found", "user": "***"}' in str(got)


def test_a_call_asks_for_the_media_types_its_successes_are_declared_in(raw: RawServer) -> None:
    gen = edges()

    def versioned(request: RawRequest, conn: socket.socket) -> None:
        v2 = request.headers.get("accept") == "application/vnd.acme.v2+json"
        body = {"full_name": "Ada Lovelace"} if v2 else {"first": "Ada", "last": "Lovelace"}
        respond(conn, 200, json.dumps(body).encode(), {"Content-Type": "application/vnd.acme.v2+json"})

    raw.route("/v1/user", versioned)
    raw.route(
        "/v1/archive", lambda request, conn: respond(conn, 200, b"PK\x03\x04", {"Content-Type": "application/zip"})
    )
    for got in _both(gen, raw.url, lambda c: c.edges.get_user()):
        assert got.full_name == "Ada Lovelace"
    assert _both(gen, raw.url, lambda c: c.edges.get_archive()) == [b"PK\x03\x04"] * 2
    assert [r.headers.get("accept") for r in raw.requests if r.path == "/v1/archive"] == ["application/zip"] * 2
    raw.route("/v1/report", _json(200, {"id": "r1"}))
    _both(gen, raw.url, lambda c: c.edges.get_report())
    assert [r.headers.get("accept") for r in raw.requests if r.path == "/v1/report"] == ["application/json"] * 2


def test_where_anonymous_calls_are_allowed_a_credential_given_is_still_sent(raw: RawServer) -> None:
    """`security: [{}, {queryKey: []}]`: anyone may call, and a caller with a key is known by it."""
    gen = edges()
    raw.route("/v1/anyone", _json(200, {"id": "r"}))
    assert _both(gen, raw.url, lambda c: c.edges.get_anyone()) == [gen.models.Report(id="r")] * 2
    assert _both(gen, raw.url, lambda c: c.edges.get_anyone(), api_key="k1") == [gen.models.Report(id="r")] * 2
    assert [request.query for request in raw.requests] == [[], [], [("key", "k1")], [("key", "k1")]]


def test_a_parameter_described_by_a_json_media_type_is_sent_as_json_text(raw: RawServer) -> None:
    """`content: {application/json: ...}` instead of a schema: each value is one JSON text, percent-encoded in
    the path and the query, as it is in a header; a null inside it, which no style could send, is JSON's."""
    gen = edges()
    where = ["a", "b/c"]
    path = "/v1/search/" + quote(json.dumps(where, separators=(",", ":")), safe="")
    raw.route(path, _json(200, {"id": "r"}))
    filter_ = gen.models.SearchFilter(tags=["x", None, "y z"], size=2)
    for got in _both(gen, raw.url, lambda c: c.edges.search(where=where, filter=filter_, x_sort={"name": "désc"})):
        assert got == gen.models.Report(id="r")
    for request in raw.requests:
        assert request.path == path
        assert request.query == [("filter", '{"tags":["x",null,"y z"],"size":2}')]
        assert request.headers["x-sort"] == '{"name":"d\\u00e9sc"}'
        assert json.loads(request.headers["x-sort"]) == {"name": "désc"}


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "utf-16"])
def test_a_json_body_in_the_charset_its_response_names_is_read_in_that_charset(raw: RawServer, charset: str) -> None:
    gen = edges()

    def answer(status: int) -> Any:
        def handler(request: RawRequest, conn: socket.socket) -> None:
            body = json.dumps({"id": "café"}, ensure_ascii=False).encode(charset)
            respond(conn, status, body, {"Content-Type": f"application/json; charset={charset}"})

        return handler

    raw.route("/v1/report", answer(200))
    assert _both(gen, raw.url, lambda c: c.edges.get_report()) == [gen.models.Report(id="café")] * 2
    raw.route("/v1/report", answer(404))
    for got in _both(gen, raw.url, lambda c: c.edges.get_report()):
        assert isinstance(got, gen.module.NotFoundError) and got.parsed == gen.models.Report(id="café")


def test_a_json_body_that_is_not_in_the_charset_it_names_is_an_error_not_a_guess(raw: RawServer) -> None:
    gen = edges()
    body = b'{"id": "caf\xa1"}'  # a byte ISO-8859-6 leaves undefined

    raw.route(
        "/v1/report",
        lambda request, conn: respond(conn, 200, body, {"Content-Type": "application/json; charset=iso-8859-6"}),
    )
    for got in _both(gen, raw.url, lambda c: c.edges.get_report(), max_retries=0):
        assert isinstance(got, gen.module.ResponseValidationError)
        assert "is not JSON" in str(got)
