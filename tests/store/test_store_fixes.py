"""Fixes made to licenses, on SQLite and PostgreSQL: recorded whole, the last one found, marked
undone once however many replicas try, listed newest first."""

from __future__ import annotations

import threading

from store_helpers import FakeClock, StoreFactory

from bot.store import Store
from bot.store.fixes import NewFix


def fix(license_id: str = "L-1", *, undo_of: int | None = None, finding: str = "email_fix",
        by: str = "U_STAFF") -> NewFix:
    return NewFix(
        license_id=license_id,
        change={"kind": "replace_email", "value": "a@x.org", "new": "b@x.org"},
        undo={"kind": "replace_email", "value": "b@x.org", "new": "a@x.org", "position": 0},
        before={"id": license_id, "instructor_emails": ["a@x.org"]},
        after={"id": license_id, "instructor_emails": ["b@x.org"]},
        before_version="1", after_version="2", by_user=by, team_id="T1", channel_id="C1",
        finding=finding, summary="change instructor email a@x.org to b@x.org", undo_of=undo_of)


def test_a_fix_is_kept_whole(store: Store, clock: FakeClock) -> None:
    made = store.fixes.record(fix())
    assert made.id >= 1 and made.at == clock.now
    again = store.fixes.get(made.id)
    assert again == made
    assert again is not None and again.after == {"id": "L-1", "instructor_emails": ["b@x.org"]}
    assert (again.undone_at, again.is_undo) == (None, False)
    assert store.fixes.get(made.id + 100) is None


def test_the_last_fix_is_never_an_undo(store: Store, clock: FakeClock) -> None:
    first = store.fixes.record(fix())
    clock.advance(seconds=5)
    store.fixes.record(fix("L-2"))
    clock.advance(seconds=5)
    undo = store.fixes.record(fix(undo_of=first.id, finding=""))
    assert undo.is_undo
    last = store.fixes.last("L-1")
    assert last is not None and last.id == first.id
    assert store.fixes.last("L-404") is None
    listed = store.fixes.list()
    assert [f.id for f in listed] == [undo.id, undo.id - 1, first.id]  # newest first
    assert [f.id for f in store.fixes.list(license_id="L-2")] == [undo.id - 1]
    assert [f.id for f in store.fixes.list(since=clock.now)] == [undo.id]


def test_two_replicas_undoing_at_once_mark_it_once(open_replica: StoreFactory) -> None:
    stores = [open_replica() for _ in range(4)]
    made = stores[0].fixes.record(fix())
    wins: list[bool] = []
    barrier = threading.Barrier(len(stores))

    def undo(store: Store, n: int) -> None:
        barrier.wait()
        wins.append(store.fixes.mark_undone(made.id, by=f"U{n}", undo_id=99 + n))

    threads = [threading.Thread(target=undo, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False, False, False, True]
    marked = stores[0].fixes.get(made.id)
    assert marked is not None and marked.undone_by is not None and marked.undone_at is not None
    assert marked.undone_in == 99 + int(marked.undone_by[1:])
