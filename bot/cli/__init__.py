"""The `rosterbot` command line.

Each subcommand lives in its own module exposing `register(subparsers)`, which adds its parser
and sets `handler=` to a function `(args: argparse.Namespace) -> int` returning the exit status.
Exit status: 0 when the command ran (whatever it found), 2 on bad input or configuration, 3 when
a remote system (ClassLink, the license API, Slack) could not be asked. Every failure is one line
on stderr naming the cause, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot.cli.envfile import load_env_file
from bot.cli.output import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ArgumentParser,
    CliError,
    fail,
)
from bot.errors import ConfigError, KnowledgeBaseError, StoreError

SUBCOMMANDS = ("diagnose", "lookup", "sandbox", "match", "demo", "run", "worker", "db",
               "audit", "fix", "sweep")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="rosterbot", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"bot.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.cli.{name}":
                raise
            continue  # a subcommand not built yet
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Libraries' warnings (ClassLink retries, say) would otherwise reach stderr through logging's
    # last-resort handler, around the one line that names the failure. `rosterbot run`
    # configures real logging for itself.
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
    try:
        load_env_file()  # ./.env where present; the environment wins
        status: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's own flush at exit
    except CliError as exc:
        return fail(str(exc), exc.status)
    except KnowledgeBaseError as exc:  # a typo in knowledge/*.yml, wherever it is loaded
        return fail(f"knowledge base: {exc}", EXIT_USAGE)
    except ConfigError as exc:
        return fail(f"configuration: {exc}", EXIT_USAGE)
    except StoreError as exc:
        return fail(f"store: {exc}", EXIT_USAGE)
    except BrokenPipeError:
        # The reader went away (`rosterbot diagnose --json | head -1`): nothing more to say.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass


if __name__ == "__main__":
    sys.exit(main())
