"""A loopback stand-in for the JSON license API of docs/license-api.md, changes included.

    with LicenseApiServer(sample_licenses(), token="t") as api:
        directory = HttpLicenseDirectory(api.url, token="t")
        seen = directory.get_versioned("demo-emails")          # the license and its ETag
        directory.change("demo-emails", LicenseChange.remove("x@y.org"),
                         expected_version=seen.version)          # PATCH with If-Match

Real HTTP on a daemon thread (ThreadingHTTPServer), so tests exercise the client's requests,
headers and retries. Every license has a version that grows by one on each change; its ETag is
`"<version>"`. A PATCH is a compare-and-set under one lock: two changes computed against the
same version cannot both pass, whatever the timing. `put()` changes a license as an admin
elsewhere would (its version grows), `read_only=True` answers PATCH with 405 and `etags=False`
sends no ETags (a server that cannot take changes), `fail_next(n)` answers the next n requests
with 503, `lose_next_answer()` makes the next PATCH and then answers 503 as if its answer was
lost on the way, and `before_write` (a callable) runs inside each PATCH just before its
compare-and-set, where a test can slip in someone else's change. `requests` lists (method, path)
as received.

    python -m sandbox.license_api --port 8701       # the sample world's licenses
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from checks.licenses.records import license_to_mapping
from checks.models import License
from checks.text import fold_email

PATCHABLE = ("instructor_emails", "application_ids")
PATCH_TYPES = ("application/merge-patch+json", "application/json")
MAX_BODY = 1 << 20
MAX_PAGE = 100


class LicenseApiServer:
    """The license API for `licenses`, on 127.0.0.1 (port 0 picks a free one)."""

    def __init__(self, licenses: Iterable[License], *, token: str | None = None,
                 read_only: bool = False, etags: bool = True, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.token, self.read_only, self.etags = token, read_only, etags
        self._lock = threading.Lock()
        self._licenses: dict[str, tuple[License, int]] = {
            lic.id: (lic, 1) for lic in licenses}
        self._failures = 0
        self._lose_answer = False
        self.before_write: Callable[[], None] | None = None
        self.requests: list[tuple[str, str]] = []
        self._httpd = _Server((host, port), _Handler)
        self._httpd.api = self
        self.url = f"http://{host}:{self._httpd.server_address[1]}"
        self._thread: threading.Thread | None = None

    # -- what tests see and do ---------------------------------------------------------------

    def license(self, license_id: str) -> License:
        with self._lock:
            return self._licenses[license_id][0]

    def version(self, license_id: str) -> int:
        with self._lock:
            return self._licenses[license_id][1]

    def put(self, license: License) -> None:
        """Change or add a license as someone elsewhere would: its version grows by one."""
        with self._lock:
            version = self._licenses.get(license.id, (license, 0))[1]
            self._licenses[license.id] = (license, version + 1)

    def fail_next(self, count: int = 1) -> None:
        """Answer the next `count` requests with 503 (a passing outage)."""
        with self._lock:
            self._failures = count

    def lose_next_answer(self) -> None:
        """Make the next PATCH, then answer 503 as if its answer never arrived."""
        with self._lock:
            self._lose_answer = True

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LicenseApiServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                name=f"license api {self.url}", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LicenseApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answers -----------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: Mapping[str, str],
               body: bytes) -> tuple[int, dict[str, str], Any]:
        """(status, headers, JSON body) for one request."""
        parts = urlsplit(target)
        self.requests.append((method, parts.path))
        with self._lock:
            if self._failures:
                self._failures -= 1
                return 503, {}, {"error": "temporarily unavailable"}
        if self.token is not None and headers.get("authorization") != f"Bearer {self.token}":
            return 401, {}, {"error": "unauthorized"}
        if parts.path == "/licenses" and method == "GET":
            query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            return self._listing(query)
        if not parts.path.startswith("/licenses/"):
            return 404, {}, {"error": "no such endpoint"}
        license_id = unquote(parts.path.removeprefix("/licenses/"))
        if method == "GET":
            return self._one(license_id)
        if method == "PATCH":
            return self._patch(license_id, headers, body)
        return 405, {"Allow": "GET, PATCH"}, {"error": f"{method} is not allowed"}

    def _listing(self, query: Mapping[str, str]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            ordered = [lic for _, (lic, _v) in sorted(self._licenses.items())]
        if "email" in query:
            key = fold_email(query["email"])
            found = [lic for lic in ordered if key in map(fold_email, lic.instructor_emails)]
            return 200, {}, {"licenses": [license_to_mapping(lic) for lic in found]}
        try:
            limit = min(int(query.get("limit", MAX_PAGE)), MAX_PAGE)
            offset = int(query.get("offset", 0))
        except ValueError:
            return 400, {}, {"error": "limit and offset are whole numbers"}
        page = ordered[offset:offset + max(limit, 1)]
        following = offset + len(page) if offset + len(page) < len(ordered) else None
        return 200, {}, {"licenses": [license_to_mapping(lic) for lic in page],
                         "next_offset": following}

    def _one(self, license_id: str) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            found = self._licenses.get(license_id)
        if found is None:
            return 404, {}, {"error": f"no license {license_id}"}
        return 200, self._etag(found[1]), license_to_mapping(found[0])

    def _patch(self, license_id: str, headers: Mapping[str, str],
               body: bytes) -> tuple[int, dict[str, str], Any]:
        if self.read_only:
            return 405, {"Allow": "GET"}, {"error": "licenses cannot be changed here"}
        if_match = headers.get("if-match")
        if not if_match:
            return 428, {}, {"error": "a change needs If-Match with the license's ETag"}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in PATCH_TYPES:
            return 415, {}, {"error": "send application/merge-patch+json"}
        patch, problem = _parse_patch(body)
        if problem:
            return 422, {}, {"error": problem}
        if self.before_write is not None:
            self.before_write()
        with self._lock:  # compare and set: nothing can change the license in between
            found = self._licenses.get(license_id)
            if found is None:
                return 404, {}, {"error": f"no license {license_id}"}
            license, version = found
            if if_match != "*" and if_match != _etag_of(version):
                return 412, self._etag(version), {
                    "error": "the license changed since you read it"}
            changed = replace(
                license,
                instructor_emails=tuple(patch.get("instructor_emails",
                                                  license.instructor_emails)),
                application_ids=tuple(patch.get("application_ids", license.application_ids)))
            self._licenses[license_id] = (changed, version + 1)
            lost, self._lose_answer = self._lose_answer, False
        if lost:
            return 503, {}, {"error": "the answer was lost on the way"}
        return 200, self._etag(version + 1), license_to_mapping(changed)

    def _etag(self, version: int) -> dict[str, str]:
        return {"ETag": _etag_of(version)} if self.etags else {}


def _etag_of(version: int) -> str:
    return f'"{version}"'


def _parse_patch(body: bytes) -> tuple[dict[str, list[str]], str]:
    """The fields to set, or a problem to answer 422 with."""
    try:
        patch = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}, "the body is not JSON"
    if not isinstance(patch, dict) or not patch:
        return {}, "the body must be a JSON object naming the fields to change"
    unknown = sorted(set(patch) - set(PATCHABLE))
    if unknown:
        return {}, f"only {' and '.join(PATCHABLE)} can be changed, not {', '.join(unknown)}"
    for name, values in patch.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return {}, f"{name} must be a list of strings"
    return patch, ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: LicenseApiServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve("GET")

    def do_PATCH(self) -> None:  # noqa: N802
        self._serve("PATCH")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        headers: dict[str, str] = {}
        body: Any
        if not 0 <= length <= MAX_BODY:
            status, body = 400, {"error": "bad Content-Length"}
        else:
            raw = self.rfile.read(length) if length else b""
            received = {k.lower(): v for k, v in self.headers.items()}
            status, headers, body = self.server.api.answer(method, self.path, received, raw)
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: tests read `requests` instead."""


def main(argv: list[str] | None = None) -> int:
    from sandbox.sample import sample_licenses

    parser = argparse.ArgumentParser(prog="python -m sandbox.license_api",
                                     description="the license API stand-in, sample licenses")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--token", default=None, help="require this bearer token")
    args = parser.parse_args(argv)
    server = LicenseApiServer(sample_licenses(), token=args.token, port=args.port)
    print(f"license API stand-in on {server.url} (ROSTERBOT_LICENSES={server.url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
