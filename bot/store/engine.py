"""Database engines for the store, and the translation of driver errors into StoreError.

SQLite: WAL mode so readers never wait for the writer, a busy timeout so writers queue instead
of failing, foreign keys on, and every write transaction started with BEGIN IMMEDIATE so two
processes cannot both read, then both try to upgrade to a write lock (which SQLite refuses).
Switching a new database file to WAL has the same read-then-upgrade shape, and SQLite answers
"database is locked" at once to one of two connections doing it together (its busy handler is
not called there, to avoid a deadlock): that switch is retried until the busy timeout instead.
PostgreSQL (psycopg 3): a connection pool that pings each connection before use, so the first
call after a server restart reconnects instead of failing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL

from bot.store.errors import StoreError, StoreUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
PG_POOL_SIZE = 5
PG_MAX_OVERFLOW = 10
POOL_TIMEOUT_S = 10

# Set on a connection (execution option) whose transaction only reads: SQLite may then start
# it with a plain deferred BEGIN and run alongside the writer.
READ_ONLY = "rosterbot_read_only"

_SCHEMA_PROBLEMS = ("no such table", "no such column", "has no column")


def normalise_url(database_url: str) -> URL:
    """sqlite:///path or postgresql://... as a SQLAlchemy URL with the psycopg 3 driver."""
    raw = database_url.strip()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        url = make_url(raw)
    except exc.ArgumentError:
        raise StoreError(f"DATABASE_URL is not a database URL: {_redact(raw)!r}") from None
    if url.drivername in ("postgresql", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise StoreError("the SQLite store needs a file path: sqlite:///path/to/file.sqlite3")
        return url
    raise StoreError(
        f"DATABASE_URL must be sqlite:///path or postgresql://..., got {url.drivername}"
    )


def create_store_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return _postgresql_engine(url)


def _sqlite_engine(url: URL) -> Engine:
    assert url.database is not None  # normalise_url guarantees a path
    try:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailable(f"cannot create the folder for {url.database}: {error}") from None
    engine = sa.create_engine(url, pool_timeout=POOL_TIMEOUT_S)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control from the sqlite3 module; the "begin" hook issues BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database file in WAL mode (persistent: later connections find it there).

    The switch reads the file, then needs the exclusive lock. When two connections try it at once
    on a new file (several processes or threads starting together), each holds the shared lock
    the other must see released, so SQLite fails one of them with "database is locked" without
    waiting. That one waits its turn here: a pause, then another try, up to the busy timeout.
    """
    if _journal_mode(cursor) == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            with _WAL_SWITCH:  # threads of this process take turns; other processes retry
                cursor.execute("PRAGMA journal_mode = WAL")
                return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
        if _journal_mode(cursor) == "wal":
            return


_WAL_SWITCH = threading.Lock()


def _journal_mode(cursor: sqlite3.Cursor) -> str:
    row = cursor.execute("PRAGMA journal_mode").fetchone()
    return str(row[0]).lower() if row else ""


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


def _begin_sqlite_transaction(conn: Connection) -> None:
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _postgresql_engine(url: URL) -> Engine:
    query = dict(url.query)
    query.setdefault("connect_timeout", str(PG_CONNECT_TIMEOUT_S))
    try:  # SQLAlchemy imports psycopg here, and only here: it is the optional `postgres` extra
        return sa.create_engine(
            url.set(query=query),
            pool_pre_ping=True,
            pool_size=PG_POOL_SIZE,
            max_overflow=PG_MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            pool_recycle=1800,
        )
    except ImportError as error:
        raise StoreError(
            "DATABASE_URL names PostgreSQL, but its driver (psycopg) is not installed: "
            "install rosterbot with the postgres extra, pip install 'rosterbot[postgres]'"
        ) from error


def translate_error(error: exc.SQLAlchemyError) -> StoreError:
    """A StoreUnavailable when the database cannot be reached, else a StoreError, both clear."""
    reason = _reason(error)
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return StoreUnavailable(f"the store is unavailable (connection lost): {reason}")
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        if any(problem in reason for problem in _SCHEMA_PROBLEMS):
            return StoreError(
                f"the store's schema is out of date ({reason}); run `rosterbot db upgrade`"
            )
        return StoreUnavailable(f"the store is unavailable: {reason}")
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):
        return StoreUnavailable(f"the store is unavailable: {reason}")
    if isinstance(error, exc.IntegrityError):
        return StoreError(f"the store refused the write: {reason}")
    return StoreError(f"the store failed: {reason}")


def _reason(error: exc.SQLAlchemyError) -> str:
    source: BaseException = error
    if isinstance(error, exc.DBAPIError) and error.orig is not None:
        source = error.orig
    lines = [line.strip() for line in str(source).splitlines() if line.strip()]
    text = lines[0] if lines else type(source).__name__
    return text[:300]


def _redact(raw: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return raw.split("@")[-1]
