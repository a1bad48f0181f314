"""The watch's sweep (issue 11): 500 licenses against a remote ClassLink, concurrent and sequential.

    .venv/bin/python bench/sweep.py                      # 500 licenses, 80 ms round trip
    .venv/bin/python bench/sweep.py --concurrency 16     # licenses diagnosed at once
    .venv/bin/python bench/sweep.py --processes 1        # threads only, no worker processes
    .venv/bin/python bench/sweep.py --sequential all     # time the sequential sweep whole
    .venv/bin/python bench/sweep.py --licenses 100 --quick   # a smoke run
    .venv/bin/python bench/sweep.py --json

The world: --licenses licenses (default 500), each of its own district of 200-2,000 users (6%
teachers with 4 classes each, students in 3 classes; a tenth of the districts read directly with
OAuth 1.0a, the rest through the proxy). A tenth of the licenses are broken, ten ways in turn:
an Application ID never attached (the district added the app), the app disabled, the tenant
inactive, mistyped instructor emails, a student's address, teachers ClassLink does not send, a
district sending 5 students, a neighbour's Application ID pasted, an unknown Application ID,
and a district that never added the app at all (every other unattached connection is then
asked for the license's teachers). Everything is generated from --seed, so every run builds
the same world.

The sandbox serves it from a process of its own on 127.0.0.1, every record serialised before
anything is timed, and answers each request after --rtt milliseconds (default 80, as a remote
ClassLink would). Each sweep runs in a fresh process, as `rosterbot sweep` does its work:
`bot.sweep.run.run_sweep` over a SQLite store and directory in a temporary folder (stored,
compared), nothing posted to Slack, with the shipped defaults (--concurrency 8, --processes 0:
one worker process a core, at most 4). Figures: wall time of the sweep, HTTP requests (the
sandbox's own count, /applications apart), peak RSS of that process and of its worker processes
(ru_maxrss, interpreter and imports included), its RSS before sweeping, and the CPU time of the
sweep (workers included) and of the sandbox's process: on a 2-core machine a sweep whose round
trips overlap is bound by that CPU, so a busy machine shows in the wall time.

The sequential sweep is the same code with --concurrency 1 and no worker process, diagnosing
licenses of the same directory one after another. At 80 ms it takes over a minute, so by
default it runs on an evenly spread sample (--sequential, default 100: every fifth license,
broken ones included in proportion) and its time is extrapolated to all of them (seconds per
license x licenses); the printout marks it "~" and says how many it measured. `--sequential all`
measures it whole. Both sweeps must find the same status for every license of the sample
(checked). For context, --diagnose-loop N (default 25) also times what `rosterbot diagnose
--all` did before the watch: Diagnoser.diagnose one license after another, each reading
/applications itself, on N licenses, extrapolated the same way.

Aim (issue 11): 500 licenses at 80 ms in under 60 s, at least 6x the sequential sweep, on 2
cores, with /applications read once.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import os
import random
import resource
import socketserver
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
from _common import megabytes, peak_rss_mb, ratio, repo_root, rss_now_mb, seconds, table, thousands

sys.path.insert(0, str(repo_root()))

from checks.licenses import (  # noqa: E402
    SqliteLicenseDirectory,
    license_from_mapping,
    license_to_mapping,
)
from checks.models import License, Role, Roster  # noqa: E402
from sandbox import server as sandbox_server  # noqa: E402
from sandbox.generate import generate_roster  # noqa: E402
from sandbox.names import LAST_NAMES  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.world import District, World, derived_secret  # noqa: E402

PARTNER_KEY = "bench-sweep-partner-key"
APPLICATION_ID = "731460"
PLACES = ("Valley", "Ridge", "Falls", "Creek", "Harbor", "Springs", "Grove", "Hills", "Lake",
          "Park", "Heights", "Point", "Meadow", "Bluff")
KINDS = ("School District", "Public Schools", "Unified School District", "County Schools",
         "Independent School District")
BROKEN_WAYS = ("unattached", "disabled", "inactive", "typos", "student", "absent",
               "few_students", "foreign", "unknown_id", "not_added")
BROKEN_SHARE = 10  # one license in ten
TEACHER_SHARE = 0.06
DIRECT_SHARE = 10  # one district in ten is read directly (OAuth 1.0a)
AIM_SECONDS, AIM_SPEEDUP = 60.0, 6.0
COLLECTIONS = ("users", "classes", "enrollments", "orgs")


# -- the world -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """One license and its district as planned; `broken` is how it breaks ("" when it does not)."""

    index: int
    license_id: str
    tenant_name: str
    users: int
    broken: str
    direct: bool


def plan(licenses: int, seed: int) -> list[Plan]:
    rng = random.Random(seed)
    names = rng.sample([f"{last} {place}" for last in LAST_NAMES for place in PLACES], licenses)
    broken_at = set(range(BROKEN_SHARE // 2, licenses, BROKEN_SHARE))
    plans, ways = [], 0
    for i in range(licenses):
        way = ""
        if i in broken_at:
            way, ways = BROKEN_WAYS[ways % len(BROKEN_WAYS)], ways + 1
        plans.append(Plan(i, f"bench-{i:03d}", f"{names[i]} {KINDS[i % len(KINDS)]}",
                          rng.randint(200, 2000), way, i % DIRECT_SHARE == 3))
    return plans


def app_id(i: int) -> str:
    raw = base64.b64encode(f"bench-sweep-{i:04d}".encode()).decode()
    return raw.replace("=", "%3D").replace("/", "%2F").replace("+", "%2B")


def build_world(plans: Sequence[Plan], seed: int) -> tuple[World, list[License]]:
    districts: list[District] = []
    licenses: list[License] = []
    for p in plans:
        if p.broken == "not_added":
            licenses.append(_license(p, None, ()))  # its district never added the app
            continue
        district = _district(p, seed)
        districts.append(district)
        licenses.append(_license(p, district.roster, (district.oneroster_application_id,)))
    by_index = {p.index: lic for p, lic in zip(plans, licenses, strict=True)}
    for p in plans:  # attachments that point elsewhere
        lic = by_index[p.index]
        if p.broken == "unattached":
            by_index[p.index] = dataclasses.replace(lic, application_ids=())
        elif p.broken == "foreign":
            neighbour = (p.index + 1) % len(plans)
            by_index[p.index] = dataclasses.replace(lic, application_ids=(app_id(neighbour),))
        elif p.broken == "unknown_id":
            unknown = ("bm90LWEtcmVhbC1pZA%3D%3D",)  # in nobody's /applications row
            by_index[p.index] = dataclasses.replace(lic, application_ids=unknown)
    return World(partner_key=PARTNER_KEY, districts=tuple(districts)), \
        [by_index[p.index] for p in plans]


def _district(p: Plan, seed: int) -> District:
    teachers = max(8, round(p.users * TEACHER_SHARE))
    users = teachers + 5 if p.broken == "few_students" else p.users
    domain = "".join(ch for ch in p.tenant_name.lower() if ch.isalnum())[:24] + ".org"
    roster = generate_roster(users=users, teachers=teachers, seed=seed * 1000 + p.index,
                             domain=domain, district_name=p.tenant_name)
    tenant = f"{7000 + p.index}"
    return District(
        tenant_id=tenant, tenant_name=p.tenant_name, application_id=APPLICATION_ID,
        oneroster_application_id=app_id(p.index),
        bearer="" if p.direct else derived_secret("bearer", tenant),
        enabled=p.broken != "disabled",
        tenant_status="Inactive" if p.broken == "inactive" else "Active",
        access="direct" if p.direct else "proxy",
        client_id=derived_secret("client_id", tenant, 20),
        client_secret=derived_secret("client_secret", tenant, 40),
        roster=roster, domains=(domain,),
    )


def _license(p: Plan, roster: Roster | None, app_ids: tuple[str, ...]) -> License:
    if roster is None:
        domain = "".join(ch for ch in p.tenant_name.lower() if ch.isalnum())[:24] + ".org"
        emails = [f"teacher{n}@{domain}" for n in range(12)]
        return License(id=p.license_id, name=f"{p.tenant_name} - Pivot Interactives",
                       district=p.tenant_name, seats=300, instructor_emails=tuple(emails),
                       application_ids=app_ids)
    teachers = sorted(u.email for u in roster.users if u.role is Role.TEACHER and u.email)
    students = sorted(u.email for u in roster.users if u.role is Role.STUDENT and u.email)
    rng = random.Random(p.index)
    if p.broken == "typos":
        for n, pos in enumerate(rng.sample(range(len(teachers)), 3)):
            local, _, domain = teachers[pos].partition("@")
            teachers[pos] = (local.title() + "@" + domain, f"{local}@old-{domain}",
                             local[:1] + local[2:1:-1] + local[3:] + "@" + domain)[n]
    elif p.broken == "student":
        teachers[rng.randrange(len(teachers))] = students[0]
    elif p.broken == "absent":
        domain = teachers[0].partition("@")[2]
        teachers[:2] = [f"new.hire{n}@{domain}" for n in range(2)]
    seats = max(10, len(students) + 25)
    return License(id=p.license_id, name=f"{p.tenant_name} - Pivot Interactives",
                   district=p.tenant_name, seats=seats, instructor_emails=tuple(teachers),
                   application_ids=app_ids)


# -- the sandbox process ---------------------------------------------------------------------------


def serve(licenses: int, seed: int, folder: Path) -> None:
    """Generate the world, write the licenses, serve and warm it; "latency <ms>" on stdin sets
    the round trip, "forget" forgets the requests seen; stop when stdin closes."""
    started = time.perf_counter()
    plans = plan(licenses, seed)
    world, licenses_list = build_world(plans, seed)
    (folder / "licenses.json").write_text(json.dumps([license_to_mapping(x)
                                                       for x in licenses_list]))
    (folder / "plans.json").write_text(json.dumps([dataclasses.asdict(p) for p in plans]))
    _disable_nagle()
    with SandboxServer(world) as server:
        _warm(server)
        users = sum(len(d.roster.users) for d in world.districts)
        enrollments = sum(len(d.roster.enrollments) for d in world.districts)
        print(json.dumps({"url": server.url, "districts": len(world.districts), "users": users,
                          "enrollments": enrollments,
                          "built_seconds": time.perf_counter() - started}), flush=True)
        for line in sys.stdin:
            command, _, value = line.strip().partition(" ")
            if command == "latency":
                server.latency_ms = float(value)
            elif command == "forget":
                server.requests.clear()
            print(f"ok {command}", flush=True)


def _disable_nagle() -> None:
    """Answers go out at once (TCP_NODELAY), as production servers send them (see
    bench/diagnose_scale.py: the stdlib handler otherwise waits for a delayed ACK); and new
    connections queue as a production server lets them (a listen backlog of 1,024, not the
    stdlib's 5: a sweep opens dozens at once, and with 5 the kernel drops SYNs, each costing
    the client a one-second retransmission)."""
    handler = getattr(sandbox_server, "_Handler", None)
    if isinstance(handler, type) and issubclass(handler, socketserver.StreamRequestHandler):
        handler.disable_nagle_algorithm = True
    http_server = getattr(sandbox_server, "_HTTPServer", None)
    if isinstance(http_server, type) and issubclass(http_server, socketserver.TCPServer):
        http_server.request_queue_size = 1024


def _warm(server: SandboxServer) -> None:
    """Serialise every record once (the sandbox keeps the bytes) before anything is timed.

    Each record's JSON is kept as an exact-size copy: orjson returns its bytes with the
    writer's spare capacity still allocated (about 8 KB a record here), which for the half a
    million users and 1.6 million enrollments of 500 districts would be some 15 GB."""
    catalogs = getattr(server.app, "_catalogs", {})
    for catalog in catalogs.values():
        for name in COLLECTIONS:
            collection = getattr(catalog, name)()
            cache = collection.cache
            cache.get(range(len(collection.records)))
            blobs = getattr(cache, "_blobs", [])
            for i, blob in enumerate(blobs):
                if blob is not None:
                    blobs[i] = bytes(memoryview(blob))
        catalog.users_in_role(Role.TEACHER)
    server.requests.clear()


@dataclass
class Served:
    url: str
    folder: Path
    facts: dict[str, Any]
    process: subprocess.Popen[str] = dataclasses.field(repr=False)

    def say(self, command: str) -> None:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(command + "\n")
        stdin.flush()
        if not stdout.readline().startswith("ok "):
            raise RuntimeError(f"the sandbox did not take {command!r}")

    def requests(self) -> dict[str, int]:
        with httpx.Client(timeout=60.0) as http:
            log = http.get(f"{self.url}/_sandbox/requests").raise_for_status().json()["requests"]
        return {"all": len(log),
                "applications": sum(1 for r in log if r["path"] == "/applications")}


@contextmanager
def served_world(licenses: int, seed: int) -> Iterator[Served]:
    with tempfile.TemporaryDirectory(prefix="rosterbot-sweep-bench-") as tmp:
        command = [sys.executable, __file__, "_serve", str(licenses), str(seed), tmp]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True)
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the sandbox process exited ({process.wait()})")
            facts = json.loads(line)
            yield Served(facts["url"], Path(tmp), facts, process)
        finally:
            stdin: IO[str] | None = process.stdin
            if stdin is not None:
                stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- one sweep (in a fresh process) --------------------------------------------------------------


def measure(url: str, folder: Path, concurrency: int, processes: int,
            only: list[str] | None) -> dict[str, Any]:
    from bot.store import open_store
    from bot.sweep.run import processes_for, run_sweep, sweep_lease
    from checks.classlink import ClassLinkClient
    from checks.diagnose import Diagnoser
    from checks.models import worst

    licenses = [license_from_mapping(m) for m in json.loads((folder / "licenses.json")
                                                             .read_text())]
    # the whole directory in every case (a license's rules look at the others); `only` says
    # which of them to diagnose
    chosen = licenses if only is None else [lic for lic in licenses if lic.id in set(only)]
    with tempfile.TemporaryDirectory(prefix="rosterbot-sweep-run-") as tmp:
        directory = SqliteLicenseDirectory(Path(tmp) / "licenses.sqlite3", seed=licenses)
        directory.list()  # created and seeded before the clock starts
        store = open_store(f"sqlite:///{tmp}/rosterbot.sqlite3")
        client = ClassLinkClient(base_url=url, partner_key=PARTNER_KEY)
        diagnoser = Diagnoser(licenses=directory, classlink=client)
        baseline = rss_now_mb()
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        if concurrency == 0:  # `rosterbot diagnose --all`: one diagnose after another
            statuses = {}
            for lic in chosen:
                d = diagnoser.diagnose(lic.id)
                statuses[lic.id] = str(worst([s.status for s in d.steps]))
            elapsed = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu_before
            client.close()
            store.close()
            directory.close()
            return {"seconds": elapsed, "cpu_seconds": cpu, "peak_rss_mb": peak_rss_mb(),
                    "baseline_rss_mb": baseline, "licenses": len(chosen),
                    "statuses": statuses, "summary": {}}
        with sweep_lease(store):
            run = run_sweep(store, diagnoser, concurrency=concurrency,
                            processes=processes_for(processes), trigger="bench", only=only)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        peak = peak_rss_mb()
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        client.close()
        store.close()
        directory.close()
    return {"seconds": elapsed, "cpu_seconds": cpu, "peak_rss_mb": peak,
            "baseline_rss_mb": baseline,
            "processes": run.summary.get("processes", 1),
            "worker_peak_rss_mb": workers if run.summary.get("processes") else None,
            "licenses": len(run.outcomes), "summary": run.summary,
            "statuses": {o.license_id: o.status for o in run.outcomes},
            "applications_reads": run.summary.get("applications_reads")}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the sweep's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_measure(served: Served, concurrency: int, processes: int,
                only: list[str] | None) -> dict[str, Any]:
    served.say("forget")
    command = [sys.executable, __file__, "_measure", served.url, str(served.folder),
               str(concurrency), str(processes)]
    if only is not None:
        ids = served.folder / f"only-{concurrency}.json"
        ids.write_text(json.dumps(only))
        command.append(str(ids))
    server_before = _process_cpu(served.process.pid)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the sweep failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["requests"] = served.requests()
    figures["server_cpu_seconds"] = _process_cpu(served.process.pid) - server_before
    return figures


def _process_cpu(pid: int) -> float:
    """CPU seconds another process has used so far (Linux /proc), 0 elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the report ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licenses", type=int, default=500)
    parser.add_argument("--rtt", type=float, default=80.0, help="round trip in ms (default 80)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="licenses diagnosed at once (default 8, as shipped)")
    parser.add_argument("--processes", type=int, default=0,
                        help="worker processes (default 0: one a core, at most 4, as shipped)")
    parser.add_argument("--sequential", default="100",
                        help="licenses the sequential sweep measures (default 100), or all")
    parser.add_argument("--diagnose-loop", type=int, default=25, metavar="N",
                        help="also time `rosterbot diagnose --all` (each license reads "
                             "/applications itself) on N licenses, extrapolated (0: skip)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="--sequential 20 (a smoke run)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    say = (lambda _m: None) if args.json else (lambda m: print(f"... {m}", file=sys.stderr,
                                                               flush=True))
    load_before = os.getloadavg()[0]
    say(f"generating and serving {args.licenses} licenses' districts")
    with served_world(args.licenses, args.seed) as served:
        plans = [Plan(**p) for p in json.loads((served.folder / "plans.json").read_text())]
        served.say(f"latency {args.rtt}")
        say(f"sweep: {args.concurrency} licenses at a time, {args.rtt:g} ms round trip")
        concurrent = run_measure(served, args.concurrency, args.processes, None)
        sample = _sample(plans, "20" if args.quick else args.sequential)
        whole = len(sample) == len(plans)
        say(f"sequential sweep: {'every license' if whole else f'{len(sample)} licenses'}")
        sequential = run_measure(served, 1, 1, None if whole else sample)
        loop_sample = _sample(plans, str(args.diagnose_loop)) if args.diagnose_loop else []
        if loop_sample:
            say(f"`rosterbot diagnose --all` style: {len(loop_sample)} licenses")
        loop = run_measure(served, 0, 1, loop_sample) if loop_sample else None
    load_after = os.getloadavg()[0]
    mismatched = [i for i, s in sequential["statuses"].items()
                  if concurrent["statuses"].get(i) != s]
    per_license = sequential["seconds"] / max(1, sequential["licenses"])
    sequential_total = sequential["seconds"] if whole else per_license * len(plans)
    speedup = sequential_total / concurrent["seconds"]
    report = {
        "licenses": len(plans), "rtt_ms": args.rtt, "concurrency": args.concurrency,
        "world": {**served.facts, "broken": sum(1 for p in plans if p.broken),
                  "broken_ways": dict(Counter(p.broken for p in plans if p.broken))},
        "concurrent": concurrent, "sequential": sequential,
        "sequential_measured": len(sample), "sequential_extrapolated": not whole,
        "sequential_seconds": sequential_total, "speedup": speedup,
        "same_statuses": not mismatched, "mismatched": mismatched,
        "diagnose_loop": loop, "diagnose_loop_seconds": None if loop is None else
        loop["seconds"] / max(1, loop["licenses"]) * len(plans),
        "machine": {"cpus": os.cpu_count(), "load_before": load_before, "load_after": load_after},
    }
    if args.json:
        for side in ("concurrent", "sequential", "diagnose_loop"):
            if report[side] is not None:
                report[side] = {k: v for k, v in report[side].items() if k != "statuses"}
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


def _sample(plans: Sequence[Plan], how: str) -> list[str]:
    if how == "all":
        return [p.license_id for p in plans]
    n = max(1, min(len(plans), int(how)))
    step = len(plans) / n
    return [plans[int(k * step)].license_id for k in range(n)]


def print_report(r: dict[str, Any]) -> None:
    c, s, w = r["concurrent"], r["sequential"], r["world"]
    print(f"Sweep of {r['licenses']} licenses ({w['districts']} districts in ClassLink, "
          f"{thousands(w['users'])} users, {thousands(w['enrollments'])} enrollments; "
          f"{w['broken']} broken: {', '.join(f'{k} {v}' for k, v in w['broken_ways'].items())}), "
          f"round trip {r['rtt_ms']:g} ms per ClassLink request.")
    print()
    approx = "~" if r["sequential_extrapolated"] else ""
    workers = c.get("processes", 1)
    rss = megabytes(c["peak_rss_mb"]) if workers <= 1 else \
        f"{megabytes(c['peak_rss_mb'])} + {workers} x {megabytes(c['worker_peak_rss_mb'])}"
    how = f"{r['concurrency']} at a time" + (f", {workers} processes" if workers > 1 else "")
    rows = [
        [f"concurrent ({how})", seconds(c["seconds"]),
         thousands(c["requests"]["all"]), str(c["requests"]["applications"]),
         rss, megabytes(c["baseline_rss_mb"]), seconds(c["cpu_seconds"]),
         seconds(c["server_cpu_seconds"]), "1.0x"],
        [f"sequential ({s['licenses']} measured)" if r["sequential_extrapolated"]
         else "sequential", approx + seconds(r["sequential_seconds"]),
         thousands(s["requests"]["all"]), str(s["requests"]["applications"]),
         megabytes(s["peak_rss_mb"]), megabytes(s["baseline_rss_mb"]),
         seconds(s["cpu_seconds"]), seconds(s["server_cpu_seconds"]),
         approx + ratio(r["speedup"])],
    ]
    loop = r.get("diagnose_loop")
    if loop is not None:
        rows.append([f"diagnose --all loop ({loop['licenses']} measured)",
                     "~" + seconds(r["diagnose_loop_seconds"]),
                     thousands(loop["requests"]["all"]), str(loop["requests"]["applications"]),
                     megabytes(loop["peak_rss_mb"]), megabytes(loop["baseline_rss_mb"]),
                     seconds(loop["cpu_seconds"]), seconds(loop["server_cpu_seconds"]),
                     "~" + ratio(r["diagnose_loop_seconds"] / c["seconds"])])
    print(table(["sweep", "wall time", "requests", "/applications", "peak RSS", "RSS before",
                 "CPU", "sandbox CPU", "concurrent is"], rows))
    print()
    if workers > 1:
        print(f"Peak RSS of the sweep's process, and of each of its {workers} worker processes "
              "(the largest); RSS before is the process's own before sweeping.")
    print("CPU: the sweep's processes (workers included); sandbox CPU: the ClassLink stand-in's "
          "own, in its process (both share the machine's cores).")
    if r["sequential_extrapolated"]:
        per = s["seconds"] / max(1, s["licenses"])
        print(f"~ The sequential sweep was timed on {s['licenses']} of the {r['licenses']} "
              f"licenses (every {r['licenses'] // max(1, s['licenses'])}th, broken ones in "
              f"proportion): {seconds(s['seconds'])}, {per:.3f} s a license, extrapolated to "
              f"all {r['licenses']}. Requests and memory are of the measured part.")
    if loop is not None:
        print(f"~ The `diagnose --all` loop (Diagnoser.diagnose one license after another, each "
              f"reading /applications itself, as before the watch) was timed on "
              f"{loop['licenses']} licenses and extrapolated the same way; for context only.")
    summary = c["summary"]
    print(f"Found: {summary.get('pass')} pass, {summary.get('warn')} warn, "
          f"{summary.get('broken')} broken, {summary.get('classlink_errors')} ClassLink errors. "
          f"Both sweeps agree on every measured license: "
          f"{'yes' if r['same_statuses'] else 'NO: ' + ', '.join(r['mismatched'][:5])}.")
    cpus = r["machine"]["cpus"] or 1
    floor = (c["cpu_seconds"] + c["server_cpu_seconds"]) / cpus
    print(f"Once its round trips overlap the sweep is bound by CPU: its "
          f"{seconds(c['cpu_seconds'])} and the sandbox's {seconds(c['server_cpu_seconds'])} "
          f"over {cpus} cores take at least "
          f"{seconds(floor)}, {r['sequential_seconds'] / floor:.1f}x the sequential sweep, on a "
          f"machine doing nothing else ({c['cpu_seconds'] / max(1, r['licenses']) * 1000:.0f} ms "
          "of CPU a license: decoding, parsing, the three checks).")
    met = (c["seconds"] < AIM_SECONDS and r["speedup"] >= AIM_SPEEDUP
           and c["requests"]["applications"] == 1)
    print(f"Aim: under {AIM_SECONDS:.0f} s, at least {AIM_SPEEDUP:.0f}x the sequential sweep, "
          f"/applications read once: {'met' if met else 'MISSED'}.")
    m = r["machine"]
    print(f"{m['cpus']} CPUs; 1-minute load average {m['load_before']:.1f} at the start, "
          f"{m['load_after']:.1f} at the end.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        only = json.loads(Path(sys.argv[6]).read_text()) if len(sys.argv) > 6 else None
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]),
                                 int(sys.argv[5]), only)))
        sys.exit(0)
    sys.exit(main())
