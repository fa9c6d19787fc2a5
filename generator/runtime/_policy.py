"""Call settings: the defaults, per-call options, which failures are retried and after how long."""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import httpx

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_PORTS",
    "DEFAULT_TIMEOUT",
    "NEVER_RETRIED",
    "NOT_SENT",
    "REDIRECTS",
    "RequestOptions",
    "Settings",
    "base_url_checked",
    "declared",
    "origin",
    "retry_after",
    "retry_delay",
    "settings",
    "should_retry",
]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server asking for a longer pause than this gets this long: a client must never hang on a header.
MAX_RETRY_AFTER = 60.0
# Retried for any method: the server says it did not process the request.
RETRY_ALWAYS = frozenset({408, 429, 503})
# Retried only when repeating the request is harmless: the server may have acted on it.
RETRY_IDEMPOTENT = frozenset({409, 500, 502, 504})
# Failures before any byte of the request reached the server: safe to repeat for every method. A reset or
# timeout while waiting for the answer may follow a processed request, so only idempotent calls repeat then.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request itself cannot be sent as built: repeating it cannot help.
NEVER_RETRIED = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SECONDS = re.compile(r"\s*\d+(\.\d+)?\s*")
DEFAULT_PORTS = {"http": 80, "https": 443}


class RequestOptions(TypedDict, total=False):
    """Per-call options, accepted by every method as keywords (`**options: Unpack[RequestOptions]`)."""

    extra_headers: Mapping[str, str] | None
    """Headers to add (or replace) on this request; never sent to another origin."""
    extra_query: Mapping[str, object] | None
    """Query parameters to add (or replace)."""
    extra_body: Mapping[str, object] | None
    """Properties merged into a JSON or form body, or form fields added to a multipart one."""
    timeout: float | httpx.Timeout | None
    """Seconds for the whole call (or an httpx.Timeout, whose largest value bounds the call); None: no limit."""
    max_retries: int
    """How often a failed request is repeated when that is safe."""
    max_response_bytes: int | None
    """The largest body read into memory, after decompression; None: no limit."""


_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


def check_options(options: Mapping[str, object]) -> None:
    """Refuse a per-call keyword no option has, as Python refuses an unknown argument: a misspelt parameter
    (`filter_=` for `filter=`) must not be dropped without a word."""
    unknown = sorted(set(options) - _OPTION_NAMES)
    if unknown:
        raise TypeError(f"unexpected keyword argument {unknown[0]!r}")


@dataclass(frozen=True)
class Settings:
    """One call's settings: httpx's per-phase timeouts, the bound on the whole call, retries, size limit."""

    timeout: httpx.Timeout | None
    total: float | None
    retries: int
    limit: int | None


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme))


def retry_delay(
    attempt: int,
    headers: Mapping[str, str] | None,
    *,
    now: Callable[[], float] = time.time,
    jitter: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number `attempt` (0-based): the server's word, else backoff with jitter."""
    asked = retry_after(headers, now=now) if headers is not None else None
    if asked is not None:
        return asked
    delay: float = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    # Up to a quarter less, so that clients failed by one outage do not all come back at the same instant.
    return delay * (1 - 0.25 * jitter())


def retry_after(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """The pause a `retry-after-ms` or `Retry-After` header asks for, capped; None when absent or unreadable."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None and _SECONDS.fullmatch(milliseconds):
        return min(float(milliseconds) / 1000.0, MAX_RETRY_AFTER)
    raw = headers.get("retry-after")
    if raw is None:
        return None
    if _SECONDS.fullmatch(raw):
        return min(float(raw), MAX_RETRY_AFTER)
    parsed = email.utils.parsedate_tz(raw)
    if parsed is None:
        return None  # negative numbers and garbage alike: fall back to backoff
    # A date already past asks for no pause at all.
    return min(max(email.utils.mktime_tz(parsed) - now(), 0.0), MAX_RETRY_AFTER)


def should_retry(status: int, *, idempotent: bool) -> bool:
    return status in RETRY_ALWAYS or (idempotent and status in RETRY_IDEMPOTENT)


def declared(table: Mapping[str, Any], status: int) -> Any:
    """The entry for a status: exact code, then its class (`2XX`), then `DEFAULT`."""
    for key in (str(status), f"{status // 100}XX", "DEFAULT"):
        if key in table:
            return table[key]
    return None


def base_url_checked(url: str | None) -> str:
    if not url:
        raise ValueError("base_url is required: the API description names no server to default to")
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("base_url must be an absolute http:// or https:// URL")
    if parsed.query or parsed.fragment:
        raise ValueError("base_url cannot have a query or a fragment")
    return url.rstrip("/")


def settings(timeout: float | httpx.Timeout | None, retries: int, limit: int | None) -> Settings:
    if timeout is None:
        phases, total = None, None
    elif isinstance(timeout, httpx.Timeout):
        values = [
            v for v in (timeout.connect, timeout.read, timeout.write, timeout.pool) if v is not None
        ]
        phases, total = timeout, max(values) if values else None
    else:
        phases, total = httpx.Timeout(float(timeout)), float(timeout)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError("max_retries must be a whole number, 0 or more")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError("max_response_bytes must be a positive whole number, or None")
    return Settings(phases, total, retries, limit)
