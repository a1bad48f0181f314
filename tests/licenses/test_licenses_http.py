"""The HTTP adapter against a small local server speaking docs/license-api.md, and against
httpx.MockTransport for the failures a real server rarely produces on demand."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from checks.errors import LicenseNotFound, LicenseSourceError
from checks.licenses import HttpLicenseDirectory, LicenseDirectory
from checks.models import License
from checks.text import fold_email as normalise_email

TOKEN = "s3cret-token"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours *_PROXY variables; a CI proxy must not intercept the loopback server."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def license_json(license: License) -> dict[str, Any]:
    """The documented license object, written out here rather than with the production codec."""
    return {
        "id": license.id,
        "name": license.name,
        "district": license.district,
        "seats": license.seats,
        "expires": license.expires.isoformat() if license.expires else None,
        "instructor_emails": list(license.instructor_emails),
        "application_ids": list(license.application_ids),
        "updated_at": "2026-01-01T00:00:00Z",  # extra fields must be ignored
    }


@dataclass
class LicenseApi:
    """A tiny JSON license API implementing the documented contract."""

    licenses: list[License]
    token: str = TOKEN
    max_limit: int = 100
    requests: list[str] = field(default_factory=list)

    def answer(self, target: str, authorization: str | None) -> tuple[int, Any]:
        self.requests.append(target)
        if authorization != f"Bearer {self.token}":
            return 401, {"error": "unauthorized"}
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        ordered = sorted(self.licenses, key=lambda lic: lic.id)
        if parts.path == "/licenses" and "email" in query:
            key = normalise_email(query["email"])
            found = [
                lic for lic in ordered if key in map(normalise_email, lic.instructor_emails)
            ]
            return 200, {"licenses": [license_json(lic) for lic in found]}
        if parts.path == "/licenses":
            limit = min(int(query.get("limit", self.max_limit)), self.max_limit)
            offset = int(query.get("offset", 0))
            page = ordered[offset : offset + limit]
            following = offset + limit if offset + limit < len(ordered) else None
            return 200, {"licenses": [license_json(lic) for lic in page], "next_offset": following}
        if parts.path.startswith("/licenses/"):
            wanted = unquote(parts.path.removeprefix("/licenses/"))
            for lic in ordered:
                if lic.id == wanted:
                    return 200, license_json(lic)
            return 404, {"error": f"no license {wanted}"}
        return 404, {"error": "no such endpoint"}


class _Handler(BaseHTTPRequestHandler):
    server: _ApiServer

    def do_GET(self) -> None:
        status, body = self.server.api.answer(self.path, self.headers.get("Authorization"))
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class _ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: LicenseApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


@pytest.fixture
def many_licenses(sample_licenses: list[License]) -> list[License]:
    extra = [License(f"M-{n:02}", f"Extra {n}", "Metro", n) for n in range(4)]
    odd = License("L/7 é", "Slash and accent", "D", 1, instructor_emails=("odd@x.org",))
    return [*sample_licenses, *extra, odd]


@pytest.fixture
def api(many_licenses: list[License]) -> Iterator[tuple[str, LicenseApi]]:
    state = LicenseApi(many_licenses, max_limit=3)
    server = _ApiServer(state)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_get_list_and_find_over_real_http(
    api: tuple[str, LicenseApi], many_licenses: list[License]
) -> None:
    url, state = api
    with HttpLicenseDirectory(url, token=TOKEN, backoff=0) as directory:
        assert isinstance(directory, LicenseDirectory)
        for license in many_licenses:
            assert directory.get(license.id) == license
        with pytest.raises(LicenseNotFound):
            directory.get("L-9999")
        assert directory.list() == sorted(many_licenses, key=lambda lic: lic.id)
        found = directory.find_by_email("\u200b SHARED@district.org\u00a0")
        assert [lic.id for lic in found] == ["L-1001", "L-2002"]
        assert directory.find_by_email("nobody@x.org") == []
    assert "/licenses/L%2F7%20%C3%A9" in state.requests
    assert "/licenses?email=shared%40district.org" in state.requests


def test_list_follows_paging(api: tuple[str, LicenseApi], many_licenses: list[License]) -> None:
    url, state = api
    with HttpLicenseDirectory(url, token=TOKEN, page_size=3) as directory:
        assert len(directory.list()) == len(many_licenses) == 8
    assert state.requests == [
        "/licenses?limit=3&offset=0",
        "/licenses?limit=3&offset=3",
        "/licenses?limit=3&offset=6",
    ]


@pytest.mark.parametrize("token", [None, "wrong"])
def test_bad_token_is_a_source_error_without_retries(
    api: tuple[str, LicenseApi], token: str | None
) -> None:
    url, state = api
    with HttpLicenseDirectory(url, token=token, backoff=0) as directory:
        with pytest.raises(LicenseSourceError, match=r"refused the token \(HTTP 401\)") as caught:
            directory.get("L-1001")
    assert len(state.requests) == 1
    assert "wrong" not in str(caught.value)


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with HttpLicenseDirectory(f"http://127.0.0.1:{port}", backoff=0) as directory:
        with pytest.raises(LicenseSourceError) as caught:
            directory.list()
    message = str(caught.value)
    assert f"license API http://127.0.0.1:{port}: GET /licenses?offset=0" in message
    assert "cannot connect (ConnectError" in message
    assert "gave up after 3 attempts" in message


Handler = Callable[[httpx.Request], httpx.Response]
MockFactory = Callable[..., tuple[HttpLicenseDirectory, list[httpx.Request]]]


@pytest.fixture
def mock_directory() -> Iterator[MockFactory]:
    """Make directories over httpx.MockTransport; their clients are closed afterwards."""
    clients: list[httpx.Client] = []

    def make(handler: Handler, **options: Any) -> tuple[HttpLicenseDirectory, list[httpx.Request]]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        clients.append(httpx.Client(transport=httpx.MockTransport(record)))
        options.setdefault("backoff", 0)
        directory = HttpLicenseDirectory("https://licenses.test/api", http=clients[-1], **options)
        return directory, seen

    yield make
    for client in clients:
        client.close()


GOOD = {"id": "L-1", "name": "N", "district": "D", "seats": 3, "expires": "2026-06-30"}


def test_5xx_is_retried_until_it_succeeds(mock_directory: MockFactory) -> None:
    answers = iter([503, 502])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers, 200)
        return httpx.Response(status, json=GOOD if status == 200 else {"error": "busy"})

    directory, seen = mock_directory(handler, token="t")
    license = directory.get("L-1")
    assert license == License("L-1", "N", "D", 3, dt.date(2026, 6, 30))
    assert len(seen) == 3
    assert all(r.headers["Authorization"] == "Bearer t" for r in seen)
    assert seen[0].url == "https://licenses.test/api/licenses/L-1"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_persistent_server_errors_give_up_after_bounded_retries(
    mock_directory: MockFactory, status: int
) -> None:
    directory, seen = mock_directory(lambda request: httpx.Response(status), attempts=4)
    with pytest.raises(LicenseSourceError) as caught:
        directory.get("L-1")
    assert len(seen) == 4
    assert str(caught.value) == (
        "license API https://licenses.test/api: GET /licenses/L-1: "
        f"server answered HTTP {status} (gave up after 4 attempts)"
    )


def test_timeouts_are_retried_then_reported(mock_directory: MockFactory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    directory, seen = mock_directory(handler, timeout=2)
    with pytest.raises(LicenseSourceError, match=r"timed out after 2 s \(gave up after 3"):
        directory.find_by_email("a@b.org")
    assert len(seen) == 3
    assert seen[0].extensions["timeout"]["read"] == 2


def test_backoff_waits_between_attempts(
    mock_directory: MockFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    directory, seen = mock_directory(lambda request: httpx.Response(500), backoff=0.25)
    with pytest.raises(LicenseSourceError):
        directory.get("L-1")
    assert len(seen) == 3
    assert len(waits) == 2 and 0 < sum(waits) <= 2


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (
            httpx.Response(200, text="<html>Gateway login</html>"),
            r"GET /licenses/L-1: response is not JSON \(starts '<html>Gateway login</html>'\)",
        ),
        (
            httpx.Response(200, json={**GOOD, "seats": -1}),
            r"malformed license 'L-1': seats: must be a non-negative whole number",
        ),
        (
            httpx.Response(200, json={**GOOD, "instructor_emails": "a@b.org"}),
            r"malformed license 'L-1': instructor_emails: must be a list of strings",
        ),
        (
            httpx.Response(200, json={**GOOD, "expires": "2026-13-01"}),
            r"expires: must be a YYYY-MM-DD date or null",
        ),
        (httpx.Response(200, json=[GOOD]), r"malformed license entry: entry must be a mapping"),
        (httpx.Response(200, json={**GOOD, "id": "L-2"}), r"returned license 'L-2' instead"),
        (httpx.Response(400, json={"error": "bad"}), r"unexpected HTTP 400"),
    ],
)
def test_bad_get_responses_are_source_errors(
    mock_directory: MockFactory, response: httpx.Response, problem: str
) -> None:
    directory, seen = mock_directory(lambda request: response)
    with pytest.raises(LicenseSourceError, match=problem):
        directory.get("L-1")
    assert len(seen) == 1  # a malformed answer is not retried


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"items": []}, r"expected an object with a 'licenses' list"),
        ({"licenses": [GOOD], "next_offset": 0}, r"next_offset must be null or an integer"),
        ({"licenses": [GOOD], "next_offset": "2"}, r"next_offset .* got '2'"),
    ],
)
def test_bad_list_responses_are_source_errors(
    mock_directory: MockFactory, body: Any, problem: str
) -> None:
    directory, _ = mock_directory(lambda request: httpx.Response(200, json=body))
    with pytest.raises(LicenseSourceError, match=problem):
        directory.list()


def test_list_on_a_wrong_base_url_is_not_a_missing_license(mock_directory: MockFactory) -> None:
    directory, _ = mock_directory(lambda request: httpx.Response(404))
    with pytest.raises(LicenseSourceError, match=r"GET /licenses\?offset=0: unexpected HTTP 404"):
        directory.list()


def test_email_results_are_filtered_and_sorted(mock_directory: MockFactory) -> None:
    loose = [
        {**GOOD, "id": "L-9", "instructor_emails": ["A@B.org"]},
        {**GOOD, "id": "L-3", "instructor_emails": ["\u200ba@b.org"]},
        {**GOOD, "id": "L-5", "instructor_emails": ["a@b.org.uk"]},  # a looser server's extra
    ]
    directory, seen = mock_directory(lambda request: httpx.Response(200, json={"licenses": loose}))
    assert [lic.id for lic in directory.find_by_email(" a@B.ORG")] == ["L-3", "L-9"]
    assert seen[0].url.params["email"] == "a@b.org"
    assert directory.find_by_email("\u00a0") == []
    assert len(seen) == 1


def test_close_leaves_a_borrowed_client_open() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=GOOD)))
    directory = HttpLicenseDirectory("https://licenses.test", http=client)
    directory.close()
    with pytest.raises(LicenseSourceError, match="closed"):
        directory.get("L-1")
    assert client.get("https://licenses.test/licenses/L-1").json() == GOOD
    client.close()
    owned = HttpLicenseDirectory("https://licenses.test")
    owned.close()
    assert owned._http.is_closed
