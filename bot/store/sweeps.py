"""The watch's memory (issue 11): sweeps, each license's compact result in each, the lease that
keeps two replicas from sweeping at once, and which linked channels are watched.

    sweeps = store.sweeps                      # a SweepStore over the store's transactions
    if sweeps.acquire_lock("sweep", holder, ttl_seconds=120): ...
    sweep_id = sweeps.start(trigger="schedule", scope="all")
    previous = sweeps.previous_results(["demo-emails", ...])   # before this sweep
    sweeps.finish(sweep_id, results, summary={...})

The lease is one row per name: taking it inserts the row, or takes over a row whose time ran
out (or that the same holder has), in one INSERT .. ON CONFLICT DO UPDATE .. WHERE, so the
database picks exactly one winner on SQLite and on PostgreSQL alike. The holder renews it while
it works, and deletes it when done; a holder that died leaves it to expire.

The previous result of a license is its newest result from a finished sweep that could ask
ClassLink about it (`checked`): a night when ClassLink failed says nothing about whether the
license recovered or broke, so the comparison skips it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.errors import StoreError
from bot.store.schema import channel_links, sweep_lock, sweep_results, sweeps
from bot.store.sql import decode_json_object, dialect_insert, encode_json

KEEP_SWEEPS = 60  # finished sweeps kept (with their results); older ones are deleted
RUNNING, DONE, FAILED = "running", "done", "failed"

Clock = Callable[[], dt.datetime]
Transaction = Callable[[], AbstractContextManager[Connection]]


@dataclass(frozen=True, slots=True)
class SweepRecord:
    """One sweep: when, why, how far it got, and its summary (counts and the like)."""

    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    trigger: str  # "cli", "schedule", ...
    scope: str  # "all" | "linked"
    status: str  # running | done | failed
    summary: dict[str, Any] = field(default_factory=dict)
    digest_ts: str | None = None  # the support channel's digest message, once posted


@dataclass(frozen=True, slots=True)
class StoredResult:
    """One license's compact result in one sweep (checks.sweep.LicenseOutcome, stored)."""

    sweep_id: int
    license_id: str
    status: str
    checked: bool  # ClassLink answered: the result says something about the license
    result: dict[str, Any]  # steps, findings, counts, classlink_error, license_name, district
    broken_since: dt.datetime | None  # when it was first seen broken in a row of sweeps
    at: dt.datetime  # when the sweep that found it started

    @property
    def steps(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in dict(self.result.get("steps") or {}).items()}

    @property
    def findings(self) -> dict[str, int]:
        """Code -> how many findings with it did not pass, in step order (stored as pairs)."""
        raw = self.result.get("findings") or []
        pairs = raw.items() if isinstance(raw, dict) else raw
        return {str(code): int(count) for code, count in pairs}


@dataclass(frozen=True, slots=True)
class NewResult:
    """What a sweep stores for one license."""

    license_id: str
    status: str
    checked: bool
    result: dict[str, Any]
    broken_since: dt.datetime | None


@dataclass(frozen=True, slots=True)
class WatchedLink:
    channel_id: str
    license_id: str
    watch: bool


class SweepStore:
    """Sweep reads and writes, each in one short transaction of the store it belongs to."""

    def __init__(self, read: Transaction, write: Transaction, clock: Clock) -> None:
        self._read, self._write, self._clock = read, write, clock

    # -- the lease ------------------------------------------------------------------------

    def acquire_lock(self, name: str, holder: str, *, ttl_seconds: float) -> bool:
        """Take the lease `name` for `holder` until `ttl_seconds` from now; False when another
        holder has it and its time has not run out."""
        now = self._clock()
        expires = now + dt.timedelta(seconds=ttl_seconds)
        with self._write() as conn:
            insert = dialect_insert(conn, sweep_lock).values(
                name=name, holder=holder, acquired_at=now, expires_at=expires)
            take = insert.on_conflict_do_update(
                index_elements=["name"],
                set_={"holder": holder, "acquired_at": now, "expires_at": expires},
                where=(sweep_lock.c.expires_at <= now) | (sweep_lock.c.holder == holder),
            )
            return conn.execute(take.returning(sweep_lock.c.name)).first() is not None

    def renew_lock(self, name: str, holder: str, *, ttl_seconds: float) -> bool:
        """Push the lease's end on; False when `holder` no longer has it."""
        expires = self._clock() + dt.timedelta(seconds=ttl_seconds)
        with self._write() as conn:
            row = conn.execute(
                sa.update(sweep_lock)
                .where(sweep_lock.c.name == name, sweep_lock.c.holder == holder)
                .values(expires_at=expires).returning(sweep_lock.c.name)).first()
            return row is not None

    def release_lock(self, name: str, holder: str) -> bool:
        """Give the lease up (only `holder`'s own); False when it was not held by `holder`."""
        with self._write() as conn:
            row = conn.execute(
                sa.delete(sweep_lock)
                .where(sweep_lock.c.name == name, sweep_lock.c.holder == holder)
                .returning(sweep_lock.c.name)).first()
            return row is not None

    def lock_holder(self, name: str) -> tuple[str, dt.datetime] | None:
        """(holder, until when) of a lease that has not run out; None when free."""
        with self._read() as conn:
            row = conn.execute(sa.select(sweep_lock.c.holder, sweep_lock.c.expires_at)
                               .where(sweep_lock.c.name == name)).first()
        if row is None or row[1] <= self._clock():
            return None
        return str(row[0]), row[1]

    # -- sweeps ---------------------------------------------------------------------------

    def start(self, *, trigger: str, scope: str) -> int:
        """A new running sweep; its id. Call it holding the lease: any other sweep still marked
        running was left so by a holder that died, and is marked failed."""
        with self._write() as conn:
            conn.execute(sa.update(sweeps).where(sweeps.c.status == RUNNING).values(
                status=FAILED, finished_at=self._clock(),
                summary=encode_json({"error": "interrupted"}, what="sweep summary")))
            inserted = conn.execute(sa.insert(sweeps).values(
                started_at=self._clock(), trigger=trigger, scope=scope, status=RUNNING,
                summary="{}").returning(sweeps.c.id)).first()
        if inserted is None:
            raise StoreError("the database did not return the new sweep id")
        return int(inserted[0])

    def finish(self, sweep_id: int, results: Sequence[NewResult], *,
               summary: dict[str, Any]) -> SweepRecord:
        """Store every license's result and mark the sweep done, in one transaction; older
        sweeps beyond KEEP_SWEEPS go."""
        now = self._clock()
        with self._write() as conn:
            started = self._started_at(conn, sweep_id)
            if results:
                conn.execute(sa.insert(sweep_results), [{
                    "sweep_id": sweep_id, "license_id": r.license_id, "status": r.status,
                    "checked": r.checked, "result": encode_json(r.result, what="sweep result"),
                    "broken_since": r.broken_since, "at": started,
                } for r in results])
            conn.execute(sa.update(sweeps).where(sweeps.c.id == sweep_id).values(
                status=DONE, finished_at=now, summary=encode_json(summary, what="sweep summary")))
            _prune(conn, keep=KEEP_SWEEPS)
            record = _sweep(conn, sweep_id)
        assert record is not None
        return record

    def fail(self, sweep_id: int, *, summary: dict[str, Any]) -> None:
        """The sweep stopped before it had results (ClassLink or the directory unreachable)."""
        with self._write() as conn:
            conn.execute(sa.update(sweeps).where(sweeps.c.id == sweep_id).values(
                status=FAILED, finished_at=self._clock(),
                summary=encode_json(summary, what="sweep summary")))

    def mark_digest_posted(self, sweep_id: int, ts: str) -> None:
        with self._write() as conn:
            conn.execute(sa.update(sweeps).where(sweeps.c.id == sweep_id).values(digest_ts=ts))

    def get(self, sweep_id: int) -> SweepRecord | None:
        with self._read() as conn:
            return _sweep(conn, sweep_id)

    def last(self, *, status: str = DONE) -> SweepRecord | None:
        """The newest sweep with `status` (a finished one by default)."""
        with self._read() as conn:
            row = conn.execute(sa.select(sweeps.c.id).where(sweeps.c.status == status)
                               .order_by(sweeps.c.id.desc()).limit(1)).first()
            return None if row is None else _sweep(conn, int(row[0]))

    def history(self, limit: int = 10) -> list[SweepRecord]:
        """The newest sweeps, newest first, whatever their status."""
        with self._read() as conn:
            ids = [int(r[0]) for r in conn.execute(
                sa.select(sweeps.c.id).order_by(sweeps.c.id.desc()).limit(limit))]
            return [s for s in (_sweep(conn, i) for i in ids) if s is not None]

    def results(self, sweep_id: int) -> list[StoredResult]:
        """Every license's result in one sweep, in license order."""
        with self._read() as conn:
            rows = conn.execute(sa.select(sweep_results)
                                .where(sweep_results.c.sweep_id == sweep_id)
                                .order_by(sweep_results.c.license_id)).mappings()
            return [_result(row) for row in rows]

    def previous_results(self, license_ids: Iterable[str], *,
                         before: int | None = None) -> dict[str, StoredResult]:
        """Each license's newest checked result from a finished sweep (older than sweep
        `before`, when given); licenses never checked are absent."""
        wanted = sorted(set(license_ids))
        if not wanted:
            return {}
        inner = sweep_results.alias("inner_results")
        newest = (
            sa.select(sa.func.max(inner.c.sweep_id))
            .select_from(inner.join(sweeps, sweeps.c.id == inner.c.sweep_id))
            .where(inner.c.license_id == sweep_results.c.license_id, inner.c.checked.is_(True),
                   sweeps.c.status == DONE,
                   *([inner.c.sweep_id < before] if before is not None else []))
            .scalar_subquery()
        )
        found: dict[str, StoredResult] = {}
        with self._read() as conn:
            for chunk in _chunks(wanted, 500):
                rows = conn.execute(sa.select(sweep_results).where(
                    sweep_results.c.license_id.in_(chunk),
                    sweep_results.c.sweep_id == newest)).mappings()
                found.update((row["license_id"], _result(row)) for row in rows)
        return found

    # -- watched channels -----------------------------------------------------------------

    def links(self) -> list[WatchedLink]:
        """Every linked channel, with whether its license's regressions are announced there."""
        with self._read() as conn:
            rows = conn.execute(sa.select(channel_links.c.channel_id, channel_links.c.license_id,
                                          channel_links.c.watch)
                                .order_by(channel_links.c.channel_id))
            return [WatchedLink(str(r[0]), str(r[1]), bool(r[2])) for r in rows]

    def set_watch(self, channel_id: str, on: bool) -> bool:
        """Turn the channel's announcements on or off; False when the channel is not linked."""
        with self._write() as conn:
            row = conn.execute(sa.update(channel_links)
                               .where(channel_links.c.channel_id == channel_id)
                               .values(watch=on).returning(channel_links.c.channel_id)).first()
            return row is not None

    def watching(self, channel_id: str) -> bool:
        with self._read() as conn:
            row = conn.execute(sa.select(channel_links.c.watch)
                               .where(channel_links.c.channel_id == channel_id)).first()
            return bool(row[0]) if row is not None else False

    # -- helpers --------------------------------------------------------------------------

    def _started_at(self, conn: Connection, sweep_id: int) -> dt.datetime:
        row = conn.execute(sa.select(sweeps.c.started_at, sweeps.c.status)
                           .where(sweeps.c.id == sweep_id)).first()
        if row is None:
            raise StoreError(f"no sweep {sweep_id}")
        if row[1] != RUNNING:
            raise StoreError(f"sweep {sweep_id} is {row[1]}, not running")
        started: dt.datetime = row[0]
        return started


def _sweep(conn: Connection, sweep_id: int) -> SweepRecord | None:
    row = conn.execute(sa.select(sweeps).where(sweeps.c.id == sweep_id)).mappings().first()
    if row is None:
        return None
    return SweepRecord(
        id=int(row["id"]), started_at=row["started_at"], finished_at=row["finished_at"],
        trigger=row["trigger"], scope=row["scope"], status=row["status"],
        summary=decode_json_object(row["summary"], what="sweep summary"),
        digest_ts=row["digest_ts"])


def _result(row: Any) -> StoredResult:
    return StoredResult(
        sweep_id=int(row["sweep_id"]), license_id=row["license_id"], status=row["status"],
        checked=bool(row["checked"]),
        result=decode_json_object(row["result"], what="sweep result"),
        broken_since=row["broken_since"], at=row["at"])


def _prune(conn: Connection, *, keep: int) -> None:
    """Delete the results and rows of finished sweeps beyond the newest `keep`."""
    cutoff = conn.execute(sa.select(sweeps.c.id).where(sweeps.c.status != RUNNING)
                          .order_by(sweeps.c.id.desc()).offset(keep).limit(1)).first()
    if cutoff is None:
        return
    old = int(cutoff[0])
    conn.execute(sa.delete(sweep_results).where(sweep_results.c.sweep_id <= old))
    conn.execute(sa.delete(sweeps).where(sweeps.c.id <= old, sweeps.c.status != RUNNING))


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
