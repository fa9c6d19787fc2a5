"""The engine's document keeps the component schemas and what they refer to, and nothing else: its models are
those the whole document gives."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.models import generate_models, hoist

PARAMETER = {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1}}


def _spec(schemas: dict[str, Any], *, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    operation = {
        "operationId": "list_pets",
        "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "maxLength": 9}}],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
            }
        },
    }
    components: dict[str, Any] = {"schemas": schemas}
    if parameters:
        components["parameters"] = parameters
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/pets": {"get": operation}},
        "components": components,
    }


CASES = {
    "nothing outside the schemas": _spec({"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}),
    "a schema refers into the operations": _spec(
        {"Pet": {"type": "object", "properties": {"kind": {"$ref": "#/paths/~1pets/get/parameters/0/schema"}}}}
    ),
    "a discriminator maps to a schema outside the components": {
        **_spec(
            {
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"]},
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/$defs/Dog"},
                    },
                },
            }
        ),
        "$defs": {"Dog": {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"]}},
    },
    "a schema refers to a parameter's schema": _spec(
        {"Pet": {"type": "object", "properties": {"size": {"$ref": "#/components/parameters/Size/schema"}}}},
        parameters={"Size": PARAMETER},
    ),
}


@pytest.mark.parametrize("data", CASES.values(), ids=list(CASES))
def test_the_models_are_those_of_the_whole_document(data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    pruned = generate_models(copy.deepcopy(data), file="spec.yaml")
    monkeypatch.setattr(hoist._Hoister, "_keep_what_the_engine_reads", lambda self: None)
    whole = generate_models(copy.deepcopy(data), file="spec.yaml")
    assert pruned.source == whole.source
    assert pruned.classes == whole.classes and pruned.hints == whole.hints


def test_the_operations_stay_out_of_the_engines_document_unless_referred_to() -> None:
    assert "paths" not in hoist.plan(CASES["nothing outside the schemas"], file="spec.yaml").document
    assert "paths" in hoist.plan(CASES["a schema refers into the operations"], file="spec.yaml").document
    document = hoist.plan(CASES["a schema refers to a parameter's schema"], file="spec.yaml").document
    assert set(document["components"]) == {"schemas", "parameters"} and "paths" not in document
