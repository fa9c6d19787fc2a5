"""The generated clients against a real HTTP server on 127.0.0.1 that checks every request against the spec."""

from __future__ import annotations

import asyncio
import datetime
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.config import load_targets
from tests.client.support.generate import (
    CORPUS,
    REPO,
    SPECS,
    Generated,
    arguments,
    generate,
    method_of,
    operations,
)
from tests.client.support.server import Fault, SpecServer

KEY = "test-key-0123"
THYMIA_SECRETS = {"APIKeyHeader": KEY}


def thymia() -> Generated:
    target = next(t for t in load_targets(REPO) if t.name == "thymia")
    return generate(target.specs[0], "thymia_client_under_test", target=target)


# Each case: (spec, package, the server's secrets by scheme, the client's constructor arguments, prefix).
CASES: dict[str, tuple[Path, str, dict[str, str], dict[str, Any], str]] = {
    "features": (SPECS / "client-features.yaml", "client_features", {"bearer": KEY}, {"bearer_token": KEY}, ""),
    "petstore-expanded": (CORPUS / "oai-petstore-expanded.yaml", "client_petstore_expanded", {}, {}, "/api"),
    "petstore3": (
        CORPUS / "swagger-petstore3.yaml",
        "client_petstore3",
        {"api_key": KEY, "petstore_auth": KEY},
        {"api_key": KEY, "access_token": KEY},
        "/api/v3",
    ),
    "fastapi-template": (
        CORPUS / "fastapi-template-pr-app.json",
        "client_fastapi_template",
        {"OAuth2PasswordBearer": KEY},
        {"access_token": KEY},
        "",
    ),
}


def case(name: str) -> Generated:
    if name == "thymia":
        return thymia()
    spec, package, _, _, _ = CASES[name]
    if not spec.exists():
        pytest.skip(f"{spec.name} is not in ../shared/corpus")
    return generate(spec, package)


@pytest.fixture
def thymia_server() -> Iterator[SpecServer]:
    with SpecServer(thymia().spec, secrets=THYMIA_SECRETS) as server:
        yield server


def no_sleep(client: Any, log: list[float] | None = None) -> Any:
    """Retries pause through this instead of the clock, so that fault tests take no real time."""
    client._sender._sleep = log.append if log is not None else (lambda seconds: None)
    return client


# --- the README's usage, exactly as a user would copy it ---------------------------------------------------


def readme_blocks(gen: Generated) -> list[str]:
    readme = gen.files[f"{gen.module.__name__}/README.md"]
    return re.findall(r"^(`{3,})python\n(.*?)^\1$", readme, flags=re.S | re.M)


def test_committed_readme_usage_runs_against_the_server(
    thymia_server: SpecServer, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "generated" / "thymia_client" / "README.md").read_text("utf-8")
    block = re.search(r"^```python\n(.*?)^```$", readme, flags=re.S | re.M)
    assert block is not None
    source = block.group(1)
    assert "from thymia_client import ThymiaClient" in source
    assert "client.mental_wellness.create_model_run_with_activity(" in source
    source = re.sub(r"base_url=(['\"]).*?\1", f"base_url={thymia_server.url!r}", source)
    source = source.replace('api_key="my-api-key"', f"api_key={KEY!r}")
    namespace: dict[str, Any] = {}
    exec(compile(source, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert type(result).__name__ == "MentalWellnessModelRunCreateActivityResponse"
    assert str(result.id) == thymia_server.answers["POST /v1/models/mental-wellness-activity"]["id"]
    assert thymia_server.problems == []
    [request] = thymia_server.requests
    assert request.json() == {
        "user": {"userLabel": "string", "dateOfBirth": "2024-01-15", "birthSex": "MALE"},
        "language": "en",
    }
    assert "MentalWellnessModelRunCreateActivityResponse(" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["thymia", "features", "petstore3"])
def test_generated_readme_examples_run_sync_and_async(name: str) -> None:
    gen = case(name)
    secrets = THYMIA_SECRETS if name == "thymia" else CASES[name][2]
    prefix = "" if name == "thymia" else CASES[name][4]
    blocks = readme_blocks(gen)
    assert len(blocks) >= 2
    with SpecServer(gen.spec, secrets=secrets, prefix=prefix) as server:
        for _, source in blocks:
            source = re.sub(r"base_url=(['\"]).*?\1", f"base_url={server.url!r}", source)
            source = re.sub(r"\"my-[a-z-]+\"", repr(KEY), source)
            exec(compile(source, "README.md", "exec"), {"__name__": "readme"})
        assert len(server.requests) >= 2
        assert server.problems == []


def test_issue_usage_sends_exactly_the_documented_request(thymia_server: SpecServer) -> None:
    from thymia_client import ThymiaClient
    from thymia_client.models import BirthSex, LanguageCode, UserDetails

    client = ThymiaClient(api_key=KEY, base_url=thymia_server.url)
    run = client.mental_wellness.create_model_run_with_activity(
        user=UserDetails(
            user_label="a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e",
            date_of_birth=datetime.date(1985, 4, 12),
            birth_sex=BirthSex.MALE,
        ),
        language=LanguageCode.EN_GB,
    )
    import uuid

    assert isinstance(run.id, uuid.UUID)
    assert isinstance(run.activity_link, str)
    [request] = thymia_server.requests
    assert (request.method, request.path, request.query) == ("POST", "/v1/models/mental-wellness-activity", [])
    assert request.headers["x-api-key"] == KEY
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == (
        b'{"user":{"userLabel":"a1f5c3d9-7b2e-4f8a-9c3d-2e7f1b6a4d8e","dateOfBirth":"1985-04-12","birthSex":"MALE"},'
        b'"language":"en-GB"}'
    )
    assert thymia_server.problems == []


def test_issue_usage_async(thymia_server: SpecServer) -> None:
    from thymia_client import AsyncThymiaClient
    from thymia_client.models import BirthSex, LanguageCode, UserDetails

    async def main() -> Any:
        async with AsyncThymiaClient(api_key=KEY, base_url=thymia_server.url) as client:
            return await client.mental_wellness.create_model_run_with_activity(
                user=UserDetails(user_label="u", date_of_birth=datetime.date(1985, 4, 12), birth_sex=BirthSex.FEMALE),
                language=LanguageCode.EN_GB,
                accent=None,
            )

    run = asyncio.run(main())
    assert run.activity_link == thymia_server.answers["POST /v1/models/mental-wellness-activity"]["activityLink"]
    assert thymia_server.requests[0].json() == {
        "user": {"userLabel": "u", "dateOfBirth": "1985-04-12", "birthSex": "FEMALE"},
        "language": "en-GB",
    }
    assert thymia_server.problems == []


# --- every operation of several specs, sync and async ------------------------------------------------------


def expected(gen: Generated, op_hint: str, answer: Any) -> Any:
    serde = importlib.import_module(f"{gen.module.__name__}._serde")
    return serde.decode(eval(op_hint, vars(gen.client)), answer)


@pytest.mark.parametrize("name", ["thymia", *CASES])
def test_every_operation_sync_and_async(name: str) -> None:
    gen = case(name)
    secrets, client_args, prefix = (THYMIA_SECRETS, {"api_key": KEY}, "") if name == "thymia" else CASES[name][2:]
    client_cls = getattr(gen.module, gen.package.client.class_name)
    async_cls = getattr(gen.module, gen.package.client.async_class_name)
    calls = operations(gen)
    assert calls
    with SpecServer(gen.spec, secrets=secrets, prefix=prefix) as server:
        with client_cls(base_url=server.url, **client_args) as client:
            for path, op in calls:
                result = method_of(client, path)(**arguments(gen, path, op))
                check_result(gen, server, op, result)

        async def run_async() -> None:
            async with async_cls(base_url=server.url, **client_args) as client:
                for path, op in calls:
                    result = method_of(client, path)(**arguments(gen, path, op, full=False))
                    if op.sender == "paginate":
                        result = (await result).body
                    else:
                        result = await result
                    check_result(gen, server, op, result)

        asyncio.run(run_async())
        assert "\n".join(server.problems) == ""
        assert len(server.requests) == 2 * len(calls)
        routed = {r.operation for r in server.requests}
        assert len(routed) == len(calls)


def check_result(gen: Generated, server: SpecServer, op: Any, result: Any) -> None:
    import ast

    key = f"{ast.literal_eval(op.method_literal)} {ast.literal_eval(op.path_literal)}"
    if op.sender == "paginate" and not isinstance(result, type(expected(gen, op.result_hint, server.answers[key]))):
        result = result.body
    kind = op.responses[0].kind if op.responses else "none"
    if kind == "none":
        assert result is None
    elif kind == "json":
        assert result == expected(gen, op.result_hint, server.answers[key])
        if op.result_hint.startswith("_models."):
            assert type(result).__name__ == op.result_hint.removeprefix("_models.").split(" ")[0]
    else:
        assert result == server.answers[key]


def test_parameters_reach_the_wire_in_their_styles() -> None:
    gen = case("features")
    client_cls = getattr(gen.module, gen.package.client.class_name)
    import uuid

    with SpecServer(gen.spec, secrets=CASES["features"][2]) as server:
        client = client_cls(bearer_token=KEY, base_url=server.url)
        client.items.get_item_file(
            item_id=7,
            name="a/b?c#d e",
            x_request_id=uuid.UUID(int=1),
            tags=["x", "y"],
            ids=[1, 2],
            pipes=["p", "q"],
            filter={"color": "red", "size": 3},
            verbose=False,
            session="s1",
        )
        client.items.list_items()  # nothing optional given: no query at all
        client.blobs.put_blob(key="k", body=b"\x00\xff")
        assert client.blobs.get_blob(key="k") == b"\x00\x01binary\xff"
        assert client.forms.login(username="u", password="p", remember=True) == "plain text answer"
        stored = client.forms.upload(file=b"PNG...", description="pic")
        assert isinstance(stored, gen.models.Stored)
        assert client.items.delete_items_files_by_item_id_name(item_id=1, name="n") is None
    assert server.problems == []
    first, listing, blob, _, login, upload, _ = server.requests
    assert first.path == "/items/7/files/a%2Fb%3Fc%23d%20e"
    assert first.query == [
        ("tags", "x"),
        ("tags", "y"),
        ("ids", "1,2"),
        ("pipes", "p|q"),
        ("filter[color]", "red"),
        ("filter[size]", "3"),
        ("verbose", "false"),
    ]
    assert first.headers["X-Request-Id"] == str(uuid.UUID(int=1))
    assert first.headers["Cookie"] == "session=s1"
    assert first.headers["Authorization"] == f"Bearer {KEY}"
    assert listing.query == []
    assert (blob.body, blob.headers["Content-Type"]) == (b"\x00\xff", "application/octet-stream")
    assert sorted(login.body.split(b"&")) == [b"password=p", b"remember=true", b"username=u"]
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"' in upload.body and b"PNG..." in upload.body and b'name="description"' in upload.body


# --- errors -------------------------------------------------------------------------------------------------


def test_documented_error_body_is_parsed_into_its_model(thymia_server: SpecServer) -> None:
    from thymia_client import ApiStatusError, ThymiaClient, UnprocessableEntityError
    from thymia_client.models import HTTPValidationError, LanguageCode, UserDetails, ValidationError

    detail = {"detail": [{"loc": ["body", "user", 0], "msg": "field required", "type": "value_error.missing"}]}
    thymia_server.faults.append(Fault(status=422, body=json.dumps(detail).encode()))
    client = no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url))
    user = UserDetails(user_label="u", date_of_birth=datetime.date(2000, 1, 1), birth_sex="MALE")  # type: ignore[arg-type]
    with pytest.raises(UnprocessableEntityError) as caught:
        client.mental_wellness.create_model_run_with_activity(user=user, language=LanguageCode.EN)
    error = caught.value
    assert isinstance(error, ApiStatusError)
    assert error.status_code == 422
    assert isinstance(error.parsed, HTTPValidationError)
    assert error.parsed.detail == [
        ValidationError(loc=["body", "user", 0], msg="field required", type="value_error.missing")
    ]
    assert json.loads(error.body) == detail
    assert error.headers["content-type"] == "application/json"
    assert KEY not in str(error) and KEY not in repr(error)


@pytest.mark.parametrize(
    ("status", "error_name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (502, "InternalServerError"),
        (418, "ApiStatusError"),
    ],
)
def test_statuses_raise_their_error_classes(thymia_server: SpecServer, status: int, error_name: str) -> None:
    import thymia_client

    thymia_server.faults.extend([Fault(status=status, body=b'{"message": "nope"}')] * 3)
    client = no_sleep(thymia_client.ThymiaClient(api_key=KEY, base_url=thymia_server.url))
    with pytest.raises(thymia_client.ApiStatusError) as caught:
        client.mental_wellness.create_model_run_with_activity(
            user=thymia_user(), language=thymia_client.models.LanguageCode.EN
        )
    assert type(caught.value).__name__ == error_name
    assert caught.value.status_code == status
    assert caught.value.parsed == {"message": "nope"}  # undocumented: the decoded JSON


def thymia_user() -> Any:
    from thymia_client.models import BirthSex, UserDetails

    return UserDetails(user_label="u", date_of_birth=datetime.date(2000, 1, 1), birth_sex=BirthSex.MALE)


def call_thymia(client: Any, **options: Any) -> Any:
    from thymia_client.models import LanguageCode

    return client.mental_wellness.create_model_run_with_activity(
        user=thymia_user(), language=LanguageCode.EN, **options
    )


# --- faults -------------------------------------------------------------------------------------------------


def test_503_then_200_is_retried(thymia_server: SpecServer) -> None:
    from thymia_client import ThymiaClient

    thymia_server.faults.append(Fault(status=503, body=b"{}"))
    pauses: list[float] = []
    run = call_thymia(no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url), pauses))
    assert run.activity_link
    assert len(thymia_server.requests) == 2
    assert len(pauses) == 1 and 0.375 <= pauses[0] <= 0.5


def test_429_waits_as_retry_after_asks(thymia_server: SpecServer) -> None:
    from thymia_client import RateLimitError, ThymiaClient

    thymia_server.faults.extend(
        [Fault(status=429, headers={"Retry-After": "3"}), Fault(status=429, headers={"retry-after-ms": "250"})]
    )
    pauses: list[float] = []
    call_thymia(no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url), pauses))
    assert pauses == [3.0, 0.25]
    thymia_server.faults.extend([Fault(status=429, headers={"Retry-After": "1"})] * 2)
    with pytest.raises(RateLimitError):
        call_thymia(no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url, max_retries=1)))


def test_a_post_answered_500_is_sent_once(thymia_server: SpecServer) -> None:
    from thymia_client import InternalServerError, ThymiaClient

    thymia_server.faults.append(Fault(status=500, body=b'{"error": "boom"}'))
    with pytest.raises(InternalServerError) as caught:
        call_thymia(no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url)))
    assert len(thymia_server.requests) == 1
    assert "boom" in str(caught.value)


def test_an_idempotent_get_answered_500_is_retried() -> None:
    gen = case("features")
    with SpecServer(gen.spec, secrets=CASES["features"][2]) as server:
        client = no_sleep(getattr(gen.module, gen.package.client.class_name)(bearer_token=KEY, base_url=server.url))
        server.faults.extend([Fault(status=500), Fault(status=502)])
        assert isinstance(client.items.list_items(), list)
        assert len(server.requests) == 3


def test_read_timeout(thymia_server: SpecServer) -> None:
    from thymia_client import ApiConnectionError, ApiTimeoutError, ThymiaClient

    thymia_server.faults.append(Fault(stall=0.5, status=200, body=b"{}"))
    client = no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url, timeout=0.1))
    with pytest.raises(ApiTimeoutError) as caught:
        call_thymia(client)
    assert isinstance(caught.value, ApiConnectionError)
    assert len(thymia_server.requests) == 1  # a POST that may have been processed is not repeated


def test_read_timeout_of_a_get_is_retried_and_per_call_timeout_wins() -> None:
    import time

    from client_features import ApiTimeoutError

    gen = case("features")
    with SpecServer(gen.spec, secrets=CASES["features"][2]) as server:
        client = no_sleep(getattr(gen.module, gen.package.client.class_name)(bearer_token=KEY, base_url=server.url))
        # A slow read within a call that has time left is repeated (a GET is idempotent)...
        server.faults.append(Fault(stall=0.4, status=200, body=b"[]"))
        assert isinstance(client.items.list_items(timeout=httpx.Timeout(3.0, read=0.1)), list)
        assert len(server.requests) == 2
        # ...but `timeout` bounds the whole call: a per-call 0.1 s leaves no time for another try.
        server.faults.append(Fault(stall=0.4, status=200, body=b"[]"))
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            client.items.list_items(timeout=0.1)
        assert time.monotonic() - started < 0.35


def test_connection_reset(thymia_server: SpecServer) -> None:
    from thymia_client import ApiConnectionError, ApiTimeoutError, ThymiaClient

    thymia_server.faults.append(Fault(reset=True))
    with pytest.raises(ApiConnectionError) as caught:
        call_thymia(no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url)))
    assert not isinstance(caught.value, ApiTimeoutError)
    gen = case("features")
    with SpecServer(gen.spec, secrets=CASES["features"][2]) as server:
        client = no_sleep(getattr(gen.module, gen.package.client.class_name)(bearer_token=KEY, base_url=server.url))
        server.faults.append(Fault(reset=True))
        assert isinstance(client.items.list_items(), list)  # idempotent: retried on a fresh connection
        assert len(server.requests) == 2


def test_connection_refused_is_retried_for_any_method() -> None:
    import socket

    from thymia_client import ApiConnectionError, ThymiaClient

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pauses: list[float] = []
    client = no_sleep(ThymiaClient(api_key=KEY, base_url=f"http://127.0.0.1:{port}"), pauses)
    with pytest.raises(ApiConnectionError):
        call_thymia(client)
    assert len(pauses) == 2  # the request never left: even a POST is tried again


def test_malformed_json_and_undeclared_status(thymia_server: SpecServer) -> None:
    from thymia_client import ApiStatusError, ResponseValidationError, ThymiaClient

    client = no_sleep(ThymiaClient(api_key=KEY, base_url=thymia_server.url))
    thymia_server.faults.append(Fault(status=200, body=b'{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "activ'))
    with pytest.raises(ResponseValidationError) as caught:
        call_thymia(client)
    assert caught.value.response.status_code == 200
    assert caught.value.body.endswith(b'"activ')
    thymia_server.faults.append(Fault(status=200, body=b'{"id": "not-a-uuid", "activityLink": "x"}'))
    with pytest.raises(ResponseValidationError, match="uuid"):
        call_thymia(client)
    thymia_server.faults.append(Fault(status=200, body=b'{"activityLink": "x"}'))
    with pytest.raises(ResponseValidationError, match="id"):
        call_thymia(client)
    thymia_server.faults.append(Fault(status=418, body=b"I'm a teapot", headers={"Content-Type": "text/plain"}))
    with pytest.raises(ApiStatusError) as status:
        call_thymia(client)
    assert (status.value.status_code, status.value.body, status.value.parsed) == (418, b"I'm a teapot", None)


def test_unknown_enum_value_and_extra_fields_do_not_break_parsing() -> None:
    gen = case("features")
    with SpecServer(gen.spec, secrets=CASES["features"][2]) as server:
        client = getattr(gen.module, gen.package.client.class_name)(bearer_token=KEY, base_url=server.url)
        server.faults.append(
            Fault(status=200, body=b'[{"id": 1, "name": "n", "kind": "enormous", "colour": "new field"}]')
        )
        [item] = client.items.list_items()
    assert item.kind == "enormous"
    assert item.name == "n"
    assert item.to_dict() == {"id": 1, "name": "n", "kind": "enormous", "colour": "new field"}  # nothing dropped


# --- raw responses, credentials, configuration ---------------------------------------------------------------


def test_with_raw_response(thymia_server: SpecServer) -> None:
    from thymia_client import AsyncThymiaClient, ThymiaClient
    from thymia_client.models import LanguageCode, MentalWellnessModelRunCreateActivityResponse

    client = ThymiaClient(api_key=KEY, base_url=thymia_server.url)
    raw = client.mental_wellness.with_raw_response.create_model_run_with_activity(
        user=thymia_user(), language=LanguageCode.EN
    )
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/json"
    assert json.loads(raw.content) == thymia_server.answers["POST /v1/models/mental-wellness-activity"]
    assert isinstance(raw.parse(), MentalWellnessModelRunCreateActivityResponse)

    async def run_async() -> tuple[int, Any]:
        async with AsyncThymiaClient(api_key=KEY, base_url=thymia_server.url) as client:
            raw = await client.mental_wellness.with_raw_response.create_model_run_with_activity(
                user=thymia_user(), language=LanguageCode.EN
            )
            return raw.status_code, await raw.parse()

    status, parsed = asyncio.run(run_async())
    assert status == 200 and isinstance(parsed, MentalWellnessModelRunCreateActivityResponse)


def test_credential_from_environment_and_never_in_repr(
    thymia_server: SpecServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thymia_client import AsyncThymiaClient, MissingCredentialError, ThymiaClient

    monkeypatch.setenv("THYMIA_API_KEY", KEY)
    client = ThymiaClient(base_url=thymia_server.url)
    call_thymia(client)
    assert thymia_server.problems == []
    for text in (
        repr(client),
        str(client),
        repr(client._sender),
        repr(client.mental_wellness),
        repr(vars(client.mental_wellness)),
    ):
        assert KEY not in text
    monkeypatch.delenv("THYMIA_API_KEY")
    sent = len(thymia_server.requests)
    with pytest.raises(MissingCredentialError, match=r"api_key=.*THYMIA_API_KEY"):
        call_thymia(ThymiaClient(base_url=thymia_server.url))
    with pytest.raises(MissingCredentialError, match="THYMIA_API_KEY"):
        asyncio.run(call_thymia_async(AsyncThymiaClient(base_url=thymia_server.url)))
    assert len(thymia_server.requests) == sent  # nothing went out


def test_base_url_from_servers_or_required() -> None:
    from thymia_client import ThymiaClient

    with pytest.raises(ValueError, match="base_url is required"):
        ThymiaClient(api_key=KEY)
    gen = generate(SPECS / "features-3.1.yaml", "client_features_servers")
    client = getattr(gen.module, gen.package.client.class_name)()
    assert client._sender.base_url == "https://features.example.com/api"


def test_timeouts_are_finite_by_default_and_settable() -> None:
    from thymia_client import ThymiaClient

    client = ThymiaClient(api_key=KEY, base_url="https://api.example.com")
    timeout = httpx.Timeout(client._sender._timeout)
    assert (timeout.read, timeout.connect) == (60.0, 5.0)
    assert ThymiaClient(api_key=KEY, base_url="https://x.example", timeout=3)._sender._timeout == 3


def test_caller_supplied_http_client_is_used_and_left_open(thymia_server: SpecServer) -> None:
    from thymia_client import AsyncThymiaClient, ThymiaClient

    with httpx.Client(headers={"User-Agent": "mine"}) as http:
        with ThymiaClient(api_key=KEY, base_url=thymia_server.url, http_client=http) as client:
            call_thymia(client)
        assert not http.is_closed
    assert thymia_server.requests[0].headers["User-Agent"] == "mine"

    async def run_async() -> bool:
        async with httpx.AsyncClient() as http:
            async with AsyncThymiaClient(api_key=KEY, base_url=thymia_server.url, http_client=http) as client:
                await call_thymia_async(client)
            return http.is_closed

    assert asyncio.run(run_async()) is False
    own = ThymiaClient(api_key=KEY, base_url=thymia_server.url)
    own.close()
    assert own._sender.http.is_closed


async def call_thymia_async(client: Any) -> Any:
    from thymia_client.models import LanguageCode

    return await client.mental_wellness.create_model_run_with_activity(user=thymia_user(), language=LanguageCode.EN)
