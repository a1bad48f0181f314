"""The child processes of bench/load.py: one rosterbot replica, or the ClassLink sandbox.

    python bench/load_node.py classlink
    python bench/load_node.py replica --database-url URL --slack-url URL --classlink-url URL \
        --partner-key KEY [--support-channel C] [--log-file PATH] [--jobs local|queue] \
        [--licenses-db PATH]
    python bench/load_node.py bare --slack-url URL      # a bare Bolt app (bench/ack_latency.py)
    python bench/load_node.py worker --database-url URL --slack-url URL --classlink-url URL \
        --partner-key KEY [--log-file PATH]             # a `rosterbot worker` (--jobs queue)

Each prints one JSON line once it serves ({"url": ..., "pid": ...}), serves until a line arrives
on its stdin or stdin closes, shuts down and prints one more JSON line: its CPU seconds, peak RSS
and the log records it saw at WARNING and above (counts by level, the first few messages).

A replica is what `rosterbot run --http` builds, over the sandbox world: bot.app.create_app on its
own store connection, served by bot.http.serve_bolt, posting to the Slack stand-in. Shutting down
waits for the lazy listeners still running (BuiltApp.close), so every answer is posted first.
With `--jobs queue` (PostgreSQL) it only acks and queues: `rosterbot worker`s serve the jobs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SAMPLES_KEPT = 20  # log messages kept verbatim for the report; the rest are only counted


class LogTally(logging.Handler):
    """Counts the records at WARNING and above, by level, and keeps the first few."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.levels: Counter[str] = Counter()
        self.samples: list[str] = []
        self._lock_samples = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_samples:
            self.levels[record.levelname] += 1
            if len(self.samples) < SAMPLES_KEPT:
                self.samples.append(f"{record.levelname} {record.name}: {record.getMessage()}"
                                    [:500])


@contextmanager
def logs_tallied(log_file: Path | None) -> Iterator[LogTally]:
    """Route every WARNING+ record to the tally (and `log_file`, with tracebacks)."""
    tally = LogTally()
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    root.addHandler(tally)
    handler: logging.Handler | None = None
    if log_file is not None:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    try:
        yield tally
    finally:
        root.removeHandler(tally)
        if handler is not None:
            root.removeHandler(handler)
            handler.close()


def announce(fields: dict[str, Any]) -> None:
    print(json.dumps(fields), flush=True)


def wait_for_stop() -> None:
    """Block until the parent writes a line or goes away (stdin closes)."""
    sys.stdin.readline()


def own_usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def serve_classlink() -> dict[str, Any]:
    from sandbox.sample import sample_world
    from sandbox.server import SandboxServer

    with SandboxServer(sample_world()) as server:
        server.start()
        announce({"url": server.url, "partner_key": server.partner_key, "pid": os.getpid()})
        wait_for_stop()
        requests = len(server.requests)
    return {**own_usage(), "requests": requests}


def serve_replica(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import create_app
    from bot.http import serve_bolt
    from bot.settings import Settings
    from bot.store import open_store
    from checks.classlink import ClassLinkClient
    from checks.diagnose import Diagnoser
    from checks.licenses import SqliteLicenseDirectory
    from sandbox.sample import sample_licenses

    with logs_tallied(args.log_file) as tally:
        with ExitStack() as stack:  # closed in reverse: server, lazy work, store, clients
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-replica-")))
            licenses = SqliteLicenseDirectory(args.licenses_db) if args.licenses_db else \
                SqliteLicenseDirectory(tmp / "licenses.sqlite3", seed=sample_licenses())
            stack.callback(licenses.close)
            classlink = ClassLinkClient(base_url=args.classlink_url, partner_key=args.partner_key)
            stack.callback(classlink.close)
            store = open_store(args.database_url)
            stack.callback(store.close)
            settings = Settings.from_mapping({
                "ROSTERBOT_DATA_DIR": str(tmp), "DATABASE_URL": args.database_url,
                "SLACK_BOT_TOKEN": args.bot_token, "SLACK_SIGNING_SECRET": args.signing_secret,
                "SLACK_API_URL": args.slack_url, "ROSTERBOT_SUPPORT_CHANNEL": args.support_channel,
                # every simulated user's escalation gets a summary of its own (the audit counts
                # one per dialog); the cooling-off window would fold those of one license
                "ROSTERBOT_ESCALATION_WINDOW": "0",
                "ROSTERBOT_JOBS": args.jobs,
            })
            built = create_app(settings, diagnoser=Diagnoser(licenses=licenses,
                                                             classlink=classlink), store=store)
            stack.callback(built.close)
            server = serve_bolt(built.app)
            stack.callback(server.stop)
            announce({"url": server.events_url, "pid": os.getpid()})
            wait_for_stop()
        return {**own_usage(), "log_levels": dict(tally.levels), "log_samples": tally.samples}


def serve_worker(args: argparse.Namespace) -> dict[str, Any]:
    """What `rosterbot worker` runs, over the sample world's licenses; a line on stdin (or its
    closing) drains it like SIGTERM."""
    import signal

    from bot.app import build_service
    from bot.jobs.journal import JournaledMessenger, JournaledStore
    from bot.jobs.queue import run_worker
    from bot.jobs.runner import JobRunner
    from bot.messenger import SlackMessenger, web_client
    from bot.settings import Settings
    from bot.store import open_store
    from checks.classlink import ClassLinkClient
    from checks.diagnose import Diagnoser
    from checks.licenses import SqliteLicenseDirectory
    from sandbox.sample import sample_licenses

    with logs_tallied(args.log_file) as tally:
        with ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-worker-")))
            licenses = SqliteLicenseDirectory(tmp / "licenses.sqlite3", seed=sample_licenses())
            stack.callback(licenses.close)
            classlink = ClassLinkClient(base_url=args.classlink_url, partner_key=args.partner_key)
            stack.callback(classlink.close)
            store = open_store(args.database_url)
            stack.callback(store.close)
            settings = Settings.from_mapping({
                "ROSTERBOT_DATA_DIR": str(tmp), "DATABASE_URL": args.database_url,
                "SLACK_BOT_TOKEN": args.bot_token, "SLACK_SIGNING_SECRET": args.signing_secret,
                "SLACK_API_URL": args.slack_url, "ROSTERBOT_SUPPORT_CHANNEL": args.support_channel,
                "ROSTERBOT_ESCALATION_WINDOW": "0"})
            client = web_client(args.bot_token, base_url=args.slack_url)
            journaled = JournaledStore(store)
            service = build_service(settings, diagnoser=Diagnoser(licenses=licenses,
                                                                  classlink=classlink),
                                    store=journaled, client=client,
                                    messenger=JournaledMessenger(SlackMessenger(client)))
            runner = JobRunner(service, journaled, timeout_seconds=settings.job_timeout_seconds,
                               max_attempts=settings.job_attempts)

            def stop_when_told() -> None:
                wait_for_stop()
                os.kill(os.getpid(), signal.SIGTERM)

            def ready() -> None:
                announce({"pid": os.getpid()})
                threading.Thread(target=stop_when_told, daemon=True).start()

            run_worker(args.database_url, runner, concurrency=args.concurrency,
                       heartbeat_seconds=2.0, grace_seconds=60.0, on_ready=ready)
        return {**own_usage(), "log_levels": dict(tally.levels), "log_samples": tally.samples}


def serve_bare(args: argparse.Namespace) -> dict[str, Any]:
    """Bolt with its defaults, acking every command and action at once and doing nothing after:
    the baseline of bench/ack_latency.py, in a process of its own like the replicas."""
    import re

    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from bot.http import serve_bolt

    app = App(client=WebClient(token=args.bot_token, base_url=args.slack_url.rstrip("/") + "/api/"),
              signing_secret=args.signing_secret, token_verification_enabled=False)

    def just_ack(ack: Ack) -> None:
        ack()

    def later() -> None:
        return None

    app.command(re.compile(".*"))(ack=just_ack, lazy=[later])
    app.action(re.compile(".*"))(ack=just_ack, lazy=[later])
    server = serve_bolt(app)
    announce({"url": server.events_url, "pid": os.getpid()})
    wait_for_stop()
    server.stop()
    return own_usage()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="A child process of bench/load.py.")
    roles = parser.add_subparsers(dest="role", required=True)
    roles.add_parser("classlink", help="serve the sample world's ClassLink sandbox")
    replica = roles.add_parser("replica", help="serve one rosterbot replica over HTTP")
    replica.add_argument("--database-url", required=True)
    replica.add_argument("--slack-url", required=True, help="the Slack Web API stand-in's base")
    replica.add_argument("--classlink-url", required=True)
    replica.add_argument("--partner-key", required=True)
    replica.add_argument("--bot-token", default="xoxb-test")
    replica.add_argument("--signing-secret", default="test-signing-secret")
    replica.add_argument("--support-channel", default="C_ESCALATE")
    replica.add_argument("--log-file", type=Path)
    replica.add_argument("--jobs", choices=("local", "queue"), default="local",
                         help="run jobs in the replica's threads, or queue them for workers")
    replica.add_argument("--licenses-db", type=Path,
                         help="an existing SQLite license directory (default: the sample's)")
    worker = roles.add_parser("worker", help="run jobs from the queue, as rosterbot worker")
    for name in ("--database-url", "--slack-url", "--classlink-url", "--partner-key"):
        worker.add_argument(name, required=True)
    worker.add_argument("--bot-token", default="xoxb-test")
    worker.add_argument("--signing-secret", default="test-signing-secret")
    worker.add_argument("--support-channel", default="C_ESCALATE")
    worker.add_argument("--concurrency", type=int, default=8)
    worker.add_argument("--log-file", type=Path)
    bare = roles.add_parser("bare", help="serve a bare Bolt app over HTTP")
    bare.add_argument("--slack-url", required=True)
    bare.add_argument("--bot-token", default="xoxb-test")
    bare.add_argument("--signing-secret", default="test-signing-secret")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    serve = {"classlink": lambda: serve_classlink(), "replica": lambda: serve_replica(args),
             "bare": lambda: serve_bare(args), "worker": lambda: serve_worker(args)}[args.role]
    summary = serve()
    announce(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
