"""A read-only license directory over the JSON license API described in docs/license-api.md.

    GET /licenses/{id}           -> license object, or 404
    GET /licenses?email=<addr>   -> {"licenses": [...]}
    GET /licenses?limit=&offset= -> {"licenses": [...], "next_offset": int | null}

Server errors (5xx, 429), timeouts and connection failures are retried a few times with a short
backoff, then reported as LicenseSourceError; so are bad tokens and bodies that are not the
documented JSON. An unknown id is LicenseNotFound.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from checks.errors import LicenseNotFound, LicenseSourceError, LicenseSourceUnavailable
from checks.licenses.records import LicenseFieldError, license_from_mapping
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
        if not license_id:
            raise LicenseNotFound(license_id)  # "/licenses/" would be the list endpoint
        path = f"/licenses/{quote(license_id, safe='')}"
        call = f"GET {path}"
        response = self._request(call, path, {})
        if response.status_code == 404:
            raise LicenseNotFound(license_id)
        license = self._license(call, self._body(call, response))
        if license.id != license_id:
            raise LicenseSourceError(
                f"{self._describe(call)} returned license {license.id!r} instead"
            )
        return license

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
        if self._closed:
            raise LicenseSourceError(f"{self._describe(call)}: license directory is closed")
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._backoff, max=self._backoff * 8),
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            response: httpx.Response = retrying(self._attempt, call, path, params)
        except _Transient as exc:
            tries = "1 attempt" if self._attempts == 1 else f"{self._attempts} attempts"
            raise LicenseSourceUnavailable(
                f"{self._describe(call)}: {exc} (gave up after {tries})"
            ) from None
        return response

    def _attempt(self, call: str, path: str, params: Mapping[str, str]) -> httpx.Response:
        try:
            response = self._http.get(
                f"{self.base_url}{path}",
                params=dict(params),
                headers=self._headers,
                timeout=self._timeout,
            )
        except httpx.TimeoutException:
            raise _Transient(f"timed out after {self._timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Transient(f"cannot connect ({type(exc).__name__}: {exc})") from None
        if response.status_code >= 500 or response.status_code == 429:
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


def _label(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return repr(item["id"])
    return "entry"
