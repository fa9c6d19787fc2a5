"""The types a FastAPI app declares, through a client generated from its own OpenAPI document: every
operation called sync and async against the app served on 127.0.0.1, and the values checked."""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.config import ad_hoc
from generator.pipeline import run
from generator.write import write

uvicorn = pytest.importorskip("uvicorn")
types_app = pytest.importorskip("tests.models.types_app")
PACKAGE = "types_app_client"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("types-app")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(types_app.app.openapi()), "utf-8")
    result = run(ad_hoc([spec], out=folder / "out", package=PACKAGE))
    write(folder / "out", result.files, package=PACKAGE, inputs=result.spec_sha256)
    sys.path.insert(0, str(folder / "out"))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder / "out"))


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(types_app.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def _models(package: ModuleType) -> Any:
    return importlib.import_module(f"{package.__name__}.models")


def _clients(package: ModuleType, base_url: str) -> tuple[Any, Any]:
    return package.TypesClient(base_url=base_url), package.AsyncTypesClient(base_url=base_url)


def _both(package: ModuleType, base_url: str, call: Any) -> list[Any]:
    """The call's result through the sync client and through the async one."""
    sync, asynchronous = _clients(package, base_url)

    async def second() -> Any:
        async with asynchronous:
            result = call(asynchronous)
            return await result

    with sync:
        return [call(sync), asyncio.run(second())]


def test_a_discriminated_union_is_sent_and_decoded_as_its_member(package: ModuleType, base_url: str) -> None:
    models = _models(package)
    for result in _both(package, base_url, lambda c: c.pets.create_pet(body=models.Dog(name="Rex", breed="Lab"))):
        assert type(result) is models.Dog  # kind, a required const, was sent: FastAPI would answer 422
        assert (result.name, result.breed) == ("Rex", "Lab")
    for result in _both(package, base_url, lambda c: c.pets.create_pet(body=models.Cat(name="Tom"))):
        assert type(result) is models.Cat and result.lives == 9


def test_a_list_of_union_members_keeps_each_member_and_its_explicit_nulls(package: ModuleType, base_url: str) -> None:
    models = _models(package)
    for pets in _both(package, base_url, lambda c: c.pets.list_pets()):
        assert [type(p) for p in pets] == [models.Cat, models.Dog]
        assert pets[1].to_dict() == {"kind": "dog", "name": "Rex", "breed": None}  # sent as null, kept as null


def test_an_undiscriminated_union_decodes_to_the_member_the_data_fits(package: ModuleType, base_url: str) -> None:
    models = _models(package)
    for events in _both(package, base_url, lambda c: c.events.list_events()):
        assert [type(e) for e in events] == [models.Remark, models.Incident]
        assert events[1].severity == 3


def test_an_inline_enum_and_a_nullable_parameter_are_typed(package: ModuleType, base_url: str) -> None:
    models = _models(package)
    order = models.SearchOrder.DESC
    for found in _both(package, base_url, lambda c: c.pets.search(order=order, limit=None)):
        assert found == {"order": "desc", "limit": None}
    for found in _both(package, base_url, lambda c: c.pets.search(limit=5)):
        assert found == {"order": "asc", "limit": 5}


def test_free_form_objects_and_unknown_keys_survive(package: ModuleType, base_url: str) -> None:
    payload = {"city": "London", "tags": ["a", None], "deep": {"x": 1.5}}
    for record in _both(package, base_url, lambda c: c.records.put_record(id=1, payload=payload)):
        assert record.payload == payload
        assert record.model_extra == {"added_later": {"nested": [1, None]}}
        assert record.to_dict() == {"id": 1, "payload": payload, "note": None, "added_later": {"nested": [1, None]}}


def test_read_only_fields_are_not_arguments_and_write_only_ones_not_expected_back(
    package: ModuleType, base_url: str
) -> None:
    import inspect

    assert "id" not in inspect.signature(package.TypesClient(base_url=base_url).accounts.create_account).parameters
    for account in _both(package, base_url, lambda c: c.accounts.create_account(email="a@b.c", password="pw")):
        assert account.id == "00000000-0000-0000-0000-000000000007"
        assert account.email == "a@b.c" and account.password is None


def test_3_1_binary_uploads_and_downloads_bytes(package: ModuleType, base_url: str, tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\x00\xff")
    for result in _both(package, base_url, lambda c: c.files.upload(file=photo, note="hi")):
        assert result == {"filename": "photo.png", "size": 6, "note": "hi"}
    for blob in _both(package, base_url, lambda c: c.files.download()):
        assert blob == bytes(range(256))


def test_no_signature_is_typed_any(package: ModuleType) -> None:
    from tests.corpus import _any_hints

    client = Path(package.__file__ or "").parent / "client.py"
    assert _any_hints(client.read_text("utf-8")) == 0
