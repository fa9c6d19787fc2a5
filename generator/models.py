"""Valid spec → model source (datamodel-code-generator through templates/models) + schema pointer → class name."""

from __future__ import annotations

import io
import json
import re
import tempfile
import token
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import encode, names
from .errors import GeneratorError, fail
from .spec.pointer import join as pointer_join

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
    _refuse_unsupported(data, file)
    schemas = (data.get("components") or {}).get("schemas") if isinstance(data.get("components"), dict) else None
    if not isinstance(schemas, dict) or not schemas:
        return Models(EMPTY, {}, {})
    engine_data, originals = _engine_input(data)
    source, metadata = _run_engine(engine_data, file)
    classes: dict[str, str] = {}
    fields: dict[str, tuple[ModelField, ...]] = {}
    for model in metadata.get("models", []):
        classes.setdefault(_original(model["source_ref"], originals), model["class_name"])
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
    return Models(_without_header(reencode(source, file=file)), classes, fields)


# A document without component schemas still gets a models module, so that every package has the same shape.
EMPTY = "from __future__ import annotations\n\nfrom ._serde import Model as _Model  # noqa: F401\n"

_SCHEMAS = "#/components/schemas"
# Schema names the engine takes as they are. Others (dots make it split the output into modules; non-ASCII
# and punctuation would reach class names unfolded) are handed to it under an ASCII stand-in from `names`.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
MAX_REF_DEPTH = 64


def _refuse_unsupported(data: dict[str, Any], file: str) -> None:
    """Stop, even in lenient mode, on input the engine must never see: Swagger 2.0 and non-local $refs."""
    if "swagger" in data or not isinstance(data.get("openapi"), str):
        where = "#/swagger" if "swagger" in data else "#/openapi"
        raise fail(file, None, where, "only OpenAPI 3.x documents can be generated, even with --no-validate")
    stack: list[tuple[Any, str]] = [(data, "#")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if "$ref" in value and not (isinstance(ref, str) and ref.startswith("#")):
                # The engine would fetch URLs and read files; only references inside the document are followed.
                raise fail(file, None, pointer_join(where, "$ref"), f"$ref {ref!r:.200} is not local (#/...)")
            stack.extend((v, pointer_join(where, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, pointer_join(where, i)) for i, v in enumerate(value))


def _engine_input(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The document with unplain schema names replaced by ASCII stand-ins; stand-in pointer → original."""
    schemas: dict[str, Any] = data["components"]["schemas"]
    unplain = [key for key in schemas if not _PLAIN_KEY.fullmatch(str(key))]
    if not unplain:
        return data, {}
    space = names.Namespace(k for k in schemas if _PLAIN_KEY.fullmatch(str(k)))
    stand_in = {key: space.claim(names.pascal(str(key), fallback="Schema")) for key in unplain}
    renamed = {stand_in.get(key, key): value for key, value in schemas.items()}
    by_pointer = {pointer_join(_SCHEMAS, key): pointer_join(_SCHEMAS, new) for key, new in stand_in.items()}

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            out = {k: rewrite(v) for k, v in value.items()}
            ref = value.get("$ref")
            if isinstance(ref, str):
                out["$ref"] = _swap_prefix(_canonical(ref), by_pointer)
            return out
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        return value

    result = rewrite({k: v for k, v in data.items() if k != "components"})
    result["components"] = rewrite({**data["components"], "schemas": renamed})
    return result, {new: old for old, new in by_pointer.items()}


def _canonical(ref: str) -> str:
    """A local reference written with RFC 6901 escapes only (percent-escapes decoded)."""
    if "%" not in ref:
        return ref
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), ref)


def _swap_prefix(pointer: str, table: dict[str, str]) -> str:
    for old, new in table.items():
        if pointer == old or pointer.startswith(old + "/"):
            return new + pointer[len(old) :]
    return pointer


def _original(source_ref: str, originals: dict[str, str]) -> str:
    return _swap_prefix(source_ref, originals) if originals else source_ref


def _run_engine(data: dict[str, Any], file: str) -> tuple[str, dict[str, Any]]:
    # Imported here: it is the heaviest stage and a no-op run never needs it.
    from datamodel_code_generator import DateClassType, DatetimeClassType, InputFileType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType

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
                    output_date_class=DateClassType.Date,
                    output_datetime_class=DatetimeClassType.Datetime,
                    use_schema_description=True,
                    use_field_description=True,
                    strict_nullable=True,
                    additional_imports=["dataclasses.field"],
                    emit_model_metadata=metadata_path,
                )
            metadata = json.loads(metadata_path.read_text("utf-8"))
        except GeneratorError:
            raise
        except RecursionError:
            raise fail(file, None, _SCHEMAS, "model generation failed: the schemas nest or refer too deeply") from None
        except Exception as exc:
            raise fail(file, None, _SCHEMAS, f"model generation failed: {_reason(exc)}") from None
    if not isinstance(source, str):
        raise fail(file, None, _SCHEMAS, "model generation produced more than one module")
    return source, metadata


def reencode(source: str, *, file: str) -> str:
    """The engine's module with every string literal re-written by `encode`: the engine chooses names and
    structure, but spec text reaches the module only through this project's encoders (repr for values, the
    docstring encoder for docstrings), so hidden characters are escaped and values stay exact."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
        raise fail(file, None, _SCHEMAS, f"model generation produced invalid Python: {exc}") from None
    lines = io.StringIO(source).readlines()  # the lines tokenize sees: split at \n only
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    pieces: list[str] = []
    position = 0
    previous = token.NEWLINE
    for tok in tokens:
        prefix = tok.string[: len(tok.string) - len(tok.string.lstrip("rRbBuUfF"))]
        if tok.type == token.STRING and not prefix.lower().strip("r"):
            begin = starts[tok.start[0] - 1] + tok.start[1]
            end = starts[tok.end[0] - 1] + tok.end[1]
            value = _literal(tok.string, file)
            standalone = previous in (token.NEWLINE, token.INDENT, token.DEDENT, token.NL)
            if standalone and tok.string.startswith('"""'):
                text = '"""' + encode.docstring(value) + '"""'
            else:
                text = encode.string_literal(value)
            pieces.append(source[position:begin])
            pieces.append(text)
            position = end
        if tok.type not in (token.COMMENT, token.NL):
            previous = tok.type
    pieces.append(source[position:])
    return "".join(pieces)


def _literal(text: str, file: str) -> str:
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise fail(file, None, _SCHEMAS, f"model generation produced an invalid string literal: {exc}") from None
    if not isinstance(value, str):
        raise fail(file, None, _SCHEMAS, "model generation produced an unexpected literal")
    return value


def _without_header(source: str) -> str:
    # Our own header (spec hash, generator version) replaces the engine's.
    source = _DCG_HEADER.sub("", source, count=1)
    return source.replace(
        "from __future__ import annotations\n",
        "from __future__ import annotations\n\nfrom ._serde import Model as _Model\n",
        1,
    )


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
