"""Retries through httpx.MockTransport, with the clocks, jitter and pauses injected: backoff, Retry-After, which
failures repeat a request (a POST never goes twice unless it never left), and the deadline over all of it."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest
from example_api import (
    ApiConnectionError,
    ApiTimeoutError,
    AsyncExampleClient,
    ConflictError,
    ExampleClient,
    InternalServerError,
    RateLimitError,
    _policy,
)

from tests.runtime.support import run

NOW = 1_700_000_000.0
ITEM = {"id": "i", "name": "n"}


class Script:
    """Answers requests from a list: statuses with headers, or exceptions to raise."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers, json=ITEM if status < 300 else {"error": status})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def client_for(script: Script, **options: Any) -> tuple[ExampleClient, Clock]:
    clock = Clock()
    client = ExampleClient(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(script)), **options)
    client._sender._sleep = clock.sleep
    client._sender._clock = lambda: clock.now
    client._sender._now = lambda: NOW
    client._sender._random = lambda: 0.0
    return client, clock


def test_backoff_doubles_from_half_a_second_and_is_capped() -> None:
    delays = [_policy.retry_delay(attempt, None, jitter=lambda: 0.0) for attempt in range(7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert _policy.retry_delay(0, None, jitter=lambda: 1.0) == 0.375


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": email.utils.formatdate(NOW + 7, usegmt=True)}, 7.0),
        ({"retry-after": email.utils.formatdate(NOW - 100, usegmt=True)}, 0.0),
        ({"retry-after": "3600"}, 60.0),
        ({"retry-after": "-1"}, 0.5),
        ({"retry-after": "soon"}, 0.5),
    ],
)
def test_retry_after_is_honoured_capped_and_garbage_ignored(headers: dict[str, str], expected: float) -> None:
    assert _policy.retry_delay(0, httpx.Headers(headers), now=lambda: NOW, jitter=lambda: 0.0) == expected


def test_get_is_retried_on_server_errors_then_succeeds() -> None:
    script = Script(500, 502, 200)
    client, clock = client_for(script)
    assert client.items.get(item_id="i").id == "i"
    assert len(script.requests) == 3 and clock.pauses == [0.5, 1.0]


def test_post_is_not_sent_twice_after_a_server_error() -> None:
    script = Script(500, 200)
    client, _ = client_for(script)
    with pytest.raises(InternalServerError):
        client.items.create(name="n")
    assert len(script.requests) == 1


def test_post_is_retried_when_the_server_says_it_did_not_process_it() -> None:
    script = Script((429, {"retry-after": "2"}), (201, {}))
    client, clock = client_for(script)
    assert client.items.create(name="n").id == "i"
    assert clock.pauses == [2.0]


def test_post_is_retried_when_the_request_never_left() -> None:
    script = Script(httpx.ConnectError("refused"), 201)
    client, _ = client_for(script)
    client.items.create(name="n")
    assert len(script.requests) == 2


def test_post_is_not_repeated_after_the_connection_broke_mid_answer() -> None:
    script = Script(httpx.ReadError("reset"), 201)
    client, _ = client_for(script)
    with pytest.raises(ApiConnectionError):
        client.items.create(name="n")
    assert len(script.requests) == 1


def test_request_that_cannot_be_built_is_never_retried() -> None:
    script = Script(httpx.LocalProtocolError("bad header"), 200)
    client, _ = client_for(script)
    with pytest.raises(ApiConnectionError):
        client.items.get(item_id="i")
    assert len(script.requests) == 1


def test_retries_stop_at_max_retries_with_the_last_error() -> None:
    script = Script(409)
    client, _ = client_for(script, max_retries=3)
    with pytest.raises(ConflictError):
        client.items.get(item_id="i")
    assert len(script.requests) == 4


def test_per_call_max_retries_overrides_the_client() -> None:
    script = Script(503)
    client, _ = client_for(script)
    with pytest.raises(InternalServerError):
        client.items.get(item_id="i", max_retries=0)
    assert len(script.requests) == 1


def test_timeout_bounds_retries_and_their_pauses() -> None:
    script = Script((429, {"retry-after": "30"}))
    client, clock = client_for(script, timeout=10.0)
    with pytest.raises(RateLimitError):
        client.items.get(item_id="i")
    assert clock.pauses == [] and len(script.requests) == 1
    script = Script(503)
    client, clock = client_for(script, timeout=1.2, max_retries=5)
    with pytest.raises(InternalServerError):
        client.items.get(item_id="i")
    assert clock.pauses == [0.5] and sum(clock.pauses) < 1.2


def test_no_attempt_starts_after_the_deadline() -> None:
    clock = Clock()

    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 5.0  # each attempt takes five seconds
        raise httpx.ConnectError("refused")

    client = ExampleClient(api_key="k", timeout=6.0, http_client=httpx.Client(transport=httpx.MockTransport(slow)))
    client._sender._sleep = clock.sleep
    client._sender._clock = lambda: clock.now
    with pytest.raises((ApiTimeoutError, ApiConnectionError)):
        client.items.get(item_id="i")
    assert clock.now < 6.0 + 5.0 + 0.01


def test_timeout_reaches_httpx_capped_by_what_is_left() -> None:
    script = Script(200)
    client, _ = client_for(script, timeout=httpx.Timeout(20.0, connect=3.0))
    client.items.get(item_id="i")
    assert script.requests[0].extensions["timeout"] == {"connect": 3.0, "read": 20.0, "write": 20.0, "pool": 20.0}
    client.items.get(item_id="i", timeout=2.0)
    assert script.requests[1].extensions["timeout"] == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}


def test_async_client_retries_the_same_way() -> None:
    script = Script(503, 503, 200)
    pauses: list[float] = []

    async def main() -> str:
        async def sleep(seconds: float) -> None:
            pauses.append(seconds)

        client = AsyncExampleClient(api_key="k", http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)))
        client._sender._sleep = sleep
        client._sender._random = lambda: 0.0
        return (await client.items.get(item_id="i")).id

    assert run(main()) == "i"
    assert pauses == [0.5, 1.0]
