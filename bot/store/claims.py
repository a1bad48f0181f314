"""Idempotency claims: the first caller for (kind, key) wins, across every process.

A claim is one row. Claiming inserts it, or takes over a row whose time has run out, in a single
INSERT .. ON CONFLICT DO UPDATE .. WHERE expired: the database decides the winner atomically.
Expired rows are deleted now and then (purge_expired), apart from the claims themselves.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.schema import claims
from bot.store.sql import dialect_insert


def claim(conn: Connection, kind: str, key: str, *, ttl_seconds: float, now: dt.datetime) -> bool:
    """True when this call is the first to claim (kind, key) since any earlier claim expired."""
    expires_at = now + dt.timedelta(seconds=ttl_seconds)
    insert = dialect_insert(conn, claims).values(
        kind=kind, key=key, claimed_at=now, expires_at=expires_at
    )
    take_over_expired = insert.on_conflict_do_update(
        index_elements=["kind", "key"],
        set_={"claimed_at": now, "expires_at": expires_at},
        where=claims.c.expires_at <= now,
    )
    won = conn.execute(take_over_expired.returning(claims.c.key)).first()
    return won is not None


def purge_expired(conn: Connection, *, now: dt.datetime) -> int:
    """Delete claims whose time ran out; how many went."""
    result = conn.execute(sa.delete(claims).where(claims.c.expires_at <= now))
    return int(result.rowcount)
