"""A license directory over the JSON license API described in docs/license-api.md.

    GET /licenses/{id}           -> license object (and its ETag), or 404
    GET /licenses?email=<addr>   -> {"licenses": [...]}
    GET /licenses?limit=&offset= -> {"licenses": [...], "next_offset": int | null}
    PATCH /licenses/{id}         -> If-Match: <ETag>, a JSON merge patch of instructor_emails or
                                    application_ids; 200 with the license and its new ETag,
                                    412 when the license changed meanwhile

Server errors (5xx, 429), timeouts and connection failures are retried a few times with a short
backoff, then reported as LicenseSourceError; so are bad tokens and bodies that are not the
documented JSON. An unknown id is LicenseNotFound. A change answered 412 is LicenseConflict
(nothing written); a server without ETags or PATCH (405, 501) is LicenseReadOnly.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from checks.errors import (
    ChangeNotApplicable,
    LicenseConflict,
    LicenseNotFound,
    LicenseReadOnly,
    LicenseSourceError,
    LicenseSourceUnavailable,
)
from checks.licenses.changes import LicenseChange, VersionedLicense
from checks.licenses.records import LicenseFieldError, license_from_mapping, license_to_mapping
from checks.models import License
from checks.text import fold_email

PAGE_SIZE = 200
MAX_PAGES = 10_000  # a server that never ends its paging must not hang the bot


class _Transient(Exception):
    """A failure worth retrying: 5xx, 429, timeout, connection error."""


class HttpLicenseDirectory:
    """Licenses from a JSON license API, fetched on every call (the API is the source of truth)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        http: httpx.Client | None = None,
        timeout: float = 10,
        attempts: int = 3,
        backoff: float = 0.25,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client()
        self._timeout = timeout
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._page_size = page_size
        self._closed = False

    def get(self, license_id: str) -> License:
        return self._get(license_id)[0]

    @property
    def read_only_reason(self) -> str | None:
        return None  # PATCH is part of the contract; a server answering 405 says otherwise

    def get_versioned(self, license_id: str) -> VersionedLicense:
        """The license and its ETag; LicenseReadOnly when the server sends none (it cannot
        take changes safely)."""
        license, etag = self._get(license_id)
        if not etag:
            raise LicenseReadOnly(
                f"{self._describe(f'GET {_path(license_id)}')} sends no ETag, so it cannot "
                "take changes (see docs/license-api.md); make the change where the licenses "
                "are kept")
        return VersionedLicense(license, etag)

    def change(self, license_id: str, change: LicenseChange, *,
               expected_version: str) -> VersionedLicense:
        """PATCH the changed field with If-Match: `expected_version`. The change is computed
        here against the license at that version (read first: a different ETag is a conflict
        at once), and the server refuses it with 412 if the license changed in between."""
        change.check()
        seen = self.get_versioned(license_id)
        if seen.version != expected_version:
            raise self._conflict(license_id, expected_version, seen.version)
        after = change.apply(seen.license)
        field = change.touches
        path = _path(license_id)
        call = f"PATCH {path}"
        response, attempts = self._send(
            call, path, {}, method="PATCH",
            headers={"If-Match": expected_version,
                     "Content-Type": "application/merge-patch+json"},
            body={field: license_to_mapping(after)[field]})
        status = response.status_code
        if status == 412 and attempts > 1:
            # an earlier attempt may have landed before its answer was lost: then the license
            # is exactly what this change makes it
            now = self.get_versioned(license_id)
            if now.license == after:
                return now
            raise self._conflict(license_id, expected_version, now.version)
        if status == 412:
            raise self._conflict(license_id, expected_version, response.headers.get("ETag"))
        if status == 404:
            raise LicenseNotFound(license_id)
        if status in (405, 501):
            raise LicenseReadOnly(f"{self._describe(call)}: the license API does not take "
                                  f"changes (HTTP {status}); make the change where the "
                                  "licenses are kept")
        if status in (409, 422):
            raise ChangeNotApplicable(f"{self._describe(call)}: the license API refused the "
                                      f"change (HTTP {status}{_error_text(response)})")
        license = self._license(call, self._body(call, response))
        if license.id != license_id:
            raise LicenseSourceError(
                f"{self._describe(call)} returned license {license.id!r} instead")
        etag = response.headers.get("ETag")
        if not etag:
            raise LicenseSourceError(f"{self._describe(call)}: answered without an ETag")
        return VersionedLicense(license, etag)

    def _get(self, license_id: str) -> tuple[License, str | None]:
        if not license_id:
            raise LicenseNotFound(license_id)  # "/licenses/" would be the list endpoint
        path = _path(license_id)
        call = f"GET {path}"
        response = self._request(call, path, {})
        if response.status_code == 404:
            raise LicenseNotFound(license_id)
        license = self._license(call, self._body(call, response))
        if license.id != license_id:
            raise LicenseSourceError(
                f"{self._describe(call)} returned license {license.id!r} instead"
            )
        return license, response.headers.get("ETag")

    def _conflict(self, license_id: str, expected: str, current: str | None) -> LicenseConflict:
        now = f", now {current}" if current else ""
        return LicenseConflict(
            f"license {license_id} changed since this change was computed (ETag {expected}"
            f"{now}); nothing was written", license_id=license_id, expected=expected,
            current=current)

    def find_by_email(self, email: str) -> builtins.list[License]:
        key = fold_email(email)
        if not key:
            return []
        call = "GET /licenses?email=…"
        body = self._body(call, self._request(call, "/licenses", {"email": key}))
        found = self._licenses(call, body)
        # Keep only true matches, so every source answers the same way even if a server is
        # looser than the contract (say, a prefix search).
        matches = {
            lic.id: lic
            for lic in found
            if any(fold_email(e) == key for e in lic.instructor_emails)
        }
        return [matches[i] for i in sorted(matches)]

    def list(self) -> builtins.list[License]:
        licenses: dict[str, License] = {}
        offset: int | None = 0
        for _ in range(MAX_PAGES):
            if offset is None:
                return [licenses[i] for i in sorted(licenses)]
            call = f"GET /licenses?offset={offset}"
            params = {"limit": str(self._page_size), "offset": str(offset)}
            body = self._body(call, self._request(call, "/licenses", params))
            for license in self._licenses(call, body):
                licenses[license.id] = license
            offset = self._next_offset(call, body, offset)
        raise LicenseSourceError(f"{self._describe('GET /licenses')} never finished paging")

    def close(self) -> None:
        """Close the HTTP client if this directory created it; a borrowed one stays open."""
        self._closed = True
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> HttpLicenseDirectory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _request(self, call: str, path: str, params: Mapping[str, str]) -> httpx.Response:
        """The response to GET `path`, after retrying transient failures."""
        return self._send(call, path, params)[0]

    def _send(self, call: str, path: str, params: Mapping[str, str], *,
              method: str = "GET", headers: Mapping[str, str] | None = None,
              body: Any = None) -> tuple[httpx.Response, int]:
        """The response to `method` `path` after retrying transient failures, and how many
        attempts were sent."""
        if self._closed:
            raise LicenseSourceError(f"{self._describe(call)}: license directory is closed")
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._backoff, max=self._backoff * 8),
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        sent = {**self._headers, **(headers or {})}
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        attempts = 0

        def attempt() -> httpx.Response:
            nonlocal attempts
            attempts += 1
            return self._attempt(call, path, params, method, sent, content)

        try:
            response: httpx.Response = retrying(attempt)
        except _Transient as exc:
            tries = "1 attempt" if self._attempts == 1 else f"{self._attempts} attempts"
            raise LicenseSourceUnavailable(
                f"{self._describe(call)}: {exc} (gave up after {tries})"
            ) from None
        return response, attempts

    def _attempt(self, call: str, path: str, params: Mapping[str, str], method: str,
                 headers: Mapping[str, str], content: bytes | None) -> httpx.Response:
        try:
            response = self._http.request(
                method,
                f"{self.base_url}{path}",
                params=dict(params),
                headers=dict(headers),
                content=content,
                timeout=self._timeout,
            )
        except httpx.TimeoutException:
            raise _Transient(f"timed out after {self._timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Transient(f"cannot connect ({type(exc).__name__}: {exc})") from None
        if (response.status_code >= 500 or response.status_code == 429) and \
                not (method == "PATCH" and response.status_code == 501):
            raise _Transient(f"server answered HTTP {response.status_code}")
        if response.status_code in (401, 403):
            raise LicenseSourceError(
                f"{self._describe(call)}: the license API refused the token "
                f"(HTTP {response.status_code}); check the configured token"
            )
        return response

    def _body(self, call: str, response: httpx.Response) -> Any:
        """The JSON of a 200 response; any other status here is a contract breach."""
        if response.status_code != 200:
            raise LicenseSourceError(
                f"{self._describe(call)}: unexpected HTTP {response.status_code}"
            )
        try:
            return response.json()
        except ValueError:
            snippet = response.text[:80].replace("\n", " ")
            raise LicenseSourceError(
                f"{self._describe(call)}: response is not JSON (starts {snippet!r})"
            ) from None

    def _license(self, call: str, item: Any) -> License:
        try:
            return license_from_mapping(item, allow_unknown_fields=True)
        except LicenseFieldError as exc:
            raise LicenseSourceError(
                f"{self._describe(call)}: malformed license {_label(item)}: {exc}"
            ) from None

    def _licenses(self, call: str, body: Any) -> builtins.list[License]:
        if not isinstance(body, dict) or not isinstance(body.get("licenses"), builtins.list):
            raise LicenseSourceError(
                f"{self._describe(call)}: expected an object with a 'licenses' list"
            )
        return [self._license(call, item) for item in body["licenses"]]

    def _next_offset(self, call: str, body: dict[str, Any], offset: int) -> int | None:
        following = body.get("next_offset")
        if following is None:
            return None
        if isinstance(following, bool) or not isinstance(following, int) or following <= offset:
            raise LicenseSourceError(
                f"{self._describe(call)}: next_offset must be null or an integer greater than "
                f"{offset}, got {following!r}"
            )
        return following

    def _describe(self, call: str) -> str:
        return f"license API {self.base_url}: {call}"


def _path(license_id: str) -> str:
    return f"/licenses/{quote(license_id, safe='')}"


def _error_text(response: httpx.Response) -> str:
    """`: <the server's error>` from a JSON {"error": ...} body, short; "" otherwise."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return f": {' '.join(str(error).split())[:200]}" if error else ""


def _label(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return repr(item["id"])
    return "entry"
