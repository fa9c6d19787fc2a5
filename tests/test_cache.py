"""The user cache: authenticated entries, a private secret, misses on anything doubtful, off with --no-cache."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from generator import cli, fingerprint
from generator import format as fmt
from generator.cache import Cache, cache_dir
from generator.errors import Diagnostic
from generator.spec import validate as validate_module
from generator.spec.load import Document
from generator.spec.validate import validate_cached
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test here starts from an empty cache of its own."""
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    return cache_dir()


def _entries(root: Path, namespace: str) -> list[Path]:
    return sorted(p for p in (root / namespace).rglob("*") if p.is_file()) if (root / namespace).exists() else []


def test_cache_dir_is_overridable_else_the_platform_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("OPENAPI_PYGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "openapi-pygen"


def test_hit_miss_and_disabled(private_cache: Path) -> None:
    store = Cache()
    entry = fingerprint.digest("demo", "text")
    assert store.get("demo", entry) is None
    store.put("demo", entry, b"value")
    assert store.get("demo", entry) == b"value"
    assert Cache(enabled=False).get("demo", entry) is None
    Cache(enabled=False).put("demo", fingerprint.digest("other"), b"x")
    assert len(_entries(private_cache, "demo")) == 1


def test_keys_separate_their_parts() -> None:
    assert fingerprint.digest("ab", "c") != fingerprint.digest("a", "bc")
    assert fingerprint.digest("a") == fingerprint.digest("a")


@pytest.mark.parametrize("damage", [b"", b"garbage", b"0" * 64 + b"\nvalue"])
def test_a_corrupt_entry_is_a_miss(private_cache: Path, damage: bytes) -> None:
    store = Cache()
    entry = fingerprint.digest("demo")
    store.put("demo", entry, b"value")
    (path,) = _entries(private_cache, "demo")
    path.write_bytes(damage)
    assert store.get("demo", entry) is None
    store.put("demo", entry, b"value")
    assert store.get("demo", entry) == b"value"


def test_a_tampered_entry_with_a_recomputed_checksum_is_a_miss(private_cache: Path) -> None:
    """An attacker who can write the cache (a shared CI cache) but not read the secret cannot plant code."""
    formatted = fmt.format_files({"m.py": "x=1\n"}, source="s")
    assert formatted == {"m.py": "x = 1\n"}
    for path in _entries(private_cache, "format"):
        planted = b'import os\nos.system("echo owned")\n'
        path.write_bytes(hashlib.sha256(planted).hexdigest().encode() + b"\n" + planted)
    assert fmt.format_files({"m.py": "x=1\n"}, source="s") == {"m.py": "x = 1\n"}


def test_an_entry_written_under_another_secret_is_a_miss(private_cache: Path, tmp_path: Path) -> None:
    entry = fingerprint.digest("demo")
    other = Cache(tmp_path / "other")
    other.put("demo", entry, b"planted")
    target = private_cache / "demo" / entry[:2] / entry
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((tmp_path / "other" / "demo" / entry[:2] / entry).read_bytes())
    assert Cache().get("demo", entry) is None


def test_the_secret_is_private_and_a_readable_secret_turns_the_cache_off(private_cache: Path) -> None:
    store = Cache()
    store.put("demo", "e1", b"value")
    secret = private_cache / "secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    os.chmod(secret, 0o644)
    assert Cache().get("demo", "e1") is None
    Cache().put("demo", "e2", b"value")
    assert not (private_cache / "demo" / "e2"[:2] / "e2").exists()


def test_a_secret_that_is_a_symlink_turns_the_cache_off(private_cache: Path, tmp_path: Path) -> None:
    private_cache.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"k" * 32)
    os.chmod(elsewhere, 0o600)
    (private_cache / "secret").symlink_to(elsewhere)
    store = Cache()
    store.put("demo", "e", b"value")
    assert store.get("demo", "e") is None


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OPENAPI_PYGEN_CACHE_DIR", str(blocker / "cache"))
    Cache().put("demo", "x", b"value")
    assert Cache().get("demo", "x") is None
    assert fmt.format_files({"a.py": "x=1\n"}, source="s") == {"a.py": "x = 1\n"}


def _doc(text: str = "openapi: 3.0.3\n") -> Document:
    return Document({"openapi": "3.0.3"}, "spec.yaml", text, sha256=hashlib.sha256(text.encode()).hexdigest())


def test_validation_is_remembered_per_spec_text(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    problem = Diagnostic("spec.yaml", 3, "#/paths", "bad", level="error")

    def validate(doc: Document, **_: object) -> list[Diagnostic]:
        calls.append(doc.text)
        return [problem]

    monkeypatch.setattr(validate_module, "validate", validate)
    assert validate_cached(_doc()) == [problem]
    assert validate_cached(_doc()) == [problem]
    assert len(calls) == 1
    validate_cached(_doc("openapi: 3.0.3\ninfo: {}\n"))
    assert len(calls) == 2
    validate_cached(_doc(), enabled=False)
    assert len(calls) == 3


def test_cache_keys_follow_the_generator_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(validate_module, "validate", lambda doc, **_: calls.append(doc.text) or [])
    validate_cached(_doc())
    monkeypatch.setattr(fingerprint, "code", lambda: "another generator or validator version")
    validate_cached(_doc())
    assert len(calls) == 2


def test_no_cache_flag_reaches_the_target_and_writes_nothing(private_cache: Path, tmp_path: Path) -> None:
    spec_file = REPO / "tests" / "specs" / "nullable-3.0.yaml"
    args = cli._parser().parse_args(
        ["generate", "--spec", str(spec_file), "--out", str(tmp_path / "out"), "--package", "pkg", "--no-cache"]
    )
    (target,) = cli.targets(args)
    assert target.cache is False
    default = cli._parser().parse_args(["generate", "--spec", str(spec_file), "--out", "o", "--package", "pkg"])
    assert cli.targets(default)[0].cache is True
    fmt.format_files({"a.py": "x=1\n"}, source="s", cache=target.cache)
    validate_cached(_doc(), enabled=target.cache)
    assert not private_cache.exists() or not any(private_cache.iterdir())
