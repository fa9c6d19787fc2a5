"""The four pagination shapes against the example app: every item once and in order, one request per page,
lazily, sync and async; and the guards that keep a misread pager from looping or leaving the API."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from example_api import PaginationError
from example_api._http import Endpoint, PageNumberPager, Param

from tests.runtime import app
from tests.runtime.conftest import Server
from tests.runtime.rawserver import RawRequest, RawServer, respond
from tests.runtime.support import ALL_IDS, async_client, run, sync_client

SHAPES: list[tuple[str, dict[str, Any], str]] = [
    ("list", {"limit": 5}, "/v1/items"),
    ("list_has_more", {"limit": 5}, "/v1/items-has-more"),
    ("list_offset", {"limit": 5}, "/v1/items-offset"),
    ("list_offset", {}, "/v1/items-offset"),  # no limit given: ends at `total`
    ("list_numbered", {"per_page": 5}, "/v1/items-numbered"),
    ("list_linked", {"page_size": 5}, "/v1/items-linked"),
    ("list_link_header", {"per_page": 5}, "/v1/items-link-header"),
]


def _paths(server: Server) -> list[str]:
    return [seen.path for seen in server.requests]


@pytest.mark.parametrize(("method", "args", "path"), SHAPES)
def test_every_item_once_in_order_with_one_request_per_page(
    server: Server, method: str, args: dict[str, Any], path: str
) -> None:
    with sync_client(server.url) as client:
        page = getattr(client.items, method)(**args)
        assert [item.id for item in page.items] == ALL_IDS[:5]
        assert len(server.requests) == 1, "reading the first page's items costs exactly one request"
        assert [item.id for item in page] == ALL_IDS
    assert _paths(server) == [path] * 5


@pytest.mark.parametrize(("method", "args", "path"), SHAPES)
def test_async_every_item_once_in_order_without_a_first_await(
    server: Server, method: str, args: dict[str, Any], path: str
) -> None:
    async def main() -> list[str]:
        async with async_client(server.url) as client:
            return [item.id async for item in getattr(client.items, method)(**args)]

    assert run(main()) == ALL_IDS
    assert _paths(server) == [path] * 5


def test_async_paginated_method_sends_nothing_until_awaited_or_iterated(server: Server) -> None:
    async def main() -> None:
        async with async_client(server.url) as client:
            pending = client.items.list(limit=5)
            assert server.requests == []
            page = await pending
            assert [item.id for item in page.items] == ALL_IDS[:5]
            assert len(server.requests) == 1
            pages = [p async for p in page.iter_pages()]
            assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
            assert pages[0] is page
            assert not pages[-1].has_next_page()

    run(main())
    assert len(server.requests) == 5


def test_page_walking_interface_keeps_the_decoded_body(server: Server) -> None:
    with sync_client(server.url) as client:
        page = client.items.list(limit=10)
        assert page.body.next_cursor == "item-09"
        assert page.has_next_page()
        second = page.get_next_page()
        assert second is page.get_next_page(), "a page is fetched once"
        assert [item.id for item in second.items] == ALL_IDS[10:20]
        pages = list(page.iter_pages())
        assert pages[0] is page and pages[1] is second
        assert not pages[-1].has_next_page()
        with pytest.raises(RuntimeError):
            pages[-1].get_next_page()
    assert len(server.requests) == 3


def test_repeated_cursor_stops_instead_of_looping(server: Server) -> None:
    with sync_client(server.url) as client:
        items = list(client.items.list(limit=3, extra_query={"misbehave": "repeat"}))
    assert [item.id for item in items] == ALL_IDS[:6]
    assert len(server.requests) == 2


def test_repeated_next_link_stops_instead_of_looping(server: Server) -> None:
    with sync_client(server.url) as client:
        items = list(client.items.list_linked(page_size=5, extra_query={"misbehave": "repeat"}))
    assert len(items) == 10
    assert len(server.requests) == 2


def test_next_link_to_the_page_itself_stops_after_it(server: Server) -> None:
    with sync_client(server.url) as client:
        items = list(client.items.list_link_header(per_page=5, extra_query={"misbehave": "self"}))
    assert [item.id for item in items] == ALL_IDS[:5]
    assert len(server.requests) == 1

    async def walk() -> list[str]:
        async with async_client(server.url) as client:
            pages = client.items.list_link_header(per_page=5, extra_query={"misbehave": "self"})
            return [item.id async for item in pages]

    assert run(walk()) == ALL_IDS[:5]
    assert len(server.requests) == 2


def test_empty_page_stops_even_with_a_cursor(server: Server) -> None:
    with sync_client(server.url) as client:
        items = list(client.items.list(limit=5, extra_query={"misbehave": "empty"}))
    assert [item.id for item in items] == ALL_IDS[:5]
    assert len(server.requests) == 2


def test_offset_without_total_or_limit_ends_at_the_empty_page(server: Server) -> None:
    with sync_client(server.url) as client:
        items = list(client.items.list_offset(extra_query={"misbehave": "no-total"}))
    assert [item.id for item in items] == ALL_IDS
    assert [dict(seen.query)["offset"] for seen in server.requests[1:]] == ["5", "10", "15", "20", "23"]


def test_next_link_to_another_origin_is_never_followed(server: Server) -> None:
    with sync_client(server.url) as client:
        page = client.items.list_linked(page_size=5, extra_query={"misbehave": "elsewhere"})
        assert page.has_next_page()
        with pytest.raises(PaginationError, match="leaves"):
            page.get_next_page()
    assert len(server.requests) == 1


def test_extra_query_reaches_every_page(server: Server) -> None:
    with sync_client(server.url) as client:
        assert len(list(client.items.list_linked(page_size=10, extra_query={"trace": "t1"}))) == 23
    assert [dict(seen.query).get("trace") for seen in server.requests] == ["t1", "t1", "t1"]


def test_raw_response_of_a_paginated_method_parses_to_its_page(server: Server) -> None:
    with sync_client(server.url) as client:
        raw = client.items.with_raw_response.list(limit=20)
        assert raw.status_code == 200
        page = raw.parse()
        assert [item.id for item in page] == ALL_IDS
    assert len(server.requests) == 2


def test_async_raw_and_streamed_responses_of_a_paginated_method(server: Server) -> None:
    async def main() -> None:
        async with async_client(server.url) as client:
            raw = await client.items.with_raw_response.list(limit=20)
            page = await raw.parse()
            assert [item.id async for item in page] == ALL_IDS
            async with client.items.with_streaming_response.list_offset(limit=20) as response:
                first = await response.parse()
                assert [item.id for item in first.items] == ALL_IDS[:20]

    run(main())


def test_async_repeated_cursor_and_empty_page_stop_instead_of_looping(server: Server) -> None:
    async def main() -> tuple[int, int]:
        async with async_client(server.url) as client:
            repeated = [item async for item in client.items.list(limit=3, extra_query={"misbehave": "repeat"})]
            empty = [item async for item in client.items.list(limit=5, extra_query={"misbehave": "empty"})]
            return len(repeated), len(empty)

    assert run(main()) == (6, 5)
    assert len(server.requests) == 4


# --- servers that cap the page size or ignore the position ---------------------------------------------------

COUNTED: Endpoint[dict[str, Any], dict[str, Any]] = Endpoint(
    name="items.list_counted",
    method="GET",
    path=("/items-counted",),
    params=(Param("page", "page", "query"), Param("per_page", "per_page", "query")),
    responses={"200": ("json", dict[str, Any])},
    pager=PageNumberPager(items=("results",), page="page", size="per_page", total=("total",)),
)


def _serve(raw: RawServer, *, cap: int = 100, totals: bool = True, ignore_position: bool = False) -> None:
    """The three page shapes over app.ITEMS: at most `cap` items a page whatever was asked, with or without the
    totals, and optionally the first page whatever offset or page was asked for."""

    def answer(conn: socket.socket, body: dict[str, Any]) -> None:
        respond(conn, 200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def offset(request: RawRequest, conn: socket.socket) -> None:
        query = dict(request.query)
        start = 0 if ignore_position else int(query.get("offset", 0))
        body: dict[str, Any] = {"items": app.ITEMS[start : start + min(int(query.get("limit", 5)), cap)]}
        answer(conn, {**body, "total": len(app.ITEMS)} if totals else body)

    def numbered(request: RawRequest, conn: socket.socket) -> None:
        query = dict(request.query)
        page = 1 if ignore_position else int(query.get("page", 1))
        size = min(int(query.get("per_page", 5)), cap)
        body: dict[str, Any] = {"results": app.ITEMS[(page - 1) * size : page * size]}
        if totals and request.path.endswith("numbered"):
            body["total_pages"] = -(-len(app.ITEMS) // size)
        if totals and request.path.endswith("counted"):
            body["total"] = len(app.ITEMS)
        answer(conn, body)

    raw.route("/v1/items-offset", offset)
    raw.route("/v1/items-numbered", numbered)
    raw.route("/v1/items-counted", numbered)


def _ids(items: Any) -> list[str]:
    return [item["id"] if isinstance(item, dict) else item.id for item in items]


CAPPED = [
    ("list_offset", {"limit": 50}),  # total
    ("list_numbered", {"per_page": 50}),  # total_pages
    ("list_counted", {"per_page": 50}),  # total (items)
]


def _sync_pages(client: Any, method: str, args: dict[str, Any]) -> Any:
    if method == "list_counted":
        return client._sender.paginate(COUNTED, {"page": None, **args}, {})
    return getattr(client.items, method)(**args)


@pytest.mark.parametrize(("method", "args"), CAPPED)
def test_capped_page_size_does_not_end_the_walk_when_the_body_gives_totals(
    raw: RawServer, method: str, args: dict[str, Any]
) -> None:
    _serve(raw, cap=10)
    with sync_client(raw.url) as client:
        assert _ids(_sync_pages(client, method, args)) == ALL_IDS
    assert len(raw.requests) == 3, "10 + 10 + 3 items, and nothing asked past the total"


@pytest.mark.parametrize(("method", "args"), CAPPED)
def test_async_capped_page_size_does_not_end_the_walk_when_the_body_gives_totals(
    raw: RawServer, method: str, args: dict[str, Any]
) -> None:
    _serve(raw, cap=10)

    async def main() -> list[str]:
        async with async_client(raw.url) as client:
            if method == "list_counted":
                pages = client._sender.paginate(COUNTED, {"page": None, **args}, {})
            else:
                pages = getattr(client.items, method)(**args)
            return _ids([item async for item in pages])

    assert run(main()) == ALL_IDS
    assert len(raw.requests) == 3


@pytest.mark.parametrize("per_page", [5, 23, 30])
def test_total_items_end_the_page_walk_at_its_last_page(raw: RawServer, per_page: int) -> None:
    _serve(raw)
    with sync_client(raw.url) as client:
        assert _ids(client._sender.paginate(COUNTED, {"page": None, "per_page": per_page}, {})) == ALL_IDS
    pages = -(-len(ALL_IDS) // per_page)
    assert [dict(seen.query).get("page") for seen in raw.requests] == [None] + [str(n) for n in range(2, pages + 1)]


@pytest.mark.parametrize(("method", "args"), [("list_offset", {"limit": 5}), ("list_numbered", {"per_page": 5})])
def test_short_page_ends_the_walk_when_the_body_gives_no_total(
    raw: RawServer, method: str, args: dict[str, Any]
) -> None:
    _serve(raw, totals=False)
    with sync_client(raw.url) as client:
        assert _ids(getattr(client.items, method)(**args)) == ALL_IDS
    assert len(raw.requests) == 5, "the short fifth page is the last: no empty page is asked for"


@pytest.mark.parametrize(
    ("method", "args", "totals", "parameter"),
    [
        ("list_offset", {}, False, "offset"),  # neither a limit nor a total: only an empty page would end it
        ("list_offset", {"limit": 5}, True, "offset"),
        ("list_numbered", {"per_page": 5}, False, "page"),
    ],
)
def test_server_ignoring_the_position_raises_instead_of_looping(
    raw: RawServer, method: str, args: dict[str, Any], totals: bool, parameter: str
) -> None:
    _serve(raw, totals=totals, ignore_position=True)
    received: list[str] = []
    with sync_client(raw.url) as client, pytest.raises(PaginationError, match=f"`{parameter}`"):
        for item in getattr(client.items, method)(**args):
            received.append(item.id)
            if len(received) > 50:
                break  # a walk that would never end: the assertions below say so instead of hanging
    assert received == ALL_IDS[:5], "the repeated page's items are not handed out again"
    assert len(raw.requests) == 2


def test_async_server_ignoring_the_offset_raises_instead_of_looping(raw: RawServer) -> None:
    _serve(raw, totals=False, ignore_position=True)
    received: list[str] = []

    async def main() -> None:
        async with async_client(raw.url) as client:
            async for item in client.items.list_offset():
                received.append(item.id)
                if len(received) > 50:
                    break  # a walk that would never end

    with pytest.raises(PaginationError, match="`offset`"):
        run(main())
    assert received == ALL_IDS[:5]
    assert len(raw.requests) == 2


def test_repeated_page_is_refused_when_fetched_page_by_page(raw: RawServer) -> None:
    _serve(raw, totals=False, ignore_position=True)
    with sync_client(raw.url) as client:
        first = client.items.list_numbered(per_page=5)
        assert first.has_next_page()
        with pytest.raises(PaginationError, match="the page before"):
            first.get_next_page()
