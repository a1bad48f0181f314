"""Cron expressions and time zones for the watch's schedule (ROSTERBOT_SWEEP_CRON,
ROSTERBOT_SWEEP_TIMEZONE), read by croniter: five fields (minute hour day month weekday) or one
of @hourly, @daily, @weekly, @monthly, @yearly; "off" turns the schedule off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter  # type: ignore[import-untyped]

DEFAULT_CRON = "0 3 * * *"
OFF = ("off", "none", "disabled")
ALIASES = ("@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually")


def cron_problem(expression: str) -> str:
    """What is wrong with a cron expression ("" when it is fine)."""
    text = expression.strip()
    if text.lower() in OFF:
        return ""
    if text.startswith("@"):
        return "" if text.lower() in ALIASES else f"unknown alias {text!r} (use one of " \
            f"{', '.join(ALIASES)})"
    if len(text.split()) != 5:
        return f"must have five fields (minute hour day month weekday), got {text!r}"
    return "" if croniter.is_valid(text) else f"is not a valid cron expression: {text!r}"


def timezone_problem(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"is not a time zone name (e.g. UTC, America/Chicago): {name!r}"
    return ""


class CronSchedule:
    """When sweeps happen: the times a cron expression names, in a time zone."""

    def __init__(self, expression: str = DEFAULT_CRON, timezone: str = "UTC") -> None:
        problem = cron_problem(expression) or timezone_problem(timezone)
        if problem:
            raise ValueError(problem)
        self.expression = expression.strip()
        self.timezone = ZoneInfo(timezone)

    @property
    def off(self) -> bool:
        return self.expression.lower() in OFF

    def next_after(self, when: dt.datetime) -> dt.datetime:
        """The first time strictly after `when` (aware, UTC)."""
        if self.off:
            raise ValueError("the schedule is off")
        local = when.astimezone(self.timezone)
        following: dt.datetime = croniter(self.expression.lower(), local).get_next(dt.datetime)
        return following.astimezone(dt.UTC)

    def __str__(self) -> str:
        return f"{self.expression} ({self.timezone.key})"
