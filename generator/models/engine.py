"""The engine's input document → model source and metadata: datamodel-code-generator behind one call."""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from .. import assets, fingerprint
from ..errors import GeneratorError, fail

SCHEMAS = "#/components/schemas"

# The formats whose Python type the runtime decodes and encodes back to exactly the text received
# (runtime/_serde.py: dates, date-times, times and UUIDs keep their wire text; base64 is bytes). Every other
# format the engine knows is typed as its JSON type: a value is never turned into one that cannot give it back
# (an IPv6 address re-spelled, a duration of months in days, a decimal through a float, a path normalised).
EXACT_FORMATS = {
    "string": {"date", "date-time", "time", "uuid", "uuid1", "uuid2", "uuid3", "uuid4", "uuid5", "byte", "binary"},
    "integer": {"int32", "int64"},
    "number": {"float", "double"},
}


# The smallest document the engine makes a class from. A run on it loads what any run needs: the engine imports
# a few hundred modules and compiles its templates on first use, not when it is imported.
_SMALLEST = {
    "openapi": "3.0.3",
    "info": {"title": "warm-up", "version": "0"},
    "paths": {},
    "components": {"schemas": {"Warm": {"type": "object", "properties": {"a": {"type": "string"}}}}},
}


def warm() -> None:
    """Load the engine now (a third of a second), in a process that will be handed a document later."""
    run(copy.deepcopy(_SMALLEST), file="<warm-up>")


def remembered(
    document: dict[str, Any], *, file: str, templates: Path | None = None, cache: bool = False
) -> tuple[str, dict[str, Any]]:
    """`run`, remembered in the user cache by what the engine reads: its document (`repr` tells 1, 1.0, True
    and "1" apart, and keeps the order the module follows) and the generator's fingerprint, which holds the
    engine's version and the built-in model templates. An edit that leaves every schema as it was (an
    operation's text, a path, a server) does not run the engine again. With model templates of the
    user's own, the engine always runs."""
    if not cache or own_templates(templates):
        return run(document, file=file, templates=templates)
    from ..cache import Cache

    try:
        entry = fingerprint.digest("models", fingerprint.code(), repr(document))
    except RecursionError:  # nested deeper than repr goes: the engine meets that itself, and says where
        return run(document, file=file, templates=templates)
    store = Cache()
    hit = store.get("models", entry)
    if hit is not None:
        with contextlib.suppress(ValueError, TypeError):  # an entry that is not the engine's answer: run it
            source, metadata = json.loads(hit)
            if isinstance(source, str) and isinstance(metadata, dict):
                return source, metadata
    source, metadata = run(document, file=file, templates=templates)
    store.put("models", entry, json.dumps([source, metadata]).encode("utf-8"))
    return source, metadata


def own_templates(templates: Path | None) -> bool:
    """Whether the user's templates hold model templates of their own: then what the engine gives is not
    remembered, since those files may change between two runs the cache could not tell apart."""
    return templates is not None and (templates / "models").is_dir()


def run(document: dict[str, Any], *, file: str, templates: Path | None = None) -> tuple[str, dict[str, Any]]:
    """The module datamodel-code-generator writes for the document's component schemas, with its metadata
    (each class's source pointer and fields). A `models/` folder in the user's `templates` overrides the
    built-in model templates one file at a time."""
    # Imported here: it is the heaviest stage, and a run that only checks the manifest never needs it.
    from datamodel_code_generator import DateClassType, DatetimeClassType, InputFileType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType

    with tempfile.TemporaryDirectory(prefix="generator-models-") as scratch:
        metadata_path = Path(scratch) / "metadata.json"
        folder = _templates(templates, Path(scratch) / "templates")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                source = generate(
                    document,  # as data: given text, the engine would parse a second copy of the whole document
                    input_file_type=InputFileType.OpenAPI,
                    output_model_type=DataModelType.DataclassesDataclass,
                    target_python_version=PythonVersion.PY_310,
                    custom_template_dir=folder,
                    formatters=[],
                    disable_timestamp=True,
                    snake_case_field=True,
                    keyword_only=True,
                    capitalise_enum_members=True,
                    use_subclass_enum=True,
                    use_union_operator=True,
                    use_standard_primitive_types=True,
                    use_tuple_for_fixed_items=True,
                    output_date_class=DateClassType.Date,
                    output_datetime_class=DatetimeClassType.Datetime,
                    use_schema_description=True,
                    use_field_description=True,
                    strict_nullable=True,
                    emit_model_metadata=metadata_path,
                    type_mappings=_plain_formats(),
                )
            metadata = json.loads(metadata_path.read_text("utf-8"))
        except GeneratorError:
            raise
        except RecursionError:
            raise fail(file, None, SCHEMAS, "model generation failed: the schemas nest or refer too deeply") from None
        except Exception as exc:
            raise fail(file, None, SCHEMAS, f"model generation failed: {_reason(exc)}") from None
    if not isinstance(source, str):
        raise fail(file, None, SCHEMAS, "model generation produced more than one module")
    return source, metadata


def _plain_formats() -> list[str]:
    """`type+format=type` for every format of the engine's table outside `EXACT_FORMATS`, read from the engine
    itself so that a format a newer engine learns is plain until the runtime can carry it."""
    from datamodel_code_generator.parser.schema_version import get_data_formats

    table = get_data_formats(is_openapi=True)
    return [
        f"{kind}+{name}={kind}"
        for kind in sorted(EXACT_FORMATS)
        for name in sorted(table.get(kind, {}))
        if name != "default" and name not in EXACT_FORMATS[kind]
    ]


def _templates(user: Path | None, scratch: Path) -> Path:
    """The built-in model templates, or a copy with the user's own laid over them."""
    builtin = assets.templates() / "models"
    overrides = user / "models" if user is not None else None
    if overrides is None or not overrides.is_dir():
        return builtin
    shutil.copytree(builtin, scratch)
    shutil.copytree(overrides, scratch, dirs_exist_ok=True)
    return scratch


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
