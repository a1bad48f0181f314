"""A sweep: every license (or a chosen few) diagnosed in one go, for the watch (issue 11).

    outcomes = Sweep(licenses=directory, classlink=client, concurrency=8).run(license_ids)

What differs from calling `Diagnoser.diagnose` in a loop:

- **One read of ClassLink's `/applications` per sweep** (`OnceApplications`), and one of the
  license directory (a `MemoryLicenseDirectory` snapshot): a diagnosis reads both, and 500 reads
  of a 500-row `/applications` list would cost 500 round trips and their decoding. When that one
  read fails, every license of the sweep says so (`classlink_error`) without asking again.
- **Bounded concurrency**: `concurrency` licenses are diagnosed at once (each district's own
  reads are bounded by the ClassLink client's `in_flight`), so most of the time goes on waiting
  for ClassLink side by side, not in turn.
- **Retry-After honoured by the whole sweep** (`Throttle`): the client already waits what a 429
  asks before retrying that request (up to its `max_retry_after`); when a read still ends rate
  limited, every district of the sweep pauses for the time ClassLink asked (at most
  `max_pause`) before its next request, and the read is tried again.
- **A compact result per license** (`LicenseOutcome`): the status of each step, the codes of the
  findings that do not pass with how many of each, a few figures, and ClassLink's failure. The
  full step results are kept only for licenses that do not pass (the digest and a customer's
  announcement word them); rosters are never kept.

Pure of Slack and of the store: the bot stores outcomes and compares them (bot.sweep).
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checks.classlink import ClassLinkClient
from checks.diagnose import ClassLinkSource, Diagnoser, Diagnosis, DistrictSource
from checks.errors import ClassLinkError, ClassLinkRateLimited, LicenseNotFound
from checks.licenses import LicenseDirectory, MemoryLicenseDirectory
from checks.models import Application, License, Roster, RosterUser, Status, StepResults, worst

__all__ = ["DEFAULT_CONCURRENCY", "LicenseOutcome", "OnceApplications", "Sweep",
           "SweepWorkerError", "Throttle", "outcome_of", "primary_code"]

T = TypeVar("T")
DEFAULT_CONCURRENCY = 8
# Figures of step 3 kept in the compact result (the sanity_figures finding's data)
FIGURES = ("teachers", "students", "classes", "enrollments", "seats")
# Progress: (licenses done, licenses in all, the license just done)
Progress = Callable[[int, int, "LicenseOutcome"], None]


@dataclass(frozen=True, slots=True)
class LicenseOutcome:
    """One license's compact result in a sweep."""

    license_id: str
    license_name: str
    district: str
    status: str  # the worst step status: pass | warn | unknown | fail
    steps: dict[str, str]  # step name -> status, in step order
    findings: dict[str, int]  # code -> how many findings with it do not pass, in step order
    counts: dict[str, int] = field(default_factory=dict)  # FIGURES, and instructors
    # what breaks it first: the worst finding of the first step that fails (or cannot be
    # checked); "" when nothing does. Sweeps group broken licenses by it.
    primary: str = ""
    classlink_error: str = ""  # why ClassLink could not be asked or read ("" when it answered)
    # the full step results, kept for licenses that do not pass (None for passing ones)
    results: StepResults | None = field(default=None, repr=False, compare=False)

    @property
    def broken(self) -> bool:
        """Something fails or could not be checked: rostering does not work, or may not."""
        return self.status in (Status.FAIL, Status.UNKNOWN)

    def to_json(self) -> dict[str, Any]:
        return {"license_id": self.license_id, "license_name": self.license_name,
                "district": self.district, "status": self.status, "steps": dict(self.steps),
                "findings": dict(self.findings), "counts": dict(self.counts),
                "primary": self.primary, "classlink_error": self.classlink_error}


def outcome_of(diagnosis: Diagnosis) -> LicenseOutcome:
    """The compact result of one diagnosis."""
    steps = {r.name: str(r.status) for r in diagnosis.steps}
    findings: dict[str, int] = {}
    counts: dict[str, int] = {"instructors": len(diagnosis.license.instructor_emails)}
    for result in diagnosis.steps:
        for finding in result.findings:
            if finding.code == "sanity_figures":
                counts.update({k: int(v) for k, v in finding.data.items()
                               if k in FIGURES and isinstance(v, int)})
            if finding.status is not Status.PASS:
                findings[finding.code] = findings.get(finding.code, 0) + 1
    status = worst([r.status for r in diagnosis.steps])
    return LicenseOutcome(
        license_id=diagnosis.license.id, license_name=diagnosis.license.name,
        district=diagnosis.license.district, status=str(status), steps=steps,
        findings=findings, counts=counts, primary=primary_code(diagnosis.steps),
        classlink_error=diagnosis.classlink_error,
        results=None if status is Status.PASS else diagnosis.steps)


_SEVERITY = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WARN: 2, Status.PASS: 3}


def primary_code(steps: StepResults) -> str:
    """The worst finding of the first step that fails or cannot be checked (steps after a
    failed connection only say they had no roster); else of the first step that warns."""
    for wanted in ((Status.FAIL, Status.UNKNOWN), (Status.WARN,)):
        for result in steps:
            if result.status in wanted:
                found = sorted(result.findings, key=lambda f: _SEVERITY[f.status])
                if found and found[0].status is not Status.PASS:
                    return found[0].code
    return ""


class Throttle:
    """Every ClassLink read of a sweep goes through here: while ClassLink has asked us to wait
    (a read ended rate limited, with its Retry-After), no read starts; the rate-limited read is
    then tried again, at most `attempts` times in all. A wait longer than `max_pause` is not
    worth holding the sweep for: that read fails as it is (its license says so).

    `shared` (a multiprocessing Value of type "d") holds the deadline when a sweep's worker
    processes share one: a pause asked for in one holds them all (time.monotonic is the same
    clock in every process of a machine)."""

    DEFAULT_PAUSE = 5.0  # a 429 without Retry-After

    def __init__(self, *, max_pause: float = 120.0, attempts: int = 3,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, shared: Any = None) -> None:
        self.max_pause, self.attempts = max_pause, max(1, attempts)
        self._sleep, self._clock = sleep, clock
        self._shared = shared
        self._lock: Any = shared.get_lock() if shared is not None else threading.Lock()
        self._until = 0.0
        self.pauses = 0  # how often ClassLink made the sweep wait
        self.waited = 0.0  # seconds of pause asked for, in all

    def call(self, read: Callable[[], T]) -> T:
        for attempt in range(1, self.attempts + 1):
            self.wait()
            try:
                return read()
            except ClassLinkRateLimited as exc:
                pause = self.DEFAULT_PAUSE if exc.retry_after is None else exc.retry_after
                if attempt == self.attempts or pause > self.max_pause:
                    raise
                self.pause(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def pause(self, seconds: float) -> None:
        """No read starts for `seconds` from now (a longer pause already asked for stands)."""
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            if until > self._deadline():
                self._set_deadline(until)
                self.pauses += 1
                self.waited += max(0.0, seconds)

    def wait(self) -> None:
        while True:
            with self._lock:
                left = self._deadline() - self._clock()
            if left <= 0:
                return
            self._sleep(left)

    def _deadline(self) -> float:
        return float(self._shared.value) if self._shared is not None else self._until

    def _set_deadline(self, until: float) -> None:
        if self._shared is not None:
            self._shared.value = until
        else:
            self._until = until


class _ThrottledDistrict:
    def __init__(self, district: DistrictSource, throttle: Throttle) -> None:
        self._district, self._throttle = district, throttle

    def roster(self) -> Roster:
        return self._throttle.call(self._district.roster)

    def teachers(self) -> list[RosterUser]:
        return self._throttle.call(self._district.teachers)

    def users_by_email(self, email: str) -> list[RosterUser]:
        return self._throttle.call(lambda: self._district.users_by_email(email))


class OnceApplications:
    """A ClassLinkSource that reads `/applications` once, the first time it is asked, and then
    answers every diagnosis of the sweep from that read (its failure too). District reads go
    through the sweep's Throttle."""

    def __init__(self, source: ClassLinkSource, throttle: Throttle | None = None) -> None:
        self._source = source
        self._throttle = throttle or Throttle()
        self._lock = threading.Lock()
        self._applications: tuple[Application, ...] | None = None
        self._error: ClassLinkError | None = None
        self.reads = 0  # how often /applications was really asked (0 or 1)

    def applications(self) -> list[Application]:
        with self._lock:
            if self._applications is None and self._error is None:
                self.reads += 1
                try:
                    self._applications = tuple(self._throttle.call(self._source.applications))
                except ClassLinkError as exc:
                    self._error = exc
            if self._error is not None:
                raise self._error
            assert self._applications is not None
            return list(self._applications)

    @classmethod
    def seeded(cls, source: ClassLinkSource, applications: Sequence[Application],
               throttle: Throttle | None = None) -> OnceApplications:
        """One that answers from a list already read (by the sweep's first process)."""
        once = cls(source, throttle)
        once._applications = tuple(applications)
        return once

    @property
    def error(self) -> ClassLinkError | None:
        """Why `/applications` could not be read, once it was asked and failed."""
        return self._error

    def district(self, app: Application) -> DistrictSource:
        # opening a direct (OAuth) district asks ClassLink for its server: throttled too
        district = self._throttle.call(lambda: self._source.district(app))
        return _ThrottledDistrict(district, self._throttle)


@dataclass
class Sweep:
    """Diagnoses licenses `concurrency` at a time over one snapshot of the license directory and
    one read of `/applications`. A Sweep object runs once.

    With `processes` above 1 and a ClassLinkClient, a sweep of at least PER_PROCESS licenses a
    process shares them among that many worker processes (each with its own client and
    `concurrency / processes` threads): decoding and judging rosters is Python work that one
    process does on one core at a time, and a sweep of hundreds of districts is mostly that once
    the round trips overlap. The workers get the `/applications` list and the directory snapshot
    from this process, never read them again, and share the Throttle's pauses."""

    licenses: LicenseDirectory
    classlink: ClassLinkSource
    concurrency: int = DEFAULT_CONCURRENCY
    throttle: Throttle = field(default_factory=Throttle)
    processes: int = 1
    source: OnceApplications = field(init=False)
    snapshot: MemoryLicenseDirectory | None = field(default=None, init=False)
    # HTTP requests the worker processes made (None until they have run, or when they cannot
    # count); this process's own requests are not in it
    worker_requests: int | None = field(default=None, init=False)
    workers: int = field(default=0, init=False)  # worker processes the run used

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.source = OnceApplications(self.classlink, self.throttle)

    def license_ids(self, only: Iterable[str] | None = None) -> list[str]:
        """Every license id (one read of the directory), or those of `only` that exist, in
        license order. LicenseSourceError when the directory cannot be read."""
        snapshot = self._snapshot()
        ids = [lic.id for lic in snapshot.list()]
        if only is None:
            return ids
        wanted = set(only)
        return [i for i in ids if i in wanted]

    def run(self, license_ids: Sequence[str] | None = None, *,
            progress: Progress | None = None) -> list[LicenseOutcome]:
        """The outcome of each license, in the order given (every license when None). A
        license that vanished from the directory since the snapshot is left out."""
        ids = self.license_ids() if license_ids is None else list(license_ids)
        tally = _Tally(len(ids), progress)
        workers = self._workers_for(len(ids))
        if workers > 1:
            try:
                self.source.applications()  # read here, once; handed to the workers
            except ClassLinkError:
                workers = 1  # every license says so, without a request: no workers needed
        found: dict[str, LicenseOutcome | None] = {}
        if workers > 1:
            self.workers = workers
            found = _in_processes(self, ids, workers, tally)
        rest = [i for i in ids if i not in found]
        if rest:  # all of them, or what workers that died left
            found.update(zip(rest, self._in_threads(rest, tally), strict=True))
        return [o for o in (found[i] for i in ids) if o is not None]

    def _in_threads(self, ids: Sequence[str], tally: _Tally) -> list[LicenseOutcome | None]:
        diagnoser = Diagnoser(licenses=self._snapshot(), classlink=self.source)

        def one(license_id: str) -> LicenseOutcome | None:
            try:
                outcome = outcome_of(diagnoser.diagnose(license_id))
            except LicenseNotFound:
                outcome = None
            tally.done(outcome)
            return outcome

        if self.concurrency == 1 or len(ids) <= 1:
            return [one(i) for i in ids]
        with ThreadPoolExecutor(min(self.concurrency, len(ids)),
                                thread_name_prefix="sweep") as pool:
            return list(pool.map(one, ids))

    def _workers_for(self, licenses: int) -> int:
        if self.processes <= 1 or not isinstance(self.classlink, ClassLinkClient):
            return 1
        return max(1, min(self.processes, licenses // PER_PROCESS, self.concurrency))

    def _snapshot(self) -> MemoryLicenseDirectory:
        if self.snapshot is None:
            self.snapshot = MemoryLicenseDirectory(self.licenses.list())
        return self.snapshot


PER_PROCESS = 40  # licenses a worker process must have to be worth its start (~0.5 s)


class _Tally:
    """Counts finished licenses and tells `progress`, from any thread."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self._progress = total, progress
        self._lock = threading.Lock()
        self.count = 0

    def done(self, outcome: LicenseOutcome | None) -> None:
        with self._lock:
            self.count += 1
            if self._progress is not None and outcome is not None:
                self._progress(self.count, self.total, outcome)


class SweepWorkerError(RuntimeError):
    """A worker process failed on a license in a way a diagnosis never should (a bug)."""


@dataclass(frozen=True, slots=True)
class _Job:
    """What a worker process is given: how to reach ClassLink, and the sweep's one read of
    `/applications` and of the license directory."""

    options: dict[str, Any]
    applications: tuple[Application, ...]
    licenses: tuple[License, ...]
    threads: int
    max_pause: float
    attempts: int


def _in_processes(sweep: Sweep, ids: Sequence[str], workers: int,
                  tally: _Tally) -> dict[str, LicenseOutcome | None]:
    """The licenses shared out to `workers` processes through a queue; whatever a worker that
    died left undone is missing from the answer (the caller diagnoses it here)."""
    assert isinstance(sweep.classlink, ClassLinkClient)
    context = multiprocessing.get_context("spawn")  # never fork a process that has threads
    tasks: Any = context.Queue()
    results: Any = context.Queue()
    deadline: Any = context.Value("d", 0.0)
    threads = max(1, -(-sweep.concurrency // workers))
    job = _Job(sweep.classlink.options(), tuple(sweep.source.applications()),
               tuple(sweep._snapshot().list()), threads, sweep.throttle.max_pause,
               sweep.throttle.attempts)
    for license_id in ids:
        tasks.put(license_id)
    for _ in range(workers * threads):
        tasks.put(None)
    procs = [context.Process(target=_work, args=(job, tasks, results, deadline),
                             name=f"rosterbot-sweep-{n}", daemon=True) for n in range(workers)]
    for proc in procs:
        proc.start()
    found: dict[str, LicenseOutcome | None] = {}
    reported = 0
    requests: int | None = 0
    finished = False
    try:
        while reported < workers:
            try:
                kind, key, value = results.get(timeout=1.0)
            except queue.Empty:
                if not any(p.is_alive() for p in procs) and results.empty():
                    break  # they died (killed, out of memory): the rest is done here
                continue
            if kind == "outcome":
                found[key] = value
                tally.done(value)
            elif kind == "error":
                raise SweepWorkerError(f"{key}: {value}")
            elif kind == "requests":
                reported += 1
                requests = None if value is None or requests is None else requests + value
        finished = True
    finally:
        for proc in procs:  # done: they are leaving; failed or interrupted: stop them now
            proc.join(timeout=5.0 if finished else 0.0)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        tasks.cancel_join_thread()
        results.cancel_join_thread()
    sweep.worker_requests = requests if reported == workers else None
    return found


def _work(job: _Job, tasks: Any, results: Any, deadline: Any) -> None:
    """A worker process: `job.threads` threads take license ids until a None each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the sweep's to handle
    client = ClassLinkClient(**job.options)
    count = _RequestCount()
    counting = hasattr(client, "add_observer")
    if counting:
        client.add_observer(count)
    throttle = Throttle(max_pause=job.max_pause, attempts=job.attempts, shared=deadline)
    source = OnceApplications.seeded(client, job.applications, throttle)
    diagnoser = Diagnoser(licenses=MemoryLicenseDirectory(job.licenses), classlink=source)

    def take() -> None:
        while (license_id := tasks.get()) is not None:
            try:
                outcome: LicenseOutcome | None = outcome_of(diagnoser.diagnose(license_id))
            except LicenseNotFound:
                outcome = None
            except Exception as exc:  # a bug: the sweep says which license, and stops
                results.put(("error", license_id, f"{type(exc).__name__}: {exc}"))
                continue
            results.put(("outcome", license_id, outcome))

    pool = [threading.Thread(target=take, name=f"sweep-{n}") for n in range(job.threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    client.close()
    results.put(("requests", None, count.value if counting else None))


class _RequestCount:
    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def __call__(self, _outcome: str, _seconds: float) -> None:
        with self._lock:
            self.value += 1
