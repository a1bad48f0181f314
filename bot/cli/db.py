"""`rosterbot db upgrade` and `rosterbot db current`: the store's schema version."""

from __future__ import annotations

import argparse
import os
from typing import Any

from bot.cli.output import UsageError
from bot.errors import ConfigError
from bot.settings import Settings
from bot.store import StoreError, open_store
from bot.store.migrations import latest_version


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="the store's schema (DATABASE_URL)")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="apply pending schema migrations")
    upgrade.set_defaults(handler=run_upgrade)
    current = actions.add_parser("current", help="print the schema version")
    current.add_argument("--check", action="store_true",
                         help="exit with status 1 when migrations are pending")  # fmt: skip
    current.set_defaults(handler=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        with open_store(settings.database_url, migrate=False) as store:
            print(f"store: {store.location}")
            result = store.upgrade()
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if result.applied:
        plural = "" if result.applied == 1 else "s"
        print(f"upgraded from version {result.before} to {result.after} "
              f"({result.applied} migration{plural} applied)")  # fmt: skip
    else:
        print(f"schema already at version {result.after} (latest {latest_version()})")
    return 0


def run_current(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        with open_store(settings.database_url, migrate=False) as store:
            print(f"store: {store.location}")
            version = store.schema_version()
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    latest = latest_version()
    pending = max(latest - version, 0)
    if pending:
        print(f"schema version {version} (latest {latest}): {pending} pending; "
              "run `rosterbot db upgrade`")  # fmt: skip
    elif version > latest:
        print(f"schema version {version} is newer than this rosterbot knows ({latest})")
    else:
        print(f"schema version {version} (latest {latest})")
    return 1 if args.check and pending else 0


def load_settings() -> Settings:
    # Not bot.cli.common's: that one pulls in the whole diagnosis stack, which this does not need.
    try:
        return Settings.from_mapping(os.environ)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
