"""Red team: hostile specs, output folders, caches, revisions and faults.

One hostile field per spec generates or fails cleanly, spec text stays in string constants and nothing runs; the
user's files are never overwritten, links never followed, write failures are located, a tampered cache is a miss,
git never takes an option from a revision, and a kill or failure at any step of a write leaves the old package or
the new one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import write as write_module
from generator.cache import cache_dir
from generator.cli import main
from generator.config import ad_hoc, with_flags
from generator.errors import GeneratorError
from generator.pipeline import run
from generator.write import Disk, recover_interrupted, write
from tests.adversarial import FIELDS, HERE, REFS, audit, hostile_spec, payload, ref_spec
from tests.adversarial.faults import STEPS, Faulty, fail, killed_at, refusing, steps_of, tree

PACKAGE = "hostile_client"


def generate(spec: dict[str, Any] | Path, tmp: Path, *, validate: bool = False, force: bool = False) -> dict[str, str]:
    """Generate into tmp/out (lenient by default: hostile text is often invalid OpenAPI, and must still be safe)."""
    if isinstance(spec, dict):
        path = tmp / "spec.json"
        path.write_text(json.dumps(spec), "utf-8")
    else:
        path = spec
    target = with_flags(ad_hoc([path], out=tmp / "out", package=PACKAGE), validate=validate, distribution=False)
    result = run(target)
    write(tmp / "out", result.files, package=PACKAGE, inputs=result.spec_sha256, force=force)
    return result.files


def located(error: GeneratorError) -> bool:
    return bool(error.diagnostics) and all(d.file and (d.line or d.pointer not in ("", "#")) for d in error.diagnostics)


USE = textwrap.dedent(
    """
    import dataclasses, enum, inspect, json, sys
    import httpx
    sys.path.insert(0, sys.argv[1])
    import hostile_client as package
    from hostile_client import models
    expected = json.loads(sys.argv[2])
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json={})

    for name in package.__all__:
        cls = getattr(package, name)
        if not name.endswith("Client") or name.startswith("Async"):
            continue
        kwargs = {"api_key": "k"} if "api_key" in inspect.signature(cls).parameters else {}
        http = httpx.Client(transport=httpx.MockTransport(handler))
        client = cls(base_url="http://127.0.0.1:9", http_client=http, **kwargs)
        from hostile_client._http import SyncResource

        for attribute in [client, *vars(client).values()]:
            if attribute is not client and not isinstance(attribute, SyncResource):
                continue
            for method_name in dir(attribute):
                method = getattr(attribute, method_name)
                if method_name.startswith("_") or not callable(method) or method_name.startswith("with_"):
                    continue
                if method_name in ("close", "aclose") or isinstance(method, type):
                    continue
                params = inspect.signature(method).parameters
                args = {p: "x" for p, v in params.items() if v.default is v.empty and v.kind == v.KEYWORD_ONLY}
                optional = [p for p in params if p not in args and params[p].kind == params[p].KEYWORD_ONLY]
                args.update({p: "v" for p in optional})
                try:
                    method(**args)
                except Exception as exc:  # a hostile header name may be refused by httpx at send time
                    print("call", method_name, type(exc).__name__, file=sys.stderr)
    # Wire values survive exactly.
    classes = {n: getattr(models, n) for n in dir(models) if isinstance(getattr(models, n), type)}
    for value in expected.get("enum", []):
        assert any(issubclass(c, enum.Enum) and value in [m.value for m in c] for c in classes.values()), value
    for key in expected.get("properties", []):
        holder = [c for c in classes.values() if dataclasses.is_dataclass(c)
                  and key in [f.metadata.get("wire", f.name) for f in dataclasses.fields(c)]]
        assert holder, key
        cls = holder[0]
        data = {f.metadata.get("wire", f.name): "v" for f in dataclasses.fields(cls)}
        data = {k: ("active" if k == "status" else 1 if k == "count" else v) for k, v in data.items()}
        assert cls.from_dict(data).to_dict() == data, (data, cls.from_dict(data).to_dict())
    for key in expected.get("query", []):
        assert any(key in r.url.params for r in seen), [str(r.url) for r in seen]
    print("used", len(seen))
    """
)


def use(tmp: Path, expected: dict[str, Any]) -> None:
    """Import and use the package in a fresh interpreter; nothing from the spec may run."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", USE, str(tmp / "out"), json.dumps(expected)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_hostile_field(field: str, tmp_path: Path) -> None:
    sentinel = tmp_path / "ran"
    number = sorted(FIELDS).index(field) + 1
    text = payload(number, sentinel)
    spec = hostile_spec(field, text)
    try:
        files = generate(spec, tmp_path)
    except GeneratorError as exc:
        assert located(exc), exc
        assert not sentinel.exists()
        return
    problems = audit(files, f"PWNED_{number}", identifiers=FIELDS[field][1])
    assert not problems, "\n".join(problems)
    expected: dict[str, Any] = {}
    if field == "enum_values":
        expected["enum"] = [text, text + "\\"]
    if field == "property_names":
        expected["properties"] = [text]
    if field == "parameter_names":
        expected["query"] = [text]
    use(tmp_path, expected)
    assert not sentinel.exists(), "spec text ran as code"


def test_marker_reaches_every_text_sink(tmp_path: Path) -> None:
    """The audit is not vacuous: descriptions do reach the package, as string constants."""
    files = generate(hostile_spec("descriptions", payload(99, tmp_path / "ran")), tmp_path)
    joined = "".join(text for path, text in files.items() if path.endswith(".py"))
    assert "PWNED_99" in joined
    assert "\u202e" not in joined and "\u2028" not in joined and "\x00" not in joined


@pytest.mark.parametrize("kind", sorted(REFS))
def test_hostile_refs_are_refused_with_a_location(kind: str, tmp_path: Path) -> None:
    spec = ref_spec(kind, payload(0, tmp_path / "ran"))
    for validate in (True, False):
        with pytest.raises(GeneratorError) as caught:
            generate(spec, tmp_path, validate=validate)
        assert located(caught.value), caught.value
        assert any("$ref" in d.pointer or "$ref" in d.message for d in caught.value.diagnostics)
    assert not (tmp_path / "out" / PACKAGE).exists()


@pytest.mark.parametrize("name", ["billion-laughs.yaml", "merge-bomb.yaml"])
def test_yaml_bombs_fail_fast(name: str, tmp_path: Path) -> None:
    import time

    started = time.monotonic()
    with pytest.raises(GeneratorError) as caught:
        generate(HERE / name, tmp_path)
    assert time.monotonic() - started < 30
    assert "alias" in str(caught.value)
    assert caught.value.diagnostics[0].line is not None


def test_python_yaml_tags_are_refused_with_their_line(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError) as caught:
        generate(HERE / "python-tags.yaml", tmp_path)
    assert located(caught.value)
    assert "tag" in str(caught.value) and ":4: " in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_reference_cycles(tmp_path: Path) -> None:
    spec = hostile_spec("title", "Cycles")
    schemas = spec["components"]["schemas"]
    schemas["Node"] = {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
    schemas["A"] = {"$ref": "#/components/schemas/B"}
    schemas["B"] = {"$ref": "#/components/schemas/A"}
    schemas["Self"] = {"$ref": "#/components/schemas/Self"}
    schemas["Item"]["properties"]["a"] = {"$ref": "#/components/schemas/A"}
    try:
        files = generate(spec, tmp_path)
    except GeneratorError as exc:
        assert located(exc), exc
        return
    assert "class Node" in files[f"{PACKAGE}/models.py"]


def test_a_schema_named_like_the_model_base(tmp_path: Path) -> None:
    spec = hostile_spec("title", "Shadows")
    schemas = spec["components"]["schemas"]
    schemas["Model"] = {"type": "string", "enum": ["a", "b"]}
    schemas["Item"]["properties"]["model"] = {"type": "string", "enum": ["gpt", "other"]}
    schemas["Item"]["properties"]["kind"] = {"$ref": "#/components/schemas/Model"}
    generate(spec, tmp_path)
    use(tmp_path, {"enum": ["a", "gpt"], "properties": ["model", "kind"]})


# --- foreign files in the output --------------------------------------------------------------------------------

NOT_OURS = "not written by the generator; refusing to replace it (--force takes it over)"


def _spec_file(tmp: Path, title: str = "Ownership") -> Path:
    path = tmp / "spec.json"
    path.write_text(json.dumps(hostile_spec("title", title), indent=2), "utf-8")
    return path


def _cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, list[str]]:
    """The command line run in-process: its exit code and the lines it printed on standard error."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err.splitlines()


def _generate(
    capsys: pytest.CaptureFixture[str], tmp: Path, *extra: str, title: str = "Ownership", out: Path | None = None
) -> tuple[int, list[str]]:
    spec = _spec_file(tmp, title)
    return _cli(capsys, "generate", "--spec", spec, "--out", out or tmp / "out", "--package", PACKAGE, *extra)


def test_a_users_client_py_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "out" / PACKAGE / "client.py"
    mine.parent.mkdir(parents=True)
    mine.write_text("# my own client\n", "utf-8")
    before = tree(tmp_path / "out")
    code, err = _generate(capsys, tmp_path)
    assert code == 1
    assert f"{mine}: #: {NOT_OURS}" in err
    assert tree(tmp_path / "out") == before


def test_a_users_pyproject_toml_is_never_overwritten_by_distribution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    mine = project / "pyproject.toml"
    mine.write_text('[project]\nname = "mine"\n', "utf-8")
    before = tree(project)
    assert _generate(capsys, tmp_path, "--distribution", out=project) == (1, [f"{mine}: #: {NOT_OURS}"])
    assert tree(project) == before


def test_a_folder_the_generator_did_not_make_is_never_written_into(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out" / PACKAGE
    package.mkdir(parents=True)
    (package / "helpers.py").write_text("# the user's own package\n", "utf-8")
    before = tree(tmp_path / "out")
    code, err = _generate(capsys, tmp_path)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"{package}: #: a folder the generator did not make")
    assert tree(tmp_path / "out") == before


def test_force_takes_over_a_users_file_explicitly_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out" / PACKAGE
    package.mkdir(parents=True)
    (package / "client.py").write_text("# my own client\n", "utf-8")
    (package / "notes.md").write_text("mine\n", "utf-8")
    assert _generate(capsys, tmp_path, "--force")[0] == 0
    assert (package / "client.py").read_text("utf-8") != "# my own client\n"
    assert (package / "notes.md").read_text("utf-8") == "mine\n"
    manifest = json.loads((tmp_path / "out" / f".{PACKAGE}.manifest.json").read_text("utf-8"))
    assert f"{PACKAGE}/client.py" in manifest["files"] and f"{PACKAGE}/notes.md" not in manifest["files"]
    assert _generate(capsys, tmp_path, title="Owned now")[0] == 0, "after --force, the folder is the generator's"


def test_empty_user_folders_and_the_package_mode_survive_regeneration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _generate(capsys, tmp_path)[0] == 0
    package = tmp_path / "out" / PACKAGE
    (package / "mine" / "empty").mkdir(parents=True)
    (package / "mine").chmod(0o750)
    package.chmod(0o700)
    before = tree(package)
    assert _generate(capsys, tmp_path, title="Renamed")[0] == 0
    after = tree(package)
    assert any(after[p] != before[p] for p in before if p.endswith(".py")), "the package was regenerated"
    assert after["."] == ("folder", 0o700)
    assert after["mine"] == ("folder", 0o750) and after["mine/empty"] == before["mine/empty"]


# --- symlinks ---------------------------------------------------------------------------------------------------


def test_a_symlinked_package_folder_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / PACKAGE).symlink_to(outside, target_is_directory=True)
    for force in (False, True):
        with pytest.raises(GeneratorError) as caught:
            generate(hostile_spec("title", "Links"), tmp_path, force=force)
        assert [d.file for d in caught.value.diagnostics] == [str(tmp_path / "out" / PACKAGE)]
        assert "symlink" in str(caught.value)
    assert list(outside.iterdir()) == []


def test_a_symlinked_generated_file_is_never_written_through(tmp_path: Path) -> None:
    generate(hostile_spec("title", "Links"), tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    models = tmp_path / "out" / PACKAGE / "models.py"
    models.unlink()
    models.symlink_to(victim)
    spec = hostile_spec("title", "Links again")
    with pytest.raises(GeneratorError) as caught:
        generate(spec, tmp_path)
    assert [d.file for d in caught.value.diagnostics] == [str(models)]
    assert victim.read_text() == "keep"
    files = generate(spec, tmp_path, force=True)  # --force replaces the link itself, never what it points to
    assert not models.is_symlink() and models.read_text("utf-8") == files[f"{PACKAGE}/models.py"]
    assert victim.read_text() == "keep"


def test_a_users_symlink_inside_the_package_is_kept_and_never_followed(tmp_path: Path) -> None:
    generate(hostile_spec("title", "Links"), tmp_path)
    outside = tmp_path / "data"
    outside.mkdir()
    (outside / "set.csv").write_text("a,b\n")
    before = tree(outside)
    link = tmp_path / "out" / PACKAGE / "data"
    link.symlink_to(outside, target_is_directory=True)
    generate(hostile_spec("title", "Links again"), tmp_path)
    assert link.is_symlink() and os.readlink(link) == str(outside)
    assert tree(outside) == before


def test_a_symlinked_manifest_is_neither_read_nor_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _generate(capsys, tmp_path)[0] == 0
    manifest = tmp_path / "out" / f".{PACKAGE}.manifest.json"
    victim = tmp_path / "victim.json"
    victim.write_bytes(manifest.read_bytes())
    manifest.unlink()
    manifest.symlink_to(victim)
    before = victim.read_bytes()
    code, err = _generate(capsys, tmp_path, title="Changed")
    assert (code, err) == (1, [f"{manifest}: #: the generator's record is a symlink; refusing to use it"])
    assert manifest.is_symlink() and victim.read_bytes() == before


def test_a_manifest_linked_to_dev_zero_does_not_hang_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    manifest = out / f".{PACKAGE}.manifest.json"
    manifest.symlink_to("/dev/zero")
    done = _subprocess("generate", "--spec", _spec_file(tmp_path), "--out", out, "--package", PACKAGE, timeout=120)
    assert (done.returncode, done.stderr) == (
        1,
        f"{manifest}: #: the generator's record is a symlink; refusing to use it\n",
    )


def test_the_lock_file_never_follows_a_symlink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lock = out / f".{PACKAGE}.lock"
    victim = tmp_path / "victim"
    lock.symlink_to(victim)
    assert _generate(capsys, tmp_path) == (1, [f"{lock}: #: the lock file is a symlink; refusing to follow it"])
    assert not victim.exists() and not (out / PACKAGE).exists()


def test_no_lock_is_taken_in_the_shared_temporary_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Anyone can plant a link in the system's temporary folder: the lock once lived there, under a name anyone could
    compute, and was opened through whatever was planted."""
    out = tmp_path / "out"
    key = hashlib.sha256(str(out.resolve() / PACKAGE).encode()).hexdigest()[:16]
    planted = Path(tempfile.gettempdir()) / f"generator-{key}.lock"
    victim = tmp_path / "victim"
    planted.symlink_to(victim)
    try:
        assert _generate(capsys, tmp_path)[0] == 0
    finally:
        planted.unlink()
    assert not victim.exists()
    assert not (out / f".{PACKAGE}.lock").exists(), "the lock is removed when the run ends"


@pytest.mark.parametrize("planted", ["fifo", "hard link", "another user's file"])
def test_a_lock_file_that_is_not_the_users_own_plain_file_is_refused(
    planted: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lock = out / f".{PACKAGE}.lock"
    victim = tmp_path / "victim"
    victim.write_text("keep")
    if planted == "fifo":
        os.mkfifo(lock)
        problem = "is not a regular file"
    elif planted == "hard link":
        os.link(victim, lock)
        problem = "has other hard links"
    else:
        lock.write_text("")
        monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
        problem = "belongs to another user"
    with pytest.raises(GeneratorError) as caught:
        write(out, {f"{PACKAGE}/__init__.py": "\n"}, package=PACKAGE, inputs="")
    assert str(caught.value) == f"{lock}: #: the lock file {problem}; refusing to use it (remove it if it is not yours)"
    assert victim.read_text() == "keep" and not (out / PACKAGE).exists()


def test_a_second_run_waits_for_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_module, "LOCK_WAIT_SECONDS", 0.3)
    out = tmp_path / "out"
    out.mkdir()
    with write_module.locked(out, PACKAGE), pytest.raises(GeneratorError) as caught:
        write_module.write(out, {f"{PACKAGE}/__init__.py": "\n"}, package=PACKAGE, inputs="")
    assert "another generator run" in str(caught.value)


def test_paths_are_checked_to_stay_inside(tmp_path: Path) -> None:
    for bad in ("../escape.py", "/etc/passwd", f"{PACKAGE}/../../x.py", "", f"{PACKAGE}/nul\x00.py"):
        with pytest.raises(GeneratorError):
            write(tmp_path / "out", {bad: "x = 1\n"}, package=PACKAGE, inputs="")
    assert not (tmp_path / "escape.py").exists()


# --- write failures ---------------------------------------------------------------------------------------------


def test_an_output_path_that_is_a_file_is_reported_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.write_text("a file\n")
    assert _generate(capsys, tmp_path, out=out) == (1, [f"{out}: #: cannot write: not a folder"])
    assert out.read_text() == "a file\n"


@pytest.mark.parametrize(
    ("code", "steps", "reason"),
    [
        (errno.EROFS, frozenset(STEPS), "read-only file system"),
        (errno.ENOSPC, frozenset({"create"}), "no space left on device"),
        (errno.EACCES, frozenset({"mkdir", "create", "open_lock"}), "permission denied"),
    ],
)
def test_a_file_system_that_refuses_writes_is_reported_not_an_internal_error(
    code: int,
    steps: frozenset[str],
    reason: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(write_module, "disk", refusing(code, steps))
    assert _generate(capsys, tmp_path, out=out) == (1, [f"{out}: #: cannot write: {reason}"])


def _read_only_mounts() -> bool:
    """True where this process can make a private read-only bind mount (root, with unshare)."""
    if not shutil.which("unshare") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _read_only_mounts(), reason="needs root and unshare for a private read-only mount")
def test_a_real_read_only_file_system_is_reported_not_an_internal_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    spec = _spec_file(tmp_path)
    generate = shlex.join([sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out)])
    script = (
        f"mount --bind {shlex.quote(str(out))} {shlex.quote(str(out))} && "
        f"mount -o remount,ro,bind {shlex.quote(str(out))} && {generate} --package {PACKAGE}"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert (done.returncode, done.stderr) == (1, f"{out}: #: cannot write: read-only file system\n")
    assert list(out.iterdir()) == []


def test_a_full_disk_while_staging_names_the_file_and_keeps_the_old_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _generate(capsys, tmp_path)[0] == 0
    package = tmp_path / "out" / PACKAGE
    before = tree(package)

    def full(name: str, args: tuple[Any, ...]) -> None:
        if ".staging-" in str(args[0]):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[0]))

    monkeypatch.setattr(write_module, "disk", Faulty(fault=full, every=frozenset({"create"})))
    code, err = _generate(capsys, tmp_path, title="Bigger")
    assert code == 1 and len(err) == 1
    file, _, message = err[0].partition(": #: ")
    assert Path(file).parent == package and message == "cannot write: no space left on device"
    assert tree(package) == before
    assert not [p for p in (tmp_path / "out").iterdir() if ".staging-" in p.name]


def test_a_300_character_package_name_is_reported_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, name = tmp_path / "out", "p" * 300
    code, err = _cli(capsys, "generate", "--spec", _spec_file(tmp_path), "--out", out, "--package", name)
    assert code == 1 and len(err) == 1
    assert err[0].startswith(f"{out / name}: #: cannot write: the package name is 300 characters; this file system")
    assert not out.exists()


def test_recover_into_a_folder_is_reported_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _cli(capsys, "recover", HERE / "base.yaml", "-o", tmp_path)
    assert (code, err) == (1, [f"{tmp_path}: #: cannot write: it is a folder; name a file to write to"])


# --- cache tampering --------------------------------------------------------------------------------------------


def _plant(cache: Path, code: bytes) -> int:
    """Every format-cache entry rewritten as a forger without the secret would: `code`, under a fresh checksum."""
    entries = [p for p in (cache / "format").rglob("*") if p.is_file()]
    for path in entries:
        path.write_bytes(hashlib.sha256(code).hexdigest().encode() + b"\n" + code)
    return len(entries)


def test_a_tampered_cache_entry_never_reaches_models_py(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sentinel = tmp_path / "ran"
    first, second = tmp_path / "first", tmp_path / "second"
    assert _generate(capsys, tmp_path, out=first)[0] == 0
    assert _plant(cache_dir(), f"import os\nos.system('touch {sentinel}')\n".encode()) > 0
    assert _generate(capsys, tmp_path, out=second)[0] == 0
    generated = {p.relative_to(second).as_posix(): p.read_text("utf-8") for p in second.rglob("*.py")}
    assert not [p for p, text in generated.items() if "os.system" in text]
    assert generated == {p.relative_to(first).as_posix(): p.read_text("utf-8") for p in first.rglob("*.py")}
    spec = tmp_path / "spec.json"
    assert _cli(capsys, "check", "--full", "--spec", spec, "--out", second, "--package", PACKAGE)[0] == 0
    assert not sentinel.exists()


def test_check_full_sees_planted_code_that_a_tampered_cache_agrees_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack in full: the same code planted in the committed package and in a shared CI cache."""
    out = tmp_path / "out"
    assert _generate(capsys, tmp_path, out=out)[0] == 0
    planted = b"import os\nos.system('echo owned')\n"
    _plant(cache_dir(), planted)
    for path in out.rglob("*.py"):
        path.write_bytes(planted)
    capsys.readouterr()
    assert (
        main(["check", "--full", "--spec", str(tmp_path / "spec.json"), "--out", str(out), "--package", PACKAGE]) == 1
    )
    assert f"{out / PACKAGE / 'models.py'}" in capsys.readouterr().out


# --- git revisions ----------------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the spec at api.json, and a folder."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "api.json").write_text(json.dumps(hostile_spec("title", "Git"), indent=2), "utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "notes.md").write_text("notes\n", "utf-8")
    for command in (["init", "-q"], ["add", "api.json", "docs"], ["commit", "-q", "-m", "spec"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *command], cwd=root, check=True)
    return root


def test_a_git_revision_cannot_pass_options_to_git(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victims = tmp_path / "victims"
    victims.mkdir()
    (victims / "file:api.json").write_text("keep")
    for rev in (f"--output={victims}/file", f"--output={victims}/new", "-p", "--textconv"):
        source = f"git:{rev}:api.json"
        code, err = _cli(capsys, "diff", source, repo / "api.json", "--root", repo)
        assert (code, err) == (1, [f"{source}: #: {rev!r} is not a revision: a revision never starts with '-'"])
    assert sorted(p.name for p in victims.iterdir()) == ["file:api.json"]
    assert (victims / "file:api.json").read_text() == "keep"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("git:HEAD:/etc/passwd", "'/etc/passwd' is not a path inside the repository"),
        ("git:HEAD:../outside.json", "'../outside.json' is not a path inside the repository"),
        ("git:HEAD\x00:api.json", "a revision or path with a control character cannot name a spec in git"),
        ("git:HEAD:api\n.json", "a revision or path with a control character cannot name a spec in git"),
        ("git:HEAD:docs", "cannot read it from git: 'docs' is not in 'HEAD'"),
    ],
)
def test_git_paths_are_checked_before_git_runs(
    source: str, problem: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _cli(capsys, "diff", source, repo / "api.json", "--root", repo)
    assert code == 1 and len(err) == 1 and err[0].endswith(problem), err


def test_a_git_revision_still_reads_the_spec(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["diff", "git:HEAD:api.json", str(repo / "api.json"), "--root", str(repo)]) == 0
    assert "git:HEAD:api.json" in capsys.readouterr().out


# --- inputs that never end, NULs and lone surrogates ------------------------------------------------------------


def _subprocess(*argv: str | Path, timeout: float, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in a fresh interpreter, bounded in time and, if `memory` is given, in address space."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "generator", *map(str, argv)]

    def bounded() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False, preexec_fn=bounded
    )


def test_a_spec_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A sparse 10 GiB file costs no disk; a run that read it whole would need 10 GiB of memory, so the run gets
    1 GiB of address space, and must still answer with the limit."""
    spec = tmp_path / "huge.yaml"
    with open(spec, "wb") as stream:
        stream.truncate(10 * 1024**3)
    done = _subprocess(
        "generate", "--spec", spec, "--out", tmp_path / "out", "--package", PACKAGE, timeout=60, memory=1 << 30
    )
    message = f"{spec}: #: the spec is {10 * 1024**3} bytes; the limit is {64 * 1024 * 1024}\n"
    assert (done.returncode, done.stderr) == (1, message)


def test_dev_zero_as_spec_is_refused_before_it_is_read(tmp_path: Path) -> None:
    started = time.monotonic()
    done = _subprocess(
        "generate", "--spec", "/dev/zero", "--out", tmp_path / "out", "--package", PACKAGE, timeout=60, memory=1 << 30
    )
    assert (done.returncode, done.stderr) == (1, "/dev/zero: #: cannot read the spec: not a regular file\n")
    assert time.monotonic() - started < 30 and not (tmp_path / "out").exists()


def test_a_fifo_as_spec_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = _subprocess("generate", "--spec", fifo, "--out", tmp_path / "out", "--package", PACKAGE, timeout=60)
    assert (done.returncode, done.stderr) == (1, f"{fifo}: #: cannot read the spec: not a regular file\n")
    assert time.monotonic() - started < 30


UNENCODABLE = {
    "nul.yaml": ('  description: "bad \\0 here"', 5, "a NUL character at offset 4"),
    "surrogate.yaml": ('  description: "bad \\ud800 here"', 5, "a lone surrogate (invalid Unicode) at offset 4"),
    "nul.json": ('  "description": "bad \\u0000 here"},', 5, "a NUL character at offset 4"),
    "surrogate.json": ('  "description": "bad \\ud800 here"},', 5, "a lone surrogate (invalid Unicode) at offset 4"),
}


@pytest.mark.parametrize("name", sorted(UNENCODABLE))
def test_a_nul_or_lone_surrogate_is_refused_at_its_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line, number, problem = UNENCODABLE[name]
    if name.endswith(".yaml"):
        text = f'openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\n{line}\npaths: {{}}\n'
    else:
        text = f'{{"openapi": "3.0.3",\n"info": {{\n  "title": "t",\n  "version": "1",\n{line}\n"paths": {{}}}}\n'
    spec = tmp_path / name
    spec.write_text(text, "utf-8")
    code, err = _cli(capsys, "generate", "--spec", spec, "--out", tmp_path / "out", "--package", PACKAGE)
    assert code == 1 and len(err) == 1
    assert err[0].startswith(f"{spec}:{number}: #/info/description: {problem} of "), err


def test_a_raw_nul_byte_in_yaml_is_refused_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "raw-nul.yaml"
    spec.write_bytes(b'openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\n  description: bad \x00 here\npaths: {}\n')
    code, err = _cli(capsys, "generate", "--spec", spec, "--out", tmp_path / "out", "--package", PACKAGE)
    assert code == 1 and len(err) == 1 and err[0].startswith(f"{spec}:5: "), err


# --- fault injection at every step of the swap ------------------------------------------------------------------


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """One spec rendered three times over (files changed, added in a subfolder and dropped, inside the package and
    beside it), and the output folder as a user left it after the first."""
    tmp = tmp_path_factory.mktemp("versions")
    rendered: dict[str, dict[str, str]] = {}
    for name, title, distribution in (("old", "Before", True), ("new", "After", True), ("third", "Later", False)):
        path = tmp / f"{name}.json"
        path.write_text(json.dumps(hostile_spec("title", title)), "utf-8")
        target = with_flags(ad_hoc([path], out=tmp, package=PACKAGE), validate=False, distribution=distribution)
        rendered[name] = dict(run(target).files)
    rendered["old"][f"{PACKAGE}/legacy.py"] = "# dropped by the next version\n"
    rendered["old"]["legacy.cfg"] = "[dropped by the next version]\n"
    rendered["new"][f"{PACKAGE}/parts/extra.py"] = "# added, in a subfolder\n"
    rendered["third"][f"{PACKAGE}/parts/extra.py"] = "# changed again\n"
    # pyproject.toml depends on the package name alone; a bump stands in for an edit of its template.
    rendered["new"]["pyproject.toml"] += "# bumped\n"
    return rendered


# Each kind of change a write makes to the disk when it replaces a package the user has added to.
EVERY_KIND = frozenset({"open_lock", "create", "replace", "mkdir", "link", "chmod", "exchange", "rmtree", "unlink"})


class Swap:
    """A user's output folder at the old version, and the trees clean runs leave for the new and the third."""

    def __init__(self, root: Path, versions: dict[str, dict[str, str]]) -> None:
        self.versions = versions
        self.old = root / "old"
        write(self.old, versions["old"], package=PACKAGE, inputs="old")
        package = self.old / PACKAGE
        (package / "notes.md").write_text("the user's\n")
        (package / "mine").mkdir()
        (package / "mine").chmod(0o750)
        (package / "data").symlink_to("../elsewhere")
        (self.old / "README.txt").write_text("the project's own\n")
        package.chmod(0o700)
        self.trees = {"old": tree(self.old)}
        clean = copy(self.old, root / "clean")
        for version in ("new", "third"):
            write(clean, versions[version], package=PACKAGE, inputs=version)
            self.trees[version] = tree(clean)
        self.packages = [_inside(self.trees[v], PACKAGE) for v in ("old", "new")]
        assert self.packages[0] != self.packages[1]

    def run(self, out: Path, version: str = "new") -> Callable[[], object]:
        return lambda: write(out, self.versions[version], package=PACKAGE, inputs=version)

    def assert_old_or_new(self, out: Path, what: str) -> None:
        """The package is the old one or the new one, exactly; so is each file beside it; the user's are untouched."""
        seen = tree(out)
        assert _inside(seen, PACKAGE) in self.packages, f"{what}: the package is neither the old nor the new one"
        for path in ("pyproject.toml", "legacy.cfg", "README.txt"):
            assert seen.get(path) in (self.trees["old"].get(path), self.trees["new"].get(path)), (what, path)

    def assert_repaired(self, out: Path, what: str) -> None:
        """The next run, whichever version it writes, leaves exactly what clean runs leave, and nothing spare."""
        for version in ("new", "third"):
            again = copy(out, out.parent / f"{out.name}-then-{version}")
            write(again, self.versions[version], package=PACKAGE, inputs=version)
            assert tree(again) == self.trees[version], f"{what}: the next run ({version}) left another tree"
            shutil.rmtree(again)


@pytest.fixture(scope="module")
def swap(versions: dict[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Swap:
    return Swap(tmp_path_factory.mktemp("swap"), versions)


def copy(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination, symlinks=True)
    return destination


def _inside(found: dict[str, tuple[Any, ...]], folder: str) -> dict[str, tuple[Any, ...]]:
    return {
        ("." if path == folder else path.removeprefix(f"{folder}/")): entry
        for path, entry in found.items()
        if path == folder or path.startswith(f"{folder}/")
    }


def _describe(steps: list[tuple[str, str]], k: int) -> str:
    name, path = steps[k - 1]
    return f"step {k} of {len(steps)} ({name} {Path(path).name})"


def test_a_kill_at_any_step_of_the_swap_leaves_the_old_or_the_new_package(swap: Swap, tmp_path: Path) -> None:
    steps = steps_of(swap.run(copy(swap.old, tmp_path / "counted")))
    assert {name for name, _ in steps} >= EVERY_KIND
    for k in range(1, len(steps) + 1):
        out = copy(swap.old, tmp_path / f"killed-{k}")
        assert killed_at(k, swap.run(out)), f"the run finished before step {k}"
        swap.assert_old_or_new(out, f"killed at {_describe(steps, k)}")
        swap.assert_repaired(out, f"killed at {_describe(steps, k)}")
        shutil.rmtree(out)
    assert not killed_at(len(steps) + 1, swap.run(copy(swap.old, tmp_path / "whole")))


def test_a_failure_at_any_step_of_the_swap_is_reported_and_leaves_the_old_or_the_new_package(
    swap: Swap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = steps_of(swap.run(copy(swap.old, tmp_path / "counted")))
    assert {name for name, _ in steps} >= EVERY_KIND
    reported = 0
    for k in range(1, len(steps) + 1):
        what = f"failed at {_describe(steps, k)}"
        out = copy(swap.old, tmp_path / f"failed-{k}")
        monkeypatch.setattr(write_module, "disk", Faulty(k, fail))
        try:
            swap.run(out)()
        except GeneratorError as exc:
            (diagnostic,) = exc.diagnostics
            assert diagnostic.message == "cannot write: injected fault", what
            assert not re.search(r"\.(staging|previous|tmp)-", diagnostic.file), f"{what}: {diagnostic.file}"
            reported += 1
        monkeypatch.setattr(write_module, "disk", Disk())
        swap.assert_old_or_new(out, what)
        swap.assert_repaired(out, what)
        shutil.rmtree(out)
    # Only the clean-up after the new package is in (removing the old one, and the lock) may fail silently.
    assert reported >= len(steps) - 2


def test_without_an_atomic_exchange_the_next_run_undoes_a_kill_between_the_renames(swap: Swap, tmp_path: Path) -> None:
    steps = steps_of(swap.run(copy(swap.old, tmp_path / "counted")), exchange=False)
    assert [name for name, _ in steps].count("rename") == 2 and "exchange" not in {name for name, _ in steps}
    without_package = 0
    for k in range(1, len(steps) + 1):
        what = f"killed at {_describe(steps, k)}"
        out = copy(swap.old, tmp_path / f"killed-{k}")
        assert killed_at(k, swap.run(out), exchange=False)
        if not (out / PACKAGE).exists():
            without_package += 1
            (backup,) = [p for p in out.iterdir() if p.name.startswith(f".{PACKAGE}.previous-")]
            assert tree(backup) == swap.packages[0], what
            recover_interrupted(out, PACKAGE)
        swap.assert_old_or_new(out, what)
        swap.assert_repaired(out, what)
        shutil.rmtree(out)
    assert without_package == 1, "only a kill between the two renames finds no package"


def test_a_kill_during_a_first_generation_leaves_no_package_or_the_whole_one(swap: Swap, tmp_path: Path) -> None:
    new = swap.versions["new"]

    def first(out: Path) -> Callable[[], object]:
        return lambda: write(out, new, package=PACKAGE, inputs="new")

    clean = tmp_path / "clean"
    steps = steps_of(first(clean))
    assert "rename_new" in {name for name, _ in steps} and steps[0][0] == "mkdir"
    expected = tree(clean)
    for k in range(1, len(steps) + 1):
        out = tmp_path / f"killed-{k}" / "out"
        out.parent.mkdir()
        assert killed_at(k, first(out))
        assert tree(out / PACKAGE) in ({}, _inside(expected, PACKAGE)), f"killed at {_describe(steps, k)}"
        first(out)()
        assert tree(out) == expected, f"killed at {_describe(steps, k)}"
