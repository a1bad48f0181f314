"""Store errors. StoreError and StoreUnavailable live in bot.errors; this adds the conflict case."""

from __future__ import annotations

from bot.errors import StoreError, StoreUnavailable

__all__ = ["StoreConflict", "StoreError", "StoreUnavailable"]


class StoreConflict(StoreError):
    """A write lost an optimistic-concurrency race: the row moved since the caller read it."""
