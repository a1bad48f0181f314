"""Recent diagnosis runs, kept for the staff App Home (a bounded history)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.errors import StoreError
from bot.store.records import DiagnosisRecord
from bot.store.schema import diagnoses
from bot.store.sql import decode_json_object, encode_json

KEEP = 1000  # older runs are deleted when a new one is recorded


def record(
    conn: Connection,
    license_id: str,
    *,
    statuses: dict[str, str],
    by_user: str,
    now: dt.datetime,
) -> DiagnosisRecord:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in statuses.items()):
        raise StoreError("diagnosis statuses must map check names to status strings")
    result = conn.execute(
        sa.insert(diagnoses).values(
            license_id=license_id,
            statuses=encode_json(statuses, what="diagnosis statuses"),
            by_user=by_user,
            at=now,
        )
    )
    new_id = int(_required(result.inserted_primary_key)[0])
    prune(conn, newest_id=new_id, keep=KEEP)
    return DiagnosisRecord(license_id=license_id, statuses=dict(statuses), by_user=by_user, at=now)


def prune(conn: Connection, *, newest_id: int, keep: int) -> int:
    """Delete all but the newest `keep` runs (ids only grow, so an id bound suffices)."""
    result = conn.execute(sa.delete(diagnoses).where(diagnoses.c.id <= newest_id - keep))
    return int(result.rowcount)


def recent(conn: Connection, limit: int) -> list[DiagnosisRecord]:
    """The newest `limit` runs, newest first."""
    rows = conn.execute(
        sa.select(diagnoses).order_by(diagnoses.c.at.desc(), diagnoses.c.id.desc()).limit(limit)
    ).mappings()
    return [
        DiagnosisRecord(
            license_id=row["license_id"],
            statuses={
                str(k): str(v)
                for k, v in decode_json_object(row["statuses"], what="diagnosis statuses").items()
            },
            by_user=row["by_user"],
            at=row["at"],
        )
        for row in rows
    ]


def _required(key: sa.Row[Any] | None) -> sa.Row[Any]:
    if key is None:
        raise StoreError("the database did not return the new diagnosis id")
    return key
