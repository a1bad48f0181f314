"""Concurrent upgrades: each caller reports the migrations it applied itself.

With several migrations pending, upgraders take turns one migration at a time, so one caller's
first and last look at the version can straddle migrations another caller applied. Counting
`after - before` then counted those twice (test_concurrent_upgrades_from_threads_apply_each_
migration_once failed about once in a hundred runs as soon as a second migration existed).
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store import open_store
from bot.store.migrations import MIGRATIONS, Migration

ROUNDS = 12
UPGRADERS = 4
EXTRA = 6


def _recorded(migrations: list[Migration], ran_by: list[str]) -> list[Migration]:
    """The same migrations, each noting which thread ran it."""
    def noting(migration: Migration) -> Migration:
        def migrate(conn: Connection) -> None:
            migration(conn)
            ran_by.append(threading.current_thread().name)

        return migrate

    return [noting(m) for m in migrations]


def _extra(n: int) -> Migration:
    def migrate(conn: Connection) -> None:
        conn.execute(sa.text(f"CREATE TABLE extra_{n} (id INTEGER PRIMARY KEY)"))

    return migrate


def _upgrade_together(url: str) -> tuple[dict[str, int], Counter[str], int]:
    """(applied as each upgrader reported it, migrations each really ran, version after)."""
    ran_by: list[str] = []
    migrations = _recorded([*MIGRATIONS, *(_extra(n) for n in range(EXTRA))], ran_by)
    stores = [open_store(url, migrate=False) for _ in range(UPGRADERS)]
    barrier = threading.Barrier(UPGRADERS)
    reported: dict[str, int] = {}
    errors: list[BaseException] = []

    def upgrade(index: int) -> None:
        barrier.wait()
        try:
            result = stores[index].upgrade(migrations)
            reported[threading.current_thread().name] = result.applied
        except BaseException as exc:  # collected, asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=upgrade, args=(i,), name=f"upgrader-{i}")
               for i in range(UPGRADERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        version = stores[0].schema_version()
    finally:
        for store in stores:
            store.close()
    return reported, Counter(ran_by), version


def test_each_upgrader_reports_what_it_applied_itself(tmp_path: Path) -> None:
    total = len(MIGRATIONS) + EXTRA
    for round_ in range(ROUNDS):
        reported, ran, version = _upgrade_together(f"sqlite:///{tmp_path / f'r{round_}.sqlite3'}")
        assert version == total
        assert sum(ran.values()) == total  # each migration ran once
        assert reported == {name: ran[name] for name in reported}, (round_, reported, ran)
