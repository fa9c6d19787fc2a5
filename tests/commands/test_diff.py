"""`python -m generator diff`: each kind of spec edit → its rule ids and severities, the bump, the exit codes."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.commands import diff
from generator.config import ad_hoc
from generator.spec.load import Document, load

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "specs" / "diff"
BASE = SPECS / "base.yaml"
TARGET = ad_hoc((), out=Path("."), package="petstore")

Edit = Callable[[dict[str, Any]], None]


def _op(data: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = data["paths"][path][method]
    return operation


def _schema(data: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = data["components"]["schemas"][name]
    return schema


def remove_operation(d: dict[str, Any]) -> None:
    del d["paths"]["/pets/{petId}"]["delete"]


def add_operation(d: dict[str, Any]) -> None:
    d["paths"]["/pets/{petId}"]["put"] = {
        "operationId": "replacePet",
        "tags": ["pets"],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
        "responses": {"204": {"description": "replaced"}},
    }


def rename_operation_id(d: dict[str, Any]) -> None:
    _op(d, "/pets/{petId}", "delete")["operationId"] = "removePet"


def add_required_query(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["parameters"].append(
        {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
    )


def add_optional_query(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["parameters"].append({"name": "owner", "in": "query", "schema": {"type": "string"}})


def remove_query(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["parameters"].pop(0)


def query_became_required(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["parameters"][0]["required"] = True


def query_narrowed(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["parameters"][0]["schema"]["maximum"] = 50


def query_widened(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["parameters"][0]["schema"]["type"] = "number"


def rename_path_placeholder(d: dict[str, Any]) -> None:
    item = d["paths"].pop("/pets/{petId}")
    item["parameters"][0]["name"] = "id"
    d["paths"]["/pets/{id}"] = item


def request_property_required(d: dict[str, Any]) -> None:
    _schema(d, "NewPet")["required"] = ["name", "tag"]


def request_property_added_required(d: dict[str, Any]) -> None:
    _schema(d, "NewPet")["properties"]["owner"] = {"type": "string"}
    _schema(d, "NewPet")["required"] = ["name", "owner"]


def request_property_added_optional(d: dict[str, Any]) -> None:
    _schema(d, "NewPet")["properties"]["owner"] = {"type": "string"}


def request_property_removed(d: dict[str, Any]) -> None:
    del _schema(d, "NewPet")["properties"]["tag"]


def request_string_narrowed(d: dict[str, Any]) -> None:
    _schema(d, "NewPet")["properties"]["name"]["maxLength"] = 16


def response_property_removed(d: dict[str, Any]) -> None:
    del _schema(d, "Pet")["properties"]["tag"]


def response_property_added(d: dict[str, Any]) -> None:
    _schema(d, "Pet")["properties"]["age"] = {"type": "integer"}


def response_property_optional(d: dict[str, Any]) -> None:
    _schema(d, "Pet")["required"] = ["id"]


def response_type_widened(d: dict[str, Any]) -> None:
    _schema(d, "Pet")["properties"]["id"] = {"type": ["integer", "string"]}
    d["openapi"] = "3.1.0"


def enum_value_removed(d: dict[str, Any]) -> None:
    _schema(d, "Status")["enum"] = ["available", "sold"]


def enum_value_added(d: dict[str, Any]) -> None:
    _schema(d, "Status")["enum"] = ["available", "pending", "sold", "adopted"]


def rename_schema(d: dict[str, Any]) -> None:
    d["components"]["schemas"]["Problem"] = d["components"]["schemas"].pop("Error")
    _op(d, "/pets", "get")["responses"]["404"]["content"]["application/json"]["schema"]["$ref"] = (
        "#/components/schemas/Problem"
    )


def body_removed(d: dict[str, Any]) -> None:
    del _op(d, "/pets", "post")["requestBody"]


def success_response_removed(d: dict[str, Any]) -> None:
    responses = _op(d, "/pets/{petId}", "get")["responses"]
    responses["202"] = responses.pop("200")


def error_response_removed(d: dict[str, Any]) -> None:
    del _op(d, "/pets", "get")["responses"]["404"]


def security_added(d: dict[str, Any]) -> None:
    d["components"]["securitySchemes"]["bearer"] = {"type": "http", "scheme": "bearer"}
    _op(d, "/pets", "get")["security"] = [{"apiKey": [], "bearer": []}]


def deprecate(d: dict[str, Any]) -> None:
    _op(d, "/pets", "get")["deprecated"] = True


def change_server(d: dict[str, Any]) -> None:
    d["servers"] = [{"url": "https://pets.example.org/v2"}]


def describe(d: dict[str, Any]) -> None:
    _schema(d, "Pet")["description"] = "A pet, described anew."


B, N = True, False  # does the edit break clients?

# (edit, rule ids it must produce, breaking?, suggested bump)
CASES: list[tuple[Edit, set[str], bool, str]] = [
    (remove_operation, {"http-operation-removed", "py-method-removed"}, B, "major"),
    (add_operation, {"http-operation-added", "py-method-added"}, N, "minor"),
    (rename_operation_id, {"http-operation-id-changed", "py-method-renamed"}, B, "major"),
    (add_required_query, {"http-parameter-added-required", "py-parameter-added-required"}, B, "major"),
    (add_optional_query, {"http-parameter-added-optional", "py-parameter-added-optional"}, N, "minor"),
    (remove_query, {"http-parameter-removed", "py-parameter-removed"}, B, "major"),
    (query_became_required, {"http-parameter-became-required", "py-parameter-became-required"}, B, "major"),
    (query_narrowed, {"http-request-type-narrowed"}, B, "major"),
    (query_widened, {"http-request-type-widened", "py-parameter-type-widened"}, N, "minor"),
    (rename_path_placeholder, {"py-parameter-removed", "py-parameter-added-required"}, B, "major"),
    (request_property_required, {"http-request-property-became-required", "py-parameter-became-required"}, B, "major"),
    (request_property_added_required, {"http-request-property-added-required", "py-field-added-required"}, B, "major"),
    (request_property_added_optional, {"http-request-property-added-optional", "py-field-added-optional"}, N, "minor"),
    (request_property_removed, {"http-request-property-removed", "py-field-removed"}, B, "major"),
    (request_string_narrowed, {"http-request-type-narrowed"}, B, "major"),
    (response_property_removed, {"http-response-property-removed", "py-field-removed"}, B, "major"),
    (response_property_added, {"http-response-property-added", "py-field-added-optional"}, N, "minor"),
    (response_property_optional, {"http-response-property-became-optional", "py-field-became-optional"}, B, "major"),
    (response_type_widened, {"http-response-type-widened", "py-field-type-changed"}, B, "major"),
    (enum_value_removed, {"http-request-enum-value-removed", "py-enum-member-removed"}, B, "major"),
    (enum_value_added, {"http-response-enum-value-added", "py-enum-member-added"}, B, "major"),
    (rename_schema, {"py-class-renamed"}, B, "major"),
    (body_removed, {"http-request-body-removed", "py-parameter-removed"}, B, "major"),
    (success_response_removed, {"http-response-status-removed", "http-response-status-added"}, B, "major"),
    # The typed error class for that status goes too: code that catches it would break.
    (error_response_removed, {"http-response-error-removed", "py-class-removed"}, B, "major"),
    (security_added, {"http-security-added"}, B, "major"),
    (deprecate, {"http-operation-deprecated"}, N, "patch"),
    (change_server, {"http-server-changed"}, N, "patch"),
    (describe, set(), N, "none"),
]


@pytest.fixture(scope="module")
def base() -> tuple[Document, dict[str, diff.ClassShape]]:
    doc = load(BASE)
    return doc, diff.python_surface(doc, target=TARGET)


def _report(base: tuple[Document, dict[str, diff.ClassShape]], edit: Edit) -> diff.Report:
    doc, surface = base
    data = copy.deepcopy(doc.data)
    edit(data)
    new = Document(data, f"{edit.__name__}.yaml", "", sha256=edit.__name__)
    changes = diff.contract_changes(doc.data, data) + diff.surface_changes(
        surface, diff.python_surface(new, target=TARGET)
    )
    return diff.Changes(doc.file, new.file, tuple(changes))


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 15
    assert {rule for _, rules, _, _ in CASES for rule in rules} <= set(diff.RULES)


@pytest.mark.parametrize(("edit", "rules", "breaking", "bump"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_edit_is_classified(
    base: tuple[Document, dict[str, diff.ClassShape]], edit: Edit, rules: set[str], breaking: bool, bump: str
) -> None:
    report = _report(base, edit)
    found = {change.rule for change in report.changes}
    assert rules <= found, diff.format_text(report)
    for change in report.changes:
        if change.rule in rules:
            assert change.severity == diff.RULES[change.rule][0]
    assert bool(report.breaking) is breaking, diff.format_text(report)
    assert report.bump == bump, diff.format_text(report)
    if not rules:
        assert report.changes == ()


def test_a_schema_rename_is_not_reported_as_changed_annotations(
    base: tuple[Document, dict[str, diff.ClassShape]],
) -> None:
    found = {change.rule for change in _report(base, rename_schema).changes}
    assert "py-class-removed" not in found and "py-return-type-changed" not in found


def test_severities_and_bumps_agree() -> None:
    for rule, (severity, bump, text) in diff.RULES.items():
        assert severity in (diff.BREAKING, diff.NON_BREAKING) and text
        assert (bump == "major") is (severity == diff.BREAKING), rule


# --- the command ---------------------------------------------------------------------------------------------


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["diff", *args])
    return code, capsys.readouterr().out


def test_exit_codes_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    breaking, additive = SPECS / "breaking.yaml", SPECS / "additive.yaml"
    code, text = _cli(str(BASE), str(breaking), "--root", str(tmp_path), capsys=capsys)
    assert code == 0  # a report alone never fails
    assert "http-operation-removed" in text and "suggested version bump for the generated package: major" in text
    code, _ = _cli(str(BASE), str(breaking), "--fail-on", "breaking", "--root", str(tmp_path), capsys=capsys)
    assert code == 1
    code, out = _cli(
        str(BASE), str(additive), "--fail-on", "breaking", "--format", "json", "--root", str(tmp_path), capsys=capsys
    )
    assert code == 0
    data = json.loads(out)
    assert data["bump"] == "minor" and data["breaking"] == 0
    assert {c["rule"] for c in data["changes"]} >= {"http-operation-added", "py-method-added"}
    assert all(c["severity"] == "non-breaking" for c in data["changes"])
    code, _ = _cli(str(BASE), str(additive), "--fail-on", "any", "--root", str(tmp_path), capsys=capsys)
    assert code == 1
    code, _ = _cli(str(BASE), str(BASE), "--fail-on", "any", "--root", str(tmp_path), capsys=capsys)
    assert code == 0


def test_usage_and_missing_files_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BASE)]) == 2
    assert main(["diff", str(BASE), str(tmp_path / "nope.yaml"), "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "nope.yaml" in err and "Traceback" not in err
    assert main(["diff", "git:", str(BASE), "--root", str(tmp_path)]) == 1
    assert "git:REV:path" in capsys.readouterr().err


def test_git_revision(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    spec = tmp_path / "api.yaml"
    spec.write_bytes(BASE.read_bytes())
    git("init", "-q")
    git("add", "api.yaml")
    git("commit", "-q", "-m", "base")
    spec.write_bytes((SPECS / "breaking.yaml").read_bytes())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "diff",
            "git:HEAD:api.yaml",
            str(spec),
            "--root",
            str(tmp_path),
            "--fail-on",
            "breaking",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "diff git:HEAD:api.yaml →" in done.stdout and "http-operation-removed" in done.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "generator", "diff", "git:HEAD:nope.yaml", str(spec), "--root", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1 and missing.stderr.startswith("git:HEAD:nope.yaml: #: cannot read it from git")


def test_a_spec_split_across_files_is_compared_with_its_files_at_both_ends(tmp_path: Path) -> None:
    """A change in a referenced file is a change in the spec, read from the working tree and from git alike."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    shutil.copytree(SPECS.parent / "multifile", tmp_path / "api")
    git("init", "-q")
    git("add", "api")
    git("commit", "-q", "-m", "base")
    pet = tmp_path / "api" / "schemas" / "pet.yaml"
    pet.write_text(pet.read_text("utf-8").replace("  status:\n", "  nickname:\n    type: string\n  status:\n"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "diff",
            "git:HEAD:api/openapi.yaml",
            str(tmp_path / "api" / "openapi.yaml"),
            "--root",
            str(tmp_path),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "http-response-property-added" in done.stdout and "nickname" in done.stdout
