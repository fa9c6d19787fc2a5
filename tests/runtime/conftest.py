"""The example package on sys.path (built before the test modules import it), and the servers it talks to."""

from __future__ import annotations

import atexit
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.runtime import app as example_app
from tests.runtime.harness import build_package
from tests.runtime.rawserver import RawServer

_ROOT = Path(tempfile.mkdtemp(prefix="runtime-tests-"))
atexit.register(shutil.rmtree, _ROOT, True)
build_package(_ROOT)
sys.path.insert(0, str(_ROOT))


class Server:
    """The FastAPI example app, served by uvicorn on 127.0.0.1 in a thread."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"
        self.url = self.origin + "/v1"
        config = uvicorn.Config(example_app.recorder, log_level="warning", lifespan="off", timeout_keep_alive=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def requests(self) -> list[example_app.Seen]:
        return example_app.recorder.requests

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def _uvicorn() -> Iterator[Server]:
    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(_uvicorn: Server) -> Server:
    """The example app, with an empty request log."""
    _uvicorn.requests.clear()
    return _uvicorn


@pytest.fixture
def raw() -> Iterator[RawServer]:
    with RawServer() as server:
        yield server


@pytest.fixture
def other() -> Iterator[RawServer]:
    """A second origin (another port), for redirects that leave the API."""
    with RawServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_credentials_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("EXAMPLE_"):
            monkeypatch.delenv(name)
