"""Spec → client IR and code: names, resources, parameters, auth, README example, encoding of spec text."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import Target, ad_hoc, load_targets
from generator.names import operation_name, resource_name
from generator.pipeline import run
from tests.client_support.generate import REPO

THYMIA = next(t for t in load_targets(REPO) if t.name == "thymia")


@pytest.mark.parametrize(
    ("operation_id", "method", "path", "expected"),
    [
        ("create_flow_flows__post", "post", "/flows/", "create_flow"),
        ("read_item_items__item_id__get", "get", "/items/{item_id}", "read_item"),
        (
            "create-model-run-with-activity-v-1-models-mental-wellness-activity-post",
            "post",
            "/v1/models/mental-wellness-activity",
            "create_model_run_with_activity",
        ),
        ("listPets", "get", "/pets", "list_pets"),
        ("find pet by id", "get", "/pets/{id}", "find_pet_by_id"),
        (None, "get", "/pets/{petId}", "get_pets_by_pet_id"),
        (None, "delete", "/stores/{storeId}/orders/{orderId}", "delete_stores_orders_by_store_id_order_id"),
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
    ],
)
def test_resource_names(tag: str, expected: str) -> None:
    assert resource_name(tag) == expected


def generate(spec: dict[str, Any], tmp_path: Path, *, package: str = "pkg", **overrides: Any) -> dict[str, str]:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), "utf-8")
    target = ad_hoc([path], out=tmp_path / "out", package=package)
    if overrides:
        target = Target(**{**target.__dict__, **overrides})
    return run(target).files


def spec_with(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}


def methods(files: dict[str, str], class_name: str) -> list[str]:
    tree = ast.parse(files["pkg/client.py"])
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    return [n.name for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name != "__init__"]


def ok(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema or {"type": "object"}}}
    return {"200": {"description": "ok", "content": content}}


def test_thymia_resource_and_method_names_come_from_the_target() -> None:
    files = run(THYMIA).files
    assert "self.mental_wellness = MentalWellnessResource(self._sender)" in files["thymia_client/client.py"]
    assert methods({"pkg/client.py": files["thymia_client/client.py"]}, "MentalWellnessResource") == [
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
    assert methods(files, "ThingsResource") == ["list_things", "list_things_2", "get_c"]
    assert "self.other = OtherResource(self._sender)" in files["pkg/client.py"]
    files = generate(
        spec_with(paths),
        tmp_path,
        resources={"subpackage_other": "dee"},
        operations={"list_things": "list_b", "GET /c": "see"},
    )
    assert methods(files, "ThingsResource") == ["list_things", "list_b", "see"]
    assert "self.dee = DeeResource(self._sender)" in files["pkg/client.py"]


def test_resource_classes_never_collide_between_sync_and_async(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": {"operationId": "a", "tags": ["messages"], "responses": ok()}},
        "/b": {"get": {"operationId": "b", "tags": ["async_messages"], "responses": ok()}},
    }
    files = generate(spec_with(paths), tmp_path)
    classes = [n.name for n in ast.parse(files["pkg/client.py"]).body if isinstance(n, ast.ClassDef)]
    assert len(classes) == len(set(classes))
    assert "self.async_messages = AsyncMessagesResource2(self._sender)" in files["pkg/client.py"]
    assert "self.async_messages = AsyncAsyncMessagesResource2(self._sender)" in files["pkg/client.py"]


def test_parameter_names_never_shadow_what_the_method_body_uses(tmp_path: Path) -> None:
    params = [
        {"name": n, "in": "query", "schema": {"type": "string"}}
        for n in ("query", "call", "timeout", "body", "self", "type", "datetime")
    ]
    files = generate(
        spec_with({"/a": {"get": {"operationId": "a", "parameters": params, "responses": ok()}}}), tmp_path
    )
    signature = re.search(r"def a\(\n(.*?)\) ->", files["pkg/client.py"], flags=re.S)
    assert signature is not None
    declared = re.findall(r"^        (\w+):", signature.group(1), flags=re.M)
    assert declared == [
        "query_2",
        "call_2",
        "timeout_2",
        "body_2",
        "self_2",
        "type_",
        "datetime_2",
        "extra_headers",
        "timeout",
        "max_retries",
    ]
    assert '*query("query", query_2)' in files["pkg/client.py"]


def test_auth_schemes_choose_the_client_credential(tmp_path: Path) -> None:
    def auth_for(schemes: dict[str, Any], security: list[Any] | None = None) -> str:
        extra: dict[str, Any] = {"components": {"securitySchemes": schemes}}
        if security is not None:
            extra["security"] = security
        files = generate(spec_with({"/a": {"get": {"operationId": "a", "responses": ok()}}}, **extra), tmp_path)
        return re.search(r"CREDENTIAL: Credential \| None = (.*)", files["pkg/client.py"]).group(1)  # type: ignore[union-attr]

    assert auth_for({"k": {"type": "apiKey", "in": "query", "name": "key"}}) == 'Credential("api_key", "query", "key")'
    assert (
        auth_for({"k": {"type": "apiKey", "in": "cookie", "name": "sid"}}) == 'Credential("api_key", "cookie", "sid")'
    )
    assert auth_for({"b": {"type": "http", "scheme": "bearer"}}) == 'Credential("bearer", "header", "Authorization")'
    assert auth_for({"b": {"type": "http", "scheme": "basic"}}) == 'Credential("basic", "header", "Authorization")'
    both = {"o": {"type": "oauth2", "flows": {}}, "k": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    assert auth_for(both) == 'Credential("api_key", "header", "X-Key")'
    assert auth_for(both, [{"o": []}]) == 'Credential("bearer", "header", "Authorization")'
    assert auth_for({}) == "None"


def test_basic_auth_takes_a_username_and_password(tmp_path: Path) -> None:
    schemes = {"components": {"securitySchemes": {"b": {"type": "http", "scheme": "basic"}}}, "security": [{"b": []}]}
    files = generate(spec_with({"/a": {"get": {"operationId": "a", "responses": ok()}}}, **schemes), tmp_path)
    client = files["pkg/client.py"]
    assert "username: str | None = None," in client and "password: str | None = None," in client
    assert 'resolve_credential(username, "PKG_USERNAME")' in client
    assert 'username="my-username"' in files["pkg/README.md"]


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
    assert "from pkg.models import Color, Line, Order" not in compact  # fields, not the body model, are arguments
    assert "from pkg.models import Color, Line" in compact
    assert 'base_url="https://shop.example.com/v2"' in compact
    assert "client.orders.put_order( order_id=10," in compact
    assert 'id_=uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")' in compact  # `id` is a builtin
    assert "color=Color.DARK_BLUE" in compact
    assert "on=datetime.date(2024, 1, 15)" in compact
    assert "quantity=42" in compact
    assert 'lines=[Line(sku="SKU-1")]' in compact
    assert "note" not in compact
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
    files = generate(spec_with(paths, servers=[{"url": "https://h.example.com/" + 'a"b'}]), tmp_path)
    for path, text in files.items():
        if path.endswith(".py"):
            tree = ast.parse(text)
            calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system"]
            assert calls == [], path
            imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            assert "os" not in imports or path.endswith("_http.py"), path
    client = files["pkg/client.py"]
    assert 'f"' not in client.replace('f"{type(self).__name__}(base_url={self._sender.base_url!r})"', "")
    assert ".format(" not in client


def test_generation_is_deterministic(tmp_path: Path) -> None:
    spec = REPO / "tests" / "specs" / "client-features.yaml"
    first = run(ad_hoc([spec], out=tmp_path, package="pkg")).files
    second = run(ad_hoc([spec], out=tmp_path, package="pkg")).files
    assert first == second


def test_generated_feature_client_passes_mypy_strict(tmp_path: Path) -> None:
    import subprocess
    import sys

    spec = REPO / "tests" / "specs" / "client-features.yaml"
    for relative, text in run(ad_hoc([spec], out=tmp_path, package="feat")).files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "feat"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_root_exports_clients_and_errors() -> None:
    import thymia_client

    for name in (
        "ThymiaClient",
        "AsyncThymiaClient",
        "ApiError",
        "ApiStatusError",
        "ApiConnectionError",
        "ApiTimeoutError",
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
        "ResponseValidationError",
    ):
        assert name in thymia_client.__all__
