"""Which license a Slack channel is linked to (set by staff with /roster link)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.records import ChannelLink
from bot.store.schema import channel_links
from bot.store.sql import upsert


def link(
    conn: Connection, channel_id: str, license_id: str, *, by_user: str, now: dt.datetime
) -> ChannelLink:
    """Link the channel, replacing any earlier link."""
    row = {"channel_id": channel_id, "license_id": license_id, "linked_by": by_user,
           "linked_at": now}  # fmt: skip
    upsert(conn, channel_links, row, key=["channel_id"])
    return ChannelLink(
        channel_id=channel_id, license_id=license_id, linked_by=by_user, linked_at=now
    )


def unlink(conn: Connection, channel_id: str) -> bool:
    """Remove the link; False when the channel was not linked."""
    result = conn.execute(sa.delete(channel_links).where(channel_links.c.channel_id == channel_id))
    return result.rowcount == 1


def get(conn: Connection, channel_id: str) -> ChannelLink | None:
    row = (
        conn.execute(sa.select(channel_links).where(channel_links.c.channel_id == channel_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return ChannelLink(
        channel_id=row["channel_id"],
        license_id=row["license_id"],
        linked_by=row["linked_by"],
        linked_at=row["linked_at"],
    )
