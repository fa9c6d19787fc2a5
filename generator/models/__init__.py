"""Valid spec → models module + what it defines: every schema's class or type hint, from one engine
(datamodel-code-generator), driven through `hoist` (its input), `engine` (the run) and `source` (its output)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..background import Background, can_fork
from ..errors import GeneratorError, fail
from . import engine, hoist, parts, source
from .source import Field as ModelField

__all__ = ["ModelField", "Models", "generate_models", "models_from_plan", "plan_models"]

_Answer = tuple[str, dict[str, Any]]  # the engine's module and metadata

# A document without component schemas still gets a models module, so that every package has the same shape.
EMPTY = "from __future__ import annotations\n\nfrom ._serde import Model as _Model  # noqa: F401\n"


@dataclass(frozen=True)
class Models:
    """The models module's source, and for every schema the class or type hint the engine gave it."""

    source: str
    classes: dict[str, str] = field(default_factory=dict)  # spec pointer of a schema → class or alias name
    hints: dict[str, str] = field(default_factory=dict)  # spec pointer of an operation's schema → type hint
    fields: dict[str, tuple[ModelField, ...]] = field(default_factory=dict)  # dataclass → own fields, in order
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # dataclass → its model bases
    enums: dict[str, dict[Any, str]] = field(default_factory=dict)  # enum → wire value → member
    aliases: frozenset[str] = frozenset()  # names bound as type aliases
    imports: dict[str, str] = field(default_factory=dict)  # name used in hints → dotted origin

    def all_fields(self, cls: str) -> tuple[ModelField, ...]:
        """A dataclass's fields with its bases', in dataclass order (bases first; a redefinition keeps its place)."""
        merged: dict[str, ModelField] = {}
        for base in self.bases.get(cls, ()):
            merged.update((f.python_name, f) for f in self.all_fields(base))
        merged.update((f.python_name, f) for f in self.fields.get(cls, ()))
        return tuple(merged.values())


def generate_models(
    data: Mapping[str, Any],
    *,
    file: str,
    overrides: Mapping[str, str] = {},
    templates: Path | None = None,
    cache: bool = False,
) -> Models:
    """`plan_models` then `models_from_plan`: the whole stage in one call."""
    return models_from_plan(
        plan_models(data, file=file, overrides=overrides), file=file, templates=templates, cache=cache
    )


def plan_models(data: Mapping[str, Any], *, file: str, overrides: Mapping[str, str] = {}) -> hoist.Plan:
    """The engine's document, made from the spec's: every schema normalised and hoisted to a named component,
    and what the engine's components stand for in the spec. Apart from the engine's run, so that a run can make
    it while the engine is still loading elsewhere (pipeline.py)."""
    version = data.get("openapi")
    if "swagger" in data or not isinstance(version, str) or not version.startswith("3."):
        # Even in lenient mode: a Swagger 2.0 document's paths and parameters mean something else.
        where = "#/swagger" if "swagger" in data else "#/openapi"
        raise fail(file, None, where, "only OpenAPI 3.x documents can be generated, even with --no-validate")
    return hoist.plan(data, file=file, overrides=overrides)


def models_from_plan(
    plan: hoist.Plan, *, file: str, templates: Path | None = None, cache: bool = False, side_by_side: bool = False
) -> Models:
    """Run the engine on the planned document with this project's templates; with `cache`, an engine run on the
    same schemas as before is taken from the user cache (`engine.remembered`), and so is each part's finished
    module. `side_by_side`: a large document's parts run in two processes at once, where this one may fork."""
    if not plan.document["components"]["schemas"]:
        return Models(EMPTY)
    done, header, metadata = _engine(plan, file=file, templates=templates, cache=cache, side_by_side=side_by_side)
    imports = header if header is not None else list(done[0].imports)
    text, scanned = source.joined([line for line in imports if source.kept(line)], done)
    made: dict[str, list[str]] = {}
    hints: dict[str, str] = {}
    for model in metadata.get("models", []):
        if model["class_name"] == plan.carrier:
            for f in model.get("fields", []):
                origin = plan.slots.get(f["name"] if f["original_name"] is None else f["original_name"])
                if origin is not None:
                    hints[origin] = f["type"]
        else:
            made.setdefault(_origin(model["source_ref"], plan.origins), []).append(model["class_name"])
    classes = {where: _own(names) for where, names in made.items()}
    return Models(text, classes, hints, scanned.fields, scanned.bases, scanned.enums, scanned.aliases, scanned.imports)


def _own(names: list[str]) -> str:
    """The class or alias of a schema the engine made several classes for, in the order it made them. An allOf
    that holds a union is made into a class per part (`Message1`), a class per member (`Message2`, `Message3`)
    and, last, the union's alias (`Message`): the schema's own name is the one the others extend. Else the
    first: a component's class comes before the members of other schemas' unions that were made from it."""
    for name in names:
        if all(other.startswith(name) for other in names):
            return name
    return names[0]


def _optional(metadata: dict[str, Any], plan: hoist.Plan) -> dict[str, frozenset[str]]:
    """The discriminator fields the schemas behind the run's classes do not require, by class."""
    return {
        model["class_name"]: frozenset(plan.optional_tags[model["source_ref"]])
        for model in metadata.get("models", [])
        if model.get("source_ref") in plan.optional_tags
    }


def _finished(
    raw: str, *, carrier: str, file: str, optional: dict[str, frozenset[str]], cache: bool
) -> source.Finished:
    """`source.finished` for one module of the engine's; with `cache`, remembered by its text and the tags it
    is given, so that an edit finishes again only the part it ran."""
    if not cache:
        return source.finished(raw, carrier=carrier, file=file, optional_tags=optional)
    from .. import fingerprint
    from ..cache import Cache

    tags = json.dumps({name: sorted(fields) for name, fields in sorted(optional.items())})
    entry = fingerprint.digest("finished", fingerprint.code(), carrier, tags, raw)
    store = Cache()
    hit = store.get("finished", entry)
    if hit is not None:
        with contextlib.suppress(ValueError, TypeError, KeyError):
            return source.thawed(json.loads(hit))
    done = source.finished(raw, carrier=carrier, file=file, optional_tags=optional)
    with contextlib.suppress(ValueError, TypeError):  # a value JSON cannot hold: finished again next time
        store.put("finished", entry, json.dumps(source.frozen(done), allow_nan=True).encode("utf-8"))
    return done


@dataclass(frozen=True)
class _Part:
    """One part's run, finished: its metadata, what `parts.merge` reads of its module, and the module as
    `_finished` makes it."""

    metadata: dict[str, Any]
    piece: dict[str, Any] | None
    done: source.Finished


def _engine(
    plan: hoist.Plan, *, file: str, templates: Path | None, cache: bool, side_by_side: bool
) -> tuple[list[source.Finished], list[str] | None, dict[str, Any]]:
    """The engine's modules, finished, with the import lines they need together (None: the one module's own)
    and the metadata: one run's, or, for a large document, its independent parts' (`parts.cut_up`,
    `parts.answered`). They run one after the other, or, `side_by_side`, in two shares of about equal work, one
    of them in a forked process (`parts.shares`). When they cannot be put back together exactly, or one fails,
    the whole document runs, and says what is wrong where."""
    cut = parts.cut_up(plan)
    if cut is not None:
        answer = partial(
            parts.answered,
            cut,
            run=partial(engine.run, file=file, templates=templates),
            remembered=partial(engine.remembered, file=file, templates=templates, cache=cache),
            cache=cache and not engine.own_templates(templates),  # as the engine's own answers
        )
        finish = partial(_part, plan=plan, file=file, cache=cache)
        mine, theirs = parts.shares([cut.engine_document(groups) for groups in cut.parts])
        other = partial(_each, answer, theirs)
        apart = Background(other, other, fork=side_by_side and can_fork())
        here = there = None
        with contextlib.suppress(GeneratorError):  # the whole document's run reports it
            # This process finishes its own parts before it waits for the other share's answers: the engine's
            # time is only roughly what `shares` weighs, and the wait is often this process's to spend.
            here = [finish(found) for found in _each(answer, mine)]
        if here is not None or apart.process is not None:  # a forked run is always collected
            with contextlib.suppress(GeneratorError):
                answers = apart.result()
                there = [finish(found) for found in answers]
        if here is not None and there is not None:
            by_index = {**dict(zip(mine, here, strict=True)), **dict(zip(theirs, there, strict=True))}
            done = [by_index[index] for index in range(len(cut.parts))]
            whole = [part for part in done if part is not None]
            merged = (
                parts.merge([part.piece for part in whole], [part.metadata for part in whole])
                if len(whole) == len(done)
                else None
            )
            if merged is not None:
                return [part.done for part in whole], merged[0], merged[1]
    raw, metadata = engine.remembered(plan.document, file=file, templates=templates, cache=cache)
    optional = _optional(metadata, plan)
    return [_finished(raw, carrier=plan.carrier, file=file, optional=optional, cache=cache)], None, metadata


def _part(found: _Answer | None, *, plan: hoist.Plan, file: str, cache: bool) -> _Part | None:
    if found is None:
        return None
    raw, metadata = found
    # Finished with its own classes' tags: the same edits as with every part's (each class is defined once).
    done = _finished(raw, carrier=plan.carrier, file=file, optional=_optional(metadata, plan), cache=cache)
    return _Part(metadata, parts.piece(raw, plan.carrier, cache=cache), done)


def _each(answer: Callable[[int], _Answer | None], indexes: list[int]) -> list[_Answer | None]:
    return [answer(index) for index in indexes]


def _origin(source_ref: str, origins: dict[str, str]) -> str:
    """The spec pointer of a schema the engine knows by its place in the engine's document."""
    prefix = source_ref
    while prefix:
        if prefix in origins:
            return origins[prefix] + source_ref[len(prefix) :]
        prefix = prefix.rpartition("/")[0]
    return source_ref
