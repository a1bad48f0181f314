"""Dialog state rows with optimistic concurrency: a save names the version it read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from bot.store.errors import StoreConflict
from bot.store.records import StoredDialog
from bot.store.schema import dialogs
from bot.store.sql import decode_json_object, encode_json, insert_ignoring_conflict


def save(
    conn: Connection,
    dialog_id: str,
    *,
    channel_id: str,
    thread_ts: str,
    user_id: str,
    license_id: str | None,
    state: dict[str, Any],
    expected_version: int | None,
    now: dt.datetime,
) -> int:
    """Insert (expected_version None) or update (the version read); the new version.

    Raises StoreConflict when the dialog exists already (insert) or its version moved (update).
    """
    values = {
        "channel_id": channel_id,
        "thread_ts": thread_ts,
        "user_id": user_id,
        "license_id": license_id,
        "state": encode_json(state, what="dialog state"),
    }
    if expected_version is None:
        return _insert(conn, dialog_id, values=values, now=now)
    result = conn.execute(
        sa.update(dialogs)
        .where(dialogs.c.dialog_id == dialog_id, dialogs.c.version == expected_version)
        .values(**values, version=expected_version + 1, updated_at=now)
    )
    if result.rowcount != 1:
        found = conn.execute(
            sa.select(dialogs.c.version).where(dialogs.c.dialog_id == dialog_id)
        ).scalar()
        where = "no longer exists" if found is None else f"is at version {found}"
        raise StoreConflict(
            f"dialog {dialog_id} {where}, not version {expected_version}; reload and retry"
        )
    return expected_version + 1


def _insert(conn: Connection, dialog_id: str, *, values: dict[str, Any], now: dt.datetime) -> int:
    row = {**values, "dialog_id": dialog_id, "version": 1, "created_at": now, "updated_at": now}
    if not insert_ignoring_conflict(conn, dialogs, row, key=["dialog_id"]):
        raise StoreConflict(f"dialog {dialog_id} already exists; load it and save its version")
    return 1


def load(conn: Connection, dialog_id: str) -> StoredDialog | None:
    row = (
        conn.execute(sa.select(dialogs).where(dialogs.c.dialog_id == dialog_id)).mappings().first()
    )
    return None if row is None else _from_row(row)


def find_by_thread(conn: Connection, channel_id: str, thread_ts: str) -> StoredDialog | None:
    """The most recently saved dialog in that thread."""
    row = (
        conn.execute(
            sa.select(dialogs)
            .where(dialogs.c.channel_id == channel_id, dialogs.c.thread_ts == thread_ts)
            .order_by(dialogs.c.updated_at.desc(), dialogs.c.dialog_id)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return None if row is None else _from_row(row)


def expire(conn: Connection, older_than: dt.datetime) -> int:
    """Delete dialogs last saved before `older_than`; how many went."""
    result = conn.execute(sa.delete(dialogs).where(dialogs.c.updated_at < older_than))
    return int(result.rowcount)


def _from_row(row: RowMapping) -> StoredDialog:
    return StoredDialog(
        dialog_id=row["dialog_id"],
        channel_id=row["channel_id"],
        thread_ts=row["thread_ts"],
        user_id=row["user_id"],
        license_id=row["license_id"],
        state=decode_json_object(row["state"], what=f"state of dialog {row['dialog_id']}"),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
