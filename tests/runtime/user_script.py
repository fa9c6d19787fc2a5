"""What a user writes against a generated package, using every runtime feature; `mypy --strict` must accept it
with the types asserted below, and `main()` runs it against the example app."""

from __future__ import annotations

import asyncio
import io
import pathlib
from typing import TYPE_CHECKING

import httpx
from example_api import (
    ApiResponse,
    AsyncApiResponse,
    AsyncExampleClient,
    AsyncPage,
    AsyncPaginator,
    AsyncStream,
    ExampleClient,
    ItemNotFoundError,
    MissingCredentialError,
    ServerSentEvent,
    Stream,
    SyncPage,
)
from example_api.models import Completion, CompletionChunk, ErrorBody, FileObject, Item, ItemCursorPage, ItemPatch

if TYPE_CHECKING:
    from typing_extensions import assert_type  # noqa: UP035 (typing has it from 3.11 only)
else:

    def assert_type(value: object, kind: object) -> object:
        return value


def sync_features(base_url: str, upload_path: pathlib.Path) -> list[str]:
    seen: list[str] = []
    client = ExampleClient(
        api_key="key-123",
        query_key="qk-456",
        session_key="sess-789",
        bearer_token="bearer-abc",
        username="alice",
        password="s3cret",
        access_token="oauth-xyz",
        base_url=base_url,
        timeout=httpx.Timeout(10.0, connect=2.0),
        max_retries=1,
        max_response_bytes=50_000_000,
    )
    with client:
        item = client.items.get(item_id="item-01", verbose=True, timeout=5.0, extra_headers={"X-Trace": "1"})
        assert_type(item, Item)
        created = client.items.create(name="n", extra_body={"colour": "red"}, extra_query={"dry_run": 1})
        assert_type(created, Item)
        assert_type(client.items.update(item_id="i", body=ItemPatch(name="m")), Item)
        assert_type(client.items.count(), int)
        assert_type(client.health(), str)

        page = client.items.list(limit=10)
        assert_type(page, SyncPage[Item, ItemCursorPage])
        assert_type(page.items, list[Item])
        assert_type(page.body, ItemCursorPage)
        for one in page:
            assert_type(one, Item)
            seen.append(one.id)
        for each in page.iter_pages():
            assert_type(each, SyncPage[Item, ItemCursorPage])
        if page.has_next_page():
            assert_type(page.get_next_page(), SyncPage[Item, ItemCursorPage])
        for other in client.items.list_link_header(per_page=5):
            assert_type(other, Item)

        completion = client.chat.complete(prompt="hi")
        assert_type(completion, Completion)
        stream = client.chat.complete(prompt="say it", stream=True)
        assert_type(stream, Stream[CompletionChunk])
        with stream:
            for chunk in stream:
                assert_type(chunk, CompletionChunk)
                seen.append(chunk.delta)
        either = client.chat.complete(prompt="x", stream=len(seen) > 1000)
        assert_type(either, Completion | Stream[CompletionChunk])
        with client.chat.events() as texts:
            for event in texts.events():
                assert_type(event, ServerSentEvent)
                seen.append(event.event)

        with open(upload_path, "rb") as handle:
            uploads: list[FileObject] = [
                client.files.upload(file=b"raw bytes"),
                client.files.upload(file=io.BytesIO(b"in memory")),
                client.files.upload(file=handle, purpose="p"),
                client.files.upload(file=upload_path),
                client.files.upload(file=("name.txt", b"content")),
                client.files.upload(file=("name.csv", io.BytesIO(b"a,b"), "text/csv")),
                client.files.put_content(file_id="f", content=upload_path),
            ]
        seen += [upload.filename for upload in uploads]
        assert_type(client.files.download(file_id="f"), bytes)

        raw = client.items.with_raw_response.get(item_id="item-02")
        assert_type(raw, ApiResponse[Item])
        assert_type(raw.parse(), Item)
        assert_type(raw.status_code, int)
        assert_type(raw.headers, httpx.Headers)
        assert_type(raw.content, bytes)
        raw_page = client.items.with_raw_response.list(limit=3)
        assert_type(raw_page.parse(), SyncPage[Item, ItemCursorPage])
        with client.files.with_streaming_response.download(file_id="f") as response:
            assert_type(response, ApiResponse[bytes])
            total = sum(len(piece) for piece in response.iter_bytes())
        seen.append(str(total))

        try:
            client.items.get(item_id="missing")
        except ItemNotFoundError as error:
            assert_type(error.parsed, ErrorBody | None)
            seen.append(error.parsed.code if error.parsed else "")
    try:
        ExampleClient(base_url=base_url).items.get(item_id="x")
    except MissingCredentialError as error:
        seen.append(type(error).__name__)
    return seen


async def async_features(base_url: str, upload_path: pathlib.Path) -> list[str]:
    seen: list[str] = []
    async with AsyncExampleClient(
        api_key="key-123", username="alice", password="s3cret", access_token="oauth-xyz", base_url=base_url
    ) as client:
        assert_type(await client.items.get(item_id="item-01"), Item)
        async for one in client.items.list(limit=10):
            assert_type(one, Item)
            seen.append(one.id)
        pending = client.items.list(limit=10)
        assert_type(pending, AsyncPaginator[Item, ItemCursorPage])
        first = await pending
        assert_type(first, AsyncPage[Item, ItemCursorPage])
        async for each in first.iter_pages():
            assert_type(each.items, list[Item])
        stream = await client.chat.complete(prompt="say it", stream=True)
        assert_type(stream, AsyncStream[CompletionChunk])
        async with stream:
            async for chunk in stream:
                assert_type(chunk, CompletionChunk)
                seen.append(chunk.delta)
        assert_type(await client.chat.complete(prompt="x"), Completion)
        uploaded = await client.files.upload(file=("a.txt", upload_path, "text/plain"))
        assert_type(uploaded, FileObject)
        raw = await client.items.with_raw_response.get(item_id="item-02")
        assert_type(raw, AsyncApiResponse[Item])
        assert_type(await raw.parse(), Item)
        async with client.files.with_streaming_response.download(file_id="f") as response:
            assert_type(response, AsyncApiResponse[bytes])
            async for piece in response.aiter_bytes():
                assert_type(piece, bytes)
        async with client.chat.with_streaming_response.complete(prompt="a b", stream=True) as streamed:
            events = await streamed.parse()
            assert_type(events, AsyncStream[CompletionChunk])
    return seen


def main(base_url: str, upload_path: pathlib.Path) -> tuple[list[str], list[str]]:
    return sync_features(base_url, upload_path), asyncio.run(async_features(base_url, upload_path))
