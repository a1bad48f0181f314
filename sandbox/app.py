"""The sandbox's ClassLink behaviour: request in, response out, no sockets.

Paths (B = the server's base URL), as fixed by notes/classlink-contract.md:
    GET /applications                                  partner key: every district's row
    GET /applications/{oneroster_application_id}/server  partner key: direct OAuth credentials
    GET /proxy/v1p0/{oneroster_application_id}/ims/oneroster/v1p1/<endpoint>  district bearer
    GET /districts/{tenant_id}/ims/oneroster/v1p1/<endpoint>   OAuth 1.0a (HMAC-SHA256)
"""

from __future__ import annotations

import re
import threading

from sandbox.catalog import DistrictCatalog
from sandbox.endpoints import district_endpoint
from sandbox.oauth import OAuthRejected, OAuthVerifier
from sandbox.wire import Request, Response, error, json_response, paging
from sandbox.world import District, World, derived_secret

UNAUTHORISED = "unauthorisedrequest"
_APPLICATIONS = re.compile(r"/applications/?")
_SERVER = re.compile(r"/applications/([^/]+)/server/?")
_PROXY = re.compile(r"/proxy/v1p0/([^/]+)/ims/oneroster/v1p1/(.+)")
_DIRECT = re.compile(r"/districts/([^/]+)/ims/oneroster/v1p1/(.+)")


class SandboxApp:
    """ClassLink's management API and a OneRoster 1.1 server for every district in a world."""

    def __init__(self, world: World, *, base_url: str, verifier: OAuthVerifier | None = None
                 ) -> None:
        self.base_url = base_url.rstrip("/")
        self._world = world
        self._lock = threading.Lock()
        self._verifier = verifier or OAuthVerifier()
        self._catalogs = {d.tenant_id: DistrictCatalog(d) for d in world.districts}

    @property
    def world(self) -> World:
        """The world as it is now (bearers may have been rotated)."""
        with self._lock:
            return self._world

    def rotate_bearer(self, tenant_id: str) -> str:
        """Give a proxy district a new bearer; raises KeyError/ValueError for unknown/direct."""
        with self._lock:
            district = self._world.by_tenant(tenant_id)
            if district is None:
                raise KeyError(tenant_id)
            if district.access != "proxy":
                raise ValueError(f"district {tenant_id} is reached by direct OAuth, not a bearer")
            bearer = derived_secret(f"bearer:{district.bearer}", tenant_id)
            self._world = self._world.with_bearer(tenant_id, bearer)
            return bearer

    def district_for(self, path: str) -> District | None:
        """The district whose data `path` asks for (proxy or direct); None for anything else."""
        world = self.world
        if found := _PROXY.fullmatch(path):
            return world.by_app_id(found.group(1))
        if found := _DIRECT.fullmatch(path):
            return world.by_tenant(found.group(1))
        return None

    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return error(405, "invaliddata", f"{request.method} is not supported here")
        world = self.world
        if _APPLICATIONS.fullmatch(request.path):
            return self._partner(world, request) or self._applications(world, request)
        if found := _SERVER.fullmatch(request.path):
            return self._partner(world, request) or self._server(world, found.group(1))
        if found := _PROXY.fullmatch(request.path):
            district = world.by_app_id(found.group(1))
            if district is None:
                return error(404, "unknownobject", "no district has this application id")
            denied = self._bearer_denied(district, request) or _forbidden(district)
            return denied or district_endpoint(self._catalogs[district.tenant_id],
                                               found.group(2), request)
        if found := _DIRECT.fullmatch(request.path):
            district = world.by_tenant(found.group(1))
            if district is None:
                return error(404, "unknownobject", "no such district server")
            denied = self._oauth_denied(district, request) or _forbidden(district)
            return denied or district_endpoint(self._catalogs[district.tenant_id],
                                               found.group(2), request)
        return error(404, "unknownobject", f"no such path {request.path}")

    def _partner(self, world: World, request: Request) -> Response | None:
        if _bearer_token(request) == world.partner_key:
            return None
        return error(401, UNAUTHORISED, "the partner key is missing or wrong")

    def _applications(self, world: World, request: Request) -> Response:
        try:
            offset, limit = paging(request.params(), default_limit=100)
        except ValueError as exc:
            return error(400, "invaliddata", str(exc))
        rows = [_application_row(i, d) for i, d in enumerate(world.districts)]
        return json_response(200, {"status": 1, "applications": rows[offset:offset + limit]})

    def _server(self, world: World, app_id: str) -> Response:
        district = world.by_app_id(app_id)
        if district is None:
            return error(404, "unknownobject", "no application with this id")
        endpoint = f"{self.base_url}/districts/{district.tenant_id}/ims/oneroster/v1p1"
        return json_response(200, {"server": {
            "client_id": district.client_id, "client_secret": district.client_secret,
            "endpoint_url": endpoint,
        }})

    def _bearer_denied(self, district: District, request: Request) -> Response | None:
        token = _bearer_token(request)
        if district.bearer and token == district.bearer:
            return None
        return error(401, UNAUTHORISED, "the bearer is missing or not this district's")

    def _oauth_denied(self, district: District, request: Request) -> Response | None:
        def secret_for(key: str) -> str | None:
            return district.client_secret if key == district.client_id else None

        host = request.headers.get("host", "")
        try:
            self._verifier.verify(
                method=request.method, uri=f"http://{host}{request.path}", query=request.query,
                authorization=request.authorization, secret_for=secret_for,
            )
        except OAuthRejected as exc:
            return error(401, UNAUTHORISED, f"OAuth 1.0a: {exc}")
        return None


def _bearer_token(request: Request) -> str:
    scheme, _, token = request.authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _forbidden(district: District) -> Response | None:
    if district.serves_data:
        return None
    why = "the application is disabled" if not district.enabled else "the tenant is not active"
    return error(403, "forbidden", f"{why} for {district.tenant_name}")


def _application_row(position: int, district: District) -> dict[str, str]:
    return {
        "id": district.row_id or str(position + 1),
        "name": district.app_name,
        "tenant_id": district.tenant_id,
        "tenant_name": district.tenant_name,
        "application_id": district.application_id,
        "oneroster_application_id": district.oneroster_application_id,
        "bearer": district.bearer,
        "enabled": "true" if district.enabled else "false",
        "tenant_status": district.tenant_status,
    }
