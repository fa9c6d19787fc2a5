"""A deadline the blocking client cannot enforce by itself: httpx bounds each read, not a body's whole arrival, so
a server sending a byte just before each read timeout could hold a call for many timeouts. One daemon thread
shuts down the socket of a body still being read when its call's time is up, which ends the read at once.
"""

from __future__ import annotations

import contextlib
import heapq
import socket
import threading
import time

import httpx

__all__ = ["WATCHDOG", "Watchdog", "socket_of"]


class Watchdog:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._due: list[tuple[float, int, socket.socket]] = []
        self._live: set[int] = set()
        self._tickets = 0
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float, sock: socket.socket) -> int:
        """Shut `sock` down in `seconds` unless `release(ticket)` comes first."""
        with self._changed:
            self._tickets += 1
            ticket = self._tickets
            heapq.heappush(self._due, (time.monotonic() + max(seconds, 0.0), ticket, sock))
            self._live.add(ticket)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="api-client-deadlines", daemon=True
                )
                self._thread.start()
            self._changed.notify()
        return ticket

    def release(self, ticket: int) -> None:
        with self._changed:
            self._live.discard(ticket)

    def _run(self) -> None:
        with self._changed:
            while True:
                while self._due and self._due[0][1] not in self._live:
                    heapq.heappop(self._due)
                if not self._due:
                    self._changed.wait()
                    continue
                due, ticket, sock = self._due[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                heapq.heappop(self._due)
                self._live.discard(ticket)
                # The plain socket's shutdown even for TLS: SSLSocket.shutdown would unwrap under the reader.
                with contextlib.suppress(OSError):  # already closed
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)


WATCHDOG = Watchdog()


def socket_of(response: httpx.Response) -> socket.socket | None:
    """The socket a response is read from, when httpx's transport exposes one (HTTP/1.1 without a proxy)."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    return sock if isinstance(sock, socket.socket) else None
