"""ClassLink's management API (partner key) and the way into each district's data."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from checks.classlink import oauth
from checks.classlink.district import DistrictClient
from checks.classlink.http import Requester, RequestObserver
from checks.classlink.paging import MAX_PAGE_SIZE, fetch_all
from checks.classlink.parse import RecordError, parse_application, parse_server
from checks.classlink.retry import RetryPolicy
from checks.errors import ClassLinkBadResponse, ClassLinkNotFound
from checks.models import Application, DirectServer

log = logging.getLogger(__name__)

# OneRoster data lives under this path, both on the proxy and on district servers.
ONEROSTER_PATH = "ims/oneroster/v1p1"


def _log_odd_status(body: dict[str, Any]) -> None:
    # ClassLink's top-level status is informational; a value other than 1 is worth a log line.
    if body.get("status", 1) not in (1, "1"):
        log.warning("ClassLink /applications answered with status %r", body.get("status"))


def district_label(app: Application) -> str:
    """How errors name a district: tenant name and tenant id."""
    return f"{app.tenant_name} ({app.tenant_id})" if app.tenant_name else app.tenant_id


class ClassLinkClient:
    """Lists the districts that added the app and opens a DistrictClient for one of them."""

    def __init__(
        self,
        *,
        base_url: str,
        partner_key: str,
        http: httpx.Client | None = None,
        timeout: float = 10.0,
        page_size: int = MAX_PAGE_SIZE,
        max_attempts: int = 4,
        max_backoff: float = 8.0,
        max_retry_after: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        in_flight: int = 6,
        observers: tuple[RequestObserver, ...] = (),
    ) -> None:
        """`in_flight`: most requests one district's reads have out at once. `observers` are
        told of every HTTP request (outcome and seconds), e.g. for metrics; see add_observer."""
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        if in_flight < 1:
            raise ValueError("in_flight must be at least 1")
        self._in_flight = in_flight
        # what an equal client is built from in another process (a sweep's workers: options())
        self._options: dict[str, Any] = {
            "base_url": base_url, "partner_key": partner_key, "timeout": timeout,
            "page_size": page_size, "max_attempts": max_attempts, "max_backoff": max_backoff,
            "max_retry_after": max_retry_after, "in_flight": in_flight}
        self._base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout)
        self._timeout = timeout
        self._page_size = min(page_size, MAX_PAGE_SIZE)
        self._policy = RetryPolicy(
            max_attempts=max(1, max_attempts),
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            sleep=sleep,
        )
        self._decoding = threading.Lock()  # one page decoded at a time, across all districts
        self._observers: tuple[RequestObserver, ...] = tuple(observers)
        self._partner = self._requester(self._base_url, oauth.bearer(partner_key), district="")

    def applications(self) -> list[Application]:
        """Every district (tenant) that added the app; /applications sends neither
        X-Total-Count nor Link, so a short page ends it."""
        return fetch_all(
            self._partner,
            "applications",
            envelope="applications",
            parse=parse_application,
            page_size=self._page_size,
            on_body=_log_odd_status,
        )

    def options(self) -> dict[str, Any]:
        """The settings to build an equal client elsewhere, `ClassLinkClient(**options)` (in
        another process, say); its HTTP client, sleep and observers are not among them."""
        return dict(self._options)

    def application(self, oneroster_application_id: str) -> Application:
        """The /applications row with exactly this id (compared as sent, still encoded)."""
        for app in self.applications():
            if app.oneroster_application_id == oneroster_application_id:
                return app
        raise ClassLinkNotFound(
            "no application with this oneroster_application_id",
            district=oneroster_application_id,
            call="GET /applications",
        )

    def server(self, oneroster_application_id: str) -> DirectServer:
        """OAuth 1.0a credentials and endpoint for direct access to that district."""
        return self._server(oneroster_application_id, label=oneroster_application_id)

    def district(self, app: Application) -> DistrictClient:
        """Data access for `app`: the proxy with its bearer, else direct OAuth 1.0a."""
        label = district_label(app)
        if app.bearer.strip():
            base = f"{self._base_url}/proxy/v1p0/{app.oneroster_application_id}/{ONEROSTER_PATH}"
            requester = self._requester(base, oauth.bearer(app.bearer), district=label)
        else:
            server = self._server(app.oneroster_application_id, label=label)
            signer = oauth.oauth1(server.client_id, server.client_secret)
            requester = self._requester(server.endpoint_url, signer, district=label)
        return DistrictClient(requester, page_size=self._page_size, in_flight=self._in_flight)

    def add_observer(self, observer: RequestObserver) -> None:
        """Tell `observer` of every request from now on (each retry too); once, however often
        it is added."""
        if observer not in self._observers:
            self._observers = (*self._observers, observer)

    def remove_observer(self, observer: RequestObserver) -> None:
        self._observers = tuple(o for o in self._observers if o != observer)

    def _observe(self, outcome: str, seconds: float) -> None:
        for observer in self._observers:
            try:
                observer(outcome, seconds)
            except Exception:  # a metric must never fail a ClassLink read
                log.exception("a ClassLink request observer failed")

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ClassLinkClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _server(self, oneroster_application_id: str, *, label: str) -> DirectServer:
        path = f"applications/{oneroster_application_id}/server"
        partner = self._requester(self._base_url, self._partner.authorize, district=label)
        reply = partner.get(path, envelope="server")
        try:
            return parse_server(reply.body["server"])
        except RecordError as exc:
            raise ClassLinkBadResponse(str(exc), district=label, call=f"GET /{path}") from exc

    def _requester(self, base_url: str, authorize: oauth.Authorizer, *, district: str) -> Requester:
        return Requester(
            http=self._http,
            base_url=base_url,
            authorize=authorize,
            district=district,
            timeout=self._timeout,
            policy=self._policy,
            decoding=self._decoding,
            observer=self._observe,
        )
