"""One sweep under the store's lease: diagnose (checks.sweep), store, compare.

    with sweep_lease(store) as lease:            # SweepBusy when another replica sweeps
        run = run_sweep(store, diagnoser, scope="all", trigger="cli")

The lease is a row in the store (bot.store.sweeps), taken atomically on SQLite and PostgreSQL,
renewed every quarter of its time while the sweep runs and deleted at the end; a replica that
dies leaves it to run out (LOCK_TTL_SECONDS). The in-deployment schedule and `rosterbot sweep`
take the same lease, so two sweeps never run at once, from any number of replicas and shells.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.store import Store, StoreError
from bot.store.sweeps import SweepRecord
from bot.sweep.compare import Comparison, compare, to_store
from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser, describe_classlink_error
from checks.sweep import DEFAULT_CONCURRENCY, LicenseOutcome, Progress, Sweep, Throttle

log = logging.getLogger(__name__)

LOCK_NAME = "sweep"
LOCK_TTL_SECONDS = 120.0
SCOPES = ("all", "linked")


class SweepBusy(Exception):
    """Another sweep holds the lease."""

    def __init__(self, holder: str, until: str) -> None:
        self.holder, self.until = holder, until
        super().__init__(f"another sweep is running ({holder}, lease until {until})")


MAX_AUTO_PROCESSES = 4


def processes_for(setting: int) -> int:
    """Worker processes for a sweep: the setting, or with 0 one a core (at most 4). A sweep of
    few licenses uses fewer (checks.sweep.PER_PROCESS)."""
    return setting if setting > 0 else min(os.cpu_count() or 1, MAX_AUTO_PROCESSES)


def holder_name(role: str = "") -> str:
    """Who holds the lease, for messages: host, process, and a random part (two sweeps in one
    process are two holders)."""
    tag = f"{role}:" if role else ""
    return f"{tag}{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Lease:
    holder: str
    lost: threading.Event = field(default_factory=threading.Event)  # renewal found it taken


@contextmanager
def sweep_lease(store: Store, holder: str | None = None, *,
                ttl_seconds: float = LOCK_TTL_SECONDS) -> Iterator[Lease]:
    """Hold the sweep lease for the block (renewed on a thread); SweepBusy when it is held."""
    lease = Lease(holder or holder_name())
    sweeps = store.sweeps
    if not sweeps.acquire_lock(LOCK_NAME, lease.holder, ttl_seconds=ttl_seconds):
        held = sweeps.lock_holder(LOCK_NAME)
        who, until = (held[0], held[1].isoformat(timespec="seconds")) if held else ("?", "?")
        raise SweepBusy(who, until)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(ttl_seconds / 4):
            try:
                if not sweeps.renew_lock(LOCK_NAME, lease.holder, ttl_seconds=ttl_seconds):
                    lease.lost.set()
                    log.error("the sweep lease was taken over (%s); finishing anyway",
                              lease.holder)
                    return
            except StoreError as exc:  # the next turn tries again, within the lease's time
                log.warning("could not renew the sweep lease: %s", exc)

    thread = threading.Thread(target=renew, name="sweep-lease", daemon=True)
    thread.start()
    try:
        yield lease
    finally:
        stop.set()
        thread.join()
        try:
            sweeps.release_lock(LOCK_NAME, lease.holder)
        except StoreError as exc:  # it runs out by itself
            log.warning("could not release the sweep lease: %s", exc)


@dataclass(frozen=True, slots=True)
class SweepRun:
    """A finished sweep: its stored record, every license's outcome, and the comparison."""

    record: SweepRecord
    outcomes: tuple[LicenseOutcome, ...]
    comparison: Comparison
    scope: str
    seconds: float
    # why ClassLink's /applications could not be read ("" when it was): nothing was checked
    applications_error: str = ""
    requests: int | None = None  # HTTP requests to ClassLink, when the client counts them

    @property
    def summary(self) -> dict[str, Any]:
        return self.record.summary


def run_sweep(
    store: Store, diagnoser: Diagnoser, *, scope: str = "all", trigger: str = "cli",
    concurrency: int = DEFAULT_CONCURRENCY, processes: int = 1,
    progress: Progress | None = None, throttle: Throttle | None = None,
    only: Sequence[str] | None = None,
) -> SweepRun:
    """Sweep the licenses of `scope` ("all", or "linked": those linked to a Slack channel; with
    `only`, just those of them), store each one's result and compare with the previous sweep.
    Hold the lease around it. LicenseSourceError when the license directory cannot be read
    (nothing is stored then)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, got {scope!r}")
    sweep = Sweep(licenses=diagnoser.licenses, classlink=diagnoser.classlink,
                  concurrency=concurrency, throttle=throttle or Throttle(), processes=processes)
    chosen: set[str] | None = None if only is None else set(only)
    if scope == "linked":
        linked = {link.license_id for link in store.sweeps.links()}
        chosen = linked if chosen is None else chosen & linked
    ids = sweep.license_ids(None if chosen is None else sorted(chosen))
    counter = _RequestCounter(diagnoser)
    sweep_id = store.sweeps.start(trigger=trigger, scope=scope)
    started = time.monotonic()
    try:
        record = store.sweeps.get(sweep_id)
        assert record is not None
        previous = store.sweeps.previous_results(ids, before=sweep_id)
        with counter:
            outcomes = sweep.run(ids, progress=progress)
    except BaseException as exc:
        _fail(store, sweep_id, exc)
        raise
    seconds = time.monotonic() - started
    error = sweep.source.error
    applications_error = describe_classlink_error(error) if error is not None else ""
    comparison = compare(outcomes, previous, started_at=record.started_at)
    summary: dict[str, Any] = {
        **comparison.counts(), "seconds": round(seconds, 2), "concurrency": concurrency,
        "applications_error": applications_error, "compared": comparison.compared,
        "throttle_pauses": sweep.throttle.pauses, "applications_reads": sweep.source.reads,
    }
    if sweep.workers:
        summary["processes"] = sweep.workers
    requests = None if counter.requests is None or (
        sweep.workers and sweep.worker_requests is None) else \
        counter.requests + (sweep.worker_requests or 0)
    if requests is not None:
        summary["requests"] = requests
    record = store.sweeps.finish(sweep_id, to_store(outcomes, comparison), summary=summary)
    log.info("sweep %d (%s, %s): %d licenses in %.1f s, %d broken (%d new), %d recovered, "
             "%d ClassLink errors", record.id, scope, trigger, len(outcomes), seconds,
             len(comparison.broken), len(comparison.newly_broken), len(comparison.recovered),
             len(comparison.classlink_errors))
    return SweepRun(record, tuple(outcomes), comparison, scope, seconds, applications_error,
                    requests)


def _fail(store: Store, sweep_id: int, exc: BaseException) -> None:
    try:
        store.sweeps.fail(sweep_id, summary={"error": type(exc).__name__})
    except StoreError as error:
        log.warning("could not mark sweep %d failed: %s", sweep_id, error)


class _RequestCounter:
    """Counts ClassLink HTTP requests while it is entered, when the source is our client."""

    def __init__(self, diagnoser: Diagnoser) -> None:
        classlink = diagnoser.classlink
        self._client = classlink if isinstance(classlink, ClassLinkClient) else None
        self.requests: int | None = None if self._client is None else 0
        self._lock = threading.Lock()

    def _observe(self, _outcome: str, _seconds: float) -> None:
        with self._lock:
            self.requests = (self.requests or 0) + 1

    def __enter__(self) -> _RequestCounter:
        if self._client is not None:
            self._client.add_observer(self._observe)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            self._client.remove_observer(self._observe)
