"""Column types and statement helpers that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect

from bot.store.errors import StoreError


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both backends.

    PostgreSQL keeps timestamptz; SQLite keeps naive UTC text, whose fixed-width format
    sorts and compares correctly as text.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store only takes timezone-aware datetimes")
        value = value.astimezone(dt.UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def encode_json(value: object, *, what: str) -> str:
    """Compact, key-sorted JSON text, or a StoreError naming `what` could not be encoded."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{what} is not JSON-serialisable: {exc}") from None


def decode_json_object(text: str, *, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise StoreError(f"{what} in the store is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise StoreError(f"{what} in the store is not a JSON object")
    return value


def insert_ignoring_conflict(
    conn: Connection, table: sa.Table, values: dict[str, Any], *, key: list[str]
) -> bool:
    """INSERT .. ON CONFLICT (key) DO NOTHING; True when this call inserted the row.

    Atomic in the database, so of several processes racing exactly one gets True.
    """
    insert = dialect_insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=key)
    # RETURNING, not rowcount: psycopg reports no rowcount for INSERT .. ON CONFLICT.
    inserted = conn.execute(insert.returning(table.c[key[0]])).first()
    return inserted is not None


def upsert(conn: Connection, table: sa.Table, values: dict[str, Any], *, key: list[str]) -> None:
    """INSERT .. ON CONFLICT (key) DO UPDATE SET every non-key column."""
    insert = dialect_insert(conn, table).values(**values)
    changes = {name: insert.excluded[name] for name in values if name not in key}
    conn.execute(insert.on_conflict_do_update(index_elements=key, set_=changes))


def dialect_insert(conn: Connection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise StoreError(f"unsupported database backend {conn.dialect.name!r}")
