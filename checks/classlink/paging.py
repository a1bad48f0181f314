"""Reading a whole OneRoster collection with limit/offset.

With X-Total-Count the remaining pages are known after the first one, so they are fetched
concurrently (in order) and the count is verified. Without it, pages are read one after
another until a short or empty page. Links and hrefs in responses are never followed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from checks.classlink.http import Params, Requester
from checks.classlink.parse import RecordError
from checks.errors import ClassLinkBadResponse
from checks.gcpause import gc_paused

T = TypeVar("T")

MAX_PAGE_SIZE = 10_000  # ClassLink's largest page; larger limits are clamped server-side


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
) -> list[T]:
    """Every record of the collection at `path`, parsed, in the order ClassLink sends them.

    `on_body` sees each page's whole body (e.g. to log a top-level status).
    """
    pager = _Pager(requester, path, envelope, parse, dict(params or {}), on_body)
    first, total = pager.page(0, page_size)
    if total is None:
        return pager.sequential(first, page_size)
    if total > len(first) and not first:
        raise pager.bad(f"X-Total-Count is {total} but the first page is empty")
    # A server that clamps `limit` below ours answers with a full page of its own size.
    step = min(page_size, len(first)) if first else page_size
    rest = pager.concurrent(range(step, total, step), step, workers)
    records = first + rest
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
    ) -> None:
        self._requester = requester
        self._path = path
        self._envelope = envelope
        self._parse = parse
        self._params = params
        self._on_body = on_body

    def page(self, offset: int, limit: int) -> tuple[list[T], int | None]:
        with gc_paused():
            return self._read(offset, limit)

    def _read(self, offset: int, limit: int) -> tuple[list[T], int | None]:
        reply = self._requester.get(
            self._path, {**self._params, "limit": limit, "offset": offset}, envelope=self._envelope
        )
        if self._on_body is not None:
            self._on_body(reply.body)
        raw = reply.body[self._envelope]
        if not isinstance(raw, list):
            raise self.bad(f"{self._envelope!r} is a {type(raw).__name__}, not a list")
        try:
            return [self._parse(item) for item in raw], reply.total
        except RecordError as exc:
            raise self.bad(f"offset {offset}: {exc}") from exc

    def sequential(self, first: list[T], limit: int) -> list[T]:
        records, page = list(first), first
        while len(page) >= limit:
            offset = len(records)
            previous, (page, _) = page, self.page(offset, limit)
            if page and page[0] == previous[0]:
                # A server ignoring `offset` would otherwise be read forever.
                raise self.bad(f"offset {offset} returned the previous page again")
            records.extend(page)
        return records

    def concurrent(self, offsets: range, limit: int, workers: int) -> list[T]:
        if not offsets:
            return []
        pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(offsets))))
        futures: list[Future[tuple[list[T], int | None]]] = []
        try:
            futures = [pool.submit(self.page, offset, limit) for offset in offsets]
            return [record for future in futures for record in future.result()[0]]
        finally:
            # On the first failure, drop the pages not yet started.
            pool.shutdown(wait=True, cancel_futures=True)

    def bad(self, detail: str) -> ClassLinkBadResponse:
        return ClassLinkBadResponse(
            detail, district=self._requester.district, call=f"GET /{self._path}"
        )
