"""SQLite: connections opening a new database file together all get WAL mode, none fails.

Switching a file to WAL reads it, then needs the exclusive lock; SQLite answers "database is
locked" at once (without its busy handler) to one of two connections doing it at the same moment.
That used to fail `open_store` or an upgrade about one time in ten when replicas started
together (the flaky test_concurrent_upgrades_from_threads_apply_each_migration_once[sqlite]).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa

from bot.store import open_store
from bot.store.engine import create_store_engine, normalise_url
from bot.store.migrations import latest_version

ROUNDS = 25
CONNECTIONS = 6


def _connect_together(path: Path) -> list[BaseException | str]:
    engines = [create_store_engine(normalise_url(f"sqlite:///{path}")) for _ in range(CONNECTIONS)]
    barrier = threading.Barrier(CONNECTIONS)
    outcomes: list[BaseException | str] = []

    def connect(engine: sa.Engine) -> None:
        barrier.wait()
        try:
            with engine.connect() as conn:
                outcomes.append(str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()))
        except BaseException as exc:  # collected, asserted by the caller
            outcomes.append(exc)

    threads = [threading.Thread(target=connect, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    return outcomes


def test_new_file_opened_by_many_connections_at_once_is_wal_for_all(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        outcomes = _connect_together(tmp_path / f"round{round_}.sqlite3")
        assert outcomes == ["wal"] * CONNECTIONS, (round_, outcomes)


def _upgrade_together(url: str) -> list[BaseException]:
    stores = [open_store(url, migrate=False) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def upgrade(index: int) -> None:
        barrier.wait()
        try:
            stores[index].upgrade()
        except BaseException as exc:  # collected, asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=upgrade, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        if not errors:
            assert stores[0].schema_version() == latest_version()
    finally:
        for store in stores:
            store.close()
    return errors


def test_stores_upgrading_a_new_file_together_all_succeed(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        errors = _upgrade_together(f"sqlite:///{tmp_path / f'round{round_}.sqlite3'}")
        assert errors == [], (round_, errors)


def test_a_file_already_in_wal_mode_is_not_switched_again(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    raw.close()
    engine = create_store_engine(normalise_url(f"sqlite:///{path}"))
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
