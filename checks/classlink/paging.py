"""Reading a whole OneRoster collection with limit/offset.

With X-Total-Count the remaining pages are known after the first one, so they are fetched
concurrently (in order) and the count is verified. A server that clamps `limit` below ours
answers a full page of its own size, which then sets the step.

Without it, pages are read one after another, and what ends the collection is:
- a `Link` header with rel="next" says another page follows, however short this one is (a
  silently clamped page looks like a final short page); once a collection's pages carry it,
  the first page without it is the last;
- with neither header, a short (or empty) page, the only evidence there is.
Links and hrefs in responses are never followed: they point at the district's own host.

`executor`, when given, runs every page of the collection (the first included): a district
reading its collections at once shares one small pool, which caps its requests in flight and
keeps the decoding in a few threads (each thread that allocates big buffers gets a glibc malloc
arena of its own, and arenas keep what they once held). `cancelled` stops a collection before
its next page when a sibling read has failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from checks.classlink.http import Params, Reply, Requester
from checks.classlink.parse import RecordError
from checks.errors import ClassLinkBadResponse
from checks.gcpause import gc_paused

T = TypeVar("T")

MAX_PAGE_SIZE = 10_000  # ClassLink's largest page; larger limits are clamped server-side


class Cancelled(Exception):
    """A collection read abandoned because another read of the same district failed."""


def fetch_all(
    requester: Requester,
    path: str,
    *,
    envelope: str,
    parse: Callable[[Any], T],
    page_size: int,
    params: Params | None = None,
    workers: int = 4,
    on_body: Callable[[dict[str, Any]], None] | None = None,
    executor: Executor | None = None,
    cancelled: threading.Event | None = None,
) -> list[T]:
    """Every record of the collection at `path`, parsed, in the order ClassLink sends them.

    `on_body` sees each page's whole body (e.g. to log a top-level status). Without `executor`
    the first page is read here and the rest by a pool of `workers` threads of its own.
    """
    pager = _Pager(requester, path, envelope, parse, dict(params or {}), on_body, executor,
                   cancelled)
    first = pager.first(page_size)
    total = first.total
    if total is None:
        return pager.sequential(first, page_size)
    records = first.body
    if total > len(records) and not records:
        raise pager.bad(f"X-Total-Count is {total} but the first page is empty")
    # A server that clamps `limit` below ours answers with a full page of its own size.
    step = min(page_size, len(records)) if records else page_size
    records = records + pager.concurrent(range(step, total, step), step, workers)
    if len(records) != total:
        raise pager.bad(f"X-Total-Count is {total} but the pages held {len(records)} records")
    return records


class _Pager(Generic[T]):
    def __init__(
        self,
        requester: Requester,
        path: str,
        envelope: str,
        parse: Callable[[Any], T],
        params: dict[str, str | int],
        on_body: Callable[[dict[str, Any]], None] | None,
        executor: Executor | None,
        cancelled: threading.Event | None,
    ) -> None:
        self._requester = requester
        self._path = path
        self._envelope = envelope
        self._parse = parse
        self._params = params
        self._on_body = on_body
        self._executor = executor
        self._cancelled = cancelled

    def first(self, limit: int) -> Reply[list[T]]:
        return self.page(0, limit) if self._executor is None else self.later(0, limit)

    def later(self, offset: int, limit: int) -> Reply[list[T]]:
        """A page read on the shared executor (or here, without one)."""
        if self._executor is None:
            return self.page(offset, limit)
        self._check()
        return self._executor.submit(self.page, offset, limit).result()

    def page(self, offset: int, limit: int) -> Reply[list[T]]:
        self._check()
        with gc_paused():
            return self._read(offset, limit)

    def _check(self) -> None:
        if self._cancelled is not None and self._cancelled.is_set():
            raise Cancelled(self._path)

    def _read(self, offset: int, limit: int) -> Reply[list[T]]:
        def records(body: dict[str, Any]) -> list[T]:
            if self._on_body is not None:
                self._on_body(body)
            raw = body[self._envelope]
            if not isinstance(raw, list):
                raise _Unreadable(f"{self._envelope!r} is a {type(raw).__name__}, not a list")
            try:
                return [self._parse(item) for item in raw]
            except RecordError as exc:
                raise _Unreadable(f"offset {offset}: {exc}") from exc

        try:
            return self._requester.read(
                self._path, {**self._params, "limit": limit, "offset": offset},
                envelope=self._envelope, read=records,
            )
        except _Unreadable as exc:
            raise self.bad(str(exc)) from exc.__cause__

    def sequential(self, first: Reply[list[T]], limit: int) -> list[T]:
        records, page = list(first.body), first
        linked = first.has_next  # does this server mark the pages that have a successor?
        while self._more(page, limit, linked):
            offset = len(records)
            previous, page = page, self.later(offset, limit)
            linked = linked or page.has_next
            if page.body and previous.body and page.body[0] == previous.body[0]:
                # A server ignoring `offset` would otherwise be read forever.
                raise self.bad(f"offset {offset} returned the previous page again")
            records.extend(page.body)
        return records

    def _more(self, page: Reply[list[T]], limit: int, linked: bool) -> bool:
        if page.has_next:
            if not page.body:
                raise self.bad('an empty page says more follow (Link rel="next")')
            return True
        if linked:
            return False
        return len(page.body) >= limit

    def concurrent(self, offsets: range, limit: int, workers: int) -> list[T]:
        if not offsets:
            return []
        if self._executor is not None:
            return self._on(self._executor, offsets, limit)
        pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(offsets))))
        try:
            return self._on(pool, offsets, limit)
        finally:
            pool.shutdown(wait=True)

    def _on(self, executor: Executor, offsets: range, limit: int) -> list[T]:
        self._check()
        futures: list[Future[Reply[list[T]]]] = [
            executor.submit(self.page, offset, limit) for offset in offsets
        ]
        try:
            return [record for future in futures for record in future.result().body]
        finally:
            # On the first failure, drop the pages not yet started (a shared pool goes on).
            for future in futures:
                future.cancel()

    def bad(self, detail: str) -> ClassLinkBadResponse:
        return ClassLinkBadResponse(
            detail, district=self._requester.district, call=f"GET /{self._path}"
        )


class _Unreadable(Exception):
    """A record on the page could not be parsed (raised as ClassLinkBadResponse, not retried)."""
