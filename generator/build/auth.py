"""Valid spec + target → the client's credential: which security scheme it takes, where it goes; pure."""

from __future__ import annotations

import re
from typing import Any

from .. import encode, names
from ..config import Target
from ..ir import Auth
from ..spec import openapi, pointer


def auth(data: dict[str, Any], target: Target) -> Auth | None:
    """The client's one credential: the scheme the spec requires globally, else the simplest it declares."""
    usable: dict[str, tuple[str, str, str, int]] = {}
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    for name, raw in schemes.items():
        scheme = pointer.deref(data, raw)
        if not isinstance(scheme, dict):
            continue
        kind = scheme.get("type")
        http = str(scheme.get("scheme", "")).lower()
        if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
            usable[str(name)] = ("api_key", str(scheme["in"]), str(scheme.get("name", "")), 0)
        elif kind == "http" and http == "bearer":
            usable[str(name)] = ("bearer", "header", "Authorization", 1)
        elif kind == "http" and http == "basic":
            usable[str(name)] = ("basic", "header", "Authorization", 2)
        elif kind in ("oauth2", "openIdConnect"):
            usable[str(name)] = ("bearer", "header", "Authorization", 3)
    if not usable:
        return None
    wanted = [n for req in data.get("security") or [] if isinstance(req, dict) for n in req if n in usable]
    chosen = wanted[0] if wanted else min(usable, key=lambda n: usable[n][3])
    kind, location, wire, _ = usable[chosen]
    sites = list(openapi.operations(data))
    required = bool(sites) and all(_requires(data, site, chosen, usable[chosen]) for site in sites)
    prefix = names.upper(target.name, fallback="API")
    envs = (f"{prefix}_USERNAME", f"{prefix}_PASSWORD") if kind == "basic" else (names.env_var(target.name),)
    return Auth(
        kind=kind,
        location=location,
        wire_literal=encode.string_literal(wire),
        required=required,
        env_vars=envs,
    )


def _requires(data: dict[str, Any], site: openapi.Site, name: str, scheme: tuple[str, str, str, int]) -> bool:
    """Whether the operation cannot be called without the scheme: every alternative names it, or a required
    header parameter repeats it (Thymia declares its key both ways)."""
    if scheme[0] == "api_key" and scheme[1] == "header":
        for param, _ in openapi.parameters(data, site):
            same = str(param["name"]).lower() == scheme[2].lower()
            if param.get("in") == "header" and same and param.get("required"):
                return True
    security = site.operation.get("security", data.get("security"))
    if not isinstance(security, list) or not security:
        return False
    return all(isinstance(req, dict) and name in req for req in security)


def server_url(data: dict[str, Any]) -> str:
    """The first server's URL with its variables at their defaults; relative URLs stay relative."""
    servers = data.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return ""
    url = str(servers[0].get("url") or "")
    for name, variable in (servers[0].get("variables") or {}).items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    if "{" in url or not re.match(r"^(https?://[^\s/?#]+)?(/[^\s?#]*)?$", url):
        return ""
    return url.rstrip("/")
