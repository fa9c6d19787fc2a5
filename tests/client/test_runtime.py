"""The committed package's runtime through httpx.MockTransport (clock, jitter and pauses injected): retries, the
call's deadline, per-call options and credentials, as generated code drives them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from thymia_client import (
    ApiConnectionError,
    ApiTimeoutError,
    AsyncThymiaClient,
    ConflictError,
    InternalServerError,
    InvalidCredentialError,
    RateLimitError,
    ResponseTooLargeError,
    ThymiaClient,
)
from thymia_client.models import BirthSex, LanguageCode, UserDetails

from tests.client.support.generate import SPECS, generate

OK = {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "activityLink": "https://app.example/a"}
ITEM = {"id": "i1", "name": "one"}


def user() -> UserDetails:
    import datetime

    return UserDetails(user_label="u", date_of_birth=datetime.date(1985, 4, 12), birth_sex=BirthSex.MALE)


class Script:
    """Answers requests from a list (the last one repeats): statuses with headers, or exceptions to raise."""

    def __init__(self, *answers: Any, body: Any = OK) -> None:
        self.answers = list(answers)
        self.body = body
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers, json=self.body if status < 300 else {"error": status})


def seams(client: Any, pauses: list[float]) -> Any:
    client._sender._sleep = pauses.append
    client._sender._random = lambda: 0.0
    return client


def thymia(script: Script, **options: Any) -> tuple[ThymiaClient, list[float]]:
    pauses: list[float] = []
    client = ThymiaClient(
        api_key="k",
        base_url="https://api.example.com",
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        **options,
    )
    return seams(client, pauses), pauses


def acme(script: Script, **options: Any) -> tuple[Any, list[float]]:
    """A client whose operations include GETs (idempotent), from the feature spec."""
    gen = generate(SPECS / "sdk-features.yaml", "acme_client")
    pauses: list[float] = []
    client = getattr(gen.module, gen.package.client.class_name)(
        api_key="k",
        base_url="https://api.example.com",
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        **options,
    )
    return seams(client, pauses), pauses


def create(client: Any, **options: Any) -> Any:
    return client.mental_wellness.create_model_run_with_activity(user=user(), language=LanguageCode.EN_GB, **options)


@pytest.fixture(autouse=True)
def _no_credentials_in_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("THYMIA_API_KEY", raising=False)
    yield


# --- retries -------------------------------------------------------------------------------------------------


def test_retry_after_is_honoured() -> None:
    script = Script((429, {"Retry-After": "2"}), (503, {"retry-after-ms": "10"}), 200)
    client, pauses = thymia(script)
    assert str(create(client).id) == OK["id"]
    assert pauses == [2.0, 0.01]
    assert len(script.requests) == 3


def test_pauses_follow_the_backoff_sequence() -> None:
    client, pauses = thymia(Script(503), max_retries=4, timeout=None)
    with pytest.raises(InternalServerError):
        create(client)
    assert pauses == [0.5, 1.0, 2.0, 4.0]


@pytest.mark.parametrize(
    ("status", "post_attempts", "get_attempts"),
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
def test_retry_policy_by_status_and_method(status: int, post_attempts: int, get_attempts: int) -> None:
    script = Script(status)
    client, _ = thymia(script)
    with pytest.raises(Exception):  # noqa: B017 - which class is checked elsewhere
        create(client)
    assert len(script.requests) == post_attempts
    gets = Script(status, body=ITEM)
    other, _ = acme(gets)
    with pytest.raises(Exception):  # noqa: B017
        other.items.get_item(item_id="i1")
    assert len(gets.requests) == get_attempts


def test_max_retries_per_client_and_per_call() -> None:
    script = Script(503)
    client, _ = thymia(script, max_retries=0)
    with pytest.raises(InternalServerError):
        create(client)
    assert len(script.requests) == 1
    script.requests.clear()
    with pytest.raises(InternalServerError):
        create(client, max_retries=5, timeout=None)
    assert len(script.requests) == 6


@pytest.mark.parametrize(
    ("error", "post_attempts"),
    [
        (httpx.ConnectError("refused"), 3),
        (httpx.ConnectTimeout("slow connect"), 3),
        (httpx.ReadTimeout("slow answer"), 1),
        (httpx.ReadError("reset"), 1),
        (httpx.RemoteProtocolError("closed"), 1),
    ],
)
def test_transport_errors(error: Exception, post_attempts: int) -> None:
    script = Script(error)
    client, _ = thymia(script)
    expected = ApiTimeoutError if isinstance(error, httpx.TimeoutException) else ApiConnectionError
    with pytest.raises(expected):
        create(client)
    assert len(script.requests) == post_attempts
    gets = Script(error)
    other, _ = acme(gets)
    with pytest.raises(Exception) as caught:
        other.items.get_item(item_id="i1")
    assert expected.__name__ in {cls.__name__ for cls in type(caught.value).__mro__}
    assert len(gets.requests) == 3  # a GET is repeated whatever failed


def test_conflict_is_not_retried_for_post() -> None:
    client, pauses = thymia(Script(409, 200))
    with pytest.raises(ConflictError):
        create(client)
    assert pauses == []


def test_rate_limit_error_after_retries_carries_the_response() -> None:
    client, _ = thymia(Script((429, {"Retry-After": "0"})))
    with pytest.raises(RateLimitError) as caught:
        create(client)
    assert caught.value.headers["retry-after"] == "0"
    assert caught.value.parsed == {"error": 429}
    assert caught.value.response.status_code == 429


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


# --- per-call options, request shape, credentials --------------------------------------------------------------


def timeouts(request: httpx.Request) -> dict[str, float | None]:
    return dict(request.extensions["timeout"])


def test_timeouts_default_per_client_and_per_call() -> None:
    script = Script(200)
    client, _ = thymia(script)
    create(client)
    first = timeouts(script.requests[-1])
    assert first["connect"] is not None and first["connect"] <= 5.0
    assert first["read"] is not None and 55.0 < first["read"] <= 60.0
    create(client, timeout=2.5)
    assert all(value is not None and value <= 2.5 for value in timeouts(script.requests[-1]).values())


def test_request_shape_and_every_extra_option() -> None:
    script = Script(200)
    client, _ = thymia(script)
    create(client, extra_headers={"X-Trace": "t1"}, extra_query={"dry_run": "1"}, extra_body={"debug": True})
    request = script.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v1/models/mental-wellness-activity")
    assert dict(request.url.params) == {"dry_run": "1"}
    assert request.headers["x-api-key"] == "k"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.headers["x-trace"] == "t1"
    assert json.loads(request.content) == {
        "user": {"userLabel": "u", "dateOfBirth": "1985-04-12", "birthSex": "MALE"},
        "language": "en-GB",
        "debug": True,
    }


def test_max_response_bytes_per_call() -> None:
    client, _ = thymia(Script(200))
    with pytest.raises(ResponseTooLargeError):
        create(client, max_response_bytes=10)


def test_credentials_are_checked_at_construction_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidCredentialError) as caught:
        ThymiaClient(api_key="secret\n", base_url="https://api.example.com")
    assert "secret" not in str(caught.value) and "api_key" in str(caught.value)
    monkeypatch.setenv("THYMIA_API_KEY", "from-env")
    script = Script(200)
    client = ThymiaClient(
        base_url="https://api.example.com", http_client=httpx.Client(transport=httpx.MockTransport(script))
    )
    create(client)
    assert script.requests[0].headers["x-api-key"] == "from-env"
    assert "from-env" not in repr(client) and "from-env" not in repr(vars(client))
