"""Python reads identifiers NFKC-folded (`ﬁeld` is `field`, `µ` is `μ`): a property whose name folds keeps its JSON
name on the wire, in both directions."""

from __future__ import annotations

import pytest

from tests.models.support import module, spec


@pytest.mark.parametrize("name", ["ﬁeld", "µs", "ａb", "naïve"])
def test_a_property_whose_name_python_folds_keeps_its_json_name(name: str) -> None:
    _, mod = module(spec({"Box": {"type": "object", "properties": {name: {"type": "string"}}}}))
    box = mod.Box.from_dict({name: "v"})
    assert box.model_extra == {}
    assert box.to_dict() == {name: "v"}
