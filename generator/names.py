"""Spec strings → Python identifiers, module and file names: the only place names are made."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

# Keywords can never be names. Soft keywords and builtins can, but a parameter or module-level name that
# shadows one breaks the generated code's own use of it, so those scopes reserve them too. Attributes
# (`run.id`, `error.type`) shadow nothing and keep their natural names.
KEYWORDS = frozenset(keyword.kwlist)
SHADOWING = frozenset(keyword.softkwlist) | frozenset(dir(builtins))
MODEL_METHODS = frozenset({"to_dict", "from_dict"})
RESOURCE_METHODS = frozenset({"with_raw_response", "close", "aclose"})

# The client module's own lower-case globals (its imports). In a class body a method of that name would shadow
# them for every later line of the class (a method `overload` breaks the next `@overload`, one named `httpx` the
# annotations), so no method, resource or parameter takes one. Its other globals are PascalCase or UPPER_CASE,
# which snake_case names never are.
CLIENT_GLOBALS = frozenset(
    {
        "annotations",
        "builtins",
        "cached_property",
        "datetime",
        "decimal",
        "httpx",
        "overload",
        "typing",
        "uuid",
        "async_to_raw_response_wrapper",
        "async_to_streamed_response_wrapper",
        "to_raw_response_wrapper",
        "to_streamed_response_wrapper",
    }
)
# Per-call options every method takes (`**options: Unpack[RequestOptions]`), and the method's own names.
OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "max_response_bytes")
METHOD_KEYWORDS = frozenset({"self", "options", *OPTIONS})
# What a generated resource class defines itself; a client adds its connection's lifecycle.
RESOURCE_MEMBERS = frozenset({"with_raw_response", "with_streaming_response", "_sender"})
CLIENT_MEMBERS = RESOURCE_MEMBERS | {"close", "aclose", "_owns_http"}
# The client constructor's keywords besides credentials, and the hints its signature spells.
CLIENT_KEYWORDS = frozenset({"self", "base_url", "timeout", "max_retries", "max_response_bytes", "http_client"})
CLIENT_HINT_NAMES = frozenset({"str", "int", "float"})

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def ascii_text(text: str) -> str:
    """NFKC, then the closest ASCII: accents dropped, anything without an ASCII form removed."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return folded.encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    """The lower-case words of a name written in any case style, split at case and digit boundaries."""
    return [w.lower() for w in _WORD.findall(ascii_text(text).replace("'", ""))]


def snake(text: str, *, reserved: Iterable[str] = (), fallback: str = "value") -> str:
    """A snake_case identifier for `text`; never empty, never a keyword, builtin or reserved name."""
    name = "_".join(words(text)) or fallback
    return _safe(name, reserved)


def pascal(text: str, *, reserved: Iterable[str] = (), fallback: str = "Model") -> str:
    """A PascalCase identifier for `text`."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or fallback
    return _safe(name, reserved)


def upper(text: str, *, reserved: Iterable[str] = (), fallback: str = "VALUE") -> str:
    """An UPPER_CASE identifier for `text`."""
    name = "_".join(words(text)).upper() or fallback
    return _safe(name, reserved)


def _safe(name: str, reserved: Iterable[str]) -> str:
    if name[0].isdigit():
        name = "n" + name if name[0].isupper() or name.islower() or name.isdigit() else "N" + name
    if name in KEYWORDS or name in set(reserved):
        name += "_"
    return name


class Namespace:
    """Hands out unique names in one scope; a collision gets the next free numeric suffix, deterministically."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)

    def claim(self, name: str, *alternatives: str) -> str:
        """`name`, else the first free alternative (a name that says what it is), else `name` numbered."""
        for candidate in (name, *alternatives):
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        candidate, number = f"{name}_2", 3
        while candidate in self._taken:
            candidate, number = f"{name}_{number}", number + 1
        self._taken.add(candidate)
        return candidate

    def __contains__(self, name: object) -> bool:
        return name in self._taken


def _tail(op_words: list[str], tail: list[str]) -> list[str]:
    if tail and len(op_words) > len(tail) and op_words[-len(tail) :] == tail:
        return op_words[: -len(tail)]
    return op_words


def operation_name(operation_id: str | None, *, method: str, path: str) -> str:
    """A method name: the operationId without a framework's path-and-method suffix, else method + path."""
    path_words = words(path.replace("{", " ").replace("}", " "))
    if operation_id:
        op_words = words(operation_id)
        # FastAPI and Fern append the route and method to the function name; that tail is noise.
        stripped = _tail(op_words, [*path_words, method.lower()])
        return snake("_".join(stripped), reserved=RESOURCE_METHODS, fallback=method.lower())
    segments = [s for s in path.strip("/").split("/") if s]
    literal = [s for s in segments if not s.startswith("{")]
    params = [s.strip("{}") for s in segments if s.startswith("{")]
    parts = [method.lower(), *literal]
    if params:
        parts += ["by", *params]
    return snake("_".join(parts), reserved=RESOURCE_METHODS, fallback=method.lower())


def _versionish(word: str) -> bool:
    """`v1`, `v2beta1`, `20100401`, `2010`: a version or date, not a name."""
    return bool(re.fullmatch(r"v\d+[a-z0-9]*|\d+", word.lower()))


def _version_length(parts: list[str]) -> int:
    """How many leading words spell a version: `20100401`, or `v` `1` as `words` splits `v1`."""
    if parts and parts[0].isdigit():
        return 1
    if len(parts) > 1 and parts[0] == "v" and parts[1].isdigit():
        return 2 + (len(parts) > 2 and parts[2] in ("alpha", "beta"))
    return 0


def _unversioned(parts: list[str]) -> list[str]:
    """Words without a leading version (`v1`, `2010-04-01`), nor an `api` before one; never all of them."""
    rest = parts[1:] if len(parts) > 1 and parts[0] == "api" and _version_length(parts[1:]) else parts
    while _version_length(rest):
        rest = rest[_version_length(rest) :]
    return rest or parts


def resource_name(tag: str) -> str:
    """An attribute name for a tag's resource: Fern's `subpackage_` prefix and version-like prefixes
    (Twilio's `Api20100401Account`) are dropped."""
    cleaned = re.sub(r"^subpackage_", "", tag)
    return snake("_".join(_unversioned(words(cleaned))), reserved=RESOURCE_METHODS, fallback="default")


def path_resource(path: str) -> str:
    """The resource a path belongs to in a spec without tags: its first literal segment after any version
    (`/v1/channels/{id}` → `channels`), its file extension dropped (`Accounts.json`); "" when the path starts
    with a parameter or has no segment (the operation then belongs to the client itself)."""
    for segment in (s for s in path.split("/") if s):
        if segment.startswith("{"):
            return ""
        cleaned = re.sub(r"\.(json|xml|ya?ml|csv|txt)$", "", segment, flags=re.I)
        parts = words(cleaned)
        if not parts or parts == ["api"] or _versionish(cleaned) or re.fullmatch(r"[\d._-]+", cleaned):
            continue
        return snake("_".join(parts), reserved=RESOURCE_METHODS, fallback="default")
    return ""


# A trailing comparison in a wire name (Twilio's `DateCreated<` and `DateCreated>`, sent as `DateCreated<=...`).
_COMPARISONS = (("<=", "before"), (">=", "after"), ("<", "before"), (">", "after"))


def parameter_name(text: str, *, taken: Iterable[str] = ()) -> str:
    """A keyword argument. It may be named like a builtin or a module global (`id=`, `type=`, `filter=`): a
    generated method's body uses only `self`, its module's UPPER_CASE descriptors and `options`, and annotations
    are read outside the function. A trailing comparison says what it is: `DateCreated<` is `date_created_before`."""
    for symbol, word in _COMPARISONS:
        if text.rstrip().endswith(symbol) and words(text):
            text = f"{text.rstrip()[: -len(symbol)]}_{word}"
            break
    return snake(text, reserved=taken, fallback="value")


_SCHEME_NOISE = frozenset({"auth", "authentication", "authorization", "scheme", "security"})


def credential_name(scheme: str) -> str:
    """A credential keyword from a security scheme's name, for a family with several schemes: the name without
    a trailing word that only says it is one (OpenAI's `ApiKeyAuth` and `AdminApiKeyAuth` → `api_key` and
    `admin_api_key`)."""
    parts = words(scheme)
    while len(parts) > 1 and parts[-1] in _SCHEME_NOISE:
        parts = parts[:-1]
    return parameter_name("_".join(parts) or scheme)


def member_name(name: str, reserved: Iterable[str]) -> str:
    """A method or attribute name kept off names its class or module needs (`close` → `close_`)."""
    taken = set(reserved)
    while name in taken:
        name += "_"
    return name


def package_name(text: str) -> str:
    """A Python package (and folder) name."""
    return snake(text, reserved=SHADOWING, fallback="client")


def class_name(text: str) -> str:
    """A class name for a client, resource or other generated class."""
    return pascal(text, fallback="Api")


# Words that say what a title describes rather than naming it ("OpenAI API", "GitHub v3 REST API").
_GENERIC = frozenset({"api", "apis", "rest", "openapi", "client", "sdk", "service", "spec", "http"})


def client_name(title: str) -> tuple[str, str]:
    """The client's name from a title (`OpenAI API` → `OpenAI`) and its environment prefix (`OPENAI`): the
    words before the first generic one, versions dropped, each word's own capitals kept (acronyms stay whole)."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", ascii_text(title)) if p]
    generic = [i for i, p in enumerate(parts) if p.lower() in _GENERIC]
    chosen = parts[: generic[0]] if generic and generic[0] > 0 else [p for p in parts if p.lower() not in _GENERIC]
    chosen = [p for p in chosen if not _versionish(p.lower())]
    stem = "".join(p[:1].upper() + p[1:] for p in chosen)
    if not stem or not stem.isidentifier() or stem[0].isdigit():
        stem = class_name(title)
        return stem, upper(stem, fallback="API")
    return stem, "_".join(p.upper() for p in chosen)


def configured_client(name: str) -> tuple[str, str]:
    """A client name the maintainer chose (`client = "Thymia"`), and its environment prefix (`THYMIA`)."""
    stem = class_name(name) if not name.isidentifier() else name[:1].upper() + name[1:]
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", ascii_text(name)) if p]
    return stem, "_".join(p.upper() for p in parts) or upper(stem, fallback="API")


def env_var(prefix: str, keyword: str) -> str:
    """The environment variable a credential keyword falls back to: `<CLIENT>_<KEYWORD>` (THYMIA_API_KEY)."""
    return f"{prefix}_{keyword.upper()}"
