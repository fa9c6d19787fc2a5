"""The writer's contract: what it takes over and what it refuses, what it keeps, one step for the swap, one run at
a time, and ownership that survives a crash."""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import write as write_module
from generator.errors import GeneratorError
from generator.write import (
    Manifest,
    journal_path,
    lock_path,
    manifest_path,
    read_manifest,
    up_to_date,
    write,
    write_text,
)
from tests.adversarial.faults import Faulty, killed_at, steps_of, tree

PACKAGE = "pkg"
V1 = {f"{PACKAGE}/__init__.py": "# one\n", f"{PACKAGE}/models.py": "x = 1\n", "pyproject.toml": "# dist\n"}
V2 = {f"{PACKAGE}/__init__.py": "# one\n", f"{PACKAGE}/models.py": "x = 2\n", "pyproject.toml": "# dist\n"}
NOT_OURS = "not written by the generator; refusing to replace it (--force takes it over)"


def _messages(error: GeneratorError) -> list[str]:
    return [d.format() for d in error.diagnostics]


def test_the_very_bytes_it_would_write_are_taken_over_without_force(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(V1["pyproject.toml"])
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert "pyproject.toml" in read_manifest(tmp_path, PACKAGE).files


def test_an_empty_folder_is_taken_and_keeps_its_mode(tmp_path: Path) -> None:
    (tmp_path / PACKAGE).mkdir()
    (tmp_path / PACKAGE).chmod(0o700)
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert tree(tmp_path / PACKAGE)["."] == ("folder", 0o700)
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 1\n"


def test_a_package_whose_manifest_was_lost_is_taken_back_only_if_every_file_is_as_generated(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    manifest_path(tmp_path, PACKAGE).unlink()  # never committed, say
    (tmp_path / PACKAGE / "__pycache__").mkdir()
    (tmp_path / PACKAGE / "__pycache__" / "models.cpython-311.pyc").write_bytes(b"\0")
    with pytest.raises(GeneratorError):  # another spec: models.py is no longer provably the generator's
        write(tmp_path, V2, package=PACKAGE, inputs="2")
    write(tmp_path, V1, package=PACKAGE, inputs="1")  # the same spec: every file is as generated
    assert set(read_manifest(tmp_path, PACKAGE).files) == set(V1)
    write(tmp_path, V2, package=PACKAGE, inputs="2")
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 2\n"
    manifest_path(tmp_path, PACKAGE).unlink()
    (tmp_path / PACKAGE / "notes.md").write_text("the user's\n")
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V2, package=PACKAGE, inputs="2")
    (message,) = _messages(caught.value)
    assert message.startswith(f"{tmp_path / PACKAGE}: #: a folder the generator did not make")


def test_every_foreign_file_in_the_way_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    for name in ("models.py", "__init__.py"):
        (tmp_path / PACKAGE / name).unlink()
    manifest_path(tmp_path, PACKAGE).write_text('{"files": {"pkg/__init__.py": "0"}}')
    (tmp_path / PACKAGE / "models.py").write_text("# the user's\n")
    (tmp_path / PACKAGE / "__init__.py").write_text("# an edit of a generated file\n")
    before = tree(tmp_path)
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V2, package=PACKAGE, inputs="2")
    # __init__.py is listed in the manifest: an edited generated file is still the generator's to rewrite.
    assert _messages(caught.value) == [f"{tmp_path / PACKAGE / 'models.py'}: #: {NOT_OURS}"]
    assert tree(tmp_path) == before


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_where_a_generated_file_goes_is_refused_even_with_force(tmp_path: Path, force: bool) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    (tmp_path / PACKAGE / "models.py").unlink()
    (tmp_path / PACKAGE / "models.py").mkdir()
    (tmp_path / PACKAGE / "models.py" / "kept.txt").write_text("mine")
    before = tree(tmp_path)
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V2, package=PACKAGE, inputs="2", force=force)
    message = "a folder is where a generated file goes; move it away"
    assert _messages(caught.value) == [f"{tmp_path / PACKAGE / 'models.py'}: #: {message}"]
    assert tree(tmp_path) == before


@pytest.mark.parametrize("force", [False, True])
def test_a_file_where_the_package_folder_goes_is_refused_even_with_force(tmp_path: Path, force: bool) -> None:
    (tmp_path / PACKAGE).write_text("a file\n")
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V1, package=PACKAGE, inputs="1", force=force)
    message = "a file where the generator needs a folder; move it away"
    assert _messages(caught.value) == [f"{tmp_path / PACKAGE}: #: {message}"]
    assert (tmp_path / PACKAGE).read_text() == "a file\n"


def test_a_rewritten_file_keeps_its_mode_and_an_unchanged_one_its_inode(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    models, init = tmp_path / PACKAGE / "models.py", tmp_path / PACKAGE / "__init__.py"
    models.chmod(0o600)
    inode, mtime = init.stat().st_ino, init.stat().st_mtime_ns
    report = write(tmp_path, V2, package=PACKAGE, inputs="2")
    assert report.written == (f"{PACKAGE}/models.py",) and report.unchanged == 2
    assert stat.S_IMODE(models.stat().st_mode) == 0o600 and models.read_text() == "x = 2\n"
    assert (init.stat().st_ino, init.stat().st_mtime_ns) == (inode, mtime)


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_on_linux_the_package_is_replaced_by_one_exchange(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    steps = [name for name, _ in steps_of(lambda: write(tmp_path, V2, package=PACKAGE, inputs="2"))]
    assert steps.count("exchange") == 1 and "rename" not in steps
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 2\n"


def test_a_text_that_is_not_unicode_is_refused_naming_its_file(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, {f"{PACKAGE}/models.py": "x = '\ud800'\n"}, package=PACKAGE, inputs="1")
    (message,) = _messages(caught.value)
    assert message.startswith(f"{tmp_path / PACKAGE / 'models.py'}: #: cannot be written as UTF-8: '\\ud800' at")
    assert list(tmp_path.iterdir()) == []


def test_a_forced_takeover_cut_short_leaves_the_users_file_the_users(tmp_path: Path) -> None:
    """Ownership is claimed on disk only once the file is there: a kill before the swap leaves the user's file
    foreign, a kill after it leaves the generator's file owned."""

    def takeover(out: Path) -> Callable[[], object]:
        (out / PACKAGE).mkdir(parents=True)
        (out / PACKAGE / "models.py").write_text("# the user's\n")
        return lambda: write(out, V1, package=PACKAGE, inputs="1", force=True)

    steps = [name for name, _ in steps_of(takeover(tmp_path / "counted"))]
    swap = steps.index("exchange") + 1
    for k, owned in ((swap, False), (swap + 1, True)):
        out = tmp_path / f"killed-{k}"
        assert killed_at(k, takeover(out))
        if owned:
            write(out, V2, package=PACKAGE, inputs="2")
            assert (out / PACKAGE / "models.py").read_text() == "x = 2\n"
        else:
            with pytest.raises(GeneratorError) as caught:
                write(out, V2, package=PACKAGE, inputs="2")
            assert f"{out / PACKAGE / 'models.py'}: #: {NOT_OURS}" in _messages(caught.value)
            assert (out / PACKAGE / "models.py").read_text() == "# the user's\n"


def test_nothing_is_up_to_date_while_a_run_cut_short_is_unsettled(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert up_to_date(tmp_path, PACKAGE, "1")
    journal_path(tmp_path, PACKAGE).write_text(json.dumps({"old": {}, "new": {}}))
    assert not up_to_date(tmp_path, PACKAGE, "1")
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert up_to_date(tmp_path, PACKAGE, "1") and not journal_path(tmp_path, PACKAGE).exists()


def test_concurrent_runs_take_turns_and_leave_one_clean_output(tmp_path: Path) -> None:
    """The lock file is removed by each run as it ends: a run waiting on the removed file must lock the new one."""
    clean = {}
    for name, files in (("one", V1), ("two", V2)):
        write(tmp_path / name, files, package=PACKAGE, inputs=name)
        clean[name] = tree(tmp_path / name)
    out = tmp_path / "shared"
    out.mkdir()
    children = []
    for n in range(8):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                for _ in range(5):
                    name, files = ("one", V1) if n % 2 else ("two", V2)
                    write(out, files, package=PACKAGE, inputs=name)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    assert all(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0 for pid in children)
    assert tree(out) in (clean["one"], clean["two"])
    assert not lock_path(out, PACKAGE).exists()


def test_a_lock_held_elsewhere_is_waited_for_then_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_module, "LOCK_WAIT_SECONDS", 20.0)
    tmp_path.joinpath("out").mkdir()
    read, written = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with write_module.locked(tmp_path / "out", PACKAGE):
                os.write(written, b"x")
                time.sleep(0.5)
            code = 0
        finally:
            os._exit(code)
    os.read(read, 1)
    started = time.monotonic()
    write(tmp_path / "out", V1, package=PACKAGE, inputs="1")
    assert time.monotonic() - started >= 0.3
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes whatever the mode says")
def test_a_folder_without_write_permission_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(GeneratorError) as caught:
            write(out, V1, package=PACKAGE, inputs="1")
    finally:
        out.chmod(0o755)
    assert _messages(caught.value) == [f"{out}: #: cannot write: permission denied"]


def test_recover_output_is_replaced_in_one_step_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "recovered.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_text(target, "new\n")
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recovered.yaml"]


def test_recover_output_on_a_full_disk_is_reported_and_the_old_file_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "recovered.yaml"
    target.write_text("old\n")

    def full(name: str, args: tuple[object, ...]) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[0]))

    monkeypatch.setattr(write_module, "disk", Faulty(fault=full, every=frozenset({"create"})))
    with pytest.raises(GeneratorError) as caught:
        write_text(target, "new\n")
    assert _messages(caught.value) == [f"{target}: #: cannot write: no space left on device"]
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["recovered.yaml"]


def test_a_lock_file_removed_as_it_is_opened_is_opened_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run holding the lock removes its file as it ends; a waiter that opened that file a moment before sees
    it with no links left. It must open the new one, not refuse it as a file with other hard links."""
    out = tmp_path / "out"
    out.mkdir()
    opened: list[Path] = []
    real = write_module.disk.open_lock

    def holder_ends_meanwhile(path: Path) -> int:
        handle = real(path)
        if not opened:
            os.unlink(path)  # what the previous holder does on its way out
        opened.append(path)
        return handle

    monkeypatch.setattr(write_module.disk, "open_lock", holder_ends_meanwhile)
    with write_module.locked(out, PACKAGE):
        assert lock_path(out, PACKAGE).exists()
    assert len(opened) == 2
    assert not lock_path(out, PACKAGE).exists()


# --- the manifest's own file: the generator's only when it reads as one ----------------------------------------

FOREIGN_MANIFESTS = [
    b"MINE",  # not JSON
    b"",  # empty
    b"\xff\xfe\x00garbage",  # not text
    b"[]",  # JSON, not an object
    b'{"files": ["pkg/__init__.py"]}',  # the right key, the wrong shape
    b'{"inputs": "1"}',  # no files
    b'{"files": {}, "name": "my notes"}',  # a key the generator never writes
    b'{"files": {"pkg/__init__.py": 1}}',  # a digest that is not a string
]
NOT_A_MANIFEST = "not a manifest written by the generator; refusing to replace it (--force takes it over)"


@pytest.mark.parametrize("raw", FOREIGN_MANIFESTS)
def test_a_file_at_the_manifests_name_that_is_not_a_manifest_is_refused_and_kept(tmp_path: Path, raw: bytes) -> None:
    """The user's file, or a manifest damaged past reading: either way not one the generator can show it wrote."""
    manifest_path(tmp_path, PACKAGE).write_bytes(raw)
    before = tree(tmp_path)
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert caught.value.exit_code == 1
    assert _messages(caught.value) == [f"{manifest_path(tmp_path, PACKAGE)}: #: {NOT_A_MANIFEST}"]
    assert manifest_path(tmp_path, PACKAGE).read_bytes() == raw
    assert tree(tmp_path) == before and not (tmp_path / PACKAGE).exists()


def test_a_foreign_manifest_beside_a_generated_package_is_refused_too(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    manifest_path(tmp_path, PACKAGE).write_bytes(b"MINE")
    before = tree(tmp_path)
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V2, package=PACKAGE, inputs="2")
    assert _messages(caught.value) == [f"{manifest_path(tmp_path, PACKAGE)}: #: {NOT_A_MANIFEST}"]
    assert tree(tmp_path) == before


@pytest.mark.parametrize("raw", FOREIGN_MANIFESTS)
def test_force_takes_over_a_file_at_the_manifests_name(tmp_path: Path, raw: bytes) -> None:
    manifest_path(tmp_path, PACKAGE).write_bytes(raw)
    write(tmp_path, V1, package=PACKAGE, inputs="1", force=True)
    assert read_manifest(tmp_path, PACKAGE).files.keys() == V1.keys()
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 1\n"
    write(tmp_path, V2, package=PACKAGE, inputs="2")  # the manifest is the generator's now
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 2\n"


def test_a_manifest_of_an_earlier_run_regenerates(tmp_path: Path) -> None:
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert json.loads(manifest_path(tmp_path, PACKAGE).read_text())["inputs"] == "1"
    report = write(tmp_path, V2, package=PACKAGE, inputs="2")
    assert report.written == (f"{PACKAGE}/models.py",)
    assert read_manifest(tmp_path, PACKAGE).inputs == "2"
    # Recovery after a run cut short writes one without inputs; it is the generator's all the same.
    manifest_path(tmp_path, PACKAGE).write_text(Manifest("", read_manifest(tmp_path, PACKAGE).files).dumps())
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 1\n"


# --- the journal and the lock: the generator's only when they are as it makes them -------------------------------

NOT_A_JOURNAL = "not a journal written by the generator; refusing to remove it (--force takes it over)"


@pytest.mark.parametrize("raw", [b"MINE", b"", b"{}", b'{"old": {}, "new": []}', b'{"old": {}, "new": {}, "x": 1}'])
def test_a_file_at_the_journals_name_that_is_not_a_journal_is_refused_and_kept(tmp_path: Path, raw: bytes) -> None:
    """Settling an interrupted run removes the journal: a file of the user's there would be lost."""
    write(tmp_path, V1, package=PACKAGE, inputs="1")
    journal_path(tmp_path, PACKAGE).write_bytes(raw)
    before = tree(tmp_path)
    with pytest.raises(GeneratorError) as caught:
        write(tmp_path, V2, package=PACKAGE, inputs="2")
    assert _messages(caught.value) == [f"{journal_path(tmp_path, PACKAGE)}: #: {NOT_A_JOURNAL}"]
    assert tree(tmp_path) == before
    write(tmp_path, V2, package=PACKAGE, inputs="2", force=True)
    assert not journal_path(tmp_path, PACKAGE).exists()
    assert (tmp_path / PACKAGE / "models.py").read_text() == "x = 2\n"


def test_a_lock_file_holding_data_is_refused_and_kept(tmp_path: Path) -> None:
    """The generator's lock file is always empty and removed on the way out; one with data is somebody's."""
    lock_path(tmp_path, PACKAGE).write_bytes(b"my notes\n")
    with pytest.raises(GeneratorError, match="the lock file is not empty"):
        write(tmp_path, V1, package=PACKAGE, inputs="1", force=True)
    assert lock_path(tmp_path, PACKAGE).read_bytes() == b"my notes\n"
    assert not (tmp_path / PACKAGE).exists()
