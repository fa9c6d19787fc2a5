"""The generated runtime (`_http`) through httpx.MockTransport, with the clock, jitter and pauses injected."""

from __future__ import annotations

import asyncio
import email.utils
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from thymia_client import (
    ApiConnectionError,
    ApiTimeoutError,
    AsyncThymiaClient,
    ConflictError,
    InternalServerError,
    RateLimitError,
    ThymiaClient,
    _http,
)
from thymia_client.models import BirthSex, LanguageCode, UserDetails

NOW = 1_700_000_000.0
OK = {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "activityLink": "https://app.example/a"}


def user() -> UserDetails:
    import datetime

    return UserDetails(user_label="u", date_of_birth=datetime.date(1985, 4, 12), birth_sex=BirthSex.MALE)


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
        return httpx.Response(status, headers=headers, json=OK if status < 300 else {"error": status})


def client_for(script: Script, *, jitter: float = 0.0, **options: Any) -> tuple[ThymiaClient, list[float]]:
    pauses: list[float] = []
    client = ThymiaClient(
        api_key="k",
        base_url="https://api.example.com",
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        **options,
    )
    client._sender._sleep = pauses.append
    client._sender._now = lambda: NOW
    client._sender._random = lambda: jitter
    return client, pauses


def create(client: Any, **options: Any) -> Any:
    return client.mental_wellness.create_model_run_with_activity(user=user(), language=LanguageCode.EN_GB, **options)


# --- backoff and Retry-After --------------------------------------------------------------------------------


def test_backoff_doubles_from_half_a_second_and_is_capped() -> None:
    delays = [_http.retry_delay(attempt, None, jitter=lambda: 0.0) for attempt in range(7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_takes_off_at_most_a_quarter() -> None:
    assert _http.retry_delay(0, None, jitter=lambda: 1.0) == 0.375
    assert _http.retry_delay(4, None, jitter=lambda: 0.5) == 7.0
    for _ in range(50):
        assert 0.375 <= _http.retry_delay(0, None) <= 0.5


HTTP_DATE_IN_30_S = email.utils.formatdate(NOW + 30, usegmt=True)
HTTP_DATE_PAST = email.utils.formatdate(NOW - 30, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": " 1.5 "}, 1.5),
        ({"retry-after": "86400"}, _http.MAX_RETRY_AFTER),
        ({"retry-after": "-5"}, 0.5),  # invalid: backoff
        ({"retry-after": "soon"}, 0.5),
        ({"retry-after": "nan"}, 0.5),
        ({"retry-after": "inf"}, 0.5),
        ({"retry-after": ""}, 0.5),
        ({"retry-after": HTTP_DATE_IN_30_S}, 30.0),
        ({"retry-after": HTTP_DATE_PAST}, 0.0),
        ({"retry-after": "Wed, 99 Foo 2015 07:28:00 GMT"}, 0.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "-1", "retry-after": "9"}, 9.0),
        ({"retry-after-ms": "999999999"}, _http.MAX_RETRY_AFTER),
        ({}, 0.5),
    ],
)
def test_retry_after_edge_cases(headers: dict[str, str], expected: float) -> None:
    delay = _http.retry_delay(0, httpx.Headers(headers), now=lambda: NOW, jitter=lambda: 0.0)
    assert delay == pytest.approx(expected)


def test_retry_after_is_honoured_by_the_client() -> None:
    script = Script((429, {"Retry-After": "2"}), (503, {"retry-after-ms": "10"}), 200)
    client, pauses = client_for(script)
    assert str(create(client).id) == OK["id"]
    assert pauses == [2.0, 0.01]
    assert len(script.requests) == 3


def test_pauses_follow_the_backoff_sequence() -> None:
    client, pauses = client_for(Script(503), max_retries=4)
    with pytest.raises(InternalServerError):
        create(client)
    assert pauses == [0.5, 1.0, 2.0, 4.0]


# --- which failures are retried -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "post_attempts", "get_like_attempts"),
    [
        (408, 3, 3),
        (429, 3, 3),
        (503, 3, 3),
        (409, 1, 3),
        (500, 1, 3),
        (502, 1, 3),
        (504, 1, 3),
        (400, 1, 1),
        (404, 1, 1),
        (501, 1, 1),
    ],
)
def test_retry_policy_by_status_and_method(status: int, post_attempts: int, get_like_attempts: int) -> None:
    script = Script(status)
    client, _ = client_for(script)
    with pytest.raises(Exception):  # noqa: B017 - the class is checked elsewhere
        create(client)
    assert len(script.requests) == post_attempts
    sender = client._sender
    script.requests.clear()
    idempotent = _http.Call(method="PUT", path="/x", idempotent=True)
    with pytest.raises(Exception):  # noqa: B017
        sender.send(idempotent, responses={}, errors={})
    assert len(script.requests) == get_like_attempts


def test_max_retries_per_client_and_per_call() -> None:
    script = Script(503)
    client, _ = client_for(script, max_retries=0)
    with pytest.raises(InternalServerError):
        create(client)
    assert len(script.requests) == 1
    script.requests.clear()
    with pytest.raises(InternalServerError):
        create(client, max_retries=5)
    assert len(script.requests) == 6


@pytest.mark.parametrize(
    ("error", "post_attempts"),
    [
        (httpx.ConnectError("refused"), 3),
        (httpx.ConnectTimeout("slow connect"), 3),
        (httpx.PoolTimeout("pool"), 3),
        (httpx.ReadTimeout("slow answer"), 1),
        (httpx.ReadError("reset"), 1),
        (httpx.RemoteProtocolError("closed"), 1),
    ],
)
def test_transport_errors(error: Exception, post_attempts: int) -> None:
    script = Script(error)
    client, _ = client_for(script)
    expected = ApiTimeoutError if isinstance(error, httpx.TimeoutException) else ApiConnectionError
    with pytest.raises(expected) as caught:
        create(client)
    assert caught.value.__cause__ is error
    assert len(script.requests) == post_attempts
    script.requests.clear()
    with pytest.raises(expected):
        client._sender.send(_http.Call(method="GET", path="/x", idempotent=True), responses={}, errors={})
    assert len(script.requests) == 3


def test_conflict_is_not_retried_for_post() -> None:
    script = Script(409, 200)
    client, pauses = client_for(script)
    with pytest.raises(ConflictError):
        create(client)
    assert pauses == []


# --- timeouts, headers, async ---------------------------------------------------------------------------------


def timeouts(request: httpx.Request) -> dict[str, float | None]:
    return dict(request.extensions["timeout"])


def test_timeouts_default_per_client_and_per_call() -> None:
    script = Script(200)
    client, _ = client_for(script)
    create(client)
    assert timeouts(script.requests[-1]) == {"connect": 5.0, "read": 60.0, "write": 60.0, "pool": 60.0}
    create(client, timeout=2.5)
    assert set(timeouts(script.requests[-1]).values()) == {2.5}
    other, _ = client_for(script, timeout=httpx.Timeout(10.0, connect=1.0))
    create(other)
    assert timeouts(script.requests[-1])["connect"] == 1.0


def test_request_shape_and_extra_headers() -> None:
    script = Script(200)
    client, _ = client_for(script)
    create(client, extra_headers={"X-Trace": "t1"})
    request = script.requests[0]
    assert (request.method, str(request.url)) == ("POST", "https://api.example.com/v1/models/mental-wellness-activity")
    assert request.headers["x-api-key"] == "k"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-trace"] == "t1"
    assert json.loads(request.content) == {
        "user": {"userLabel": "u", "dateOfBirth": "1985-04-12", "birthSex": "MALE"},
        "language": "en-GB",
    }


def test_async_client_retries_with_an_async_sleep() -> None:
    script = Script(503, (429, {"Retry-After": "1"}), 200)
    pauses: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        pauses.append(seconds)

    async def main() -> Any:
        transport = httpx.MockTransport(script)
        async with AsyncThymiaClient(
            api_key="k", base_url="https://api.example.com/", http_client=httpx.AsyncClient(transport=transport)
        ) as client:
            client._sender._sleep = fake_sleep
            client._sender._random = lambda: 0.0
            return await create(client)

    run = asyncio.run(main())
    assert run.activity_link == OK["activityLink"]
    assert pauses == [0.5, 1.0]
    assert str(script.requests[0].url) == "https://api.example.com/v1/models/mental-wellness-activity"


def test_rate_limit_error_after_retries_carries_the_response() -> None:
    client, _ = client_for(Script((429, {"Retry-After": "0"})))
    with pytest.raises(RateLimitError) as caught:
        create(client)
    assert caught.value.headers["retry-after"] == "0"
    assert caught.value.parsed == {"error": 429}


# --- runtime helpers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: _http.query("q", None), []),
        (lambda: _http.query("q", [1, 2]), [("q", "1"), ("q", "2")]),
        (lambda: _http.query("q", [1, 2], explode=False), [("q", "1,2")]),
        (lambda: _http.query("q", ["a", "b"], style="spaceDelimited", explode=False), [("q", "a b")]),
        (lambda: _http.query("q", True), [("q", "true")]),
        (lambda: _http.query("q", LanguageCode.EN_GB), [("q", "en-GB")]),
        (lambda: _http.query("f", {"a": 1, "b": None}, style="deepObject"), [("f[a]", "1")]),
        (lambda: _http.query("f", {"a": 1, "b": "x"}), [("a", "1"), ("b", "x")]),
        (lambda: _http.query("f", {"a": 1, "b": "x"}, explode=False), [("f", "a,1,b,x")]),
        (lambda: _http.path_segment("a/b?c#d %"), "a%2Fb%3Fc%23d%20%25"),
        (lambda: _http.path_segment(False), "false"),
        (lambda: _http.header_value(["a", "b"]), "a,b"),
        (lambda: _http.header_value(None), None),
        (lambda: _http.raw_content("é"), "é".encode()),
    ],
)
def test_serialization_helpers(call: Callable[[], Any], expected: Any) -> None:
    assert call() == expected
