"""The Example API as a FastAPI app: what the example client in `example/` calls, recording every request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qsl

import httpx
from fastapi import FastAPI, File, Form, Request, Response, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

API_KEY = "key-123"
QUERY_KEY = "qk-456"
SESSION_KEY = "sess-789"
BEARER_TOKEN = "bearer-abc"
USERNAME, PASSWORD = "alice", "s3cret"
ACCESS_TOKEN = "oauth-xyz"
ALL_CREDENTIALS = {
    "api_key": API_KEY,
    "query_key": QUERY_KEY,
    "session_key": SESSION_KEY,
    "bearer_token": BEARER_TOKEN,
    "username": USERNAME,
    "password": PASSWORD,
    "access_token": ACCESS_TOKEN,
}
ITEMS = [{"id": f"item-{i:02d}", "name": f"Item {i}"} for i in range(23)]
DOWNLOAD_SIZE = 3 * 1024 * 1024 + 17

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    raw_path: str
    query: list[tuple[str, str]]
    headers: httpx.Headers
    body: bytearray = field(default_factory=bytearray)

    def json(self) -> Any:
        return json.loads(bytes(self.body))


class Recorder:
    """ASGI wrapper that keeps every request (its body filled in as the app reads it)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self.requests: list[Seen] = []

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = Seen(
            method=scope["method"],
            path=scope["path"],
            raw_path=scope["raw_path"].decode("latin-1"),
            query=parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True),
            headers=httpx.Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]),
        )
        self.requests.append(seen)

        async def recorded() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen.body.extend(message.get("body", b""))
            return message

        await self.app(scope, recorded, send)


app = FastAPI()


def _unauthorized() -> JSONResponse:
    return JSONResponse({"code": "unauthorized", "message": "no acceptable credential"}, status_code=401)


def _has(request: Request, *kinds: str) -> bool:
    headers = request.headers
    checks = {
        "api_key": headers.get("x-api-key") == API_KEY,
        "bearer": headers.get("authorization") == f"Bearer {BEARER_TOKEN}",
        "oauth": headers.get("authorization") == f"Bearer {ACCESS_TOKEN}",
        "query": request.query_params.get("key") == QUERY_KEY,
        "cookie": request.cookies.get("session") == SESSION_KEY,
        "basic": headers.get("authorization") == "Basic " + _basic(USERNAME, PASSWORD),
    }
    return any(checks[kind] for kind in kinds)


def _basic(user: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{user}:{password}".encode()).decode()


def _page(items: list[dict[str, Any]], start: int, size: int) -> list[dict[str, Any]]:
    return items[start : start + size]


@app.get("/v1/health", response_class=PlainTextResponse)
def health() -> str:
    return "ok"


@app.get("/v1")
def root() -> dict[str, str]:
    # What `GET /v1/items/..` reaches when the path parameter is resolved away: it must never be asked for.
    return {"id": "ROOT", "name": "the API root"}


@app.get("/v1/items")
def list_items(request: Request, after: str | None = None, limit: int = 5, misbehave: str = "") -> Any:
    if not _has(request, "api_key", "bearer"):
        return _unauthorized()
    start = 0 if after is None else next(i for i, item in enumerate(ITEMS) if item["id"] == after) + 1
    data = _page(ITEMS, start, limit)
    following = data[-1]["id"] if data and start + limit < len(ITEMS) else None
    if misbehave == "repeat":
        following = "item-02"
    if misbehave == "empty" and after is not None:
        data, following = [], "item-99"
    return {"data": data, "next_cursor": following}


@app.get("/v1/items-has-more")
def list_has_more(request: Request, starting_after: str | None = None, limit: int = 5) -> Any:
    if not _has(request, "api_key"):
        return _unauthorized()
    start = 0 if starting_after is None else next(i for i, x in enumerate(ITEMS) if x["id"] == starting_after) + 1
    return {"data": _page(ITEMS, start, limit), "has_more": start + limit < len(ITEMS)}


@app.get("/v1/items-offset")
def list_offset(request: Request, offset: int = 0, limit: int = 5, misbehave: str = "") -> Any:
    if not _has(request, "api_key"):
        return _unauthorized()
    body: dict[str, Any] = {"items": _page(ITEMS, offset, limit)}
    if misbehave != "no-total":
        body["total"] = len(ITEMS)
    return body


@app.get("/v1/items-numbered")
def list_numbered(request: Request, page: int = 1, per_page: int = 5) -> Any:
    if not _has(request, "api_key"):
        return _unauthorized()
    pages = -(-len(ITEMS) // per_page)
    return {"results": _page(ITEMS, (page - 1) * per_page, per_page), "total_pages": pages}


@app.get("/v1/items-linked")
def list_linked(request: Request, page_size: int = 5, page_token: int = 0, misbehave: str = "") -> Any:
    if not _has(request, "api_key"):
        return _unauthorized()
    data = _page(ITEMS, page_token, page_size)
    following = page_token + page_size
    link: str | None = None
    if following < len(ITEMS):
        # Relative and absolute links alternate, so that one walk resolves both.
        query = f"page_size={page_size}&page_token={following}"
        link = (
            f"/v1/items-linked?{query}" if following // page_size % 2 else f"{request.base_url}v1/items-linked?{query}"
        )
    if misbehave == "repeat":
        link = f"/v1/items-linked?page_size={page_size}&page_token={page_size}"
    if misbehave == "elsewhere":
        link = "http://elsewhere.invalid/v1/items-linked?page_token=5"
    return {"data": data, "links": {"next": link}}


@app.get("/v1/items-link-header")
def list_link_header(request: Request, per_page: int = 5, page: int = 1, misbehave: str = "") -> Any:
    if not _has(request, "api_key"):
        return _unauthorized()
    data = _page(ITEMS, (page - 1) * per_page, per_page)
    headers = {}
    if page * per_page < len(ITEMS):
        headers["Link"] = (
            f'<{request.base_url}v1/items-link-header?per_page={per_page}&page={page + 1}>; rel="next", '
            f'<{request.base_url}v1/items-link-header?per_page={per_page}&page=1>; rel="first"'
        )
    if misbehave == "self":  # the next page is the page just sent
        headers["Link"] = f'<{request.url}>; rel="next"'
    return JSONResponse(data, headers=headers)


@app.post("/v1/items/search")
def search(request: Request, q: Annotated[str, Form()], tags: Annotated[list[str] | None, Form()] = None) -> Any:
    if not _has(request, "query"):
        return _unauthorized()
    return [item for item in ITEMS if q in item["name"]]


@app.get("/v1/items-count")
def count(request: Request) -> Any:
    if not _has(request, "cookie"):
        return _unauthorized()
    return len(ITEMS)


@app.get("/v1/items/{item_id}")
def get_item(request: Request, item_id: str) -> Any:
    if not _has(request, "api_key", "bearer"):
        return _unauthorized()
    if item_id == "missing":
        return JSONResponse({"code": "not_found", "message": f"no item {item_id}"}, status_code=404)
    if item_id == "wrong-shape":
        return {"id": 7}
    found = next((item for item in ITEMS if item["id"] == item_id), None)
    return found or {"id": item_id, "name": "echo"}


@app.post("/v1/items", status_code=201)
async def create_item(request: Request) -> Any:
    if not _has(request, "api_key", "bearer"):
        return _unauthorized()
    body = await request.json()
    return {"id": "item-new", "name": body["name"], "tags": body.get("tags")}


@app.patch("/v1/items/{item_id}")
async def update_item(request: Request, item_id: str) -> Any:
    if not _has(request, "api_key", "bearer"):
        return _unauthorized()
    body = await request.json()
    return {"id": item_id, "name": body.get("name", "unchanged"), "tags": body.get("tags")}


@app.post("/v1/files", status_code=201)
async def upload(
    request: Request, file: Annotated[UploadFile, File()], purpose: Annotated[str | None, Form()] = None
) -> Any:
    if not _has(request, "basic"):
        return _unauthorized()
    content = await file.read()
    return {
        "id": "file-1",
        "filename": file.filename,
        "bytes": len(content),
        "contentType": file.content_type,
        "purpose": purpose,
    }


@app.put("/v1/files/{file_id}/content")
async def put_content(request: Request, file_id: str) -> Any:
    if not _has(request, "basic"):
        return _unauthorized()
    content = await request.body()
    return {"id": file_id, "filename": file_id, "bytes": len(content), "contentType": request.headers["content-type"]}


def download_bytes() -> bytes:
    return bytes(i % 251 for i in range(DOWNLOAD_SIZE))


_DOWNLOAD = download_bytes()


@app.get("/v1/files/{file_id}/content")
def download(request: Request, file_id: str) -> Any:
    if not _has(request, "basic"):
        return _unauthorized()
    return Response(_DOWNLOAD, media_type="application/octet-stream")


@app.post("/v1/chat")
async def chat(request: Request) -> Any:
    if not _has(request, "oauth"):
        return _unauthorized()
    body = await request.json()
    if not body.get("stream"):
        return {"id": "cmpl-1", "text": f"echo: {body['prompt']}"}

    async def events() -> AsyncIterator[bytes]:
        yield b": keep-alive comment\n\n"
        for i, word in enumerate(body["prompt"].split()):
            yield f'data: {{"index": {i}, "delta": "{word}"}}\n\n'.encode()
        # One event's data over two lines: joined with a newline it is still one JSON object.
        yield b'data: {"index": 99,\ndata: "delta": "two lines"}\n\n'
        yield b"data: [DONE]\n\n"
        yield b'data: {"index": 100, "delta": "after done"}\n\n'

    return StreamingResponse(events(), media_type="text/event-stream")


@app.get("/v1/chat/events")
async def chat_events(request: Request) -> Any:
    async def events() -> AsyncIterator[bytes]:
        yield b"event: greeting\r\nid: 1\r\ndata: hello\r\n\r\n"
        yield b"retry: 1000\n\n"  # no data: not an event
        yield b"event: farewell\nid: 2\ndata: good\ndata: bye\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


recorder = Recorder(app)
