"""Valid spec + the client's name → its security schemes (one keyword each) and what each operation asks for;
pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .. import encode, names
from ..ir import Scheme
from ..spec import openapi, pointer

# The keyword a scheme takes when it is the only one of its family (issue 15's interface).
_FAMILY_KEYWORDS: Final = {
    "api_key": ("api_key",),
    "bearer": ("bearer_token",),
    "basic": ("username", "password"),
    "token": ("access_token",),
}
_TOP_LEVEL: Final = frozenset({"SCHEMES", "TYPE_CHECKING", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RETRIES"})


@dataclass(frozen=True)
class Security:
    """The client's schemes, by their spec name, and the facts every operation's requirement is read from."""

    schemes: tuple[Scheme, ...]
    by_name: Mapping[str, Scheme]
    # (location, wire name) of each apiKey scheme: a parameter repeating one is the credential, not an argument.
    repeated: Mapping[tuple[str, str], str] = field(default_factory=dict)
    declared: bool = False  # whether the document states a requirement anywhere (globally or on an operation)

    def credential_parameter(self, location: str, wire: str) -> str | None:
        """The scheme a parameter repeats (Thymia declares its key both as a scheme and as a header), or None."""
        key = (location, wire.lower() if location == "header" else wire)
        return self.repeated.get(key)

    def requirement(self, data: Mapping[str, Any], site: openapi.Site) -> tuple[tuple[str, ...], ...]:
        """An operation's alternatives (each the scheme constants needed together; `()` allows anonymous calls):
        its own `security`, else the document's, in the spec's order; empty when it needs no credential."""
        repeated: list[tuple[str, bool]] = []
        for param, _ in openapi.parameters(data, site):
            scheme = self.credential_parameter(str(param["in"]), str(param["name"]))
            if scheme is not None:
                repeated.append((scheme, bool(param.get("required"))))
        if repeated and not self.declared:
            # The parameter is the only statement of the requirement: required means needed, else sent if given.
            needed = [(self.by_name[name].constant,) for name, _ in repeated]
            return (*needed, *([] if all(required for _, required in repeated) else [()]))
        raw = site.operation.get("security", data.get("security"))
        if raw is None:
            if self.declared or not self.schemes:
                return ()
            # Schemes declared, requirements nowhere: send whichever credential the caller gave, or none.
            return (*((s.constant,) for s in self.schemes), ())
        if not isinstance(raw, list):
            return ()
        alternatives: list[tuple[str, ...]] = []
        for requirement in raw:
            if not isinstance(requirement, dict):
                continue
            wanted = [self.by_name.get(str(name)) for name in requirement]
            if all(wanted):  # an alternative with a scheme the client cannot send is one it can never satisfy
                alternatives.append(tuple(s.constant for s in wanted if s is not None))
        return tuple(alternatives)


def security(data: Mapping[str, Any], *, env_prefix: str, constants: names.Namespace) -> Security:
    """Every scheme the client can send, in declaration order, with its keyword(s) and environment variables."""
    raw = (data.get("components") or {}).get("securitySchemes") or {}
    found: list[tuple[str, str, dict[str, Any]]] = []
    for name, value in raw.items() if isinstance(raw, dict) else ():
        scheme = pointer.deref(data, value)
        family = _family(scheme) if isinstance(scheme, dict) else None
        if family is not None and isinstance(scheme, dict):
            found.append((str(name), family, scheme))
    families = [family for _, family, _ in found]
    keywords = names.Namespace(names.CLIENT_KEYWORDS)
    schemes: dict[str, Scheme] = {}
    repeated: dict[tuple[str, str], str] = {}
    for name, family, scheme in found:
        if families.count(family) == 1:
            wanted = _FAMILY_KEYWORDS[family]
        else:
            own = names.credential_name(name)
            wanted = (f"{own}_username", f"{own}_password") if family == "basic" else (own,)
        chosen = tuple(keywords.claim(k, f"{k}_credential") for k in wanted)
        envs = tuple(names.env_var(env_prefix, k) for k in chosen)
        constant = constants.claim(names.upper(name, reserved=_TOP_LEVEL, fallback="SCHEME"))
        location = str(scheme.get("in", "")) if family == "api_key" else ""
        wire = str(scheme.get("name", "")) if family == "api_key" else ""
        schemes[name] = Scheme(
            constant=constant,
            kind="bearer" if family == "token" else family,
            keywords=chosen,
            envs=envs,
            location=location,
            parameter_literal=encode.string_literal(wire) if family == "api_key" else "",
            doc=encode.docstring(_doc(family, location, wire)),
        )
        if family == "api_key":
            repeated[(location, wire.lower() if location == "header" else wire)] = name
        else:
            repeated.setdefault(("header", "authorization"), name)
    declared = "security" in data or any("security" in site.operation for site in openapi.operations(data))
    return Security(tuple(schemes.values()), schemes, repeated, declared)


def _family(scheme: dict[str, Any]) -> str | None:
    kind = scheme.get("type")
    http = str(scheme.get("scheme", "")).lower()
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and isinstance(scheme.get("name"), str):
        return "api_key"
    if kind == "http" and http == "bearer":
        return "bearer"
    if kind == "http" and http == "basic":
        return "basic"
    if kind in ("oauth2", "openIdConnect"):
        return "token"
    return None  # mutualTLS, digest and the like: nothing the client can send by itself


def _doc(family: str, location: str, wire: str) -> str:
    if family == "api_key":
        return f"Sent as the `{wire}` {location}{' parameter' if location == 'query' else ''}"
    if family == "basic":
        return "For HTTP basic authentication"
    if family == "token":
        return "An OAuth2 access token, sent as a bearer token"
    return "Sent as a bearer token"


def server_url(data: Mapping[str, Any]) -> str:
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
