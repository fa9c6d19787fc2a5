"""A spec split across files, end to end: it generates an importable package, its diagnostics point into the file
where the problem is, references inside extensions never stop or steer generation, and the manifest records every
file it was made from, so that an edit to any of them regenerates."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from generator import fingerprint
from generator.cli import main
from generator.config import ad_hoc
from generator.errors import GeneratorError
from generator.pipeline import run
from generator.spec import openapi

from .support import EXTENSION_REF, MULTIFILE, REPO, line_of

HEAVY = ("datamodel_code_generator", "black", "jinja2", "openapi_spec_validator", "yaml")


def _import(files: dict[str, str], folder: Path, package: str) -> Iterator[ModuleType]:
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, "utf-8")
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("multifile")
    result = run(ad_hoc([MULTIFILE / "openapi.yaml"], out=folder, package="multifile_pets"))
    yield from _import(result.files, folder, "multifile_pets")


def test_the_split_spec_generates_a_package_with_every_model(models: ModuleType) -> None:
    for name in ("Pet", "PetStatus", "Owner", "Tag", "Category", "Problem"):
        assert isinstance(getattr(models, name), type), name


def test_the_cycle_across_files_decodes_both_ways(models: ModuleType) -> None:
    pet = models.Pet.from_dict(
        {
            "id": 1,
            "name": "Rex",
            "status": "sold",
            "owner": {"id": 7, "name": "Ann", "pets": [{"id": 2, "name": "Tom"}]},
            "tags": [{"name": "good", "category": "temper"}],
        }
    )
    assert isinstance(pet.owner, models.Owner) and isinstance(pet.owner.pets[0], models.Pet)
    assert pet.status is models.PetStatus.SOLD and pet.tags[0].category is models.Category.TEMPER
    assert pet.to_dict()["owner"]["pets"][0] == {"id": 2, "name": "Tom"}


def test_the_client_uses_the_shared_parameters_and_the_inlined_path_item(tmp_path: Path) -> None:
    client = run(ad_hoc([MULTIFILE / "openapi.yaml"], out=tmp_path, package="pets")).files["pets/client.py"]
    assert "def get_pet(self, *, pet_id: int," in client
    assert "limit: int | None" in client and "cursor: str | None" in client
    assert "-> _models.Owner:" in client and "-> list[_models.Tag]:" in client


# --- diagnostics in referenced files --------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the multi-file spec, to edit."""
    shutil.copytree(MULTIFILE, tmp_path / "api")
    return tmp_path / "api"


def _problems(spec: Path, *, validate: bool = True) -> list[tuple[str, int | None, str]]:
    target = replace(ad_hoc([spec], out=spec.parent.parent / "out", package="pets"), validate=validate, cache=False)
    try:
        run(target)
    except GeneratorError as exc:
        return [(d.file, d.line, d.message) for d in exc.diagnostics]
    raise AssertionError("generated without a diagnostic")


def test_a_validation_error_in_a_referenced_file_names_that_file_and_line(project: Path) -> None:
    owner = project / "schemas" / "owner.yaml"
    owner.write_text(owner.read_text("utf-8").replace("name:\n    type: string", "name:\n    type: text"), "utf-8")
    problems = _problems(project / "openapi.yaml")
    assert problems and all(file == str(owner) for file, _, _ in problems)
    assert any(line == line_of(owner, "type: text") and "'text'" in message for _, line, message in problems)


def test_a_dangling_reference_inside_a_json_file_is_located_there(project: Path) -> None:
    definitions = project / "definitions.json"
    definitions.write_text(definitions.read_text("utf-8").replace("#/definitions/Category", "#/definitions/Kind"))
    [(file, line, message)] = _problems(project / "openapi.yaml")
    assert (file, line) == (str(definitions), line_of(definitions, "#/definitions/Kind"))
    assert "points to nothing in" in message


def test_a_refused_reference_stops_generation_even_without_validation(project: Path) -> None:
    pet = project / "schemas" / "pet.yaml"
    pet.write_text(pet.read_text("utf-8").replace("./owner.yaml", "../../outside.yaml"), "utf-8")
    [(file, line, message)] = _problems(project / "openapi.yaml", validate=False)
    assert (file, line) == (str(pet), line_of(pet, "../../outside.yaml"))
    assert "leaves the spec's folder" in message


# --- extensions are opaque ------------------------------------------------------------------------------------


def test_the_train_travel_style_extension_references_generate(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    sentinels = ("docs/", "samples/", "etc/passwd", "logo.yaml", "sla.yaml")

    def audit(event: str, args: tuple[object, ...]) -> None:
        if event == "socket.connect" or (event == "open" and any(s in str(args[0]) for s in sentinels)):
            seen.append((event, str(args[0])))

    if not _AUDIT_INSTALLED:
        sys.addaudithook(_dispatch)  # cannot be removed: it only ever calls the hooks a test lists in _AUDIT
        _AUDIT_INSTALLED.append(True)
    _AUDIT.append(audit)
    try:
        result = run(ad_hoc([EXTENSION_REF / "openapi.yaml"], out=tmp_path, package="train"))
        probe = tmp_path / "docs" / "probe.md"  # proves the hook sees what it looks for
        probe.parent.mkdir()
        probe.write_text("", "utf-8")
    finally:
        _AUDIT.remove(audit)
    assert seen == [("open", str(probe))], "nothing inside an extension is read or fetched, by us or the model engine"
    assert result.document is not None
    data = result.document.data
    assert data["x-topics"][0]["content"] == {"$ref": "./docs/getting-started.md"}
    assert data["components"]["schemas"]["station"]["properties"]["address"]["x-geocoder"] == {
        "$ref": "file:///etc/passwd"
    }
    assert all(ref.startswith("#/") for _, ref in openapi.refs(data))
    assert "class Station(_Model):" in result.files["train/models.py"]


_AUDIT: list[Callable[[str, tuple[object, ...]], None]] = []
_AUDIT_INSTALLED: list[bool] = []


def _dispatch(event: str, args: tuple[object, ...]) -> None:
    for hook in list(_AUDIT):
        hook(event, args)


# --- regeneration sees every file ----------------------------------------------------------------------------


def _generate(project: Path) -> int:
    return main(
        ["generate", "--spec", str(project / "openapi.yaml"), "--out", str(project / "out"), "--package", "pets"]
    )


def test_the_manifest_records_every_referenced_file_relative_to_the_spec(project: Path) -> None:
    assert _generate(project) == 0
    manifest = json.loads((project / "out" / ".pets.manifest.json").read_text("utf-8"))
    recorded = {key: value for key, value in manifest["sources"].items() if key.startswith("spec:")}
    assert sorted(recorded) == [
        "spec:common/parameters.yaml",
        "spec:common/responses.yaml",
        "spec:definitions.json",
        "spec:paths/pet.yaml",
        "spec:schemas/owner.yaml",
        "spec:schemas/pet.yaml",
        "spec:schemas/problem.yaml",
    ]
    assert recorded["spec:schemas/pet.yaml"] == fingerprint.file_digest(project / "schemas" / "pet.yaml")
    assert str(project) not in json.dumps(manifest), "the committed manifest must not depend on the checkout"


def test_an_edit_to_a_referenced_file_regenerates_and_nothing_else_does(project: Path) -> None:
    assert _generate(project) == 0
    models = project / "out" / "pets" / "models.py"
    before = models.stat().st_mtime_ns
    assert _generate(project) == 0 and models.stat().st_mtime_ns == before  # up to date: untouched
    owner = project / "schemas" / "owner.yaml"
    owner.write_text(owner.read_text("utf-8").replace("Someone who owns pets.", "A keeper of pets."), "utf-8")
    assert _generate(project) == 0
    assert "A keeper of pets." in models.read_text("utf-8")


def test_an_up_to_date_multi_file_run_stays_light(project: Path) -> None:
    # Both runs in fresh processes: the generator's own fingerprint is computed once per process.
    first = [sys.executable, "-m", "generator", "generate", "--spec", str(project / "openapi.yaml")]
    first += ["--out", str(project / "out"), "--package", "pets"]
    subprocess.run(first, cwd=REPO, capture_output=True, check=True)
    script = textwrap.dedent(
        f"""
        import sys
        from generator.cli import main
        code = main(["generate", "--spec", {str(project / "openapi.yaml")!r}, "--out", {str(project / "out")!r},
                     "--package", "pets"])
        print(code, sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0 []", done.stderr


def test_a_manifest_cannot_make_the_generator_read_outside_the_spec_folder(project: Path) -> None:
    target = ad_hoc([project / "openapi.yaml"], out=project / "out", package="pets")
    parts = {"spec:schemas/pet.yaml": "x", "spec:../../../../etc/passwd": "x", "spec:/etc/hostname": "x", "spec": "x"}
    assert fingerprint.referenced(target, parts) == [(project / "schemas" / "pet.yaml").resolve()]


def test_the_output_does_not_depend_on_where_the_spec_lives(tmp_path: Path) -> None:
    """The spec's identity in the package root's header covers every file, by its path from the spec's folder."""
    outputs = []
    for place in ("here", "there/deeper"):
        shutil.copytree(MULTIFILE, tmp_path / place)
        outputs.append(run(ad_hoc([tmp_path / place / "openapi.yaml"], out=tmp_path, package="pets")).files)
    assert outputs[0] == outputs[1]
    edited = tmp_path / "there/deeper/schemas/problem.yaml"
    edited.write_text(edited.read_text("utf-8") + "\n", "utf-8")  # the same schema, other bytes
    again = run(ad_hoc([tmp_path / "there/deeper/openapi.yaml"], out=tmp_path, package="pets")).files
    assert again["pets/__init__.py"] != outputs[0]["pets/__init__.py"]  # its header names the spec's new identity
    assert again["pets/models.py"] == outputs[0]["pets/models.py"]  # the same schema, the same code
