"""Figures for the hostile-server cases of issue 11, one per fresh process (peak RSS is per process):

.venv/bin/python -m tests.runtime.measure_hostile drip|drip-under|drip-under-no-watchdog|body300|bomb|deep
"""

from __future__ import annotations

import resource
import socket
import sys
import time
import zlib

import tests.runtime.conftest  # noqa: F401 (builds example_api onto sys.path)
from tests.runtime.rawserver import RawRequest, RawServer, chunk, head, respond


def drip(request: RawRequest, conn: socket.socket) -> None:
    """Issue 11's slow drip: one byte a second."""
    conn.sendall(head(200, {"Content-Type": "application/json"}, length=1000) + b"[")
    for _ in range(1000):
        time.sleep(1.0)
        conn.sendall(b" ")


def drip_under(request: RawRequest, conn: socket.socket) -> None:
    """A byte just before the read timeout (1 s), then a stall."""
    conn.sendall(head(200, {"Content-Type": "application/json"}, length=1000) + b"[")
    time.sleep(0.85)
    conn.sendall(b" ")
    time.sleep(10)


def body300(request: RawRequest, conn: socket.socket) -> None:
    conn.sendall(head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    block = chunk(b"0" * 1024 * 1024)
    for _ in range(300):
        conn.sendall(block)
    conn.sendall(b"0\r\n\r\n")


def bomb(request: RawRequest, conn: socket.socket) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = b"".join(packer.compress(bytes(1 << 20)) for _ in range(300)) + packer.flush()
    conn.sendall(head(200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, length=len(body)) + body)


def deep(request: RawRequest, conn: socket.socket) -> None:
    respond(conn, 200, b"[" * 100_000 + b"]" * 100_000, {"Content-Type": "application/json"})


SCENARIOS = {
    "drip": (drip, 5.0),
    "drip-under": (drip_under, 1.0),
    "drip-under-no-watchdog": (drip_under, 1.0),
    "body300": (body300, 60.0),
    "bomb": (bomb, 60.0),
    "deep": (deep, 60.0),
}


def main(name: str) -> None:
    from example_api import ApiError, ExampleClient, _watchdog

    handler, timeout = SCENARIOS[name]
    if name.endswith("no-watchdog"):
        _watchdog.WATCHDOG.watch = lambda seconds, sock: 0  # type: ignore[method-assign]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with RawServer() as raw:
        raw.route("/v1/items/x", handler)
        client = ExampleClient(api_key="k", base_url=raw.url, timeout=timeout, max_retries=0)
        started = time.monotonic()
        try:
            client.items.get(item_id="x")
            outcome = "returned"
        except ApiError as exc:
            outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
        elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{name} (timeout={timeout}): {elapsed:.2f} s, peak RSS {peak / 1024:.0f} MB (from {before / 1024:.0f} MB)")
    print(f"  -> {outcome}")


if __name__ == "__main__":
    main(sys.argv[1])
