"""Spec text reaches the models module only through the generator's own naming and encoder: the engine's own
keywords (`customTypePath`, `x-python-type`, ...) and the references it would resolve itself (`$dynamicRef`,
`$recursiveRef`, `$id`, a mapping to a URL) are left out of the document it is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.models.support import models, module, spec


def _holder(extra: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"note": {"type": "string", **extra}, "n": {"type": "integer"}}}


@pytest.mark.parametrize(
    "extra",
    [
        {"customTypePath": "this.s"},
        {"x-python-type": "os.system"},
        {"x-python-import": {"module": "os", "name": "system"}},
        {"customTypePath": "antigravity.fly"},
    ],
)
def test_a_property_cannot_choose_its_type_or_an_import(extra: dict[str, Any]) -> None:
    result, mod = module(spec({"Holder": _holder(extra)}))
    assert "import this" not in result.source and "from this" not in result.source
    assert "from os" not in result.source and "antigravity" not in result.source
    assert result.fields["Holder"][0].type_hint == "str | None"
    assert mod.Holder.from_dict({"note": "n", "n": 1}).to_dict() == {"note": "n", "n": 1}


@pytest.mark.parametrize("extra", [{"customBasePath": "this.s"}, {"x-is-base-class": True}])
def test_a_model_cannot_choose_its_base(extra: dict[str, Any]) -> None:
    result, mod = module(spec({"A": {**_holder({}), **extra}}))
    assert "this" not in result.source
    assert mod.A.__mro__[1].__name__ == "Model"


def test_enum_member_names_come_from_the_values_not_from_the_spec() -> None:
    schema = {"type": "string", "enum": ["a", "b"], "x-enum-varnames": ["__class__", "mro"], "x-enumNames": ["x", "y"]}
    result, mod = module(spec({"Kind": schema}))
    assert [member.name for member in mod.Kind] == ["A", "B"]
    assert "__class__" not in result.source


@pytest.mark.parametrize("keyword", ["$dynamicRef", "$recursiveRef", "$ref"])
@pytest.mark.parametrize("spelling", ["file", "path", "url"])
def test_a_reference_the_engine_would_resolve_itself_reads_nothing(keyword: str, spelling: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string", "description": "SECRET", "enum": ["TOP-SECRET-VALUE"]}')
    target = {"file": secret.as_uri(), "path": str(secret), "url": "https://example.invalid/s.json"}[spelling]
    document = spec({"A": {"type": "object", "properties": {"leak": {keyword: target}}}})
    source = models(document).source
    assert "SECRET" not in source


def test_an_id_or_a_mapping_to_a_url_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "object", "description": "SECRET", "properties": {"k": {"type": "string"}}}')
    document = spec(
        {
            "Cat": {"type": "object", "$id": secret.as_uri(), "properties": {"kind": {"type": "string"}}},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"cat": "#/components/schemas/Cat", "x": secret.as_uri()},
                },
            },
        }
    )
    result, mod = module(document)
    assert "SECRET" not in result.source
    assert type(mod.Cat.from_dict({"kind": "cat"})) is mod.Cat
