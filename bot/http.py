"""Serve a Bolt app over HTTP: POST /slack/events through `app.dispatch`, GET /healthz.

bolt's own `App.start()` runs a single-threaded development server, so one slow request delays
every ack behind it. This uses a ThreadingHTTPServer (one thread per connection) instead; the
listeners' slow work still belongs in lazy listeners, which Bolt runs on its own executor.

Before Bolt sees a POST (bot.request_guard): a body over 1 MiB is refused (413) from its
Content-Length, unread; a missing or invalid Content-Length is 411/400; the Slack signature is
checked on the raw bytes (401, nothing parsed; only Slack's unsigned `ssl_check=1` probe gets a
bare 200); a signed body that does not parse or is not of Slack's shape is 400. None of these
log a traceback, and the server serves on.

`BoltServer.drain()` is the graceful stop (SIGTERM): no new connection is accepted, a request
arriving on a kept-alive connection gets 503 and the connection closed, and the requests already
being handled finish (their acks are sent) before it returns.

    server = serve_bolt(app, port=0)
    httpx.post(server.events_url, ...)
    server.stop()
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest, BoltResponse

from bot.request_guard import (
    MAX_BODY_BYTES,
    MalformedRequest,
    bad_request,
    check_payload,
    is_ssl_check,
    parse_body,
    signature_valid,
)

EVENTS_PATH = "/slack/events"
LINGER_SECONDS = 2.0  # after refusing an unread body, how long its rest is drained and dropped
Route = Callable[[], BoltResponse]

log = logging.getLogger(__name__)


def healthz() -> BoltResponse:
    return json_response(200, {"ok": True})


def json_response(status: int, body: Mapping[str, Any]) -> BoltResponse:
    return BoltResponse(status=status, body=json.dumps(body),
                        headers={"content-type": "application/json; charset=utf-8"})


class BoltServer:
    """A running server; `.url` is its base, `.events_url` the Request URL to give Slack."""

    def __init__(self, server: _BoltHttpServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.url = f"http://{self.host}:{self.port}"
        self.events_url = self.url + server.events_path

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def drain(self, timeout: float = 30.0) -> bool:
        """Stop accepting, then wait up to `timeout` seconds for the requests being handled;
        True when none is left."""
        self._server.draining = True
        self.stop()
        return self._server.wait_idle(timeout)

    @property
    def alive(self) -> bool:
        """Still serving (not stopped, and its thread did not die)."""
        return self._thread.is_alive()

    @property
    def in_flight(self) -> int:
        """Slack requests being handled right now."""
        return self._server.in_flight

    def serve_until_interrupted(self) -> None:
        """Block the calling thread (e.g. `rosterbot run --http`) until Ctrl-C, then stop."""
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> BoltServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_bolt(
    app: App,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    events_path: str = EVENTS_PATH,
    extra_routes: Mapping[str, Route] | None = None,
    signing_secret: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> BoltServer:
    """Start serving `app` in a daemon thread and return at once.

    `extra_routes` maps GET paths to functions returning a BoltResponse; GET /healthz answers
    200 {"ok": true} unless `extra_routes` replaces it. Requests are verified with
    `signing_secret`, by default the one `app` was built with.
    """
    # bolt keeps the secret it was given only privately; it has no public accessor
    secret = signing_secret if signing_secret is not None else app._signing_secret
    if not secret:
        raise ValueError("serving Slack over HTTP needs a signing secret")
    routes: dict[str, Route] = {"/healthz": healthz, **(extra_routes or {})}
    server = _BoltHttpServer((host, port), app=app, events_path=events_path, routes=routes,
                             signing_secret=secret, max_body_bytes=max_body_bytes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="bolt-http", daemon=True)
    thread.start()
    return BoltServer(server, thread)


class _BoltHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # Slack bursts; a short backlog turns into 1 s SYN retries

    def __init__(
        self,
        address: tuple[str, int],
        *,
        app: App,
        events_path: str,
        routes: dict[str, Route],
        signing_secret: str,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.events_path = events_path
        self.routes = routes
        self.signing_secret = signing_secret
        self.max_body_bytes = max_body_bytes
        self.draining = False
        self.in_flight = 0
        self._idle = threading.Condition()
        super().__init__(address, _BoltHandler)

    def begin_request(self) -> None:
        with self._idle:
            self.in_flight += 1

    def end_request(self) -> None:
        with self._idle:
            self.in_flight -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self.in_flight == 0, timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log (instead of printing to stderr) what escaped a handler; a client that went away
        is not worth a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.info("connection from %s ended: %s", client_address[0], error)
        else:
            log.exception("unexpected error serving %s", client_address[0])


class _BoltHandler(BaseHTTPRequestHandler):
    server: _BoltHttpServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Slack's delivery uses
    timeout = 30  # an idle keep-alive connection frees its thread after this
    # Headers and body go out in separate writes; with Nagle on, a keep-alive client's delayed
    # ACK holds the body back ~40 ms.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        if self.server.draining:  # shutting down: Slack retries elsewhere
            self._refuse(503, "shutting_down")
            return
        self.server.begin_request()
        try:
            self._post()
        finally:
            self.server.end_request()

    def _post(self) -> None:
        url = urlsplit(self.path)
        raw = self._read_body()
        if raw is None:  # already answered, or the client went away
            return
        if url.path != self.server.events_path:
            self._send(json_response(404, {"ok": False, "error": "not_found"}))
            return
        headers: dict[str, str | Sequence[str]] = {}
        for name, value in self.headers.items():
            seen = headers.get(name.lower())
            headers[name.lower()] = [*seen, value] if isinstance(seen, list) else [value]
        if not signature_valid(self.server.signing_secret, raw,
                               self.headers.get("x-slack-request-timestamp"),
                               self.headers.get("x-slack-signature")):
            if is_ssl_check(raw):  # Slack's unsigned certificate probe; Bolt would say 200 too
                self._send(BoltResponse(status=200, body=""))
                return
            log.info("refused a request without a valid Slack signature from %s",
                     self.client_address[0])
            self._send(json_response(401, {"ok": False, "error": "invalid_signature"}))
            return
        try:
            check_payload(parse_body(raw, self.headers.get("content-type")))
        except MalformedRequest as exc:
            log.warning("refused a signed Slack request: %s", exc)
            self._send(bad_request())
            return
        try:
            request = BoltRequest(body=raw.decode("utf-8"), query=url.query, headers=headers)
            response = self.server.app.dispatch(request)
        except Exception:  # Bolt handles listener errors itself; this is a last resort
            log.exception("Bolt dispatch failed")
            response = json_response(500, {"ok": False, "error": "internal_error"})
        self._send(response)

    def _read_body(self) -> bytes | None:
        """The body, if its Content-Length is present, valid and within the limit; otherwise
        answer (411, 400 or 413) without reading it, close the connection and return None."""
        if self.headers.get("transfer-encoding") is not None:
            self._refuse(411, "length_required")  # Slack always sends a Content-Length
            return None
        lengths = {value.strip() for value in self.headers.get_all("content-length") or ()}
        if not lengths:
            self._refuse(411, "length_required")
            return None
        text = lengths.pop()
        if lengths or not (text.isascii() and text.isdigit()):
            self._refuse(400, "bad_content_length")
            return None
        length = int(text)
        if length > self.server.max_body_bytes:
            log.warning("refused a %d-byte request body from %s (limit %d)", length,
                        self.client_address[0], self.server.max_body_bytes)
            self._refuse(413, "body_too_large")
            return None
        try:
            raw = self.rfile.read(length)
        except (TimeoutError, OSError) as exc:
            log.info("gave up reading a request body from %s: %s", self.client_address[0], exc)
            self.close_connection = True
            return None
        if len(raw) < length:  # the client closed the connection mid-body
            self.close_connection = True
            return None
        return raw

    def _refuse(self, status: int, error: str) -> None:
        """Answer without reading the body, then close: the unread body would otherwise be
        taken for the next request. What is still in flight is drained for a moment, so the
        client reads the answer instead of a reset connection."""
        self._send(json_response(status, {"ok": False, "error": error}), close=True)
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break
        except OSError:  # includes the timeout: the client kept sending, or is gone
            pass

    def do_GET(self) -> None:  # noqa: N802
        route = self.server.routes.get(urlsplit(self.path).path)
        if route is None:
            self._send(json_response(404, {"ok": False, "error": "not_found"}))
            return
        self._send(route())

    def _send(self, response: BoltResponse, *, close: bool = False) -> None:
        payload = (response.body or "").encode("utf-8")
        self.send_response(response.status)
        for name, values in response.headers.items():
            if name.lower() in ("content-length", "connection"):
                continue
            for value in values:
                self.send_header(name, value)
        self.send_header("content-length", str(len(payload)))
        if close or self.server.draining:
            self.send_header("connection", "close")  # also sets self.close_connection
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: one line per Slack request is noise; Bolt logs what matters."""
