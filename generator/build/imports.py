"""Client IR → what its module imports: exactly the names it uses (ruff's F401 applies to generated code too)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from typing import Final

from .. import assets
from ..ir import Client, Imports, Operation

# Standard-library modules a hint may name (`datetime.date`, `typing.Any`, `builtins.list`).
_MODULES = ("builtins", "datetime", "decimal", "typing", "uuid")


# What the package root re-exports from the runtime, for annotations users write (CONTRACT.md, section 6).
_ROOT: Final = (
    ("._files", ("FileTypes",)),
    ("._http", ("ApiResponse", "AsyncApiResponse", "AsyncPage", "AsyncPaginator", "AsyncStream", "Stream", "SyncPage")),
    ("._serde", ("NULL",)),
    ("._streaming", ("ServerSentEvent",)),
)


@functools.cache
def _public(module: str) -> tuple[str, ...]:
    """A runtime module's `__all__`, read from its source (the generator does not import the runtime)."""
    tree = ast.parse((assets.RUNTIME / module).read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def runtime_names() -> frozenset[str]:
    """The public names of the runtime modules generated code imports from (`_http`, `errors`): no class the
    generator names may take one of them."""
    return frozenset(_public("_http.py")) | frozenset(_public("errors.py"))


def exports(client: Client) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The package root's imports: module → names, the clients and typed errors, every error, the runtime's types."""
    own = sorted([client.class_name, client.async_class_name, *(e.class_name for e in client.error_types)])
    return (*_ROOT, (".client", tuple(own)), (".errors", _public("errors.py")))


def isort_key(name: str) -> tuple[int, str]:
    """isort's (and ruff's) order: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def imports(client: Client) -> Imports:
    operations = [*client.operations, *(op for r in client.resources for op in r.operations)]
    used: set[str] = set()
    for hint in set(_hints(client, operations)):  # each distinct hint read once: most repeat many times
        used.update(n.id for n in ast.walk(ast.parse(hint, mode="eval")) if isinstance(n, ast.Name))
    runtime = {
        "DEFAULT_MAX_RESPONSE_BYTES",
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
        "SyncClientBase",
        "AsyncClientBase",
    }
    runtime |= used & runtime_names()
    from_typing: set[str] = set()
    if operations:
        runtime |= {"Endpoint", "RequestOptions"}
        from_typing.add("TYPE_CHECKING")
        runtime |= {"to_raw_response_wrapper", "to_streamed_response_wrapper"}
        runtime |= {"async_to_raw_response_wrapper", "async_to_streamed_response_wrapper"}
    if client.resources:
        runtime |= {"SyncResource", "AsyncResource"}
    for op in operations:
        runtime |= {"Param"} if any(a.location for a in op.arguments) else set()
        runtime |= {"Body"} if op.body else set()
        runtime |= {"Sse"} if op.sse else set()
        runtime |= {op.pager.class_name} if op.pager else set()
        from_typing |= {"Literal", "overload"} if op.overloads else set()
    runtime |= {"ApiKey" if s.kind == "api_key" else s.kind.capitalize() for s in client.schemes}
    return Imports(
        modules=tuple(sorted(used & set(_MODULES))),
        typing=tuple(sorted(from_typing, key=lambda n: (n != "TYPE_CHECKING", n))),
        runtime=tuple(sorted(runtime, key=isort_key)),
        errors=tuple(sorted({e.base for e in client.error_types})),
        models="_models" in used,
        cached_property=bool(operations),
    )


def _hints(client: Client, operations: list[Operation]) -> Iterator[str]:
    for op in operations:
        yield op.result_hint
        yield op.item_hint
        for signature in (op.signature, op.async_signature, *op.overloads, *op.async_overloads):
            yield signature.returns
            yield from (hint for _, hint, _ in signature.arguments)
        yield from (r.type_hint for r in (*op.responses, *op.errors))
        if op.sse:
            yield op.sse.item_hint
    for error in client.error_types:
        yield error.parsed_hint
