"""Hostile specs, one hostile field each, and the audit every generated package must pass.

Each hostile string carries a unique marker (`PWNED_<n>`) and the payloads that have broken other generators:
quote runs that close docstrings and literals, Jinja syntax, line and paragraph separators, bidi controls, a
NUL, a trailing backslash and code that would leave a file behind if it ever ran.
"""

from __future__ import annotations

import ast
import copy
import io
import json
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
BASE: dict[str, Any] = yaml.safe_load((HERE / "base.yaml").read_text("utf-8"))
# Generated code never needs these; spec text that became code would.
FORBIDDEN_NAMES = frozenset({"__import__", "exec", "eval", "compile", "breakpoint"})
FORBIDDEN_ATTRIBUTES = frozenset({"system", "popen", "touch", "__import__"})


def payload(n: int, sentinel: Path) -> str:
    """A hostile string: if any part of it ever ran as code, `sentinel` would exist."""
    touch = f'__import__("pathlib").Path({str(sentinel)!r}).touch()'
    return (
        f"PWNED_{n}\"\"\"''' {{{{ 7*7 }}}} {{% print(1) %}}{{# c #}} \r\n\u2028\u2029\u202e\u2066\x01 "
        f'{touch}; """; {touch}; # \'; {touch} #\\'
    )


def _with(path: list[Any], value: Any) -> Callable[[dict[str, Any], str], None]:
    def mutate(spec: dict[str, Any], text: str) -> None:
        node = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value(text) if callable(value) else value

    return mutate


def _rename_key(path: list[Any], old: str, new: Callable[[str], str]) -> Callable[[dict[str, Any], str], None]:
    def mutate(spec: dict[str, Any], text: str) -> None:
        node = spec
        for key in path:
            node = node[key]
        items = list(node.items())
        node.clear()
        node.update({new(text) if k == old else k: v for k, v in items})

    return mutate


def _escape(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def _schema_name(spec: dict[str, Any], text: str) -> None:
    _rename_key(["components", "schemas"], "Item", lambda t: t)(spec, text)
    dumped = json.dumps(spec).replace(
        json.dumps("#/components/schemas/Item")[1:-1], json.dumps("#/components/schemas/" + _escape(text))[1:-1]
    )
    spec.clear()
    spec.update(json.loads(dumped))


def _property_name(spec: dict[str, Any], text: str) -> None:
    item = spec["components"]["schemas"]["Item"]
    item["properties"][text] = {"type": "string"}
    item["required"].append(text)


def _path_param(spec: dict[str, Any], text: str) -> None:
    paths = spec["paths"]
    path_item = paths.pop("/items/{item_id}")
    path_item["get"]["parameters"][0]["name"] = text
    paths["/items/{" + text + "}"] = path_item


def _tags(spec: dict[str, Any], text: str) -> None:
    spec["tags"][0] = {"name": text, "description": text}
    for item in spec["paths"].values():
        for operation in item.values():
            operation["tags"] = [text]


def _descriptions(spec: dict[str, Any], text: str) -> None:
    spec["info"]["description"] = text
    spec["tags"][0]["description"] = text
    get = spec["paths"]["/items/{item_id}"]["get"]
    get["summary"] = get["description"] = text
    get["parameters"][0]["description"] = text
    get["responses"]["200"]["description"] = text
    item = spec["components"]["schemas"]["Item"]
    item["description"] = item["title"] = text
    item["properties"]["name"]["description"] = text
    spec["components"]["schemas"]["Status"]["description"] = text


def _media_type(spec: dict[str, Any], text: str) -> None:
    get = spec["paths"]["/items/{item_id}"]["get"]
    content = get["responses"]["200"]["content"]
    content["application/" + text] = content.pop("application/json")
    body = spec["paths"]["/items"]["post"]["requestBody"]["content"]
    body["text/" + text] = {"schema": {"type": "string"}}


def _extensions(spec: dict[str, Any], text: str) -> None:
    spec["x-" + text] = text
    spec["paths"]["/items/{item_id}"]["get"]["x-" + text] = {text: text}
    spec["components"]["schemas"]["Item"]["properties"]["name"]["x-" + text] = text


def _security(spec: dict[str, Any], text: str) -> None:
    spec["components"]["securitySchemes"] = {text: {"type": "apiKey", "in": "header", "name": text}}
    spec["security"] = [{text: []}]


# name → (mutation, may the hostile text surface (made safe by names.py) in identifiers?)
FIELDS: dict[str, tuple[Callable[[dict[str, Any], str], None], bool]] = {
    "title": (_with(["info", "title"], lambda t: t), True),
    "version": (_with(["info", "version"], lambda t: t), False),
    "servers": (_with(["servers"], lambda t: [{"url": "https://api.example.com/" + t, "description": t}]), False),
    "server_variables": (
        _with(["servers"], lambda t: [{"url": "https://{host}/v1", "variables": {"host": {"default": t}}}]),
        False,
    ),
    "path_keys": (_rename_key(["paths"], "/items", lambda t: "/items/" + t), False),
    "path_params": (_path_param, True),
    "operation_ids": (_with(["paths", "/items/{item_id}", "get", "operationId"], lambda t: t), True),
    "tags": (_tags, True),
    "schema_names": (_schema_name, True),
    "property_names": (_property_name, True),
    "parameter_names": (_with(["paths", "/items/{item_id}", "get", "parameters", 1, "name"], lambda t: t), True),
    "header_parameter_names": (
        lambda spec, t: spec["paths"]["/items/{item_id}"]["get"]["parameters"].append(
            {"name": t, "in": "header", "schema": {"type": "string"}}
        ),
        True,
    ),
    "enum_values": (_with(["components", "schemas", "Status", "enum"], lambda t: ["active", t, t + "\\"]), True),
    "defaults": (
        lambda spec, t: (
            spec["components"]["schemas"]["Item"]["properties"].update({"label": {"type": "string", "default": t}}),
            spec["paths"]["/items/{item_id}"]["get"]["parameters"][1].update(
                {"schema": {"type": "string", "default": t}}
            ),
        ),
        False,
    ),
    "patterns": (_with(["components", "schemas", "Item", "properties", "name", "pattern"], lambda t: t), False),
    "descriptions": (_descriptions, False),
    "formats": (_with(["components", "schemas", "Item", "properties", "name", "format"], lambda t: t), False),
    "media_types": (_media_type, False),
    "x_extensions": (_extensions, False),
    "examples": (_with(["components", "schemas", "Item", "properties", "name", "example"], lambda t: t), False),
    "security_schemes": (_security, True),
}

# Hostile $refs: every one must be refused with a located message, strict or lenient.
REFS = {
    "dangling": lambda t: "#/components/schemas/" + _escape(t),
    "remote": lambda t: "https://example.invalid/" + t,
    "file_outside": lambda t: "../../../../etc/passwd#" + t,
    "file_beside": lambda t: "other.yaml#/components/schemas/Item",
}


def hostile_spec(field: str, text: str) -> dict[str, Any]:
    spec = copy.deepcopy(BASE)
    FIELDS[field][0](spec, text)
    return spec


def ref_spec(kind: str, text: str) -> dict[str, Any]:
    spec = copy.deepcopy(BASE)
    spec["components"]["schemas"]["Item"]["properties"]["status"] = {"$ref": REFS[kind](text)}
    return spec


# --- the audit --------------------------------------------------------------------------------------------


def audit(files: dict[str, str], marker: str, *, identifiers: bool) -> list[str]:
    """Where `marker` (spec text) appears in generated Python other than as plain string constants."""
    problems: list[str] = []
    needle = marker.lower()
    for path, text in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(text, filename=path)
        except SyntaxError as exc:
            problems.append(f"{path}:{exc.lineno}: not valid Python: {exc.msg}")
            continue
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if needle not in tok.string.lower():
                continue
            where = f"{path}:{tok.start[0]}"
            if tok.type == tokenize.STRING:
                prefix = tok.string[: len(tok.string) - len(tok.string.lstrip("rRbBuUfF"))]
                if "f" in prefix.lower():
                    problems.append(f"{where}: spec text inside an f-string")
            elif tok.type == tokenize.COMMENT:
                if not tok.string.startswith("# Generated by"):
                    problems.append(f"{where}: spec text in a comment: {tok.string[:80]!r}")
            elif tok.type == tokenize.NAME and identifiers:
                continue  # made by names.py: an identifier, checked to be one by the tokenizer
            else:
                problems.append(f"{where}: spec text in code ({tokenize.tok_name[tok.type]}): {tok.string[:80]!r}")
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and needle in ast.unparse(node).lower():
                problems.append(f"{path}:{node.lineno}: spec text inside an f-string")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                target = node.func.value
                if (
                    node.func.attr == "format"
                    and isinstance(target, ast.Constant)
                    and needle in str(target.value).lower()
                ):
                    problems.append(f"{path}:{node.lineno}: str.format over spec text")
            if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
                problems.append(f"{path}:{node.lineno}: calls {node.id}")
            elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
                problems.append(f"{path}:{node.lineno}: uses .{node.attr}")
    return problems
