"""Uploads in every `FileTypes` form (name and type arriving), multipart bodies with and without files and each
part's declared type, raw binary bodies, and downloads read whole or streamed: binary is never decoded as text."""

from __future__ import annotations

import email
import io
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from example_api import ExampleClient, InternalServerError
from example_api._http import Body, Endpoint, Param
from example_api.models import FileObject

from tests.runtime.app import DOWNLOAD_SIZE, download_bytes
from tests.runtime.conftest import Server
from tests.runtime.rawserver import RawRequest, RawServer, respond
from tests.runtime.support import async_client, run, sync_client

DATA = b"\x00\x01binary\xff\xfe payload"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(DATA)
    return path


def _forms(notes: Path) -> list[tuple[Any, str, str]]:
    """(value, filename the server must see, content type it must see)"""
    named = open(notes, "rb")  # noqa: SIM115 (closed by the test)
    return [
        (DATA, "file", "application/octet-stream"),  # bare bytes: the field's name, the declared type
        (io.BytesIO(DATA), "file", "application/octet-stream"),
        (named, "notes.txt", "text/plain"),
        (notes, "notes.txt", "text/plain"),
        (("audio.mp3", DATA), "audio.mp3", "audio/mpeg"),
        (("data.bin", io.BytesIO(DATA), "application/x-custom"), "data.bin", "application/x-custom"),
        (("from-path.json", notes), "from-path.json", "application/json"),
    ]


def test_upload_sends_every_file_form_with_its_name_and_type(server: Server, notes: Path) -> None:
    with sync_client(server.url) as client:
        for value, filename, content_type in _forms(notes):
            uploaded = client.files.upload(file=value, purpose="fine-tune")
            assert uploaded == FileObject(
                id="file-1", filename=filename, bytes_=len(DATA), content_type=content_type, purpose="fine-tune"
            ), filename
    assert all(seen.headers["authorization"].startswith("Basic ") for seen in server.requests)


def test_async_upload_sends_every_file_form(server: Server, notes: Path) -> None:
    async def main() -> list[tuple[str, str]]:
        async with async_client(server.url) as client:
            results = []
            for value, _, _ in _forms(notes):
                uploaded = await client.files.upload(file=value)
                results.append((uploaded.filename, uploaded.content_type))
            return results

    assert run(main()) == [(name, kind) for _, name, kind in _forms(notes)]


def test_binary_body_sends_the_bytes_as_they_are(server: Server, notes: Path) -> None:
    with sync_client(server.url) as client:
        for value in (DATA, notes, io.BytesIO(DATA), ("x.png", DATA, "image/png")):
            result = client.files.put_content(file_id="f1", content=value)
            assert result.bytes_ == len(DATA)
    assert [bytes(seen.body) for seen in server.requests] == [DATA] * 4
    # Declared application/octet-stream says nothing specific: a file's own name says more.
    assert [seen.headers["content-type"] for seen in server.requests] == [
        "application/octet-stream",
        "text/plain",
        "application/octet-stream",
        "image/png",
    ]


def test_binary_response_is_bytes_never_text(server: Server) -> None:
    with sync_client(server.url) as client:
        content = client.files.download(file_id="f1")
    assert isinstance(content, bytes) and content == download_bytes()


def test_streamed_download_arrives_in_pieces_without_being_read_first(server: Server) -> None:
    with sync_client(server.url) as client:
        with client.files.with_streaming_response.download(file_id="f1") as response:
            assert not response.is_closed, "the body is still on the wire"
            pieces = list(response.iter_bytes())
        assert response.is_closed
    assert len(pieces) > 1
    assert b"".join(pieces) == download_bytes()


def test_async_streamed_download(server: Server) -> None:
    async def main() -> tuple[int, int]:
        client = async_client(server.url)
        async with client, client.files.with_streaming_response.download(file_id="f1") as response:
            pieces = [piece async for piece in response.aiter_bytes()]
        return len(pieces), sum(map(len, pieces))

    count, size = run(main())
    assert count > 1 and size == DOWNLOAD_SIZE


def test_retried_upload_sends_the_whole_file_again() -> None:
    bodies: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        if len(bodies) == 1:
            return httpx.Response(503)
        return httpx.Response(201, json={"id": "f", "filename": "n", "bytes": 1, "contentType": "x"})

    stream = io.BytesIO(DATA)
    stream.seek(4)  # a file object is sent whole, however far it was read
    client = ExampleClient(username="u", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    client._sender._sleep = lambda seconds: None
    client.files.upload(file=("a.bin", stream))
    assert len(bodies) == 2
    assert all(b"\r\n\r\n" + DATA + b"\r\n--" in body for body in bodies)


def test_upload_that_cannot_be_read_again_is_never_resent() -> None:
    calls: list[httpx.Request] = []

    class OneWay(io.RawIOBase):
        def __init__(self) -> None:
            self.left = DATA

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            size = min(len(buffer), len(self.left))
            buffer[:size], self.left = self.left[:size], self.left[size:]
            return size

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        request.read()
        return httpx.Response(503)

    client = ExampleClient(username="u", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    client._sender._sleep = lambda seconds: None
    with pytest.raises(InternalServerError):
        client.files.put_content(file_id="f", content=io.BufferedReader(OneWay()))
    assert len(calls) == 1


def test_text_mode_file_is_refused_before_sending(notes: Path) -> None:
    client = ExampleClient(username="u", http_client=httpx.Client(transport=httpx.MockTransport(lambda r: 1 / 0)))
    with open(notes) as text, pytest.raises(TypeError, match="'rb'"):
        client.files.upload(file=text)  # type: ignore[arg-type]


# --- multipart parts ----------------------------------------------------------------------------------------

DOCS: Endpoint[None, None] = Endpoint(
    name="docs.create",
    method="POST",
    path=("/docs",),
    params=(
        Param("metadata", "metadata", "body"),
        Param("file", "file", "body"),
        Param("note", "note", "body"),
        Param("labels", "labels", "body"),
        Param("tags", "tags", "body"),
    ),
    body=Body(
        "multipart",
        "multipart/form-data",
        encoding={"metadata": "application/json", "file": "application/pdf", "note": "text/markdown"},
    ),
    responses={"204": ("none", None)},
)


@pytest.fixture
def docs(raw: RawServer) -> RawServer:
    def no_content(request: RawRequest, conn: socket.socket) -> None:
        respond(conn, 204)

    raw.route("/v1/docs", no_content)
    return raw


def _parts(request: RawRequest) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, Content-Type, content) of each part, as a MIME parser reads the body."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + request.body)
    assert message.is_multipart(), request.headers["content-type"]
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get("content-type"),
            part.get_payload(decode=True),
        )
        for part in message.get_payload()
    ]


def _create(url: str, **args: Any) -> None:
    with sync_client(url) as client:
        client._sender.call(DOCS, args, {})


def test_multipart_without_a_file_is_still_multipart(docs: RawServer) -> None:
    _create(docs.url, tags=["a", "b"])
    seen = docs.requests[0]
    assert seen.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert _parts(seen) == [("tags", None, None, b"a"), ("tags", None, None, b"b")]


def test_async_multipart_without_a_file_is_still_multipart(docs: RawServer) -> None:
    async def main() -> None:
        async with async_client(docs.url) as client:
            await client._sender.call(DOCS, {"metadata": {"title": "t"}}, {})

    run(main())
    assert _parts(docs.requests[0]) == [("metadata", None, "application/json", b'{"title":"t"}')]


def test_multipart_with_no_field_at_all_is_an_empty_form(docs: RawServer) -> None:
    _create(docs.url)
    seen = docs.requests[0]
    kind, _, boundary = seen.headers["content-type"].partition("; boundary=")
    assert kind == "multipart/form-data" and boundary
    assert seen.body == f"--{boundary}--\r\n".encode(), "the closing delimiter alone: a form without parts"


def test_declared_part_type_reaches_parts_that_are_not_files(docs: RawServer) -> None:
    _create(docs.url, metadata={"title": "t"}, file=("a.pdf", b"%PDF"), note="# hi", labels={"k": 1}, tags=["x"])
    parts = {name: (filename, kind, content) for name, filename, kind, content in _parts(docs.requests[0])}
    assert parts == {
        "metadata": (None, "application/json", b'{"title":"t"}'),  # encoding.metadata.contentType
        "note": (None, "text/markdown", b"# hi"),
        "labels": (None, "application/json", b'{"k":1}'),  # an object's default type (OpenAPI)
        "tags": (None, None, b"x"),  # a primitive's default, text/plain, is multipart's own
        "file": ("a.pdf", "application/pdf", b"%PDF"),
    }


def test_async_declared_part_type_reaches_parts_that_are_not_files(docs: RawServer) -> None:
    async def main() -> None:
        async with async_client(docs.url) as client:
            await client._sender.call(DOCS, {"metadata": {"title": "t"}, "file": b"%PDF"}, {})

    run(main())
    names_and_types = [(name, kind) for name, _, kind, _ in _parts(docs.requests[0])]
    assert names_and_types == [("metadata", "application/json"), ("file", "application/pdf")]


def test_json_text_for_a_json_part_is_sent_as_it_is(docs: RawServer) -> None:
    _create(docs.url, metadata='{"title":"t"}')
    assert _parts(docs.requests[0]) == [("metadata", None, "application/json", b'{"title":"t"}')]


def test_none_item_of_a_multipart_array_is_refused_before_sending(docs: RawServer) -> None:
    with pytest.raises(ValueError, match=r"^tags: .*None"):
        _create(docs.url, tags=["a", None])
    assert docs.requests == []
