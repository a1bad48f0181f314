"""The life of `rosterbot run`: start, serve, and stop gracefully on SIGTERM (or Ctrl-C).

Start: the ports are bound first (taken or refused: exit 2), then Slack's auth.test proves the
bot token (Slack refusing it or not answering: exit 2), then Socket Mode connects. Every failure
is one line, never a traceback. /readyz says ready only from then on.

Stop (SIGTERM or SIGINT): /readyz turns 503; no new Slack request is taken (the HTTP listener
closes, a request on a kept-alive connection gets 503; in Socket Mode no further envelope is
read); the requests already being handled finish and are acked, the lazy work they started
finishes and posts its answers, then the health server stops and the store is closed, and the
process exits 0. A second signal stops at once.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from types import FrameType
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk import WebClient

from bot.app import BuiltApp, create_app
from bot.cli.output import UsageError, cannot_listen, console
from bot.cli.runtime import diagnoser_for
from bot.health import HealthServer, Readiness, routes, serve_health
from bot.messenger import retry_handlers
from bot.observability.metrics import Metrics
from bot.settings import Settings
from bot.store import Store, open_store

log = logging.getLogger(__name__)
# The start-up calls to Slack (auth.test, apps.connections.open) log nothing of their own: their
# retries and failure are said in the one line `rosterbot run` exits with.
_QUIET = logging.getLogger("rosterbot.quiet")
_QUIET.propagate = False
_QUIET.addHandler(logging.NullHandler())

# Started once the app serves, stopped when it stops: `lambda: scheduled_sweeps(...)`.
Background = Callable[[], AbstractContextManager[object]]

DRAIN_SECONDS = 25.0  # in-flight requests get this long (Kubernetes' default grace is 30 s)


class StopSignal:
    """SIGTERM and SIGINT set an event the main thread waits on; a second one raises
    KeyboardInterrupt (stop now)."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.event = threading.Event()
        self.received: str | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> StopSignal:
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def restore(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.received = signal.Signals(signum).name
        self.event.set()

    def wait(self, alive: Callable[[], bool]) -> None:
        """Until a signal comes or `alive()` turns false."""
        while not self.event.wait(0.5):
            if not alive():
                return


class SlackAuth:
    """auth.test at start: the readiness check `slack` passes once it has succeeded."""

    def __init__(self) -> None:
        self.identity: dict[str, Any] | None = None

    def check(self) -> str:
        if self.identity is None:
            raise RuntimeError("auth.test has not succeeded yet")
        me = self.identity
        return f"ok (bot {me.get('user_id', '?')} in {me.get('team_id', '?')})"

    def verify(self, built: BuiltApp, settings: Settings) -> None:
        from slack_sdk.errors import SlackApiError, SlackClientError

        try:
            reply = quiet_client(built, settings.require("slack_bot_token")).auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise UsageError(f"Slack refused SLACK_BOT_TOKEN ({error or exc}); check the bot "
                             "token") from None
        except (SlackClientError, OSError) as exc:
            raise UsageError(f"Slack could not be reached at {slack_url(settings)}: "
                             f"{reason_of(exc)}") from None
        self.identity = dict(reply.data) if isinstance(reply.data, dict) else {}


def quiet_client(built: BuiltApp, token: str) -> WebClient:
    """A client like the app's (same Web API, same retries) that logs nothing."""
    return WebClient(token=token, base_url=built.client.base_url, timeout=10, logger=_QUIET,
                     retry_handlers=retry_handlers())


def slack_url(settings: Settings) -> str:
    return settings.slack_api_url or "https://slack.com/api/"


def reason_of(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc  # urllib wraps the socket error
    return str(reason) or type(exc).__name__


def bolt_routes(readiness: Readiness, metrics: Metrics) -> dict[str, Callable[[], BoltResponse]]:
    """The health routes as bot.http extra routes."""
    def as_bolt(answer: Callable[[], Any]) -> Callable[[], BoltResponse]:
        def route() -> BoltResponse:
            out = answer()
            return BoltResponse(status=out.status, body=out.body.decode("utf-8"),
                                headers={"content-type": out.content_type})
        return route
    return {path: as_bolt(answer) for path, answer in routes(readiness, metrics).items()}


@contextmanager
def _health_server(readiness: Readiness, metrics: Metrics, host: str,
                   port: int | None) -> Iterator[HealthServer | None]:
    if port is None:
        yield None
        return
    try:
        server = serve_health(readiness, metrics, host=host, port=port)
    except OSError as exc:
        error = cannot_listen(host, port, exc)
        raise UsageError(str(error).replace("--port", "--health-port")) from None
    try:
        yield server
    finally:
        server.stop()


def serve(settings: Settings, args: argparse.Namespace, *,
          background: Sequence[Background] = ()) -> None:
    """Run the app until SIGTERM or SIGINT, then drain; raises UsageError when it cannot
    start. Each of `background` (a scheduler, say) is entered once the app serves, so nothing
    of it runs or logs when the start fails, and left first when the stop begins."""
    stop = StopSignal().install()
    try:
        store = open_store(settings.database_url)
        try:
            _serve(settings, args, store, stop, background)
        except BaseException:
            store.close()
            raise
        store.close()
        log.info("store closed; stopped")
    finally:
        stop.restore()


def _serve(settings: Settings, args: argparse.Namespace, store: Store, stop: StopSignal,
           background: Sequence[Background]) -> None:
    from bot.http import serve_bolt

    out = console()
    metrics = Metrics()
    readiness = Readiness()
    auth = SlackAuth()
    readiness.add("slack", auth.check)
    with diagnoser_for(settings, sandbox=args.sandbox) as diagnoser:
        built = create_app(settings, diagnoser=diagnoser, store=store, metrics=metrics,
                           readiness=readiness)
        try:
            with _health_server(readiness, metrics, args.host, args.health_port) as health:
                if args.http:
                    try:
                        server = serve_bolt(built.app, host=args.host, port=args.port,
                                            extra_routes=bolt_routes(readiness, metrics))
                    except OSError as exc:  # the port is taken or privileged, or not our host
                        raise cannot_listen(args.host, args.port, exc) from None
                    try:
                        auth.verify(built, settings)
                        out.print(f"rosterbot listening on {server.events_url} (health: "
                                  f"{server.url}/healthz, {server.url}/readyz, "
                                  f"{server.url}/metrics)", markup=False)
                        _print_health(out, health)
                        with _running(background):
                            stop.wait(alive=lambda: server.alive)
                        readiness.start_draining()
                        log.info("%s: draining %d request(s) in flight",
                                 stop.received or "stopped", server.in_flight)
                        if not server.drain(DRAIN_SECONDS):
                            log.warning("%d request(s) still in flight after %.0f s",
                                        server.in_flight, DRAIN_SECONDS)
                    finally:
                        server.stop()
                else:
                    auth.verify(built, settings)
                    handler = _connect_socket_mode(built, settings)
                    readiness.add("socket_mode", handler.client.is_connected)
                    out.print("rosterbot connected to Slack over Socket Mode", markup=False)
                    _print_health(out, health)
                    try:
                        with _running(background):
                            stop.wait(alive=lambda: True)
                        readiness.start_draining()
                        log.info("%s: draining Socket Mode", stop.received or "stopped")
                    finally:
                        _drain_socket_mode(handler)
                started = time.monotonic()
                built.close()  # lazy listeners finish and post their answers
                log.info("drained in %.1f s", time.monotonic() - started)
        finally:
            built.close()  # again on the way out of a failed start: returns at once


@contextmanager
def _running(background: Sequence[Background]) -> Iterator[None]:
    with ExitStack() as stack:
        for start in background:
            stack.enter_context(start())
        yield


def _print_health(out: Any, health: HealthServer | None) -> None:
    if health is not None:
        out.print(f"rosterbot health on {health.url}/healthz, {health.url}/readyz, "
                  f"{health.url}/metrics", markup=False)
    out.file.flush()


def _connect_socket_mode(built: BuiltApp, settings: Settings) -> Any:
    """Connected, or a UsageError: Slack refusing the app token or not reachable."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError, SlackClientError

    handler = SocketModeHandler(built.app, settings.slack_app_token, logger=_QUIET,
                                web_client=quiet_client(built, settings.require("slack_bot_token")))
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        handler.close()  # type: ignore[no-untyped-call]
        error = exc.response.get("error") if exc.response is not None else None
        raise UsageError(f"Slack refused to open a Socket Mode connection ({error or exc}); "
                         "check SLACK_APP_TOKEN") from None
    except (SlackClientError, OSError) as exc:
        handler.close()  # type: ignore[no-untyped-call]
        raise UsageError(f"Slack could not be reached at {slack_url(settings)} for Socket "
                         f"Mode: {reason_of(exc)}") from None
    # connected: from now on the connection logs as usual (reconnections, errors)
    handler.client.logger = built.app.logger
    if handler.client.current_session is not None:
        handler.client.current_session.logger = built.app.logger
    return handler


def _drain_socket_mode(handler: Any) -> None:
    """Read no further envelope, let the ones being handled finish (their acks go out over the
    still-open connection), then close it."""
    client = handler.client
    client.auto_reconnect_enabled = False
    client.closed = True  # the dequeuing loop's only stop condition; the socket stays open
    processor = getattr(client, "message_processor", None)
    if processor is not None and processor.is_alive():
        processor.shutdown()
    workers = getattr(client, "message_workers", None)
    if workers is not None:
        workers.shutdown(wait=True)
    handler.close()
