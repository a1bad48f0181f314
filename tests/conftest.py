"""Suite-wide fixtures: no test can reach a real Slack or ClassLink through the environment."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_SECRET_PREFIXES = ("SLACK_", "CLASSLINK_", "ROSTERBOT_", "DATABASE_URL")


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(_SECRET_PREFIXES) and name != "ROSTERBOT_CI":
            monkeypatch.delenv(name)
    yield


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; tests that need it skip on a fresh clone without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (fresh clone); this test reads reference data")
    return SHARED


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
