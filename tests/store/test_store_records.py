"""Audit log, channel links and recent diagnoses."""

from __future__ import annotations

import datetime as dt

import pytest
from store_helpers import T0, FakeClock

from bot.store import AuditEntry, Store, StoreError
from bot.store.sanitise import MASK


def _entry(license_id: str | None, *, result: str = "ok", refused: bool = False) -> AuditEntry:
    return AuditEntry(user_id="U1", team_id="T_CUSTOMER", is_staff=False, channel_id="C1",
                      license_id=license_id, command="slash:check", result=result,
                      refused=refused)  # fmt: skip


def test_audit_query_by_license_and_since(store: Store, clock: FakeClock) -> None:
    store.audit(_entry("lic-a", result="3 checks: pass"))
    clock.advance(days=2)
    store.audit(_entry("lic-b", result="asked for lic-b from a lic-a channel", refused=True))
    clock.advance(hours=1)
    store.audit(_entry("lic-a", result="email lookup: 1 match"))
    assert [e.result for e in store.audit_entries(license_id="lic-a")] == [
        "email lookup: 1 match",
        "3 checks: pass",
    ]
    recent = store.audit_entries(since=clock.now - dt.timedelta(days=1))
    assert [(e.license_id, e.refused) for e in recent] == [("lic-a", False), ("lic-b", True)]
    assert recent[1].at == T0 + dt.timedelta(days=2)
    assert len(store.audit_entries(limit=1)) == 1
    assert store.audit_entries(license_id="lic-c") == []


def test_audit_stores_the_sanitised_entry(store: Store) -> None:
    stored = store.audit(_entry("lic-a", result="bot token xoxb-1-2-abc\x1b[2J " + "x" * 900))
    assert stored.at is not None
    (read_back,) = store.audit_entries()
    assert read_back == stored
    assert "xoxb-1-2" not in read_back.result and MASK in read_back.result
    assert "\x1b" not in read_back.result and len(read_back.result) <= 500


def test_audit_keeps_an_explicit_time(store: Store) -> None:
    at = dt.datetime(2026, 10, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    store.audit(AuditEntry(user_id="U1", team_id="T1", is_staff=True, channel_id="C1",
                           license_id=None, command="home", result="opened", at=at))  # fmt: skip
    (entry,) = store.audit_entries()
    assert entry.at == at and entry.at.tzinfo == dt.UTC and entry.license_id is None


def test_channel_links(store: Store) -> None:
    assert store.linked_license("C1") is None
    store.link_channel("C1", "lic-a", by_user="U_STAFF")
    relinked = store.link_channel("C1", "lic-b", by_user="U_STAFF2")
    assert store.linked_license("C1") == "lic-b"
    assert store.channel_link("C1") == relinked
    assert store.unlink_channel("C1") is True
    assert store.unlink_channel("C1") is False
    assert store.linked_license("C1") is None


def test_recent_diagnoses_newest_first(store: Store, clock: FakeClock) -> None:
    store.record_diagnosis("lic-a", statuses={"application": "pass"}, by_user="U1")
    clock.advance(minutes=1)
    store.record_diagnosis(
        "lic-b", statuses={"application": "fail", "emails": "warn"}, by_user="U2"
    )
    recent = store.recent_diagnoses(10)
    assert [(d.license_id, d.by_user) for d in recent] == [("lic-b", "U2"), ("lic-a", "U1")]
    assert recent[0].statuses == {"application": "fail", "emails": "warn"}
    assert len(store.recent_diagnoses(1)) == 1


def test_diagnosis_history_is_bounded(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.store.diagnoses.KEEP", 3)
    for number in range(5):
        store.record_diagnosis(f"lic-{number}", statuses={}, by_user="U1")
    assert [d.license_id for d in store.recent_diagnoses(10)] == ["lic-4", "lic-3", "lic-2"]


def test_diagnosis_statuses_must_be_strings(store: Store) -> None:
    with pytest.raises(StoreError, match="status strings"):
        store.record_diagnosis("lic-a", statuses={"application": 1}, by_user="U1")  # type: ignore[dict-item]
    assert store.recent_diagnoses(10) == []
