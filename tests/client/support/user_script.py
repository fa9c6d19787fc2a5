# ruff: noqa: F841  (assignments with annotations are what mypy checks here)
"""A user's script over the package generated from tests/specs/sdk-features.yaml (as `acme`): every feature of
issue 15, written as a user would, for `mypy --strict` to check (it is type-checked, never run)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from acme import (
    AcmeClient,
    ApiResponse,
    AsyncAcmeClient,
    AsyncPaginator,
    FileTypes,
    MissingCredentialError,
    ProblemNotFoundError,
    Stream,
    SyncPage,
)
from acme.models import Completion, CompletionChunk, FileObject, Item, ListItemsResponse


def sync_usage() -> None:
    client = AcmeClient(api_key="k", query_key="q", bearer_token="b", username="u", password="p", access_token="t")
    page: SyncPage[Item, ListItemsResponse] = client.items.list_items(limit=10)
    first: list[Item] = page.items
    body: ListItemsResponse = page.body
    for item in client.items.list_items(extra_query={"flag": "1"}, timeout=5.0):
        name: str = item.name
    for each in page.iter_pages():
        more: list[Item] = each.items
    if page.has_next_page():
        following: SyncPage[Item, ListItemsResponse] = page.get_next_page()
    bare: list[Item] = client.items.list_items_link_header(per_page=3).items

    completion: Completion = client.chat.create_completion(prompt="hi")
    stream: Stream[CompletionChunk] = client.chat.create_completion(prompt="hi", stream=True)
    with stream:
        for chunk in stream:
            delta: str = chunk.delta
    either: Completion | Stream[CompletionChunk] = client.chat.create_completion(prompt="hi", stream=bool(name))
    for text in client.chat.chat_events():
        line: str = text

    uploads: list[FileTypes] = [
        b"bytes",
        io.BytesIO(b"bytes"),
        Path("photo.png"),
        ("photo.png", b"bytes"),
        ("photo.png", b"bytes", "image/png"),
        ("photo.png", open("photo.png", "rb")),  # noqa: SIM115
    ]
    for upload in uploads:
        stored: FileObject = client.files.upload_file(file=upload, purpose="avatar")
    many: list[FileObject] = client.files.upload_files(files=uploads)
    client.files.put_file_content(file_id="f", body=Path("blob.bin"))
    content: bytes = client.files.download_file(file_id="f")
    with client.files.with_streaming_response.download_file(file_id="f") as response:
        for piece in response.iter_bytes():
            size: int = len(piece)
    raw: ApiResponse[Item] = client.items.with_raw_response.get_item(item_id="i")
    parsed: Item = raw.parse()

    created: Item = client.items.create_item(
        name="n", tags=["a"], extra_body={"colour": "red"}, extra_headers={"X-Trace": "1"}, max_retries=0
    )
    health: str = client.health()
    try:
        client.items.get_item(item_id="missing")
    except ProblemNotFoundError as error:
        detail: str | None = error.parsed.detail if error.parsed else None
    except MissingCredentialError:
        pass
    client.close()


async def async_usage() -> None:
    async with AsyncAcmeClient(access_token="t", api_key="k") as client:
        paginator: AsyncPaginator[Item, ListItemsResponse] = client.items.list_items()
        async for item in paginator:
            name: str = item.name
        first = await client.items.list_items()
        items: list[Item] = first.items
        async for each in first.iter_pages():
            more: list[Item] = each.items
        stream = await client.chat.create_completion(prompt="hi", stream=True)
        async with stream:
            async for chunk in stream:
                delta: str = chunk.delta
        completion: Completion = await client.chat.create_completion(prompt="hi")
        stored: FileObject = await client.files.upload_file(file=("a.txt", b"a", "text/plain"))
        async with client.files.with_streaming_response.download_file(file_id="f") as response:
            async for piece in response.aiter_bytes():
                size: int = len(piece)
        raw = await client.items.with_raw_response.get_item(item_id="i")
        parsed: Item = await raw.parse()


asyncio.run(async_usage())
