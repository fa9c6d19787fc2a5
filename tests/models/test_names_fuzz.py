"""No property or schema name can shadow a name the models module uses: names drawn from Python's builtins,
keywords, soft keywords, dunders and the module's own globals all give a module that imports, type-checks under
`mypy --strict`, and keeps every wire name and value."""

from __future__ import annotations

import builtins
import keyword
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.models.support import module, mypy_strict, spec

# What the models module binds or leans on, besides the classes it defines.
MODULE_GLOBALS = [
    "annotations",
    "_dataclass",
    "_field",
    "_Model",
    "dataclass",
    "field",
    "Enum",
    "IntEnum",
    "enum",
    "typing",
    "Any",
    "Literal",
    "TypeAlias",
    "date",
    "datetime",
    "time",
    "UUID",
    "uuid",
    "Decimal",
    "NULL",
    "to_dict",
    "from_dict",
    "model_extra",
    "self",
    "cls",
]
DUNDERS = ["__init__", "__class__", "__dict__", "__eq__", "__hash__", "__slots__", "__annotations__", "__module__"]
# Names with no identifier in them at all: the field is named for Python, the wire name stays as it is.
UNSPELLABLE = ["", " ", "!!!", "-"]
NAMES = sorted({*dir(builtins), *keyword.kwlist, *keyword.softkwlist, *MODULE_GLOBALS, *DUNDERS, *UNSPELLABLE})
# Each property also gets a format whose type is imported by name, so that a property named like the type
# (`date`, `datetime`, `UUID`) sits beside a field typed by it.
FORMATS = [{"type": "string", "format": f} for f in ("date", "date-time", "uuid", "time")] + [{"type": "string"}]
SAMPLES = {"date": "2024-02-29", "date-time": "2024-02-29T01:02:03Z", "uuid": "3FA85F64-5717-4562-B3FC-2C963F66AFA6"}


def _sample(schema: dict[str, Any], name: str) -> str:
    return SAMPLES.get(schema.get("format", ""), "09:30:00" if schema.get("format") == "time" else f"v-{name}")


def test_every_shadowing_name_at_once_imports_round_trips_and_type_checks() -> None:
    properties = {name: FORMATS[i % len(FORMATS)] for i, name in enumerate(NAMES)}
    schemas = {
        "Hostile": {"type": "object", "properties": properties},
        # Schemas named like the module's globals: the engine must rename the class, never shadow the import.
        **{name: {"type": "object", "properties": {"x": {"type": "string"}}} for name in ("Model", "Enum", "Any")},
        "Holder": {
            "type": "object",
            "properties": {n: {"$ref": f"#/components/schemas/{n}"} for n in ("Model", "Enum", "Any")},
        },
    }
    _, mod = module(spec(schemas))
    payload = {name: _sample(schema, name) for name, schema in properties.items()}
    hostile = mod.Hostile.from_dict(payload)
    assert hostile.to_dict() == payload
    assert not hostile.model_extra, "a property's value was not read into its field"
    holder = {n: {"x": n} for n in ("Model", "Enum", "Any")}
    assert mod.Holder.from_dict(holder).to_dict() == holder
    assert mypy_strict(mod) == ""


@settings(max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True), st.data())
def test_any_few_shadowing_names_round_trip(names: list[str], data: st.DataObject) -> None:
    properties = {name: data.draw(st.sampled_from(FORMATS)) for name in names}
    required = data.draw(st.lists(st.sampled_from(names), unique=True))
    _, mod = module(spec({"Box": {"type": "object", "required": required, "properties": properties}}))
    payload = {name: _sample(schema, name) for name, schema in properties.items()}
    box = mod.Box.from_dict(payload)
    assert box.to_dict() == payload
    assert not box.model_extra, "a property's value was not read into its field"
