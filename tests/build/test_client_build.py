"""Spec → client IR and code: names and grouping, security schemes, pager detection, streams, files, the README
example, the encoding of spec text, and the names no spec can make collide with the module's own."""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import names
from generator.build import build
from generator.config import Target, ad_hoc, load_targets
from generator.errors import GeneratorError
from generator.ir import Operation, Package
from generator.models import generate_models
from generator.names import operation_name, resource_name
from generator.pipeline import run
from generator.spec import load_spec
from tests.client.support.generate import REPO, SPECS

THYMIA = next(t for t in load_targets(REPO) if t.name == "thymia")


def spec_with(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}


def ok(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema or {"type": "object"}}}
    return {"200": {"description": "ok", "content": content}}


def write(spec: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), "utf-8")
    return path


def target_for(spec: dict[str, Any], tmp_path: Path, **overrides: Any) -> Target:
    target = ad_hoc([write(spec, tmp_path)], out=tmp_path / "out", package="pkg")
    return Target(**{**target.__dict__, **overrides}) if overrides else target


def ir(spec: dict[str, Any], tmp_path: Path, **overrides: Any) -> Package:
    """The package IR, without rendering or formatting (fast)."""
    target = target_for(spec, tmp_path, **overrides)
    doc = load_spec(target.specs)
    models = generate_models(doc.data, file=doc.file)
    return build(doc.data, models, target=target, spec_sha256=doc.sha256, file=doc.file, locate=doc.line_of)


def generate(spec: dict[str, Any], tmp_path: Path, **overrides: Any) -> dict[str, str]:
    return run(target_for(spec, tmp_path, **overrides)).files


def ops(package: Package) -> dict[str, Operation]:
    """Every operation by its method name (unique in these tests), wherever it lives."""
    found = {op.name: op for op in package.client.operations}
    found.update({op.name: op for r in package.client.resources for op in r.operations})
    return found


def methods(files: dict[str, str], class_name: str) -> list[str]:
    tree = ast.parse(files["pkg/client.py"])
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    return [
        n.name
        for n in cls.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith(("_", "with_"))
    ]


# --- names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation_id", "method", "path", "expected"),
    [
        ("create_flow_flows__post", "post", "/flows/", "create_flow"),
        ("read_item_items__item_id__get", "get", "/items/{item_id}", "read_item"),
        ("listPets", "get", "/pets", "list_pets"),
        (None, "get", "/pets/{petId}", "get_pets_by_pet_id"),
        ("with_raw_response", "get", "/x", "with_raw_response_"),
    ],
)
def test_operation_names(operation_id: str | None, method: str, path: str, expected: str) -> None:
    assert operation_name(operation_id, method=method, path=path) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("subpackage_mentalWellnessThymiaHelios", "mental_wellness_thymia_helios"),
        ("Pet Store", "pet_store"),
        ("close", "close_"),
        ("Api20100401Account", "account"),  # Twilio: the API and its version are no part of the name
        ("v1-users", "users"),
        ("OAuth2", "o_auth_2"),  # a trailing number is a name, not a version
        ("2010", "n2010"),  # nothing but a version: kept
    ],
)
def test_resource_names(tag: str, expected: str) -> None:
    assert resource_name(tag) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v10/channels/{channel_id}", "channels"),
        ("/api/v2beta1/guilds", "guilds"),
        ("/2010-04-01/Accounts.json", "accounts"),
        ("/{id}", ""),
        ("/", ""),
    ],
)
def test_path_resources(path: str, expected: str) -> None:
    assert names.path_resource(path) == expected


@pytest.mark.parametrize(
    ("title", "stem", "prefix"),
    [
        ("OpenAI API", "OpenAI", "OPENAI"),
        ("Thymia API", "Thymia", "THYMIA"),
        ("GitHub v3 REST API", "GitHub", "GITHUB"),
        ("Twilio - Api", "Twilio", "TWILIO"),
        ("Swagger Petstore - OpenAPI 3.0", "SwaggerPetstore", "SWAGGER_PETSTORE"),
        ("", "Api", "API"),
    ],
)
def test_client_names_and_environment_prefixes(title: str, stem: str, prefix: str) -> None:
    assert names.client_name(title) == (stem, prefix)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("DateCreated<", "date_created_before"),
        ("DateCreated>", "date_created_after"),
        ("httpx", "httpx"),  # a parameter shadows nothing the method body uses
        ("class", "class_"),
    ],
)
def test_parameter_names_say_what_they_are(wire: str, expected: str) -> None:
    assert names.parameter_name(wire) == expected


def test_thymia_resource_and_method_names_come_from_the_target() -> None:
    files = run(THYMIA).files
    assert "self.mental_wellness = MentalWellness(self._sender)" in files["thymia_client/client.py"]
    assert methods({"pkg/client.py": files["thymia_client/client.py"]}, "MentalWellness") == [
        "create_model_run_with_activity"
    ]


def test_collisions_are_suffixed_and_overrides_win(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": {"operationId": "listThings", "tags": ["things"], "responses": ok()}},
        "/b": {"get": {"operationId": "list_things", "tags": ["things"], "responses": ok()}},
        "/c": {"get": {"tags": ["things"], "responses": ok()}},
        "/d": {"get": {"operationId": "fetchD", "tags": ["subpackage_other"], "responses": ok()}},
    }
    files = generate(spec_with(paths), tmp_path)
    assert methods(files, "Things") == ["list_things", "list_things_2", "get_c"]
    assert "self.other = Other(self._sender)" in files["pkg/client.py"]
    files = generate(
        spec_with(paths),
        tmp_path,
        resources={"subpackage_other": "dee"},
        operations={"list_things": "list_b", "GET /c": "see"},
    )
    assert methods(files, "Things") == ["list_things", "list_b", "see"]
    assert "self.dee = Dee(self._sender)" in files["pkg/client.py"]


def test_a_resource_without_a_tag_description_is_documented_by_its_name_as_written(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": {"operationId": "a", "tags": ["class"], "responses": ok()}},
        "/b": {"get": {"operationId": "b", "tags": ["Pet Store"], "responses": ok()}},
    }
    package = ir(spec_with(paths), tmp_path)
    assert [(r.attribute, r.doc) for r in package.client.resources] == [
        ("class_", "Operations on class."),
        ("pet_store", "Operations on pet store."),
    ]


def test_untagged_operations_are_client_methods_and_tagless_specs_group_by_path(tmp_path: Path) -> None:
    tagged = spec_with(
        {
            "/health": {"get": {"operationId": "health", "responses": ok()}},
            "/pets": {"get": {"operationId": "listPets", "tags": ["pets"], "responses": ok()}},
        }
    )
    package = ir(tagged, tmp_path)
    assert [op.name for op in package.client.operations] == ["health"]
    assert [r.attribute for r in package.client.resources] == ["pets"]
    tagless = spec_with(
        {
            "/v1/channels/{id}": {"get": {"operationId": "getChannel", "responses": ok()}},
            "/v1/guilds": {"get": {"operationId": "listGuilds", "responses": ok()}},
            "/v1/{anything}": {"get": {"operationId": "getAnything", "responses": ok()}},
        }
    )
    package = ir(tagless, tmp_path)
    assert {r.attribute: [op.name for op in r.operations] for r in package.client.resources} == {
        "channels": ["get_channel"],
        "guilds": ["list_guilds"],
    }
    assert [op.name for op in package.client.operations] == ["get_anything"]


def test_resource_classes_never_collide_between_sync_and_async(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": {"operationId": "a", "tags": ["messages"], "responses": ok()}},
        "/b": {"get": {"operationId": "b", "tags": ["async_messages"], "responses": ok()}},
        "/c": {"get": {"operationId": "c", "tags": ["stream"], "responses": ok()}},  # the runtime's `Stream`
    }
    files = generate(spec_with(paths), tmp_path)
    classes = [n.name for n in ast.parse(files["pkg/client.py"]).body if isinstance(n, ast.ClassDef)]
    assert len(classes) == len(set(classes))
    assert "self.async_messages = AsyncMessagesResource(self._sender)" in files["pkg/client.py"]
    assert "self.async_messages = AsyncAsyncMessagesResource(self._sender)" in files["pkg/client.py"]
    assert "self.stream = StreamResource(self._sender)" in files["pkg/client.py"]


def test_colliding_parameters_get_names_that_say_what_they_are(tmp_path: Path) -> None:
    params: list[dict[str, Any]] = [
        {"name": n, "in": "query", "schema": {"type": "string"}} for n in ("timeout", "options", "self", "type")
    ]
    params += [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "id", "in": "query", "schema": {"type": "string"}},
        {"name": "id", "in": "header", "schema": {"type": "string"}},
        {"name": "extra_body", "in": "cookie", "schema": {"type": "string"}},
    ]
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}
    paths = {"/a/{id}": {"post": {"operationId": "a", "parameters": params, "requestBody": body, "responses": ok()}}}
    [op] = ops(ir(spec_with(paths), tmp_path)).values()
    assert [a.python_name for a in op.arguments] == [
        "id",
        "timeout_query",
        "options_query",
        "self_query",
        "type",
        "id_query",
        "id_header",
        "extra_body_cookie",
        "id_body",
    ]
    assert not any(re.search(r"_\d+$", a.python_name) for a in op.arguments)


# --- security --------------------------------------------------------------------------------------------


def schemes_of(
    schemes: dict[str, Any], tmp_path: Path, **extra: Any
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    spec = spec_with(
        {"/a": {"get": {"operationId": "a", "responses": ok()}}},
        info={"title": "Shop API", "version": "1"},
        components={"securitySchemes": schemes},
        **extra,
    )
    return [(s.kind, s.keywords, s.envs) for s in ir(spec, tmp_path).client.schemes]


def test_one_keyword_per_scheme(tmp_path: Path) -> None:
    assert schemes_of(
        {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "bearer": {"type": "http", "scheme": "Bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "oauth": {"type": "oauth2", "flows": {}},
            "digest": {"type": "http", "scheme": "digest"},  # nothing the client can send by itself
        },
        tmp_path,
    ) == [
        ("api_key", ("api_key",), ("SHOP_API_KEY",)),
        ("bearer", ("bearer_token",), ("SHOP_BEARER_TOKEN",)),
        ("basic", ("username", "password"), ("SHOP_USERNAME", "SHOP_PASSWORD")),
        ("bearer", ("access_token",), ("SHOP_ACCESS_TOKEN",)),
    ]
    assert schemes_of(
        {
            "HeaderKey": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "query_key": {"type": "apiKey", "in": "query", "name": "key"},
            "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://x.example/.well-known"},
        },
        tmp_path,
    ) == [
        ("api_key", ("header_key",), ("SHOP_HEADER_KEY",)),
        ("api_key", ("query_key",), ("SHOP_QUERY_KEY",)),
        ("bearer", ("access_token",), ("SHOP_ACCESS_TOKEN",)),
    ]


def test_each_operation_asks_for_its_own_alternatives(tmp_path: Path) -> None:
    schemes = {
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "bearer": {"type": "http", "scheme": "bearer"},
        "digest": {"type": "http", "scheme": "digest"},
    }
    paths = {
        "/global": {"get": {"operationId": "g", "responses": ok()}},
        "/own": {"get": {"operationId": "o", "security": [{"bearer": []}, {}], "responses": ok()}},
        "/none": {"get": {"operationId": "n", "security": [], "responses": ok()}},
        "/both": {"get": {"operationId": "b", "security": [{"key": [], "bearer": []}], "responses": ok()}},
        "/odd": {"get": {"operationId": "d", "security": [{"digest": []}, {"key": []}], "responses": ok()}},
    }
    spec = spec_with(paths, components={"securitySchemes": schemes}, security=[{"key": []}, {"bearer": []}])
    found = {name: op.security for name, op in ops(ir(spec, tmp_path)).items()}
    assert found == {
        "g": (("KEY",), ("BEARER",)),
        "o": (("BEARER",), ()),
        "n": (),
        "b": (("KEY", "BEARER"),),
        "d": (("KEY",),),  # the digest alternative can never be satisfied by the client
    }
    client = generate(spec, tmp_path)["pkg/client.py"]
    assert "security=((KEY,), (BEARER,))" in client
    assert "security=((BEARER,), ())" in client
    assert "security=((KEY, BEARER),)" in client


def test_a_header_repeating_the_key_is_the_credential_not_an_argument(tmp_path: Path) -> None:
    schemes = {"k": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}
    params = [{"name": "x-api-key", "in": "header", "required": True, "schema": {"type": "string"}}]
    paths = {
        "/a": {"get": {"operationId": "a", "parameters": params, "responses": ok()}},
        "/b": {"get": {"operationId": "b", "responses": ok()}},
    }
    found = ops(ir(spec_with(paths, components={"securitySchemes": schemes}), tmp_path))
    assert found["a"].arguments == () and found["a"].security == (("K",),)  # required: needed
    assert found["b"].security == (("K",), ())  # declared nowhere: sent when given


def test_thymia_env_var_and_keyword() -> None:
    tree = ast.parse(run(THYMIA).files["thymia_client/client.py"])
    [call] = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == "ApiKey"
    ]
    assert {k.arg: ast.literal_eval(k.value) for k in call.keywords} == {
        "keyword": "api_key",
        "env": "THYMIA_API_KEY",
        "location": "header",
        "parameter": "x-api-key",
    }


# --- pagination ------------------------------------------------------------------------------------------

ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}


def listing(
    params: list[tuple[str, str]], body: dict[str, Any], *, method: str = "get", extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    parameters = [{"name": n, "in": "query", "schema": {"type": t}} for n, t in params]
    operation = {
        "operationId": "listThings",
        "tags": ["things"],
        "parameters": parameters,
        "responses": ok(body),
        **(extra or {}),
    }
    return spec_with({"/things": {method: operation}}, components={"schemas": {"Thing": ITEM}})


def page(**fields: Any) -> dict[str, Any]:
    properties = {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}, **fields}
    return {"type": "object", "properties": properties}


def pager_of(spec: dict[str, Any], tmp_path: Path, **overrides: Any) -> tuple[str, str] | None:
    package = ir(spec, tmp_path, **overrides)
    op = ops(package)["list_things"]
    if op.pager is None:
        assert not [n for n in package.notes if "paginated" in n.message]
        return None
    [note] = [n for n in package.notes if "paginated" in n.message]
    assert note.level == "note" and note.pointer == "#/paths/~1things/get" and note.line is not None
    assert op.sender == "paginate" and op.item_hint == "_models.Thing"
    fields = ", ".join(f"{k}={v}" for k, v in op.pager.fields)
    return f"{op.pager.class_name}({fields})", note.message


STRING, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
URL = {"type": "string", "format": "uri"}


@pytest.mark.parametrize(
    ("params", "body", "pager", "rule"),
    [
        (
            [("after", "string"), ("limit", "integer")],
            page(next_cursor=STRING),
            'CursorPager(items=("data",), param="after", next_cursor=("next_cursor",))',
            "paginated by cursor (after → next_cursor)",
        ),
        (
            [("starting_after", "string")],
            page(has_more=BOOL),
            'CursorPager(items=("data",), param="starting_after", has_more=("has_more",), item_cursor="id")',
            "paginated by cursor (starting_after ← last item's id, while has_more)",
        ),
        (
            [("page", "string")],
            page(next_page=STRING, has_more=BOOL),
            'CursorPager(items=("data",), param="page", next_cursor=("next_page",), has_more=("has_more",))',
            "paginated by cursor (page → next_page, while has_more)",
        ),
        (
            [("offset", "integer"), ("limit", "integer")],
            page(total=INT),
            'OffsetPager(items=("data",), offset="offset", limit="limit", total=("total",))',
            "paginated by offset (offset + limit, until total)",
        ),
        (
            [("page", "integer"), ("per_page", "integer")],
            page(total_pages=INT),
            'PageNumberPager(items=("data",), page="page", size="per_page", total_pages=("total_pages",))',
            "paginated by page number (page + per_page)",
        ),
        (
            [("PageSize", "integer"), ("PageToken", "string")],
            page(next_page_uri=STRING),
            'NextLinkPager(items=("data",), next=("next_page_uri",))',
            "paginated by next link (next_page_uri)",
        ),
        (
            [("limit", "integer")],
            page(links={"type": "object", "properties": {"next": URL}}),
            'NextLinkPager(items=("data",), next=("links", "next"))',
            "paginated by next link (links.next)",
        ),
        (
            [("limit", "integer"), ("offset", "string")],  # Asana: an opaque offset, and the next page's URI
            page(next_page={"type": "object", "properties": {"offset": STRING, "uri": URL}}),
            'NextLinkPager(items=("data",), next=("next_page", "uri"))',
            "paginated by next link (next_page.uri)",
        ),
        (
            [("limit", "integer"), ("offset", "integer")],
            page(next={"type": "string", "description": "URL to the next page"}, total=INT),
            'NextLinkPager(items=("data",), next=("next",))',
            "paginated by next link (next)",
        ),
    ],
)
def test_pagers_are_detected_when_both_sides_match(
    params: list[tuple[str, str]], body: dict[str, Any], pager: str, rule: str, tmp_path: Path
) -> None:
    assert pager_of(listing(params, body), tmp_path) == (pager, rule)


def test_a_link_header_pages_a_bare_list(tmp_path: Path) -> None:
    spec = listing(
        [("per_page", "integer"), ("page", "integer")],
        {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
    )
    spec["paths"]["/things"]["get"]["responses"]["200"]["headers"] = {"Link": {"schema": STRING}}
    assert pager_of(spec, tmp_path) == (
        "NextLinkPager(items=(), link_header=True)",
        "paginated by next link (Link header)",
    )


@pytest.mark.parametrize(
    ("params", "body", "extra"),
    [
        ([("after", "string")], page(), {}),  # no next-cursor field
        ([("after", "string")], page(next_cursor=INT), {}),  # of another type than the parameter
        ([("after", "string")], page(has_more=BOOL, next_cursor=STRING), {"method": "post"}),  # not a GET
        ([("offset", "integer"), ("limit", "integer")], page(), {}),  # nothing in the body counts
        ([("offset", "string"), ("limit", "integer")], page(total=INT), {}),  # an offset that is no number
        ([("page", "integer")], page(total_pages=INT), {}),  # no page size
        ([("limit", "integer")], page(next=STRING), {}),  # `next`, but nothing says it is a URL
        ([], page(next_page_uri=STRING), {}),  # a link, but no paging parameter
        (
            [("cursor", "string")],
            {
                "type": "object",
                "properties": {"a": {"type": "array", "items": ITEM}, "b": {"type": "array", "items": ITEM}},
                "next_cursor": STRING,
            },
            {},
        ),  # which list?
    ],
)
def test_pagers_are_not_guessed_from_one_side(
    params: list[tuple[str, str]], body: dict[str, Any], extra: dict[str, Any], tmp_path: Path
) -> None:
    assert pager_of(listing(params, body, method=extra.get("method", "get")), tmp_path) is None


def test_declared_pagers_win_and_can_be_switched_off(tmp_path: Path) -> None:
    spec = listing([("after", "string"), ("since", "string")], page(next_cursor=STRING, following=STRING))
    declared = {"listThings": {"type": "cursor", "items": "data", "param": "since", "next_cursor": "following"}}
    assert pager_of(spec, tmp_path, pagination=declared) == (
        'CursorPager(items=("data",), param="since", next_cursor=("following",))',
        "paginated by cursor (since → following), as [tool.generator] declares",
    )
    assert pager_of(spec, tmp_path, pagination={"GET /things": False}) is None
    with pytest.raises(GeneratorError, match="no parameter or body property 'nope'"):
        pager_of(
            spec,
            tmp_path,
            pagination={"listThings": {"type": "cursor", "items": "data", "param": "nope", "next_cursor": "following"}},
        )
    with pytest.raises(GeneratorError, match="'listThing', which is no operationId"):
        pager_of(spec, tmp_path, pagination={"listThing": False})


@pytest.mark.parametrize(
    ("extension", "pager"),
    [
        (
            {"x-pagination": {"type": "offset", "items": "data", "offset": "skip", "limit": "take"}},
            'OffsetPager(items=("data",), offset="skip", limit="take")',
        ),
        (
            {"x-fern-pagination": {"offset": "$request.skip", "results": "$response.data", "step": "$request.take"}},
            'OffsetPager(items=("data",), offset="skip", limit="take")',
        ),
        (
            {
                "x-speakeasy-pagination": {
                    "type": "cursor",
                    "inputs": [{"name": "skip", "in": "parameters", "type": "cursor"}],
                    "outputs": {"results": "$.data", "nextCursor": "$.data[-1].id"},
                }
            },
            'CursorPager(items=("data",), param="skip", item_cursor="id")',
        ),
    ],
)
def test_pagination_extensions(extension: dict[str, Any], pager: str, tmp_path: Path) -> None:
    spec = listing([("skip", "integer"), ("take", "integer")], page(), extra=extension)
    found = pager_of(spec, tmp_path)
    assert found is not None and found[0] == pager
    assert f"as {next(iter(extension))} declares" in found[1]


def test_an_extension_that_does_not_fit_is_a_warning(tmp_path: Path) -> None:
    spec = listing(
        [("skip", "integer")], page(), extra={"x-pagination": {"type": "offset", "items": "rows", "offset": "skip"}}
    )
    package = ir(spec, tmp_path)
    assert ops(package)["list_things"].pager is None
    [warning] = package.notes
    assert warning.level == "warning" and "has no field 'rows'" in warning.message


# --- streams and files ----------------------------------------------------------------------------------


def test_streams_overloads_files_and_downloads_from_the_feature_spec() -> None:
    package = ir_of_file(SPECS / "sdk-features.yaml")
    found = ops(package)
    complete = found["create_completion"]
    assert complete.sse is not None and complete.sse.switch == "stream"
    assert complete.sse.item_hint == "_models.CompletionChunk" and complete.sender == "call_or_stream"
    assert [o.returns for o in complete.overloads] == [
        "_models.Completion",
        "Stream[_models.CompletionChunk]",
        "_models.Completion | Stream[_models.CompletionChunk]",
    ]
    assert found["chat_events"].sse is not None and found["chat_events"].signature.returns == "Stream[str]"
    assert found["typed_events"].async_signature.returns == "AsyncStream[_models.CompletionChunk]"
    upload = {a.python_name: a for a in found["upload_file"].arguments}
    assert (upload["file"].type_hint, upload["file"].file) == ("FileTypes", True)
    assert upload["purpose"].type_hint == "str | None"
    assert {a.python_name: a.type_hint for a in found["upload_files"].arguments} == {"files": "list[FileTypes]"}
    put = found["put_file_content"]
    assert put.body is not None and (put.body.kind, put.body.arg) == ("binary", "body")
    assert {a.python_name: a.type_hint for a in put.arguments}["body"] == "FileTypes"
    assert found["download_file"].result_hint == "bytes"
    assert found["upload_file"].body is not None
    assert found["upload_file"].body.encoding == (('"file"', '"image/png"'),)


def ir_of_file(path: Path, **overrides: Any) -> Package:
    target = ad_hoc([path], out=path.parent, package="pkg")
    target = Target(**{**target.__dict__, **overrides}) if overrides else target
    doc = load_spec(target.specs)
    return build(doc.data, generate_models(doc.data, file=doc.file), target=target, spec_sha256="", file=doc.file)


def test_an_event_stream_without_a_model_or_a_switch(tmp_path: Path) -> None:
    both = {
        "application/json": {"schema": {"type": "object", "properties": {"text": STRING}}},
        "text/event-stream": {"schema": {"type": "object", "properties": {"delta": STRING}}},
    }
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"stream": BOOL}}}}}
    paths = {
        "/switched": {
            "post": {
                "operationId": "switched",
                "requestBody": body,
                "responses": {"200": {"description": "", "content": both}},
            }
        },
        "/unswitched": {
            "get": {"operationId": "unswitched", "responses": {"200": {"description": "", "content": both}}}
        },
    }
    package = ir(spec_with(paths), tmp_path)
    found = ops(package)
    assert found["switched"].sse is not None and found["switched"].sse.item_hint == "str"
    assert found["unswitched"].sse is None and found["unswitched"].sender == "call"
    assert any(n.level == "warning" and "no component schema" in n.message for n in package.notes)


def test_events_of_an_all_of_that_holds_a_union_take_the_union_not_one_of_its_parts(tmp_path: Path) -> None:
    # The engine makes a class of the object part (`Event1`), one per member with that part mixed in, and the
    # union's alias (`Event`): each event is one of the members, never the part alone. (A stream offered beside
    # JSON takes its events' type from the event schema's class.)
    def tagged(tag: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "enum": [tag]}, tag: STRING},
        }

    event = {
        "allOf": [
            {"anyOf": [{"$ref": "#/components/schemas/Delta"}, {"$ref": "#/components/schemas/Done"}]},
            {"type": "object", "properties": {"lane": STRING}},
        ]
    }
    both = {
        "application/json": {"schema": {"type": "object", "properties": {"text": STRING}}},
        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}},
    }
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"stream": BOOL}}}}}
    responses = {"200": {"description": "", "content": both}}
    paths = {"/events": {"post": {"operationId": "events", "requestBody": body, "responses": responses}}}
    schemas = {"Delta": tagged("delta"), "Done": tagged("done"), "Event": event}
    document = spec_with(paths, components={"schemas": schemas})
    package = ir(document, tmp_path)
    assert package.models_source.count("class ") >= 3  # the part, and a class per member
    assert ops(package)["events"].sse.item_hint == "_models.Event"
    for member in ("Delta", "Done"):
        assert generate_models(document, file="spec.yaml").classes[f"#/components/schemas/{member}"] == member


# --- README, encoding, determinism, types ----------------------------------------------------------------


def test_readme_example_uses_spec_examples_enums_dates_and_uuids(tmp_path: Path) -> None:
    schemas = {
        "Color": {"type": "string", "enum": ["dark-blue", "red"]},
        "Order": {
            "type": "object",
            "required": ["id", "color", "on", "quantity", "lines"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "color": {"$ref": "#/components/schemas/Color"},
                "on": {"type": "string", "format": "date"},
                "quantity": {"type": "integer", "example": 42},
                "note": {"type": "string"},
                "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
            },
        },
        "Line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string", "example": "SKU-1"}}},
    }
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}}
    paths = {
        "/orders/{orderId}": {
            "put": {
                "operationId": "putOrder",
                "tags": ["orders"],
                "parameters": [
                    {"name": "orderId", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 10}}
                ],
                "requestBody": body,
                "responses": ok(),
            }
        }
    }
    spec = spec_with(paths, components={"schemas": schemas}, servers=[{"url": "https://shop.example.com/v2"}])
    readme = generate(spec, tmp_path)["pkg/README.md"]
    block = re.search(r"```python\n(.*?)```", readme, flags=re.S).group(1)  # type: ignore[union-attr]
    compact = " ".join(block.split())
    assert "from pkg.models import Color, Line" in compact
    assert 'base_url="https://shop.example.com/v2"' in compact
    assert "client.orders.put_order( order_id=10," in compact
    assert 'id=uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")' in compact
    assert "color=Color.DARK_BLUE" in compact
    assert "on=datetime.date(2024, 1, 15)" in compact
    assert 'lines=[Line(sku="SKU-1")]' in compact
    assert "note" not in compact
    assert "## Pagination" not in readme and "## Authentication" not in readme
    ast.parse(block)


def test_spec_text_reaches_code_only_through_the_encoder(tmp_path: Path) -> None:
    evil = 'x"""); import os; os.system("boom") #\n\u2028'
    paths = {
        "/p/{id}": {
            "post": {
                "operationId": "evil",
                "tags": [evil],
                "summary": evil,
                "description": 'ends with a quote"',
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": evil},
                    {"name": evil, "in": "query", "schema": {"type": "string"}},
                    {"name": evil, "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {"content": {'text/plain; x="```"': {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {
                        "description": evil,
                        "content": {"application/json": {"schema": {"type": "string", "example": "```" + evil}}},
                    }
                },
            }
        }
    }
    schemes = {evil: {"type": "apiKey", "in": "header", "name": evil}}
    spec = spec_with(
        paths, servers=[{"url": "https://h.example.com/" + 'a"b'}], components={"securitySchemes": schemes}
    )
    files = generate(spec, tmp_path)
    for path, text in files.items():
        if path.endswith(".py"):
            tree = ast.parse(text)
            calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system"]
            assert calls == [], path
    client = files["pkg/client.py"]
    assert 'f"' not in client and ".format(" not in client


def test_generation_is_deterministic(tmp_path: Path) -> None:
    spec = SPECS / "sdk-features.yaml"
    first = run(ad_hoc([spec], out=tmp_path, package="pkg")).files
    second = run(ad_hoc([spec], out=tmp_path, package="pkg")).files
    assert first == second


@pytest.mark.parametrize("spec", ["client-features.yaml", "sdk-features.yaml", "tagless.yaml"])
def test_generated_packages_pass_mypy_strict(spec: str, tmp_path: Path) -> None:
    for relative, text in run(ad_hoc([SPECS / spec], out=tmp_path, package="feat")).files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "feat"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_user_script_using_every_feature_passes_mypy_strict(tmp_path: Path) -> None:
    for relative, text in run(ad_hoc([SPECS / "sdk-features.yaml"], out=tmp_path, package="acme")).files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, "utf-8")
    script = REPO / "tests" / "client" / "support" / "user_script.py"
    (tmp_path / "user_script.py").write_text(script.read_text("utf-8"), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "user_script.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # mypy must see mistakes too: a wrong keyword, a stream read as a model, a file where a string goes.
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from acme import AcmeClient\n"
        "client = AcmeClient()\n"
        "client.items.list_items(aftr='x')\n"
        "client.chat.create_completion(prompt='p', stream=True).text\n"
        "client.files.upload_file(file='not a file')\n"
        "for page_item in client.items.list_items(): page_item.missing\n",
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "wrong.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.stdout.count("error:") >= 4, result.stdout


def test_root_exports_clients_errors_and_runtime_types() -> None:
    import thymia_client

    for name in (
        "ThymiaClient",
        "AsyncThymiaClient",
        "ApiError",
        "ApiStatusError",
        "NotFoundError",
        "MissingCredentialError",
        "InvalidCredentialError",
        "ResponseValidationError",
        "FileTypes",
        "Stream",
        "AsyncStream",
        "SyncPage",
        "AsyncPage",
        "AsyncPaginator",
        "ApiResponse",
        "AsyncApiResponse",
        "ServerSentEvent",
        "NULL",
    ):
        assert name in thymia_client.__all__


# --- issue 11: no spec name can shadow what the module uses ----------------------------------------------


def _module_globals() -> set[str]:
    files = run(ad_hoc([SPECS / "sdk-features.yaml"], out=REPO, package="pool")).files
    found: set[str] = set()
    for name in ("pool/client.py", "pool/models.py", "pool/__init__.py"):
        tree = ast.parse(files[name])
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.ClassDef | ast.FunctionDef):
                found.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


POOL = sorted(
    set(dir(builtins))
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {"__init__", "__class__", "__dict__", "__all__", "__name__", "__call__"}
    | {"options", "self", "with_raw_response", "with_streaming_response", "_sender", "close", "aclose", *names.OPTIONS}
)


def test_no_operation_tag_or_parameter_name_shadows_the_module(tmp_path: Path) -> None:
    """Names drawn from Python's builtins, keywords, dunders and the generated modules' own globals, used as
    operation ids, tags and parameter names at once: the package imports, type-checks, and sends each parameter
    under its wire name."""
    pool = sorted(set(POOL) | _module_globals())
    tags = pool[::7]
    paths: dict[str, Any] = {}
    for index, name in enumerate(pool):
        operation: dict[str, Any] = {"operationId": name, "responses": ok()}
        if index % 3:
            operation["tags"] = [tags[index % len(tags)]]
        paths[f"/op{index}"] = {"get": operation}
    params = [{"name": name, "in": "query", "schema": {"type": "string"}} for name in pool]
    paths["/params"] = {"get": {"operationId": "params", "tags": ["params"], "parameters": params, "responses": ok()}}
    # The same names as an object body's properties (a field named `str` makes the models module import the
    # builtin under another name), with names that hold no identifier at all.
    fields = [*pool, "", "!!!"]
    body = {"type": "object", "properties": {name: {"type": "string"} for name in fields}}
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Everything"}}}
    posted = {"operationId": "body", "tags": ["params"], "requestBody": {"content": content}, "responses": ok()}
    paths["/body"] = {"post": posted}
    spec = spec_with(paths, components={"schemas": {"Everything": body}})
    files = generate(spec, tmp_path)
    out = tmp_path / "out"
    for relative, text in files.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_text(text, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "pkg"], cwd=out, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
    check = (
        "import httpx, pkg\n"
        "seen = []\n"
        "def answer(request):\n"
        "    seen.append(request)\n"
        "    return httpx.Response(200, json={})\n"
        "http = httpx.Client(transport=httpx.MockTransport(answer))\n"
        "client = pkg.TClient(base_url='https://api.example', http_client=http)\n"
        "ir = __import__('json').loads(IR)\n"
        "for path, keywords in ir:\n"
        "    target = client\n"
        "    for part in path.split('.'):\n"
        "        target = getattr(target, part)\n"
        "    target(**{k: 'v' + k for k in keywords})\n"
        "print(len(seen))\n"
        "[sent] = [r for r in seen if r.url.path == '/params']\n"
        "print(sorted(k for k, _ in sent.url.params.multi_items()) == sorted(WIRE))\n"
        "[posted] = [r for r in seen if r.url.path == '/body']\n"
        "print(sorted(__import__('json').loads(posted.content)) == sorted(FIELDS))\n"
    )
    package = ir(spec, tmp_path)
    calls = [(op.name, [a.python_name for a in op.arguments]) for op in package.client.operations]
    calls += [
        (f"{r.attribute}.{op.name}", [a.python_name for a in op.arguments])
        for r in package.client.resources
        for op in r.operations
    ]
    import json

    program = f"IR = {json.dumps(json.dumps(calls))}\nWIRE = {[p['name'] for p in params]!r}\nFIELDS = {fields!r}\n"
    program += check
    done = subprocess.run([sys.executable, "-c", program], cwd=out, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    count, wire_ok, body_ok = done.stdout.split()
    assert int(count) == len(calls) and wire_ok == "True" and body_ok == "True"


@pytest.mark.parametrize(
    "example", [["red", "dark-blue"], {"color": "red"}, "purple"], ids=["list", "object", "unknown"]
)
def test_readme_example_with_an_enum_example_that_is_no_member_shows_a_member(tmp_path: Path, example: object) -> None:
    """A spec whose example for an enum field is not one of its values (PagerDuty gives a list): the README shows a
    member, and generation goes on."""
    schemas = {
        "Color": {"type": "string", "enum": ["dark-blue", "red"]},
        "Paint": {
            "type": "object",
            "required": ["color"],
            "properties": {"color": {"$ref": "#/components/schemas/Color"}},
            "example": {"color": example},
        },
    }
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Paint"}}}}
    paths = {"/paint": {"post": {"operationId": "paint", "requestBody": body, "responses": ok()}}}
    readme = generate(spec_with(paths, components={"schemas": schemas}), tmp_path)["pkg/README.md"]
    block = re.search(r"```python\n(.*?)```", readme, flags=re.S).group(1)  # type: ignore[union-attr]
    assert "color=Color.DARK_BLUE" in " ".join(block.split())
