"""Generate a client package from a spec into a temporary folder, import it, and keep its IR at hand."""

from __future__ import annotations

import ast
import importlib
import sys
import tempfile
import typing
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.build import build
from generator.build.example import example_value
from generator.config import Target, ad_hoc
from generator.errors import Diagnostic
from generator.format import format_files
from generator.ir import Operation, Package
from generator.models import generate_models
from generator.render import render
from generator.spec import load_spec
from generator.spec.openapi import preferred_media

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "corpus"
SPECS = REPO / "tests" / "specs"
_OUT = Path(tempfile.mkdtemp(prefix="client-tests-"))


@dataclass(frozen=True)
class Generated:
    spec: dict[str, Any]
    package: Package
    files: dict[str, str]
    module: ModuleType  # the package
    client: ModuleType  # its client module
    models: ModuleType
    notes: tuple[Diagnostic, ...]
    root: Path  # the folder holding the package

    def serde(self) -> ModuleType:
        return importlib.import_module(f"{self.module.__name__}._serde")


_CACHE: dict[str, Generated] = {}


def generate(spec: Path, package: str, *, target: Target | None = None, validate: bool = True) -> Generated:
    """The package for `spec`, written once per test session under a temporary folder and imported."""
    if package not in _CACHE:
        _CACHE[package] = _generate(spec, package, target, validate)
    return _CACHE[package]


def _generate(spec: Path, package: str, target: Target | None, validate: bool) -> Generated:
    target = replace(target, package=package, out=_OUT) if target else ad_hoc([spec], out=_OUT, package=package)
    target = replace(target, validate=validate)
    doc = load_spec(target.specs)
    models = generate_models(doc.data, file=doc.file)
    ir = build(doc.data, models, target=target, spec_sha256=doc.sha256, file=doc.file, locate=doc.line_of)
    files = format_files(render(ir, target=target), source=doc.file)
    for relative, text in files.items():
        path = _OUT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    if str(_OUT) not in sys.path:
        sys.path.insert(0, str(_OUT))
    module = importlib.import_module(package)
    return Generated(
        doc.data,
        ir,
        files,
        module,
        importlib.import_module(f"{package}.client"),
        importlib.import_module(f"{package}.models"),
        ir.notes,
        _OUT,
    )


def spec_operation(spec: dict[str, Any], op: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """The path item and operation object an IR operation was built from."""
    path = ast.literal_eval(op.path_literal)
    method = ast.literal_eval(op.method_literal).lower()
    item = spec["paths"][path]
    return item, item[method]


def operations(gen: Generated) -> list[tuple[str, Operation]]:
    """Every operation with the attribute path of its method on a client (`items.get`, or `health`)."""
    found = [(op.name, op) for op in gen.package.client.operations]
    return found + [(f"{r.attribute}.{op.name}", op) for r in gen.package.client.resources for op in r.operations]


def method_of(client: Any, path: str) -> Any:
    for part in path.split("."):
        client = getattr(client, part)
    return client


def deref(spec: dict[str, Any], value: Any) -> Any:
    from generator.spec.pointer import resolve

    for _ in range(20):
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            break
        value = resolve(spec, value["$ref"])
    return value


def hints(gen: Generated, path: str, op: Operation) -> dict[str, Any]:
    """The method's annotations, resolved (Unpack lives under TYPE_CHECKING in the module)."""
    resource, _, _ = path.rpartition(".")
    owner = next((r for r in gen.package.client.resources if r.attribute == resource), None)
    cls = getattr(gen.client, owner.class_name if owner else gen.package.client.class_name)
    namespace = {**vars(gen.client), "Unpack": typing.Unpack}
    return typing.get_type_hints(getattr(cls, op.name), namespace)


def arguments(gen: Generated, path: str, op: Operation, *, full: bool = True) -> dict[str, Any]:
    """Keyword arguments for one call, built from the spec's schemas and decoded into the method's types."""
    serde = gen.serde()
    types = hints(gen, path, op)
    item, spec_op = spec_operation(gen.spec, op)
    declared = {}
    for raw in [*(item.get("parameters") or []), *(spec_op.get("parameters") or [])]:
        param = deref(gen.spec, raw)
        declared[(param["in"], param["name"])] = param
    body_schema = None
    if op.body is not None:
        request = deref(gen.spec, spec_op.get("requestBody"))
        _, _, media_object = preferred_media(request["content"]) or ("", "", {})
        body_schema = media_object.get("schema")
    body_value = example_value(gen.spec, body_schema, full=full) if body_schema is not None else None
    args: dict[str, Any] = {}
    for a in op.arguments:
        if not (a.required or full):
            continue
        if a.location in ("path", "query", "header", "cookie"):
            param = declared[(a.location, ast.literal_eval(a.wire_literal))]
            args[a.python_name] = serde.decode(
                types[a.python_name], example_value(gen.spec, param.get("schema"), full=full)
            )
        elif a.file:
            args[a.python_name] = ("upload.bin", b"\x00raw body\xff", "application/octet-stream")
        elif a.location == "body":
            wire = ast.literal_eval(a.wire_literal)
            if isinstance(body_value, dict) and wire in body_value:
                args[a.python_name] = serde.decode(types[a.python_name], body_value[wire])
        elif op.body is not None and op.body.kind == "text":
            args[a.python_name] = "text body"
        else:
            args[a.python_name] = serde.decode(types[a.python_name], body_value)
    return args
