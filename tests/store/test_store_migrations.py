"""Schema migrations: idempotent, safe when several processes start at once, one per transaction."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from store_helpers import FakeClock, StoreFactory

from bot.store import StoreError, open_store
from bot.store.migrations import MIGRATIONS, latest_version
from bot.store.schema import metadata

REPO = Path(__file__).resolve().parents[2]


def test_open_migrates_to_the_latest_version_once(open_replica: StoreFactory) -> None:
    store = open_replica()
    assert store.schema_version() == latest_version() >= 1
    again = store.upgrade()
    assert (again.before, again.after, again.applied) == (latest_version(), latest_version(), 0)
    assert open_replica().schema_version() == latest_version()


def test_migrate_false_leaves_an_empty_database_alone(database_url: str) -> None:
    with open_store(database_url, migrate=False) as store:
        assert store.schema_version() == 0
        result = store.upgrade()
        assert (result.before, result.after) == (0, latest_version())


def test_migrated_tables_match_the_query_schema(database_url: str) -> None:
    """Migrations and bot.store.schema describe the same tables and columns."""
    with open_store(database_url):
        pass
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for table in metadata.sorted_tables:
                found = {column["name"] for column in inspector.get_columns(table.name)}
                assert found == set(table.columns.keys()), table.name
    finally:
        engine.dispose()


def test_concurrent_upgrades_from_threads_apply_each_migration_once(
    database_url: str, clock: FakeClock
) -> None:
    stores = [open_store(database_url, migrate=False, clock=clock) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    results: list[object] = []

    def upgrade(index: int) -> None:
        barrier.wait()
        try:
            results.append(stores[index].upgrade())
        except Exception as exc:  # collected, asserted below
            results.append(exc)

    threads = [threading.Thread(target=upgrade, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert all(not isinstance(r, Exception) for r in results), results
        assert sum(r.applied for r in results) == latest_version()  # type: ignore[attr-defined]
        assert _version_rows(stores[0]) == list(range(1, latest_version() + 1))
    finally:
        for store in stores:
            store.close()


def test_concurrent_upgrades_from_processes(database_url: str) -> None:
    code = "from bot.store import open_store; open_store(__import__('sys').argv[1]).close()"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url], env=env, stderr=subprocess.PIPE, text=True
        )  # fmt: skip
        for _ in range(3)
    ]
    errors = [proc.communicate(timeout=30)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], errors
    with open_store(database_url, migrate=False) as store:
        assert _version_rows(store) == list(range(1, latest_version() + 1))


def test_a_failing_migration_rolls_back_alone(database_url: str) -> None:
    def create_notes(conn: Connection) -> None:
        conn.execute(sa.text("CREATE TABLE extra_notes (id INTEGER PRIMARY KEY)"))

    def broken(conn: Connection) -> None:
        conn.execute(sa.text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("SELECT * FROM no_such_table_anywhere"))

    with open_store(database_url, migrate=False) as store:
        with pytest.raises(StoreError):
            store.upgrade([*MIGRATIONS, create_notes, broken])
        assert store.schema_version() == latest_version() + 1
        tables = _tables(store)
        assert "extra_notes" in tables
        assert "half_done" not in tables


def _version_rows(store: object) -> list[int]:
    engine = store._engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.text("SELECT version FROM schema_version "
                                                      "ORDER BY version"))]  # fmt: skip


def _tables(store: object) -> set[str]:
    engine = store._engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())
