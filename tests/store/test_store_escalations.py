"""The escalation workflow in the store: open, claimed, resolved; one per dialog and one per
scope within a cooling-off window; the words typed in a thread, quoted once. Both backends."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from store_helpers import FakeClock, StoreFactory

from bot.store import (
    EscalationOutcome,
    EscalationStatus,
    Store,
    open_store,
)
from bot.store.migrations import MIGRATIONS
from bot.store.schema import escalations

WINDOW = 1800


def _open(store: Store, key: str, *, license_id: str | None = "lic-a",
          channel_id: str = "C1", window: float = WINDOW) -> Any:
    scope = f"license:{license_id}" if license_id else f"channel:{channel_id}"
    return store.open_escalation(key, scope=scope, window_seconds=window,
                                 dialog_id=key.removeprefix("dialog:"), channel_id=channel_id,
                                 license_id=license_id, summary={"user_id": "U1"})


def test_claim_then_resolve_moves_through_the_states_once(store: Store,
                                                          clock: FakeClock) -> None:
    escalation, outcome = _open(store, "dialog:d1")
    assert outcome is EscalationOutcome.CREATED
    assert escalation.status is EscalationStatus.OPEN and escalation.claimed_by is None
    assert escalation.scope == "license:lic-a"
    store.mark_escalation_posted("dialog:d1", message_ts="1700000001.000100",
                                 summary={"text": "summary", "user_id": "U1"})
    clock.advance(minutes=3)
    assert store.claim_escalation("dialog:d1", by="U_STAFF") is True
    assert store.claim_escalation("dialog:d1", by="U_OTHER") is False  # claimed already
    claimed = store.escalation("dialog:d1")
    assert claimed is not None and claimed.status is EscalationStatus.CLAIMED
    assert (claimed.claimed_by, claimed.claimed_at) == ("U_STAFF", clock.now)
    assert claimed.summary["text"] == "summary" and claimed.message_ts == "1700000001.000100"
    clock.advance(minutes=5)
    assert store.resolve_escalation("dialog:d1", by="U_OTHER") is True
    assert store.resolve_escalation("dialog:d1", by="U_STAFF") is False
    assert store.claim_escalation("dialog:d1", by="U_STAFF") is False  # not after resolving
    resolved = store.escalation("dialog:d1")
    assert resolved is not None and resolved.status is EscalationStatus.RESOLVED
    assert (resolved.resolved_by, resolved.closed_at) == ("U_OTHER", clock.now)
    assert store.claim_escalation("dialog:nope", by="U_STAFF") is False
    assert store.resolve_escalation("dialog:nope", by="U_STAFF") is False


def test_an_open_escalation_can_be_resolved_without_a_claim(store: Store) -> None:
    _open(store, "dialog:d1")
    assert store.resolve_escalation("dialog:d1", by="U_STAFF") is True
    assert store.open_escalations() == []


def test_lists_by_status_newest_first(store: Store, clock: FakeClock) -> None:
    for number in range(4):
        _open(store, f"dialog:d{number}", license_id=f"lic-{number}")
        clock.advance(minutes=1)
    store.claim_escalation("dialog:d1", by="U_STAFF")
    store.resolve_escalation("dialog:d0", by="U_STAFF")
    clock.advance(minutes=1)
    store.resolve_escalation("dialog:d2", by="U_STAFF")

    def keys(*statuses: EscalationStatus) -> list[str]:
        return [e.key for e in store.escalations_with_status(statuses, 10)]

    assert keys(EscalationStatus.OPEN) == ["dialog:d3"]
    assert keys(EscalationStatus.CLAIMED) == ["dialog:d1"]
    assert keys(EscalationStatus.RESOLVED) == ["dialog:d2", "dialog:d0"]  # latest resolved first
    assert [e.key for e in store.open_escalations()] == ["dialog:d3", "dialog:d1"]
    assert len(store.escalations_with_status([EscalationStatus.RESOLVED], 1)) == 1


def test_one_escalation_per_license_within_the_window(store: Store, clock: FakeClock) -> None:
    first, _ = _open(store, "dialog:d1")
    clock.advance(minutes=10)
    joined, outcome = _open(store, "dialog:d2", channel_id="C2")
    assert outcome is EscalationOutcome.JOINED and joined.key == "dialog:d1"
    assert joined.summary["joined_keys"] == ["dialog:d2"]
    assert _open(store, "dialog:d2")[1] is EscalationOutcome.SAME  # joined once only
    assert _open(store, "dialog:d1")[1] is EscalationOutcome.SAME
    assert store.escalation("dialog:d2") is None  # no row of its own
    other, outcome = _open(store, "dialog:d3", license_id="lic-b")
    assert outcome is EscalationOutcome.CREATED and other.key == "dialog:d3"

    clock.advance(minutes=21)  # 31 minutes after the first: the window has passed
    fresh, outcome = _open(store, "dialog:d4")
    assert outcome is EscalationOutcome.CREATED and fresh.key == "dialog:d4"
    assert first.key == "dialog:d1"


def test_a_resolved_escalation_takes_no_one_in_and_its_own_dialog_reopens_it(
        store: Store, clock: FakeClock) -> None:
    _open(store, "dialog:d1")
    store.claim_escalation("dialog:d1", by="U_STAFF")
    assert _open(store, "dialog:d2")[1] is EscalationOutcome.JOINED  # claimed still takes in
    store.resolve_escalation("dialog:d1", by="U_STAFF")
    clock.advance(minutes=1)
    created, outcome = _open(store, "dialog:d5")
    assert outcome is EscalationOutcome.CREATED and created.key == "dialog:d5"

    reopened, outcome = _open(store, "dialog:d1")
    assert outcome is EscalationOutcome.REOPENED
    assert reopened.status is EscalationStatus.OPEN
    assert (reopened.claimed_by, reopened.resolved_by, reopened.closed_at) == (None, None, None)
    assert _open(store, "dialog:d1")[1] is EscalationOutcome.SAME


def test_no_window_means_no_joining_and_without_a_license_the_channel_is_the_scope(
        store: Store) -> None:
    _open(store, "dialog:d1", window=0)
    assert _open(store, "dialog:d2", window=0)[1] is EscalationOutcome.CREATED
    _open(store, "message:C9:1.1", license_id=None, channel_id="C9")
    joined, outcome = _open(store, "message:C9:2.2", license_id=None, channel_id="C9")
    assert outcome is EscalationOutcome.JOINED and joined.key == "message:C9:1.1"
    assert _open(store, "message:C8:1.1", license_id=None,
                 channel_id="C8")[1] is EscalationOutcome.CREATED


def test_an_unposted_escalation_can_be_discarded_for_a_retry(store: Store) -> None:
    _open(store, "dialog:d1")
    assert store.discard_unposted_escalation("dialog:d1") is True
    assert _open(store, "dialog:d1")[1] is EscalationOutcome.CREATED
    store.mark_escalation_posted("dialog:d1", message_ts="1.2")
    assert store.discard_unposted_escalation("dialog:d1") is False
    assert store.escalation("dialog:d1") is not None


def test_racing_requests_for_one_license_on_two_replicas_create_one(
        open_replica: StoreFactory) -> None:
    replicas = [open_replica(), open_replica()]
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def ask(number: int) -> None:
        barrier.wait()
        try:
            outcomes.append(_open(replicas[number % 2], f"dialog:d{number}")[1])
        except Exception as exc:  # collected, asserted below
            outcomes.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["created"] + ["joined"] * 7, outcomes
    assert len(replicas[0].open_escalations(50)) == 1


def test_thread_words_are_sanitised_and_quoted_once(store: Store, clock: FakeClock) -> None:
    first = store.record_thread_words("C1", "1.1", user_id="U_CUST",
                                      text="rostering broke\x1b[2J token=abc123 <!channel>")
    assert first is not None
    assert "\x1b" not in first.text and "abc123" not in first.text
    assert "<!channel>" in first.text  # kept as typed; escaped for mrkdwn when shown
    assert store.record_thread_words("C1", "1.1", user_id="U_CUST", text=" \n ") is None
    clock.advance(seconds=5)
    store.record_thread_words("C1", "1.1", user_id="U_CUST", text="still broken " + "x" * 3000)
    store.record_thread_words("C1", "2.2", user_id="U_CUST", text="other thread")
    words = store.unforwarded_thread_words("C1", "1.1")
    assert [w.text[:12] for w in words] == ["rostering br", "still broken"]
    assert len(words[1].text) <= 1000

    taken = store.forward_thread_words("C1", "1.1", key="dialog:d1", through_id=words[0].id)
    assert [w.id for w in taken] == [words[0].id]
    assert [w.id for w in store.unforwarded_thread_words("C1", "1.1")] == [words[1].id]
    assert [w.id for w in store.forward_thread_words("C1", "1.1", key="dialog:d1")] == \
        [words[1].id]
    assert store.forward_thread_words("C1", "1.1", key="dialog:d2") == []
    assert [w.text for w in store.unforwarded_thread_words("C1", "2.2")] == ["other thread"]


def test_old_thread_words_are_dropped(store: Store, clock: FakeClock) -> None:
    store.record_thread_words("C1", "1.1", user_id="U_CUST", text="long ago")
    clock.advance(days=15)
    store.record_thread_words("C1", "2.2", user_id="U_CUST", text="today")
    assert store.unforwarded_thread_words("C1", "1.1") == []
    assert len(store.unforwarded_thread_words("C1", "2.2")) == 1


def test_upgrading_a_version_1_store_keeps_its_escalations(database_url: str,
                                                          clock: FakeClock) -> None:
    """Posted escalations of version 1 become open, closed ones resolved."""
    with open_store(database_url, migrate=False, clock=clock) as old:
        old.upgrade(MIGRATIONS[:1])
        engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.begin() as conn:
                for key, status in (("dialog:a", "open"), ("dialog:b", "posted"),
                                    ("dialog:c", "closed")):
                    conn.execute(sa.insert(escalations).values(  # version 1's columns only
                        key=key, dialog_id=None, channel_id="C1", license_id="lic-a",
                        summary="{}", status=status, message_ts="1.1", created_at=clock.now))
        finally:
            engine.dispose()
        result = old.upgrade()
        assert (result.before, result.after) == (1, len(MIGRATIONS))
        statuses = {key: old.escalation(key).status  # type: ignore[union-attr]
                    for key in ("dialog:a", "dialog:b", "dialog:c")}
        assert statuses == {"dialog:a": EscalationStatus.OPEN, "dialog:b": EscalationStatus.OPEN,
                            "dialog:c": EscalationStatus.RESOLVED}
        assert old.claim_escalation("dialog:b", by="U_STAFF") is True
        assert old.escalation("dialog:a").scope is None  # type: ignore[union-attr]
