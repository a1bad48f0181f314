"""The watch's store (bot.store.sweeps) on SQLite and PostgreSQL: the sweep lease, sweeps and
their results, the previous result of each license, and watched channels."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from store_helpers import FakeClock, StoreFactory

from bot.store import Store, open_store
from bot.store.migrations import MIGRATIONS
from bot.store.sweeps import KEEP_SWEEPS, NewResult

HOUR = dt.timedelta(hours=1)


def result(license_id: str, status: str, *, checked: bool = True,
           since: dt.datetime | None = None, **findings: int) -> NewResult:
    return NewResult(license_id, status, checked,
                     {"license_name": license_id, "findings": [[k, v] for k, v in findings.items()],
                      "steps": {"connection": status}},
                     since)


def finished(store: Store, *results: NewResult, trigger: str = "cli") -> int:
    sweep_id = store.sweeps.start(trigger=trigger, scope="all")
    store.sweeps.finish(sweep_id, list(results), summary={"licenses": len(results)})
    return sweep_id


# -- the lease ---------------------------------------------------------------------------------


def test_one_holder_at_a_time_until_released(store: Store) -> None:
    sweeps = store.sweeps
    assert sweeps.acquire_lock("sweep", "a", ttl_seconds=60)
    assert not sweeps.acquire_lock("sweep", "b", ttl_seconds=60)
    assert sweeps.lock_holder("sweep") is not None and sweeps.lock_holder("sweep")[0] == "a"
    assert sweeps.acquire_lock("sweep", "a", ttl_seconds=60)  # the holder may take it again
    assert not sweeps.release_lock("sweep", "b")  # only the holder releases it
    assert sweeps.release_lock("sweep", "a")
    assert sweeps.lock_holder("sweep") is None
    assert sweeps.acquire_lock("sweep", "b", ttl_seconds=60)


def test_a_lease_that_ran_out_is_taken_over_and_the_old_holder_cannot_renew(
    store: Store, clock: FakeClock
) -> None:
    sweeps = store.sweeps
    assert sweeps.acquire_lock("sweep", "dead", ttl_seconds=60)
    clock.advance(seconds=30)
    assert sweeps.renew_lock("sweep", "dead", ttl_seconds=60)  # now until +90 s
    clock.advance(seconds=59)
    assert not sweeps.acquire_lock("sweep", "next", ttl_seconds=60)
    clock.advance(seconds=2)
    assert sweeps.lock_holder("sweep") is None
    assert sweeps.acquire_lock("sweep", "next", ttl_seconds=60)
    assert not sweeps.renew_lock("sweep", "dead", ttl_seconds=60)
    assert not sweeps.release_lock("sweep", "dead")
    assert sweeps.lock_holder("sweep") is not None


def test_replicas_racing_for_the_lease_get_exactly_one_winner(
    open_replica: StoreFactory,
) -> None:
    replicas = [open_replica() for _ in range(6)]
    for _round in range(5):
        won = race(replicas)
        assert len(won) == 1, won
        assert replicas[0].sweeps.release_lock("sweep", won[0])


def race(replicas: list[Store]) -> list[str]:
    """Every replica asks for the lease at once; who got it."""
    barrier = threading.Barrier(len(replicas))
    won: list[str] = []

    def take(index: int) -> None:
        barrier.wait()
        if replicas[index].sweeps.acquire_lock("sweep", f"r{index}", ttl_seconds=60):
            won.append(f"r{index}")

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(replicas))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won


# -- sweeps and results ------------------------------------------------------------------------


def test_a_finished_sweep_keeps_each_license_result(store: Store, clock: FakeClock) -> None:
    since = clock.now - HOUR
    sweep_id = finished(store, result("L-1", "pass"),
                        result("L-2", "fail", since=since, email_fix=3, few_students=1))
    record = store.sweeps.last()
    assert record is not None and record.id == sweep_id and record.status == "done"
    assert record.summary == {"licenses": 2} and record.finished_at == clock.now
    rows = {r.license_id: r for r in store.sweeps.results(sweep_id)}
    assert rows["L-2"].findings == {"email_fix": 3, "few_students": 1}
    assert list(rows["L-2"].findings) == ["email_fix", "few_students"]  # step order kept
    assert rows["L-2"].broken_since == since and rows["L-1"].broken_since is None
    assert rows["L-1"].steps == {"connection": "pass"} and rows["L-1"].at == record.started_at


def test_the_previous_result_is_the_newest_checked_one_from_a_finished_sweep(
    store: Store, clock: FakeClock
) -> None:
    first = finished(store, result("L-1", "fail"), result("L-2", "pass"))
    clock.advance(hours=24)
    second = finished(store, result("L-1", "unknown", checked=False), result("L-2", "fail"))
    clock.advance(hours=24)
    running = store.sweeps.start(trigger="cli", scope="all")
    previous = store.sweeps.previous_results(["L-1", "L-2", "L-3"], before=running)
    assert previous["L-1"].sweep_id == first  # ClassLink failed for it in the second sweep
    assert previous["L-2"].sweep_id == second and previous["L-2"].status == "fail"
    assert "L-3" not in previous
    assert store.sweeps.previous_results(["L-2"], before=second)["L-2"].sweep_id == first


def test_a_failed_or_interrupted_sweep_is_never_a_previous_one(store: Store) -> None:
    finished(store, result("L-1", "pass"))
    dead = store.sweeps.start(trigger="schedule", scope="all")  # its replica died
    again = store.sweeps.start(trigger="cli", scope="all")
    record = store.sweeps.get(dead)
    assert record is not None and record.status == "failed"
    assert record.summary == {"error": "interrupted"}
    store.sweeps.fail(again, summary={"error": "LicenseSourceUnavailable"})
    assert store.sweeps.last() is not None and store.sweeps.last().id != again  # type: ignore[union-attr]
    assert [s.status for s in store.sweeps.history()] == ["failed", "failed", "done"]


def test_old_sweeps_are_pruned(store: Store, clock: FakeClock) -> None:
    ids = []
    for _ in range(KEEP_SWEEPS + 3):
        ids.append(finished(store, result("L-1", "pass")))
        clock.advance(minutes=1)
    kept = [s.id for s in store.sweeps.history(limit=KEEP_SWEEPS + 10)]
    assert kept == sorted(ids[3:], reverse=True)
    assert store.sweeps.results(ids[0]) == []


# -- watched channels --------------------------------------------------------------------------


def test_watch_is_off_until_turned_on_and_only_for_linked_channels(store: Store) -> None:
    store.link_channel("C1", "L-1", by_user="U1")
    store.link_channel("C2", "L-2", by_user="U1")
    assert not store.sweeps.watching("C1")
    assert store.sweeps.set_watch("C1", True)
    assert not store.sweeps.set_watch("C-unlinked", True)
    assert [(w.channel_id, w.license_id, w.watch) for w in store.sweeps.links()] == [
        ("C1", "L-1", True), ("C2", "L-2", False)]
    store.link_channel("C1", "L-3", by_user="U2")  # linked again: the watch stays
    assert store.sweeps.watching("C1")
    assert store.sweeps.set_watch("C1", False) and not store.sweeps.watching("C1")


def test_links_made_before_the_watch_existed_are_not_watched(database_url: str,
                                                             clock: FakeClock) -> None:
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_m004_sweeps"))
    with open_store(database_url, migrate=False, clock=clock) as store:
        store.upgrade(MIGRATIONS[:before])
        engine = store._engine  # noqa: SLF001 - a row as an older version wrote it
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO channel_links (channel_id, license_id, linked_by, "
                                 "linked_at) VALUES ('C9', 'L-9', 'U1', :at)"),
                         {"at": clock.now.replace(tzinfo=None) if store.backend == "sqlite"
                          else clock.now})
        store.upgrade()
        assert [(w.channel_id, w.watch) for w in store.sweeps.links()] == [("C9", False)]


@pytest.mark.parametrize("count", [0, 1200])
def test_previous_results_for_many_licenses(store: Store, count: int) -> None:
    finished(store, *(result(f"L-{i:04d}", "pass") for i in range(count)))
    ids = [f"L-{i:04d}" for i in range(count)] + ["L-none"]
    assert len(store.sweeps.previous_results(ids)) == count
