"""Every format the model engine knows either has a Python type the runtime gives back exactly, or is typed as
its plain JSON type: no value is decoded into something that cannot return the text the API sent."""

from __future__ import annotations

from typing import Any

import pytest
from datamodel_code_generator.parser.schema_version import get_data_formats

from generator.models.engine import EXACT_FORMATS
from tests.models.support import module, spec

# A wire value of each exact format that re-encodes only if the text is kept (offset, fraction, case).
EXACT_SAMPLES: dict[str, Any] = {
    "date": "2024-02-29",
    "date-time": "2024-02-29T23:59:60.500+05:30",
    "time": "23:59:59.10Z",
    "uuid": "6F9619FF-8B86-D011-B42D-00CF4FC964FF",
    "byte": "aGVsbG8=",
}
# A value of the JSON type that a richer type would re-spell, or could not hold at all.
PLAIN_SAMPLES: dict[str, Any] = {"string": "::FFFF:0:1 P1M 1.10 a/./b", "integer": 1700000000, "number": 1.25}
ENGINE_FORMATS = sorted(
    (kind, name)
    for kind, names in get_data_formats(is_openapi=True).items()
    if kind in PLAIN_SAMPLES
    for name in names
    if name != "default"
)


@pytest.mark.parametrize(("kind", "name"), ENGINE_FORMATS, ids=[f"{k}+{n}" for k, n in ENGINE_FORMATS])
def test_every_engine_format_round_trips_exactly(kind: str, name: str) -> None:
    exact = name in EXACT_FORMATS[kind]
    if exact and kind == "string" and name not in EXACT_SAMPLES and not name.startswith("uuid"):
        pytest.skip(f"{name} carries raw octets, not JSON text")
    value = EXACT_SAMPLES.get("uuid" if name.startswith("uuid") else name, PLAIN_SAMPLES[kind])
    if not exact:
        value = PLAIN_SAMPLES[kind]
    schema = {"type": "object", "properties": {"v": {"type": kind, "format": name}}}
    result, mod = module(spec({"Holder": schema}))
    (field,) = result.fields["Holder"]
    hint = field.type_hint
    if not exact:
        assert hint.removesuffix(" | None") == {"string": "str", "integer": "int", "number": "float"}[kind]
    decoded = mod.Holder.from_dict({"v": value})
    assert decoded.to_dict() == {"v": value}
