"""Helpers shared by the store tests (imported by name; conftest holds the fixtures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.store import Store

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

StoreFactory = Callable[..., Store]


class FakeClock:
    """A clock tests move by hand; shared by every store a test opens."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)
