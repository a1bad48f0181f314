"""Fakes for the ClassLink client tests: records, error bodies, a paging handler, an OAuth check.

The OAuth 1.0a verifier is written out from RFC 5849 here (not with oauthlib) so the client's
signing is checked by an independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import httpx

from checks.classlink import ClassLinkClient, DistrictClient
from checks.models import Application

BASE = "http://classlink.test"
PARTNER_KEY = "partner-key"
APP_ID = "MoYPlyQWmG0%3D"  # already URL-encoded, as ClassLink sends it
PROXY = f"/proxy/v1p0/{APP_ID}/ims/oneroster/v1p1"
DIRECT = "/districts/2001/ims/oneroster/v1p1"
CLIENT_ID, CLIENT_SECRET = "consumer-2001", "s3cret&key"
LABEL = "Lincoln Unified School District (2001)"

Handler = Callable[[httpx.Request], httpx.Response]
MakeClient = Callable[..., tuple[ClassLinkClient, "Recorder"]]
MakeDistrict = Callable[..., tuple[DistrictClient, "Recorder"]]


def application(*, bearer: str = "district-bearer", **overrides: Any) -> Application:
    fields: dict[str, Any] = {
        "tenant_id": "2001",
        "tenant_name": "Lincoln Unified School District",
        "application_id": "880112",
        "oneroster_application_id": APP_ID,
        "bearer": bearer,
        "enabled": True,
        "tenant_status": "Active",
        "name": "Pivot Interactives",
    }
    return Application(**(fields | overrides))


def app_json(app: Application) -> dict[str, str]:
    return {
        "id": "17",
        "name": app.name,
        "tenant_id": app.tenant_id,
        "tenant_name": app.tenant_name,
        "application_id": app.application_id,
        "oneroster_application_id": app.oneroster_application_id,
        "bearer": app.bearer,
        "enabled": "true" if app.enabled else "false",
        "tenant_status": app.tenant_status,
    }


def user_11(n: int, **overrides: Any) -> dict[str, Any]:
    """A OneRoster 1.1 user as ClassLink sends it (string booleans, hrefs to the district host)."""
    sid = f"u{n:06d}"
    record = {
        "sourcedId": sid,
        "status": "active",
        "dateLastModified": "2025-08-01T00:00:00.000Z",
        "username": f"user{n}",
        "userIds": [{"type": "FED", "identifier": str(n)}],
        "enabledUser": "true",
        "givenName": f"Given{n}",
        "familyName": f"Family{n}",
        "middleName": "",
        "role": "student",
        "identifier": str(n),
        "email": f"user{n}@lincoln.k12.ca.us",
        "sms": "",
        "phone": "",
        "orgs": [
            {
                "href": "https://lincoln-vn-v2.rosterserver.com/ims/oneroster/v1p1/orgs/s1",
                "sourcedId": "s1",
                "type": "org",
            }
        ],
        "agents": [],
        "grades": ["09"],
    }
    return record | overrides


def status_body(minor: str, description: str) -> dict[str, Any]:
    return {
        "statusInfoSet": [
            {
                "imsx_codeMajor": "failure",
                "imsx_severity": "error",
                "imsx_CodeMinor": {
                    "imsx_codeMinorField": [
                        {
                            "imsx_codeMinorFieldName": "TargetEndSystem",
                            "imsx_codeMinorFieldValue": minor,
                        }
                    ]
                },
                "imsx_description": description,
            }
        ]
    }


def error(status: int, minor: str, description: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=status_body(minor, description), headers=headers)


def page(
    request: httpx.Request, records: list[Any], envelope: str, *, total: bool = True
) -> httpx.Response:
    """One limit/offset page of `records`, with X-Total-Count when `total`."""
    params = request.url.params
    limit, offset = int(params.get("limit", "100")), int(params.get("offset", "0"))
    chunk = records[offset : offset + min(limit, 10_000)]
    headers = {"X-Total-Count": str(len(records))} if total else {}
    return httpx.Response(200, json={envelope: chunk}, headers=headers)


def raw_path(request: httpx.Request) -> str:
    """The path exactly as sent (still percent-encoded), without the query."""
    return request.url.raw_path.decode().split("?", 1)[0]


class Recorder:
    """Wraps a handler and remembers every request it saw."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def paths(self) -> list[str]:
        return [raw_path(r) for r in self.requests]


class Sleeps(list[float]):
    """An injected `sleep` that records the waits instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# --- an independent OAuth 1.0a HMAC-SHA256 verifier (RFC 5849 section 3.4) ---


def _pct(text: str) -> str:
    return quote(text, safe="~-._")


def oauth_params(request: httpx.Request) -> dict[str, str]:
    header = request.headers["Authorization"]
    assert header.startswith("OAuth ")
    pairs = (item.strip().split("=", 1) for item in header[len("OAuth ") :].split(","))
    return {unquote(k): unquote(v.strip('"')) for k, v in pairs}


def oauth_signature_ok(request: httpx.Request, secret: str) -> bool:
    """True when the request's HMAC-SHA256 signature covers its URL and every query parameter."""
    oauth = oauth_params(request)
    if oauth.get("oauth_signature_method") != "HMAC-SHA256":
        return False
    split = urlsplit(str(request.url))
    query = parse_qsl(request.url.raw_path.decode().partition("?")[2], keep_blank_values=True)
    params = [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
    normalized = "&".join(
        f"{k}={v}" for k, v in sorted((_pct(k), _pct(v)) for k, v in params + query)
    )
    base_uri = f"{split.scheme}://{split.netloc}{split.path}"
    base = "&".join(["GET", _pct(base_uri), _pct(normalized)])
    key = f"{_pct(secret)}&".encode()
    expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, oauth["oauth_signature"])
