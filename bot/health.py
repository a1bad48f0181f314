"""Liveness, readiness and metrics over HTTP: GET /healthz, /readyz and /metrics.

/healthz answers 200 while the process serves at all. /readyz answers 200 only when every
readiness check passes (the store answers, Slack's auth.test succeeded, the Socket Mode
connection is up, the job queue answers when one is configured) and the process is not
draining for shutdown; otherwise 503, naming what failed. /metrics is the app's Prometheus
registry. In HTTP mode these routes sit beside POST /slack/events (bot.http); in Socket Mode,
where there is no HTTP server, `serve_health` runs a small one (`rosterbot run --health-port`).

Anyone can add a readiness check, e.g. the job queue:

    built.readiness.add("job_queue", lambda: queue.ping())   # raise (or return False) if not

A check runs in a thread of its own, at most one at a time per check, and one that does not
answer within CHECK_TIMEOUT counts as failed, so a hung database never hangs the probe.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from bot.observability.logs import REDACTOR
from bot.observability.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 2.0
JSON = "application/json; charset=utf-8"
# A readiness check: returns None or True when ready, False or raises when not (the
# exception's text says why); a string return is a detail shown when ready.
Check = Callable[[], object]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    content_type: str
    body: bytes


class _Probe:
    """One check, run at most once at a time; a slow run is waited for up to a timeout."""

    def __init__(self, name: str, check: Check) -> None:
        self.name = name
        self._check = check
        self._lock = threading.Lock()
        self._done: threading.Event | None = None
        self._result: tuple[bool, str] = (False, "not checked yet")

    def run(self, timeout: float) -> tuple[bool, str]:
        with self._lock:
            if self._done is None or self._done.is_set():
                done = self._done = threading.Event()
                threading.Thread(target=self._run, args=(done,), daemon=True,
                                 name=f"readiness-{self.name}").start()
            else:
                done = self._done
        if not done.wait(timeout):
            return False, f"no answer within {timeout:g} s"
        return self._result

    def _run(self, done: threading.Event) -> None:
        try:
            value = self._check()
        except Exception as error:
            result = (False, REDACTOR.redact(str(error) or type(error).__name__))
        else:
            if value is False:
                result = (False, "not ready")
            else:
                result = (True, value if isinstance(value, str) and value else "ok")
        self._result = result
        done.set()


class Readiness:
    """The named checks /readyz runs, and whether the process is draining."""

    def __init__(self, *, timeout: float = CHECK_TIMEOUT) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._probes: dict[str, _Probe] = {}
        self._draining = threading.Event()
        self._last: tuple[bool, tuple[str, ...]] | None = None

    def add(self, name: str, check: Check) -> None:
        """Add (or replace) the check called `name`."""
        with self._lock:
            self._probes[name] = _Probe(name, check)

    def remove(self, name: str) -> None:
        with self._lock:
            self._probes.pop(name, None)

    @property
    def names(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._probes)

    def start_draining(self) -> None:
        """From now on /readyz says 503: the load balancer sends new work elsewhere."""
        self._draining.set()

    @property
    def draining(self) -> bool:
        return self._draining.is_set()

    def log_change(self, ready: bool, checks: dict[str, str]) -> None:
        """One log line when the answer changes (ready, or which checks fail), not per probe."""
        failing = tuple(sorted(k for k, v in checks.items() if not v.startswith("ok")))
        with self._lock:
            changed, self._last = self._last != (ready, failing), (ready, failing)
        if changed and ready:
            log.info("ready: %s", "; ".join(f"{k}: {v}" for k, v in checks.items()))
        elif changed:
            log.warning("not ready: %s", "; ".join(f"{k}: {v}" for k, v in checks.items()))

    def report(self) -> tuple[bool, dict[str, str]]:
        """(ready, what each check said). All checks run at once."""
        with self._lock:
            probes = list(self._probes.values())
        results: dict[str, tuple[bool, str]] = {}
        threads = [threading.Thread(target=lambda p=p: results.__setitem__(
            p.name, p.run(self.timeout)), daemon=True) for p in probes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.timeout + 1)
        checks = {p.name: results.get(p.name, (False, "no answer"))[1] for p in probes}
        ready = all(results.get(p.name, (False, ""))[0] for p in probes)
        if self.draining:
            checks["draining"] = "shutting down"
            ready = False
        return ready, checks


def healthz() -> Answer:
    return _json(200, {"ok": True})


def readyz(readiness: Readiness) -> Answer:
    ready, checks = readiness.report()
    readiness.log_change(ready, checks)
    return _json(200 if ready else 503, {"ready": ready, "checks": checks})


def metrics_answer(metrics: Metrics) -> Answer:
    return Answer(200, CONTENT_TYPE, metrics.exposition())


def routes(readiness: Readiness, metrics: Metrics) -> dict[str, Callable[[], Answer]]:
    """GET path -> answer, for both the Slack HTTP server and the health server."""
    return {
        "/healthz": healthz,
        "/readyz": lambda: readyz(readiness),
        "/metrics": lambda: metrics_answer(metrics),
    }


def _json(status: int, body: dict[str, Any]) -> Answer:
    return Answer(status, JSON, json.dumps(body).encode())


class HealthServer:
    """GET /healthz, /readyz and /metrics on a port of their own, in a daemon thread."""

    def __init__(self, server: _HealthHttpServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host, self.port = str(host), int(port)
        self.url = f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_health(readiness: Readiness, metrics: Metrics, *, host: str = "127.0.0.1",
                 port: int = 0) -> HealthServer:
    """Start serving at once; OSError when the port cannot be bound."""
    server = _HealthHttpServer((host, port), routes(readiness, metrics))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="health-http", daemon=True)
    thread.start()
    return HealthServer(server, thread)


class _HealthHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int],
                 table: dict[str, Callable[[], Answer]]) -> None:
        self.table = table
        super().__init__(address, _HealthHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.warning("health request from %s failed", client_address[0], exc_info=True)


class _HealthHandler(BaseHTTPRequestHandler):
    server: _HealthHttpServer
    protocol_version = "HTTP/1.1"
    timeout = 10

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        route = self.server.table.get(urlsplit(self.path).path)
        answer = route() if route is not None else _json(404, {"ok": False,
                                                                "error": "not_found"})
        self.send_response(answer.status)
        self.send_header("content-type", answer.content_type)
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: probes come every few seconds."""
