"""`rosterbot audit [--license ID] [--since 7d] [--limit N] [--fixes] [--json]`: the audit log,
for staff. Fixes and undos are entries of it (`cli:fix`, `view:fix`, `action:undo`, ...); with
`--fixes` the fixes themselves are listed, each with the license before and after."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
from typing import Any

from bot.cli.fixes_log import print_fixes
from bot.cli.output import UsageError, positive_int
from bot.errors import ConfigError
from bot.settings import Settings
from bot.store import AuditEntry, StoreError, open_store

_AGE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
DEFAULT_LIMIT = 200


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="print the audit log (lookups and changes)")
    parser.add_argument("--license", metavar="ID", help="only entries for this license")
    parser.add_argument(
        "--since", metavar="WHEN", help="an age (30m, 12h, 7d, 2w) or a UTC date (2026-11-01)"
    )
    parser.add_argument(
        "--limit", type=positive_int, default=DEFAULT_LIMIT,
        help=f"at most the newest N ({DEFAULT_LIMIT})",
    )
    parser.add_argument("--fixes", action="store_true",
                        help="list the fixes made to licenses (and undos), before and after")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def parse_since(text: str, *, now: dt.datetime) -> dt.datetime:
    """An age ("7d") back from `now`, or an ISO date/time (naive means UTC)."""
    age = _AGE.match(text)
    if age:
        try:
            seconds = int(age.group(1)) * _UNIT_SECONDS[age.group(2).lower()]
            return now - dt.timedelta(seconds=seconds)
        except (OverflowError, ValueError):  # ValueError: more digits than int() takes
            raise UsageError(f"--since {text.strip()} reaches back before the year 1") from None
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since must be an age like 30m, 12h, 7d or a date like 2026-11-01, got {text!r}"
        ) from None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    since = None if args.since is None else parse_since(args.since, now=dt.datetime.now(dt.UTC))
    settings = load_settings()
    if args.fixes:
        return print_fixes(settings.database_url, license_id=args.license, since=since,
                           limit=args.limit, as_json=args.json)
    try:
        with open_store(settings.database_url) as store:
            entries = store.audit_entries(license_id=args.license, since=since, limit=args.limit)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    entries.reverse()  # oldest first, as a log reads
    if args.json:
        print(json.dumps({"entries": [entry_json(e) for e in entries]}, indent=2,
                         ensure_ascii=False))  # fmt: skip
    elif not entries:
        print("no audit entries" + _filters_text(args.license, since))
    else:
        for entry in entries:
            print(entry_line(entry))
    return 0


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": None if entry.at is None else entry.at.isoformat(),
        "user_id": entry.user_id,
        "team_id": entry.team_id,
        "is_staff": entry.is_staff,
        "channel_id": entry.channel_id,
        "license_id": entry.license_id,
        "command": entry.command,
        "result": entry.result,
        "refused": entry.refused,
    }


def entry_line(entry: AuditEntry) -> str:
    """One tab-separated line: time, who, team, role, channel, license, command, outcome."""
    at = "-" if entry.at is None else entry.at.strftime("%Y-%m-%d %H:%M:%SZ")
    role = "staff" if entry.is_staff else "customer"
    outcome = f"REFUSED {entry.result}" if entry.refused else entry.result
    fields = (at, entry.user_id, entry.team_id, role, entry.channel_id,
              entry.license_id or "-", entry.command, outcome)  # fmt: skip
    return "\t".join(fields)


def _filters_text(license_id: str | None, since: dt.datetime | None) -> str:
    text = f" for license {license_id}" if license_id else ""
    if since is not None:
        text += f" since {since.strftime('%Y-%m-%d %H:%M:%SZ')}"
    return text


def load_settings() -> Settings:
    # Not bot.cli.common's: that one pulls in the whole diagnosis stack, which this does not need.
    try:
        return Settings.from_mapping(os.environ)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
