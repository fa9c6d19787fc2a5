"""The Thymia spec: the hand-restored document is faithful to the published page, and valid."""

from __future__ import annotations

import re

import yaml

from generator.spec.load import load
from generator.spec.validate import validate
from tests.conftest import REPO

PAGE = REPO / "spec" / "thymia.docs.md"
RESTORED = REPO / "spec" / "thymia.openapi.yaml"


def _yaml_block(page: str) -> list[str]:
    match = re.search(r"^```yaml\n(.*?)^```", page, re.S | re.M)
    assert match, "the page has no yaml block"
    return match.group(1).splitlines()


def test_page_is_the_published_one_verbatim() -> None:
    seed = REPO.parent / "shared" / "seed" / "000_d64f50e369971759.txt"
    if seed.exists():
        assert PAGE.read_bytes() == seed.read_bytes()


def test_restoration_only_adds_indentation() -> None:
    restored = [line.lstrip() for line in RESTORED.read_text("utf-8").splitlines() if line.strip()]
    published = [line for line in _yaml_block(PAGE.read_text("utf-8")) if line.strip()]
    assert len(published) == 244
    assert restored == published


def test_published_block_does_not_parse_as_it_stands() -> None:
    # Flat, the block is either not YAML at all or a single mapping with every key at the top level.
    block = "\n".join(_yaml_block(PAGE.read_text("utf-8")))
    try:
        flat = yaml.safe_load(block)
    except yaml.YAMLError:
        return
    assert flat.get("paths") != load(RESTORED).data["paths"]


def test_restored_document_validates() -> None:
    doc = load(RESTORED)
    assert validate(doc) == []
    assert doc.data["openapi"] == "3.1.0"
    assert list(doc.data["components"]["schemas"]) == [
        "BirthSex",
        "UserDetails",
        "LanguageCode",
        "Accent",
        "Tag",
        "DataDeletionType",
        "MentalWellnessModelRunActivityCreate",
        "MentalWellnessModelRunCreateActivityResponse",
        "ValidationErrorLocItems",
        "ValidationError",
        "HTTPValidationError",
    ]
    operation = doc.data["paths"]["/v1/models/mental-wellness-activity"]["post"]
    assert set(operation["responses"]) == {"200", "422"}
