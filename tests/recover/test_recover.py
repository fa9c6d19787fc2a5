"""Recovery of OpenAPI documents whose YAML lost its indentation on a docs page."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import GeneratorError
from generator.recover import recover
from generator.spec.merge import merge
from tests.recover.ambiguity import placements, violations, witness_at
from tests.recover.docs_page import CORPUS, LOADER, ROOT, docs_page, load_spec, normalised, stripped, yaml_block

_RATE: dict[tuple[str, str], str] = {}


def recovered(text: str, file: str = "page.md") -> Any:
    """Recover a flattened block given as text; the document it reads."""
    lines = text.strip("\n").splitlines()
    result = recover(lines, file=file, first_line=1).text
    assert stripped(result) == stripped(lines)
    return yaml.safe_load(result)


def flat(text: str) -> str:
    return "\n".join(stripped(text))


# -- the Thymia page and its hand-restored document ----------------------------


def test_thymia_page_recovers_to_the_hand_restored_document() -> None:
    page = (ROOT / "spec" / "thymia.docs.md").read_text(encoding="utf-8")
    block, first = yaml_block(page)
    result = recover(block, file="spec/thymia.docs.md", first_line=first).text
    expected = yaml.safe_load((ROOT / "spec" / "thymia.openapi.yaml").read_text(encoding="utf-8"))
    assert yaml.safe_load(result) == expected
    assert stripped(result) == stripped(block)


# -- unit cases -----------------------------------------------------------------

_HEAD = """
openapi: 3.1.0
info:
title: T
version: '1'
paths: {}
components:
schemas:
"""


def test_block_scalar_text_that_looks_like_keys_stays_text() -> None:
    doc = recovered(
        _HEAD
        + """
Pet:
type: object
description: |-
Fields:
- name: the name
type: string
required: always
properties:
name:
type: string
title: Pet
"""
    )
    pet = doc["components"]["schemas"]["Pet"]
    # `type: string` cannot be a second `type` of Pet, and `- name:` fits no list.
    assert pet["description"] == "Fields:\n- name: the name\ntype: string\nrequired: always"
    assert pet["properties"] == {"name": {"type": "string"}}
    assert pet["title"] == "Pet"


def test_folded_scalar_ends_at_the_next_key_of_an_enclosing_object() -> None:
    doc = recovered(
        _HEAD
        + """
Pet:
type: object
properties:
name:
type: string
description: >-
The name. Note:
it is unique
maxLength: 10
"""
    )
    name = doc["components"]["schemas"]["Pet"]["properties"]["name"]
    assert name == {"type": "string", "description": "The name. Note: it is unique", "maxLength": 10}


def test_type_under_properties_is_a_property_name() -> None:
    doc = recovered(
        _HEAD
        + """
ValidationError:
type: object
properties:
msg:
type: string
type:
type: string
required:
- msg
- type
"""
    )
    schema = doc["components"]["schemas"]["ValidationError"]
    assert schema["properties"] == {"msg": {"type": "string"}, "type": {"type": "string"}}
    assert schema["type"] == "object"
    assert schema["required"] == ["msg", "type"]


def test_required_goes_to_the_schema_whose_properties_it_names() -> None:
    doc = recovered(
        _HEAD
        + """
User:
type: object
properties:
address:
type: object
properties:
street:
type: string
required:
- street
name:
$ref: '#/components/schemas/Name'
description: Full name
required:
- name
Name:
type: string
"""
    )
    user = doc["components"]["schemas"]["User"]
    assert user["required"] == ["name"]
    assert user["properties"]["address"]["required"] == ["street"]
    # A description after a $ref property belongs to that property.
    assert user["properties"]["name"] == {"$ref": "#/components/schemas/Name", "description": "Full name"}


def test_title_and_annotations_after_a_composition_go_to_its_owner() -> None:
    doc = recovered(
        _HEAD
        + """
Item:
properties:
note:
anyOf:
- type: string
- type: 'null'
title: Note
description: Free text
type: object
title: Item
"""
    )
    item = doc["components"]["schemas"]["Item"]
    assert item["properties"]["note"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "title": "Note",
        "description": "Free text",
    }
    assert item["type"] == "object" and item["title"] == "Item"


def test_multi_line_plain_quoted_and_flow_scalars() -> None:
    doc = recovered("""
openapi: 3.0.3
info:
title: A title that
goes on
version: "1.
0"
description: 'it''s
quoted'
tags: [a,
b]
paths: {}
""")
    assert doc["info"] == {"title": "A title that goes on", "version": "1. 0", "description": "it's quoted"}
    assert doc["tags"] == ["a", "b"]


def test_nested_example_data_is_ambiguous() -> None:
    text = (
        _HEAD
        + """
Pet:
type: object
example:
owner:
name: Ann
age: 3
"""
    )
    with pytest.raises(GeneratorError) as caught:
        recover(text.strip("\n").splitlines(), file="pets.md", first_line=10)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.file == "pets.md"
    assert diagnostic.line == 10 + 13  # the `age: 3` line
    assert "ambiguous" in diagnostic.message
    assert "example/owner" in diagnostic.message and "/example ({any})" in diagnostic.message


def test_a_line_that_fits_nowhere_is_located() -> None:
    text = (
        _HEAD
        + """
Pet:
type: object
colour red
"""
    )
    with pytest.raises(GeneratorError) as caught:
        recover(text.strip("\n").splitlines(), file="pets.md", first_line=1)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == 11  # blank lines keep their numbers
    assert "colour red" in diagnostic.message


def test_an_unknown_key_is_kept_on_the_innermost_object() -> None:
    doc = recovered(
        _HEAD
        + """
Pet:
type: object
properties:
name:
type: string
supported_environment_variables:
- PET_NAME
"""
    )
    name = doc["components"]["schemas"]["Pet"]["properties"]["name"]
    assert name == {"type": "string", "supported_environment_variables": ["PET_NAME"]}


def test_swagger_2_documents_use_their_own_grammar() -> None:
    doc = recovered("""
swagger: '2.0'
info:
title: T
version: '1'
paths:
/pets:
get:
parameters:
- name: limit
in: query
type: integer
format: int32
responses:
'200':
description: ok
schema:
type: array
items:
$ref: '#/definitions/Pet'
definitions:
Pet:
type: object
""")
    get = doc["paths"]["/pets"]["get"]
    assert get["parameters"] == [{"name": "limit", "in": "query", "type": "integer", "format": "int32"}]
    assert get["responses"]["200"]["schema"]["items"] == {"$ref": "#/definitions/Pet"}


def test_required_list_moves_properties_back_to_the_schema_it_names() -> None:
    # `kind` could be a property of `config` (innermost) or of Job; the
    # `required` list after it names it among Job's properties.
    doc = recovered(
        _HEAD
        + """
Job:
type: object
properties:
config:
type: object
properties:
retries:
type: number
kind:
type: string
name:
type: string
required:
- config
- kind
- name
"""
    )
    job = doc["components"]["schemas"]["Job"]
    assert set(job["properties"]) == {"config", "kind", "name"}
    assert job["properties"]["config"]["properties"] == {"retries": {"type": "number"}}
    assert job["required"] == ["config", "kind", "name"]


def test_discriminator_goes_beside_the_union() -> None:
    doc = recovered(
        _HEAD
        + """
Event:
oneOf:
- $ref: '#/components/schemas/A'
- type: object
properties:
kind:
type: string
discriminator:
propertyName: kind
A:
type: object
"""
    )
    event = doc["components"]["schemas"]["Event"]
    assert event["discriminator"] == {"propertyName": "kind"}
    assert "discriminator" not in event["oneOf"][1]


def test_a_data_list_item_continues_the_list_whose_items_it_resembles() -> None:
    doc = recovered(
        _HEAD
        + """
Tags:
type: array
examples:
- - tag-1
- tag-2
- - tag-3
description: Tag sets
"""
    )
    tags = doc["components"]["schemas"]["Tags"]
    assert tags["examples"] == [["tag-1", "tag-2"], ["tag-3"]]
    assert tags["description"] == "Tag sets"


def test_lookahead_revises_its_own_guesses_for_nested_unions() -> None:
    # Which list `- $ref: B` continues is told by what follows: a single-member
    # anyOf costs more than a two-member oneOf, once the lookahead can revise
    # where it greedily put `- $ref: U`.
    doc = recovered(
        _HEAD
        + """
Trigger:
properties:
action:
anyOf:
- oneOf:
- $ref: '#/components/schemas/A'
- $ref: '#/components/schemas/B'
- $ref: '#/components/schemas/U'
title: Action
type: object
A:
type: object
B:
type: object
U:
type: object
"""
    )
    action = doc["components"]["schemas"]["Trigger"]["properties"]["action"]
    assert action["anyOf"] == [
        {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        {"$ref": "#/components/schemas/U"},
    ]


# -- evidence: examples against types, references, versions -------------------------


def test_examples_go_to_the_schema_whose_type_they_fit() -> None:
    # `examples` after a string property: the property's, since its owner turns out to be an object.
    doc = recovered(
        _HEAD
        + """
Filter:
properties:
like_:
type: string
title: Like
examples:
- "my-block%"
additionalProperties: false
type: object
"""
    )
    schema = doc["components"]["schemas"]["Filter"]
    assert schema["properties"]["like_"]["examples"] == ["my-block%"]
    assert "examples" not in schema


def test_a_reference_beside_a_repeated_type_stays_in_the_items() -> None:
    doc = recovered(
        """
swagger: '2.0'
info:
title: T
version: '1'
paths: {}
definitions:
Info:
type: object
properties:
roles:
type: array
items:
type: object
description: The roles.
$ref: "#/definitions/Role"
name:
type: string
"""
    )
    roles = doc["definitions"]["Info"]["properties"]["roles"]
    items = {"type": "object", "description": "The roles.", "$ref": "#/definitions/Role"}
    assert roles == {"type": "array", "items": items}


def test_before_openapi_3_1_true_is_no_schema_so_no_property_reads_it() -> None:
    text = (
        _HEAD.replace("3.1.0", "3.0.3")
        + """
Details:
type: object
properties:
best_of:
type: array
items:
$ref: "#/components/schemas/Seq"
nullable: true
tokens:
type: integer
"""
    )
    doc = recovered(text)
    best_of = doc["components"]["schemas"]["Details"]["properties"]["best_of"]
    assert best_of["nullable"] is True
    assert set(doc["components"]["schemas"]["Details"]["properties"]) == {"best_of", "tokens"}


def test_an_unknown_key_after_a_plain_scalar_stays_on_its_schema() -> None:
    doc = recovered(
        _HEAD
        + """
Body:
properties:
names:
items:
type: string
type: array
title: Names
min_items: 1
count:
type: integer
type: object
"""
    )
    names = doc["components"]["schemas"]["Body"]["properties"]["names"]
    assert names["min_items"] == 1 and names["title"] == "Names"


def test_a_list_item_continues_the_list_whose_items_have_its_kind() -> None:
    doc = recovered(
        _HEAD
        + """
Codes:
anyOf:
- type: string
- type: array
examples:
- "404,429"
- - 404
- 429
- 503
"""
    )
    assert doc["components"]["schemas"]["Codes"]["examples"] == ["404,429", [404, 429, 503]]


def test_example_data_is_placed_by_the_schema_it_documents() -> None:
    # `apiUrl` could end the second item or the example itself; the schema,
    # given further down the page, declares it for the items only.
    doc = recovered(
        """
openapi: 3.0.1
info:
title: T
version: '1'
paths:
/:
get:
responses:
"200":
description: ok
content:
application/json:
schema:
$ref: "#/components/schemas/List"
example:
total: 2
apis:
- apiKey: a
apiUrl: /a
- apiKey: b
apiUrl: /b
components:
schemas:
List:
type: object
properties:
total:
type: integer
apis:
type: array
items:
type: object
properties:
apiKey:
type: string
apiUrl:
type: string
"""
    )
    example = doc["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert example == {"total": 2, "apis": [{"apiKey": "a", "apiUrl": "/a"}, {"apiKey": "b", "apiUrl": "/b"}]}


def test_a_property_after_a_nested_object_is_ambiguous_without_evidence() -> None:
    text = (
        _HEAD
        + """
Remove:
type: object
properties:
tracks:
type: array
items:
type: object
properties:
uri:
type: string
snapshot_id:
type: string
"""
    )
    lines = text.strip("\n").splitlines()
    with pytest.raises(GeneratorError) as caught:
        recover(lines, file="remove.md", first_line=1)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == lines.index("snapshot_id:") + 1
    assert "Remove/properties/tracks/items/properties ({Schema})" in diagnostic.message
    assert "Remove/properties ({Schema})" in diagnostic.message


# An object property whose example names both its properties, then another schema.
_PHOTO = """
photo:
type: object
properties:
image_21:
type: string
image_27:
type: string
example:
image_21: a
image_27: b
Other:
type: string
"""


def test_an_object_example_tells_which_schema_has_the_property() -> None:
    doc = recovered(
        _HEAD
        + """
Agent:
type: object
properties:
"""
        + _PHOTO
    )
    # Read as Agent's, `image_27` would leave the example naming a property Agent lacks.
    photo = doc["components"]["schemas"]["Agent"]["properties"]["photo"]
    assert set(photo["properties"]) == {"image_21", "image_27"}
    assert photo["example"] == {"image_21": "a", "image_27": "b"}


_EXTENDED_PAGE = """
openapi: 3.0.3
info:
title: T
version: '1'
paths:
/apps:
get:
operationId: list
x-github:
githubCloudOnly: true
responses:
"200":
description: ok
/app:
get:
responses:
"200":
description: ok
x-github:
githubCloudOnly: false
"""


def test_an_extension_that_an_operation_or_its_path_item_could_carry_stops_a_strict_reading() -> None:
    lines = _EXTENDED_PAGE.strip("\n").splitlines()
    with pytest.raises(GeneratorError) as caught:
        recover(lines, file="app.md", first_line=1)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == len(lines) - 1  # the second `x-github:`
    assert "/paths/~1app/get (Operation)" in diagnostic.message and "/paths/~1app (PathItem)" in diagnostic.message


def test_a_best_guess_puts_an_extension_where_the_page_carries_it_and_says_so() -> None:
    # The first `x-github` comes before `responses`, where only the operation can take it: evidence for the second.
    lines = _EXTENDED_PAGE.strip("\n").splitlines()
    result = recover(lines, file="app.md", first_line=1, best_guess=True)
    get = yaml.safe_load(result.text)["paths"]["/app"]["get"]
    assert get["x-github"] == {"githubCloudOnly": False}
    (warning,) = result.warnings
    assert (warning.file, warning.line, warning.level) == ("app.md", len(lines) - 1, "warning")
    assert warning.message.startswith("chose `x-github:` in /paths/~1app/get (Operation) over ")
    # The evidence: the other operation holds `x-github` beside `responses`, as this one does.
    assert warning.message.endswith(
        "(`x-github` sits beside `responses` in 1 other mapping on the page, against 0, 0, 0)"
    )


def test_a_required_list_far_below_settles_where_a_property_went() -> None:
    # `tags` could end the nested object `owner` or continue Pet; Pet's
    # `required` list, many lines further down, names it beside `owner`.
    filler = "".join(f"field_{n}:\ntype: string\ndescription: Field {n}.\n" for n in range(30))
    doc = recovered(
        _HEAD
        + """
Pet:
type: object
properties:
owner:
type: object
properties:
name:
type: string
tags:
type: array
items:
type: string
"""
        + filler
        + """required:
- owner
- tags
"""
    )
    pet = doc["components"]["schemas"]["Pet"]
    assert "tags" in pet["properties"] and "field_29" in pet["properties"]
    assert pet["properties"]["owner"]["properties"] == {"name": {"type": "string"}}


def test_an_example_on_a_composed_schema_counts_its_referenced_members() -> None:
    # `image_27` could continue `photo` or the member's properties; read as the
    # member's, the example after it would describe the composed Agent, whose
    # referenced member `Base` (read earlier) declares no `image_21`.
    doc = recovered(
        _HEAD
        + """
Base:
type: object
properties:
gid:
type: string
Agent:
allOf:
- $ref: "#/components/schemas/Base"
- type: object
properties:
"""
        + _PHOTO
    )
    photo = doc["components"]["schemas"]["Agent"]["allOf"][1]["properties"]["photo"]
    assert set(photo["properties"]) == {"image_21", "image_27"}
    assert photo["example"] == {"image_21": "a", "image_27": "b"}


# -- merging pages ------------------------------------------------------------------


def _page(path: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "API", "version": "1"},
        "tags": [{"name": path.strip("/")}],
        "paths": {path: {"get": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"Error": schema, path.strip("/").title(): {"type": "string"}}},
    }


def test_merge_unites_paths_components_and_tags() -> None:
    error = {"type": "object", "properties": {"message": {"type": "string"}}}
    merged = merge([("a.md", _page("/a", error)), ("b.md", _page("/b", dict(error)))])
    assert list(merged["paths"]) == ["/a", "/b"]
    assert set(merged["components"]["schemas"]) == {"Error", "A", "B"}
    assert [tag["name"] for tag in merged["tags"]] == ["a", "b"]
    assert merged["info"] == {"title": "API", "version": "1"}


def test_merge_reports_a_conflicting_component_with_both_pages() -> None:
    first = _page("/a", {"type": "object"})
    second = _page("/b", {"type": "string"})
    with pytest.raises(GeneratorError) as caught:
        merge([("a.md", first), ("b.md", second)])
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.pointer == "/components/schemas/Error"
    assert "a.md" in diagnostic.message and "b.md" in str(caught.value)


def test_merge_reports_a_conflicting_operation() -> None:
    first = _page("/a", {"type": "object"})
    second = _page("/a", {"type": "object"})
    second["paths"]["/a"]["get"]["summary"] = "other"
    with pytest.raises(GeneratorError, match=r"a\.md.*b\.md") as caught:
        merge([("a.md", first), ("b.md", second)])
    assert caught.value.diagnostics[0].pointer == "/paths/~1a/get"


# -- the corpus: dump, flatten, recover --------------------------------------------


def _corpus() -> Iterator[Any]:
    if not CORPUS.is_dir():
        yield pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS}: the corpus tests need it"))
        return
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".json", ".yaml"):
            big = path.stat().st_size > 1_000_000
            yield pytest.param(path, id=path.name, marks=[pytest.mark.slow] if big else [])


@functools.cache
def _corpus_page(path: Path) -> tuple[Any, str, list[str], int]:
    """A corpus document, its flattened docs page, the page's YAML block and the page line the block starts on."""
    data = load_spec(path)
    page = docs_page(data, path.name)
    block, first = yaml_block(page)
    return data, page, block, first


@pytest.fixture(scope="module", autouse=True)
def _recovery_rate(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how the corpus specs came back, once the module is done."""
    yield
    if not _RATE:
        return
    strict = {name: outcome for (mode, name), outcome in _RATE.items() if mode == "strict"}
    guessed = {name: outcome for (mode, name), outcome in _RATE.items() if mode == "guess"}
    exact = sum(1 for outcome in strict.values() if outcome.startswith("exact"))
    lines = [f"recover: {exact}/{len(strict)} corpus specs recovered exactly, {len(strict) - exact} stopped on a line"]
    lines += [f"  {name}: {outcome}" for name, outcome in sorted(strict.items())]
    if guessed:
        lines.append(f"recover --best-guess: {len(guessed)} corpus specs")
        lines += [f"  {name}: {outcome}" for name, outcome in sorted(guessed.items())]
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print("\n".join(lines))
        return
    with capture.global_and_fixture_disabled():  # shown without -s
        print("\n" + "\n".join(lines))


@pytest.mark.parametrize("path", list(_corpus()))
def test_corpus_spec_round_trips_or_stops_where_it_is_provably_ambiguous(path: Path) -> None:
    """Exact recovery, or a located stop on a line where two documents flatten alike.

    The second document (the witness) proves that no reader of the page could tell which one was published:
    stopping there is the only right answer.
    """
    data, page, block, first = _corpus_page(path)
    started = time.perf_counter()
    try:
        result = recover(block, file=path.name, first_line=first)
    except GeneratorError as error:
        (diagnostic,) = error.diagnostics
        assert diagnostic.file == path.name
        assert diagnostic.line is not None and first <= diagnostic.line < first + len(block)
        assert "ambiguous" in diagnostic.message, f"a stop that claims no ambiguity: {error}"
        witness = witness_at(data, diagnostic.line - first)
        assert witness is not None, f"stopped where the page has one reading only: {error}"
        assert witness.document != data
        same_page = stripped(docs_page(witness.document, path.name)) == stripped(page)
        assert same_page or witness.refolded
        # A refolded witness's page breaks some folded text elsewhere: only line widths tell the two apart.
        refolded = " (folded text breaks elsewhere)" if witness.refolded else ""
        _RATE["strict", path.name] = f"ambiguous at line {diagnostic.line}{refolded}: {witness.description}"[:240]
        return
    elapsed = time.perf_counter() - started
    assert stripped(result.text) == stripped(block)
    assert normalised(yaml.load(result.text, Loader=LOADER)) == normalised(data)
    assert result.warnings == ()
    _RATE["strict", path.name] = f"exact in {elapsed:.1f}s"


@pytest.mark.parametrize("path", list(_corpus()))
def test_corpus_best_guess_is_valid_and_lists_its_choices(path: Path) -> None:
    """A best guess breaks no exclusion of OpenAPI's the original keeps; a document that differs from the original
    comes with warnings, and the first line it places differently is one of the choices listed."""
    data, _, block, first = _corpus_page(path)
    try:
        result = recover(block, file=path.name, first_line=first, best_guess=True)
    except GeneratorError as error:
        # The one stop a best guess makes: the work the page may take ran out before any complete reading.
        (diagnostic,) = error.diagnostics
        assert "too many possible readings" in diagnostic.message, str(error)
        assert diagnostic.line is not None and first <= diagnostic.line < first + len(block)
        _RATE["guess", path.name] = f"stopped at line {diagnostic.line}: the work budget ran out"
        return
    assert stripped(result.text) == stripped(block)
    document = yaml.load(result.text, Loader=LOADER)
    assert violations(document) <= violations(data)
    warned = {warning.line for warning in result.warnings}
    for warning in result.warnings:
        assert warning.level == "warning" and warning.file == path.name
        assert warning.line is not None and first <= warning.line < first + len(block)
        assert warning.message.startswith("chose ") and " over " in warning.message and warning.message.endswith(")")
    if normalised(document) == normalised(data):
        _RATE["guess", path.name] = f"exact, {len(result.warnings)} choice(s) listed"
        return
    assert result.warnings, "a different document came back without a warning"
    runs = [first + index for index in _misplaced_runs(data, result.text)]
    assert runs and runs[0] in warned, f"the first line placed differently, {runs[:1]}, is no listed choice"
    # Later differences may follow from an earlier choice, or from a habit of writers (see README) that this page
    # does not keep; they are counted, for the record.
    unlisted = sum(1 for line in runs if line not in warned)
    _RATE["guess", path.name] = (
        f"different in {len(runs)} place(s), {len(result.warnings)} choice(s) listed; "
        f"{unlisted} place(s) begin on no listed line"
    )


def _misplaced_runs(original: Any, text: str) -> list[int]:
    """The first line of each run of block lines whose key or item sits elsewhere in the recovered `text` than in
    the original document."""
    _, expected = placements(original)
    found = _placements(text)
    runs: list[int] = []
    previous = False
    for index, want in enumerate(expected):
        got = found.get(index)
        differs = want != got
        if differs and not previous:
            runs.append(index)
        if want is not None or got is not None:
            previous = differs
    return runs


def _placements(text: str) -> dict[int, tuple[Any, ...]]:
    """Line → the path of the innermost key or item that starts on it, as the YAML text itself nests them."""
    found: dict[int, tuple[Any, ...]] = {}
    stack: list[tuple[tuple[Any, ...], yaml.Node]] = [((), yaml.compose(text, Loader=LOADER))]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            loader = LOADER("")
            for key, value in node.value:
                step = (*path, loader.construct_object(key))
                found[key.start_mark.line] = max(found.get(key.start_mark.line, ()), step, key=len)
                stack.append((step, value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                step = (*path, index)
                found[item.start_mark.line] = max(found.get(item.start_mark.line, ()), step, key=len)
                stack.append((step, item))
    return found
