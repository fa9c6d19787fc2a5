"""Uploads: every form a caller may hand over (`FileTypes`), named and typed, reopened for each attempt.

Naming rule. A path sends its base name; a file object its `name`'s base name when it has one; a tuple the name
it gives. Bare bytes, and a file object or tuple without a name, send the form field's own name (`file`), since
nothing better is known: pass `("audio.mp3", data)` when the server needs an extension.

Content. A file object is sent whole, from its first byte, however far it was read; one that cannot seek is read
once, so a call with it is never repeated once it may have been sent.

Content type, first that applies: the tuple's third item; the type the API declares for the part (or body) when it
is specific; the type guessed from the file name; the declared type; `application/octet-stream`.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, Any, TypeAlias

__all__ = ["FileContent", "FileTypes", "Upload", "is_file", "upload"]

FileContent: TypeAlias = IO[bytes] | bytes | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)

OCTET_STREAM = "application/octet-stream"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """One file to send: its name, type and a way to read it again for a retry or a 307/308 redirect."""

    filename: str
    content_type: str
    data: bytes | None = None
    path: os.PathLike[str] | None = None
    stream: IO[bytes] | None = None
    start: int | None = None  # where a file object's content starts; None when it cannot seek back

    @property
    def replayable(self) -> bool:
        return self.stream is None or self.start is not None

    def open(self, stack: ExitStack) -> bytes | IO[bytes]:
        """The content for one attempt; a path is opened anew and closed by `stack`."""
        if self.data is not None:
            return self.data
        if self.path is not None:
            return stack.enter_context(open(self.path, "rb"))
        assert self.stream is not None
        if self.start is not None:
            self.stream.seek(self.start)
        return self.stream

    def size(self) -> int | None:
        if self.data is not None:
            return len(self.data)
        if self.path is not None:
            return os.stat(self.path).st_size
        assert self.stream is not None
        if self.start is None:
            return None
        try:
            end = self.stream.seek(0, io.SEEK_END)
        finally:
            self.stream.seek(self.start)
        return end - self.start


def is_file(value: object) -> bool:
    """Whether a value is one of the `FileTypes` forms (as opposed to a plain form field)."""
    if isinstance(value, tuple):
        return (
            2 <= len(value) <= 3
            and (value[0] is None or isinstance(value[0], str))
            and _is_content(value[1])
        )
    return _is_content(value)


def upload(value: object, *, field: str, declared: str | None) -> Upload:
    """An `Upload` from any `FileTypes` form; `field` names bare content, `declared` is the API's media type."""
    name: str | None = None
    given_type: str | None = None
    content: Any = value
    if isinstance(value, tuple):
        name, content = value[0], value[1]
        given_type = value[2] if len(value) == 3 else None
    if isinstance(content, io.TextIOBase):
        raise TypeError(f"{field}: the file is open in text mode; open it with 'rb'")
    if not _is_content(content):
        raise TypeError(
            f"{field}: expected bytes, a binary file object, a path or a (name, content[, type]) tuple"
        )
    data: bytes | None = None
    path: os.PathLike[str] | None = None
    stream: IO[bytes] | None = None
    start: int | None = None
    if isinstance(content, (bytes, bytearray, memoryview)):
        data = bytes(content)
    elif isinstance(content, os.PathLike):
        path = content
        name = name or os.path.basename(os.fspath(content))
    else:
        stream = content
        own = getattr(content, "name", None)
        if name is None and isinstance(own, str) and own:
            name = os.path.basename(own)
        start = _position(content)
    filename = name or field
    return Upload(
        filename, _content_type(given_type, declared, filename), data, path, stream, start
    )


def iter_chunks(content: bytes | IO[bytes]) -> Iterator[bytes]:
    """A raw body in pieces, so that a large file is never held whole."""
    if isinstance(content, bytes):
        yield content
        return
    while chunk := content.read(CHUNK):
        yield chunk


async def aiter_chunks(content: bytes | IO[bytes]) -> AsyncIterator[bytes]:
    for chunk in iter_chunks(content):
        yield chunk


def _is_content(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview, os.PathLike)) or callable(
        getattr(value, "read", None)
    )


def _position(stream: IO[bytes]) -> int | None:
    # Whole files, from their first byte, as httpx's multipart encoder sends them (it seeks to 0 itself).
    try:
        return 0 if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _content_type(given: str | None, declared: str | None, filename: str) -> str:
    if given:
        return given
    # A wildcard or a list of choices (`image/png, image/jpeg`) says what may be sent, not what this is.
    exact = declared if declared and "*" not in declared and "," not in declared else None
    if exact and exact != OCTET_STREAM:
        return exact
    guessed, _ = mimetypes.guess_type(filename, strict=True)
    return guessed or exact or OCTET_STREAM
