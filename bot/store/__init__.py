"""Persistent state for rosterbot: dialogs, channel links, escalations, claims, audit, diagnoses.

SQLite (a file in ROSTERBOT_DATA_DIR) or PostgreSQL, one code path (SQLAlchemy Core).

    store = open_store(settings.database_url)   # runs pending migrations
    version = store.save_dialog(..., expected_version=None)
"""

from __future__ import annotations

from bot.store.errors import StoreConflict, StoreError, StoreUnavailable
from bot.store.records import (
    AuditEntry,
    ChannelLink,
    DiagnosisRecord,
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    StoredDialog,
    ThreadWords,
    UpgradeResult,
)
from bot.store.sanitise import clean_text, mask_secrets, sanitise_entry
from bot.store.store import DEFAULT_CLAIM_TTL_SECONDS, Store, open_store

__all__ = [
    "DEFAULT_CLAIM_TTL_SECONDS",
    "AuditEntry",
    "ChannelLink",
    "DiagnosisRecord",
    "Escalation",
    "EscalationOutcome",
    "EscalationStatus",
    "Store",
    "StoreConflict",
    "StoreError",
    "StoreUnavailable",
    "StoredDialog",
    "ThreadWords",
    "UpgradeResult",
    "clean_text",
    "mask_secrets",
    "open_store",
    "sanitise_entry",
]
