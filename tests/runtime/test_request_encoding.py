"""Header, cookie, query and path parameters by their OpenAPI style and explode, as a server receives them; and
values that no style can carry (a None in an array, a delimiter that cannot be escaped, an exploded array in a
cookie) refused before anything is sent rather than sent as something else."""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import parse_qsl

import pytest
from example_api._http import Body, Endpoint, Param

from tests.runtime.rawserver import RawRequest, RawServer, respond
from tests.runtime.support import async_client, run, sync_client

STYLED: Endpoint[None, None] = Endpoint(
    name="styled.get",
    method="GET",
    path=("/styled",),
    params=(
        Param("role", "X-Role", "header", explode=True),
        Param("plain", "X-Plain", "header"),
        Param("tags", "X-Tags", "header"),
        Param("ids", "ids", "cookie", explode=False),
        Param("colour", "colour", "cookie", explode=False),
        Param("names", "names", "cookie"),  # form style, explode=true: the default
        Param("nums", "nums", "query", explode=False),
        Param("each", "each", "query"),
        Param("where", "where", "query", style="deepObject"),
        Param("piped", "piped", "query", style="pipeDelimited", explode=False),
        Param("spaced", "spaced", "query", style="spaceDelimited", explode=False),
        Param("pairs", "pairs", "query", explode=False),
    ),
    responses={"204": ("none", None)},
)
PATHED: Endpoint[None, None] = Endpoint(
    name="pathed.get",
    method="GET",
    path=("/pathed/", "ids", ""),
    params=(Param("ids", "ids", "path"),),
    responses={"204": ("none", None)},
)
FORM: Endpoint[None, None] = Endpoint(
    name="form.post",
    method="POST",
    path=("/form",),
    params=(Param("tags", "tags", "body"),),
    body=Body("form", "application/x-www-form-urlencoded"),
    responses={"204": ("none", None)},
)


def _no_content(request: RawRequest, conn: socket.socket) -> None:
    respond(conn, 204)


@pytest.fixture
def api(raw: RawServer) -> RawServer:
    for path in ("/v1/styled", "/v1/pathed/1,2", "/v1/form"):
        raw.route(path, _no_content)
    return raw


def _call(url: str, endpoint: Endpoint[None, None], **args: Any) -> None:
    with sync_client(url) as client:
        client._sender.call(endpoint, args, {})


def _cookies(request: RawRequest) -> dict[str, str]:
    return dict(part.split("=", 1) for part in request.headers["cookie"].split("; "))


def test_header_object_follows_explode_and_arrays_are_comma_separated(api: RawServer) -> None:
    record = {"role": "admin", "id": "5"}
    _call(api.url, STYLED, role=record, plain=record, tags=["a", "b", 3])
    headers = api.requests[0].headers
    assert headers["x-role"] == "role=admin,id=5"  # simple, explode=true
    assert headers["x-plain"] == "role,admin,id,5"  # simple, explode=false
    assert headers["x-tags"] == "a,b,3"


def test_cookie_array_and_object_without_explode_are_one_cookie_each(api: RawServer) -> None:
    _call(api.url, STYLED, ids=[3, 4, 5], colour={"R": 100, "G": 200})
    assert _cookies(api.requests[0]) == {"ids": "3,4,5", "colour": "R,100,G,200"}


def test_async_header_and_cookie_styles(api: RawServer) -> None:
    async def main() -> None:
        async with async_client(api.url) as client:
            await client._sender.call(STYLED, {"role": {"a": "1"}, "ids": [1, 2]}, {})

    run(main())
    seen = api.requests[0]
    assert (seen.headers["x-role"], _cookies(seen)) == ("a=1", {"ids": "1,2"})


@pytest.mark.parametrize("value", [[3, 4], {"a": "1"}])
def test_exploded_array_or_object_in_a_cookie_is_refused_before_sending(api: RawServer, value: Any) -> None:
    # OpenAPI 3.x gives form style with explode=true no cookie spelling: `names=3&names=4` is one cookie's value.
    with pytest.raises(ValueError, match=r"names.*explode"):
        _call(api.url, STYLED, names=value)
    assert api.requests == []


def test_exploded_empty_array_in_a_cookie_sends_no_cookie(api: RawServer) -> None:
    _call(api.url, STYLED, names=[], ids=[7])
    assert _cookies(api.requests[0]) == {"ids": "7"}


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ({"tags": ["a,b", "c"]}, "tags"),  # a header's items are ','-separated, and nothing escapes a ','
        ({"role": {"k=1": "v"}}, "role"),  # an exploded header object's keys end at '='
        ({"ids": ["3,4"]}, "ids"),
        ({"ids": ["a;b=1"]}, "ids"),  # would end the cookie and start another
        ({"colour": {"R": 'x"y'}}, "colour"),
        # A query value is split after it is percent-decoded, so escaping would not keep an item whole.
        ({"nums": ["1,2", "3"]}, "nums"),
        ({"piped": ["a|b", "c"]}, "piped"),
        ({"spaced": ["a b"]}, "spaced"),
        ({"pairs": {"k": "v,w"}}, "pairs"),
        ({"pairs": {"k,l": "v"}}, "pairs"),
    ],
)
def test_delimiter_inside_an_item_of_a_header_cookie_or_query_is_refused_before_sending(
    api: RawServer, args: dict[str, Any], name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        _call(api.url, STYLED, **args)
    assert api.requests == []


def test_scalar_header_may_hold_a_comma(api: RawServer) -> None:
    _call(api.url, STYLED, plain="a, b")
    assert api.requests[0].headers["x-plain"] == "a, b"


@pytest.mark.parametrize(
    ("endpoint", "args", "name"),
    [
        (STYLED, {"nums": [1, None, 2]}, "nums"),  # form, explode=false
        (STYLED, {"each": [1, None, 2]}, "each"),  # form, explode=true: leaving it out would shift the rest
        (STYLED, {"tags": [1, None]}, "tags"),  # header
        (STYLED, {"ids": [None]}, "ids"),  # cookie
        (STYLED, {"where": {"in": [1, None]}}, "where"),  # nested in an object
        (PATHED, {"ids": [1, None]}, "ids"),
        (FORM, {"tags": ["a", None]}, "tags"),
    ],
)
def test_none_array_item_is_refused_before_sending_naming_the_parameter(
    api: RawServer, endpoint: Endpoint[None, None], args: dict[str, Any], name: str
) -> None:
    with pytest.raises(ValueError, match=f"^{name}: .*None") as caught:
        _call(api.url, endpoint, **args)
    assert "None" in str(caught.value)
    assert api.requests == []


def test_none_object_property_is_left_out_like_an_unset_field(api: RawServer) -> None:
    _call(api.url, STYLED, where={"status": "open", "owner": None}, role={"a": "1", "b": None})
    seen = api.requests[0]
    assert seen.query == [("where[status]", "open")]
    assert seen.headers["x-role"] == "a=1"


def test_arrays_without_none_still_reach_every_location(api: RawServer) -> None:
    _call(api.url, STYLED, nums=[1, 2], each=[1, 2], piped=["a,b", "c d"], spaced=["a|b"], pairs={"k": "v w"})
    _call(api.url, PATHED, ids=[1, 2])
    _call(api.url, FORM, tags=["a", "b"])
    query, path, form = api.requests
    assert query.query == [
        ("nums", "1,2"),
        ("each", "1"),
        ("each", "2"),
        ("piped", "a,b|c d"),  # another style's delimiter is plain text here
        ("spaced", "a|b"),
        ("pairs", "k,v w"),
    ]
    assert path.path == "/v1/pathed/1,2"
    assert parse_qsl(form.body.decode()) == [("tags", "a"), ("tags", "b")]
