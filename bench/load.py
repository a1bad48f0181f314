"""Load: two rosterbot replicas on one PostgreSQL under simulated Slack users, with two workers
serving the job queue (issue 10) and with the work in the replicas' own threads, beside one
replica on SQLite.

    .venv/bin/python bench/load.py                   # 200 users, 60 s per setup
    .venv/bin/python bench/load.py --quick           # 20 users, 10 s per setup
    .venv/bin/python bench/load.py --users 50 --seconds 30 --setup postgresql --json
    .venv/bin/python bench/load.py --quick --setup queue   # replicas that ack and queue; 2 workers

Each setup runs in fresh processes: the sample world's ClassLink sandbox, and each replica
(bench/load_node.py: create_app + serve_bolt, as `rosterbot run --http` builds it) with its own
store connection pool. PostgreSQL replicas share one new schema in the `test` database (made
first, dropped at the end); the SQLite replica has a new file. This process holds the Slack Web
API stand-in that every replica posts to, and the simulated users (bench/load_users.py): one
asyncio loop with keep-alive HTTP/1.1 connections (bench/load_client.py), so the load generator
costs little CPU on a 2-core machine; its CPU time is reported beside the others'.

Figures: requests per second (every signed request sent, over the time limit), dialogs
completed, ack latency (each request's HTTP response time) p50/p99/max, how long a user waited
for each answer, errors (non-200 answers, WARNING/ERROR records and tracebacks in the replicas'
logs, dialogs the bot stopped answering, private apologies or refusals, a mention or escalation
left without its answer) and duplicate posts (bench/load_audit.py), and the CPU seconds of each
process (bench/load_report.py). Target: zero errors, zero duplicates. Logs, and every request's
timing (<setup>-acks.json), stay in --log-dir (a new temporary folder by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _common import repo_root

sys.path.insert(0, str(repo_root()))

import psycopg  # noqa: E402
from load_audit import audit_calls  # noqa: E402
from load_client import KeepAlivePool, WatchedSlackStub  # noqa: E402
from load_report import CLIENT, Result, cpu_marks, format_report, summarise  # noqa: E402
from load_users import (  # noqa: E402
    HOME_TEAM,
    MENTION_CHANNEL,
    SUPPORT_CHANNEL,
    Plan,
    Session,
    Tally,
    Texts,
    drive,
    populate,
)

from bot.knowledge import load_knowledge  # noqa: E402
from bot.store import open_store  # noqa: E402
from sandbox import slack_requests as sr  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
NODE = Path(__file__).with_name("load_node.py")
MENTION_GRACE_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Setup:
    label: str
    backend: str  # postgresql | sqlite
    replicas: int
    workers: int = 0  # with workers, the replicas only ack and queue (ROSTERBOT_JOBS=queue)


SETUPS = {
    "queue": Setup("2 replicas + 2 workers, PostgreSQL", "postgresql", 2, workers=2),
    "postgresql": Setup("2 replicas, PostgreSQL", "postgresql", 2),
    "sqlite": Setup("1 replica, SQLite", "sqlite", 1),
}


# -- child processes ------------------------------------------------------------------------------


class Node:
    """A child process from bench/load_node.py; `info` is the JSON line it announced."""

    def __init__(self, args: Sequence[str], *, name: str, log_dir: Path) -> None:
        self.name = name
        self.stderr_path = log_dir / f"{name}.stderr"
        with self.stderr_path.open("w", encoding="utf-8") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(NODE), *args], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=repo_root())
        self.info = self._read_line("start")

    def stop(self) -> dict[str, Any]:
        """Ask it to finish its work and stop; its closing summary."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write("stop\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        summary = self._read_line("stop")
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        summary["tracebacks"] = self.stderr_path.read_text(encoding="utf-8").count("Traceback")
        return summary

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _read_line(self, when: str) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.kill()
            tail = self.stderr_path.read_text(encoding="utf-8")[-3000:]
            raise RuntimeError(f"{self.name} ended at {when} (exit {self.process.returncode}):"
                               f"\n{tail}")
        found: dict[str, Any] = json.loads(line)
        return found


@contextmanager
def node(args: Sequence[str], *, name: str, log_dir: Path) -> Iterator[Node]:
    started = Node(args, name=name, log_dir=log_dir)
    try:
        yield started
    finally:
        started.kill()


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A store URL whose search_path is a new schema in `server_url`'s database; dropped after."""
    schema = f"rosterbot_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{server_url}?options=-csearch_path%3D{schema}&application_name={schema}"
        finally:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND pid <> pg_backend_pid()", (schema,))
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def store_url(setup: Setup, *, postgres: str, work: Path) -> Iterator[str]:
    """The setup's store, migrated once here so the replicas start on an up-to-date schema."""
    with ExitStack() as stack:
        if setup.backend == "postgresql":
            url = stack.enter_context(fresh_schema(postgres))
        else:
            url = f"sqlite:///{work / 'store.sqlite3'}"
        open_store(url).close()
        yield url


# -- one setup ------------------------------------------------------------------------------------


def run_setup(setup: Setup, plan: Plan, args: argparse.Namespace, log_dir: Path) -> Result:
    slug = f"{setup.backend}-queue" if setup.workers else setup.backend
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-")))
        stub = WatchedSlackStub(team_id=HOME_TEAM)
        stub.start()
        stack.callback(stub.stop)
        populate(stub, plan.users)
        classlink = stack.enter_context(node(["classlink"], name=f"{slug}-classlink",
                                             log_dir=log_dir))
        url = stack.enter_context(store_url(setup, postgres=args.postgres, work=work))
        replicas = [stack.enter_context(node(
            ["replica", "--database-url", url, "--slack-url", stub.url,
             "--classlink-url", classlink.info["url"],
             "--partner-key", classlink.info["partner_key"], "--signing-secret", plan.secret,
             "--support-channel", SUPPORT_CHANNEL, "--jobs", "queue" if setup.workers else "local",
             "--log-file", str(log_dir / f"{slug}-replica-{n}.log")],
            name=f"{slug}-replica-{n}", log_dir=log_dir)) for n in range(setup.replicas)]
        workers = [stack.enter_context(node(
            ["worker", "--database-url", url, "--slack-url", stub.url,
             "--classlink-url", classlink.info["url"],
             "--partner-key", classlink.info["partner_key"], "--signing-secret", plan.secret,
             "--support-channel", SUPPORT_CHANNEL,
             "--log-file", str(log_dir / f"{slug}-worker-{n}.log")],
            name=f"{slug}-worker-{n}", log_dir=log_dir)) for n in range(setup.workers)]
        session = Session(plan, [KeepAlivePool(r.info["url"], size=args.connections)
                                 for r in replicas], stub, texts())
        before = cpu_marks()
        tally = asyncio.run(_timed_drive(session))
        wait_for_mention_replies(stub, tally)
        replica_summaries = [replica.stop() for replica in replicas]
        worker_summaries = [worker.stop() for worker in workers]  # after the replicas' last jobs
        classlink_summary = classlink.stop()
        after = cpu_marks()
        dump_acks(tally, log_dir / f"{slug}-acks.json")
        audit = audit_calls(stub.calls(), tally, permalink=stub.workspace.permalink)
    return summarise(setup.label, plan, tally, audit, replica_summaries, classlink_summary,
                     before=before, after=after, log_dir=log_dir, workers=worker_summaries)


async def _timed_drive(session: Session) -> Tally:
    """drive(), noting the CPU time of this thread (the users' event loop) in the tally."""
    started = time.thread_time()
    tally = await drive(session)
    tally.driver_cpu_seconds = time.thread_time() - started
    return tally


def dump_acks(tally: Tally, path: Path) -> None:
    """Every request's kind, send time, ack latency and status, for a closer look later."""
    path.write_text(json.dumps([asdict(ack) for ack in tally.acks]), encoding="utf-8")


def wait_for_mention_replies(stub: WatchedSlackStub, tally: Tally) -> None:
    """Give the last mentions a moment to be answered before the replicas stop."""
    deadline = time.monotonic() + MENTION_GRACE_SECONDS
    while time.monotonic() < deadline:
        answered = {post.thread_ts for post in stub.posts(MENTION_CHANNEL)}
        if all(ts in answered for ts in tally.mentions):
            return
        time.sleep(0.1)


def texts() -> Texts:
    kb = load_knowledge()
    return Texts(checking=kb.string("checking"), fixed_thanks=kb.string("fixed_thanks"),
                 escalation_confirmed=kb.string("escalation_confirmed"))


# -- command line ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="rosterbot under simulated Slack users.")
    parser.add_argument("--users", type=int, default=None, help="default 200 (20 with --quick)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="per setup; default 60 (10 with --quick)")
    parser.add_argument("--quick", action="store_true", help="20 users for 10 s")
    parser.add_argument("--setup", choices=("all", "both", *SETUPS), default="all",
                        help="one setup, or all of them (both: the same, an older name)")
    parser.add_argument("--connections", type=int, default=32,
                        help="keep-alive connections per replica")
    parser.add_argument("--answer-timeout", type=float, default=60.0,
                        help="seconds a user waits for an answer before the dialog failed")
    parser.add_argument("--think", type=float, default=0.0,
                        help="a user pauses up to this many seconds before each request")
    parser.add_argument("--mention-interval", type=float, default=0.5)
    parser.add_argument("--ramp", type=float, default=5.0,
                        help="users arrive spread over this many seconds")
    parser.add_argument("--postgres", default=POSTGRES, help="server and database for schemas")
    parser.add_argument("--log-dir", type=Path, help="default: a new temporary folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 on any error or duplicate")
    args = parser.parse_args(argv)
    args.users = args.users or (20 if args.quick else 200)
    args.seconds = args.seconds or (10.0 if args.quick else 60.0)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Stopped with SIGTERM, still drop the schema and stop the children (finally blocks run).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    plan = Plan(users=args.users, seconds=args.seconds, answer_timeout=args.answer_timeout,
                think_seconds=args.think, mention_interval=args.mention_interval,
                ramp_seconds=min(args.ramp, args.seconds / 2),
                secret=sr.DEFAULT_SIGNING_SECRET, seed=args.seed)
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="rosterbot-load-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    chosen = list(SETUPS.values()) if args.setup in ("all", "both") else [SETUPS[args.setup]]
    results = [run_setup(setup, plan, args, log_dir) for setup in chosen]
    if args.json:
        print(json.dumps({"plan": asdict(plan), "client": CLIENT,
                          "results": [asdict(r) | {"errors": r.errors,
                                                   "duplicates": r.audit.duplicates}
                                      for r in results]}, indent=2))
    else:
        print(format_report(results, plan, args.connections))
    failed = any(r.errors or r.audit.duplicates for r in results)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
