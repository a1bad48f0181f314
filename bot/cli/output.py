"""Shared helpers for CLI subcommands: clear messages on stderr, no stack traces."""

from __future__ import annotations

import sys


class UsageError(Exception):
    """Bad input or configuration; the message is shown to the user as is (exit status 2)."""


def fail(message: str) -> int:
    print(f"rosterbot: {message}", file=sys.stderr)
    return 2
