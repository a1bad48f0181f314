"""Pieces several subcommands share: settings from the environment, errors as exit status 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

from bot.cli.output import UsageError
from bot.errors import ConfigError
from bot.runtime import diagnoser_for
from bot.settings import Settings
from checks.diagnose import Diagnoser
from checks.errors import LicenseNotFound, LicenseSourceError


def load_settings() -> Settings:
    try:
        return Settings.from_mapping(os.environ)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None


def add_sandbox_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sandbox", action="store_true",
                        help="use the built-in sample world (local ClassLink stand-in)")


@contextmanager
def open_diagnoser(args: argparse.Namespace) -> Iterator[Diagnoser]:
    """The diagnoser for --sandbox or the configured sources; source errors become UsageError."""
    settings = load_settings()
    try:
        with diagnoser_for(settings, sandbox=args.sandbox) as diagnoser:
            yield diagnoser
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
    except LicenseNotFound as exc:
        raise UsageError(f"{exc}; `rosterbot diagnose --list` shows the known ones") from None
    except LicenseSourceError as exc:
        raise UsageError(f"license directory: {exc}") from None


def progress_printer(console: Console) -> Callable[[str], None]:
    """Progress lines on a terminal's stderr; silent when piped so --json output stays clean."""
    if not sys.stderr.isatty():
        return lambda _msg: None
    return lambda msg: console.print(f"[dim]… {msg}[/dim]")
