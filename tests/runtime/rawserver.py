"""A threaded HTTP/1.1 server on 127.0.0.1 whose handlers write raw bytes: slow drips, endless bodies, bombs,
redirects to another origin, and event streams that notice when the client hangs up."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx


@dataclass
class RawRequest:
    method: str
    target: str
    headers: httpx.Headers
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)


Handler = Callable[[RawRequest, socket.socket], None]


def head(status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> bytes:
    """A response head that closes the connection after the body (one request per connection)."""
    lines = [f"HTTP/1.1 {status} X", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(conn: socket.socket, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
    conn.sendall(head(status, headers, length=len(body)) + body)


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


class RawServer:
    """`with RawServer() as server:`; `server.route(path, handler)`; `server.url`; `server.requests`."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[RawRequest] = []
        self.hung_up = threading.Event()  # set by handlers that see the client close the connection
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def origin(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.origin + "/v1"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def __enter__(self) -> RawServer:
        self._sock.settimeout(0.2)
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._threads[0].join(timeout=5)
        # Handlers still stalling or streaming are daemon threads: they end with their connection or the process.
        for thread in self._threads[1:]:
            thread.join(timeout=0.2)
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            worker.start()
            self._threads.append(worker)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                request = self._read(conn)
            except (OSError, ValueError):
                return
            if request is None:
                return
            self.requests.append(request)
            handler = self.routes.get(request.path)
            try:
                if handler is None:
                    respond(conn, 404, b'{"code": "none", "message": "no route"}')
                else:
                    handler(request, conn)
            except (BrokenPipeError, ConnectionResetError):
                self.hung_up.set()
            except OSError:
                pass

    @staticmethod
    def _read(conn: socket.socket) -> RawRequest | None:
        data = b""
        while b"\r\n\r\n" not in data:
            piece = conn.recv(65536)
            if not piece:
                return None
            data += piece
        head_bytes, _, rest = data.partition(b"\r\n\r\n")
        first, *lines = head_bytes.decode("latin-1").split("\r\n")
        method, target, _ = first.split(" ", 2)
        headers = httpx.Headers([tuple(line.split(": ", 1)) for line in lines if ": " in line])
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            piece = conn.recv(65536)
            if not piece:
                break
            rest += piece
        return RawRequest(method, target, headers, rest[:length])
