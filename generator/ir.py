"""The intermediate representation: frozen values, precomputed strings; the only thing templates see."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Diagnostic

# Every `str` field below is either an identifier made by `names`, a type hint built from identifiers, or
# source text made by `encode` (fields ending in `_literal` are Python literals, `_doc` docstring bodies,
# `_md` Markdown, `_source` expressions built from those). No raw spec text is ever stored here.


@dataclass(frozen=True)
class Argument:
    """One keyword of a generated method, in signature order (required ones first)."""

    python_name: str
    type_hint: str  # as annotated: optional ones include `| None`
    required: bool
    # Where it travels: "path", "query", "header", "cookie", "body" (a property of an object body), or "" for a
    # keyword the descriptor names elsewhere (the whole body, `Body(arg=...)`).
    location: str
    wire_literal: str = ""
    style_literal: str = ""  # "" when the location's OpenAPI default applies
    explode_literal: str = ""  # "" likewise; else "True" / "False"
    file: bool = False  # an upload: typed FileTypes


@dataclass(frozen=True)
class Body:
    kind: str  # "json", "form", "multipart", "binary", "text"
    content_type_literal: str
    arg: str  # the keyword holding the whole body, or "" when the body's properties are keywords
    encoding: tuple[tuple[str, str], ...] = ()  # multipart part wire name literal → its contentType literal


@dataclass(frozen=True)
class Response:
    status_literal: str  # '200', '2XX' or 'DEFAULT'
    kind: str  # "json", "text", "bytes", "none"
    type_hint: str  # the runtime expression for `json` ("None" for the others)


@dataclass(frozen=True)
class ErrorType:
    """A typed error class: an `ApiStatusError` subclass whose `parsed` is the model a status declares."""

    class_name: str
    base: str  # the class in `errors` it refines (NotFoundError, ...)
    parsed_hint: str
    status_literal: str = ""  # on an operation: which status raises it


@dataclass(frozen=True)
class Pager:
    """How an operation's pages chain: the runtime pager class and its keyword arguments as source."""

    kind: str  # "cursor", "offset", "page", "next_link"
    class_name: str  # CursorPager, OffsetPager, PageNumberPager, NextLinkPager
    fields: tuple[tuple[str, str], ...]  # keyword → literal source
    rule: str  # why: the rule that matched, as the generator reports it (plain ASCII made by the generator)


@dataclass(frozen=True)
class Sse:
    """An operation's server-sent events: each event's type, and the keyword switching JSON to a stream."""

    item_hint: str  # runtime expression
    switch: str = ""  # the boolean keyword (`stream`) when the operation also answers JSON


@dataclass(frozen=True)
class Signature:
    """One `def` line's keywords and return hint, as a method (or one of its overloads) declares them."""

    arguments: tuple[tuple[str, str, str], ...]  # (keyword, hint, default source or "")
    returns: str


@dataclass(frozen=True)
class Operation:
    name: str  # the method
    constant: str  # the module-level Endpoint descriptor
    endpoint_name_literal: str  # `"items.get"`: how messages name the method
    method_literal: str
    path_literal: str  # the path template, for docs and for tests that map methods back to the spec
    path: tuple[str, ...]  # literals alternating with parameter keywords, each a string literal already
    arguments: tuple[Argument, ...]
    body: Body | None
    responses: tuple[Response, ...]  # declared successes first
    errors: tuple[Response, ...]  # declared error bodies
    error_types: tuple[ErrorType, ...]
    security: tuple[tuple[str, ...], ...]  # alternatives of scheme constants (`()`: anonymous); empty: none
    result_hint: str  # R: what the plain call decodes to
    item_hint: str  # E: the page item or stream event, "None" when neither
    sender: str  # "call", "paginate", "stream" or "call_or_stream"
    signature: Signature  # the implementation's, sync
    async_signature: Signature
    overloads: tuple[Signature, ...]  # sync overloads (JSON or stream), empty when none
    async_overloads: tuple[Signature, ...]
    pager: Pager | None  # set on every paginated operation (the corpus counts them)
    sse: Sse | None  # set on every operation that streams server-sent events
    doc: str
    idempotent_literal: str = ""  # "" when the method's default applies
    accept_literal: str = ""  # the Accept header its successes' media types make, "" when plain JSON or none

    @property
    def is_async_def(self) -> bool:
        """A paginated async method is a plain `def`: nothing is sent until the paginator is awaited."""
        return self.sender != "paginate"


@dataclass(frozen=True)
class Resource:
    attribute: str
    class_name: str
    async_class_name: str
    operations: tuple[Operation, ...]
    doc: str


@dataclass(frozen=True)
class Scheme:
    """A security scheme the client accepts a credential for: one module constant each."""

    constant: str
    kind: str  # "api_key", "bearer", "basic"
    keywords: tuple[str, ...]  # the constructor's keywords: one, or username and password
    envs: tuple[str, ...]  # the environment variable behind each keyword
    location: str = ""  # api_key: "header", "query" or "cookie"
    parameter_literal: str = ""  # api_key: the header, parameter or cookie name
    doc: str = ""  # for the constructor's docstring, one per keyword, encoded


@dataclass(frozen=True)
class Client:
    class_name: str
    async_class_name: str
    base_url_literal: str  # '' when the spec has no absolute server URL: base_url is then required
    schemes: tuple[Scheme, ...]
    resources: tuple[Resource, ...]  # operations grouped by tag (or by the first path segment)
    operations: tuple[Operation, ...]  # untagged operations: methods of the client itself
    grouping: str  # "tag", or "path" for a spec without any tag
    error_types: tuple[ErrorType, ...]  # every typed error class, once
    doc: str


@dataclass(frozen=True)
class Imports:
    """What the client module imports beyond its fixed header."""

    modules: tuple[str, ...]  # stdlib modules its hints name (datetime, typing, uuid, decimal, builtins)
    typing: tuple[str, ...]  # names from `typing`
    runtime: tuple[str, ...]  # names from `._http`
    errors: tuple[str, ...]  # error bases from `.errors`
    models: bool  # whether `_models` is used
    cached_property: bool  # whether any class has `with_raw_response` / `with_streaming_response`


@dataclass(frozen=True)
class Examples:
    """README snippets: Python source built from identifiers and literals (the format stage formats them)."""

    sync: str
    async_: str
    auth: str = ""  # a constructor with every credential keyword
    pagination: str = ""
    streaming: str = ""
    upload: str = ""
    download: str = ""


@dataclass(frozen=True)
class Package:
    name: str
    header: str  # the comment block every Python file opens with
    # Named once, in the package's `__init__.py`: a spec edit rewrites only the files whose code it changes.
    spec_sha256: str
    title_doc: str
    title_md: str
    description_md: str
    version_literal: str
    models_source: str
    model_names: tuple[str, ...]
    client: Client
    imports: Imports
    exports: tuple[tuple[str, tuple[str, ...]], ...]  # the package root's imports: module → names
    all_names: tuple[str, ...]  # its `__all__`, in isort's order
    examples: Examples
    example_fence: str  # a Markdown code fence longer than any backtick run in the examples
    # What the generator decided on the spec's behalf (each detected pager), for the maintainer's terminal: never
    # rendered into a file.
    notes: tuple[Diagnostic, ...] = ()
