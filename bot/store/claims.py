"""Idempotency claims: the first caller for (kind, key) wins, across every process."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.schema import claims
from bot.store.sql import insert_ignoring_conflict


def claim(conn: Connection, kind: str, key: str, *, ttl_seconds: float, now: dt.datetime) -> bool:
    """True when this call is the first to claim (kind, key) since any earlier claim expired."""
    purge_expired(conn, now=now)
    row = {"kind": kind, "key": key, "claimed_at": now,
           "expires_at": now + dt.timedelta(seconds=ttl_seconds)}  # fmt: skip
    return insert_ignoring_conflict(conn, claims, row, key=["kind", "key"])


def purge_expired(conn: Connection, *, now: dt.datetime) -> int:
    result = conn.execute(sa.delete(claims).where(claims.c.expires_at <= now))
    return int(result.rowcount)
