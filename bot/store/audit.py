"""The audit log: sanitised entries in, filtered entries out."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.records import AuditEntry
from bot.store.sanitise import sanitise_entry
from bot.store.schema import audit_log


def write(conn: Connection, entry: AuditEntry, *, now: dt.datetime) -> AuditEntry:
    """Store the entry (sanitised; `at` defaulting to now) and return it as stored."""
    clean = sanitise_entry(entry)
    at = clean.at or now
    conn.execute(
        sa.insert(audit_log).values(
            at=at,
            user_id=clean.user_id,
            team_id=clean.team_id,
            is_staff=clean.is_staff,
            channel_id=clean.channel_id,
            license_id=clean.license_id,
            command=clean.command,
            result=clean.result,
            refused=clean.refused,
        )
    )
    return replace(clean, at=at)


def query(
    conn: Connection, *, license_id: str | None, since: dt.datetime | None, limit: int
) -> list[AuditEntry]:
    """The newest `limit` entries matching the filters, newest first."""
    statement = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    if license_id is not None:
        statement = statement.where(audit_log.c.license_id == license_id)
    if since is not None:
        statement = statement.where(audit_log.c.at >= since)
    rows = conn.execute(statement.limit(limit)).mappings()
    return [
        AuditEntry(
            user_id=row["user_id"],
            team_id=row["team_id"],
            is_staff=bool(row["is_staff"]),
            channel_id=row["channel_id"],
            license_id=row["license_id"],
            command=row["command"],
            result=row["result"],
            refused=bool(row["refused"]),
            at=row["at"],
        )
        for row in rows
    ]
