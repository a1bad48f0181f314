"""Shared helpers for CLI subcommands: exit statuses, one-line messages on stderr, the console.

Exit status: 0 when the command ran (whatever it found), 2 on bad input or configuration
(UsageError), 3 when a remote system (ClassLink, the license API, Slack) could not be asked
(RemoteError). Every failure is one line on stderr, `rosterbot: <what went wrong>`.
"""

from __future__ import annotations

import argparse
import errno
import sys
from typing import IO, NoReturn

from rich.console import Console

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_REMOTE = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader (`| head`) went away before the end

# Piped output is never folded or cut: a line as wide as this is printed whole.
PIPE_WIDTH = 100_000


class CliError(Exception):
    """A failure the user is told about in one line; `status` is the exit status."""

    status = EXIT_USAGE


class UsageError(CliError):
    """Bad input or configuration; the message is shown to the user as is (exit status 2)."""

    status = EXIT_USAGE


class RemoteError(CliError):
    """ClassLink, the license API or Slack could not be asked (exit status 3)."""

    status = EXIT_REMOTE


def one_line(message: str) -> str:
    """The message with its line breaks (a YAML error, an HTTP library's text) folded away."""
    return " ".join(message.split())


def fail(message: str, status: int = EXIT_USAGE) -> int:
    """Print `rosterbot: <message>` as one line on stderr and return `status`."""
    try:
        print(f"rosterbot: {one_line(message)}", file=sys.stderr, flush=True)
    except (BrokenPipeError, ValueError):  # stderr closed too: the status still tells
        pass
    return status


class _CliConsole(Console):
    def on_broken_pipe(self) -> None:
        # rich's default exits with status 1 on its own; bot.cli.main handles it for everyone.
        raise BrokenPipeError


def console(*, stderr: bool = False) -> Console:
    """The console every subcommand prints through.

    On a terminal rich wraps to its width. Anywhere else (a pipe, a file) nothing is ever folded
    or cut with an ellipsis: lines come out as long as they are, without colour.
    """
    stream: IO[str] = sys.stderr if stderr else sys.stdout
    if _is_terminal(stream):
        return _CliConsole(stderr=stderr, highlight=False)
    return _CliConsole(stderr=stderr, highlight=False, width=PIPE_WIDTH, soft_wrap=True,
                       color_system=None, emoji=False)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


class ArgumentParser(argparse.ArgumentParser):
    """argparse, except that a bad argument is one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see `{self.prog} --help`)")
        raise SystemExit(EXIT_USAGE)


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a port must be a number from 0 to 65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port must be from 0 to 65535, got {value}")
    return value


def cannot_listen(host: str, port: int, error: OSError) -> UsageError:
    """The port is taken, privileged, or the host is not one of ours: a configuration error."""
    reason = error.strerror or str(error) or type(error).__name__
    hint = "; pick another with --port" if error.errno in (errno.EADDRINUSE, errno.EACCES) else ""
    return UsageError(f"cannot listen on {host}:{port}: {reason}{hint}")


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
