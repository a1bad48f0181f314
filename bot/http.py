"""Serve a Bolt app over HTTP: POST /slack/events through `app.dispatch`, GET /healthz.

bolt's own `App.start()` runs a single-threaded development server, so one slow request delays
every ack behind it. This uses a ThreadingHTTPServer (one thread per connection) instead; the
listeners' slow work still belongs in lazy listeners, which Bolt runs on its own executor.

    server = serve_bolt(app, port=0)
    httpx.post(server.events_url, ...)
    server.stop()
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest, BoltResponse

EVENTS_PATH = "/slack/events"
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
) -> BoltServer:
    """Start serving `app` in a daemon thread and return at once.

    `extra_routes` maps GET paths to functions returning a BoltResponse; GET /healthz answers
    200 {"ok": true} unless `extra_routes` replaces it.
    """
    routes: dict[str, Route] = {"/healthz": healthz, **(extra_routes or {})}
    server = _BoltHttpServer((host, port), app=app, events_path=events_path, routes=routes)
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
    ) -> None:
        self.app = app
        self.events_path = events_path
        self.routes = routes
        super().__init__(address, _BoltHandler)


class _BoltHandler(BaseHTTPRequestHandler):
    server: _BoltHttpServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Slack's delivery uses
    timeout = 30  # an idle keep-alive connection frees its thread after this
    # Headers and body go out in separate writes; with Nagle on, a keep-alive client's delayed
    # ACK holds the body back ~40 ms.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        url = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if url.path != self.server.events_path:
            self._send(json_response(404, {"ok": False, "error": "not_found"}))
            return
        headers: dict[str, str | Sequence[str]] = {}
        for name, value in self.headers.items():
            seen = headers.get(name.lower())
            headers[name.lower()] = [*seen, value] if isinstance(seen, list) else [value]
        request = BoltRequest(body=body, query=url.query, headers=headers)
        try:
            response = self.server.app.dispatch(request)
        except Exception:  # Bolt handles listener errors itself; this is a last resort
            log.exception("Bolt dispatch failed")
            response = json_response(500, {"ok": False, "error": "internal_error"})
        self._send(response)

    def do_GET(self) -> None:  # noqa: N802
        route = self.server.routes.get(urlsplit(self.path).path)
        if route is None:
            self._send(json_response(404, {"ok": False, "error": "not_found"}))
            return
        self._send(route())

    def _send(self, response: BoltResponse) -> None:
        payload = (response.body or "").encode("utf-8")
        self.send_response(response.status)
        for name, values in response.headers.items():
            if name.lower() == "content-length":
                continue
            for value in values:
                self.send_header(name, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: one line per Slack request is noise; Bolt logs what matters."""
