"""The user cache: content-addressed, keyed by engine versions, safe when corrupt, off with --no-cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator import cache as cache_module
from generator import cli
from generator import format as fmt
from generator.cache import Cache, cache_dir, key, validate_cached
from generator.errors import Diagnostic
from generator.load import Document

from .conftest import REPO


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _entries(root: Path, namespace: str) -> list[Path]:
    return sorted(p for p in (root / namespace).rglob("*") if p.is_file()) if (root / namespace).exists() else []


def test_cache_dir_is_overridable_and_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("OPENAPI_PYGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "openapi-pygen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "openapi-pygen"


def test_hit_miss_and_disabled(private_cache: Path) -> None:
    store = Cache()
    entry = key("demo", "text")
    assert store.get("demo", entry) is None
    store.put("demo", entry, b"value")
    assert store.get("demo", entry) == b"value"
    assert Cache(enabled=False).get("demo", entry) is None
    Cache(enabled=False).put("demo", key("other"), b"x")
    assert len(_entries(private_cache, "demo")) == 1


def test_keys_separate_their_parts() -> None:
    assert key("ab", "c") != key("a", "bc")
    assert key("a") == key("a")


@pytest.mark.parametrize("damage", [b"", b"garbage", b"0" * 64 + b"\nvalue"])
def test_a_corrupt_entry_is_a_miss(private_cache: Path, damage: bytes) -> None:
    store = Cache()
    entry = key("demo")
    store.put("demo", entry, b"value")
    (path,) = _entries(private_cache, "demo")
    path.write_bytes(damage)
    assert store.get("demo", entry) is None
    store.put("demo", entry, b"value")
    assert store.get("demo", entry) == b"value"


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(blocker / "cache"))
    Cache().put("demo", key("x"), b"value")
    assert Cache().get("demo", key("x")) is None
    assert fmt.format_files({"a.py": "x=1\n"}, source="s") == {"a.py": "x = 1\n"}


def _doc(text: str = "openapi: 3.0.3\n") -> Document:
    return Document({"openapi": "3.0.3"}, "spec.yaml", text, sha256=hashlib.sha256(text.encode()).hexdigest())


def test_validation_is_remembered_per_spec_text(private_cache: Path) -> None:
    calls: list[str] = []
    problem = Diagnostic("spec.yaml", 3, "#/paths", "bad", level="error")

    def validate(doc: Document) -> list[Diagnostic]:
        calls.append(doc.text)
        return [problem]

    assert validate_cached(_doc(), validate=validate) == [problem]
    assert validate_cached(_doc(), validate=validate) == [problem]
    assert len(calls) == 1
    validate_cached(_doc("openapi: 3.0.3\ninfo: {}\n"), validate=validate)
    assert len(calls) == 2
    validate_cached(_doc(), validate=validate, enabled=False)
    assert len(calls) == 3


def test_validation_is_keyed_by_the_validator_version(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def validate(doc: Document) -> list[Diagnostic]:
        calls.append(doc.text)
        return []

    validate_cached(_doc(), validate=validate)
    real = cache_module.version_of
    monkeypatch.setattr(
        cache_module, "version_of", lambda name: "9.9" if name == "openapi-spec-validator" else real(name)
    )
    validate_cached(_doc(), validate=validate)
    assert len(calls) == 2


def test_a_corrupt_validation_entry_is_recomputed(private_cache: Path) -> None:
    def validate(doc: Document) -> list[Diagnostic]:
        return []

    validate_cached(_doc(), validate=validate)
    (path,) = _entries(private_cache, "validate")
    payload = b'[["only-a-file"]]'
    path.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)  # checksum right, shape wrong
    assert validate_cached(_doc(), validate=validate) == []


def test_formatted_code_is_keyed_by_the_black_version(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"a.py": "x=1\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n"}
    fmt.format_files(files, source="s")
    before = len(_entries(private_cache, "format"))
    fmt._engine.cache_clear()
    real = cache_module.version_of
    monkeypatch.setattr(cache_module, "version_of", lambda name: "0.0" if name == "black" else real(name))
    try:
        fmt.format_files(files, source="s")
        assert len(_entries(private_cache, "format")) == 2 * before
    finally:
        fmt._engine.cache_clear()


def test_no_cache_flag_reaches_the_target_and_writes_nothing(private_cache: Path, tmp_path: Path) -> None:
    spec = REPO / "tests" / "specs"
    spec_file = next(p for p in sorted(spec.glob("*.yaml")) + sorted(spec.glob("*.json")))
    args = cli._parser().parse_args(
        ["generate", "--spec", str(spec_file), "--out", str(tmp_path / "out"), "--package", "pkg", "--no-cache"]
    )
    (target,) = cli.targets(args)
    assert target.cache is False
    default = cli._parser().parse_args(["generate", "--spec", str(spec_file), "--out", "o", "--package", "pkg"])
    assert cli.targets(default)[0].cache is True
    fmt.format_files({"a.py": "x=1\n"}, source="s", cache=target.cache)
    validate_cached(_doc(), enabled=target.cache, validate=lambda doc: [])
    assert not private_cache.exists()
