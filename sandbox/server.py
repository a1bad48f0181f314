"""The sandbox over real HTTP: a threaded stdlib server around SandboxApp, with fault switches.

    with SandboxServer(sample_world()) as server:      # serves on a daemon thread
        client = ClassLinkClient(base_url=server.url, partner_key=server.partner_key)
        server.faults.add("rate_limit", times=2, path_contains="/users")
        ...
        assert len(server.requests.matching("/users")) == 3

    SandboxServer(world, latency_ms=80)   # every ClassLink request answers 80 ms later

Latency simulates the round trip to a remote ClassLink: each request's thread sleeps before
answering, so concurrent requests (on their own connections) wait side by side, not in turn.
The server writes nothing to stderr: request logging is off and connection errors are logged
at DEBUG on the "sandbox.server" logger.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from sandbox.app import SandboxApp
from sandbox.control import PREFIX, control_endpoint
from sandbox.errors import SandboxWorldError
from sandbox.faults import Fault, FaultKind, FaultSwitches
from sandbox.recording import RecordedRequest, RequestLog
from sandbox.wire import Request, Response, error
from sandbox.world import World, check_latencies, latency_problem

log = logging.getLogger("sandbox.server")


class SandboxServer:
    """ClassLink stand-in for a world, bound at construction (port 0 picks a free port)."""

    def __init__(self, world: World, *, host: str = "127.0.0.1", port: int = 0,
                 latency_ms: float | None = None) -> None:
        """`latency_ms` replaces the world's top-level `latency_ms` (districts with their own
        keep it); a negative or non-numeric value raises SandboxWorldError."""
        check_latencies(world)
        problem = "" if latency_ms is None else latency_problem(latency_ms)
        if problem:
            raise SandboxWorldError(Path("SandboxServer"), "latency_ms", problem)
        self.latency_ms = world.latency_ms if latency_ms is None else float(latency_ms)
        self.faults = FaultSwitches()
        self.requests = RequestLog()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.sandbox = self
        bound_port = self._httpd.server_address[1]
        shown_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        self.url = f"http://{shown_host}:{bound_port}"
        self.app = SandboxApp(world, base_url=self.url)
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def world(self) -> World:
        return self.app.world

    @property
    def partner_key(self) -> str:
        return self.app.world.partner_key

    def start(self) -> SandboxServer:
        """Serve on a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                name=f"sandbox {self.url}", daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (for the CLI)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def latency_for(self, path: str) -> float:
        """Seconds to wait before answering `path`: its district's latency, else the server's;
        none for the /_sandbox control endpoints (they are the test harness, not ClassLink)."""
        if path.startswith(PREFIX + "/") or path == PREFIX:
            return 0.0
        district = self.app.district_for(path)
        if district is not None and district.latency_ms is not None:
            return district.latency_ms / 1000
        return self.latency_ms / 1000

    def respond(self, request: Request, fault: Fault | None) -> Response | None:
        """The answer to one request after a fault (if any); None means drop the connection."""
        if request.path.startswith(PREFIX + "/") or request.path == PREFIX:
            return control_endpoint(request, app=self.app, faults=self.faults,
                                    requests=self.requests)
        if fault is None:
            return self._answer(request)
        return self._faulted(request, fault)

    def _answer(self, request: Request) -> Response:
        try:
            return self.app.handle(request)
        except Exception:  # a bug in the sandbox: answer like a broken server, keep serving
            log.exception("sandbox failed on %s %s", request.method, request.path)
            return error(500, "internal_server_error", "the sandbox failed")

    def _faulted(self, request: Request, fault: Fault) -> Response | None:
        match fault.kind:
            case FaultKind.DROP:
                return None
            case FaultKind.RATE_LIMIT:
                return error(429, "server_busy", "too many requests",
                             ("Retry-After", _seconds(fault.retry_after)))
            case FaultKind.SERVER_ERROR:
                return error(500, "internal_server_error", "the roster server failed")
            case FaultKind.BAD_GATEWAY:
                return Response(502, b"502 Bad Gateway", content_type="text/plain")
            case FaultKind.ERROR_BODY_200:
                body = error(200, "server_busy", "the roster server is busy").body
                return Response(200, body)
            case FaultKind.SLOW:
                time.sleep(fault.delay)
                return self._answer(request)
            case FaultKind.TRUNCATED:
                whole = self._answer(request)
                return Response(200, whole.body[: len(whole.body) // 2], whole.headers)


def _seconds(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: SandboxServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer are normal in fault tests; keep stderr quiet.
        log.debug("connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so paging clients reuse one connection
    disable_nagle_algorithm = True  # else each small answer waits ~40 ms for a delayed ACK
    timeout = 60  # an idle keep-alive connection is closed after this many seconds

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _serve(self) -> None:
        sandbox = cast(_HTTPServer, self.server).sandbox
        request = self._request()
        delay = sandbox.latency_for(request.path)
        if delay > 0:
            time.sleep(delay)  # this request's thread only: the others are not held up
        fault = None
        if not request.path.startswith(PREFIX):
            sandbox.requests.append(RecordedRequest.of(
                request.method, request.path, request.query, request.authorization))
            fault = sandbox.faults.take(self.path)
        response = sandbox.respond(request, fault)
        if response is None:
            self._drop()
        else:
            self._send(response)

    def _request(self) -> Request:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        return Request(self.command, path, query, headers, body)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
