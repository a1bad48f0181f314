"""Store fixtures: every store test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL tests get a schema of their own in the `test` database (dropped afterwards), so they
never touch other suites' tables. A missing server skips them, except under ROSTERBOT_CI=1, where
it fails: CI must run them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import FakeClock, StoreFactory

from bot.store import Store, open_store


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'rosterbot.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on both backends."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def open_replica(database_url: str, clock: FakeClock) -> Iterator[StoreFactory]:
    """Opens another Store on the same database (a second replica); all closed at the end."""
    opened: list[Store] = []

    def factory(**kwargs: object) -> Store:
        store = open_store(database_url, clock=clock, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(open_replica: StoreFactory) -> Store:
    return open_replica()
