"""Security schemes as data; credentials read and checked once, at construction; what each call sends."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias
from urllib.parse import quote, quote_plus

from .errors import InvalidCredentialError, MissingCredentialError

__all__ = ["ApiKey", "Basic", "Bearer", "Credentials", "Scheme", "Sent"]


@dataclass(frozen=True)
class ApiKey:
    """An apiKey scheme: the key goes into one header, query parameter or cookie."""

    keyword: str
    env: str
    location: Literal["header", "query", "cookie"]
    parameter: str


@dataclass(frozen=True)
class Bearer:
    """http bearer, oauth2 and openIdConnect: `Authorization: Bearer <token>`."""

    keyword: str
    env: str


@dataclass(frozen=True)
class Basic:
    """http basic: a user name and a password. Satisfied by a user name; a missing password is sent empty."""

    username_keyword: str
    username_env: str
    password_keyword: str
    password_env: str


Scheme: TypeAlias = ApiKey | Bearer | Basic

# Control characters end or split a header line; a key read from a file often ends in one (a newline).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*")
# RFC 6265 cookie-octet: no whitespace, DQUOTE, comma, semicolon or backslash.
_COOKIE_SAFE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+")


class _Secret:
    """A credential's value: hidden from repr and str, so that no log or traceback shows it."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


@dataclass
class Sent:
    """What one request carries for its security requirement. Attached only to the API's own origin."""

    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Sent({len(self.headers) + len(self.query) + len(self.cookies)} credential(s))"


class Credentials:
    """Each scheme keyword's value: the argument, else its environment variable; empty counts as absent."""

    def __init__(self, schemes: Sequence[Scheme], given: Mapping[str, str | None]) -> None:
        known = {k for scheme in schemes for k in _keywords(scheme)}
        unknown = sorted(set(given) - known)
        if unknown:
            raise TypeError(f"unknown credential keyword(s): {', '.join(unknown)}")
        self._values: dict[str, _Secret] = {}
        for scheme in schemes:
            for keyword, env in zip(_keywords(scheme), _envs(scheme), strict=True):
                value = given.get(keyword)
                source = f"{keyword}="
                if value is None or value == "":
                    value = os.environ.get(env) or None
                    source = f"the environment variable {env} (for {keyword}=)"
                if value is None:
                    continue
                if not isinstance(value, str):
                    raise InvalidCredentialError(
                        f"{source} must be a str, not {type(value).__name__}"
                    )
                _check(scheme, keyword, value, source)
                self._values[keyword] = _Secret(value)
        # Longest first, so that a secret containing another is hidden whole.
        self._hidden = list(self._values.values())
        for scheme in schemes:
            if isinstance(scheme, Basic) and scheme.username_keyword in self._values:
                self._hidden.append(_Secret(self._basic_token(scheme)))
        self._hidden.sort(key=lambda secret: len(secret.value), reverse=True)
        self._spellings = _Spellings([secret.value for secret in self._hidden])

    def __repr__(self) -> str:
        return f"Credentials({sorted(self._values)})"

    def for_call(self, alternatives: Sequence[Sequence[Scheme]], operation: str) -> Sent:
        """What to send: the first alternative every scheme of which has a credential; `()` needs none, and is
        taken only when no other can be: where anonymous calls are allowed, a credential the caller gave is still
        sent (an API may answer it with more).

        Raises MissingCredentialError, naming each alternative's keywords and environment variables, when none can
        be satisfied; nothing has been sent then.
        """
        if not alternatives:
            return Sent()
        for alternative in alternatives:
            if alternative and all(self._satisfies(scheme) for scheme in alternative):
                sent = Sent()
                for scheme in alternative:
                    self._apply(scheme, sent)
                return sent
        if any(not alternative for alternative in alternatives):
            return Sent()
        options = " or ".join(_describe(alternative) for alternative in alternatives)
        raise MissingCredentialError(f"{operation} needs a credential: {options}")

    def redact(self, text: str) -> str:
        """The text with every credential (and any Basic encoding of one) replaced by `***`, in each spelling a
        request gives it (a server may echo the URL it was sent: `a%2Fb` for `a/b`)."""
        return self._spellings.hide(text)

    def _basic_token(self, scheme: Basic) -> str:
        password = self._values.get(scheme.password_keyword)
        user = self._values[scheme.username_keyword].value
        return base64.b64encode(f"{user}:{password.value if password else ''}".encode()).decode(
            "ascii"
        )

    def _satisfies(self, scheme: Scheme) -> bool:
        if isinstance(scheme, Basic):
            return scheme.username_keyword in self._values
        return scheme.keyword in self._values

    def _apply(self, scheme: Scheme, sent: Sent) -> None:
        if isinstance(scheme, Basic):
            sent.headers["Authorization"] = "Basic " + self._basic_token(scheme)
        elif isinstance(scheme, Bearer):
            sent.headers["Authorization"] = "Bearer " + self._values[scheme.keyword].value
        elif scheme.location == "header":
            sent.headers[scheme.parameter] = self._values[scheme.keyword].value
        elif scheme.location == "query":
            sent.query.append((scheme.parameter, self._values[scheme.keyword].value))
        else:
            sent.cookies.append((scheme.parameter, self._values[scheme.keyword].value))


def _keywords(scheme: Scheme) -> tuple[str, ...]:
    if isinstance(scheme, Basic):
        return (scheme.username_keyword, scheme.password_keyword)
    return (scheme.keyword,)


def _envs(scheme: Scheme) -> tuple[str, ...]:
    if isinstance(scheme, Basic):
        return (scheme.username_env, scheme.password_env)
    return (scheme.env,)


def _describe(alternative: Sequence[Scheme]) -> str:
    keywords = [k for scheme in alternative for k in _keywords(scheme)[:1]]
    envs = [e for scheme in alternative for e in _envs(scheme)[:1]]
    return f"pass {' and '.join(k + '=' for k in keywords)} (or set {' and '.join(envs)})"


def _check(scheme: Scheme, keyword: str, value: str, source: str) -> None:
    """Refuse, naming only where it came from, a value that cannot travel as it is."""
    if _CONTROL.search(value):
        raise InvalidCredentialError(
            f"{source} contains a control character (a trailing newline from a file?); it is never sent altered"
        )
    if value != value.strip():
        raise InvalidCredentialError(
            f"{source} has leading or trailing whitespace; it is never sent altered"
        )
    if isinstance(scheme, Basic):
        if keyword == scheme.username_keyword and ":" in value:
            raise InvalidCredentialError(
                f"{source} contains ':', which HTTP basic authentication cannot carry"
            )
        return
    location = "header" if isinstance(scheme, Bearer) else scheme.location
    if location == "header" and not _HEADER_SAFE.fullmatch(value):
        raise InvalidCredentialError(
            f"{source} has characters a header cannot carry (printable ASCII only)"
        )
    if location == "cookie" and not _COOKIE_SAFE.fullmatch(value):
        raise InvalidCredentialError(
            f"{source} has characters a cookie cannot carry (spaces, quotes, ',', ';', '\\')"
        )


class _Spellings:
    """Every secret as written and as a URL's query or path encodes it, found by one pattern, longest first. An
    end that is a letter or digit must not touch another one: a one-letter user name is that letter alone, not
    every `e` of a message. Its repr shows none of them."""

    def __init__(self, secrets: Sequence[str]) -> None:
        spelled = {
            spelling
            for secret in secrets
            for spelling in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret))
            if spelling
        }
        alternatives = []
        for spelling in sorted(spelled, key=lambda s: (-len(s), s)):
            before = r"(?<![0-9A-Za-z])" if _alnum(spelling[0]) else ""
            after = r"(?![0-9A-Za-z])" if _alnum(spelling[-1]) else ""
            alternatives.append(before + re.escape(spelling) + after)
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    def hide(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub("***", text)

    def __repr__(self) -> str:
        return "<secret spellings>"


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()
