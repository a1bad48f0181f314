"""Escalations to the support channel: one per dialog (or thread), and one per scope (a license,
or a channel without one) within a cooling-off window; open, claimed, then resolved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from bot.store.errors import StoreError
from bot.store.records import Escalation, EscalationOutcome, EscalationStatus
from bot.store.schema import escalations
from bot.store.sql import decode_json_object, encode_json, insert_ignoring_conflict

# Namespaces our transaction advisory locks ("RstE"); migrations use another class.
_SCOPE_LOCK_CLASS = 0x52737445
JOINED_KEYS = "joined_keys"  # summary field: the other dialogs/threads that joined this one
MAX_JOINED_KEYS = 50
_UNRESOLVED = (EscalationStatus.OPEN.value, EscalationStatus.CLAIMED.value)


def open_or_join(
    conn: Connection,
    key: str,
    *,
    scope: str | None,
    since: dt.datetime | None,
    dialog_id: str | None,
    channel_id: str,
    license_id: str | None,
    summary: dict[str, Any],
    now: dt.datetime,
) -> tuple[Escalation, EscalationOutcome]:
    """The escalation a request for support belongs to, and what the request did.

    `key`'s own escalation comes first (reopened when it was resolved). Otherwise an unresolved
    escalation of the same `scope` created at or after `since` takes the request in (JOINED the
    first time this key joins it, SAME after). Otherwise a new one is created. Requests racing
    on one scope are serialised (an advisory lock on PostgreSQL, the write lock on SQLite), so
    of several at once exactly one creates.
    """
    if scope and conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:cls, hashtext(:scope))"),
                     {"cls": _SCOPE_LOCK_CLASS, "scope": scope})
    existing = get(conn, key)
    if existing is not None:
        if existing.status is not EscalationStatus.RESOLVED:
            return existing, EscalationOutcome.SAME
        reopened = _set(conn, key, (EscalationStatus.RESOLVED.value,),
                        status=EscalationStatus.OPEN.value, claimed_by=None, claimed_at=None,
                        resolved_by=None, closed_at=None)
        return _require(conn, key), (EscalationOutcome.REOPENED if reopened
                                     else EscalationOutcome.SAME)
    if scope and since is not None:
        joined = _recent_in_scope(conn, scope, since)
        if joined is not None:
            return _join(conn, joined, key)
    row = {
        "key": key,
        "dialog_id": dialog_id,
        "channel_id": channel_id,
        "license_id": license_id,
        "summary": encode_json(summary, what="escalation summary"),
        "status": EscalationStatus.OPEN.value,
        "created_at": now,
        "scope": scope,
    }
    created = insert_ignoring_conflict(conn, escalations, row, key=["key"])
    found = get(conn, key)
    if found is None:  # cannot happen inside one transaction unless the row was deleted
        raise StoreError(f"escalation {key} vanished while it was being created")
    return found, EscalationOutcome.CREATED if created else EscalationOutcome.SAME


def _recent_in_scope(conn: Connection, scope: str, since: dt.datetime) -> Escalation | None:
    row = conn.execute(
        sa.select(escalations)
        .where(escalations.c.scope == scope, escalations.c.created_at >= since,
               escalations.c.status.in_(_UNRESOLVED))
        .order_by(escalations.c.created_at.desc(), escalations.c.key)
        .limit(1)
    ).mappings().first()
    return None if row is None else _from_row(row)


def _join(conn: Connection, joined: Escalation, key: str) -> tuple[Escalation, EscalationOutcome]:
    keys = [str(k) for k in joined.summary.get(JOINED_KEYS) or [] if isinstance(k, str)]
    if key in keys:
        return joined, EscalationOutcome.SAME
    summary = {**joined.summary, JOINED_KEYS: [*keys, key][-MAX_JOINED_KEYS:]}
    conn.execute(sa.update(escalations).where(escalations.c.key == joined.key)
                 .values(summary=encode_json(summary, what="escalation summary")))
    return _require(conn, joined.key), EscalationOutcome.JOINED


def mark_posted(
    conn: Connection, key: str, *, message_ts: str, now: dt.datetime,
    summary: dict[str, Any] | None = None,
) -> Escalation:
    """Record where the summary was posted (and, when given, the summary as posted)."""
    values: dict[str, Any] = {"message_ts": message_ts, "posted_at": now}
    if summary is not None:
        current = _require(conn, key)
        joined = current.summary.get(JOINED_KEYS)  # may have grown while the summary was posted
        merged = {**summary, JOINED_KEYS: joined} if joined else summary
        values["summary"] = encode_json(merged, what="escalation summary")
    conn.execute(sa.update(escalations).where(escalations.c.key == key).values(**values))
    return _require(conn, key)


def discard_unposted(conn: Connection, key: str) -> bool:
    """Forget an escalation whose summary could not be posted, so asking again can retry."""
    result = conn.execute(sa.delete(escalations).where(escalations.c.key == key,
                                                       escalations.c.message_ts.is_(None)))
    return result.rowcount == 1


def claim(conn: Connection, key: str, *, by: str, now: dt.datetime) -> bool:
    """Open -> claimed by `by`; False when it is unknown, claimed already or resolved."""
    return _set(conn, key, (EscalationStatus.OPEN.value,), status=EscalationStatus.CLAIMED.value,
                claimed_by=by, claimed_at=now)


def resolve(conn: Connection, key: str, *, by: str, now: dt.datetime) -> bool:
    """Open or claimed -> resolved by `by`; False when it is unknown or resolved already."""
    return _set(conn, key, _UNRESOLVED, status=EscalationStatus.RESOLVED.value, resolved_by=by,
                closed_at=now)


def _set(conn: Connection, key: str, current: Sequence[str], **values: Any) -> bool:
    result = conn.execute(
        sa.update(escalations)
        .where(escalations.c.key == key, escalations.c.status.in_(current))
        .values(**values)
    )
    return result.rowcount == 1


def get(conn: Connection, key: str) -> Escalation | None:
    row = conn.execute(sa.select(escalations).where(escalations.c.key == key)).mappings().first()
    return None if row is None else _from_row(row)


def with_status(
    conn: Connection, statuses: Sequence[EscalationStatus], limit: int
) -> list[Escalation]:
    """Escalations in any of `statuses`, newest first (resolved ones by when they were)."""
    when = sa.func.coalesce(escalations.c.closed_at, escalations.c.created_at) \
        if tuple(statuses) == (EscalationStatus.RESOLVED,) else escalations.c.created_at
    rows = conn.execute(
        sa.select(escalations)
        .where(escalations.c.status.in_([s.value for s in statuses]))
        .order_by(when.desc(), escalations.c.key)
        .limit(limit)
    ).mappings()
    return [_from_row(row) for row in rows]


def _require(conn: Connection, key: str) -> Escalation:
    found = get(conn, key)
    if found is None:
        raise StoreError(f"no escalation with key {key!r}")
    return found


def _from_row(row: RowMapping) -> Escalation:
    return Escalation(
        key=row["key"],
        dialog_id=row["dialog_id"],
        channel_id=row["channel_id"],
        license_id=row["license_id"],
        summary=decode_json_object(row["summary"], what=f"summary of escalation {row['key']}"),
        status=EscalationStatus(row["status"]),
        message_ts=row["message_ts"],
        created_at=row["created_at"],
        posted_at=row["posted_at"],
        closed_at=row["closed_at"],
        scope=row["scope"],
        claimed_by=row["claimed_by"],
        claimed_at=row["claimed_at"],
        resolved_by=row["resolved_by"],
    )
