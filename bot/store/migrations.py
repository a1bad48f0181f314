"""Versioned schema migrations: an ordered list of functions, each run once in its own transaction.

The database keeps the applied versions in `schema_version`. Upgrading takes a lock first so that
several processes starting at once apply each migration exactly once: a PostgreSQL transaction
advisory lock (scoped to the current schema), or SQLite's write lock (BEGIN IMMEDIATE).

Migrations state their DDL in full here and never import bot.store.schema, so that changing the
current schema later cannot change what an old migration did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.store.records import UpgradeResult
from bot.store.sql import UTCDateTime

Migration = Callable[[Connection], None]

# Arbitrary constant ("Rst") that namespaces our advisory locks among other applications'.
_ADVISORY_LOCK_CLASS = 0x527374

_version_metadata = sa.MetaData()
_schema_version = sa.Table(
    "schema_version",
    _version_metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)


def _m001_initial(conn: Connection) -> None:
    """Dialogs, channel links, escalations, idempotency claims, audit log, diagnoses."""
    md = sa.MetaData()
    row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    sa.Table(
        "dialogs", md,
        sa.Column("dialog_id", sa.Text, primary_key=True),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("thread_ts", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("license_id", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Index("ix_dialogs_thread", "channel_id", "thread_ts"),
        sa.Index("ix_dialogs_updated_at", "updated_at"),
    )  # fmt: skip
    sa.Table(
        "channel_links", md,
        sa.Column("channel_id", sa.Text, primary_key=True),
        sa.Column("license_id", sa.Text, nullable=False),
        sa.Column("linked_by", sa.Text, nullable=False),
        sa.Column("linked_at", UTCDateTime, nullable=False),
    )  # fmt: skip
    sa.Table(
        "escalations", md,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("dialog_id", sa.Text),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("license_id", sa.Text),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("message_ts", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("posted_at", UTCDateTime),
        sa.Column("closed_at", UTCDateTime),
        sa.Index("ix_escalations_status_created", "status", "created_at"),
    )  # fmt: skip
    sa.Table(
        "claims", md,
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Index("ix_claims_expires_at", "expires_at"),
    )  # fmt: skip
    sa.Table(
        "audit_log", md,
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("team_id", sa.Text, nullable=False),
        sa.Column("is_staff", sa.Boolean, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("license_id", sa.Text),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("refused", sa.Boolean, nullable=False),
        sa.Index("ix_audit_log_at", "at"),
        sa.Index("ix_audit_log_license_at", "license_id", "at"),
    )  # fmt: skip
    sa.Table(
        "diagnoses", md,
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("license_id", sa.Text, nullable=False),
        sa.Column("statuses", sa.Text, nullable=False),
        sa.Column("by_user", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Index("ix_diagnoses_at", "at"),
    )  # fmt: skip
    md.create_all(conn)


def _m002_escalation_workflow(conn: Connection) -> None:
    """Escalations are open, claimed or resolved, and by whom; each has a scope (its license, or
    its channel) so one escalation per scope stands within a cooling-off window; the words people
    type to the bot in a dialog's thread are kept for the support summary."""
    for column in (
        sa.Column("scope", sa.Text),
        sa.Column("claimed_by", sa.Text),
        sa.Column("claimed_at", UTCDateTime),
        sa.Column("resolved_by", sa.Text),
    ):
        ddl = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE escalations ADD COLUMN {ddl}"))
    # "posted" was an open escalation whose summary was out; "closed" is now "resolved"
    conn.execute(sa.text("UPDATE escalations SET status = 'open' WHERE status = 'posted'"))
    conn.execute(sa.text("UPDATE escalations SET status = 'resolved' WHERE status = 'closed'"))
    md = sa.MetaData()
    row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    escalations = sa.Table("escalations", md, sa.Column("scope", sa.Text),
                           sa.Column("created_at", UTCDateTime))
    sa.Index("ix_escalations_scope_created", escalations.c.scope,
             escalations.c.created_at).create(conn)
    sa.Table(
        "thread_words", md,
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("thread_ts", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("escalation_key", sa.Text),
        sa.Index("ix_thread_words_thread", "channel_id", "thread_ts", "id"),
        sa.Index("ix_thread_words_at", "at"),
    ).create(conn)  # fmt: skip


def _m003_job_journal(conn: Connection) -> None:
    """What each job (a Slack request served after the ack) has done so far: its Slack posts
    and the dialogs as they were before it changed them, so a retried job repeats nothing."""
    md = sa.MetaData()
    sa.Table(
        "job_journal", md,
        sa.Column("job_key", sa.Text, primary_key=True),
        sa.Column("entry", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Index("ix_job_journal_at", "at"),
    ).create(conn)  # fmt: skip


def _m004_sweeps(conn: Connection) -> None:
    """The watch (issue 11): sweeps, each license's compact result in each, the lease that keeps
    two replicas from sweeping at once, and whether a linked channel hears of regressions."""
    md = sa.MetaData()
    row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    sa.Table(
        "sweeps", md,
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("trigger", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("digest_ts", sa.Text),
        sa.Index("ix_sweeps_status_id", "status", "id"),
    ).create(conn)  # fmt: skip
    sa.Table(
        "sweep_results", md,
        sa.Column("sweep_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("license_id", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("checked", sa.Boolean, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("broken_since", UTCDateTime),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Index("ix_sweep_results_license", "license_id", "sweep_id"),
    ).create(conn)  # fmt: skip
    sa.Table(
        "sweep_lock", md,
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("acquired_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    ).create(conn)  # fmt: skip
    watch = sa.Column("watch", sa.Boolean, nullable=False, server_default=sa.false())
    ddl = sa.schema.CreateColumn(watch).compile(dialect=conn.dialect)
    conn.execute(sa.text(f"ALTER TABLE channel_links ADD COLUMN {ddl}"))


def _m005_license_fixes(conn: Connection) -> None:
    """Fixes made to licenses from Slack or the CLI (issue 11): the change, its undo, the
    license before and after with their versions, who, where, the finding that proposed it,
    and whether (and by which undo) it was undone."""
    md = sa.MetaData()
    row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    sa.Table(
        "license_fixes", md,
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("license_id", sa.Text, nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("undo", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("before_version", sa.Text, nullable=False),
        sa.Column("after_version", sa.Text, nullable=False),
        sa.Column("finding", sa.Text),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("by_user", sa.Text, nullable=False),
        sa.Column("team_id", sa.Text, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("surface", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("undo_of", sa.BigInteger),
        sa.Column("undone_by", sa.Text),
        sa.Column("undone_at", UTCDateTime),
        sa.Column("undone_in", sa.BigInteger),
        sa.Index("ix_license_fixes_license_at", "license_id", "at"),
        sa.Index("ix_license_fixes_at", "at"),
    ).create(conn)  # fmt: skip


MIGRATIONS: tuple[Migration, ...] = (
    _m001_initial, _m002_escalation_workflow, _m003_job_journal, _m004_sweeps,
    _m005_license_fixes)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return len(migrations)


def current_version(engine: Engine) -> int:
    """The highest applied version; 0 for an empty database."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        return _applied_version(conn)


def upgrade(
    engine: Engine,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    now: Callable[[], dt.datetime],
) -> UpgradeResult:
    """Apply every pending migration, one transaction each; safe to run from many processes."""
    before: int | None = None
    applied = 0  # by this call; another upgrader may apply some between two of our turns
    while True:
        with engine.begin() as conn:
            _lock(conn)
            _schema_version.create(conn, checkfirst=True)
            version = _applied_version(conn)
            before = version if before is None else before
            if version >= len(migrations):
                return UpgradeResult(before=before, after=version, applied=applied)
            migrations[version](conn)
            conn.execute(sa.insert(_schema_version).values(version=version + 1, applied_at=now()))
        applied += 1  # counted once the transaction committed


def _lock(conn: Connection) -> None:
    """Serialise upgraders until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:cls, hashtext(current_schema()))"),
            {"cls": _ADVISORY_LOCK_CLASS},
        )
    # SQLite: the transaction began with BEGIN IMMEDIATE, which already holds the write lock.


def _applied_version(conn: Connection) -> int:
    version = conn.execute(sa.select(sa.func.max(_schema_version.c.version))).scalar()
    return int(version or 0)
