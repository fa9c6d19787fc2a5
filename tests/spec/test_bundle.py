"""Bundling: file references resolved against the file that holds them, components named from their files, every
node located in the file it came from, and every reference that cannot be bundled refused where it is written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.errors import Diagnostic
from generator.spec import load as load_module
from generator.spec import openapi
from generator.spec.pointer import resolve

from .support import MULTIFILE, line_of, loaded, refused, root_with, write

# --- the multi-file fixture ------------------------------------------------------------------------------------


def test_the_fixture_bundles_into_one_document_with_local_references_only() -> None:
    doc = loaded(MULTIFILE / "openapi.yaml")
    assert all(ref.startswith("#/") for _, ref in openapi.refs(doc.data))
    components = doc.data["components"]
    # The root's own `Pet: {$ref: ./schemas/pet.yaml}` names that file's component; other files by their names.
    assert list(components["schemas"]) == ["Pet", "problem", "owner", "Tag", "Category"]
    assert components["schemas"]["Pet"]["description"] == "A pet in the store."
    assert list(components["parameters"]) == ["Limit", "Cursor", "PetId"]
    assert list(components["responses"]) == ["Problem", "NotFound"]
    # Anything else is inlined: the path item kept in its own file.
    item = doc.data["paths"]["/pets/{petId}"]
    assert item["get"]["operationId"] == "getPet"
    assert item["parameters"] == [{"$ref": "#/components/parameters/PetId"}]


def test_a_schema_cycle_across_two_files_becomes_a_local_cycle() -> None:
    schemas = loaded(MULTIFILE / "openapi.yaml").data["components"]["schemas"]
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/owner"}
    assert schemas["owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet"}


def test_references_resolve_against_the_file_that_holds_them() -> None:
    data = loaded(MULTIFILE / "openapi.yaml").data
    # `../schemas/problem.yaml` from common/responses.yaml, `#/definitions/Category` inside definitions.json.
    problem = data["components"]["responses"]["NotFound"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/problem"}
    assert data["components"]["schemas"]["Tag"]["properties"]["category"] == {"$ref": "#/components/schemas/Category"}


def test_each_file_is_read_once_and_recorded_with_its_digest() -> None:
    doc = loaded(MULTIFILE / "openapi.yaml")
    read = sorted(source.path.relative_to(MULTIFILE).as_posix() for source in doc.sources)
    assert read == [
        "common/parameters.yaml",
        "common/responses.yaml",
        "definitions.json",
        "paths/pet.yaml",
        "schemas/owner.yaml",
        "schemas/pet.yaml",
        "schemas/problem.yaml",
    ]
    for source in doc.sources:
        assert source.sha256 == hashlib.sha256(source.path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("pointer", "file", "text"),
    [
        ("#/components/schemas/owner/properties/pets", "schemas/owner.yaml", "pets:"),
        ("#/components/schemas/Pet/properties/owner/$ref", "schemas/pet.yaml", "$ref: ./owner.yaml"),
        ("#/components/parameters/Limit/schema/maximum", "common/parameters.yaml", "maximum: 100"),
        ("#/components/schemas/Category/enum", "definitions.json", '"enum"'),
        ("#/paths/~1pets~1{petId}/get/responses/404", "paths/pet.yaml", '"404"'),
        ("#/paths/~1pets/get/parameters/0/$ref", "openapi.yaml", "./common/parameters.yaml#/Limit"),
    ],
)
def test_every_node_is_located_in_the_file_it_was_read_from(pointer: str, file: str, text: str) -> None:
    doc = loaded(MULTIFILE / "openapi.yaml")
    where, line = doc.locate(pointer)
    assert Path(where) == MULTIFILE / file
    assert line == line_of(MULTIFILE / file, text)
    # line_of speaks of the root file only, so a line is never paired with the wrong file.
    assert doc.line_of(pointer) == (line if file == "openapi.yaml" else None)


def test_a_single_file_document_is_located_as_before() -> None:
    spec = MULTIFILE.parent / "client-features.yaml"
    doc = loaded(spec)
    assert doc.sources == ()
    assert doc.locate("#/info") == (str(spec), doc.line_of("#/info"))


def test_diagnostics_placed_by_pointer_are_moved_to_the_file_of_their_node() -> None:
    doc = loaded(MULTIFILE / "openapi.yaml")
    note = Diagnostic(doc.file, None, "#/components/schemas/owner/properties/name", "a note", level="warning")
    own = Diagnostic(doc.file, 3, "#/info", "stays")
    moved, kept = doc.relocate([note, own])
    assert (moved.file, moved.line, moved.level) == (str(MULTIFILE / "schemas/owner.yaml"), 7, "warning")
    assert kept == own


# --- naming --------------------------------------------------------------------------------------------------


def test_component_names_come_from_files_or_pointers_and_clashes_are_numbered(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "openapi.yaml": root_with("./a/Pet.yaml").replace(
                "paths:",
                "components:\n  schemas:\n    Pet: {type: string}\npaths:",
            )
            + "                properties:\n"
            + "                  b: {$ref: ./b/Pet.yaml}\n"
            + "                  c: {$ref: './lib.yaml#/defs/my pet'}\n"
            + "                  d: {$ref: ./a/Pet.yaml}\n",
            "a/Pet.yaml": "type: integer\n",
            "b/Pet.yaml": "type: boolean\n",
            "lib.yaml": "defs:\n  my pet: {type: number}\n",
        },
    )
    doc = loaded(spec)
    schemas = doc.data["components"]["schemas"]
    assert schemas == {
        "Pet": {"type": "string"},
        "Pet_2": {"type": "integer"},
        "Pet_3": {"type": "boolean"},
        "my_pet": {"type": "number"},
    }
    properties = resolve(doc.data, "#/paths/~1pets/get/responses/200/content/application~1json/schema/properties")
    assert properties["b"] == {"$ref": "#/components/schemas/Pet_3"}
    assert properties["d"] == {"$ref": "#/components/schemas/Pet_2"}  # the same file, the same component


def test_percent_encoded_and_plain_names_reach_the_same_file_once(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "openapi.yaml": root_with("./My%20Pet.yaml#/components/schemas/Pet")
            + "                properties:\n"
            + "                  again: {$ref: './My Pet.yaml#/components/schemas/Pet'}\n",
            "My Pet.yaml": "components:\n  schemas:\n    Pet: {type: object}\n",
        },
    )
    doc = loaded(spec)
    assert [source.path.name for source in doc.sources] == ["My Pet.yaml"]
    assert list(doc.data["components"]["schemas"]) == ["Pet"]


def test_aliases_across_files_collapse_into_one_component(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "openapi.yaml": root_with("./common.yaml#/components/schemas/Error"),
            "common.yaml": "components:\n  schemas:\n    Error:\n      $ref: ./error.yaml\n",
            "error.yaml": "type: object\nproperties:\n  message: {type: string}\n",
        },
    )
    schemas = loaded(spec).data["components"]["schemas"]
    assert list(schemas) == ["Error"] and schemas["Error"]["type"] == "object"


def test_a_reference_back_into_the_root_file_stays_local(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "openapi.yaml": root_with("./wrapper.yaml") + "components:\n  schemas:\n    Id: {type: integer}\n",
            "wrapper.yaml": "type: object\nproperties:\n  id: {$ref: './openapi.yaml#/components/schemas/Id'}\n",
        },
    )
    schemas = loaded(spec).data["components"]["schemas"]
    assert schemas["wrapper"]["properties"]["id"] == {"$ref": "#/components/schemas/Id"}


def test_discriminator_mappings_that_name_files_follow_their_components(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "openapi.yaml": root_with("./schemas/animal.yaml") + "components:\n  schemas:\n    Bird: {type: object}\n",
            "schemas/animal.yaml": "oneOf: [{$ref: ./cat.yaml}, {$ref: ./dog.yaml}, "
            "{$ref: ../openapi.yaml#/components/schemas/Bird}]\n"
            "discriminator:\n  propertyName: kind\n"
            "  mapping: {cat: ./cat.yaml, dog: 'dog.yaml#', bird: Bird, fish: '#/components/schemas/Fish'}\n"
            "components:\n  schemas:\n    Fish: {type: object}\n",
            "schemas/cat.yaml": "type: object\n",
            "schemas/dog.yaml": "type: object\n",
        },
    )
    schemas = loaded(spec).data["components"]["schemas"]
    assert schemas["animal"]["discriminator"]["mapping"] == {
        "cat": "#/components/schemas/cat",
        "dog": "#/components/schemas/dog",
        "bird": "Bird",  # a schema's name, not a reference
        "fish": "#/components/schemas/Fish",  # local to animal.yaml, so bundled as well
    }
    assert schemas["Fish"] == {"type": "object"}


def test_a_document_without_file_references_is_returned_as_loaded(tmp_path: Path) -> None:
    spec = write(tmp_path, {"openapi.yaml": root_with("#/components/schemas/X") + "components: {schemas: {X: {}}}\n"})
    assert loaded(spec) == load_module.load(spec)


# --- refusals, each where the reference is written -------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A spec folder inside a folder that holds a file the spec must not reach."""
    (tmp_path / "outside.yaml").write_text("type: string\n", "utf-8")
    folder = tmp_path / "api"
    folder.mkdir()
    (folder / "schemas").mkdir()
    (folder / "schemas" / "pet.yaml").write_text("type: object\n", "utf-8")
    return folder


def _refused_at_ref(spec: Path, ref: str, *, text: str | None = None) -> str:
    """Load `spec`; expect one diagnostic, at the line of `ref` in `spec`; return its message."""
    problems = refused(spec)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.line) == (str(spec), line_of(spec, text or ref))
    assert problem.pointer.endswith("/$ref")
    return problem.message


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("../outside.yaml", "leaves the spec's folder"),
        ("../../../../../../../../etc/passwd", "leaves the spec's folder"),
        ("./schemas/../../outside.yaml", "leaves the spec's folder"),
        ("/etc/passwd", "is an absolute path"),
        ("https://example.com/pet.yaml", "is a URL"),
        ("http://127.0.0.1:9/pet.yaml#/Pet", "is a URL"),
        ("file:///etc/passwd", "is a URL"),
        ("urn:example:pet", "is a URL"),
        ("//example.com/pet.yaml", "is a URL"),
        ("./schemas/missing.yaml", "which does not exist"),
        ("./schemas/pet.yaml#/properties/nothing", "points to nothing in"),
        ("./schemas/pet.yaml#Pet", "only JSON pointer fragments"),
        ("./notes.md", "only YAML (.yaml, .yml) and JSON (.json) files"),
    ],
)
def test_references_that_cannot_be_bundled_are_refused_where_they_are(tree: Path, ref: str, expected: str) -> None:
    spec = write(tree, {"openapi.yaml": root_with(ref)})
    message = _refused_at_ref(spec, ref)
    assert expected in message and repr(ref) in message


def test_a_symlink_out_of_the_folder_is_refused(tree: Path) -> None:
    (tree / "schemas" / "link.yaml").symlink_to(tree.parent / "outside.yaml")
    (tree / "zero.yaml").symlink_to("/dev/zero")
    spec = write(tree, {"openapi.yaml": root_with("./schemas/link.yaml").replace("200", "201") + root_tail()})
    problems = refused(spec)
    assert [(p.line, "leaves the spec's folder" in p.message) for p in problems] == [
        (line_of(spec, "./schemas/link.yaml"), True),
        (line_of(spec, "./zero.yaml"), True),
    ]


def root_tail() -> str:
    """A second response for `root_with`'s operation, whose schema is `./zero.yaml`."""
    return (
        '        "202":\n'
        "          description: ok\n"
        "          content:\n"
        "            application/json:\n"
        "              schema: {$ref: ./zero.yaml}\n"
    )


def test_a_symlink_that_stays_inside_the_folder_is_followed(tree: Path) -> None:
    (tree / "alias.yaml").symlink_to(tree / "schemas" / "pet.yaml")
    doc = loaded(write(tree, {"openapi.yaml": root_with("./alias.yaml")}))
    assert doc.data["components"]["schemas"] == {"pet": {"type": "object"}}  # named after the real file


def test_a_fifo_or_a_folder_is_refused_without_blocking(tree: Path) -> None:
    os.mkfifo(tree / "pipe.yaml")
    (tree / "folder.yaml").mkdir()
    spec = write(
        tree,
        {"openapi.yaml": root_with("./pipe.yaml").replace("200", "201") + root_tail().replace("zero", "folder")},
    )
    with _deadline(10):
        problems = refused(spec)
    assert [(p.line, "not a regular file" in p.message) for p in problems] == [
        (line_of(spec, "./pipe.yaml"), True),
        (line_of(spec, "./folder.yaml"), True),
    ]


def test_a_refusal_in_a_referenced_file_names_that_file(tree: Path) -> None:
    write(tree, {"schemas/pet.yaml": "type: object\nproperties:\n  owner:\n    $ref: ../../outside.yaml\n"})
    spec = write(tree, {"openapi.yaml": root_with("./schemas/pet.yaml")})
    [problem] = refused(spec)
    assert (problem.file, problem.line, problem.pointer) == (
        str(tree / "schemas" / "pet.yaml"),
        4,
        "#/properties/owner/$ref",
    )
    assert "leaves the spec's folder" in problem.message


def test_a_broken_referenced_file_is_reported_at_its_own_line(tree: Path) -> None:
    write(tree, {"schemas/pet.yaml": "type: object\nproperties:\n  name: [unclosed\n"})
    [problem] = refused(write(tree, {"openapi.yaml": root_with("./schemas/pet.yaml")}))
    assert problem.file == str(tree / "schemas" / "pet.yaml") and problem.line == 3  # the stream ends there
    assert problem.message.startswith("invalid YAML")


def test_a_nul_in_a_referenced_file_is_refused_there(tree: Path) -> None:
    write(tree, {"schemas/pet.yaml": 'type: object\ndescription: "a\\0b"\n'})
    [problem] = refused(write(tree, {"openapi.yaml": root_with("./schemas/pet.yaml")}))
    assert (problem.file, problem.line) == (str(tree / "schemas" / "pet.yaml"), 2)
    assert "NUL" in problem.message


def test_every_refusal_is_reported_not_only_the_first(tree: Path) -> None:
    spec = write(
        tree,
        {"openapi.yaml": root_with("./missing.yaml") + "components:\n  schemas:\n    A: {$ref: 'http://x/a.yaml'}\n"},
    )
    assert len(refused(spec)) == 2


def test_a_cycle_that_cannot_become_components_is_refused(tree: Path) -> None:
    spec = write(
        tree,
        {
            "openapi.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    $ref: ./a.yaml\n",
            "a.yaml": "get:\n  callbacks:\n    done:\n      '{$request.body#/url}':\n        $ref: ./b.yaml\n",
            "b.yaml": "$ref: ./a.yaml\n",
        },
    )
    [problem] = refused(spec)
    assert (problem.file, problem.line) == (str(tree / "b.yaml"), 1)
    assert "closes a cycle across files that cannot be bundled" in problem.message
    assert "a.yaml" in problem.message and "b.yaml" in problem.message


def test_a_cycle_of_aliases_that_names_nothing_is_refused(tree: Path) -> None:
    spec = write(
        tree,
        {"openapi.yaml": root_with("./one.yaml"), "one.yaml": "$ref: ./two.yaml\n", "two.yaml": "$ref: ./one.yaml\n"},
    )
    [problem] = refused(spec)
    assert (problem.file, problem.line) == (str(tree / "two.yaml"), 1)
    assert "a cycle of references that never reaches a value" in problem.message


# --- hostile shapes -------------------------------------------------------------------------------------------


def test_a_long_chain_of_schema_files_bundles_without_recursion(tmp_path: Path) -> None:
    files = {f"s{i}.yaml": f"type: object\nproperties:\n  next: {{$ref: ./s{i + 1}.yaml}}\n" for i in range(400)}
    files["s400.yaml"] = "type: string\n"
    spec = write(tmp_path, {**files, "openapi.yaml": root_with("./s0.yaml")})
    doc = loaded(spec)
    assert len(doc.data["components"]["schemas"]) == 401 and len(doc.sources) == 401


def test_a_long_chain_of_inlined_aliases_is_followed(tmp_path: Path) -> None:
    files = {f"p{i}.yaml": f"$ref: ./p{i + 1}.yaml\n" for i in range(300)}
    files["p300.yaml"] = "get:\n  responses:\n    '204': {description: done}\n"
    spec = write(
        tmp_path,
        {**files, "openapi.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: ./p0.yaml}\n"},
    )
    assert loaded(spec).data["paths"]["/a"]["get"]["responses"]["204"] == {"description": "done"}


def test_a_long_chain_of_schema_aliases_is_refused(tmp_path: Path) -> None:
    files = {f"a{i}.yaml": f"$ref: ./a{i + 1}.yaml\n" for i in range(100)}
    files["a100.yaml"] = "type: string\n"
    spec = write(tmp_path, {**files, "openapi.yaml": root_with("./a0.yaml")})
    [problem] = refused(spec)
    assert (problem.file, problem.line) == (str(tmp_path / "a0.yaml"), 1)  # where the chain starts
    assert "a chain of more than 64 references" in problem.message


def test_inlining_that_nests_too_deep_is_refused(tmp_path: Path) -> None:
    files = {f"n{i}.yaml": f"next: {{$ref: ./n{i + 1}.yaml}}\n" for i in range(250)}
    files["n250.yaml"] = "end: true\n"
    spec = write(
        tmp_path,
        {**files, "openapi.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nx: {$ref: ./n0.yaml}\npaths: {}\n"},
    )
    problems = refused(spec)
    assert any("nesting deeper than 200 levels once references are inlined" in p.message for p in problems)


def test_references_that_multiply_are_bounded(tmp_path: Path) -> None:
    files = {f"e{i}.yaml": f"a: {{$ref: ./e{i + 1}.yaml}}\nb: {{$ref: ./e{i + 1}.yaml}}\n" for i in range(40)}
    files["e40.yaml"] = "leaf: 1\n"
    spec = write(
        tmp_path,
        {**files, "openapi.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nx: {$ref: ./e0.yaml}\npaths: {}\n"},
    )
    with _deadline(60):
        problems = refused(spec)
    assert [p.message for p in problems] == ["references expand beyond the document's size limit"]


def test_the_size_limit_counts_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = write(tmp_path, {"openapi.yaml": root_with("./big.yaml"), "big.yaml": f"description: {'a' * 400}\n"})
    monkeypatch.setattr(load_module, "MAX_BYTES", 500)
    message = _refused_at_ref(spec, "./big.yaml")
    assert "the spec and the files it references are over 500 bytes" in message


# --- extensions are opaque -----------------------------------------------------------------------------------


def test_references_inside_extensions_are_kept_verbatim_and_never_read(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "openapi.yaml": root_with("./pet.yaml")
            + "x-topics:\n  - content: {$ref: ./docs/intro.md}\n  - content: {$ref: ../../../../etc/passwd}\n",
            "pet.yaml": "type: object\nx-docs: {$ref: 'https://example.com/pet.md'}\nproperties:\n"
            "  x-rate: {$ref: ./rate.yaml}\n",
            "rate.yaml": "type: number\n",
        },
    )
    doc = loaded(spec)
    assert doc.data["x-topics"] == [
        {"content": {"$ref": "./docs/intro.md"}},
        {"content": {"$ref": "../../../../etc/passwd"}},
    ]
    pet = doc.data["components"]["schemas"]["pet"]
    assert pet["x-docs"] == {"$ref": "https://example.com/pet.md"}
    # `x-rate` under `properties` is a property's name, not an extension: it is followed.
    assert pet["properties"]["x-rate"] == {"$ref": "#/components/schemas/rate"}
    assert sorted(source.path.name for source in doc.sources) == ["pet.yaml", "rate.yaml"]


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging when something blocks (a FIFO opened without O_NONBLOCK, say)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
