"""An operation's keywords + its decoded success type → how its pages chain (a runtime pager), or None; pure.

Detection is conservative, because a misread pager is a silent wrong result: a shape is recognised only when both
sides match, the request parameter and a response field of the same type (or a declared `Link` header), and only
for GET operations. What a maintainer declares (`[tool.generator.targets.X.pagination]`) or the spec declares
(`x-pagination`, `x-fern-pagination`, `x-speakeasy-pagination`) wins over any guess. Every decision carries the
rule that made it, for the note the generator prints.

A declared pager is a table (the same in pyproject.toml and in `x-pagination`): `type` is `cursor`, `offset`,
`page` or `next_link`; `items` is the dotted path of the page's list in the body ("" when the body is the list);
request keys name parameters (or body properties) by their wire names, response keys are dotted wire paths:
- cursor: `param`, and `next_cursor`, or `has_more` with `item_cursor` (the last item's field);
- offset: `offset`, `limit`, optionally `total`;
- page: `page`, optionally `size`, `total_pages`, `total`, `first` (the first page's number, 1 unless given);
- next_link: `next` (a URL in the body) or `link_header = true`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .. import encode, names
from ..ir import Pager
from ..spec import openapi, pointer
from .types import Types

_CURSOR_PARAMS: Final = ("cursor", "after", "starting_after", "page_token", "next_token")
_CURSOR_FIELDS: Final = ("next_cursor", "next_page_token", "next", "next_token")
_LINK_FIELDS: Final = (("next",), ("links", "next"), ("next_page_uri",), ("next_page", "uri"))
_SIZE_PARAMS: Final = ("per_page", "page_size")
_TOTALS: Final = ("total", "total_count", "total_results", "total_items")
_TOTAL_PAGES: Final = ("total_pages", "page_count", "num_pages")
# A list operation takes one of these: without any, a next link in the body is not read as a pager's.
_PAGING_PARAMS: Final = frozenset({"limit", "page", "page_size", "per_page", "offset", "page_token", *_CURSOR_PARAMS})
# Names of the page's list when the body has several arrays.
_ITEM_FIELDS: Final = ("data", "items", "results", "entries", "records", "values", "objects", "elements", "hits")
_CLASSES: Final = {
    "cursor": "CursorPager",
    "offset": "OffsetPager",
    "page": "PageNumberPager",
    "next_link": "NextLinkPager",
}
_URL_FORMATS: Final = frozenset({"uri", "url", "uri-reference", "iri"})


@dataclass(frozen=True)
class Keyword:
    """A method keyword a pager may drive: where it travels, its wire name, its Python name, its hint."""

    location: str
    wire: str
    python: str
    hint: str


@dataclass(frozen=True)
class Detected:
    pager: Pager
    item_hint: str


class Unfit(Exception):
    """A declared pager that does not fit the operation: why."""


def detect(
    data: Mapping[str, Any],
    site: openapi.Site,
    *,
    keywords: Sequence[Keyword],
    result: str,
    success: Mapping[str, Any] | None,
    types: Types,
    declared: Any = None,
) -> Detected | None:
    """The operation's pager: `declared` (the maintainer's table, or False), else the spec's extension, else the
    first rule whose both sides match. Raises Unfit for a declaration that cannot be honoured."""
    shape = _Shape(data, site, keywords, result, types)
    if declared is False:
        return None
    if isinstance(declared, Mapping):
        return shape.from_table(declared, "as [tool.generator] declares")
    for key, read in (
        ("x-pagination", dict),
        ("x-fern-pagination", _fern),
        ("x-speakeasy-pagination", _speakeasy),
    ):
        value = site.operation.get(key)
        if isinstance(value, Mapping):
            return shape.from_table(read(value), f"as {key} declares")
    if site.method != "get" or result in ("None", "bytes", "str"):
        return None
    return shape.guess(success if isinstance(success, Mapping) else {})


class _Shape:
    """The operation seen by the pager rules: its keywords by wire name and its decoded body's fields."""

    def __init__(
        self, data: Mapping[str, Any], site: openapi.Site, keywords: Sequence[Keyword], result: str, types: Types
    ) -> None:
        self.data = data
        self.site = site
        self.keywords = keywords
        self.result = result
        self.types = types

    # --- declared pagers ------------------------------------------------------------------------------------

    def from_table(self, table: Mapping[str, Any], why: str) -> Detected:
        kind = str(table.get("type", ""))
        if kind not in _CLASSES:
            raise Unfit(f"pagination `type` must be cursor, offset, page or next_link, not {kind!r}")
        items, item_hint = self._items_at(str(table.get("items", "")))
        fields: list[tuple[str, str]] = [("items", _path_source(items))]
        described: list[str] = []
        if kind == "cursor":
            param = self._required(table, "param")
            fields.append(("param", encode.string_literal(param.python)))
            if table.get("next_cursor"):
                fields.append(("next_cursor", _path_source(self._path(str(table["next_cursor"]))[0])))
                described.append(f"{param.wire} → {table['next_cursor']}")
            if table.get("has_more"):
                fields.append(("has_more", _path_source(self._path(str(table["has_more"]))[0])))
                described.append(f"while {table['has_more']}")
            if table.get("item_cursor"):
                fields.append(("item_cursor", encode.string_literal(self._item_field(item_hint, table["item_cursor"]))))
                described.append(f"{param.wire} ← last item's {table['item_cursor']}")
            if not table.get("next_cursor") and not table.get("item_cursor"):
                raise Unfit("a cursor pager needs `next_cursor` or `item_cursor`")
        elif kind == "offset":
            offset = self._required(table, "offset")
            limit = self._keyword(table, "limit")
            fields += [
                ("offset", encode.string_literal(offset.python)),
                ("limit", encode.string_literal(limit.python if limit else "")),
            ]
            fields += self._optional_path(table, "total")
            described.append(f"{offset.wire} + {limit.wire if limit else 'items received'}")
        elif kind == "page":
            page = self._required(table, "page")
            size = self._keyword(table, "size")
            fields.append(("page", encode.string_literal(page.python)))
            if size is not None:
                fields.append(("size", encode.string_literal(size.python)))
            first = table.get("first", self._first_page(page))
            if not isinstance(first, int) or isinstance(first, bool):
                raise Unfit("`first` must be an integer")
            fields += [("first", str(first))] if first != 1 else []
            fields += self._optional_path(table, "total_pages") + self._optional_path(table, "total")
            described.append(page.wire + (f" + {size.wire}" if size else ""))
        else:
            if table.get("next"):
                fields.append(("next", _path_source(self._path(str(table["next"]))[0])))
                described.append(str(table["next"]))
            if table.get("link_header") is True:
                fields.append(("link_header", "True"))
                described.append("Link header")
            if len(fields) == 1:
                raise Unfit("a next_link pager needs `next` or `link_header = true`")
        return self._detected(kind, fields, item_hint, f"({', '.join(described)}), {why}")

    def _required(self, table: Mapping[str, Any], key: str) -> Keyword:
        found = self._keyword(table, key)
        if found is None:
            raise Unfit(f"a {table.get('type')} pager needs `{key}`")
        return found

    def _keyword(self, table: Mapping[str, Any], key: str) -> Keyword | None:
        wire = table.get(key)
        if wire is None or wire == "":
            return None
        found = self._by_wire(str(wire))
        if found is None:
            raise Unfit(f"`{key}`: the operation has no parameter or body property {wire!r}")
        return found

    def _by_wire(self, wire: str) -> Keyword | None:
        return next((k for k in self.keywords if k.wire == wire), None) or next(
            (k for k in self.keywords if k.python == wire), None
        )

    def _optional_path(self, table: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
        if not table.get(key):
            return []
        return [(key, _path_source(self._path(str(table[key]))[0]))]

    def _items_at(self, dotted: str) -> tuple[tuple[str, ...], str]:
        path, hint = self._path(dotted) if dotted else ((), self.result)
        item = self.types.element(hint)
        if item is None:
            raise Unfit(f"`items`: {dotted or 'the body'} is not a list")
        return path, item

    def _path(self, dotted: str) -> tuple[tuple[str, ...], str]:
        """A dotted wire path in the decoded body as attribute names, and the hint where it ends."""
        hint, steps = self.result, list[str]()
        for wire in [w for w in dotted.split(".") if w]:
            model = self.types.model(hint)
            if model is None:
                raise Unfit(f"{dotted!r}: {'.'.join(steps) or 'the body'} has no fields")
            field = next((f for f in self.types.fields(model) if f.wire_name == wire), None)
            if field is None:
                raise Unfit(f"{dotted!r}: {model} has no field {wire!r}")
            steps.append(field.python_name)
            hint = self.types.qualify(field.type_hint)
        return tuple(steps), hint

    def _item_field(self, item_hint: str, wire: Any) -> str:
        model = self.types.model(item_hint)
        field = next((f for f in self.types.fields(model) if f.wire_name == str(wire)), None) if model else None
        if field is None:
            raise Unfit(f"`item_cursor`: the items have no field {wire!r}")
        return field.python_name

    def _first_page(self, page: Keyword) -> int:
        """Where numbering starts: the parameter's default or minimum when it is 0 or 1, else 1."""
        for param, _ in openapi.parameters(self.data, self.site):
            if param.get("name") == page.wire:
                schema = pointer.deref(self.data, param.get("schema"))
                if isinstance(schema, dict):
                    for key in ("default", "minimum"):
                        if schema.get(key) in (0, 1) and not isinstance(schema.get(key), bool):
                            return int(schema[key])
        return 1

    def _detected(self, kind: str, fields: list[tuple[str, str]], item_hint: str, rule: str) -> Detected:
        return Detected(
            Pager(kind, _CLASSES[kind], tuple(fields), f"paginated by {_KIND_WORDS[kind]} {rule}"), item_hint
        )

    # --- guesses --------------------------------------------------------------------------------------------

    def guess(self, success: Mapping[str, Any]) -> Detected | None:
        found = self._list()
        if found is None:
            return None
        items, item_hint, fields = found
        query = {"_".join(names.words(k.wire)): k for k in self.keywords if k.location == "query"}
        base = [("items", _path_source(items))]
        # cursor: a cursor parameter, and a next-cursor field of its type (or `has_more` and the last item's id)
        for name in [n for n in query if n in _CURSOR_PARAMS or self._next_of(n, fields)]:
            param = query[name]
            more = self._field(fields, ("has_more",), "bool")
            more_source = [("has_more", _path_source(more[0]))] if more else []
            candidates = [f"next_{name}", *(n for n in _CURSOR_FIELDS if name in _CURSOR_PARAMS)]
            for candidate in candidates:
                hit = self._field(fields, (candidate,), _base(param.hint))
                if hit is not None and not self._is_url(hit[1]):
                    rule = f"({param.wire} → {hit[1]}{', while has_more' if more else ''})"
                    return self._detected(
                        "cursor",
                        [
                            *base,
                            ("param", encode.string_literal(param.python)),
                            ("next_cursor", _path_source(hit[0])),
                            *more_source,
                        ],
                        item_hint,
                        rule,
                    )
            if more is not None and name in _CURSOR_PARAMS:
                # The last item's id is the cursor: read from the item, or from the page's `last_id` (items of
                # a union type share no field the generator can name).
                id_field = self._id_field(item_hint, _base(param.hint))
                last = self._field(fields, ("last_id",), _base(param.hint))
                if id_field is None and last is not None:
                    return self._detected(
                        "cursor",
                        [
                            *base,
                            ("param", encode.string_literal(param.python)),
                            ("next_cursor", _path_source(last[0])),
                            ("has_more", _path_source(more[0])),
                        ],
                        item_hint,
                        f"({param.wire} → {last[1]}, while has_more)",
                    )
                if id_field is not None:
                    return self._detected(
                        "cursor",
                        [
                            *base,
                            ("param", encode.string_literal(param.python)),
                            ("has_more", _path_source(more[0])),
                            ("item_cursor", encode.string_literal(id_field)),
                        ],
                        item_hint,
                        f"({param.wire} ← last item's id, while has_more)",
                    )
        paging = [k for n, k in query.items() if n in _PAGING_PARAMS]
        # next link: a paging parameter, and a URL to the next page in the body or a declared Link header
        if paging:
            for path in _LINK_FIELDS:
                hit = self._field(fields, path, "str")
                if hit is not None and (path != ("next",) or self._is_url(hit[1])):
                    return self._detected(
                        "next_link", [*base, ("next", _path_source(hit[0]))], item_hint, f"({'.'.join(path)})"
                    )
            headers = success.get("headers")
            if isinstance(headers, Mapping) and any(str(h).lower() == "link" for h in headers):
                return self._detected("next_link", [*base, ("link_header", "True")], item_hint, "(Link header)")
        # offset: `offset` and `limit` parameters, and an integer `offset` or total in the body
        offset, limit = query.get("offset"), query.get("limit")
        if offset and limit and _base(offset.hint) == "int" and _base(limit.hint) == "int":
            total = self._first_field(fields, _TOTALS, "int")
            echoed = self._field(fields, ("offset",), "int")
            if total or echoed:
                extra = [("total", _path_source(total[0]))] if total else []
                return self._detected(
                    "offset",
                    [
                        *base,
                        ("offset", encode.string_literal(offset.python)),
                        ("limit", encode.string_literal(limit.python)),
                        *extra,
                    ],
                    item_hint,
                    f"({offset.wire} + {limit.wire}{', until ' + total[1] if total else ''})",
                )
        # page number: `page` and a page size, and an integer page count, total or current page in the body
        page = query.get("page")
        size = next((query[n] for n in _SIZE_PARAMS if n in query), None)
        if page and size and _base(page.hint) == "int" and _base(size.hint) == "int":
            pages = self._first_field(fields, _TOTAL_PAGES, "int")
            total = self._first_field(fields, _TOTALS, "int")
            current = self._field(fields, ("page",), "int")
            if pages or total or current:
                first = self._first_page(page)
                extra = [("first", str(first))] if first != 1 else []
                extra += [("total_pages", _path_source(pages[0]))] if pages else []
                extra += [("total", _path_source(total[0]))] if total and not pages else []
                return self._detected(
                    "page",
                    [
                        *base,
                        ("page", encode.string_literal(page.python)),
                        ("size", encode.string_literal(size.python)),
                        *extra,
                    ],
                    item_hint,
                    f"({page.wire} + {size.wire})",
                )
        return None

    def _list(self) -> tuple[tuple[str, ...], str, dict[str, tuple[str, str, str]]] | None:
        """The page's list (path, item hint) and the body's fields by snake wire name → (python, wire, hint)."""
        item = self.types.element(self.result)
        if item is not None:
            return (), item, {}
        model = self.types.model(self.result)
        if model is None:
            return None
        fields = {
            "_".join(names.words(f.wire_name)): (f.python_name, f.wire_name, self.types.qualify(f.type_hint))
            for f in self.types.fields(model)
        }
        arrays = {n: v for n, v in fields.items() if self.types.element(v[2]) is not None}
        chosen = next(iter(arrays)) if len(arrays) == 1 else next((n for n in _ITEM_FIELDS if n in arrays), None)
        if chosen is None:
            return None
        item_hint = self.types.element(arrays[chosen][2])
        assert item_hint is not None
        return (arrays[chosen][0],), item_hint, fields

    def _field(
        self, fields: Mapping[str, tuple[str, str, str]], path: tuple[str, ...], hint: str
    ) -> tuple[tuple[str, ...], str] | None:
        """A field (through nested models) whose hint, `| None` aside, is `hint`: (attribute path, wire path)."""
        steps: list[str] = []
        wires: list[str] = []
        current = fields
        for index, name in enumerate(path):
            entry = current.get(name)
            if entry is None:
                return None
            steps.append(entry[0])
            wires.append(entry[1])
            if index == len(path) - 1:
                return (tuple(steps), ".".join(wires)) if _base(entry[2]) == hint else None
            model = self.types.model(entry[2])
            if model is None:
                return None
            current = {
                "_".join(names.words(f.wire_name)): (f.python_name, f.wire_name, self.types.qualify(f.type_hint))
                for f in self.types.fields(model)
            }
        return None

    def _first_field(
        self, fields: Mapping[str, tuple[str, str, str]], candidates: Sequence[str], hint: str
    ) -> tuple[tuple[str, ...], str] | None:
        return next((hit for c in candidates if (hit := self._field(fields, (c,), hint)) is not None), None)

    @staticmethod
    def _next_of(name: str, fields: Mapping[str, Any]) -> bool:
        return f"next_{name}" in fields

    def _id_field(self, item_hint: str, hint: str) -> str | None:
        model = self.types.model(item_hint)
        if model is None:
            return None
        field = next((f for f in self.types.fields(model) if f.wire_name == "id"), None)
        return field.python_name if field and _base(self.types.qualify(field.type_hint)) == hint else None

    def _is_url(self, wire_path: str) -> bool:
        """Whether the response schema says this field is a URL (`format: uri`, a URL as its example, or "URL" in
        its description): then it is a link, not a cursor."""
        schema: Any = None
        for slot in openapi.slots(self.data, self.site):
            if slot.role == "response" and slot.key.startswith("2"):
                schema = slot.schema
                break
        for wire in wire_path.split("."):
            schema = _property(self.data, schema, wire)
        if not isinstance(schema, dict):
            return False
        examples = [
            schema.get("example"),
            *(schema.get("examples") or [] if isinstance(schema.get("examples"), list) else []),
        ]
        return (
            str(schema.get("format", "")).lower() in _URL_FORMATS
            or any(isinstance(e, str) and e.startswith(("http://", "https://", "/")) for e in examples)
            or bool(re.search(r"\b(url|uri|link)\b", str(schema.get("description", "")), re.I))
        )


_KIND_WORDS: Final = {"cursor": "cursor", "offset": "offset", "page": "page number", "next_link": "next link"}


def _property(data: Mapping[str, Any], schema: Any, wire: str, depth: int = 0) -> Any:
    """A property's schema, through `$ref`, `allOf` and a nullable `anyOf`/`oneOf`."""
    schema = pointer.deref(data, schema)
    if not isinstance(schema, dict) or depth > 20:
        return None
    properties = schema.get("properties")
    if isinstance(properties, dict) and wire in properties:
        found = pointer.deref(data, properties[wire])
        for key in ("anyOf", "oneOf"):
            members = found.get(key) if isinstance(found, dict) else None
            if isinstance(members, list):
                real = [m for m in (pointer.deref(data, m) for m in members) if m != {"type": "null"}]
                found = real[0] if len(real) == 1 else found
        return found
    for part in schema.get("allOf") or []:
        hit = _property(data, part, wire, depth + 1)
        if hit is not None:
            return hit
    return None


def _base(hint: str) -> str:
    return hint.removesuffix(" | None")


def _path_source(path: tuple[str, ...]) -> str:
    """A tuple of attribute names as Python source."""
    return "(" + ", ".join(encode.string_literal(p) for p in path) + ("," if len(path) == 1 else "") + ")"


def _fern(table: Mapping[str, Any]) -> dict[str, Any]:
    """`x-fern-pagination` ({cursor, next_cursor, results} or {offset, results, step}) as a pager table."""

    def request(value: Any) -> str:
        return str(value).removeprefix("$request.").split(".")[-1]

    def response(value: Any) -> str:
        return str(value).removeprefix("$response").removeprefix(".")

    if "cursor" in table:
        return {
            "type": "cursor",
            "param": request(table["cursor"]),
            "next_cursor": response(table.get("next_cursor", "")),
            "items": response(table.get("results", "")),
        }
    if "offset" in table:
        # Without `step` Fern counts pages by one; with it, the offset advances by the step (the page size).
        if "step" in table:
            return {
                "type": "offset",
                "offset": request(table["offset"]),
                "limit": request(table["step"]),
                "items": response(table.get("results", "")),
            }
        return {"type": "page", "page": request(table["offset"]), "items": response(table.get("results", ""))}
    if "next_uri" in table or "next" in table:
        return {
            "type": "next_link",
            "next": response(table.get("next_uri", table.get("next"))),
            "items": response(table.get("results", "")),
        }
    return {}


def _speakeasy(table: Mapping[str, Any]) -> dict[str, Any]:
    """`x-speakeasy-pagination` ({type, inputs, outputs} with JSONPath outputs) as a pager table."""
    inputs = {str(i.get("type")): str(i.get("name")) for i in table.get("inputs") or [] if isinstance(i, Mapping)}
    outputs = table.get("outputs") if isinstance(table.get("outputs"), Mapping) else {}
    assert isinstance(outputs, Mapping)

    def path(value: Any) -> str:
        text = str(value or "")
        return "" if text == "$" else text.removeprefix("$.")

    kind = str(table.get("type", ""))
    items = path(outputs.get("results", "$"))
    if kind == "cursor":
        cursor = path(outputs.get("nextCursor", ""))
        last = re.fullmatch(r"(.*)\[-1\]\.(\w+)", cursor)
        found: dict[str, Any] = {"type": "cursor", "param": inputs.get("cursor", ""), "items": items}
        if last:
            found["item_cursor"] = last.group(2)
        else:
            found["next_cursor"] = cursor
        return found
    if kind == "offsetLimit" and "page" in inputs:
        total_pages = path(outputs.get("numPages", ""))
        return {"type": "page", "page": inputs["page"], "size": inputs.get("limit", ""), "items": items} | (
            {"total_pages": total_pages} if total_pages else {}
        )
    if kind == "offsetLimit":
        return {"type": "offset", "offset": inputs.get("offset", ""), "limit": inputs.get("limit", ""), "items": items}
    if kind == "url":
        return {"type": "next_link", "next": path(outputs.get("nextUrl", "")), "items": items}
    return {"type": kind}
