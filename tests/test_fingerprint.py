"""The generator's fingerprint names the engines' installed versions, read without importlib.metadata."""

from __future__ import annotations

from importlib import metadata

from generator import fingerprint


def test_engine_versions_are_the_installed_ones() -> None:
    found = fingerprint._versions(fingerprint.ENGINES)
    assert found == {name: metadata.version(name) for name in fingerprint.ENGINES}


def test_a_distribution_that_is_not_installed_has_no_version() -> None:
    assert fingerprint._versions(["no-such-distribution-anywhere"]) == {}
