"""IR → {path: text}: every template under templates/package, through one Jinja environment; no disk writes."""

from __future__ import annotations

from pathlib import Path

import jinja2

from . import encode
from .ir import Package

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Public names of the generated errors module, exported again from the package root.
ERRORS = [
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "UnprocessableEntityError",
]


def environment() -> jinja2.Environment:
    # Templates receive encoded values only; StrictUndefined turns a misspelt name into an error, not "".
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["pyrepr"] = encode.string_literal
    return env


def render(package: Package, *, distribution: bool = False) -> dict[str, str]:
    """Every generated file, keyed by its path relative to the output folder."""
    env = environment()
    context = {"pkg": package, "header": package.header, "errors": ERRORS}
    files: dict[str, str] = {}
    for template in sorted((TEMPLATES / "package").glob("*.jinja2")):
        name = template.name.removesuffix(".jinja2")
        files[f"{package.name}/{name}"] = env.get_template(f"package/{template.name}").render(context)
    if distribution:
        files["pyproject.toml"] = env.get_template("distribution/pyproject.toml.jinja2").render(context)
    return files
