"""Dialog state: optimistic concurrency across replicas, TTL, survival across a restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from store_helpers import T0, FakeClock, StoreFactory

from bot.store import Store, StoreConflict, StoreError, open_store


def _save(
    store: Store, dialog_id: str, state: dict[str, Any], expected: int | None, **kw: Any
) -> int:
    fields = {"channel_id": "C1", "thread_ts": "1700000000.000100", "user_id": "U1",
              "license_id": "lic-a", **kw}  # fmt: skip
    return store.save_dialog(dialog_id, state=state, expected_version=expected, **fields)


def test_create_load_and_update(store: Store, clock: FakeClock) -> None:
    assert _save(store, "d1", {"step": 1, "tried": ["check"]}, None) == 1
    clock.advance(minutes=5)
    assert _save(store, "d1", {"step": 2, "name": "Zoë ✓"}, 1, license_id=None) == 2
    loaded = store.load_dialog("d1")
    assert loaded is not None
    assert (loaded.version, loaded.state, loaded.license_id) == (
        2,
        {"name": "Zoë ✓", "step": 2},
        None,
    )
    assert (loaded.created_at, loaded.updated_at) == (T0, T0 + dt.timedelta(minutes=5))
    assert store.load_dialog("missing") is None


def test_creating_an_existing_dialog_conflicts(store: Store) -> None:
    _save(store, "d1", {"step": 1}, None)
    with pytest.raises(StoreConflict, match="already exists"):
        _save(store, "d1", {"step": 9}, None)
    assert store.load_dialog("d1").state == {"step": 1}  # type: ignore[union-attr]


def test_two_replicas_one_wins_the_same_version(open_replica: StoreFactory) -> None:
    replica_a, replica_b = open_replica(), open_replica()
    _save(replica_a, "d1", {"step": 1}, None)
    seen_by_b = replica_b.load_dialog("d1")
    assert seen_by_b is not None and seen_by_b.version == 1  # started on A, continues on B
    assert _save(replica_b, "d1", {"step": 2, "by": "b"}, seen_by_b.version) == 2
    with pytest.raises(StoreConflict, match="version 2"):
        _save(replica_a, "d1", {"step": 2, "by": "a"}, 1)
    assert replica_a.load_dialog("d1").state == {"by": "b", "step": 2}  # type: ignore[union-attr]


def test_saving_a_deleted_dialog_conflicts(store: Store, clock: FakeClock) -> None:
    _save(store, "d1", {"step": 1}, None)
    clock.advance(days=2)
    store.expire_dialogs(dt.timedelta(days=1))
    with pytest.raises(StoreConflict, match="no longer exists"):
        _save(store, "d1", {"step": 2}, 1)


def test_find_by_thread_returns_the_latest(store: Store, clock: FakeClock) -> None:
    _save(store, "old", {"step": 3}, None, thread_ts="42.1")
    clock.advance(seconds=1)
    _save(store, "new", {"step": 1}, None, thread_ts="42.1")
    _save(store, "other", {"step": 1}, None, thread_ts="43.1")
    found = store.find_dialog_by_thread("C1", "42.1")
    assert found is not None and found.dialog_id == "new"
    assert store.find_dialog_by_thread("C2", "42.1") is None


def test_expire_and_ttl(store: Store, clock: FakeClock) -> None:
    _save(store, "stale", {}, None)
    clock.advance(hours=20)
    _save(store, "fresh", {}, None)
    clock.advance(hours=5)
    stale = store.load_dialog("stale")
    assert stale is not None and stale.is_expired(ttl_seconds=86_400, now=clock.now)
    assert not store.load_dialog("fresh").is_expired(ttl_seconds=86_400, now=clock.now)  # type: ignore[union-attr]
    assert store.expire_dialogs(clock.now - dt.timedelta(days=1)) == 1
    assert store.load_dialog("stale") is None and store.load_dialog("fresh") is not None


def test_state_that_is_not_json_is_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(StoreError, match="not JSON"):
        _save(store, "d1", {"when": dt.date(2026, 1, 1)}, None)
    assert store.load_dialog("d1") is None


def test_sqlite_restart_mid_dialog_keeps_state(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rosterbot.sqlite3'}"
    with open_store(url) as before:
        _save(before, "d1", {"step": 2, "checked": True}, None)
        before.link_channel("C1", "lic-a", by_user="U9")
    with open_store(url) as after:
        resumed = after.find_dialog_by_thread("C1", "1700000000.000100")
        assert resumed is not None and resumed.state == {"checked": True, "step": 2}
        assert _save(after, "d1", {"step": 3}, resumed.version) == 2
        assert after.linked_license("C1") == "lic-a"
