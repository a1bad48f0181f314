"""The tables as the queries see them (the current schema).

Migrations in bot.store.migrations create and change these; a test holds the two together.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.store.sql import UTCDateTime

metadata = sa.MetaData()

# Autoincrement ids: BIGINT identity on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

dialogs = sa.Table(
    "dialogs",
    metadata,
    sa.Column("dialog_id", sa.Text, primary_key=True),
    sa.Column("channel_id", sa.Text, nullable=False),
    sa.Column("thread_ts", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("license_id", sa.Text),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

channel_links = sa.Table(
    "channel_links",
    metadata,
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("license_id", sa.Text, nullable=False),
    sa.Column("linked_by", sa.Text, nullable=False),
    sa.Column("linked_at", UTCDateTime, nullable=False),
    # the watch announces this license's regressions in the channel (/roster watch on|off)
    sa.Column("watch", sa.Boolean, nullable=False, server_default=sa.false()),
)

escalations = sa.Table(
    "escalations",
    metadata,
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
    sa.Column("scope", sa.Text),
    sa.Column("claimed_by", sa.Text),
    sa.Column("claimed_at", UTCDateTime),
    sa.Column("resolved_by", sa.Text),
)

thread_words = sa.Table(
    "thread_words",
    metadata,
    sa.Column("id", RowId, primary_key=True, autoincrement=True),
    sa.Column("channel_id", sa.Text, nullable=False),
    sa.Column("thread_ts", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("escalation_key", sa.Text),  # set once forwarded to that escalation
)

claims = sa.Table(
    "claims",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", RowId, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("team_id", sa.Text, nullable=False),
    sa.Column("is_staff", sa.Boolean, nullable=False),
    sa.Column("channel_id", sa.Text, nullable=False),
    sa.Column("license_id", sa.Text),
    sa.Column("command", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("refused", sa.Boolean, nullable=False),
)

diagnoses = sa.Table(
    "diagnoses",
    metadata,
    sa.Column("id", RowId, primary_key=True, autoincrement=True),
    sa.Column("license_id", sa.Text, nullable=False),
    sa.Column("statuses", sa.Text, nullable=False),
    sa.Column("by_user", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

job_journal = sa.Table(
    "job_journal",
    metadata,
    sa.Column("job_key", sa.Text, primary_key=True),
    sa.Column("entry", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

# The watch (bot.store.sweeps)
sweeps = sa.Table(
    "sweeps",
    metadata,
    sa.Column("id", RowId, primary_key=True, autoincrement=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("trigger", sa.Text, nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("digest_ts", sa.Text),
)

sweep_results = sa.Table(
    "sweep_results",
    metadata,
    sa.Column("sweep_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("license_id", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("checked", sa.Boolean, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("broken_since", UTCDateTime),
    sa.Column("at", UTCDateTime, nullable=False),
)

sweep_lock = sa.Table(
    "sweep_lock",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("acquired_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

# Fixes made to licenses (bot.store.fixes)
license_fixes = sa.Table(
    "license_fixes",
    metadata,
    sa.Column("id", RowId, primary_key=True, autoincrement=True),
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
)
