"""One hostile field per spec: it generates or fails cleanly, spec text stays in string constants, nothing runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.config import ad_hoc, with_flags
from generator.errors import GeneratorError
from generator.pipeline import run
from generator.write import write
from tests.adversarial import FIELDS, HERE, REFS, audit, hostile_spec, payload, ref_spec

PACKAGE = "hostile_client"


def generate(spec: dict[str, Any] | Path, tmp: Path, *, validate: bool = False) -> dict[str, str]:
    """Generate into tmp/out (lenient by default: hostile text is often invalid OpenAPI, and must still be safe)."""
    if isinstance(spec, dict):
        path = tmp / "spec.json"
        path.write_text(json.dumps(spec), "utf-8")
    else:
        path = spec
    target = with_flags(ad_hoc([path], out=tmp / "out", package=PACKAGE), validate=validate, distribution=False)
    result = run(target)
    write(tmp / "out", result.files, package=PACKAGE, inputs=result.spec_sha256)
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
        for attribute in vars(client).values():
            kind = type(attribute)
            if not kind.__module__.startswith("hostile_client") or not kind.__name__.endswith("Resource"):
                continue
            for method_name in dir(attribute):
                method = getattr(attribute, method_name)
                if method_name.startswith("_") or not callable(method) or method_name == "with_raw_response":
                    continue
                params = inspect.signature(method).parameters
                args = {p: "x" for p, v in params.items() if v.default is v.empty and v.kind == v.KEYWORD_ONLY}
                optional = [p for p in params if p not in args and p not in ("timeout", "max_retries", "extra_headers")]
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


# --- the output folder ------------------------------------------------------------------------------------


def test_refuses_a_symlink_out_of_the_output_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / PACKAGE).symlink_to(outside, target_is_directory=True)
    with pytest.raises(GeneratorError) as caught:
        generate(hostile_spec("title", "Links"), tmp_path)
    assert "symlink" in str(caught.value)
    assert list(outside.iterdir()) == []


def test_refuses_a_symlinked_file_inside_the_package(tmp_path: Path) -> None:
    generate(hostile_spec("title", "Links"), tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    models = tmp_path / "out" / PACKAGE / "models.py"
    models.unlink()
    models.symlink_to(victim)
    spec = hostile_spec("title", "Links again")
    with pytest.raises(GeneratorError):
        generate(spec, tmp_path)
    assert victim.read_text() == "keep"


def test_paths_are_checked_to_stay_inside(tmp_path: Path) -> None:
    for bad in ("../escape.py", "/etc/passwd", f"{PACKAGE}/../../x.py", ""):
        with pytest.raises(GeneratorError):
            write(tmp_path / "out", {bad: "x = 1\n"}, package=PACKAGE, inputs="")
    assert not (tmp_path / "escape.py").exists()


def test_a_second_run_waits_for_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import write as write_module

    monkeypatch.setattr(write_module, "LOCK_WAIT_SECONDS", 0.3)
    out = tmp_path / "out"
    out.mkdir()
    with write_module.locked(out, PACKAGE), pytest.raises(GeneratorError) as caught:
        write_module.write(out, {f"{PACKAGE}/__init__.py": "\n"}, package=PACKAGE, inputs="")
    assert "another generator run" in str(caught.value)


def test_a_killed_run_leaves_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import write as write_module

    before = generate(hostile_spec("title", "Before"), tmp_path)
    package = tmp_path / "out" / PACKAGE
    snapshot = {p.name: p.read_bytes() for p in package.iterdir()}
    real_rename = os.rename

    def killed(source: Any, destination: Any) -> None:
        if Path(destination) == package:
            raise KeyboardInterrupt  # the run dies between moving the old folder aside and putting the new one in
        real_rename(source, destination)

    monkeypatch.setattr(write_module.os, "rename", killed)
    files = dict(before)
    files[f"{PACKAGE}/models.py"] = "x = 2\n"
    with pytest.raises(KeyboardInterrupt):
        write_module.write(tmp_path / "out", files, package=PACKAGE, inputs="other")
    monkeypatch.setattr(write_module.os, "rename", real_rename)
    write_module.recover_interrupted(tmp_path / "out", PACKAGE)
    assert {p.name: p.read_bytes() for p in package.iterdir()} == snapshot
