"""Schema pointer → the Python type the client module spells: the engine's hint for every schema, qualified.

The single authority from schema to type is the model engine (see models/): it types the component schemas
and, through the slot carrier, every schema an operation uses directly. This module only reads its answers
and spells them for the client module, where models live behind `_models.` and the standard library behind
its module names; it never derives a type from a schema itself."""

from __future__ import annotations

import ast
from collections.abc import Collection
from typing import Final

from .. import encode
from ..errors import fail
from ..models import ModelField, Models

# Where the names the engine imports into the models module come from, as the client module spells them.
_MODULES: Final = {"datetime": "datetime", "uuid": "uuid", "typing": "typing", "decimal": "decimal"}


class Types:
    def __init__(self, models: Models, *, file: str) -> None:
        self.models = models
        self.file = file
        self.model_names = frozenset(models.fields) | frozenset(models.enums) | models.aliases
        self._cache: dict[str, str] = {}

    def of(self, pointer: str) -> str:
        """The client-module hint for the schema an operation uses at `pointer` (a parameter's, body's or
        response's). Every such schema was typed by the engine; a missing one is a generator bug, reported."""
        hint = self.models.hints.get(pointer)
        if hint is None:
            raise fail(self.file, None, pointer, "the model engine gave this schema no type")
        return self.qualify(hint)

    def qualify(self, hint: str) -> str:
        """A hint from the models module, rewritten for the client module's imports."""
        cached = self._cache.get(hint)
        if cached is None:
            tree = ast.parse(hint, mode="eval")
            try:
                cached = self._cache[hint] = encode.expression(_Qualifier(self).visit(tree))
            except _Unnamed as exc:  # a name the client module would use without importing it
                raise fail(self.file, None, "#/components/schemas", str(exc)) from None
        return cached

    def model(self, hint: str) -> str | None:
        """The dataclass a hint names, alone or with `| None`; None for anything else."""
        name = hint.removeprefix("_models.").removesuffix(" | None")
        return name if name in self.models.fields else None

    def fields(self, model: str) -> tuple[ModelField, ...]:
        return self.models.all_fields(model)

    def enum_members(self, name: str) -> dict[object, str]:
        return self.models.enums.get(name, {})

    def element(self, hint: str) -> str | None:
        """The item hint of a client-module list hint (`list[X]`, alone or with `| None`); None for anything else."""
        tree = ast.parse(hint, mode="eval").body
        if isinstance(tree, ast.BinOp) and isinstance(tree.right, ast.Constant) and tree.right.value is None:
            tree = tree.left
        if isinstance(tree, ast.Subscript) and isinstance(tree.value, ast.Name) and tree.value.id == "list":
            return encode.expression(tree.slice)
        return None

    def shadow_safe(self, hint: str, shadowed: Collection[str]) -> str:
        """The hint as a class body must spell it when methods of that class are named like builtins it uses
        (a method `list` makes a later `list[X]` in the class mean the method): `builtins.list[X]`."""
        if not shadowed:
            return hint
        tree = ast.parse(hint, mode="eval")
        if not any(isinstance(n, ast.Name) and n.id in shadowed for n in ast.walk(tree)):
            return hint
        return encode.expression(_Builtins(frozenset(shadowed)).visit(tree))


class _Builtins(ast.NodeTransformer):
    def __init__(self, shadowed: frozenset[str]) -> None:
        self.shadowed = shadowed

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.shadowed:
            return ast.Attribute(ast.Name("builtins", ast.Load()), node.id, ast.Load())
        return node


class _Unnamed(Exception):
    pass


class _Qualifier(ast.NodeTransformer):
    def __init__(self, types: Types) -> None:
        self.types = types

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.types.model_names:
            return ast.Attribute(ast.Name("_models", ast.Load()), node.id, ast.Load())
        origin = self.types.models.imports.get(node.id)
        if origin is not None:
            module, _, name = origin.rpartition(".")
            if module == "builtins":  # imported under another name where a field is named like it (`str`)
                return ast.Name(name, ast.Load())
            if module not in _MODULES:
                raise _Unnamed(f"the model engine typed a value as {origin}, which the client cannot name")
            return ast.Attribute(ast.Name(_MODULES[module], ast.Load()), name, ast.Load())
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        return node  # string literals inside Literal[...] stay as they are
