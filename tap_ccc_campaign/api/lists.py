"""Paging every list action, and the one rule that says whether a list was read whole.

Two kinds of list. Offset lists (PageSize, PageNumber from 0, TotalCount): campaigns, sessions,
skill groups, agents, auto-callout tasks. Cursor lists (each item's Cursor asks for the items
after it, no TotalCount): an agent's status history.

A page is judged by what it holds, never by the page size asked: where no maximum is documented
a server may answer fewer items than asked, so a short page does not end a list. An offset pass
ends at an empty page, or once it has shown as many distinct items as a TotalCount that held
throughout (when that last page was full, one page further is read first: a full page proves
nothing about what follows). A cursor list ends at an empty page; a cursor that comes back ends
it incomplete. Every loop is bounded, and a list past its bound is read incomplete, with what it
read kept: the caller decides what an incomplete list costs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.errors import TransportError

# Pages of one pass at most, whatever the TotalCount says: a million items of 100 a page, or a
# server answering a few items a page of a list of tens of thousands.
MAX_PAGES = 100_000


@dataclass(frozen=True)
class OffsetList:
    """A list action that pages from 0 and counts its items."""

    action: str
    list_field: str  # the answer's list: CampaignList, SessionList, SkillGroupList, StaffList, Tasks
    key: str | None  # what names an item (CampaignId, TaskId, ...); None: the item itself (session ids)
    key_type: type  # int or str
    page_size: int  # what is asked per page: the documented maximum, or the API's usual 100
    max_passes: int = 2
    # A full last page is followed by one more before the list counts as whole: what proves an
    # item gone. A list nothing is ever concluded from (call records by SessionIds) stops at its count.
    prove_end: bool = True
    # Items without their key are kept, each keyed by its content (call records without a SessionId).
    keyless_ok: bool = False
    older_list_field: str | None = None  # the list's name in older answers (TelCdrs)

    def key_of(self, item: Any) -> Any:
        if self.key is None:
            return item
        value = item.get(self.key)
        if self.keyless_ok and not (self._named(value) and value):  # missing, null or empty
            return ("keyless", json.dumps(item, sort_keys=True, default=str))
        return value

    def valid(self, item: Any) -> bool:
        if self.key is None:
            return self._named(item)
        if not isinstance(item, dict):
            return False
        return self.keyless_ok or self._named(item.get(self.key))

    def _named(self, value: Any) -> bool:
        return isinstance(value, self.key_type) and not isinstance(value, bool)

    def entries(self, data: dict[str, Any]) -> Any:
        found = data.get(self.list_field)
        if found is None and self.older_list_field is not None:
            found = data.get(self.older_list_field)
        return found


@dataclass
class Read:
    items: dict[Any, Any]  # by key, once each (the latest answer wins)
    complete: bool
    calls: int


class Pass:
    """One read of an offset list from its first page; iterate for its pages' items."""

    def __init__(self, reader: OffsetReader, number: int) -> None:
        self.reader = reader
        self.number = number  # from 1
        self.totals: set[int] = set()  # every TotalCount this pass was given
        self.distinct: set[Any] = set()  # keys this pass showed: a repeated page adds nothing
        self.complete = False

    @property
    def whole(self) -> bool:
        """As many distinct items as a TotalCount that held throughout the pass."""
        return len(self.totals) == 1 and len(self.distinct) == next(iter(self.totals))

    def __iter__(self) -> Iterator[list[Any]]:
        kind = self.reader.kind
        size, offset, pages = kind.page_size, 0, 0
        while True:
            number = offset // size  # a page that starts at or before the offset reached: none skipped
            total, entries = self.reader.page(size, number)
            pages += 1
            self.totals.add(total)
            before = len(self.distinct)
            self.distinct.update(kind.key_of(entry) for entry in entries)
            yield entries
            if not entries:
                self.complete = self.whole
                return
            if self.whole and (not kind.prove_end or len(entries) < size or len(self.distinct) == before):
                self.complete = True
                return
            offset = max(offset, number * size + len(entries))
            if len(entries) < size:
                # Fewer than asked while the count says more: the server gives no more a page, and
                # pages of what it gives are where PageNumber counts from.
                size = len(entries)
            bound = min(MAX_PAGES, 2 * math.ceil(max(self.totals) / size) + 2)
            if pages >= bound:
                return


class OffsetReader:
    """An offset list read pass after pass until one pass is whole, or the passes run out."""

    def __init__(self, client: CCCClient, kind: OffsetList, params: dict[str, Any]) -> None:
        self.client = client
        self.kind = kind
        self.params = params  # the action's own filters: SdkAppId, CampaignId, ModifiedTime
        self.calls = 0
        self.total: int | None = None  # the last TotalCount the API gave
        self.complete = False

    def passes(self) -> Iterator[Pass]:
        """Each pass, to be iterated before the next is asked for."""
        for number in range(1, self.kind.max_passes + 1):
            current = Pass(self, number)
            yield current
            if current.complete:
                self.complete = True
                return

    def page(self, size: int, number: int) -> tuple[int, list[Any]]:
        kind = self.kind
        result = self.client.call(kind.action, {**self.params, "PageSize": size, "PageNumber": number})
        self.calls += 1
        total, entries = result.data.get("TotalCount"), kind.entries(result.data)
        if entries is None and total == 0:
            entries = []  # an empty list may come without its field
        if (
            not isinstance(total, int)
            or isinstance(total, bool)
            or not isinstance(entries, list)
            or not all(kind.valid(entry) for entry in entries)
        ):
            raise TransportError(
                f"the {kind.action} answer (page {number}) is not the shape the API documents "
                f"(RequestId {result.request_id})",
                http_status=200,
            )
        self.total = total
        return total, entries


def read_pages(client: CCCClient, kind: OffsetList, params: dict[str, Any]) -> Iterator[list[Any]]:
    """Each page's items of an offset list, pass after pass until one is whole (items may repeat)."""
    reader = OffsetReader(client, kind, params)
    for current in reader.passes():
        yield from current


def read_all(client: CCCClient, kind: OffsetList, params: dict[str, Any]) -> Read:
    """Every item of an offset list, by key, and whether one pass was whole."""
    reader = OffsetReader(client, kind, params)
    items: dict[Any, Any] = {}
    for current in reader.passes():
        for entries in current:
            items.update((kind.key_of(entry), entry) for entry in entries)
    return Read(items, reader.complete, reader.calls)


@dataclass(frozen=True)
class CursorList:
    """A list action whose items each carry a Cursor that asks for the items after it."""

    action: str
    list_field: str  # Data
    page_size: int
    max_pages: int  # beyond any real list: past it, the list is read incomplete


@dataclass
class CursorRead:
    items: list[dict[str, Any]]  # in the order served, each Cursor once
    complete: bool
    calls: int
    why: str = ""  # what left it incomplete


def read_cursor_list(
    client: CCCClient, kind: CursorList, params: dict[str, Any], valid: Callable[[dict[str, Any]], bool]
) -> CursorRead:
    """Every item of a cursor list. ``valid``: what paging needs of an item, beyond being an object."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()  # every item's Cursor so far: one that comes back proves a cycle
    cursor: str | None = None
    for calls in range(1, kind.max_pages + 1):
        asked = {**params, "PageSize": kind.page_size, **({"Cursor": cursor} if cursor is not None else {})}
        result = client.call(kind.action, asked)
        data = result.data.get(kind.list_field) or []
        if not isinstance(data, list) or not all(isinstance(e, dict) and valid(e) for e in data):
            raise TransportError(
                f"the {kind.action} answer is not the shape the API documents (RequestId {result.request_id})",
                http_status=200,
            )
        if not data:
            return CursorRead(items, True, calls)
        last = data[-1].get("Cursor")
        if last in seen or last == cursor:
            why = f"its Cursor came back to one already read after {calls} page(s) (RequestId {result.request_id})"
            return CursorRead(items, False, calls, why)
        for entry in data:
            mark = entry.get("Cursor")
            if isinstance(mark, str) and mark in seen:
                continue  # served again (a cursor that includes its own item): loaded once
            if isinstance(mark, str):
                seen.add(mark)
            items.append(entry)
        if not isinstance(last, str) or not last:
            why = (
                f"page {calls} ended with an item without a Cursor to ask for the next (RequestId {result.request_id})"
            )
            return CursorRead(items, False, calls, why)
        cursor = last
    return CursorRead(items, False, kind.max_pages, f"it kept paging past {kind.max_pages} pages")
