"""The intermediate representation: frozen values, precomputed strings; the only thing templates see."""

from __future__ import annotations

from dataclasses import dataclass

# Every `str` field below is either an identifier made by `names`, a type hint built from identifiers, or
# source text made by `encode` (fields ending in `_literal` are Python literals, `_doc` docstring bodies,
# `_md` Markdown). No raw spec text is ever stored here.


@dataclass(frozen=True)
class Param:
    python_name: str
    wire_literal: str
    location: str  # "path", "query", "header", "cookie"
    type_hint: str
    required: bool
    doc: str
    explode: bool = True
    style: str = "form"  # query only: "form", "spaceDelimited", "pipeDelimited" or "deepObject"


@dataclass(frozen=True)
class BodyField:
    python_name: str  # the method's keyword argument
    field_name: str  # the model attribute it sets
    type_hint: str
    required: bool
    doc: str


@dataclass(frozen=True)
class Body:
    encoding: str  # "json", "form", "multipart", "bytes", "text"
    content_type_literal: str
    type_hint: str  # of `body=` when fields is empty
    required: bool
    fields: tuple[BodyField, ...] = ()  # an object body, taken as one keyword argument per property
    value_expr: str = "body"  # the expression for the body's value: `body`, or the model built from the fields


@dataclass(frozen=True)
class Response:
    status_literal: str  # '200', '2XX' or 'default'
    kind: str  # "json", "text", "bytes", "none"
    type_hint: str


@dataclass(frozen=True)
class Segment:
    """A piece of a request path: literal text, or a path parameter's Python name."""

    literal: str = ""
    param: str = ""


@dataclass(frozen=True)
class Operation:
    name: str
    method_literal: str
    path_literal: str  # the path template, for docs and for tests that map methods back to the spec
    path: tuple[Segment, ...]
    params: tuple[Param, ...]
    body: Body | None
    responses: tuple[Response, ...]  # declared successes first
    errors: tuple[Response, ...]  # declared error bodies
    return_hint: str
    doc: str
    idempotent: bool


@dataclass(frozen=True)
class Resource:
    attribute: str
    class_name: str
    async_class_name: str
    operations: tuple[Operation, ...]
    doc: str


@dataclass(frozen=True)
class Auth:
    """The client's credential: an API key or bearer token (`api_key=`), or a username and password."""

    kind: str  # "api_key", "bearer", "basic"
    location: str  # "header", "query", "cookie" (api_key only)
    wire_literal: str
    required: bool  # every operation needs it: a client built without one fails early
    env_vars: tuple[str, ...]  # identifiers from `names`: the variables it falls back to, one per argument


@dataclass(frozen=True)
class Client:
    class_name: str
    async_class_name: str
    base_url_literal: str  # '' when the spec has no absolute server URL: base_url is then required
    auth: Auth | None
    resources: tuple[Resource, ...]
    doc: str


@dataclass(frozen=True)
class Package:
    name: str
    header: str  # the comment block every Python file opens with
    title_doc: str
    title_md: str
    description_md: str
    version_literal: str
    models_source: str
    model_names: tuple[str, ...]
    client: Client
    example: str  # README usage: Python source built from identifiers and literals
    async_example: str  # the same call through the async client
    example_fence: str  # a Markdown code fence longer than any backtick run in the example
