"""`rosterbot worker`: serve the jobs the bot replicas queue in PostgreSQL (bot.jobs.queue).

Run any number, on any number of machines, with the same settings as `rosterbot run` (the
store's DATABASE_URL, Slack, ClassLink and the license directory). SIGTERM drains: no new jobs,
running ones finish within ROSTERBOT_WORKER_GRACE or go back to the queue, then exit 0.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from bot.cli.common import add_sandbox_flag, load_settings
from bot.cli.output import EXIT_OK, UsageError, console
from bot.cli.runtime import diagnoser_for
from bot.errors import ConfigError, StoreError
from bot.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="run jobs from the PostgreSQL job queue")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="jobs at a time (default ROSTERBOT_WORKER_CONCURRENCY, 8)")
    parser.add_argument("--name", default=None, help="the worker's name in logs")
    parser.add_argument("--health-port", type=int, default=None, metavar="PORT",
                        help="serve /healthz, /readyz and /metrics (job durations) on this port")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.observability.logs import configure_logging

    settings = load_settings()
    configure_logging(settings)  # LOG_LEVEL and LOG_FORMAT, secrets masked, as `rosterbot run`
    if settings.jobs_mode != "queue":
        raise UsageError("rosterbot worker needs the job queue: DATABASE_URL=postgresql://... "
                         "(with SQLite, `rosterbot run` runs the jobs itself)")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.health_port is not None and not 0 <= args.health_port <= 65535:
        raise UsageError(f"--health-port {args.health_port} is not a port (0-65535)")
    try:
        _work(settings, args)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
    except StoreError as exc:
        raise UsageError(f"store: {exc}") from None
    return EXIT_OK


def _work(settings: Settings, args: argparse.Namespace) -> None:
    from bot.app import build_service
    from bot.jobs.journal import JournaledMessenger, JournaledStore
    from bot.jobs.local import JobQueueError
    from bot.jobs.queue import run_worker
    from bot.jobs.runner import JobRunner
    from bot.messenger import SlackMessenger, web_client
    from bot.observability.logs import job_scope
    from bot.store import open_store

    token = settings.require("slack_bot_token")
    client = web_client(token, base_url=settings.slack_api_url)
    store = open_store(settings.database_url)
    try:
        with diagnoser_for(settings, sandbox=args.sandbox) as diagnoser:
            journaled = JournaledStore(store)
            service = build_service(settings, diagnoser=diagnoser, store=journaled, client=client,
                                    messenger=JournaledMessenger(SlackMessenger(client)))
            runner = JobRunner(service, journaled, timeout_seconds=settings.job_timeout_seconds,
                               max_attempts=settings.job_attempts,
                               metrics=service.deps.metrics,  # --health-port's /metrics
                               log_scope=job_scope)  # each log line names its job
            out = console()

            health = _health(service.deps.metrics, store, args.health_port)

            def ready() -> None:
                where = f" (health on port {health.port})" if health is not None else ""
                out.print(f"rosterbot worker {os.getpid()} serving jobs{where}", markup=False)
                out.file.flush()

            try:
                run_worker(settings.database_url, runner,
                           concurrency=args.concurrency or settings.worker_concurrency,
                           heartbeat_seconds=settings.worker_heartbeat_seconds,
                           grace_seconds=settings.worker_grace_seconds, name=args.name,
                           on_ready=ready)
            except JobQueueError as exc:
                raise UsageError(str(exc)) from None
            finally:
                if health is not None:
                    health.stop()
    finally:
        store.close()


def _health(metrics: Any, store: Any, port: int | None) -> Any:
    """A worker has no Slack endpoint: its job durations and readiness (the store) are served
    on a small port of its own when asked, as `rosterbot run --health-port` does."""
    if port is None:
        return None
    from bot.health import Readiness, serve_health

    readiness = Readiness()
    readiness.add("store", store.schema_version)
    try:
        return serve_health(readiness, metrics, port=port)
    except OSError as exc:
        raise UsageError(f"--health-port {port}: {exc.strerror or exc}") from None
