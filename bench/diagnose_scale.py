"""A full `diagnose` of one big district: rosterbot's ClassLink client beside a naive one.

    .venv/bin/python bench/diagnose_scale.py                      # 10k, 100k and 300k users
    .venv/bin/python bench/diagnose_scale.py --sizes 10000,100000 --repeat 3
    .venv/bin/python bench/diagnose_scale.py --quick              # 10k only (smoke)
    .venv/bin/python bench/diagnose_scale.py --json               # one JSON object
    .venv/bin/python bench/diagnose_scale.py --rtt 80             # a remote ClassLink: 10k, 100k

For each size a generated district (5% teachers with 4 classes each, students in 3 classes) is
served by the sandbox in a process of its own on 127.0.0.1. It is generated, and every record
serialised once, before anything is timed, so no client pays for the sandbox's first-use work.
The license lists 2,000 instructors (every teacher when the district has fewer): teachers the
roster sends, about one in ten mistyped the ways licenses are (capitals, spaces, a typo, flast for
first.last, an old domain, a student's address, someone ClassLink does not send).

Each client runs `Diagnoser.diagnose(license_id)` in a fresh process, so peaks never mix and the
server's memory is never counted as the client's:
  rosterbot  ClassLinkClient as shipped (pages of 10,000; users, classes, enrollments and orgs
             read at once, their pages sharing 6 threads; orjson).
  naive      one request at a time, pages of 100, plain httpx and json.loads; the same record
             parsers, the same Diagnoser and rules (ClassLinkClient has no switch for
             sequential paging, so the naive client is written here).
Time is the wall time of `diagnose` (best of --repeat runs), split into fetching (applications
and rosters) and the rest (license lookup and the three checks). Peak RSS is ru_maxrss of that
process, interpreter and imports included (the baseline before diagnosing is in --json). Heap
peak is tracemalloc's peak during `diagnose`, from one more run with tracing on; tracing slows
that run, so its time is not reported. "users read" is what the retired timed unit test measured:
rosterbot fetching and parsing every user alone, best of two reads.
Aim (issue 2): rosterbot under 5 s and under 400 MB peak RSS at 100k users on a 2-core machine.

--rtt MS (issue 10) makes the sandbox wait MS milliseconds before answering each request, the
round trip to a remote ClassLink that loopback hides (default sizes 10k and 100k). Per size, in
one served district: rosterbot with no latency (the baseline for time and memory), rosterbot at
MS, the naive client with no latency, and the naive client at MS. One request at a time, the
naive client pays the round trip once per page of 100 (4,255 requests at 100k users, about six
minutes at 80 ms), so it is run for its first --naive-requests requests only (default 500)
whenever it would need more, and its time is extrapolated: its per-request time at MS over that
prefix, times the requests a whole diagnose makes (counted exactly without latency), plus its
rules time without latency. The printout marks every extrapolated figure with "~" and says how
many requests were measured; a naive run that fits in the budget is measured whole. Naive peak
RSS at MS is only shown when measured whole. The ratio is naive at MS over rosterbot at MS.
Aim (issue 10): at 100k users and 80 ms, rosterbot at least 30x the naive client, under 7 s,
and its peak RSS no higher than without latency (under 400 MB).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import math
import os
import random
import socketserver
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import orjson
from _common import megabytes, peak_rss_mb, ratio, repo_root, rss_now_mb, seconds, table, thousands

sys.path.insert(0, str(repo_root()))

from checks.classlink import ClassLinkClient  # noqa: E402
from checks.classlink.parse import (  # noqa: E402
    parse_application,
    parse_class,
    parse_enrollment,
    parse_org,
    parse_user,
)
from checks.diagnose import ClassLinkSource, Diagnoser, Diagnosis, DistrictSource  # noqa: E402
from checks.licenses import (  # noqa: E402
    SqliteLicenseDirectory,
    license_from_mapping,
    license_to_mapping,
)
from checks.models import Application, License, Role, Roster, RosterUser  # noqa: E402
from sandbox import server as sandbox_server  # noqa: E402
from sandbox.generate import generate_roster, instructor_emails  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.world import District, World  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 300_000)
QUICK_SIZES = (10_000,)
TEACHER_SHARE = 0.05
INSTRUCTORS = 2_000
MISTYPED_SHARE = 0.10
NAIVE_PAGE_SIZE = 100
AIM_USERS, AIM_SECONDS, AIM_RSS_MB = 100_000, 5.0, 400.0
USERS_READ_AIM = 3.0  # seconds to fetch and parse 100k users (the retired unit test's budget)
RTT_SIZES = (10_000, 100_000)
RTT_AIM_SPEEDUP, RTT_AIM_SECONDS, RTT_AIM_RSS_SLACK_MB = 30.0, 7.0, 10.0
NAIVE_REQUESTS = 500  # the naive client's prefix at --rtt, when a whole run would need more

PARTNER_KEY = "bench-partner-key"
TENANT_NAME = "Big Unified School District"
APP_ID = "bench-app%3D%3D"  # encoded, as ClassLink's ids arrive
BEARER = "bench-district-bearer"
LICENSE_ID = "bench-big"
CLIENTS = ("rosterbot", "naive")
COLLECTIONS = ("users", "classes", "enrollments", "orgs")


# -- the district and its license ----------------------------------------------------------------


def build_district(users: int, *, seed: int) -> District:
    teachers = max(1, round(users * TEACHER_SHARE))
    return District(
        tenant_id="9001", tenant_name=TENANT_NAME, application_id="1",
        oneroster_application_id=APP_ID, bearer=BEARER, enabled=True, tenant_status="Active",
        access="proxy", client_id="bench-client", client_secret="bench-secret",
        roster=generate_roster(users=users, teachers=teachers, seed=seed),
    )


def build_license(roster: Roster, *, seed: int) -> License:
    teachers = sum(1 for u in roster.users if u.role is Role.TEACHER and u.active and u.email)
    emails = instructor_emails(roster, min(INSTRUCTORS, teachers), seed=seed)
    rng = random.Random(seed)
    students = [u.email for u in roster.users if u.role is Role.STUDENT and u.email]
    mistyped = rng.sample(range(len(emails)), k=round(len(emails) * MISTYPED_SHARE))
    for n, position in enumerate(mistyped):
        mistake = MISTAKES[n % len(MISTAKES)]
        emails[position] = mistake(emails[position], rng, students)
    student_count = sum(1 for u in roster.users if u.role is Role.STUDENT)
    return License(id=LICENSE_ID, name="Big Unified physics", district=TENANT_NAME,
                   seats=student_count // 2, instructor_emails=tuple(emails),
                   application_ids=(APP_ID,))


Mistake = Callable[[str, random.Random, Sequence[str]], str]


def _capitalised(email: str, rng: random.Random, students: Sequence[str]) -> str:
    local, _, domain = email.partition("@")
    return f"{local.title()}@{domain}"


def _padded(email: str, rng: random.Random, students: Sequence[str]) -> str:
    return f" {email}  "


def _typo(email: str, rng: random.Random, students: Sequence[str]) -> str:
    local, _, domain = email.partition("@")
    letters = [i for i in range(len(local) - 1) if local[i] != local[i + 1]
               and local[i].isalpha() and local[i + 1].isalpha()]
    if not letters:
        return email
    i = rng.choice(letters)
    return f"{local[:i]}{local[i + 1]}{local[i]}{local[i + 2:]}@{domain}"


def _flast(email: str, rng: random.Random, students: Sequence[str]) -> str:
    local, _, domain = email.partition("@")
    first, _, last = local.partition(".")
    return f"{first[:1]}{last}@{domain}" if last else email


def _old_domain(email: str, rng: random.Random, students: Sequence[str]) -> str:
    local, _, domain = email.partition("@")
    return f"{local}@old-{domain}"


def _student(email: str, rng: random.Random, students: Sequence[str]) -> str:
    return rng.choice(students) if students else email


def _absent(email: str, rng: random.Random, students: Sequence[str]) -> str:
    return f"new.hire{rng.randrange(10**6):06d}@{email.partition('@')[2]}"


MISTAKES: tuple[Mistake, ...] = (_capitalised, _padded, _typo, _flast, _old_domain, _student,
                                 _absent)


# -- the sandbox process ---------------------------------------------------------------------------


def serve(users: int, *, seed: int, license_path: Path) -> None:
    """Generate, write the license, serve and warm the district; stop when stdin closes.

    A line "latency <ms>" on stdin sets the round trip of every request from then on
    (answered "ok <ms>"), so one district serves with and without latency."""
    district = build_district(users, seed=seed)
    license_path.write_text(json.dumps(license_to_mapping(build_license(district.roster,
                                                                          seed=seed))))
    roster = district.roster
    _disable_nagle()
    with SandboxServer(World(partner_key=PARTNER_KEY, districts=(district,))) as server:
        _warm(server.url)
        print(json.dumps({
            "url": server.url,
            "users": len(roster.users), "classes": len(roster.classes),
            "enrollments": len(roster.enrollments), "orgs": len(roster.orgs),
            "teachers": sum(1 for u in roster.users if u.role is Role.TEACHER),
        }), flush=True)
        for line in sys.stdin:  # until the parent closes our stdin
            command, _, value = line.partition(" ")
            if command == "latency":
                server.latency_ms = float(value)
                print(f"ok {server.latency_ms}", flush=True)


def _disable_nagle() -> None:
    """Send each response at once (TCP_NODELAY), as production web servers do.

    The sandbox's stdlib handler leaves Nagle's algorithm on: it writes the headers and then the
    body, and the body waits for the client's delayed ACK, about 40 ms on Linux loopback. That
    stall would bill the naive client 40 ms for every page of 100 (19 s for a 10k district),
    which measures the sandbox, not the client. A no-op once the sandbox sets it itself.
    """
    handler = getattr(sandbox_server, "_Handler", None)
    if isinstance(handler, type) and issubclass(handler, socketserver.StreamRequestHandler):
        handler.disable_nagle_algorithm = True


def _warm(url: str) -> None:
    """Read every collection once so the sandbox has serialised every record before timing."""
    base = f"{url}/proxy/v1p0/{APP_ID}/ims/oneroster/v1p1"
    with httpx.Client(timeout=120.0, headers={"Authorization": f"Bearer {BEARER}"}) as http:
        for collection in COLLECTIONS:
            offset = 0
            while True:
                reply = http.get(f"{base}/{collection}", params={"limit": 10_000,
                                                                 "offset": offset})
                reply.raise_for_status()
                offset += 10_000
                if offset >= int(reply.headers["X-Total-Count"]):
                    break
        http.delete(f"{url}/_sandbox/requests").raise_for_status()


@dataclass(frozen=True, slots=True)
class Served:
    url: str
    license_path: Path
    users: int
    teachers: int
    classes: int
    enrollments: int
    orgs: int
    process: subprocess.Popen[str] = dataclasses.field(repr=False, compare=False)

    def set_latency(self, ms: float) -> None:
        """Every request from now on waits `ms` milliseconds before it is answered."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"latency {ms}\n")
        stdin.flush()
        answer = stdout.readline()
        if not answer.startswith("ok "):
            raise RuntimeError(f"the sandbox did not take the latency: {answer!r}")

    @property
    def naive_requests(self) -> int:
        """Requests the naive client's diagnose makes: /applications (one page: one district),
        then each collection in pages of 100 until a short page."""
        counts = (self.users, self.classes, self.enrollments, self.orgs)
        return 1 + sum(n // NAIVE_PAGE_SIZE + 1 for n in counts)

    def forget_requests(self) -> None:
        with httpx.Client(timeout=60.0) as http:
            http.delete(f"{self.url}/_sandbox/requests").raise_for_status()


def requests_seen(url: str) -> dict[str, int]:
    """Requests the sandbox at `url` received since it last forgot them, by collection."""
    with httpx.Client(timeout=60.0) as http:
        log = http.get(f"{url}/_sandbox/requests").raise_for_status().json()["requests"]
    counts = {"all": len(log)}
    for name in COLLECTIONS:
        counts[name] = sum(1 for r in log if r["path"].endswith(f"/{name}"))
    return counts


@contextmanager
def served_district(users: int, *, seed: int) -> Iterator[Served]:
    with tempfile.TemporaryDirectory(prefix="rosterbot-bench-") as tmp:
        license_path = Path(tmp) / "license.json"
        command = [sys.executable, __file__, "_serve", str(users), str(seed), str(license_path)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True)
        try:
            ready = _first_line(process)
            yield Served(url=ready["url"], license_path=license_path, users=ready["users"],
                         teachers=ready["teachers"], classes=ready["classes"],
                         enrollments=ready["enrollments"], orgs=ready["orgs"], process=process)
        finally:
            _stop(process)


def _first_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"the sandbox process exited ({process.wait()}) before serving")
    ready: dict[str, Any] = json.loads(line)
    return ready


def _stop(process: subprocess.Popen[str]) -> None:
    stdin: IO[str] | None = process.stdin
    if stdin is not None:
        stdin.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- the naive client ------------------------------------------------------------------------------


class OutOfRequests(Exception):
    """The naive client made the requests it was allowed (a prefix run at --rtt)."""


class NaiveClassLink:
    """The straightforward client: one request at a time, pages of 100, stdlib json."""

    def __init__(self, *, base_url: str, partner_key: str, page_size: int = NAIVE_PAGE_SIZE,
                 max_requests: int | None = None) -> None:
        self._base_url = base_url.rstrip("/")
        self._partner_key = partner_key
        self._page_size = page_size
        self._http = httpx.Client(timeout=30.0)
        self.max_requests = max_requests
        self.requests = 0

    def applications(self) -> list[Application]:
        rows = self.records(f"{self._base_url}/applications", self._partner_key, "applications")
        return [parse_application(row) for row in rows]

    def district(self, app: Application) -> NaiveDistrict:
        if not app.bearer:
            raise ValueError("the naive client only reads districts through the proxy")
        base = f"{self._base_url}/proxy/v1p0/{app.oneroster_application_id}/ims/oneroster/v1p1"
        return NaiveDistrict(self, base, app.bearer)

    def records(self, url: str, token: str, envelope: str,
                params: Mapping[str, str] | None = None) -> Iterator[Any]:
        """Every record at `url`, page after page until a short one."""
        offset = 0
        while True:
            query = {**(params or {}), "limit": str(self._page_size), "offset": str(offset)}
            if self.max_requests is not None and self.requests >= self.max_requests:
                raise OutOfRequests(self.requests)
            self.requests += 1
            reply = self._http.get(url, params=query, headers={"Authorization": f"Bearer {token}"})
            reply.raise_for_status()
            page = json.loads(reply.text)[envelope]
            yield from page
            if len(page) < self._page_size:
                return
            offset += len(page)

    def close(self) -> None:
        self._http.close()


class NaiveDistrict:
    def __init__(self, client: NaiveClassLink, base_url: str, bearer: str) -> None:
        self._client = client
        self._base_url = base_url
        self._bearer = bearer

    def _read(self, collection: str, envelope: str,
              params: Mapping[str, str] | None = None) -> Iterator[Any]:
        return self._client.records(f"{self._base_url}/{collection}", self._bearer, envelope,
                                    params)

    def roster(self) -> Roster:
        return Roster(
            users=tuple(parse_user(r) for r in self._read("users", "users")),
            classes=tuple(parse_class(r) for r in self._read("classes", "classes")),
            enrollments=tuple(parse_enrollment(r)
                              for r in self._read("enrollments", "enrollments")),
            orgs=tuple(parse_org(r) for r in self._read("orgs", "orgs")),
        )

    def users_by_email(self, email: str) -> list[RosterUser]:
        query = {"filter": "email='" + email.replace("'", "''") + "'"}
        return [parse_user(r) for r in self._read("users", "users", query)]

    def teachers(self) -> list[RosterUser]:
        return [parse_user(r) for r in self._read("teachers", "users")]


# -- one measured run (in a fresh process) -------------------------------------------------------


class TimedSource:
    """Passes a ClassLink source through, adding up the time spent fetching from it."""

    def __init__(self, inner: ClassLinkSource) -> None:
        self.inner = inner
        self.fetch_seconds = 0.0

    def applications(self) -> list[Application]:
        started = time.perf_counter()
        try:
            return self.inner.applications()
        finally:
            self.fetch_seconds += time.perf_counter() - started

    def district(self, app: Application) -> DistrictSource:
        return _TimedDistrict(self, self.inner.district(app))


class _TimedDistrict:
    def __init__(self, owner: TimedSource, inner: DistrictSource) -> None:
        self._owner = owner
        self._inner = inner

    def roster(self) -> Roster:
        started = time.perf_counter()
        try:
            return self._inner.roster()
        finally:
            self._owner.fetch_seconds += time.perf_counter() - started

    def users_by_email(self, email: str) -> list[RosterUser]:
        return self._inner.users_by_email(email)

    def teachers(self) -> list[RosterUser]:
        return self._inner.teachers()


def measure(kind: str, *, url: str, license_path: Path, trace: bool,
            max_requests: int | None = None, users_read: bool = True) -> dict[str, Any]:
    """Diagnose the bench license once with client `kind`; the figures of this process.

    With `max_requests` the naive client stops after that many requests: "complete" is then
    false, "seconds" is the time those requests took, and there is no diagnosis."""
    license = license_from_mapping(json.loads(license_path.read_text()))
    client = _client(kind, url, max_requests)
    with tempfile.TemporaryDirectory(prefix="rosterbot-bench-") as tmp:
        licenses = SqliteLicenseDirectory(Path(tmp) / "licenses.sqlite3", seed=[license])
        licenses.get(license.id)  # create and seed the file before the clock starts
        source = TimedSource(client)
        diagnoser = Diagnoser(licenses=licenses, classlink=source)
        gc.collect()
        baseline = rss_now_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            diagnosis: Diagnosis | None = diagnoser.diagnose(license.id)
        except OutOfRequests:
            diagnosis = None
        elapsed = time.perf_counter() - started
        heap = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        tracemalloc.stop()
        peak = peak_rss_mb()
        body = diagnosis.to_json() if diagnosis is not None else {"steps": []}
        licenses.close()
    figures = {
        "client": kind, "seconds": elapsed, "fetch_seconds": source.fetch_seconds,
        "rules_seconds": elapsed - source.fetch_seconds, "peak_rss_mb": peak,
        "baseline_rss_mb": baseline, "heap_peak_mb": heap,
        "statuses": [step["status"] for step in body["steps"]],
        "digest": hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest(),
        "users_read_seconds": None, "requests": requests_seen(url),
        "complete": diagnosis is not None,
    }
    del diagnosis
    if isinstance(client, ClassLinkClient) and not trace and users_read:
        figures["users_read_seconds"] = _users_read(client)
    client.close()
    return figures


def _client(kind: str, url: str, max_requests: int | None = None
            ) -> ClassLinkClient | NaiveClassLink:
    if kind == "rosterbot":
        return ClassLinkClient(base_url=url, partner_key=PARTNER_KEY)
    if kind == "naive":
        return NaiveClassLink(base_url=url, partner_key=PARTNER_KEY, max_requests=max_requests)
    raise ValueError(f"unknown client {kind!r}; expected one of {', '.join(CLIENTS)}")


def _users_read(client: ClassLinkClient) -> float:
    district = client.district(client.application(APP_ID))
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        district.users()
        timings.append(time.perf_counter() - started)
    return min(timings)


def run_measure(kind: str, served: Served, *, trace: bool, max_requests: int | None = None,
                users_read: bool = True) -> dict[str, Any]:
    """`measure` in a fresh Python process; also the requests the sandbox saw for it."""
    served.forget_requests()
    command = [sys.executable, __file__, "_measure", kind, served.url, str(served.license_path)]
    if trace:
        command.append("--trace")
    if max_requests is not None:
        command.append(f"--max-requests={max_requests}")
    if not users_read:
        command.append("--no-users-read")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the {kind} run failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# -- one size, both clients ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientFigures:
    seconds: float  # best of the timed runs
    fetch_seconds: float  # of the best run
    rules_seconds: float
    peak_rss_mb: float  # largest over the timed runs
    baseline_rss_mb: float
    heap_peak_mb: float | None
    requests: dict[str, int]
    runs: tuple[float, ...]
    statuses: tuple[str, ...]
    digest: str
    users_read_seconds: float | None


@dataclass(frozen=True, slots=True)
class SizeResult:
    size: int
    users: int
    teachers: int
    classes: int
    enrollments: int
    instructors: int
    rosterbot: ClientFigures
    naive: ClientFigures | None

    @property
    def speedup(self) -> float | None:
        return None if self.naive is None else self.naive.seconds / self.rosterbot.seconds

    @property
    def same_diagnosis(self) -> bool | None:
        return None if self.naive is None else self.naive.digest == self.rosterbot.digest


def measure_client(kind: str, served: Served, *, repeat: int, heap: bool,
                   users_read: bool = True) -> ClientFigures:
    runs = [run_measure(kind, served, trace=False, users_read=users_read) for _ in range(repeat)]
    best = min(runs, key=lambda r: float(r["seconds"]))
    traced = run_measure(kind, served, trace=True) if heap else None
    reads = [r["users_read_seconds"] for r in runs if r["users_read_seconds"] is not None]
    return ClientFigures(
        seconds=best["seconds"], fetch_seconds=best["fetch_seconds"],
        rules_seconds=best["rules_seconds"],
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
        baseline_rss_mb=best["baseline_rss_mb"],
        heap_peak_mb=None if traced is None else traced["heap_peak_mb"],
        requests=best["requests"], runs=tuple(r["seconds"] for r in runs),
        statuses=tuple(best["statuses"]), digest=best["digest"],
        users_read_seconds=min(reads) if reads else None,
    )


def measure_size(size: int, *, seed: int, repeat: int, heap: bool, naive: bool,
                 say: Callable[[str], None]) -> SizeResult:
    say(f"{size:,} users: generating and serving the district")
    with served_district(size, seed=seed) as served:
        license = license_from_mapping(json.loads(served.license_path.read_text()))
        say(f"{size:,} users: rosterbot")
        ours = measure_client("rosterbot", served, repeat=repeat, heap=heap)
        theirs = None
        if naive:
            say(f"{size:,} users: naive client")
            theirs = measure_client("naive", served, repeat=repeat, heap=heap)
    return SizeResult(size=size, users=served.users, teachers=served.teachers,
                      classes=served.classes, enrollments=served.enrollments,
                      instructors=len(license.instructor_emails), rosterbot=ours, naive=theirs)


# -- report ----------------------------------------------------------------------------------------


def print_report(results: Sequence[SizeResult], machine: Machine) -> None:
    def heap(figures: ClientFigures | None) -> float | None:
        return None if figures is None else figures.heap_peak_mb

    main = [[
        f"{r.size:,}", thousands(r.users), thousands(r.enrollments),
        seconds(r.rosterbot.seconds), megabytes(r.rosterbot.peak_rss_mb),
        megabytes(heap(r.rosterbot)),
        seconds(r.naive.seconds if r.naive else None),
        megabytes(r.naive.peak_rss_mb if r.naive else None), megabytes(heap(r.naive)),
        ratio(r.speedup),
    ] for r in results]
    print(table(["size", "users", "enrollments", "rosterbot", "peak RSS", "heap peak",
                 "naive", "peak RSS", "heap peak", "speedup"], main))
    print()
    detail = [[
        f"{r.size:,}", thousands(r.instructors), seconds(r.rosterbot.fetch_seconds),
        seconds(r.rosterbot.rules_seconds), seconds(r.rosterbot.users_read_seconds),
        megabytes(r.rosterbot.baseline_rss_mb), thousands(r.rosterbot.requests.get("all")),
        thousands(r.rosterbot.requests.get("users")),
        thousands(r.naive.requests.get("all") if r.naive else None),
        {None: "-", True: "yes", False: "NO"}[r.same_diagnosis],
    ] for r in results]
    print(table(["size", "instructors", "fetch", "rules", "users read", "RSS before",
                 "requests", "user pages", "naive reqs", "same result"], detail))
    print()
    print(_verdict(results))
    print(machine.describe())


def _verdict(results: Sequence[SizeResult]) -> str:
    at_aim = next((r for r in results if r.users == AIM_USERS), None)
    if at_aim is None:
        return (f"Aim: under {AIM_SECONDS:.0f} s and {AIM_RSS_MB:.0f} MB at {AIM_USERS:,} users "
                "(not measured in this run).")
    ours = at_aim.rosterbot
    met = ours.seconds < AIM_SECONDS and ours.peak_rss_mb < AIM_RSS_MB
    users_read = ours.users_read_seconds
    read_met = users_read is not None and users_read < USERS_READ_AIM
    return (f"Aim at {AIM_USERS:,} users: under {AIM_SECONDS:.0f} s and {AIM_RSS_MB:.0f} MB: "
            f"{'met' if met else 'MISSED'} ({seconds(ours.seconds)}, "
            f"{megabytes(ours.peak_rss_mb)}); users read under {USERS_READ_AIM:.0f} s: "
            f"{'met' if read_met else 'MISSED'} ({seconds(users_read)}).")


@dataclass(frozen=True, slots=True)
class Machine:
    """Context for the figures: a busy machine makes every time longer."""

    cpus: int
    load_before: float  # 1-minute load average when the run started
    load_after: float

    @classmethod
    def before(cls) -> Machine:
        return cls(os.cpu_count() or 1, os.getloadavg()[0], math.nan)

    def done(self) -> Machine:
        return dataclasses.replace(self, load_after=os.getloadavg()[0])

    def describe(self) -> str:
        return (f"{self.cpus} CPUs; 1-minute load average {self.load_before:.1f} at the start, "
                f"{self.load_after:.1f} at the end.")


def report_json(results: Sequence[SizeResult], machine: Machine) -> dict[str, Any]:
    return {
        "aim": {"users": AIM_USERS, "seconds": AIM_SECONDS, "peak_rss_mb": AIM_RSS_MB},
        "machine": dataclasses.asdict(machine),
        "sizes": [{**dataclasses.asdict(r), "speedup": r.speedup,
                   "same_diagnosis": r.same_diagnosis} for r in results],
    }


# -- a remote ClassLink (--rtt) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NaiveAtRtt:
    """The naive client at the round trip: measured whole, or on a prefix and extrapolated."""

    seconds: float  # the whole diagnose: measured, or extrapolated when `extrapolated`
    extrapolated: bool
    measured_requests: int  # requests it made at the round trip
    measured_seconds: float  # their wall time
    total_requests: int  # requests a whole diagnose makes (counted without latency)
    rules_seconds: float  # its rules time without latency (part of the extrapolation)
    peak_rss_mb: float | None  # only when measured whole

    @property
    def per_request_seconds(self) -> float:
        return self.measured_seconds / max(1, self.measured_requests)


@dataclass(frozen=True, slots=True)
class RttResult:
    size: int
    rtt_ms: float
    users: int
    enrollments: int
    local: ClientFigures  # rosterbot without latency
    remote: ClientFigures  # rosterbot at the round trip
    naive_local: ClientFigures
    naive: NaiveAtRtt

    @property
    def speedup(self) -> float:
        return self.naive.seconds / self.remote.seconds

    @property
    def same_diagnosis(self) -> bool:
        return self.remote.digest == self.local.digest == self.naive_local.digest


def measure_size_rtt(size: int, *, seed: int, rtt_ms: float, repeat: int, budget: int,
                     say: Callable[[str], None]) -> RttResult:
    say(f"{size:,} users: generating and serving the district")
    with served_district(size, seed=seed) as served:
        say(f"{size:,} users: rosterbot, no latency")
        local = measure_client("rosterbot", served, repeat=repeat, heap=False)
        say(f"{size:,} users: naive client, no latency")
        naive_local = measure_client("naive", served, repeat=repeat, heap=False)
        total = naive_local.requests["all"]
        if total != served.naive_requests:
            say(f"note: the naive client made {total:,} requests, not the "
                f"{served.naive_requests:,} expected")
        served.set_latency(rtt_ms)
        say(f"{size:,} users: rosterbot at {rtt_ms:g} ms")
        remote = measure_client("rosterbot", served, repeat=repeat, heap=False, users_read=False)
        whole = total <= budget
        say(f"{size:,} users: naive client at {rtt_ms:g} ms "
            f"({'whole' if whole else f'its first {budget:,} of {total:,} requests'})")
        run = run_measure("naive", served, trace=False, max_requests=None if whole else budget)
    if whole != bool(run["complete"]):
        raise RuntimeError("the naive run at the round trip did not end where it should have")
    made = run["requests"]["all"]
    per_request = run["seconds"] / made
    naive = NaiveAtRtt(
        seconds=run["seconds"] if whole else per_request * total + naive_local.rules_seconds,
        extrapolated=not whole, measured_requests=made, measured_seconds=run["seconds"],
        total_requests=total, rules_seconds=naive_local.rules_seconds,
        peak_rss_mb=run["peak_rss_mb"] if whole else None,
    )
    return RttResult(size=size, rtt_ms=rtt_ms, users=served.users,
                     enrollments=served.enrollments, local=local, remote=remote,
                     naive_local=naive_local, naive=naive)


def print_rtt_report(results: Sequence[RttResult], machine: Machine) -> None:
    rtt = results[0].rtt_ms
    print(f"Round trip {rtt:g} ms: the sandbox waits that long before answering each request.")
    print()

    def approx(text: str, extrapolated: bool) -> str:
        return f"~{text}" if extrapolated else text

    rows = [[
        f"{r.size:,}", thousands(r.enrollments),
        seconds(r.local.seconds), megabytes(r.local.peak_rss_mb),
        seconds(r.remote.seconds), megabytes(r.remote.peak_rss_mb),
        thousands(r.remote.requests.get("all")),
        approx(seconds(r.naive.seconds), r.naive.extrapolated),
        thousands(r.naive.total_requests), megabytes(r.naive.peak_rss_mb),
        approx(ratio(r.speedup), r.naive.extrapolated),
    ] for r in results]
    print(table(["size", "enrollments", "rosterbot 0 ms", "peak RSS", f"rosterbot {rtt:g} ms",
                 "peak RSS", "requests", f"naive {rtt:g} ms", "naive reqs", "naive RSS",
                 "speedup"], rows))
    print()
    for r in results:
        naive = r.naive
        if naive.extrapolated:
            print(f"{r.size:,}: naive at {rtt:g} ms EXTRAPOLATED: measured its first "
                  f"{naive.measured_requests:,} of {naive.total_requests:,} requests "
                  f"({seconds(naive.measured_seconds)}, {naive.per_request_seconds * 1000:.1f} ms "
                  f"each); {naive.total_requests:,} x that + {seconds(naive.rules_seconds)} rules "
                  f"(measured without latency) = ~{seconds(naive.seconds)}.")
        else:
            print(f"{r.size:,}: naive at {rtt:g} ms measured whole "
                  f"({naive.measured_requests:,} requests).")
        print(f"{r.size:,}: without latency rosterbot {seconds(r.local.seconds)}, naive "
              f"{seconds(r.naive_local.seconds)} ({thousands(r.naive_local.requests.get('all'))}"
              f" requests); same diagnosis at 0 ms and {rtt:g} ms, both clients: "
              f"{'yes' if r.same_diagnosis else 'NO'}.")
    print()
    print(_rtt_verdict(results))
    print(machine.describe())


def _rtt_verdict(results: Sequence[RttResult]) -> str:
    at_aim = next((r for r in results if r.users == AIM_USERS), None)
    aim = (f"at {AIM_USERS:,} users and {results[0].rtt_ms:g} ms: at least "
           f"{RTT_AIM_SPEEDUP:.0f}x the naive client, under {RTT_AIM_SECONDS:.0f} s, peak RSS "
           f"within {RTT_AIM_RSS_SLACK_MB:.0f} MB of no latency and under {AIM_RSS_MB:.0f} MB")
    if at_aim is None:
        return f"Aim {aim} (not measured in this run)."
    ours = at_aim.remote
    rss_met = (ours.peak_rss_mb <= at_aim.local.peak_rss_mb + RTT_AIM_RSS_SLACK_MB
               and ours.peak_rss_mb < AIM_RSS_MB)
    checks = [
        (at_aim.speedup >= RTT_AIM_SPEEDUP, ratio(at_aim.speedup)),
        (ours.seconds < RTT_AIM_SECONDS, seconds(ours.seconds)),
        (rss_met, f"{megabytes(ours.peak_rss_mb)} vs {megabytes(at_aim.local.peak_rss_mb)}"),
    ]
    met = all(ok for ok, _ in checks)
    return f"Aim {aim}: {'met' if met else 'MISSED'} ({'; '.join(text for _, text in checks)})."


def rtt_report_json(results: Sequence[RttResult], machine: Machine) -> dict[str, Any]:
    return {
        "aim": {"users": AIM_USERS, "speedup": RTT_AIM_SPEEDUP, "seconds": RTT_AIM_SECONDS,
                "rss_slack_mb": RTT_AIM_RSS_SLACK_MB, "peak_rss_mb": AIM_RSS_MB},
        "machine": dataclasses.asdict(machine),
        "sizes": [{**dataclasses.asdict(r), "speedup": r.speedup,
                   "same_diagnosis": r.same_diagnosis} for r in results],
    }


# -- command line ----------------------------------------------------------------------------------


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers, got {text!r}") from None
    if not sizes or min(sizes) < 20:
        raise argparse.ArgumentTypeError("give at least one size of 20 users or more")
    return sizes


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=DEFAULT_SIZES,
                        help="users per district, comma-separated (default 10000,100000,300000)")
    parser.add_argument("--quick", action="store_true", help="10k users only (smoke run)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per client (best wins)")
    parser.add_argument("--no-heap", action="store_true",
                        help="skip the tracemalloc runs (no heap peak column)")
    parser.add_argument("--no-naive", action="store_true", help="measure rosterbot only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rtt", type=float, metavar="MS",
                        help="simulated round trip per request, in milliseconds: rosterbot and "
                             "the naive client with and without it (default sizes 10000,100000)")
    parser.add_argument("--naive-requests", type=int, default=NAIVE_REQUESTS, metavar="N",
                        help="at --rtt, measure the naive client on its first N requests and "
                             f"extrapolate when it needs more (default {NAIVE_REQUESTS})")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.rtt is not None and not (math.isfinite(args.rtt) and args.rtt > 0):
        parser.error("--rtt must be a positive number of milliseconds")
    if args.naive_requests < 1:
        parser.error("--naive-requests must be at least 1")
    if args.quick:
        args.sizes = QUICK_SIZES
    elif args.rtt is not None and "--sizes" not in argv:
        args.sizes = RTT_SIZES
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_serve"]:
        serve(int(argv[1]), seed=int(argv[2]), license_path=Path(argv[3]))
        return 0
    if argv[:1] == ["_measure"]:
        options = argv[4:]
        budget = [int(o.split("=", 1)[1]) for o in options if o.startswith("--max-requests=")]
        figures = measure(argv[1], url=argv[2], license_path=Path(argv[3]),
                          trace="--trace" in options, max_requests=budget[0] if budget else None,
                          users_read="--no-users-read" not in options)
        print(json.dumps(figures))
        return 0
    args = parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    machine = Machine.before()
    if args.rtt is not None:
        remote = [measure_size_rtt(size, seed=args.seed, rtt_ms=args.rtt, repeat=args.repeat,
                                   budget=args.naive_requests, say=say) for size in args.sizes]
        machine = machine.done()
        if args.json:
            print(json.dumps(rtt_report_json(remote, machine), indent=2))
        else:
            print_rtt_report(remote, machine)
        return 0
    results = [measure_size(size, seed=args.seed, repeat=args.repeat, heap=not args.no_heap,
                            naive=not args.no_naive, say=say) for size in args.sizes]
    machine = machine.done()
    if args.json:
        print(json.dumps(report_json(results, machine), indent=2))
    else:
        print_report(results, machine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
