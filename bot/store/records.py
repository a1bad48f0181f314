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
    OPEN = "open"  # created, not yet posted to the support channel
    POSTED = "posted"  # posted; message_ts says where
    CLOSED = "closed"


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
    closed_at: dt.datetime | None = None


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
