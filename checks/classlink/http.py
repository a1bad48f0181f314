"""One GET against ClassLink: the URL, its authorisation, retries, and typed errors.

Every error names the district and the call (e.g. "GET /users") so a reply to the user can
say which connection and which request failed.

Requests run concurrently (pages, collections), but one body at a time is decoded and turned
into records, under the requester's `decoding` lock: the GIL lets only one thread do that work
anyway, and a 10,000-record page decodes into ~20 MB of dicts, so interleaved decoding would
only multiply the memory held at once. Waiting for the network needs no lock.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlencode

import httpx
import orjson

from checks.classlink.errors import ClassLinkRejectedRequest
from checks.classlink.oauth import Authorizer
from checks.classlink.parse import status_info
from checks.classlink.retry import RetryPolicy
from checks.errors import (
    ClassLinkAuthError,
    ClassLinkBadResponse,
    ClassLinkError,
    ClassLinkNotFound,
    ClassLinkRateLimited,
    ClassLinkUnavailable,
)

Params = Mapping[str, str | int]
R = TypeVar("R")
# Told of every HTTP request sent (each retry too): its outcome, the HTTP status ("200",
# "429", ...) or "timeout" / "connection_error", and how long it took in seconds. For metrics;
# it must be quick and must not raise.
RequestObserver = Callable[[str, float], None]


@dataclass(frozen=True, slots=True)
class Reply(Generic[R]):
    body: R  # the decoded document, or what `Requester.read` made of it
    total: int | None  # X-Total-Count when sent and readable
    has_next: bool = False  # a Link header with rel="next" (believed, never followed)


def _document(body: dict[str, Any]) -> dict[str, Any]:
    return body


@dataclass(frozen=True, slots=True)
class Requester:
    """GETs JSON documents under one base URL with one way of authorising."""

    http: httpx.Client
    base_url: str
    authorize: Authorizer
    district: str
    timeout: float
    policy: RetryPolicy
    decoding: AbstractContextManager[Any] = field(default_factory=threading.Lock)
    observer: RequestObserver | None = None

    def get(self, path: str, params: Params | None = None, *, envelope: str
            ) -> Reply[dict[str, Any]]:
        """GET `path` and return its body, which must hold the `envelope` key."""
        return self.read(path, params, envelope=envelope, read=_document)

    def read(self, path: str, params: Params | None = None, *, envelope: str,
             read: Callable[[dict[str, Any]], R]) -> Reply[R]:
        """GET `path` and return `read(body)`, run under the decoding lock with the decoding.

        An exception from `read` that is not a ClassLinkError is raised at once (no retry)."""
        url = self.url(path, params)
        call = f"GET /{path}"
        return self.policy.run(lambda: self._attempt(url, call=call, envelope=envelope, read=read))

    def url(self, path: str, params: Params | None = None) -> str:
        # Percent-encode every query character so the URL httpx sends is exactly the one
        # OAuth 1.0a signs. `path` is interpolated verbatim (application ids come encoded).
        url = f"{self.base_url.rstrip('/')}/{path}"
        if params:
            url += "?" + urlencode({k: str(v) for k, v in params.items()}, quote_via=quote, safe="")
        return url

    def _attempt(self, url: str, *, call: str, envelope: str,
                 read: Callable[[dict[str, Any]], R]) -> Reply[R]:
        headers = {"Accept": "application/json", **self.authorize(url)}
        started = time.perf_counter()
        try:
            response = self.http.get(url, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            self._observe("timeout", started)
            raise self._fail(
                ClassLinkUnavailable, f"timed out ({type(exc).__name__})", call
            ) from exc
        except httpx.RequestError as exc:
            self._observe("connection_error", started)
            detail = f"connection failed ({type(exc).__name__}: {exc})"
            raise self._fail(ClassLinkUnavailable, detail, call) from exc
        self._observe(str(response.status_code), started)
        if not response.is_success:
            raise error_for(response, district=self.district, call=call)
        total = _total_count(response.headers)
        has_next = "next" in response.links
        content = response.content
        # httpx keeps Response and its stream in a reference cycle; with the cyclic GC paused
        # during paging, every page body would stay alive until the last page. Breaking the
        # cycle lets reference counting free each page as soon as it is decoded.
        response.stream = httpx.ByteStream(b"")
        del response
        with self.decoding:
            body = self._decode(content, call)
            del content
            if envelope not in body:
                info = status_info(body)
                detail = (
                    f"HTTP 200 carrying an error instead of {envelope!r}: {info.summary()}"
                    if info
                    else f"HTTP 200 without the {envelope!r} key"
                )
                raise self._fail(ClassLinkBadResponse, detail, call)
            value = read(body)
            del body  # freed here, before another thread may decode
        return Reply(body=value, total=total, has_next=has_next)

    def _decode(self, content: bytes, call: str) -> dict[str, Any]:
        try:
            body = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            size = len(content)
            detail = f"HTTP 200 body is not JSON ({size} bytes: {exc})"
            raise self._fail(ClassLinkBadResponse, detail, call) from exc
        if not isinstance(body, dict):
            detail = f"HTTP 200 body is a JSON {type(body).__name__}, not an object"
            raise self._fail(ClassLinkBadResponse, detail, call)
        return body

    def _observe(self, outcome: str, started: float) -> None:
        if self.observer is not None:
            self.observer(outcome, time.perf_counter() - started)

    def _fail(self, kind: type[ClassLinkError], detail: str, call: str) -> ClassLinkError:
        return kind(detail, district=self.district, call=call)


def error_for(response: httpx.Response, *, district: str, call: str) -> ClassLinkError:
    """The typed error for a non-2xx response."""
    status = response.status_code
    info = _error_info(response)
    detail = f"HTTP {status} {info}"
    if status in (401, 403):
        return ClassLinkAuthError(detail, district=district, call=call)
    if status == 404:
        return ClassLinkNotFound(detail, district=district, call=call)
    if status == 429:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        return ClassLinkRateLimited(detail, district=district, call=call, retry_after=retry_after)
    if status == 400:
        minor = _code_minor(response)
        return ClassLinkRejectedRequest(detail, district=district, call=call, code_minor=minor)
    if status >= 500 or status == 408:
        return ClassLinkUnavailable(detail, district=district, call=call)
    return ClassLinkBadResponse(detail, district=district, call=call)


def _error_info(response: httpx.Response) -> str:
    """The statusInfoSet summary, else the start of a plain body, else the reason phrase."""
    info = status_info(_json_or_none(response.content))
    if info is not None:
        return info.summary()
    text = response.content[:200].decode("utf-8", "replace").strip()
    return text or response.reason_phrase


def _code_minor(response: httpx.Response) -> str:
    info = status_info(_json_or_none(response.content))
    return info.code_minor if info else ""


def _json_or_none(content: bytes) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return None


def _total_count(headers: httpx.Headers) -> int | None:
    raw = headers.get("X-Total-Count", "").strip()
    return int(raw) if raw.isdigit() else None


def _retry_after(raw: str | None) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date; None when absent or unreadable."""
    if raw is None or not raw.strip():
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
