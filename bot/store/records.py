"""The values the store hands out and takes in. Frozen, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class StoredDialog:
    """One guided dialog's saved state; `version` grows by one on every save."""

    dialog_id: str
    channel_id: str
    thread_ts: str
    user_id: str
    license_id: str | None
    state: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def is_expired(self, *, ttl_seconds: float, now: dt.datetime) -> bool:
        """True when the dialog was last saved more than `ttl_seconds` before `now`."""
        return now - self.updated_at > dt.timedelta(seconds=ttl_seconds)


@dataclass(frozen=True, slots=True)
class ChannelLink:
    channel_id: str
    license_id: str
    linked_by: str
    linked_at: dt.datetime


class EscalationStatus(StrEnum):
    """Where support is with an escalation. Whether its summary is posted yet is `message_ts`."""

    OPEN = "open"  # nobody has claimed it
    CLAIMED = "claimed"  # a staff member is on it (claimed_by)
    RESOLVED = "resolved"  # done (resolved_by, closed_at); a new request makes a new one


class EscalationOutcome(StrEnum):
    """What asking for support did (Store.open_escalation)."""

    CREATED = "created"  # a new escalation: post its summary
    SAME = "same"  # this dialog or thread is already escalated
    JOINED = "joined"  # another escalation of the same license (or channel) is in its window
    REOPENED = "reopened"  # this dialog's escalation was resolved; it is open again


@dataclass(frozen=True, slots=True)
class Escalation:
    key: str
    dialog_id: str | None
    channel_id: str
    license_id: str | None
    summary: dict[str, Any]
    status: EscalationStatus
    message_ts: str | None
    created_at: dt.datetime
    posted_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None  # when it was resolved
    scope: str | None = None  # "license:<id>" or "channel:<id>": one escalation per window
    claimed_by: str | None = None
    claimed_at: dt.datetime | None = None
    resolved_by: str | None = None


@dataclass(frozen=True, slots=True)
class ThreadWords:
    """Something a person typed to the bot in a dialog's thread, kept for an escalation."""

    id: int
    channel_id: str
    thread_ts: str
    user_id: str
    text: str  # sanitised (bot.store.sanitise.clean_text); escape it for mrkdwn when shown
    at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One lookup or change. Only these fields exist, so nothing else can be logged by accident.

    `command` names the surface and action (e.g. "slash:check", "button:next_step");
    `result` is a short summary written by the caller, without student data.
    `at` is filled in by the store when None.
    """

    user_id: str
    team_id: str
    is_staff: bool
    channel_id: str
    license_id: str | None
    command: str
    result: str
    refused: bool = False
    at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DiagnosisRecord:
    """A diagnosis run, for the staff App Home: check name -> status."""

    license_id: str
    statuses: dict[str, str]
    by_user: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    before: int
    after: int
    # Migrations this call applied itself: upgraders running at once take turns one migration at
    # a time, so after - before may include ones another process applied in between.
    applied: int
