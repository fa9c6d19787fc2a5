"""Valid spec → model source (datamodel-code-generator through templates/models) + schema pointer → class name."""

from __future__ import annotations

import json
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import fail

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "models"
_DCG_HEADER = re.compile(r"\A(?:#[^\n]*\n)+\n*")


@dataclass(frozen=True)
class ModelField:
    python_name: str
    wire_name: str
    type_hint: str  # as written in the models module
    required: bool


@dataclass(frozen=True)
class Models:
    """The models module's source and the class datamodel-code-generator chose for each schema."""

    source: str
    classes: dict[str, str]  # JSON pointer of the schema ("#/components/schemas/Pet") → class name
    fields: dict[str, tuple[ModelField, ...]]  # class name → its dataclass fields, in order


def generate_models(data: dict[str, Any], *, file: str) -> Models:
    """Run datamodel-code-generator on the whole document with this project's templates."""
    # Imported here: it is the heaviest stage and a no-op run never needs it.
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate

    with tempfile.TemporaryDirectory(prefix="generator-models-") as scratch:
        metadata_path = Path(scratch) / "metadata.json"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                source = generate(
                    json.dumps(data),
                    input_file_type=InputFileType.OpenAPI,
                    output_model_type=DataModelType.DataclassesDataclass,
                    target_python_version=PythonVersion.PY_310,
                    custom_template_dir=TEMPLATES,
                    formatters=[],
                    disable_timestamp=True,
                    snake_case_field=True,
                    keyword_only=True,
                    capitalise_enum_members=True,
                    use_subclass_enum=True,
                    use_union_operator=True,
                    use_standard_primitive_types=True,
                    output_date_class="date",
                    output_datetime_class="datetime",
                    use_schema_description=True,
                    use_field_description=True,
                    strict_nullable=True,
                    additional_imports=["dataclasses.field"],
                    emit_model_metadata=metadata_path,
                )
            metadata = json.loads(metadata_path.read_text("utf-8"))
        except Exception as exc:  # noqa: BLE001 - the engine's failure becomes a located message
            raise fail(file, None, "#/components/schemas", f"model generation failed: {_reason(exc)}") from None
    if not isinstance(source, str):
        raise fail(file, None, "#/components/schemas", "model generation produced more than one module")
    classes: dict[str, str] = {}
    fields: dict[str, tuple[ModelField, ...]] = {}
    for model in metadata.get("models", []):
        classes.setdefault(model["source_ref"], model["class_name"])
        fields[model["class_name"]] = tuple(
            ModelField(
                # The template gives a property named like a model method a trailing underscore.
                python_name=f["name"] + "_" if f["name"] in ("to_dict", "from_dict") else f["name"],
                wire_name=f["original_name"] or f["alias"] or f["name"],
                type_hint=f["type"],
                required=bool(f["required"]),
            )
            for f in model.get("fields", [])
        )
    return Models(_without_header(source), classes, fields)


def _without_header(source: str) -> str:
    # Our own header (spec hash, generator version) replaces the engine's.
    source = _DCG_HEADER.sub("", source, count=1)
    return source.replace(
        "from __future__ import annotations\n",
        "from __future__ import annotations\n\nfrom ._serde import Model\n",
        1,
    )


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
