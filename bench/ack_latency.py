"""Ack latency while big diagnoses run: rosterbot beside a bare Bolt app, in the same run.

    .venv/bin/python bench/ack_latency.py                      # both designs, 4 x 100k diagnoses
    .venv/bin/python bench/ack_latency.py --design queue --check
    .venv/bin/python bench/ack_latency.py --users 10000 --diagnoses 2 --requests 500   # quicker

Every process stands alone, as in production: the Slack Web API stand-in; the ClassLink sandbox
serving one generated district of --users users (bench/diagnose_scale.py's, with its
2,000-instructor license); a bare Bolt app that acks every command and action and does nothing
after (bench/load_node.py bare); the rosterbot replica (bench/load_node.py replica, what
`rosterbot run --http` builds); and the load client (sandbox.slack_load).

Each design starts its replica, asks for --diagnoses full checks of the big license
(`/roster check`, each a fresh diagnosis), and while they run sends batches of signed slash
commands and button clicks, --concurrency at a time, alternately to the bare app and to rosterbot,
until every diagnosis has answered (and at least --requests each, in case they finish first;
the table says how many acks were timed while diagnoses ran). Both apps thus share one load on
the machine; only rosterbot's own work differs.

  queue  (issue 10) the replica acks and queues on PostgreSQL (a fresh schema in --postgres);
         --workers `rosterbot worker` processes run the diagnoses.
  local  the old in-process design (ROSTERBOT_JOBS=local, SQLite): the replica runs them in its
         own threads, sharing the GIL with its acks.

Aim (issue 10): with the queue, ack p99 within 1.2x of the bare app's, and no ack over 3 s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from _common import repo_root

sys.path.insert(0, str(repo_root()))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from diagnose_scale import LICENSE_ID, PARTNER_KEY, served_district  # noqa: E402

from checks.licenses import SqliteLicenseDirectory, license_from_mapping  # noqa: E402
from sandbox import slack_requests as sr  # noqa: E402
from sandbox.slack_load import time_requests_in_subprocess  # noqa: E402

ACK_DEADLINE_MS = 3000.0
TARGET_RATIO = 1.2
WARMUP = 5
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
NODE = Path(__file__).with_name("load_node.py")
SECRET = sr.DEFAULT_SIGNING_SECRET
DESIGNS = ("queue", "local")

# What users send while the diagnoses run: cheap requests (help, an unknown license, a button
# whose value is not signed); rosterbot still serves each after the ack, the bare app does not.
SLASH_TEXTS = ("help", "check no-such-license", "app no-such-license")
BUTTON_ACTIONS = (("rosterbot.check_again", "bench"), ("rosterbot.next_step", "bench"))
BENCH_USERS = tuple(f"U_BENCH{n}" for n in range(7))


@dataclass(frozen=True, slots=True)
class Stats:
    label: str
    count: int
    errors: int  # answers other than 200, and failed connections
    p50_ms: float
    p99_ms: float
    max_ms: float
    over_deadline: int  # acks slower than Slack's 3 s

    @classmethod
    def from_latencies(cls, label: str, latencies_ms: Sequence[float], errors: int) -> Stats:
        ordered = sorted(latencies_ms)
        return cls(label=label, count=len(ordered), errors=errors,
                   p50_ms=percentile(ordered, 0.50), p99_ms=percentile(ordered, 0.99),
                   max_ms=ordered[-1] if ordered else math.nan,
                   over_deadline=sum(1 for value in ordered if value > ACK_DEADLINE_MS))


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence (NaN when empty)."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def request_mix(count: int, *, response_url: str, offset: int = 0) -> list[sr.SlackRequest]:
    """`count` signed requests alternating slash commands and button clicks, from a few users."""
    mix: list[sr.SlackRequest] = []
    for index in range(offset, offset + count):
        user_id = BENCH_USERS[index % len(BENCH_USERS)]
        if index % 2 == 0:
            text = SLASH_TEXTS[(index // 2) % len(SLASH_TEXTS)]
            mix.append(sr.slash_command(text, response_url=response_url, user_id=user_id,
                                        secret=SECRET))
        else:
            action_id, value = BUTTON_ACTIONS[(index // 2) % len(BUTTON_ACTIONS)]
            mix.append(sr.block_action(action_id, value, response_url=response_url,
                                       user_id=user_id, message_ts=f"1700000000.{index:06d}",
                                       secret=SECRET))
    return mix


# -- processes ------------------------------------------------------------------------------------


class Child:
    """A child process that prints one JSON line once it serves and stops when stdin closes."""

    def __init__(self, args: Sequence[str], *, env: dict[str, str] | None = None,
                 log: Path | None = None, terminate: bool = False, nice: int = 0) -> None:
        self.log, self.terminate = log, terminate  # terminate: SIGTERM stops it, not stdin
        stderr = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, text=True, env=env, cwd=repo_root(),
                                        preexec_fn=(lambda: os.nice(nice)) if nice else None)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            tail = log.read_text(encoding="utf-8")[-2000:] if log else ""
            raise RuntimeError(f"{args[1:3]} ended before serving:\n{tail}")
        self.info: dict[str, object] = json.loads(line) if line.startswith("{") else {}

    def ask(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        if self.terminate and self.process.poll() is None:
            self.process.terminate()
        if self.process.poll() is None and self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def child(args: Sequence[str], **options: object) -> Iterator[Child]:
    started = Child(args, **options)  # type: ignore[arg-type]
    try:
        yield started
    finally:
        started.stop()


STUB_CHILD = """
import json, sys
from sandbox import slack_requests as sr
from sandbox.slack_api import SlackApiStub
with SlackApiStub() as stub:
    for user_id in json.loads(sys.argv[1]):
        stub.add_user(user_id, team_id=stub.workspace.identity.team_id)
    stub.add_channel(sr.DEFAULT_CHANNEL_ID, name="support")
    print(json.dumps({"url": stub.url, "bot_token": stub.bot_token,
                      "response_prefix": stub.response_url("")}), flush=True)
    for line in sys.stdin:  # "answers <target>": how many response_url posts went there
        target = line.split()[1]
        print(sum(1 for c in stub.calls("response_url") if c.target == target), flush=True)
"""


@dataclass
class Design:
    name: str
    url: str
    label: str
    processes: list[Child] = field(default_factory=list)


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    schema = f"rosterbot_ack_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{server_url}?options=-csearch_path%3D{schema}&application_name={schema}"
        finally:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = %s AND pid <> pg_backend_pid()", (schema,))
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def design(name: str, *, stub: Child, classlink_url: str, licenses: Path, work: Path,
           args: argparse.Namespace) -> Iterator[Design]:
    """The replica of one design (and its workers), serving."""
    slack_url = str(stub.info["url"])
    with ExitStack() as stack:
        if name == "queue":
            database_url = stack.enter_context(fresh_schema(args.postgres))
        else:
            database_url = f"sqlite:///{work / f'{name}-store.sqlite3'}"
        replica = stack.enter_context(child([
            sys.executable, str(NODE), "replica", "--database-url", database_url,
            "--slack-url", slack_url, "--classlink-url", classlink_url,
            "--partner-key", PARTNER_KEY, "--signing-secret", SECRET,
            "--bot-token", str(stub.info["bot_token"]), "--jobs", name,
            "--licenses-db", str(licenses), "--log-file", str(work / f"{name}-replica.log")],
            log=work / f"{name}-replica.stderr"))
        found = Design(name, str(replica.info["url"]),
                       f"rosterbot, {name}" + (f" ({args.workers} workers)"
                                               if name == "queue" else " (in-process)"))
        if name == "queue":
            env = {**os.environ, "DATABASE_URL": database_url,
                   "SLACK_BOT_TOKEN": str(stub.info["bot_token"]),
                   "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
                   "CLASSLINK_API_URL": classlink_url, "CLASSLINK_PARTNER_KEY": PARTNER_KEY,
                   "CLASSLINK_TIMEOUT": "120", "ROSTERBOT_LICENSES": f"sqlite:///{licenses}",
                   "ROSTERBOT_DATA_DIR": str(work), "LOG_LEVEL": "WARNING",
                   "ROSTERBOT_WORKER_CONCURRENCY": str(args.worker_concurrency)}
            for n in range(args.workers):
                found.processes.append(stack.enter_context(child(
                    [sys.executable, "-m", "bot", "worker", "--name", f"bench-{n}"], env=env,
                    log=work / f"worker-{n}.log", terminate=True, nice=args.worker_nice)))
        yield found


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Run:
    design: str
    bare: Stats
    rosterbot: Stats
    diagnoses_seconds: float  # from asking to the last answer
    timed_while_running: int  # rosterbot acks timed before the last diagnosis answered


def start_diagnoses(url: str, stub: Child, *, design: str, count: int) -> list[str]:
    """Ask for `count` fresh full checks of the big license; their response_url targets."""
    targets = [f"{design}-big-{n}" for n in range(count)]
    prefix = str(stub.info["response_prefix"])
    with httpx.Client(timeout=30) as http:
        for n, target in enumerate(targets):
            request = sr.slash_command(f"check {LICENSE_ID}", response_url=prefix + target,
                                       user_id=BENCH_USERS[n % len(BENCH_USERS)], secret=SECRET)
            http.post(url, content=request.body, headers=dict(request.headers))
    return targets


def answered(stub: Child, targets: Sequence[str]) -> bool:
    """Each check answers twice: "checking…", then the diagnosis."""
    return all(int(stub.ask(f"answers {target}")) >= 2 for target in targets)


def measure_design(found: Design, bare_url: str, stub: Child,
                   args: argparse.Namespace) -> Run:
    response_url = str(stub.info["response_prefix"]) + "bench"
    warm = request_mix(WARMUP, response_url=response_url)
    for url in (bare_url, found.url):
        time_requests_in_subprocess(url, warm, concurrency=1, warmup=WARMUP)
    targets = start_diagnoses(found.url, stub, design=found.name, count=args.diagnoses)
    started = time.monotonic()
    timings: dict[str, list[tuple[float, int]]] = {"bare": [], "rosterbot": []}
    timed_while_running = 0
    finished: float | None = None
    offset = 0
    while finished is None or len(timings["rosterbot"]) < args.requests:
        batch = request_mix(args.batch + WARMUP, response_url=response_url, offset=offset)
        offset += args.batch
        for key, url in (("bare", bare_url), ("rosterbot", found.url)):
            timings[key] += time_requests_in_subprocess(url, batch, concurrency=args.concurrency,
                                                        warmup=WARMUP)
        if finished is None:
            timed_while_running = len(timings["rosterbot"])
            if answered(stub, targets):
                finished = time.monotonic() - started
        if time.monotonic() - started > args.max_seconds:
            raise RuntimeError(f"the diagnoses did not answer within {args.max_seconds} s")

    def stats(label: str, timed: list[tuple[float, int]]) -> Stats:
        return Stats.from_latencies(label, [ms for ms, _ in timed],
                                    sum(1 for _, status in timed if status != 200))

    return Run(found.name, stats("bare bolt", timings["bare"]),
               stats(found.label, timings["rosterbot"]), finished or math.nan,
               timed_while_running)


def seed_licenses(license_path: Path, work: Path) -> Path:
    path = work / "licenses.sqlite3"
    directory = SqliteLicenseDirectory(path, seed=[
        license_from_mapping(json.loads(license_path.read_text()))])
    directory.list()  # seeded now, for the replicas' and workers' own connections
    directory.close()
    return path


def run(args: argparse.Namespace) -> list[Run]:
    runs = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ack-bench-")))
        if args.log_dir:
            work = args.log_dir
            work.mkdir(parents=True, exist_ok=True)
        print(f"generating and serving a {args.users:,}-user district...", file=sys.stderr)
        big = stack.enter_context(served_district(args.users, seed=args.seed))
        licenses = seed_licenses(big.license_path, work)
        stub = stack.enter_context(child(
            [sys.executable, "-c", STUB_CHILD, json.dumps(list(BENCH_USERS))]))
        bare = stack.enter_context(child([sys.executable, str(NODE), "bare", "--slack-url",
                                          str(stub.info["url"]), "--signing-secret", SECRET]))
        for name in args.designs:
            print(f"measuring the {name} design...", file=sys.stderr)
            with design(name, stub=stub, classlink_url=big.url, licenses=licenses, work=work,
                        args=args) as found:
                runs.append(measure_design(found, str(bare.info["url"]), stub, args))
    return runs


# -- report ---------------------------------------------------------------------------------------


def format_table(runs: Sequence[Run]) -> str:
    header = (f"{'app':<32} {'acks':>6} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
              f" {'>3s':>4} {'p99/bare':>8}")
    lines = [header, "-" * len(header)]
    for found in runs:
        for stats in (found.bare, found.rosterbot):
            ratio = stats.p99_ms / found.bare.p99_ms if found.bare.p99_ms > 0 else math.nan
            lines.append(f"{stats.label[:32]:<32} {stats.count:>6} {stats.errors:>6}"
                         f" {stats.p50_ms:>8.1f} {stats.p99_ms:>8.1f} {stats.max_ms:>8.1f}"
                         f" {stats.over_deadline:>4} {ratio:>8.2f}")
        lines.append(f"  {found.design}: the diagnoses answered after "
                     f"{found.diagnoses_seconds:.1f} s; {found.timed_while_running} rosterbot "
                     "acks were timed while they ran")
    return "\n".join(lines)


def missed_targets(found: Run) -> list[str]:
    stats, bare = found.rosterbot, found.bare
    missed = []
    if stats.errors:
        missed.append(f"{stats.label}: {stats.errors} requests not answered 200")
    if stats.over_deadline:
        missed.append(f"{stats.label}: {stats.over_deadline} acks over 3 s")
    if stats.p99_ms > TARGET_RATIO * bare.p99_ms:
        missed.append(f"{stats.label}: p99 is over {TARGET_RATIO}x the bare app's")
    return missed


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Ack latency while big diagnoses run.")
    parser.add_argument("--design", choices=("both", *DESIGNS), default="both",
                        help="queue (workers), local (the old in-process design), or both")
    parser.add_argument("--users", type=int, default=100_000, help="of the big district")
    parser.add_argument("--diagnoses", type=int, default=4, help="run at once")
    parser.add_argument("--requests", type=int, default=1000,
                        help="timed per app at least (more while the diagnoses run)")
    parser.add_argument("--batch", type=int, default=250, help="requests per timed batch")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="queue design: worker processes")
    parser.add_argument("--worker-concurrency", type=int, default=2,
                        help="queue design: jobs each worker runs at once")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="queue design: the workers' niceness, so the acks come first on "
                             "a machine they share (0: as the replica)")
    parser.add_argument("--postgres", default=POSTGRES, help="server and database for a schema")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--log-dir", type=Path, help="keep the processes' logs here")
    parser.add_argument("--check", action="store_true", help="exit 1 when an aim is missed")
    args = parser.parse_args(argv)
    args.designs = DESIGNS if args.design == "both" else (args.design,)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    runs = run(args)
    print(f"ack latency: {args.concurrency} concurrent requests while {args.diagnoses} "
          f"{args.users:,}-user diagnoses run")
    print(format_table(runs))
    missed = [line for found in runs if found.design == "queue"
              for line in missed_targets(found)]
    for line in missed:
        print(f"missed: {line}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
