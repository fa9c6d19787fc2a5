"""Document → "valid against the OpenAPI schema", Schema Object → "valid against its dialect", or no verdict:
two of openapi-spec-validator's checks made by a compiled validator, jsonschema-rs, in milliseconds where the
pure-Python ones take seconds on a large spec. They are its first pass (the whole document against its version's
JSON Schema) and its check of each Schema Object against the JSON Schema dialect it is written in.

A verdict is trusted only where the two validators cannot disagree:
- Every regex of the schemas they judge by (`pattern`, `patternProperties`) is rewritten so that jsonschema-rs
  matches exactly what Python's `re.search` matches: `$` also before a final newline, `\\d` every Unicode
  decimal digit, `.` any character but a newline. A regex the rewrite does not know gives no verdict at all.
- Those schemas are the validator's own copies, under addresses of their own, so that jsonschema-rs cannot
  swap in the copies of the JSON Schema meta-schemas it carries.
- Formats are checked as the pure check does: not at all in the first pass; in the dialect check, by the
  pure validator's own format checker, which jsonschema-rs calls back.
- A value holding what the two could read differently (a value JSON does not have, NaN, a non-text key) gets
  no verdict.

"Valid" skips the pure check; anything else (invalid, no verdict, jsonschema-rs not installed) leaves the pure
check to judge and to report each error where it is, as it always did."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, lru_cache, partial
from typing import Any

# Values inside these keywords are data, not schemas: a `pattern` key in them is not a regex.
_DATA = frozenset({"enum", "const", "default", "examples", "example"})
# Keywords whose values map names to schemas: a property called `default` is a schema, not data.
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"})


def passes(data: Any, version: str) -> bool:
    """Whether the compiled validator finds `data` valid against the schema of OpenAPI `version` ("3.0" or
    "3.1"); False when it finds errors and when it cannot judge."""
    return _judge(_validator(version), data)


def schema_passes(schema: Any, dialect: str) -> bool:
    """Whether the compiled validator finds a Schema Object valid against `dialect` ("3.0", or a 3.1 dialect's
    URI) as openapi-schema-validator's `check_schema` would, with the format checker openapi-spec-validator
    gives it; False when it finds errors, and for a dialect it does not know."""
    return _judge(_dialect_validator(dialect), schema)


def _judge(validator: Any, value: Any) -> bool:
    if validator is None:
        return False
    try:
        # Refuses what is not JSON: NaN and infinities, values of other types, cycles.
        json.dumps(value, allow_nan=False)
        return bool(validator.is_valid(value))
    except Exception:  # a key that is not text, say: jsonschema-rs refuses it, and the pure check judges
        return False


@cache
def _validator(version: str) -> Any:
    try:
        import jsonschema_rs
        from openapi_spec_validator.schemas import schema_v30, schema_v31
    except ImportError:
        return None
    schema = python_regexes(_private(dict(schema_v30 if version == "3.0" else schema_v31)))
    if schema is None:
        return None
    try:
        return jsonschema_rs.validator_for(schema, validate_formats=False)
    except Exception:  # a rewritten regex it refuses: no verdict, rather than a crashed run
        return None


@cache
def _dialect_validator(dialect: str) -> Any:
    try:
        import jsonschema_rs
        from openapi_schema_validator import OAS30Validator, OAS31Validator, oas31_format_checker
        from openapi_schema_validator._dialects import OAS31_BASE_DIALECT_ID
        from openapi_schema_validator._specifications import REGISTRY
    except ImportError:
        return None
    # What openapi-spec-validator checks a Schema Object with: the dialect's validator class, its meta-schema, and
    # for 3.1 the format checker it passes (for 3.0, the class's own).
    if dialect == "3.0":
        meta, checker = OAS30Validator.META_SCHEMA, OAS30Validator.FORMAT_CHECKER
    elif dialect == OAS31_BASE_DIALECT_ID:
        meta, checker = OAS31Validator.META_SCHEMA, oas31_format_checker
    else:
        return None
    resources = []
    for uri in REGISTRY:
        if REGISTRY.contents(uri).get("$schema") in _UNREAD:
            continue
        rewritten = python_regexes(_private(REGISTRY.contents(uri)))
        if rewritten is None:
            return None
        resources.append((_address(uri), rewritten))
    schema = python_regexes(_private(dict(meta)))
    if schema is None:
        return None
    formats: dict[str, Callable[..., bool]] = {
        name: partial(_conforms, checker, name) for name in _formats([schema, *(r for _, r in resources)])
    }
    try:
        return jsonschema_rs.validator_for(
            schema, registry=jsonschema_rs.Registry(resources), formats=formats, validate_formats=True
        )
    except Exception:  # as above: no verdict
        return None


def _conforms(checker: Any, name: str, value: Any) -> bool:
    return bool(checker.conforms(value, name))


def _formats(schemas: list[Any]) -> set[str]:
    found: set[str] = set()
    stack = list(schemas)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                found.add(node["format"])
            for key, value in node.items():
                if key in _NAMED and isinstance(value, dict):
                    stack.extend(value.values())
                elif key not in _DATA:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


# The meta-schemas' own addresses, and where their copies are kept apart from the ones jsonschema-rs carries.
_PUBLISHED = ("https://json-schema.org/", "http://json-schema.org/", "https://spec.openapis.org/")
_APART = "https://meta.openapi-pygen.invalid/"
# Drafts jsonschema-rs does not read; no Schema Object check refers to them.
_UNREAD = frozenset({"http://json-schema.org/draft-03/schema#"})


def _address(uri: str) -> str:
    return _APART + uri.replace("://", "/", 1) if uri.startswith(_PUBLISHED) else uri


def _private(schema: Any) -> Any:
    """`schema` with its published addresses (`$id`, `id`, `$ref`, `$dynamicRef`) moved apart; `$schema` is kept,
    so that the draft a schema is read by is the same."""

    def moved(key: str, value: Any) -> Any:
        return _address(value) if key in ("$id", "id", "$ref", "$dynamicRef") and isinstance(value, str) else None

    return _rewritten(schema, moved)


def python_regexes(schema: Any) -> Any:
    """`schema` with every regex rewritten to match, under jsonschema-rs, what it matches under Python's `re`;
    None if one cannot be."""

    def regex(key: str, value: Any) -> Any:
        if key == "pattern" and isinstance(value, str):
            return _required(ecma(value))
        if key == "patternProperties" and isinstance(value, dict):
            return {_required(ecma(k)): _rewritten(v, regex) for k, v in value.items()}
        return None

    try:
        return _rewritten(schema, regex)
    except _Unsupported:
        return None


def _rewritten(schema: Any, keyword: Callable[[str, Any], Any]) -> Any:
    """`schema` with `keyword(key, value)` in place of each keyword's value where it gives one (not None), and the
    schemas inside every other keyword rewritten alike; data keywords are kept as they are."""
    if isinstance(schema, list):
        return [_rewritten(item, keyword) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DATA:
            out[key] = value
        elif (changed := keyword(key, value)) is not None:
            out[key] = changed
        elif key in _NAMED and isinstance(value, dict):
            out[key] = {name: _rewritten(child, keyword) for name, child in value.items()}
        else:
            out[key] = _rewritten(value, keyword)
    return out


class _Unsupported(Exception):
    """A regex construct whose meaning under jsonschema-rs is not known to be Python's."""


def _required(pattern: str | None) -> str:
    if pattern is None:
        raise _Unsupported
    return pattern


def ecma(pattern: str) -> str | None:
    """An ECMA-262 regex that finds a match in exactly the strings where Python's `re.search(pattern, ...)`
    does, built from Python's own parse of `pattern`; None for constructs outside the plain subset
    (lookarounds, backreferences, inline flags, word and space classes, `$` anywhere but at the end).
    """
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    try:
        parsed = parser.parse(pattern, 0)
        if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
            return None  # an inline flag: (?i), (?m), (?s), (?x)...
        return _sequence(list(parsed), sre, last=True)
    except Exception:  # _Unsupported, or a pattern Python itself refuses
        return None


def _sequence(items: list[Any], sre: Any, *, last: bool) -> str:
    out = []
    for index, (op, av) in enumerate(items):
        if op is sre.AT and av is sre.AT_END:
            # Python's `$` also matches just before a final newline; ECMA's only at the very end. Taking that
            # newline is the same only where nothing follows.
            if not (last and index == len(items) - 1):
                raise _Unsupported
            out.append("\\n?$")
        else:
            out.append(_item(op, av, sre))
    return "".join(out)


def _item(op: Any, av: Any, sre: Any) -> str:
    if op is sre.LITERAL:
        return _char(av, in_class=False)
    if op is sre.NOT_LITERAL:
        return f"[^{_char(av, in_class=True)}]"
    if op is sre.ANY:
        return "[^\\n]"  # ECMA's `.` also refuses \r, \u2028 and \u2029
    if op is sre.AT:
        if av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
            return "^"
        if av is sre.AT_END_STRING:
            return "$"
        raise _Unsupported
    if op is sre.IN:
        return _class(av, sre)
    if op is sre.CATEGORY:
        return f"[{_category(av, sre)}]"
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(list(branch), sre, last=False) for branch in av[1]) + ")"
    if op is sre.SUBPATTERN:
        _group, added, removed, body = av
        if added or removed:
            raise _Unsupported
        return "(?:" + _sequence(list(body), sre, last=False) + ")"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):  # greedy or lazy: the same strings have a match
        low, high, body = av
        return "(?:" + _sequence(list(body), sre, last=False) + ")" + _count(low, high, sre)
    raise _Unsupported


def _count(low: int, high: Any, sre: Any) -> str:
    if high is sre.MAXREPEAT:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    if (low, high) == (0, 1):
        return "?"
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def _class(items: list[Any], sre: Any) -> str:
    negated = ""
    parts = []
    for op, av in items:
        if op is sre.NEGATE:
            negated = "^"
        elif op is sre.LITERAL:
            parts.append(_char(av, in_class=True))
        elif op is sre.RANGE:
            parts.append(f"{_char(av[0], in_class=True)}-{_char(av[1], in_class=True)}")
        elif op is sre.CATEGORY:
            parts.append(_category(av, sre))
        else:
            raise _Unsupported
    return f"[{negated}{''.join(parts)}]"


def _category(category: Any, sre: Any) -> str:
    if category is sre.CATEGORY_DIGIT:  # under Python's `re`, every Unicode decimal digit
        return "".join(
            _char(low, in_class=True) + ("" if low == high else "-" + _char(high, in_class=True))
            for low, high in _decimal_ranges()
        )
    raise _Unsupported


def _decimal_ranges() -> tuple[tuple[int, int], ...]:
    """The runs of code points Python's `\\d` matches: the table below when this Python's Unicode database is
    the one it was read from, else read from this Python (a tenth of a second)."""
    import unicodedata

    if unicodedata.unidata_version == "14.0.0":
        return _DECIMALS_14
    return _decimals_read()


@lru_cache(maxsize=1)
def _decimals_read() -> tuple[tuple[int, int], ...]:
    import array
    import re

    everything = array.array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")
    return tuple((match.start(), match.end() - 1) for match in re.finditer(r"\d+", everything))


# Python 3.11's (Unicode 14.0.0), as first-last runs in hex; tests/spec/test_validate_compiled.py reads it again.
_DECIMAL_RUNS_14 = """
    30-39 660-669 6F0-6F9 7C0-7C9 966-96F 9E6-9EF A66-A6F AE6-AEF B66-B6F BE6-BEF C66-C6F CE6-CEF D66-D6F
    DE6-DEF E50-E59 ED0-ED9 F20-F29 1040-1049 1090-1099 17E0-17E9 1810-1819 1946-194F 19D0-19D9 1A80-1A89
    1A90-1A99 1B50-1B59 1BB0-1BB9 1C40-1C49 1C50-1C59 A620-A629 A8D0-A8D9 A900-A909 A9D0-A9D9 A9F0-A9F9
    AA50-AA59 ABF0-ABF9 FF10-FF19 104A0-104A9 10D30-10D39 11066-1106F 110F0-110F9 11136-1113F 111D0-111D9
    112F0-112F9 11450-11459 114D0-114D9 11650-11659 116C0-116C9 11730-11739 118E0-118E9 11950-11959
    11C50-11C59 11D50-11D59 11DA0-11DA9 16A60-16A69 16AC0-16AC9 16B50-16B59 1D7CE-1D7FF 1E140-1E149
    1E2F0-1E2F9 1E950-1E959 1FBF0-1FBF9
"""
_DECIMALS_14 = tuple(
    (int(first, 16), int(last, 16)) for first, last in (run.split("-") for run in _DECIMAL_RUNS_14.split())
)


_SYNTAX = frozenset("^$\\.*+?()[]{}|/")


def _char(code: int, *, in_class: bool) -> str:
    char = chr(code)
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate is not text jsonschema-rs can hold
        raise _Unsupported
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if char in _SYNTAX or (in_class and char == "-"):
        return "\\" + char
    return char
