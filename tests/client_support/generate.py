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
from generator.spec.openapi import preferred_media
from generator.config import Target, ad_hoc
from generator.format import format_files
from generator.ir import Operation, Package, Resource
from generator.models import generate_models
from generator.spec import load_spec
from generator.render import render

REPO = Path(__file__).resolve().parents[2]
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


_CACHE: dict[str, Generated] = {}


def generate(spec: Path, package: str, *, target: Target | None = None) -> Generated:
    """The package for `spec`, written once per test session under a temporary folder and imported."""
    if package not in _CACHE:
        _CACHE[package] = _generate(spec, package, target)
    return _CACHE[package]


def _generate(spec: Path, package: str, target: Target | None) -> Generated:
    target = replace(target, package=package, out=_OUT) if target else ad_hoc([spec], out=_OUT, package=package)
    doc = load_spec(target.specs)
    models = generate_models(doc.data, file=doc.file)
    ir = build(doc.data, models, target=target, spec_sha256=doc.sha256, file=doc.file)
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
    )


def spec_operation(spec: dict[str, Any], op: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """The path item and operation object an IR operation was built from."""
    path = ast.literal_eval(op.path_literal)
    method = ast.literal_eval(op.method_literal).lower()
    item = spec["paths"][path]
    return item, item[method]


def operations(gen: Generated) -> list[tuple[Resource, Operation]]:
    return [(r, op) for r in gen.package.client.resources for op in r.operations]


def deref(spec: dict[str, Any], value: Any) -> Any:
    from generator.spec.pointer import resolve

    for _ in range(20):
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            break
        value = resolve(spec, value["$ref"])
    return value


def arguments(gen: Generated, resource: Resource, op: Operation, *, full: bool = True) -> dict[str, Any]:
    """Keyword arguments for one call, built from the spec's schemas and decoded into the method's types."""
    serde = importlib.import_module(f"{gen.module.__name__}._serde")
    cls = getattr(gen.client, resource.class_name)
    hints = typing.get_type_hints(getattr(cls, op.name), vars(gen.client))
    item, spec_op = spec_operation(gen.spec, op)
    declared = {}
    for raw in [*(item.get("parameters") or []), *(spec_op.get("parameters") or [])]:
        param = deref(gen.spec, raw)
        declared[(param["in"], param["name"])] = param
    args: dict[str, Any] = {}
    for p in op.params:
        if not (p.required or full):
            continue
        param = declared[(p.location, ast.literal_eval(p.wire_literal))]
        value = example_value(gen.spec, param.get("schema"), full=full)
        args[p.python_name] = serde.decode(hints[p.python_name], value)
    if op.body is not None:
        request = deref(gen.spec, spec_op.get("requestBody"))
        _, _, media_object = preferred_media(request["content"]) or ("", "", {})
        schema = media_object.get("schema")
        if op.body.encoding == "bytes":
            args["body"] = b"\x00raw body\xff"
        elif op.body.encoding == "text":
            args["body"] = "text body"
        elif op.body.fields:
            model_name = op.body.type_hint.removeprefix("_models.").removesuffix(" | None")
            model = getattr(gen.models, model_name).from_dict(example_value(gen.spec, schema, full=full))
            for f in op.body.fields:
                if f.required or full:
                    args[f.python_name] = getattr(model, f.field_name)
        else:
            args["body"] = serde.decode(hints["body"], example_value(gen.spec, schema, full=full))
    return args
