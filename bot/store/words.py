"""What people typed to the bot in a dialog's thread, kept for a while so that an escalation can
quote the customer's own question and words. Sanitised on the way in; bounded in age and count."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from bot.store.records import ThreadWords
from bot.store.sanitise import clean_text
from bot.store.schema import thread_words

TEXT_LIMIT = 1000  # characters kept of one message
KEEP_FOR = dt.timedelta(days=14)  # older words are deleted when new ones are recorded
PER_THREAD = 20  # the newest this many are quoted


def record(
    conn: Connection, channel_id: str, thread_ts: str, *, user_id: str, text: str,
    now: dt.datetime,
) -> ThreadWords | None:
    """Keep one message (secrets masked, control characters gone); None when nothing is left."""
    cleaned = clean_text(text, limit=TEXT_LIMIT)
    if not cleaned:
        return None
    result = conn.execute(sa.insert(thread_words).values(
        channel_id=channel_id, thread_ts=thread_ts, user_id=user_id, text=cleaned, at=now))
    conn.execute(sa.delete(thread_words).where(thread_words.c.at < now - KEEP_FOR))
    key = result.inserted_primary_key
    new_id = int(key[0]) if key is not None else 0
    return ThreadWords(new_id, channel_id, thread_ts, user_id, cleaned, now)


def unforwarded(conn: Connection, channel_id: str, thread_ts: str) -> list[ThreadWords]:
    """The newest PER_THREAD messages of a thread not yet given to an escalation, oldest first."""
    rows = conn.execute(
        sa.select(thread_words)
        .where(thread_words.c.channel_id == channel_id, thread_words.c.thread_ts == thread_ts,
               thread_words.c.escalation_key.is_(None))
        .order_by(thread_words.c.id.desc())
        .limit(PER_THREAD)
    ).mappings()
    return [_from_row(row) for row in reversed(list(rows))]


def forward(conn: Connection, channel_id: str, thread_ts: str, *, key: str,
            through_id: int | None = None) -> list[ThreadWords]:
    """Give the thread's unforwarded words (up to `through_id`, when given) to escalation `key`;
    returns those this call gave (of callers racing, each message goes to one)."""
    taken = [w for w in unforwarded(conn, channel_id, thread_ts)
             if through_id is None or w.id <= through_id]
    condition = sa.and_(thread_words.c.channel_id == channel_id,
                        thread_words.c.thread_ts == thread_ts,
                        thread_words.c.escalation_key.is_(None))
    if through_id is not None:
        condition = sa.and_(condition, thread_words.c.id <= through_id)
    result = conn.execute(sa.update(thread_words).where(condition).values(escalation_key=key)
                          .returning(thread_words.c.id))
    marked = {int(row[0]) for row in result}
    return [w for w in taken if w.id in marked]


def _from_row(row: RowMapping) -> ThreadWords:
    return ThreadWords(id=int(row["id"]), channel_id=row["channel_id"],
                       thread_ts=row["thread_ts"], user_id=row["user_id"], text=row["text"],
                       at=row["at"])
