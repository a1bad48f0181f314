"""`rosterbot db upgrade|current` and `rosterbot audit`, run as the installed command."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.cli.audit import parse_since
from bot.cli.output import UsageError
from bot.store import AuditEntry, open_store
from bot.store.migrations import latest_version

REPO = Path(__file__).resolve().parents[2]
ROSTERBOT = REPO / ".venv" / "bin" / "rosterbot"
LATEST = latest_version()


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([str(ROSTERBOT), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip


def test_db_upgrade_then_current(sqlite_url: str) -> None:
    pending = _run(sqlite_url, "db", "current", "--check")
    assert pending.returncode == 1, pending.stderr
    assert f"schema version 0 (latest {LATEST})" in pending.stdout
    first = _run(sqlite_url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert f"upgraded from version 0 to {LATEST}" in first.stdout
    again = _run(sqlite_url, "db", "upgrade")
    assert f"schema already at version {LATEST}" in again.stdout
    current = _run(sqlite_url, "db", "current", "--check")
    assert (
        current.returncode == 0 and f"schema version {LATEST} (latest {LATEST})" in current.stdout
    )


@pytest.mark.postgres
def test_db_upgrade_on_postgresql(pg_url: str) -> None:
    result = _run(pg_url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert f"to {LATEST}" in result.stdout and "postgresql+psycopg://" in result.stdout
    with open_store(pg_url, migrate=False) as store:
        assert store.schema_version() == LATEST


def test_db_upgrade_with_the_database_down_fails_clearly() -> None:
    result = _run("postgresql://postgres@127.0.0.1:1/test", "db", "upgrade")
    assert result.returncode == 2
    assert "store is unavailable" in result.stderr and "Traceback" not in result.stderr


def test_db_upgrade_with_a_bad_url_names_the_variable(tmp_path: Path) -> None:
    result = _run("mysql://u@h/db", "db", "upgrade")
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


def test_audit_prints_one_license_since_a_time(sqlite_url: str) -> None:
    now = dt.datetime.now(dt.UTC)
    with open_store(sqlite_url) as store:
        for license_id, days_ago, refused in (
            ("lic-a", 9, False),
            ("lic-a", 1, False),
            ("lic-b", 1, True),
            ("lic-a", 0, True),
        ):
            entry = AuditEntry(
                user_id="U1",
                team_id="T1",
                is_staff=not refused,
                channel_id="C1",
                license_id=license_id,
                command="slash:check",
                result=f"{license_id} {days_ago}d",
                refused=refused,
                at=now - dt.timedelta(days=days_ago),
            )
            store.audit(entry)
    text = _run(sqlite_url, "audit", "--license", "lic-a", "--since", "7d")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split("\t")[1:7] == ["U1", "T1", "staff", "C1", "lic-a", "slash:check"]
    assert lines[0].endswith("lic-a 1d") and lines[1].endswith("REFUSED lic-a 0d")
    as_json = _run(sqlite_url, "audit", "--since", "2d", "--json")
    entries = json.loads(as_json.stdout)["entries"]
    assert [(e["license_id"], e["refused"]) for e in entries] == [
        ("lic-a", False), ("lic-b", True), ("lic-a", True)]  # fmt: skip
    empty = _run(sqlite_url, "audit", "--license", "lic-z")
    assert empty.stdout.strip() == "no audit entries for license lic-z"


def test_audit_refuses_a_bad_since(sqlite_url: str) -> None:
    result = _run(sqlite_url, "audit", "--since", "last tuesday")
    assert result.returncode == 2 and "--since" in result.stderr


NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", NOW - dt.timedelta(minutes=30)),
        ("12h", NOW - dt.timedelta(hours=12)),
        ("7d", NOW - dt.timedelta(days=7)),
        ("2W", NOW - dt.timedelta(weeks=2)),
        ("2026-11-01", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        ("2026-11-01T10:00:00+02:00", dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)),
    ],
)
def test_parse_since(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["", "7", "d7", "7 days", "2026-13-01"])
def test_parse_since_refuses_nonsense(text: str) -> None:
    with pytest.raises(UsageError, match="--since"):
        parse_since(text, now=NOW)
