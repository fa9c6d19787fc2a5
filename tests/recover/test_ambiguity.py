"""Witnesses of ambiguity: a second document that flattens to the same docs-page lines."""

from __future__ import annotations

import copy
from typing import Any

from tests.recover.ambiguity import Witness, witness_at
from tests.recover.docs_page import docs_page_yaml, stripped


def _doc(schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}


def _line(data: Any, text: str, occurrence: int = 0) -> int:
    """The flattened index of a line, computed rather than counted by hand."""
    lines = stripped(docs_page_yaml(data))
    return [n for n, line in enumerate(lines) if line == text][occurrence]


def _check(data: Any, found: Witness | None, index: int) -> Witness:
    """What every witness must be, checked independently of `witness_at`."""
    assert found is not None
    assert found.index == index
    assert found.document != data
    assert stripped(docs_page_yaml(found.document)) == stripped(docs_page_yaml(data))
    return found


def _twilio(nested: bool) -> dict[str, Any]:
    pii: dict[str, Any] = {"handling": "s", "deleteSla": 30} if nested else {"handling": "s"}
    extension = {"pii": pii} if nested else {"pii": pii, "deleteSla": 30}
    return _doc({"Account": {"type": "object", "properties": {"token": {"type": "string", "x-twilio": extension}}}})


def test_a_key_ending_nested_extension_data_can_end_the_enclosing_value() -> None:
    data = _twilio(nested=True)
    before = copy.deepcopy(data)
    index = _line(data, "deleteSla: 30")
    found = _check(data, witness_at(data, index), index)
    assert found.document == _twilio(nested=False)
    assert found.source.endswith("/x-twilio/pii") and found.target.endswith("/x-twilio")
    assert data == before  # the input is left alone


def test_the_other_reading_has_the_first_as_its_witness() -> None:
    data = _twilio(nested=False)
    index = _line(data, "deleteSla: 30")
    found = _check(data, witness_at(data, index), index)
    assert found.document == _twilio(nested=True)
    assert found.description.startswith("sink")


def test_an_annotation_after_the_last_property_can_belong_to_that_property() -> None:
    pet = {"type": "object", "properties": {"name": {"type": "string"}}, "xml": {"name": "Pet"}}
    data = _doc({"Pet": pet})
    index = _line(data, "xml:")
    found = _check(data, witness_at(data, index), index)
    moved = found.document["components"]["schemas"]["Pet"]
    assert "xml" not in moved and moved["properties"]["name"]["xml"] == {"name": "Pet"}


def test_a_key_the_other_container_already_has_cannot_move() -> None:
    pet = {"type": "object", "example": {"owner": {"name": "Ann"}, "name": "Bob"}}
    data = _doc({"Pet": pet})
    assert witness_at(data, _line(data, "name: Bob")) is None
    assert witness_at(data, _line(data, "name: Ann")) is None  # the first key: its container would empty


def test_a_move_that_makes_an_example_misfit_its_type_proves_nothing() -> None:
    pet: dict[str, Any] = {"type": "object", "properties": {"name": {"type": "string", "examples": ["x"]}}}
    data = _doc({"Pet": pet})
    assert witness_at(data, _line(data, "examples:")) is None
    # The same move is a witness once the owner has no type for the string example to contradict.
    del pet["type"]
    index = _line(data, "examples:")
    assert _check(data, witness_at(data, index), index).target == "/components/schemas/Pet"


def test_a_property_called_example_is_a_schema_not_data() -> None:
    # `format` is no annotation: it may move inside example data, not between schemas.
    inner = {"properties": {"a": {"type": "string", "title": "A", "format": "date"}}}
    data = _doc({"Pet": {"type": "object", "properties": {"example": inner}}})
    assert witness_at(data, _line(data, "format: date")) is None
    as_data = _doc({"Pet": {"type": "object", "example": inner}})
    index = _line(as_data, "format: date")
    assert _check(as_data, witness_at(as_data, index), index).target.endswith("/Pet/example/properties")


def test_a_schema_can_leave_a_nested_union_for_the_enclosing_one() -> None:
    union = {"anyOf": [{"type": "string"}, {"oneOf": [{"$ref": "#/A"}, {"$ref": "#/B"}, {"$ref": "#/C"}]}]}
    data = _doc({"U": union})
    index = _line(data, '- $ref: "#/C"')
    found = _check(data, witness_at(data, index), index)
    assert found.document["components"]["schemas"]["U"]["anyOf"][2] == {"$ref": "#/C"}
    back = witness_at(found.document, index)
    assert back is not None and back.document == data


def test_items_of_a_list_in_example_data_are_not_schemas() -> None:
    # Nested lists inside an example can exchange items; the `prefixItems` schemas cannot.
    data = _doc({"T": {"example": [[1, [2, 3]], 4]}})
    index = _line(data, "- 3")
    assert _check(data, witness_at(data, index), index).target == "/components/schemas/T/example/0"
    tuple_schema = {"prefixItems": [{"prefixItems": [{"type": "string"}, {"type": "integer"}]}]}
    data = _doc({"T": tuple_schema})
    assert witness_at(data, _line(data, "- type: integer")) is None


def test_a_line_no_key_or_item_starts_on_has_no_witness() -> None:
    data = _doc({"Pet": {"description": "one\ntwo", "type": "object"}})
    assert witness_at(data, _line(data, "two")) is None
    assert witness_at(data, 10_000) is None
