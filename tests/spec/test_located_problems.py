"""Problems the loader and validator once reported without their place, or at the wrong one: each is at the line
and pointer of what is wrong, in the file that holds it (probe F, defects 02, 07, 08, 11)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import Diagnostic, GeneratorError
from generator.spec import load as load_module
from generator.spec.bundle import bundle
from generator.spec.load import MAX_DEPTH, load, parse_json
from generator.spec.merge import merged
from generator.spec.validate import template_problem, validate

HEAD = 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\n'


def _refused(path: Path) -> Diagnostic:
    with pytest.raises(GeneratorError) as caught:
        load(path)
    (diagnostic,) = caught.value.diagnostics
    return diagnostic


# --- path templates (07) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("/c/{x", "has an unclosed '{'"),
        ("/d/{x}}", "has a '}' with no '{' before it"),
        ("/e/}x{", "has a '}' with no '{' before it"),
        ("/f/{}", "has an empty '{}'"),
        ("/g/{a{b}", "has a '{' inside '{...}'"),
        ("/h/{{x}}", "has a '{' inside '{...}'"),
    ],
)
def test_a_broken_path_template_is_reported_at_its_key(tmp_path: Path, key: str, says: str) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        f"{HEAD}paths:\n  /ok:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n  '{key}':\n"
        "    get: {responses: {'200': {description: ok}}}\n"
    )
    (diagnostic,) = validate(load(spec))
    pointer = "#/paths/" + key.replace("~", "~0").replace("/", "~1")
    assert (diagnostic.line, diagnostic.pointer) == (6, pointer)
    assert diagnostic.message.startswith(f"path template {says}") and "validator" not in diagnostic.message


def test_balanced_templates_are_fine() -> None:
    for path in ("/pets", "/pets/{petId}", "/a/{b}/{c}.{format}", "/x/{a}{b}", "/"):
        assert template_problem(path) is None, path


@pytest.mark.parametrize("lenient", [False, True])
def test_a_broken_path_template_stops_the_run_even_with_no_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lenient: bool
) -> None:
    """The client would request the path with its stray brace: lenient mode cannot make that a warning."""
    spec = tmp_path / "api.yaml"
    spec.write_text(f"{HEAD}paths:\n  '/c/{{x':\n    get: {{responses: {{'200': {{description: ok}}}}}}\n")
    out = tmp_path / "out"
    argv = ["generate", "--spec", str(spec), "--out", str(out), "--package", "pkg", "--no-cache"]
    assert main([*argv, "--no-validate"] if lenient else argv) == 1
    err = capsys.readouterr().err
    assert f"{spec}:4: #/paths/~1c~1{{x: path template has an unclosed '{{'" in err
    assert "warning" not in err and "Traceback" not in err and "validator failed" not in err
    assert not out.exists()


def test_two_unresolved_path_parameters_of_one_operation_are_both_located(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(f"{HEAD}paths:\n  /e/{{a}}{{b}}:\n    get:\n      responses: {{'200': {{description: ok}}}}\n")
    found = validate(load(spec))
    assert [(d.line, d.pointer) for d in found] == [(5, "#/paths/~1e~1{a}{b}/get")] * 2
    assert sorted(d.message.split("'")[1] for d in found) == ["a", "b"]


# --- the openapi field (11) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [("3.1", "the number 3.1"), ("3", "the number 3"), ("[3]", "a list")])
def test_a_version_that_is_not_a_string_is_reported_as_such(tmp_path: Path, value: str, shown: str) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(f"info: {{title: t, version: '1'}}\nopenapi: {value}\npaths: {{}}\n")
    (diagnostic,) = validate(load(spec))
    assert (diagnostic.line, diagnostic.pointer) == (2, "#/openapi")
    assert diagnostic.message == f'the version must be a string such as "3.1.0", not {shown} (quote it)'


def test_a_missing_version_is_still_reported_as_missing(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("info: {title: t, version: '1'}\npaths: {}\n")
    (diagnostic,) = validate(load(spec))
    assert diagnostic.pointer == "#" and diagnostic.message.startswith("no `openapi` version field")


# --- docs pages (02) --------------------------------------------------------------------------------------------

INTRO = "# The API\n\nSome prose.\n\n"  # four lines: the block's fence is on line 5
BLOCK = 'openapi: 3.1.0\ninfo:\n  title: t\n  version: "1"\n'  # indented: read as it is, not recovered


def _page(tmp_path: Path, language: str, body: str) -> Path:
    page = tmp_path / "api.md"
    page.write_text(f"{INTRO}```{language}\n{body}```\n\nMore prose.\n")
    return page


@pytest.mark.parametrize(
    ("language", "body", "line", "says"),
    [
        ("yaml", f"{BLOCK}paths: {{}}\nx-a: 1\nx-a: 2\n", 12, "duplicate key 'x-a' (first defined on line 11)"),
        ("yaml", f"{BLOCK}paths: {{}}\nx-a: {{b: 1\n", 11, "invalid YAML"),
        ("yaml", f"{BLOCK}paths: !!python/name:os.system {{}}\n", 10, "YAML tag"),
        ("json", '{"openapi": "3.1.0",\n "info": {"title": "t", "version": "1"},\n bad\n}\n', 8, "invalid JSON"),
        ("json", '{"openapi": "3.1.0",\n "paths": {},\n "paths": {}\n}\n', 8, "duplicate key 'paths'"),
    ],
    ids=["yaml-duplicate", "yaml-syntax", "yaml-tag", "json-syntax", "json-duplicate"],
)
def test_a_block_that_does_not_parse_is_reported_at_the_pages_line(
    tmp_path: Path, language: str, body: str, line: int, says: str
) -> None:
    diagnostic = _refused(_page(tmp_path, language, body))
    assert diagnostic.line == line and says in diagnostic.message, diagnostic.format()


def test_a_block_that_parses_is_still_located_in_the_page(tmp_path: Path) -> None:
    doc = load(_page(tmp_path, "yaml", f"{BLOCK}paths: {{}}\n"))
    assert doc.line_of("#/paths") == 10 and doc.line_of("#/info/title") == 8


# --- bytes and nesting (08) -------------------------------------------------------------------------------------


def test_a_byte_that_is_not_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_bytes(f"{HEAD}paths: {{}}\n".encode() + b"x-note: caf\xe9\n")
    diagnostic = _refused(spec)
    assert diagnostic.line == 4 and "not UTF-8" in diagnostic.message and "\\xe9" in diagnostic.message


def test_json_too_deep_for_the_decoder_is_reported_at_its_line_and_pointer(tmp_path: Path) -> None:
    # Far past Python's recursion limit, where the decoder itself gives up, with brackets inside a key.
    depth = 3000
    text = '{"openapi": "3.1.0",\n "x-deep": ' + '{"a]{": [0,\n' * depth + "1" + "]}" * depth + "}\n"
    with pytest.raises(GeneratorError) as caught:
        parse_json(text, file="deep.json")
    (diagnostic,) = caught.value.diagnostics
    # Each line opens two levels: the container at depth MAX_DEPTH + 1 is on the line that opens it.
    assert diagnostic.line == 2 + MAX_DEPTH // 2
    assert diagnostic.pointer == "#/x-deep" + "/a]{/1" * (MAX_DEPTH // 2)
    assert diagnostic.message == f"nesting deeper than {MAX_DEPTH} levels"


def test_the_scan_agrees_with_the_decoders_walk() -> None:
    """Where the decoder can parse the text, the scan finds the same line and pointer as the walk of its data."""
    text = '{"k": [\n' + '{"s\\"[": [1, 2,\n' * 120 + "3" + "]}" * 120 + "]}"
    with pytest.raises(GeneratorError) as caught:
        parse_json(text, file="f.json")
    (walked,) = caught.value.diagnostics
    assert (walked.line, walked.pointer) == load_module._json_too_deep(text, MAX_DEPTH)


# --- several pages (08) -----------------------------------------------------------------------------------------

PAGE = textwrap.dedent(
    """\
    openapi: 3.1.0
    info: {title: t, version: "1"}
    paths:
      /pets:
        get:
          responses: {"200": {description: ok}}
    components:
      schemas:
        Pet:
          type: object
          properties:
            name: {type: %s}
    """
)


def _documents(tmp_path: Path, *texts: str) -> list[load_module.Document]:
    paths = []
    for number, text in enumerate(texts):
        paths.append(tmp_path / f"page{number}.yaml")
        paths[-1].write_text(text)
    return [bundle(load(path), path) for path in paths]


def test_a_component_two_pages_define_differently_is_located_in_the_later_page(tmp_path: Path) -> None:
    first, second = _documents(tmp_path, PAGE % "string", "\n\n" + PAGE % "integer")
    with pytest.raises(GeneratorError) as caught:
        merged([first, second])
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.pointer) == (second.file, 11, "#/components/schemas/Pet")
    assert diagnostic.message == f"defined differently in {first.file}:9 and in {second.file}"


def test_a_problem_is_reported_in_the_page_that_holds_it(tmp_path: Path) -> None:
    swagger = "info: {title: t, version: '1'}\nswagger: '2.0'\npaths: {}\n"
    first, second = _documents(tmp_path, PAGE % "string", swagger)
    (diagnostic,) = validate(merged([first, second]))
    assert (diagnostic.file, diagnostic.line, diagnostic.pointer) == (second.file, 2, "#/swagger")


def test_every_node_of_merged_pages_is_located_in_its_page(tmp_path: Path) -> None:
    other = PAGE.replace("/pets", "/owners").replace("Pet:", "Owner:") % "string"
    first, second = _documents(tmp_path, PAGE % "string", "\n" + other)
    doc = merged([first, second])
    assert doc.locate("#/paths/~1pets/get/responses") == (first.file, 6)
    assert doc.locate("#/paths/~1owners/get/responses") == (second.file, 7)
    assert doc.locate("#/components/schemas/Owner/properties/name") == (second.file, 13)
    assert doc.locate("#/info/title") == (first.file, 2)
    assert doc.data["paths"].keys() == {"/pets", "/owners"}
    assert json.loads(json.dumps(doc.data)) == doc.data


# --- lenient mode past what a stage cannot work around -----------------------------------------------------------

_OK_PATH = "paths:\n  /p:\n    get: {responses: {'200': {description: ok}}}\n"


@pytest.mark.parametrize(
    ("body", "line", "pointer"),
    [
        ("servers:\n  - url: https://x.test\n    variables: true\n", 5, "#/servers/0/variables"),
        ("servers: {url: https://x.test}\n", 3, "#/servers"),
        ("components: 5\n", 3, "#/components"),
    ],
    ids=["server-variables", "servers-object", "components-number"],
)
def test_with_no_validate_a_problem_no_stage_can_work_around_is_an_error_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, pointer: str
) -> None:
    """Lenient mode generates past what it can; the problems that stop a stage are then the errors, located,
    and nothing is written: never an internal error."""
    spec = tmp_path / "api.yaml"
    spec.write_text(HEAD + body + _OK_PATH)
    out = tmp_path / "out"
    code = main(["generate", "--spec", str(spec), "--out", str(out), "--package", "pkg", "--no-cache", "--no-validate"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1, err
    assert any(entry.startswith(f"{spec}:{line}: {pointer}: ") for entry in err), err
    assert err[-1] == f"{spec}: #: generation cannot go on past the problems above, even with --no-validate"
    assert not any("internal error" in entry or "warning" in entry for entry in err), err
    assert not out.exists()
