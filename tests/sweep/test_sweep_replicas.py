"""Two replicas never sweep at once, on SQLite and on PostgreSQL: the lease (scheduled sweeps and
`rosterbot sweep` alike), one scheduled time swept by one replica, and a lease kept alive while
a long sweep runs."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest

from bot.cli.runtime import SandboxRuntime, running_sandbox
from bot.store import Store, open_store
from bot.sweep.cron import CronSchedule, cron_problem, timezone_problem
from bot.sweep.run import LOCK_NAME, SweepBusy, holder_name, run_sweep, sweep_lease
from bot.sweep.schedule import SweepScheduler


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxRuntime]:
    with running_sandbox() as runtime:
        runtime.server.latency_ms = 40  # a sweep takes a moment: the replicas overlap
        yield runtime


@pytest.fixture
def replicas(database_url: str) -> Iterator[list[Store]]:
    stores = [open_store(database_url) for _ in range(2)]
    yield stores
    for store in stores:
        store.close()


def test_two_replicas_asked_together_sweep_one_at_a_time(replicas: list[Store],
                                                        sandbox: SandboxRuntime) -> None:
    spans: list[tuple[str, float, float]] = []
    busy: list[str] = []
    lock = threading.Lock()

    def replica(name: str, store: Store, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            with sweep_lease(store, holder_name(name)):
                started = time.monotonic()
                run_sweep(store, sandbox.diagnoser, concurrency=2, trigger=name)
                with lock:
                    spans.append((name, started, time.monotonic()))
        except SweepBusy:
            with lock:
                busy.append(name)

    for _round in range(3):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=replica, args=(f"replica-{i}", store, barrier))
                   for i, store in enumerate(replicas)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(spans) + len(busy) == 6 and len(spans) >= 3
    ordered = sorted(spans, key=lambda s: s[1])
    for (_a, _start, end), (_b, next_start, _end) in zip(ordered, ordered[1:], strict=False):
        assert next_start >= end, "two sweeps overlapped"
    history = replicas[0].sweeps.history(limit=20)
    assert len(history) == len(spans) and all(s.status == "done" for s in history)


def test_a_sweep_refuses_to_start_while_another_holds_the_lease(replicas: list[Store],
                                                               sandbox: SandboxRuntime) -> None:
    first, second = replicas
    with sweep_lease(first, "replica-a"):
        with pytest.raises(SweepBusy) as busy:
            with sweep_lease(second, "replica-b"):
                pass  # pragma: no cover
        assert busy.value.holder == "replica-a"
    with sweep_lease(second, "replica-b"):  # released: now the other may
        run_sweep(second, sandbox.diagnoser, concurrency=2)
    assert first.sweeps.lock_holder(LOCK_NAME) is None


def test_the_lease_is_renewed_while_a_long_sweep_runs(replicas: list[Store]) -> None:
    first, second = replicas
    taken: list[bool] = []
    with sweep_lease(first, "long", ttl_seconds=0.6) as lease:
        deadline = time.monotonic() + 1.8  # three times the lease's own length
        while time.monotonic() < deadline:
            taken.append(second.sweeps.acquire_lock(LOCK_NAME, "intruder", ttl_seconds=60))
            time.sleep(0.1)
        assert not lease.lost.is_set()
    assert not any(taken)


def test_one_replica_sweeps_each_scheduled_time(replicas: list[Store]) -> None:
    swept: list[str] = []
    lock = threading.Lock()
    schedule = CronSchedule("0 3 * * *")
    slot = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)

    def sweeper(name: str) -> SweepScheduler:
        def sweep(_slot: dt.datetime) -> None:
            with lock:
                swept.append(name)
        return SweepScheduler(schedule, replicas[0] if name == "a" else replicas[1], sweep)

    schedulers = {"a": sweeper("a"), "b": sweeper("b")}
    for moment in (slot, slot + dt.timedelta(days=1)):
        barrier = threading.Barrier(2)
        won: list[bool] = []

        def fire(scheduler: SweepScheduler, at: dt.datetime = moment,
                 gate: threading.Barrier = barrier, out: list[bool] = won) -> None:
            gate.wait()
            out.append(scheduler.fire(at))

        threads = [threading.Thread(target=fire, args=(s,)) for s in schedulers.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(won) == [False, True]
    assert len(swept) == 2


def test_a_scheduled_sweep_skips_while_a_cli_sweep_holds_the_lease(
    replicas: list[Store], sandbox: SandboxRuntime,
) -> None:
    from bot.cli.sweep import scheduled_sweep
    from bot.settings import Settings

    settings = Settings.from_mapping({"ROSTERBOT_DATA_DIR": "/nonexistent"})
    scheduler = SweepScheduler(CronSchedule(), replicas[1],
                               lambda _slot: scheduled_sweep(settings, replicas[1],
                                                             sandbox.diagnoser))
    with sweep_lease(replicas[0], "cli"):
        assert not scheduler.fire(dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC))
    assert replicas[0].sweeps.last() is None


# -- the schedule -------------------------------------------------------------------------------


def test_the_cron_schedule_in_its_time_zone() -> None:
    nightly = CronSchedule("0 3 * * *")
    at = dt.datetime(2026, 12, 1, 2, 59, tzinfo=dt.UTC)
    assert nightly.next_after(at) == dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    assert nightly.next_after(nightly.next_after(at)) == dt.datetime(2026, 12, 2, 3, 0,
                                                                     tzinfo=dt.UTC)
    chicago = CronSchedule("30 2 * * 1-5", "America/Chicago")
    friday = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)  # 03:00 in Chicago, a Friday
    assert chicago.next_after(friday) == dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)
    assert CronSchedule("off").off and not nightly.off
    assert CronSchedule("@daily").next_after(at) == dt.datetime(2026, 12, 2, 0, 0,
                                                                tzinfo=dt.UTC)


@pytest.mark.parametrize("expression", ["0 3 * *", "61 3 * * *", "@sometimes", "0 3 * * * *"])
def test_bad_cron_expressions_are_named(expression: str) -> None:
    assert cron_problem(expression)
    with pytest.raises(ValueError):
        CronSchedule(expression)


def test_time_zones_are_checked() -> None:
    assert timezone_problem("Mars/Olympus")
    assert not timezone_problem("Europe/Berlin")


def test_the_scheduler_thread_starts_and_stops(replicas: list[Store]) -> None:
    scheduler = SweepScheduler(CronSchedule("0 3 * * *"), replicas[0], lambda _slot: None)
    scheduler.start()
    assert scheduler.next_run is not None and scheduler.next_run.hour == 3
    started = time.monotonic()
    scheduler.stop()
    assert time.monotonic() - started < 2
    off = SweepScheduler(CronSchedule("off"), replicas[0], lambda _slot: None).start()
    assert off.next_run is None


def test_the_scheduler_sweeps_when_its_time_comes(replicas: list[Store]) -> None:
    now = [dt.datetime(2026, 12, 1, 2, 59, tzinfo=dt.UTC)]
    swept: list[dt.datetime] = []
    scheduler = SweepScheduler(CronSchedule("0 3 * * *"), replicas[0], swept.append,
                               clock=lambda: now[0], nap=0.01)
    scheduler.start()
    try:
        time.sleep(0.05)
        assert swept == []  # not yet
        now[0] = dt.datetime(2026, 12, 1, 3, 0, 30, tzinfo=dt.UTC)
        deadline = time.monotonic() + 5
        while not swept and time.monotonic() < deadline:
            time.sleep(0.01)
        assert swept == [dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)]
        assert scheduler.next_run == dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
    finally:
        scheduler.stop()


def test_rosterbot_run_keeps_the_schedule_while_it_serves(sqlite_url: str) -> None:
    from bot.cli.sweep import scheduled_sweeps
    from bot.settings import Settings

    def scheduler_threads() -> int:
        return sum(1 for t in threading.enumerate() if t.name == "sweep-schedule")

    on = Settings.from_mapping({"DATABASE_URL": sqlite_url})
    with scheduled_sweeps(on, sandbox=True):
        assert scheduler_threads() == 1
    assert scheduler_threads() == 0
    off = Settings.from_mapping({"DATABASE_URL": sqlite_url, "ROSTERBOT_SWEEP_CRON": "off"})
    with scheduled_sweeps(off, sandbox=True):
        assert scheduler_threads() == 0
