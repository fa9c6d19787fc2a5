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

    def claim(self, name: str) -> str:
        candidate, number = name, 2
        while candidate in self._taken:
            candidate, number = f"{name}_{number}", number + 1
        self._taken.add(candidate)
        return candidate


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


def resource_name(tag: str) -> str:
    """An attribute name for a tag's resource; Fern's `subpackage_` prefix is dropped."""
    cleaned = re.sub(r"^subpackage_", "", tag)
    return snake(cleaned, reserved=RESOURCE_METHODS, fallback="default")


def parameter_name(text: str, *, taken: Iterable[str] = ()) -> str:
    """A function parameter: also kept off builtins and soft keywords, which the method body may use."""
    return snake(text, reserved=SHADOWING | set(taken), fallback="value")


def package_name(text: str) -> str:
    """A Python package (and folder) name."""
    return snake(text, reserved=SHADOWING, fallback="client")


def class_name(text: str) -> str:
    """A class name for a client, resource or other generated class."""
    return pascal(text, fallback="Api")


def env_var(target: str) -> str:
    """The environment variable a target's credential falls back to (THYMIA_API_KEY)."""
    return upper(target, fallback="API") + "_API_KEY"
