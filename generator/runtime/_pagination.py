"""Pages: four pagination shapes as data, and the page objects a paginated method returns.

A pager reads the decoded page body and the request's arguments, and says how to ask for the next page: the same
arguments with the cursor, offset or page number changed, or a next link. Paths such as ("links", "next") walk
the decoded body (attributes of models, keys of mappings). Walking stops, so that a misread can never loop, when
a page is empty, when the shape says so (no cursor, `has_more` false, the total reached, or a short page when no
total is given), or when the next cursor or link is one already used; a page holding the very items of the page
before it (a server ignoring the offset or page number) raises `PaginationError` rather than loop.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeAlias, TypeGuard, TypeVar

import httpx

from ._serde import encode
from .errors import PaginationError

__all__ = [
    "AsyncPage",
    "AsyncPaginator",
    "CursorPager",
    "NextLinkPager",
    "NextRequest",
    "OffsetPager",
    "PageNumberPager",
    "Pager",
    "SyncPage",
]

E = TypeVar("E")
B = TypeVar("B")
Path: TypeAlias = tuple[str, ...]


class NextRequest(NamedTuple):
    """How to fetch the next page: the arguments to call with, or a URL to GET; `key` must never repeat."""

    args: Mapping[str, object]
    url: httpx.URL | None
    key: str


@dataclass(frozen=True)
class CursorPager:
    """`param` ← the body's `next_cursor`, else the last item's `item_cursor` field; a false `has_more` ends."""

    items: Path
    param: str
    next_cursor: Path = ()
    has_more: Path = ()
    item_cursor: str = ""

    def first_key(self, args: Mapping[str, object]) -> str | None:
        value = args.get(self.param)
        return None if value is None else _key("cursor", value)

    def next_request(
        self,
        body: Any,
        items: list[Any],
        args: Mapping[str, object],
        response: httpx.Response,
        page_size: int = 0,
    ) -> NextRequest | None:
        if self.has_more and _get(body, self.has_more) is False:
            return None
        cursor = _get(body, self.next_cursor) if self.next_cursor else None
        if cursor is None and self.item_cursor:
            cursor = _get(items[-1], (self.item_cursor,))
        if cursor is None or cursor == "":
            return None
        return NextRequest({**args, self.param: cursor}, None, _key("cursor", cursor))


@dataclass(frozen=True)
class OffsetPager:
    """`offset` advances by the items received; ends at `total`, or, when the body gives none, on a short page
    (when `limit` was given). A server may cap the page size below `limit`: a short page says nothing then.
    """

    items: Path
    offset: str
    limit: str
    total: Path = ()

    def first_key(self, args: Mapping[str, object]) -> str | None:
        return None

    def next_request(
        self,
        body: Any,
        items: list[Any],
        args: Mapping[str, object],
        response: httpx.Response,
        page_size: int = 0,
    ) -> NextRequest | None:
        start = args.get(self.offset)
        following = (start if isinstance(start, int) else 0) + len(items)
        total = _get(body, self.total) if self.total else None
        if _is_count(total):
            if following >= total:
                return None
        elif _short(items, args.get(self.limit)):
            return None
        return NextRequest({**args, self.offset: following}, None, _key("offset", following))


@dataclass(frozen=True)
class PageNumberPager:
    """`page` counts up from `first`; ends at `total_pages`, else at `total` items, else on a short page (when
    `size` was given). Totals decide when the body gives them, since a server may cap the page size below `size`.
    """

    items: Path
    page: str
    size: str = ""
    first: int = 1
    total_pages: Path = ()
    total: Path = ()

    def first_key(self, args: Mapping[str, object]) -> str | None:
        return None

    def next_request(
        self,
        body: Any,
        items: list[Any],
        args: Mapping[str, object],
        response: httpx.Response,
        page_size: int = 0,
    ) -> NextRequest | None:
        """`page_size` is the largest page of the walk so far: from its second page on, the server's own size."""
        given = args.get(self.page)
        page = given if isinstance(given, int) else self.first
        pages = _get(body, self.total_pages) if self.total_pages else None
        total = _get(body, self.total) if self.total else None
        if _is_count(pages):
            if page - self.first + 1 >= pages:
                return None
        elif _is_count(total):
            # The items up to this page's end, the pages before it full. A walk begun past the first page takes
            # its own first page as full: if that is a short last page, one more (empty) page is asked for.
            if (page - self.first) * max(page_size, len(items)) + len(items) >= total:
                return None
        elif _short(items, args.get(self.size) if self.size else None):
            return None
        return NextRequest({**args, self.page: page + 1}, None, _key("page", page + 1))


@dataclass(frozen=True)
class NextLinkPager:
    """The next page's URL from the body (`next`, `links.next`, `next_page_uri`) or the `Link: rel="next"` header;
    relative links resolve against the page's own URL."""

    items: Path
    next: Path = ()
    link_header: bool = False

    def first_key(self, args: Mapping[str, object]) -> str | None:
        return None

    def next_link(self, body: Any, response: httpx.Response) -> str | None:
        link = _get(body, self.next) if self.next else None
        if not link and self.link_header:
            link = response.links.get("next", {}).get("url")
        return link if isinstance(link, str) and link else None

    def next_request(
        self,
        body: Any,
        items: list[Any],
        args: Mapping[str, object],
        response: httpx.Response,
        page_size: int = 0,
    ) -> NextRequest | None:
        link = self.next_link(body, response)
        if link is None:
            return None
        url = response.url.join(link)
        return NextRequest(args, url, _key("url", str(url)))


Pager: TypeAlias = CursorPager | OffsetPager | PageNumberPager | NextLinkPager


def _get(value: Any, path: Path) -> Any:
    for step in path:
        if value is None:
            return None
        value = value.get(step) if isinstance(value, Mapping) else getattr(value, step, None)
    return value


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(items: list[Any], size: object) -> bool:
    return _is_count(size) and len(items) < size


def _key(kind: str, value: object) -> str:
    try:
        text = json.dumps(encode(value), sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return f"{kind}:{text}"


class _PageBase(Generic[E, B]):
    """A page: `items`, the decoded `body`, the `response`; whether and how a next page follows."""

    def __init__(
        self,
        *,
        body: B,
        response: httpx.Response,
        pager: Pager,
        args: Mapping[str, object],
        seen: frozenset[str],
    ) -> None:
        self.body = body
        self.response = response
        found: Any = _get(body, pager.items) if pager.items else body
        self.items: list[E] = list(found) if found is not None else []
        if isinstance(pager, NextLinkPager):  # a next link back to this very page is a repeat too
            seen = seen | {_key("url", str(response.url))}
        self._pager, self._args, self._known = pager, args, seen
        self._page_size = len(self.items)  # the largest page of the walk up to this one
        self._fingerprint: str | None = None
        self._decide()

    def _decide(self) -> None:
        pager, body, items = self._pager, self.body, self.items
        step = (
            pager.next_request(body, items, self._args, self.response, self._page_size)
            if items
            else None
        )
        self._next = step if step is not None and step.key not in self._known else None
        self._seen = self._known | {step.key} if step is not None else self._known

    def _items_fingerprint(self) -> str:
        if self._fingerprint is None:
            try:
                text = json.dumps(encode(self.items), sort_keys=True, default=repr)
            except (TypeError, ValueError):
                text = repr(self.items)
            self._fingerprint = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        return self._fingerprint

    def _follows(self, previous: _PageBase[E, B]) -> None:
        """Called on a page just fetched with the page it follows: refuses a repeat, and learns the page size."""
        if self.items and self._items_fingerprint() == previous._items_fingerprint():
            # Offsets and page numbers never repeat, so a server that ignores them would be asked forever.
            pager = self._pager
            name = getattr(pager, "offset", None) or getattr(pager, "page", None)
            name = name or getattr(pager, "param", None)
            hint = f" (does it ignore `{name}`?)" if isinstance(name, str) else ""
            raise PaginationError(
                f"{self.response.request.method} {self.response.url.path}: the server answered the next page "
                f"with the items of the page before{hint}; stopped rather than repeat them"
            )
        self._page_size = max(previous._page_size, len(self.items))
        self._decide()

    def has_next_page(self) -> bool:
        return self._next is not None

    def next_page_info(self) -> NextRequest | None:
        """The next page's arguments or URL, e.g. to resume later; None on the last page."""
        return self._next

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} items={len(self.items)} has_next_page={self.has_next_page()}>"
        )


class SyncPage(_PageBase[E, B]):
    """`for item in page` walks every item of this and the following pages, fetching each page when reached."""

    def __init__(
        self,
        *,
        body: B,
        response: httpx.Response,
        pager: Pager,
        args: Mapping[str, object],
        seen: frozenset[str],
        fetch: Callable[[NextRequest, frozenset[str]], SyncPage[E, B]],
    ) -> None:
        super().__init__(body=body, response=response, pager=pager, args=args, seen=seen)
        self._fetch = fetch
        self._following: SyncPage[E, B] | None = None

    def get_next_page(self) -> SyncPage[E, B]:
        """The next page, fetched once; raises when there is none (see `has_next_page()`)."""
        if self._next is None:
            raise RuntimeError("this is the last page: check has_next_page() first")
        if self._following is None:
            following = self._fetch(self._next, self._seen)
            following._follows(self)
            self._following = following
        return self._following

    def iter_pages(self) -> Iterator[SyncPage[E, B]]:
        """This page, then each following one."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[E]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_PageBase[E, B]):
    """`async for item in page` walks every item of this and the following pages."""

    def __init__(
        self,
        *,
        body: B,
        response: httpx.Response,
        pager: Pager,
        args: Mapping[str, object],
        seen: frozenset[str],
        fetch: Callable[[NextRequest, frozenset[str]], Awaitable[AsyncPage[E, B]]],
    ) -> None:
        super().__init__(body=body, response=response, pager=pager, args=args, seen=seen)
        self._fetch = fetch
        self._following: AsyncPage[E, B] | None = None

    async def get_next_page(self) -> AsyncPage[E, B]:
        if self._next is None:
            raise RuntimeError("this is the last page: check has_next_page() first")
        if self._following is None:
            following = await self._fetch(self._next, self._seen)
            following._follows(self)
            self._following = following
        return self._following

    async def iter_pages(self) -> AsyncIterator[AsyncPage[E, B]]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[E]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class AsyncPaginator(Generic[E, B]):
    """What an async paginated method returns: `await` it for the first page, or `async for` every item."""

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[E, B]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[E, B]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[E]:
        page = await self
        async for item in page:
            yield item
