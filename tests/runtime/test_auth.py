"""Every security scheme, chosen per operation by its alternatives; the local error for a missing credential;
credentials read from the environment, checked at construction, and never shown."""

from __future__ import annotations

import base64
import socket

import httpx
import pytest
from example_api import AsyncExampleClient, ExampleClient, InvalidCredentialError, MissingCredentialError

from tests.runtime import app
from tests.runtime.conftest import Server
from tests.runtime.rawserver import RawRequest, RawServer, respond
from tests.runtime.support import run


def _client(server: Server, **credentials: str) -> ExampleClient:
    return ExampleClient(base_url=server.url, **credentials)


def test_api_key_header_reaches_the_server(server: Server) -> None:
    with _client(server, api_key=app.API_KEY) as client:
        assert client.items.get(item_id="item-01").name == "Item 1"
    assert server.requests[0].headers["x-api-key"] == app.API_KEY


def test_bearer_token_reaches_the_server(server: Server) -> None:
    with _client(server, bearer_token=app.BEARER_TOKEN) as client:
        client.items.get(item_id="item-01")
    assert server.requests[0].headers["authorization"] == f"Bearer {app.BEARER_TOKEN}"
    assert "x-api-key" not in server.requests[0].headers


def test_api_key_query_parameter_reaches_the_server(server: Server) -> None:
    with _client(server, query_key=app.QUERY_KEY) as client:
        assert [item.id for item in client.items.search(q="Item 1")][:2] == ["item-01", "item-10"]
    assert ("key", app.QUERY_KEY) in server.requests[0].query


def test_api_key_cookie_reaches_the_server(server: Server) -> None:
    with _client(server, session_key=app.SESSION_KEY) as client:
        assert client.items.count() == 23
    assert server.requests[0].headers["cookie"] == f"session={app.SESSION_KEY}"


def test_basic_credentials_reach_the_server(server: Server) -> None:
    with _client(server, username=app.USERNAME, password=app.PASSWORD) as client:
        client.files.download(file_id="f")
    token = base64.b64encode(f"{app.USERNAME}:{app.PASSWORD}".encode()).decode()
    assert server.requests[0].headers["authorization"] == f"Basic {token}"


def test_oauth_access_token_reaches_the_server(server: Server) -> None:
    async def main() -> str:
        async with AsyncExampleClient(base_url=server.url, access_token=app.ACCESS_TOKEN) as client:
            return (await client.chat.complete(prompt="p")).text

    assert run(main()) == "echo: p"
    assert server.requests[0].headers["authorization"] == f"Bearer {app.ACCESS_TOKEN}"


def test_first_satisfiable_alternative_is_sent_and_only_it(server: Server) -> None:
    with _client(server, api_key=app.API_KEY, bearer_token=app.BEARER_TOKEN, access_token="other") as client:
        client.items.get(item_id="item-01")
        client.chat.events().close()
    first, second = server.requests
    assert first.headers["x-api-key"] == app.API_KEY and "authorization" not in first.headers
    assert second.headers["authorization"] == "Bearer other" and "x-api-key" not in second.headers


def test_anonymous_alternative_sends_without_credentials(server: Server) -> None:
    with _client(server) as client, client.chat.events() as stream:
        assert list(stream) == ["hello", "good\nbye"]
    assert "authorization" not in server.requests[0].headers


def test_missing_credential_raises_before_sending_naming_keywords_and_env_vars(server: Server) -> None:
    with _client(server, access_token=app.ACCESS_TOKEN) as client:
        with pytest.raises(MissingCredentialError) as caught:
            client.items.get(item_id="item-01")
        with pytest.raises(MissingCredentialError, match=r"username= \(or set EXAMPLE_USERNAME\)"):
            client.files.download(file_id="f")
    message = str(caught.value)
    assert "items.get" in message
    assert "api_key= (or set EXAMPLE_API_KEY)" in message
    assert "bearer_token= (or set EXAMPLE_BEARER_TOKEN)" in message
    assert server.requests == []


def test_async_missing_credential_raises_before_sending(server: Server) -> None:
    async def main() -> None:
        async with AsyncExampleClient(base_url=server.url) as client:
            with pytest.raises(MissingCredentialError):
                await client.items.list()

    run(main())
    assert server.requests == []


def test_credentials_fall_back_to_the_environment(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_API_KEY", app.API_KEY)
    monkeypatch.setenv("EXAMPLE_USERNAME", app.USERNAME)
    monkeypatch.setenv("EXAMPLE_PASSWORD", app.PASSWORD)
    with _client(server, api_key="") as client:  # empty counts as not given
        client.items.get(item_id="item-01")
        client.files.download(file_id="f")
    assert server.requests[0].headers["x-api-key"] == app.API_KEY
    assert server.requests[1].headers["authorization"].startswith("Basic ")


def test_server_refusal_is_an_authentication_error(server: Server) -> None:
    from example_api import AuthenticationError

    with _client(server, api_key="wrong") as client, pytest.raises(AuthenticationError) as caught:
        client.items.get(item_id="item-01")
    assert caught.value.status_code == 401


@pytest.mark.parametrize(
    ("keyword", "value", "reason"),
    [
        ("api_key", "SECRET-KEY\n", "control character"),
        ("api_key", "SECRET\r\nX-Evil: 1", "control character"),
        ("api_key", "SECRET-KEY\x00", "control character"),
        ("api_key", " SECRET-KEY", "whitespace"),
        ("api_key", "SECRET-KÉY", "printable ASCII"),
        ("bearer_token", "SECRET\t", "control character"),
        ("session_key", "SECRET;admin=1", "cookie"),
        ("username", "SECRET:x", "':'"),
    ],
)
def test_key_with_control_character_is_refused_at_construction(keyword: str, value: str, reason: str) -> None:
    with pytest.raises(InvalidCredentialError, match=reason) as caught:
        ExampleClient(**{keyword: value})  # type: ignore[arg-type]
    assert "SECRET" not in str(caught.value)
    assert keyword in str(caught.value)


def test_bad_key_from_the_environment_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_BEARER_TOKEN", "SECRET\n")
    with pytest.raises(InvalidCredentialError, match="EXAMPLE_BEARER_TOKEN") as caught:
        ExampleClient()
    assert "SECRET" not in str(caught.value)


def test_credentials_never_appear_in_a_repr() -> None:
    client = ExampleClient(api_key="SECRET-1", bearer_token="SECRET-2", username="u", password="SECRET-3")
    credentials = client._sender._credentials
    shown = repr(client) + repr(vars(client)) + repr(vars(client._sender)) + repr(vars(credentials))
    assert "SECRET" not in shown


def test_api_key_leaking_into_an_exception_message(raw: RawServer) -> None:
    def echo(request: RawRequest, conn: socket.socket) -> None:
        respond(conn, 500, f"bad key {request.headers.get('x-api-key')} (not {request.query})".encode())

    raw.route("/v1/items/x", echo)
    client = ExampleClient(base_url=raw.url, api_key="SECRET-KEY-123", max_retries=0)
    with client, pytest.raises(Exception) as caught:
        client.items.get(item_id="x")
    assert "SECRET-KEY-123" not in str(caught.value)
    assert "***" in str(caught.value)


def test_connection_error_message_names_no_credential() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url} with {request.headers['x-api-key']}")

    client = ExampleClient(
        api_key="SECRET-KEY-123", max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(refuse))
    )
    with pytest.raises(Exception) as caught:
        client.items.get(item_id="x")
    assert "SECRET-KEY-123" not in str(caught.value)
