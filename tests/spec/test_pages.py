"""Docs pages read directly: the published Thymia page, `recover`, and several pages merged into one spec."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.config import ad_hoc, load_targets
from generator.pipeline import run
from generator.spec.load import load
from tests.conftest import REPO

PAGE = REPO / "spec" / "thymia.docs.md"
ORACLE = REPO / "spec" / "thymia.openapi.yaml"


def test_the_thymia_target_reads_the_page_as_published() -> None:
    target = load_targets(REPO)[0]
    assert target.specs == (PAGE,)


def test_loading_the_page_gives_exactly_the_hand_restored_document() -> None:
    doc = load(PAGE)
    assert doc.recovered
    assert doc.data == load(ORACLE).data
    # Lines point into the page: `info:` is on line 13 of the published page.
    assert doc.line_of("#/info") == 13 and doc.line_of("#/info/title") == 14


def test_recover_writes_the_hand_restored_yaml_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "thymia.yaml"
    assert main(["recover", str(PAGE), "-o", str(out)]) == 0
    assert out.read_bytes() == ORACLE.read_bytes()
    assert "recovered" in capsys.readouterr().err


def test_recover_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recover", str(PAGE)]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == yaml.safe_load(ORACLE.read_text("utf-8"))


def test_a_flattened_standalone_yaml_file_is_recovered_too(tmp_path: Path) -> None:
    flat = tmp_path / "flat.yaml"
    flat.write_text("".join(line.lstrip() for line in ORACLE.read_text("utf-8").splitlines(True)))
    assert load(flat).data == load(ORACLE).data


def test_a_longer_fence_keeps_a_code_sample_inside_the_yaml_block(tmp_path: Path) -> None:
    # CommonMark: a block opened with four backticks is not closed by three.
    flat = [line.strip() for line in ORACLE.read_text("utf-8").splitlines() if line.strip()]
    sample = ["description: |-", "Call it like this:", "```", "curl https://api.example", "```"]
    info = flat.index("info:")
    flat[info + 1 : info + 1] = sample
    page = tmp_path / "page.md"
    page.write_text("# API\n````yaml\n" + "\n".join(flat) + "\n````\n", encoding="utf-8")
    doc = load(page)
    assert doc.recovered
    assert doc.data["info"]["description"] == "Call it like this:\n```\ncurl https://api.example\n```"
    assert doc.data["paths"] == load(ORACLE).data["paths"]


def test_generate_from_the_page_says_so_and_matches_the_oracle(capsys: pytest.CaptureFixture[str]) -> None:
    from_page = run(ad_hoc([PAGE], out=Path("unused"), package="thymia_client"))
    from_oracle = run(ad_hoc([ORACLE], out=Path("unused"), package="thymia_client"))
    assert any("recovered" in w.message for w in from_page.warnings)
    assert sorted(from_page.files) == sorted(from_oracle.files)
    for path, text in from_page.files.items():
        # Only the header's spec sha256 differs: the page and the YAML file are different bytes.
        strip = [line for line in text.splitlines() if "spec sha256" not in line]
        assert strip == [line for line in from_oracle.files[path].splitlines() if "spec sha256" not in line], path


def _page(title: str, body: str) -> str:
    return f"# {title}\n\nProse.\n\n```yaml\n{body}```\n"


PETS = """openapi: 3.1.0
info:
title: Pets
version: "1"
paths:
/pets:
get:
operationId: listPets
responses:
'200':
description: ok
content:
application/json:
schema:
type: array
items:
$ref: '#/components/schemas/Pet'
components:
schemas:
Pet:
type: object
properties:
name:
type: string
"""

OWNERS = """openapi: 3.1.0
info:
title: Pets
version: "1"
paths:
/owners:
get:
operationId: listOwners
responses:
'200':
description: ok
content:
application/json:
schema:
$ref: '#/components/schemas/Owner'
components:
schemas:
Pet:
type: object
properties:
name:
type: string
Owner:
type: object
properties:
pets:
type: array
items:
$ref: '#/components/schemas/Pet'
"""


def test_pages_merge_into_one_client(tmp_path: Path) -> None:
    first, second = tmp_path / "pets.md", tmp_path / "owners.md"
    first.write_text(_page("List pets", PETS))
    second.write_text(_page("List owners", OWNERS))
    code = main(
        ["generate", "--spec", str(first), "--spec", str(second), "--out", str(tmp_path / "out"), "--package", "pets"]
    )
    assert code == 0
    client = (tmp_path / "out" / "pets" / "client.py").read_text()
    models = (tmp_path / "out" / "pets" / "models.py").read_text()
    assert "def list_pets(" in client and "def list_owners(" in client
    assert "class Pet(" in models and "class Owner(" in models


def test_conflicting_pages_name_both_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "pets.md", tmp_path / "owners.md"
    first.write_text(_page("List pets", PETS))
    second.write_text(_page("List owners", OWNERS.replace("name:\ntype: string", "name:\ntype: integer")))
    code = main(
        ["generate", "--spec", str(first), "--spec", str(second), "--out", str(tmp_path / "out"), "--package", "pets"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert str(first) in err and str(second) in err and "components/schemas/Pet" in err
    assert not (tmp_path / "out").exists()
