"""Recovery of OpenAPI documents whose YAML lost its indentation on a docs page."""

from __future__ import annotations

import datetime
import json
import math
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import GeneratorError
from generator.recover import merge, recover

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RATE: dict[str, str] = {}


# -- helpers -----------------------------------------------------------------


def yaml_block(page: str) -> tuple[list[str], int]:
    """The first ```yaml block of a Markdown page and the 1-based line of its first line."""
    lines = page.splitlines()
    start = lines.index("```yaml")
    end = lines.index("```", start + 1)
    return lines[start + 1 : end], start + 2


def stripped(text: str | list[str]) -> list[str]:
    lines = text.splitlines() if isinstance(text, str) else text
    return [line.strip() for line in lines if line.strip()]


_PROSE_KEYS = ("description", "summary")
_WIDTH = 80
_PLAIN = re.compile(r"[A-Za-z0-9_$/.(][^:#\[\]{},&*!|>'\"%@`\\\s]*(?: [^:#\[\]{},&*!|>'\"%@`\\\s]+)*")
_RESOLVER = yaml.resolver.Resolver()


def _flattens_losslessly(text: str, folded: bool) -> bool:
    """Whether a block scalar keeps its value when every line loses its indentation."""
    lines = text.split("\n")
    if folded:
        return "\n" not in text and "  " not in text and text == text.strip()
    return all(line and line == line.strip() for line in lines)


def _printable(text: str) -> bool:
    return all(ch == "\t" or (ch.isprintable() and ch not in "\x85\u2028\u2029\ufeff") for ch in text.replace("\n", ""))


def _quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable() or ch in "\x85\u2028\u2029\ufeff":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()  # the YAML source had a timestamp
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value).lower()
        # YAML 1.1 needs a dot for a float.
        return text.replace("e", ".0e") if "." not in text and "e" in text else text
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and text == text.strip()
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    return _quoted(text)


def _fold(text: str, width: int) -> list[str]:
    """Break text at single spaces so that folding it back gives the same string."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _block(text: str, indent: int, prose: bool) -> list[str] | None:
    """`|-`/`>-` block lines for a string, when the docs-page style uses one."""
    if not text or not _printable(text) or "\r" in text:
        return None
    pad = " " * indent
    if "\n" in text:
        body = text[:-1] if text.endswith("\n") else text
        if not body or ("\n" in text[:-1] and text.endswith("\n\n")):
            return None
        if not prose and not _flattens_losslessly(body, folded=False):
            return None
        chomp = "" if text.endswith("\n") else "-"
        lead = "2" if body[0] in " \t" else ""
        return [f"|{lead}{chomp}", *(pad + line if line else "" for line in body.split("\n"))]
    if len(text) <= _WIDTH or text != text.strip() or "  " in text or "\t" in text:
        return None
    if not prose and not _flattens_losslessly(text, folded=True):
        return None
    return [">-", *(pad + line for line in _fold(text, max(_WIDTH - indent, 40)))]


def docs_page_yaml(data: Any) -> str:
    """Block YAML in the style of API docs pages: long text folded, multi-line text literal."""
    out: list[str] = []

    def value(node: Any, indent: int, prefix: str, prose: bool) -> None:
        pad = " " * indent
        if isinstance(node, dict) and node:
            first = True
            for key, child in node.items():
                head = (prefix if first else pad) + _scalar(key) + ":"
                first = False
                entry(child, indent, head, isinstance(key, str) and key in _PROSE_KEYS)
        elif isinstance(node, list) and node:
            first = True
            for child in node:
                head = (prefix if first else pad) + "-"
                first = False
                if (isinstance(child, dict) and child) or (isinstance(child, list) and child):
                    value(child, indent + 2, head + " ", False)
                else:
                    entry(child, indent, head, False)
        else:
            out.append(prefix + ("{}" if isinstance(node, dict) else "[]"))

    def entry(child: Any, indent: int, head: str, prose: bool) -> None:
        if isinstance(child, (dict, list)) and child:
            out.append(head)
            value(child, indent + 2, " " * (indent + 2), prose)
            return
        if isinstance(child, str):
            block = _block(child, indent + 2, prose)
            if block is not None:
                out.append(f"{head} {block[0]}")
                out.extend(block[1:])
                return
        if isinstance(child, (dict, list)):
            out.append(f"{head} {'{}' if isinstance(child, dict) else '[]'}")
        else:
            out.append(f"{head} {_scalar(child)}")

    value(data, 0, "", False)
    return "\n".join(out) + "\n"


def docs_page(data: Any, title: str) -> str:
    """A Markdown page like an API docs site's, with the YAML block flattened."""
    text = docs_page_yaml(data)
    flat = "\n".join(stripped(text))
    return f"# {title}\nPOST /example\n## OpenAPI Specification\n```yaml\n{flat}\n```\n"


def normalised(node: Any, key: object = None) -> Any:
    """The document with white space in prose collapsed, the only thing flattening may change."""
    if isinstance(node, dict):
        return {k: normalised(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [normalised(v) for v in node]
    if isinstance(node, str) and key in _PROSE_KEYS:
        return " ".join(node.split())
    return node


def load_spec(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        if path.suffix == ".json":
            return json.load(handle)
        return yaml.load(handle, Loader=_LOADER)


def recovered(text: str, file: str = "page.md") -> Any:
    """Recover a flattened block given as text; the document it reads."""
    lines = text.strip("\n").splitlines()
    result = recover(lines, file=file, first_line=1)
    assert stripped(result) == stripped(lines)
    return yaml.safe_load(result)


def flat(text: str) -> str:
    return "\n".join(stripped(text))


# -- the Thymia page and its hand-restored document ----------------------------


def test_thymia_page_recovers_to_the_hand_restored_document() -> None:
    page = (ROOT / "spec" / "thymia.docs.md").read_text(encoding="utf-8")
    block, first = yaml_block(page)
    result = recover(block, file="spec/thymia.docs.md", first_line=first)
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
        return
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".json", ".yaml"):
            big = path.stat().st_size > 1_000_000
            yield pytest.param(path, id=path.name, marks=[pytest.mark.slow] if big else [])


@pytest.fixture(scope="module", autouse=True)
def _recovery_rate(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many corpus specs came back exactly, once the module is done."""
    yield
    if not _RATE:
        return
    exact = sum(1 for outcome in _RATE.values() if outcome.startswith("exact"))
    lines = [f"recover: {exact}/{len(_RATE)} corpus specs recovered exactly"]
    lines += [f"  {name}: {outcome}" for name, outcome in sorted(_RATE.items())]
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print("\n".join(lines))
        return
    with capture.global_and_fixture_disabled():  # shown without -s
        print("\n" + "\n".join(lines))


@pytest.mark.parametrize("path", list(_corpus()))
def test_corpus_spec_round_trips_or_fails_with_a_location(path: Path) -> None:
    data = load_spec(path)
    page = docs_page(data, path.name)
    block, first = yaml_block(page)
    started = time.perf_counter()
    try:
        result = recover(block, file=path.name, first_line=first)
    except GeneratorError as error:
        _RATE[path.name] = f"error in {time.perf_counter() - started:.1f}s: {error}"[:300]
        (diagnostic,) = error.diagnostics
        assert diagnostic.file == path.name
        assert diagnostic.line is not None and first <= diagnostic.line < first + len(block)
        return
    elapsed = time.perf_counter() - started
    assert stripped(result) == stripped(block)
    assert normalised(yaml.load(result, Loader=_LOADER)) == normalised(data)
    _RATE[path.name] = f"exact in {elapsed:.1f}s"
