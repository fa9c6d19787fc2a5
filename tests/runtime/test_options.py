"""Per-call options and escape hatches reaching the server, raw and streamed responses as thin wrappers, typed
errors with their parsed bodies, and what a caller-supplied httpx client keeps."""

from __future__ import annotations

import io

import httpx
import pytest
from example_api import ApiResponse, ItemNotFoundError, ResponseValidationError
from example_api.models import ErrorBody, Item, ItemPatch

from tests.runtime.conftest import Server
from tests.runtime.support import async_client, run, sync_client


def test_extra_query_body_and_headers_reach_the_server(server: Server) -> None:
    with sync_client(server.url) as client:
        item = client.items.create(
            name="n",
            tags=["a"],
            extra_headers={"X-Trace": "t-1"},
            extra_query={"dry_run": True, "ids": ["1", "2"]},
            extra_body={"colour": "red", "tags": ["replaced"]},
        )
    assert item == Item(id="item-new", name="n", tags=["replaced"])
    seen = server.requests[0]
    assert seen.headers["x-trace"] == "t-1"
    assert seen.query == [("dry_run", "true"), ("ids", "1"), ("ids", "2")]
    assert seen.json() == {"name": "n", "tags": ["replaced"], "colour": "red"}


def test_async_extra_query_body_and_headers_reach_the_server(server: Server) -> None:
    async def main() -> None:
        async with async_client(server.url) as client:
            await client.items.create(
                name="n", extra_headers={"X-Trace": "t-2"}, extra_query={"q": "1"}, extra_body={"colour": "blue"}
            )

    run(main())
    seen = server.requests[0]
    assert (seen.headers["x-trace"], seen.query, seen.json()) == ("t-2", [("q", "1")], {"name": "n", "colour": "blue"})


def test_extra_options_replace_what_the_method_would_send(server: Server) -> None:
    with sync_client(server.url) as client:
        client.items.get(
            item_id="item-01",
            verbose=True,
            request_id="r-1",
            extra_query={"verbose": "no"},
            extra_headers={"X-Request-Id": "r-2"},
        )
    seen = server.requests[0]
    assert seen.query == [("verbose", "no")]
    assert seen.headers.get_list("x-request-id") == ["r-2"]


def test_extra_body_reaches_form_and_multipart_bodies(server: Server) -> None:
    with sync_client(server.url) as client:
        client.items.search(q="Item 2", tags=["x", "y"], extra_body={"page": 2})
        client.files.upload(file=b"data", extra_body={"note": "hello"})
    form, multipart = server.requests
    assert bytes(form.body) == b"q=Item+2&tags=x&tags=y&page=2"
    assert b'name="note"\r\n\r\nhello' in multipart.body


def test_extra_body_on_a_binary_body_is_refused_before_sending(server: Server) -> None:
    with sync_client(server.url) as client, pytest.raises(TypeError, match="binary"):
        client.files.put_content(file_id="f", content=b"x", extra_body={"a": 1})
    assert server.requests == []


def test_whole_body_argument_and_header_parameter(server: Server) -> None:
    with sync_client(server.url) as client:
        assert client.items.update(item_id="i", body=ItemPatch(tags=["t"])) == Item(
            id="i", name="unchanged", tags=["t"]
        )
    assert server.requests[0].json() == {"tags": ["t"]}


def test_untagged_operation_is_a_method_of_the_client(server: Server) -> None:
    with sync_client(server.url) as client:
        assert client.health() == "ok"


def test_raw_response_has_status_headers_body_and_the_parsed_value(server: Server) -> None:
    with sync_client(server.url) as client:
        raw = client.items.with_raw_response.get(item_id="item-03")
        assert isinstance(raw, ApiResponse)
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "application/json"
        assert raw.json() == {"id": "item-03", "name": "Item 3"}
        assert raw.content == b'{"id":"item-03","name":"Item 3"}'
        assert raw.parse() == raw.parsed == Item(id="item-03", name="Item 3")
        assert client.with_raw_response.health().text() == "ok"


def test_async_raw_response(server: Server) -> None:
    async def main() -> tuple[int, Item]:
        async with async_client(server.url) as client:
            raw = await client.items.with_raw_response.get(item_id="item-04")
            return raw.status_code, await raw.parse()

    assert run(main()) == (200, Item(id="item-04", name="Item 4"))


def test_streaming_response_is_unread_until_asked(server: Server) -> None:
    with sync_client(server.url) as client:
        with client.items.with_streaming_response.get(item_id="item-05") as response:
            assert not response.is_closed
            assert list(response.iter_lines()) == ['{"id":"item-05","name":"Item 5"}']
        assert response.is_closed


def test_typed_error_carries_its_parsed_body(server: Server) -> None:
    with sync_client(server.url) as client, pytest.raises(ItemNotFoundError) as caught:
        client.items.get(item_id="missing")
    error = caught.value
    assert (error.status_code, error.parsed) == (404, ErrorBody(code="not_found", message="no item missing"))
    assert error.body == b'{"code":"not_found","message":"no item missing"}'
    assert "GET /v1/items/missing answered 404" in str(error)


def test_body_of_the_wrong_shape_is_a_validation_error_with_the_raw_response(server: Server) -> None:
    with sync_client(server.url) as client, pytest.raises(ResponseValidationError) as caught:
        client.items.get(item_id="wrong-shape")
    assert caught.value.body == b'{"id":7}'
    assert caught.value.response.status_code == 200
    assert "id" in caught.value.path


def test_caller_supplied_client_keeps_its_defaults_and_stays_open(server: Server) -> None:
    http = httpx.Client(headers={"X-Team": "blue"}, params={"tenant": "t1"})
    with sync_client(server.url, http_client=http) as client:
        client.items.get(item_id="item-01")
    assert not http.is_closed
    seen = server.requests[0]
    assert seen.headers["x-team"] == "blue" and ("tenant", "t1") in seen.query
    http.close()


def test_per_call_options_override_the_clients(server: Server) -> None:
    with sync_client(server.url, max_response_bytes=10) as client:
        assert client.items.get(item_id="item-01", max_response_bytes=None).id == "item-01"
        assert client.files.download(file_id="f", max_response_bytes=10_000_000, timeout=30, max_retries=0)


def test_bad_option_values_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        sync_client("http://127.0.0.1:9", max_retries=-1)
    with pytest.raises(ValueError, match="max_response_bytes"):
        sync_client("http://127.0.0.1:9", max_response_bytes=0)
    with pytest.raises(ValueError, match="base_url"):
        sync_client("ftp://example.com")


def test_file_object_and_bytes_are_never_confused_with_form_fields(server: Server) -> None:
    with sync_client(server.url) as client:
        client.files.upload(file=io.BytesIO(b"abc"), purpose="p")
    assert b'name="purpose"\r\n\r\np' in server.requests[0].body


def test_a_misspelt_keyword_is_refused_not_dropped(server: Server) -> None:
    """`**options` takes any keyword at run time: one that names no option is an error, as Python's own, sync,
    async and for a paginated method, before anything is sent."""
    with sync_client(server.url) as client:
        with pytest.raises(TypeError, match="unexpected keyword argument 'filter_'"):
            client.items.get(item_id="1", filter_="x")  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="unexpected keyword argument 'filter_'"):
            client.items.list(filter_="x")  # type: ignore[call-arg]

    async def main() -> None:
        async with async_client(server.url) as client:
            with pytest.raises(TypeError, match="unexpected keyword argument 'filter_'"):
                await client.items.get(item_id="1", filter_="x")  # type: ignore[call-arg]
            with pytest.raises(TypeError, match="unexpected keyword argument 'filter_'"):
                client.items.list(filter_="x")  # type: ignore[call-arg]

    run(main())
    assert server.requests == []
