"""Exactly-once under races: claims and escalations from many threads on two replicas."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from store_helpers import FakeClock, StoreFactory

from bot.store import Escalation, EscalationStatus, Store

T = TypeVar("T")
THREADS = 8


def _race(stores: list[Store], call: Callable[[Store], T]) -> list[T]:
    """Run `call` from THREADS threads at once, spread over `stores`; results in any order."""
    barrier = threading.Barrier(THREADS)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        try:
            result = call(stores[index % len(stores)])
        except BaseException as exc:  # reported by the assertion below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_claim_is_true_once(store: Store) -> None:
    assert store.claim("slack_event", "Ev1") is True
    assert store.claim("slack_event", "Ev1") is False
    assert store.claim("button", "Ev1") is True  # kinds are separate


def test_claim_race_on_two_replicas_has_one_winner(open_replica: StoreFactory) -> None:
    replicas = [open_replica(), open_replica()]
    for key in ("Ev1", "Ev2", "Ev3"):
        wins = _race(replicas, lambda s, k=key: s.claim("slack_event", k))  # type: ignore[misc]
        assert sorted(wins) == [False] * (THREADS - 1) + [True]


def test_an_expired_claim_can_be_claimed_again(store: Store, clock: FakeClock) -> None:
    assert store.claim("slack_event", "Ev1", ttl_seconds=60)
    clock.advance(seconds=59)
    assert not store.claim("slack_event", "Ev1", ttl_seconds=60)
    clock.advance(seconds=2)
    assert store.claim("slack_event", "Ev1", ttl_seconds=60)  # taken over, not purged yet
    assert not store.claim("slack_event", "Ev1", ttl_seconds=60)


def test_expired_claims_are_purged_every_few_minutes(store: Store, clock: FakeClock) -> None:
    store.claim("slack_event", "Ev1", ttl_seconds=60)
    store.claim("slack_event", "Ev2", ttl_seconds=3600)
    clock.advance(minutes=2)
    assert store.purge_claims() == 1  # Ev1 only
    store.claim("slack_event", "Ev3", ttl_seconds=60)
    clock.advance(minutes=11)
    store.claim("slack_event", "Ev4", ttl_seconds=60)  # purges Ev3 on the way
    assert store.purge_claims() == 0
    assert not store.claim("slack_event", "Ev2")  # unexpired claims stay


def _escalate(store: Store, key: str = "esc:d1") -> tuple[Escalation, bool]:
    return store.create_escalation(
        key, dialog_id="d1", channel_id="C1", license_id="lic-a",
        summary={"license": "lic-a", "checks": {"application": "fail"}, "tried": ["check again"]},
    )  # fmt: skip


def test_escalation_is_created_once_and_posted(store: Store) -> None:
    first, created = store.create_escalation(
        "esc:d1", dialog_id="d1", channel_id="C1", license_id="lic-a", summary={"n": 1}
    )
    again, created_again = store.create_escalation(
        "esc:d1", dialog_id="d1", channel_id="C1", license_id="lic-a", summary={"n": 2}
    )
    assert (created, created_again) == (True, False)
    assert again == first and again.summary == {"n": 1} and again.status is EscalationStatus.OPEN
    posted = store.mark_escalation_posted("esc:d1", message_ts="1700000001.000200")
    assert (posted.status, posted.message_ts) == (EscalationStatus.OPEN, "1700000001.000200")
    assert [e.key for e in store.open_escalations(10)] == ["esc:d1"]
    assert store.close_escalation("esc:d1") is True
    assert store.close_escalation("esc:d1") is False
    assert store.open_escalations(10) == []
    assert store.escalation("esc:d1").status is EscalationStatus.RESOLVED  # type: ignore[union-attr]


def test_escalation_race_on_two_replicas_creates_one(open_replica: StoreFactory) -> None:
    replicas = [open_replica(), open_replica()]
    outcomes = _race(replicas, _escalate)
    assert sorted(created for _, created in outcomes) == [False] * (THREADS - 1) + [True]
    assert all(escalation == outcomes[0][0] for escalation, _ in outcomes)
    assert len(replicas[0].open_escalations(50)) == 1


def test_open_escalations_newest_first_and_limited(store: Store, clock: FakeClock) -> None:
    for number in range(3):
        _escalate(store, f"esc:{number}")
        clock.advance(seconds=1)
    assert [e.key for e in store.open_escalations(2)] == ["esc:2", "esc:1"]
