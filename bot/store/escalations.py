"""Escalations to the support channel, created at most once per key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from bot.store.errors import StoreError
from bot.store.records import Escalation, EscalationStatus
from bot.store.schema import escalations
from bot.store.sql import decode_json_object, encode_json, insert_ignoring_conflict


def create(
    conn: Connection,
    key: str,
    *,
    dialog_id: str | None,
    channel_id: str,
    license_id: str | None,
    summary: dict[str, Any],
    now: dt.datetime,
) -> tuple[Escalation, bool]:
    """The escalation for `key`, and whether this call created it (exactly one caller does)."""
    row = {
        "key": key,
        "dialog_id": dialog_id,
        "channel_id": channel_id,
        "license_id": license_id,
        "summary": encode_json(summary, what="escalation summary"),
        "status": EscalationStatus.OPEN.value,
        "created_at": now,
    }
    created = insert_ignoring_conflict(conn, escalations, row, key=["key"])
    existing = get(conn, key)
    if existing is None:  # cannot happen inside one transaction unless the row was deleted
        raise StoreError(f"escalation {key} vanished while it was being created")
    return existing, created


def mark_posted(conn: Connection, key: str, *, message_ts: str, now: dt.datetime) -> Escalation:
    conn.execute(
        sa.update(escalations)
        .where(escalations.c.key == key)
        .values(status=EscalationStatus.POSTED.value, message_ts=message_ts, posted_at=now)
    )
    return _require(conn, key)


def close(conn: Connection, key: str, *, now: dt.datetime) -> bool:
    """Close the escalation; False when it was unknown or closed already."""
    result = conn.execute(
        sa.update(escalations)
        .where(escalations.c.key == key, escalations.c.status != EscalationStatus.CLOSED.value)
        .values(status=EscalationStatus.CLOSED.value, closed_at=now)
    )
    return result.rowcount == 1


def get(conn: Connection, key: str) -> Escalation | None:
    row = conn.execute(sa.select(escalations).where(escalations.c.key == key)).mappings().first()
    return None if row is None else _from_row(row)


def open_ones(conn: Connection, limit: int) -> list[Escalation]:
    """Escalations not closed yet, newest first."""
    rows = conn.execute(
        sa.select(escalations)
        .where(escalations.c.status != EscalationStatus.CLOSED.value)
        .order_by(escalations.c.created_at.desc(), escalations.c.key)
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
    )
