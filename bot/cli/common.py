"""Pieces several subcommands share: settings from the environment, source errors as exit
statuses (2 for our configuration, 3 for a remote system that could not be asked)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console

from bot.cli.output import RemoteError, UsageError
from bot.cli.runtime import diagnoser_for
from bot.errors import ConfigError
from bot.settings import Settings
from checks.diagnose import Diagnoser, describe_classlink_error
from checks.errors import (
    ClassLinkError,
    LicenseNotFound,
    LicenseSourceError,
    LicenseSourceUnavailable,
)


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
    """The diagnoser for --sandbox or the configured sources; their errors become CliErrors."""
    settings = load_settings()
    try:
        with diagnoser_for(settings, sandbox=args.sandbox) as diagnoser:
            yield diagnoser
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
    except LicenseNotFound as exc:
        raise UsageError(f"{exc}; `rosterbot diagnose --list` shows the known ones") from None
    except LicenseSourceUnavailable as exc:
        raise RemoteError(f"the license directory (ROSTERBOT_LICENSES) could not be asked: {exc}"
                          ) from None
    except LicenseSourceError as exc:
        raise UsageError(f"license directory (ROSTERBOT_LICENSES): {exc}") from None
    except ClassLinkError as exc:
        raise RemoteError(classlink_failure(describe_classlink_error(exc), settings,
                                            sandbox=args.sandbox)) from None


def classlink_failure(reason: str, settings: Settings, *, sandbox: bool,
                      subjects: Sequence[str] = ()) -> str:
    """One line saying that ClassLink could not be asked, why, and where it was asked."""
    where = "the sandbox" if sandbox else f"CLASSLINK_API_URL={settings.classlink_api_url}"
    about = f" for {', '.join(subjects)}" if subjects else ""
    return f"ClassLink could not be asked{about} ({where}): {reason}"


def progress_printer(console: Console) -> Callable[[str], None]:
    """Progress lines on a terminal's stderr; silent when piped so --json output stays clean."""
    if not console.file.isatty():
        return lambda _msg: None
    return lambda msg: console.print(f"[dim]… {msg}[/dim]")
