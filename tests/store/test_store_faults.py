"""Faults: the database down or dropping connections, bad URLs, half-finished writes."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Connection

import bot.store.diagnoses
import bot.store.links
from bot.store import Store, StoreError, StoreUnavailable, open_store


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_refused_postgresql_is_unavailable_on_open() -> None:
    with pytest.raises(StoreUnavailable, match="unavailable.*refused"):
        open_store(f"postgresql://postgres@127.0.0.1:{_closed_port()}/test")


def test_refused_postgresql_is_unavailable_on_first_call() -> None:
    with open_store("postgresql://postgres@127.0.0.1:1/test", migrate=False) as store:
        with pytest.raises(StoreUnavailable):
            store.claim("slack_event", "Ev1")
        with pytest.raises(StoreUnavailable):
            store.load_dialog("d1")


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "sqlite:///:memory:", "sqlite://", "not a url at all"]
)
def test_unsupported_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(StoreError, match="sqlite:///|DATABASE_URL"):
        open_store(url)


def test_an_unmigrated_database_says_to_upgrade(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}", migrate=False) as store:
        with pytest.raises(StoreError, match="rosterbot db upgrade") as caught:
            store.load_dialog("d1")
    assert not isinstance(caught.value, StoreUnavailable)


def test_a_failure_mid_change_leaves_nothing_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_prune(conn: Connection, *, newest_id: int, keep: int) -> int:
        raise exc.OperationalError("DELETE FROM diagnoses", {}, Exception("disk I/O error"))

    monkeypatch.setattr(bot.store.diagnoses, "prune", failing_prune)
    with pytest.raises(StoreUnavailable, match="disk I/O error"):
        store.record_diagnosis("lic-a", statuses={"application": "pass"}, by_user="U1")
    monkeypatch.undo()
    assert store.recent_diagnoses(10) == []  # the insert before the failure was rolled back


def test_sqlite_is_in_wal_mode_and_waits_for_a_busy_writer(tmp_path: Path) -> None:
    path = tmp_path / "rosterbot.sqlite3"
    with open_store(f"sqlite:///{path}") as store:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock...
            other.execute("INSERT INTO claims VALUES ('k', 'other', '2026-01-01', '2999-01-01')")
            release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
            release.start()
            started = time.monotonic()
            assert store.claim("slack_event", "Ev1") is True  # ...so this waits, then succeeds
            assert time.monotonic() - started >= 0.2
            release.join()
        finally:
            other.close()


@pytest.mark.postgres
def test_postgresql_connections_dropped_then_the_next_call_works(
    pg_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    with open_store(pg_url) as store:
        store.link_channel("C1", "lic-a", by_user="U1")
        _terminate_backends(postgres_admin, pg_url)  # as when the server restarts
        assert store.linked_license("C1") == "lic-a"  # pool pre-ping reconnects


@pytest.mark.postgres
def test_postgresql_dying_mid_transaction_writes_nothing(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_link = bot.store.links.link

    def link_then_lose_the_server(conn: Connection, *args: object, **kwargs: object) -> object:
        result = real_link(conn, *args, **kwargs)  # type: ignore[arg-type]
        conn.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return result

    with open_store(pg_url) as store:
        monkeypatch.setattr(bot.store.links, "link", link_then_lose_the_server)
        with pytest.raises(StoreUnavailable):
            store.link_channel("C1", "lic-a", by_user="U1")
        monkeypatch.undo()
        assert store.linked_license("C1") is None
        store.link_channel("C1", "lic-b", by_user="U1")  # and service resumes
        assert store.linked_license("C1") == "lic-b"


def _terminate_backends(admin: psycopg.Connection[tuple[object, ...]], url: str) -> None:
    app_name = parse_qs(urlsplit(url).query)["application_name"][0]
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
        (app_name,),
    )
    for _ in range(50):  # termination is asynchronous
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (app_name,)
        ).fetchone()
        if row == (0,):
            return
        time.sleep(0.02)
