"""The job journal: what a job (one Slack request served after the ack) has done so far, so that
running it again after its worker died repeats none of it (bot.jobs.journal).

One row per (job, entry): e.g. "slack:0" holds the ts of the job's first Slack post, and
"dialog:<id>" the dialog as it was before the job first changed it. Entries are kept for a
couple of days, then purged.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.schema import job_journal
from bot.store.sql import dialect_insert, encode_json, insert_ignoring_conflict

KEEP_FOR = dt.timedelta(days=2)


def entries(conn: Connection, job_key: str) -> dict[str, Any]:
    """Every entry of the job, decoded (an undecodable one reads as missing)."""
    rows = conn.execute(sa.select(job_journal.c.entry, job_journal.c.value)
                        .where(job_journal.c.job_key == job_key))
    found: dict[str, Any] = {}
    for entry, value in rows:
        try:
            found[str(entry)] = json.loads(value)
        except ValueError:
            continue
    return found


def record(conn: Connection, job_key: str, entry: str, value: Any, *, replace: bool,
           now: dt.datetime) -> bool:
    """Write the entry; unless `replace`, only when it is not there yet. True when written."""
    row = {"job_key": job_key, "entry": entry, "at": now,
           "value": encode_json(value, what=f"journal entry {entry}")}
    if not replace:
        return insert_ignoring_conflict(conn, job_journal, row, key=["job_key", "entry"])
    insert = dialect_insert(conn, job_journal).values(**row)
    conn.execute(insert.on_conflict_do_update(
        index_elements=["job_key", "entry"],
        set_={"value": insert.excluded.value, "at": insert.excluded.at}))
    return True


def purge(conn: Connection, *, before: dt.datetime) -> int:
    """Delete entries written before `before`; how many went."""
    result = conn.execute(sa.delete(job_journal).where(job_journal.c.at < before))
    return int(result.rowcount)
