"""Issue 15's features through generated packages, against a real server on 127.0.0.1: pagination in each shape,
server-sent events, uploads and downloads, every security scheme, grouping, and the per-call escape hatches."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import io
import json
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.client.support.generate import SPECS, Generated, generate
from tests.client.support.server import Recorded, Reply, SpecServer

ITEMS = [{"id": f"i{n}", "name": f"item {n}"} for n in range(7)]
KEY = "key-0123"


def acme() -> Generated:
    return generate(SPECS / "sdk-features.yaml", "acme_client")


def chatter() -> Generated:
    return generate(SPECS / "tagless.yaml", "chatter_client")


@pytest.fixture(autouse=True)
def _no_acme_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [n for n in os.environ if n.startswith(("ACME_", "CHATTER_"))]:
        monkeypatch.delenv(name)


def query(record: Recorded) -> dict[str, str]:
    return dict(record.query)


def page_of(start: int, size: int) -> list[dict[str, str]]:
    return ITEMS[start : start + size]


def pages_server(server: SpecServer) -> None:
    """Answers the pagination operations from ITEMS, each in its own shape."""

    def cursor(record: Recorded) -> Reply:
        q = query(record)
        start = next((i + 1 for i, item in enumerate(ITEMS) if item["id"] == q.get("after")), 0)
        data = page_of(start, int(q.get("limit", 3)))
        following = data[-1]["id"] if start + len(data) < len(ITEMS) else None
        return Reply(body=json.dumps({"data": data, "next_cursor": following}).encode())

    def has_more(record: Recorded) -> Reply:
        q = query(record)
        start = next((i + 1 for i, item in enumerate(ITEMS) if item["id"] == q.get("starting_after")), 0)
        data = page_of(start, int(q.get("limit", 3)))
        return Reply(body=json.dumps({"data": data, "has_more": start + len(data) < len(ITEMS)}).encode())

    def offset(record: Recorded) -> Reply:
        q = query(record)
        data = page_of(int(q.get("offset", 0)), int(q.get("limit", 3)))
        return Reply(body=json.dumps({"items": data, "total": len(ITEMS)}).encode())

    def pages(record: Recorded) -> Reply:
        q = query(record)
        size = int(q.get("per_page", 3))
        data = page_of((int(q.get("page", 1)) - 1) * size, size)
        return Reply(body=json.dumps({"results": data, "total_pages": math.ceil(len(ITEMS) / size)}).encode())

    def linked(record: Recorded) -> Reply:
        q = query(record)
        size, start = int(q.get("page_size", 3)), int(q.get("start", 0))
        following = f"{server.url}/items-linked?page_size={size}&start={start + size}"
        links = {"next": following if start + size < len(ITEMS) else None}
        return Reply(body=json.dumps({"data": page_of(start, size), "links": links}).encode())

    def link_header(record: Recorded) -> Reply:
        q = query(record)
        size, page = int(q.get("per_page", 3)), int(q.get("page", 1))
        headers = {"Content-Type": "application/json"}
        if page * size < len(ITEMS):
            headers["Link"] = f'<{server.prefix}/items-link-header?per_page={size}&page={page + 1}>; rel="next"'
        return Reply(headers=headers, body=json.dumps(page_of((page - 1) * size, size)).encode())

    def declared(record: Recorded) -> Reply:
        start = int(query(record).get("token", 0))
        following = str(start + 3) if start + 3 < len(ITEMS) else None
        meta = {"following": following} if following else {}
        return Reply(body=json.dumps({"entries": page_of(start, 3), "meta": meta}).encode())

    server.handlers.update(
        {
            "GET /items": cursor,
            "GET /items-has-more": has_more,
            "GET /items-offset": offset,
            "GET /items-pages": pages,
            "GET /items-linked": linked,
            "GET /items-link-header": link_header,
            "GET /items-declared": declared,
        }
    )


@pytest.fixture
def server() -> Iterator[SpecServer]:
    secrets = {"ApiKeyAuth": KEY, "QueryKey": KEY, "BasicAuth": "ann:secret", "OAuth": "tok", "BearerAuth": "bear"}
    with SpecServer(acme().spec, prefix="/v1", secrets=secrets) as running:
        pages_server(running)
        yield running


def client(server: SpecServer, **credentials: str) -> Any:
    gen = acme()
    given = {"api_key": KEY, "query_key": KEY, **credentials}
    return getattr(gen.module, gen.package.client.class_name)(base_url=server.url, **given)


def async_client(server: SpecServer, **credentials: str) -> Any:
    gen = acme()
    given = {"api_key": KEY, "query_key": KEY, **credentials}
    return getattr(gen.module, gen.package.client.async_class_name)(base_url=server.url, **given)


# --- pagination --------------------------------------------------------------------------------------------

SHAPES = {
    "list_items": {"limit": 3},
    "list_items_has_more": {"limit": 3},
    "list_items_offset": {"limit": 3},
    "list_items_pages": {"per_page": 3},
    "list_items_linked": {"page_size": 3},
    "list_items_link_header": {"per_page": 3},
    "list_items_declared": {},
}


@pytest.mark.parametrize("method", sorted(SHAPES))
def test_every_item_once_in_order_one_request_per_page(server: SpecServer, method: str) -> None:
    items = [item.id for item in getattr(client(server).items, method)(**SHAPES[method])]
    assert items == [item["id"] for item in ITEMS]
    assert len(server.requests) == 3  # 3 + 3 + 1 items
    assert server.problems == []


@pytest.mark.parametrize("method", sorted(SHAPES))
def test_pages_are_fetched_lazily_and_walk_in_order(server: SpecServer, method: str) -> None:
    page = getattr(client(server).items, method)(**SHAPES[method])
    assert [item.id for item in page.items] == ["i0", "i1", "i2"]
    assert len(server.requests) == 1  # reading the first page's items costs one request
    assert page.has_next_page()
    assert page.body is not None
    pages = list(page.iter_pages())
    assert pages[0] is page
    assert [[i.id for i in p.items] for p in pages] == [["i0", "i1", "i2"], ["i3", "i4", "i5"], ["i6"]]
    assert not pages[-1].has_next_page()
    assert len(server.requests) == 3


@pytest.mark.parametrize("method", sorted(SHAPES))
def test_async_pagination_needs_no_first_await(server: SpecServer, method: str) -> None:
    async def main() -> tuple[list[str], list[str]]:
        async with async_client(server) as api:
            every = [item.id async for item in getattr(api.items, method)(**SHAPES[method])]
            first = await getattr(api.items, method)(**SHAPES[method])
            return every, [item.id for item in first.items]

    every, first = asyncio.run(main())
    assert every == [item["id"] for item in ITEMS]
    assert first == ["i0", "i1", "i2"]
    assert len(server.requests) == 4


def test_a_page_that_repeats_the_page_before_stops_the_walk_loudly(server: SpecServer) -> None:
    server.handlers["GET /items"] = lambda record: Reply(
        body=json.dumps({"data": page_of(0, 2), "next_cursor": "same"}).encode()
    )
    seen: list[Any] = []
    errors = acme().module.errors
    with pytest.raises(errors.PaginationError, match="items of the page before"):
        seen.extend(client(server).items.list_items())
    # The first page's items once, never its copy; "same" asked for once, never again.
    assert [item.id for item in seen] == ["i0", "i1"]
    assert len(server.requests) == 2


def test_an_operation_without_a_next_page_field_is_not_paginated(server: SpecServer) -> None:
    result = client(server).items.list_items_unpaged()
    assert type(result).__name__ == "ListItemsUnpagedResponse"
    ops = {op.name: op for r in acme().package.client.resources for op in r.operations}
    assert ops["list_items_unpaged"].pager is None
    assert ops["list_items"].pager is not None


# --- server-sent events ------------------------------------------------------------------------------------

CHUNKS = [
    b": keep-alive comment\n\n",
    b'data: {"delta": "Hel", "index": 0}\n\n',
    b"event: ping\n\n",  # no data: not dispatched
    b'data: {"delta": "lo",\r\ndata: "index": 1}\r\n\r\n',
    b"data: [DONE]\n\n",
    b'data: {"delta": "after the end"}\n\n',
]


def sse(record: Recorded) -> Reply:
    if json.loads(record.body or b"{}").get("stream") or record.method == "GET":
        return Reply(headers={"Content-Type": "text/event-stream"}, chunks=iter(CHUNKS))
    return Reply(headers={"Content-Type": "application/json"}, body=b'{"text": "Hello"}')


def test_stream_true_yields_typed_events_until_done(server: SpecServer) -> None:
    server.handlers["POST /chat/completions"] = sse
    api = client(server, access_token="tok")
    with api.chat.create_completion(prompt="hi", stream=True) as stream:
        events = list(stream)
    assert [type(e).__name__ for e in events] == ["CompletionChunk", "CompletionChunk"]
    assert [(e.delta, e.index) for e in events] == [("Hel", 0), ("lo", 1)]
    completion = api.chat.create_completion(prompt="hi")
    assert type(completion).__name__ == "Completion" and completion.text == "Hello"
    first, second = server.requests
    assert first.json() == {"prompt": "hi", "stream": True}
    assert first.headers["Accept"] == "text/event-stream"
    assert second.json() == {"prompt": "hi"}
    assert first.headers["Authorization"] == "Bearer tok"


def test_async_stream_and_sse_only_operations(server: SpecServer) -> None:
    server.handlers.update({"POST /chat/completions": sse, "GET /chat/typed-events": sse, "GET /chat/events": sse})

    async def main() -> tuple[list[Any], list[Any], list[str]]:
        async with async_client(server, access_token="tok") as api:
            stream = await api.chat.create_completion(prompt="hi", stream=True)
            async with stream:
                chunks = [event async for event in stream]
            typed = [event async for event in await api.chat.typed_events()]
            texts = [event async for event in await api.chat.chat_events()]
        return chunks, typed, texts

    chunks, typed, texts = asyncio.run(main())
    assert [c.delta for c in chunks] == ["Hel", "lo"]
    assert [type(t).__name__ for t in typed] == ["CompletionChunk", "CompletionChunk"]
    assert texts == ['{"delta": "Hel", "index": 0}', '{"delta": "lo",\n"index": 1}']


def test_leaving_a_stream_early_releases_the_connection(server: SpecServer) -> None:
    def endless(record: Recorded) -> Reply:
        ticks = (f"data: tick {n}\n\n".encode() for n in range(2000))
        return Reply(headers={"Content-Type": "text/event-stream"}, chunks=ticks, pause=0.002)

    server.handlers["GET /chat/events"] = endless
    gen = acme()
    with httpx.Client(limits=httpx.Limits(max_connections=1)) as http:
        api = getattr(gen.module, gen.package.client.class_name)(base_url=server.url, http_client=http, timeout=3)
        for event in api.chat.chat_events():
            if event == "tick 2":
                break
        # One connection in the pool: had the stream kept it, this call would wait for it and time out.
        assert api.chat.chat_events().__next__() == "tick 0"
    deadline = time.monotonic() + 5
    while not server.disconnects and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.disconnects


# --- files -------------------------------------------------------------------------------------------------


def multipart(record: Recorded) -> list[tuple[str, str | None, str, Any]]:
    """(field, filename, content type, content) of each part."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + record.headers["Content-Type"].encode() + b"\r\n\r\n" + record.body
    )
    return [
        (
            str(part.get_param("name", header="content-disposition")),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True) or b"",
        )
        for part in message.iter_parts()
    ]


def stored(record: Recorded) -> Reply:
    parts = multipart(record)
    objects = [
        {"id": f"f{n}", "filename": filename or "", "content_type": kind, "size": len(content)}
        for n, (_, filename, kind, content) in enumerate(p for p in parts if p[1] is not None)
    ]
    body = objects if record.path.endswith("/batch") else objects[0]
    return Reply(status=201, body=json.dumps(body).encode())


@pytest.mark.parametrize(
    ("form", "filename", "content_type"),
    [
        ("bytes", "file", "image/png"),
        ("bytesio", "file", "image/png"),
        ("named file", "photo.png", "image/png"),
        ("path", "photo.png", "image/png"),
        ("pair", "cat.png", "image/png"),
        ("triple", "cat.gif", "image/gif"),
    ],
)
def test_uploads_in_every_file_form(
    server: SpecServer, tmp_path: Path, form: str, filename: str, content_type: str
) -> None:
    server.handlers["POST /files"] = stored
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG data")
    values: dict[str, Any] = {
        "bytes": b"\x89PNG data",
        "bytesio": io.BytesIO(b"\x89PNG data"),
        "path": photo,
        "pair": ("cat.png", b"\x89PNG data"),
        "triple": ("cat.gif", b"\x89PNG data", "image/gif"),
    }
    api = client(server, username="ann", password="secret")
    if form == "named file":
        with photo.open("rb") as handle:
            result = api.files.upload_file(file=handle, purpose="avatar")
    else:
        result = api.files.upload_file(file=values[form], purpose="avatar")
    assert (result.filename, result.content_type, result.size) == (filename, content_type, 9)
    [request] = server.requests
    assert request.headers["Authorization"].startswith("Basic ")
    parts = sorted((name, kind, content) for name, _, kind, content in multipart(request))
    assert parts == [("file", content_type, b"\x89PNG data"), ("purpose", "text/plain", b"avatar")]
    assert server.problems == []


def test_a_list_of_files_and_a_binary_body_and_a_streamed_download(server: SpecServer, tmp_path: Path) -> None:
    server.handlers["POST /files/batch"] = stored
    content = bytes(range(256)) * 400
    server.handlers["GET /files/{file_id}/content"] = lambda record: Reply(
        headers={"Content-Type": "application/octet-stream"}, chunks=[content[:50_000], content[50_000:]]
    )
    server.handlers["PUT /files/{file_id}/content"] = lambda record: Reply(
        body=json.dumps({"id": "f1", "filename": "raw", "size": len(record.body)}).encode()
    )
    api = client(server, username="ann")
    batch = api.files.upload_files(files=[("a.txt", b"A"), ("b.txt", b"BB", "text/plain")])
    assert [(f.filename, f.size) for f in batch] == [("a.txt", 1), ("b.txt", 2)]
    source = tmp_path / "blob.bin"
    source.write_bytes(content)
    assert api.files.put_file_content(file_id="f1", body=source).size == len(content)
    assert server.requests[-1].body == content
    assert server.requests[-1].headers["Content-Type"] == "application/octet-stream"
    assert api.files.download_file(file_id="f1") == content
    with api.files.with_streaming_response.download_file(file_id="f1") as response:
        assert response.status_code == 200
        pieces = list(response.iter_bytes())
    assert b"".join(pieces) == content

    async def main() -> bytes:
        async with (
            async_client(server, username="ann") as api,
            api.files.with_streaming_response.download_file(file_id="f1") as response,
        ):
            return b"".join([piece async for piece in response.aiter_bytes()])

    assert asyncio.run(main()) == content


# --- security ----------------------------------------------------------------------------------------------


def test_each_scheme_sends_its_credential(server: SpecServer) -> None:
    server.handlers["POST /chat/completions"] = sse
    api = client(server, bearer_token="bear", username="ann", password="pw", access_token="tok")
    api.items.get_item(item_id="i1")
    api.items.list_items_offset(limit=10)
    api.files.download_file(file_id="f1")
    api.chat.create_completion(prompt="p")
    api.health()
    get, offset, download, chat, health = server.requests
    assert get.headers["X-Api-Key"] == KEY and "Authorization" not in get.headers  # the first alternative
    assert ("key", KEY) in offset.query and "X-Api-Key" not in offset.headers
    assert download.headers["Authorization"] == "Basic YW5uOnB3"
    assert chat.headers["Authorization"] == "Bearer tok"
    assert "Authorization" not in health.headers and "X-Api-Key" not in health.headers  # `security: []`


def test_the_second_alternative_and_the_environment(server: SpecServer, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = acme()
    monkeypatch.setenv("ACME_BEARER_TOKEN", "from-env")
    api = getattr(gen.module, gen.package.client.class_name)(base_url=server.url)
    api.items.get_item(item_id="i1")
    assert server.requests[-1].headers["Authorization"] == "Bearer from-env"
    assert api.chat.chat_events is not None


def test_a_missing_credential_raises_before_sending(server: SpecServer) -> None:
    gen = acme()
    api = getattr(gen.module, gen.package.client.class_name)(base_url=server.url)
    with pytest.raises(gen.module.MissingCredentialError) as caught:
        api.items.get_item(item_id="i1")
    message = str(caught.value)
    for needed in ("api_key=", "ACME_API_KEY", "bearer_token=", "ACME_BEARER_TOKEN"):
        assert needed in message
    with pytest.raises(gen.module.MissingCredentialError, match="ACME_USERNAME"):
        api.files.download_file(file_id="f1")
    assert server.requests == []
    server.handlers["GET /chat/events"] = sse
    assert list(api.chat.chat_events())  # `{}`: anonymous is allowed
    assert "Authorization" not in server.requests[0].headers


def test_a_spec_without_requirements_sends_what_it_is_given() -> None:
    gen = chatter()
    cls = getattr(gen.module, gen.package.client.class_name)
    assert gen.package.client.class_name == "ChatterClient"
    assert [s.envs for s in gen.package.client.schemes] == [("CHATTER_API_KEY",)]
    with SpecServer(gen.spec, prefix="/api") as server:
        cls(base_url=server.url, api_key="Bot 123").channels.get_channel(channel_id="c1")
        cls(base_url=server.url).channels.get_channel(channel_id="c1")
        with_key, without = server.requests
    assert with_key.headers["Authorization"] == "Bot 123"
    assert "Authorization" not in without.headers


# --- names and grouping ------------------------------------------------------------------------------------


def test_untagged_operations_live_on_the_client(server: SpecServer) -> None:
    assert client(server).health() == "plain text answer"
    assert client(server).with_raw_response.health().status_code == 200


def test_a_spec_without_tags_is_grouped_by_path() -> None:
    gen = chatter()
    cls = getattr(gen.module, gen.package.client.class_name)
    with SpecServer(gen.spec, prefix="/api") as server:
        api = cls(base_url=server.url)
        assert api.channels.get_channel(channel_id="c1").id == server.answers["GET /v10/channels/{channel_id}"]["id"]
        api.channels.create_message(channel_id="c1", content="hello")
        api.guilds.get_guild(guild_id="g1")
        api.get_root()
        assert [r.path for r in server.requests] == [
            "/api/v10/channels/c1",
            "/api/v10/channels/c1/messages",
            "/api/v10/guilds/g1",
            "/api/",
        ]
        assert server.requests[1].json() == {"content": "hello"}
        assert server.problems == []


def test_colliding_parameters_are_named_for_what_they_are(server: SpecServer) -> None:
    import datetime

    api = client(server)
    api.items.search(
        id="p",
        id_query="q",
        timeout_query=5,
        query="text",
        date_created=datetime.date(2024, 1, 2),
        date_created_before=datetime.date(2024, 1, 3),
        date_created_after=datetime.date(2024, 1, 1),
        timeout=10,
    )
    [request] = server.requests
    assert request.path == "/v1/search/p"
    assert request.query == [
        ("id", "q"),
        ("timeout", "5"),
        ("query", "text"),
        ("DateCreated", "2024-01-02"),
        ("DateCreated<", "2024-01-03"),
        ("DateCreated>", "2024-01-01"),
    ]
    assert server.problems == []


# --- escape hatches ----------------------------------------------------------------------------------------


def test_extra_query_body_and_headers_reach_the_server(server: SpecServer) -> None:
    api = client(server)
    api.items.create_item(
        name="n", extra_body={"colour": "red"}, extra_query={"dry_run": "1"}, extra_headers={"X-Trace": "t1"}
    )

    async def main() -> None:
        async with async_client(server) as api:
            await api.items.create_item(name="m", extra_body={"colour": "blue"}, extra_headers={"X-Trace": "t2"})
            [item async for item in api.items.list_items(extra_query={"flag": "on"})]

    asyncio.run(main())
    sync, asynchronous, *pages = server.requests
    assert sync.json() == {"name": "n", "colour": "red"}
    assert ("dry_run", "1") in sync.query and sync.headers["X-Trace"] == "t1"
    assert asynchronous.json() == {"name": "m", "colour": "blue"} and asynchronous.headers["X-Trace"] == "t2"
    assert all(("flag", "on") in page.query for page in pages) and len(pages) == 3
    undeclared = [p for p in server.problems if "undeclared query parameter" in p]
    assert undeclared and len(undeclared) == len(server.problems)


def test_the_readme_shows_each_feature_and_its_blocks_run(
    server: SpecServer, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = acme()
    readme = gen.files["acme_client/README.md"]
    for heading in ("## Authentication", "## Pagination", "## Streaming", "## Uploads", "## Downloads"):
        assert heading in readme
    for keyword in ("api_key", "query_key", "bearer_token", "username", "password", "access_token"):
        assert f"`{keyword}`" in readme and f"{keyword}=" in readme
    server.handlers.update({"POST /files": stored, "POST /chat/completions": sse})
    import re

    blocks = re.findall(r"^(`{3,})python\n(.*?)^\1$", readme, flags=re.S | re.M)
    assert len(blocks) == 7
    for _, source in blocks:
        source = re.sub(r"base_url=(['\"]).*?\1", f"base_url={server.url!r}", source)
        exec(compile(source, "README.md", "exec"), {"__name__": "readme"})
    assert "Hel" in capsys.readouterr().out


def test_relative_link_pages_stay_on_the_api(server: SpecServer) -> None:
    """A Link header's relative reference resolves against the page's own URL."""
    api = client(server)
    page = api.items.list_items_link_header(per_page=3)
    following = page.get_next_page()
    assert urlsplit(str(following.response.url)).path == "/v1/items-link-header"
    assert dict(parse_qsl(urlsplit(str(following.response.url)).query)) == {"per_page": "3", "page": "2"}
