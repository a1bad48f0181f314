"""Fixes made to licenses (issue 11): who changed what, when, the license before and after, the
finding that proposed it, and whether it was undone.

    fixes = store.fixes                           # a FixStore over the store's transactions
    made = fixes.record(NewFix(...))              # after the license directory took the change
    fixes.last("demo-emails")                     # the newest fix of a license (not an undo)
    fixes.mark_undone(made.id, by="U123", undo_id=undo.id)   # once, by whoever gets there first

An undo is a fix of its own (`undo_of` names the fix it undoes), so the log reads in order.
The license directory's version check is what makes a change safe; this table is the record,
and `mark_undone` (a conditional UPDATE) keeps two undos of one fix from both being recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from bot.store.errors import StoreError
from bot.store.schema import license_fixes
from bot.store.sql import decode_json_object, encode_json

Clock = Callable[[], dt.datetime]
Transaction = Callable[[], AbstractContextManager[Connection]]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewFix:
    """A change the license directory has just made, to record."""

    license_id: str
    change: dict[str, Any]  # checks.licenses.changes.LicenseChange.to_json()
    undo: dict[str, Any]  # the change that undoes it, computed against `before`
    before: dict[str, Any]  # the license (checks.licenses.records.license_to_mapping)
    after: dict[str, Any]
    before_version: str
    after_version: str
    by_user: str  # a Slack user id, or "cli:<login>"
    team_id: str = ""
    channel_id: str = ""  # where it was asked ("" from the CLI)
    surface: str = "slack"  # slack | cli
    finding: str = ""  # the finding code that proposed it ("" when typed by hand)
    summary: str = ""  # one line: what changed, Application IDs masked
    undo_of: int | None = None  # for an undo: the fix it undoes


@dataclass(frozen=True, slots=True, kw_only=True)
class FixRecord(NewFix):
    id: int
    at: dt.datetime
    undone_by: str | None = None
    undone_at: dt.datetime | None = None
    undone_in: int | None = None  # the id of the undo

    @property
    def is_undo(self) -> bool:
        return self.undo_of is not None


class FixStore:
    def __init__(self, read: Transaction, write: Transaction, clock: Clock) -> None:
        self._read, self._write, self._clock = read, write, clock

    def record(self, fix: NewFix) -> FixRecord:
        """Store the fix, stamped now; the record as stored."""
        at = self._clock()
        values = {
            "license_id": fix.license_id, "change": _json(fix.change, "change"),
            "undo": _json(fix.undo, "undo"), "before": _json(fix.before, "before"),
            "after": _json(fix.after, "after"), "before_version": fix.before_version,
            "after_version": fix.after_version, "finding": fix.finding or None,
            "summary": fix.summary, "by_user": fix.by_user, "team_id": fix.team_id,
            "channel_id": fix.channel_id, "surface": fix.surface, "at": at,
            "undo_of": fix.undo_of,
        }
        with self._write() as conn:
            new_id = conn.execute(sa.insert(license_fixes).values(**values)
                                  .returning(license_fixes.c.id)).scalar_one()
            row = conn.execute(sa.select(license_fixes)
                               .where(license_fixes.c.id == new_id)).mappings().one()
        return _record(row)

    def get(self, fix_id: int) -> FixRecord | None:
        with self._read() as conn:
            row = conn.execute(sa.select(license_fixes)
                               .where(license_fixes.c.id == fix_id)).mappings().first()
        return None if row is None else _record(row)

    def last(self, license_id: str) -> FixRecord | None:
        """The newest fix of the license that is not itself an undo."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(license_fixes)
                .where(license_fixes.c.license_id == license_id,
                       license_fixes.c.undo_of.is_(None))
                .order_by(license_fixes.c.at.desc(), license_fixes.c.id.desc())
                .limit(1)).mappings().first()
        return None if row is None else _record(row)

    def mark_undone(self, fix_id: int, *, by: str, undo_id: int) -> bool:
        """Mark the fix undone by the undo `undo_id`; False when it already was."""
        with self._write() as conn:
            result = conn.execute(
                sa.update(license_fixes)
                .where(license_fixes.c.id == fix_id, license_fixes.c.undone_at.is_(None))
                .values(undone_by=by, undone_at=self._clock(), undone_in=undo_id))
        return int(result.rowcount) == 1

    def list(self, *, license_id: str | None = None, since: dt.datetime | None = None,
             limit: int = 100) -> list[FixRecord]:
        """The newest `limit` fixes and undos, newest first."""
        statement = sa.select(license_fixes).order_by(license_fixes.c.at.desc(),
                                                      license_fixes.c.id.desc())
        if license_id is not None:
            statement = statement.where(license_fixes.c.license_id == license_id)
        if since is not None:
            statement = statement.where(license_fixes.c.at >= since)
        with self._read() as conn:
            return [_record(row) for row in conn.execute(statement.limit(limit)).mappings()]


def _json(value: dict[str, Any], what: str) -> str:
    return encode_json(value, what=f"fix {what}")


def _record(row: RowMapping) -> FixRecord:
    return FixRecord(
        id=int(row["id"]), license_id=row["license_id"], change=_object(row["change"]),
        undo=_object(row["undo"]), before=_object(row["before"]), after=_object(row["after"]),
        before_version=row["before_version"], after_version=row["after_version"],
        by_user=row["by_user"], team_id=row["team_id"], channel_id=row["channel_id"],
        surface=row["surface"], finding=row["finding"] or "", summary=row["summary"],
        undo_of=row["undo_of"], at=row["at"], undone_by=row["undone_by"],
        undone_at=row["undone_at"], undone_in=row["undone_in"])


def _object(text: str) -> dict[str, Any]:
    try:
        return decode_json_object(text, what="fix record")
    except StoreError:  # a damaged row still lists
        return {"unreadable": text[:200] if isinstance(text, str) else ""}


__all__ = ["FixRecord", "FixStore", "NewFix"]
