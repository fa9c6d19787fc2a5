"""`diff` reports hold spec text (path keys, property names, file names): neither format lets it add lines,
send terminal escapes or reorder what a reader sees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.commands import diff

# A path key that would forge report lines, clear the screen, hide the rest and reverse the text.
FORGED = "/a\n\nHTTP contract: no changes\r\nsuggested version bump: patch\x1b[2J\x1b[8m\u202eevil\u2028\x85"
HIDDEN = ("\x1b", "\r", "\u202e", "\u2028", "\x85")


def _spec(*, required: bool) -> dict[str, Any]:
    parameter = {"name": "q", "in": "query", "required": required, "schema": {"type": "string"}}
    operation = {"operationId": "op", "parameters": [parameter], "responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {FORGED: {"get": operation}}}


def _change(where: str, message: str) -> diff.Changes:
    change = diff.Change("http-operation-removed", "http", where, message)
    return diff.Changes("old\x1b[31m.yaml", "new\u202e.yaml", (change,))


def test_the_text_report_escapes_spec_text() -> None:
    text = diff.format_text(_change(FORGED, "query parameter '\x1b[8m\u2066q' removed"))
    assert not any(char in text for char in (*HIDDEN, "\u2066"))
    lines = text.splitlines()
    # Only the report's own lines: the title, two layer headings, one change, the bump (and blank lines).
    assert next(line for line in lines if line.strip()).startswith("diff old\\x1b[31m.yaml → new\\u202e.yaml")
    assert sum("suggested version bump" in line for line in lines) == 2  # the forged text stays on its line
    (change,) = [line for line in lines if "http-operation-removed" in line]
    assert "\\x1b[2J" in change and "\\u202eevil" in change and "'\\x1b[8m\\u2066q' removed" in change


def test_the_json_report_escapes_control_and_format_characters() -> None:
    where = FORGED + "\u00ad\u200b\U000e0041é✓"
    text = diff.format_json(_change(where, "ok"))
    assert not any(char in text for char in (*HIDDEN, "\xad", "\u200b", "\U000e0041"))
    assert "\\u202e" in text and "\\udb40\\udc41" in text
    assert "é✓" in text  # readable text stays readable
    data = json.loads(text)  # and the values are unchanged
    assert data["changes"][0]["where"] == where and data["new"] == "new\u202e.yaml"


@pytest.mark.parametrize("output", ["text", "json"])
def test_the_command_prints_no_raw_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_spec(required=False)))
    new.write_text(json.dumps(_spec(required=True)))
    assert main(["diff", str(old), str(new), "--root", str(tmp_path), "--format", output]) == 0
    out = capsys.readouterr().out
    assert "http-parameter-became-required" in out
    assert not any(char in out for char in HIDDEN)
    if output == "text":
        assert sum(line.startswith("HTTP contract:") for line in out.splitlines()) == 1
    else:
        assert json.loads(out)["changes"][0]["where"] == f"GET {FORGED}"
