"""Load: two rosterbot replicas on one PostgreSQL under simulated Slack users, beside one replica
on SQLite.

    .venv/bin/python bench/load.py                   # 200 users, 60 s per setup
    .venv/bin/python bench/load.py --quick           # 20 users, 10 s per setup
    .venv/bin/python bench/load.py --users 50 --seconds 30 --setup postgresql --json

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
left without its answer) and duplicate posts (bench/load_audit.py). Target: zero errors, zero
duplicates. Logs stay in --log-dir (a new temporary folder by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from _common import repo_root, table

sys.path.insert(0, str(repo_root()))

import psycopg  # noqa: E402
from load_audit import Audit, audit_calls  # noqa: E402
from load_client import KeepAlivePool, WatchedSlackStub  # noqa: E402
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
CLIENT = ("asyncio keep-alive HTTP/1.1 client (bench/load_client.py) in the main process, "
          "beside the Slack stand-in")


@dataclass(frozen=True, slots=True)
class Setup:
    label: str
    backend: str  # postgresql | sqlite
    replicas: int


SETUPS = {
    "postgresql": Setup("2 replicas, PostgreSQL", "postgresql", 2),
    "sqlite": Setup("1 replica, SQLite", "sqlite", 1),
}


@dataclass(frozen=True, slots=True)
class Latency:
    count: int
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Latency:
        ordered = sorted(values)
        return cls(len(ordered), percentile(ordered, 0.50), percentile(ordered, 0.99),
                   ordered[-1] if ordered else math.nan)


@dataclass(frozen=True, slots=True)
class Result:
    setup: str
    users: int
    ramp_seconds: float
    seconds: float
    requests: int
    requests_per_second: float
    dialogs_completed: int
    dialogs_escalated: int
    dialogs_cut_off: int
    double_clicks: int
    ack_ms: Latency
    ack_ms_after_ramp: Latency  # requests sent once every user had arrived
    ack_ms_by_kind: dict[str, Latency]
    answer_seconds: Latency
    non_200: int
    statuses: dict[str, int]  # HTTP status (0: no answer) -> requests
    log_errors: int  # ERROR/CRITICAL records and tracebacks in the replicas' logs
    log_warnings: int
    stalled_dialogs: int
    audit: Audit
    cpu_seconds: dict[str, float]
    machine_busy: float  # share of all cores busy during the run (every core busy = 1.0)
    log_dir: str
    samples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.non_200 + self.log_errors + self.stalled_dialogs + self.audit.missing


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence (NaN when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


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
    slug = setup.backend
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
             "--support-channel", SUPPORT_CHANNEL,
             "--log-file", str(log_dir / f"{slug}-replica-{n}.log")],
            name=f"{slug}-replica-{n}", log_dir=log_dir)) for n in range(setup.replicas)]
        session = Session(plan, [KeepAlivePool(r.info["url"], size=args.connections)
                                 for r in replicas], stub, texts())
        before = _cpu_marks()
        tally = asyncio.run(_timed_drive(session))
        wait_for_mention_replies(stub, tally)
        replica_summaries = [replica.stop() for replica in replicas]
        classlink_summary = classlink.stop()
        after = _cpu_marks()
        dump_acks(tally, log_dir / f"{slug}-acks.json")
        audit = audit_calls(stub.calls(), tally, permalink=stub.workspace.permalink)
    return summarise(setup, plan, tally, audit, replica_summaries, classlink_summary,
                     before=before, after=after, log_dir=log_dir)


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


CpuMarks = tuple[float, float, float, float]


def _cpu_marks() -> CpuMarks:
    """CPU seconds so far: this process, PostgreSQL's processes, the machine busy, the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (usage.ru_utime + usage.ru_stime, _postgres_ticks() / tick,
            (sum(fields) - idle) / tick, sum(fields) / tick)


def _postgres_ticks() -> int:
    """CPU ticks of every running postgres process, plus those of its ended children (a closed
    connection's backend is added to the postmaster's cutime/cstime when it exits)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="ascii")
        except OSError:  # the process ended meanwhile
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()  # fields[0] is the state, the 3rd field of stat
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total


def summarise(setup: Setup, plan: Plan, tally: Tally, audit: Audit,
              replicas: Sequence[dict[str, Any]], classlink: dict[str, Any], *,
              before: CpuMarks, after: CpuMarks,
              log_dir: Path) -> Result:
    acks = tally.acks
    kinds = sorted({ack.kind for ack in acks})
    levels = [replica.get("log_levels", {}) for replica in replicas]
    cpu = {"load generator (event loop thread)": tally.driver_cpu_seconds,
           "main process (Slack stand-in + load generator)": after[0] - before[0],
           "ClassLink sandbox": float(classlink["cpu_seconds"])}
    cpu.update({f"replica {n}": float(r["cpu_seconds"]) for n, r in enumerate(replicas)})
    cpu["PostgreSQL (every connection)"] = after[1] - before[1]
    ours = sum(cpu.values()) - cpu["load generator (event loop thread)"]
    cpu["anything else on the machine"] = after[2] - before[2] - ours
    samples = [line for r in replicas for line in r.get("log_samples", [])[:5]]
    samples += tally.stalled[:5] + list(audit.samples)
    elapsed = after[3] - before[3]
    return Result(
        setup=setup.label, users=plan.users, ramp_seconds=plan.ramp_seconds,
        seconds=round(tally.window_seconds, 2),
        requests=len(acks),
        requests_per_second=len(acks) / tally.window_seconds if tally.window_seconds else 0.0,
        dialogs_completed=tally.dialogs_completed, dialogs_escalated=tally.dialogs_escalated,
        dialogs_cut_off=tally.dialogs_cut_off, double_clicks=tally.double_clicks,
        ack_ms=Latency.of([ack.ms for ack in acks]),
        ack_ms_after_ramp=Latency.of([ack.ms for ack in acks if ack.at >= plan.ramp_seconds]),
        ack_ms_by_kind={kind: Latency.of([a.ms for a in acks if a.kind == kind])
                        for kind in kinds},
        answer_seconds=Latency.of(tally.answer_seconds),
        non_200=sum(1 for ack in acks if ack.status != 200),
        statuses={str(status): n for status, n in sorted(Counter(a.status for a in acks).items())},
        log_errors=sum(lv.get("ERROR", 0) + lv.get("CRITICAL", 0) for lv in levels)
        + sum(int(r.get("tracebacks", 0)) for r in replicas),
        log_warnings=sum(lv.get("WARNING", 0) for lv in levels),
        stalled_dialogs=len(tally.stalled), audit=audit,
        cpu_seconds={name: round(value, 2) for name, value in cpu.items()},
        machine_busy=(after[2] - before[2]) / elapsed if elapsed else math.nan,
        log_dir=str(log_dir), samples=samples,
    )


# -- report ---------------------------------------------------------------------------------------


def format_report(results: Sequence[Result], plan: Plan, connections: int) -> str:
    headers = ["setup", "req/s", "dialogs", "ack p50 ms", "ack p99 ms", "ack max ms",
               "answer p50 s", "answer p99 s", "errors", "duplicates"]
    rows = [[r.setup, f"{r.requests_per_second:.1f}", str(r.dialogs_completed),
             f"{r.ack_ms.p50:.1f}", f"{r.ack_ms.p99:.1f}", f"{r.ack_ms.max:.1f}",
             f"{r.answer_seconds.p50:.2f}", f"{r.answer_seconds.p99:.2f}", str(r.errors),
             str(r.audit.duplicates)] for r in results]
    lines = [f"load: {plan.users} users, {plan.seconds:g} s per setup, a mention to every "
             f"replica every {plan.mention_interval:g} s, users arriving over "
             f"{plan.ramp_seconds:g} s, think time up to {plan.think_seconds:g} s",
             f"load client: {CLIENT}, {connections} connections per replica", "",
             table(headers, rows), ""]
    for result in results:
        lines += _details(result)
    return "\n".join(lines)


def _details(r: Result) -> list[str]:
    a = r.audit
    kinds = ", ".join(f"{kind} {lat.count} p50 {lat.p50:.1f} p99 {lat.p99:.1f} max {lat.max:.1f}"
                      for kind, lat in r.ack_ms_by_kind.items())
    cpu = ", ".join(f"{name} {value:.1f}" for name, value in r.cpu_seconds.items())
    lines = [
        f"{r.setup}: {r.requests} requests in {r.seconds:.1f} s; {r.dialogs_completed} dialogs "
        f"completed ({r.dialogs_escalated} escalated), {r.dialogs_cut_off} cut off by the time "
        "limit",
        f"  ack ms by kind: {kinds}",
        f"  ack ms after the {r.ramp_seconds:g} s ramp: p50 {r.ack_ms_after_ramp.p50:.1f} "
        f"p99 {r.ack_ms_after_ramp.p99:.1f} max {r.ack_ms_after_ramp.max:.1f}; "
        f"{r.double_clicks} closing buttons double-clicked onto every replica",
        f"  errors: {r.non_200} non-200 (statuses {r.statuses}), {r.log_errors} log errors "
        f"({r.log_warnings} warnings), "
        f"{r.stalled_dialogs} dialogs not finished, {a.private_replies} private apologies or "
        f"refusals, {a.missing_summaries} escalations without a summary, "
        f"{a.unanswered_mentions} mentions unanswered",
        f"  duplicates: {a.duplicate_dialog_posts} dialog posts, {a.extra_dialogs} extra dialogs, "
        f"{a.duplicate_summaries} escalation summaries, {a.duplicate_mention_replies} mention "
        "replies",
        f"  CPU seconds: {cpu}; machine busy {r.machine_busy:.0%} of 2 cores",
        f"  logs: {r.log_dir}",
    ]
    lines += [f"  | {sample}" for sample in r.samples[:12]]
    return lines + [""]


# -- command line ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="rosterbot under simulated Slack users.")
    parser.add_argument("--users", type=int, default=None, help="default 200 (20 with --quick)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="per setup; default 60 (10 with --quick)")
    parser.add_argument("--quick", action="store_true", help="20 users for 10 s")
    parser.add_argument("--setup", choices=("both", *SETUPS), default="both")
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
    chosen = list(SETUPS.values()) if args.setup == "both" else [SETUPS[args.setup]]
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
