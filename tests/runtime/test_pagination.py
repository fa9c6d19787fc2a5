"""The four pagination shapes against the example app: every item once and in order, one request per page,
lazily, sync and async; and the guards that keep a misread pager from looping or leaving the API."""

from __future__ import annotations

from typing import Any

import pytest
from example_api import PaginationError

from tests.runtime.conftest import Server
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
