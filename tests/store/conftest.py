"""Store fixtures: every store test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL tests get a schema of their own in the `test` database (dropped afterwards), so they
never touch other suites' tables. A missing server skips them, except under ROSTERBOT_CI=1, where
it fails: CI must run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from store_helpers import FakeClock, StoreFactory

from bot.store import Store, open_store

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    try:
        conn = psycopg.connect(POSTGRES_SERVER, connect_timeout=3, autocommit=True)
    except psycopg.Error as exc:
        reason = f"PostgreSQL at {POSTGRES_SERVER} is not reachable: {exc}".strip()
        if os.environ.get("ROSTERBOT_CI") == "1":
            pytest.fail(f"{reason} (ROSTERBOT_CI=1: the PostgreSQL tests must run in CI)")
        pytest.skip(reason)
    with conn:
        yield conn


@pytest.fixture
def pg_url(postgres_admin: psycopg.Connection[tuple[object, ...]]) -> Iterator[str]:
    """A URL whose search_path is a fresh schema; connections carry the schema as app name."""
    schema = f"rosterbot_store_{uuid.uuid4().hex[:12]}"
    postgres_admin.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}&application_name={schema}"
    postgres_admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
        (schema,),
    )
    postgres_admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


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
