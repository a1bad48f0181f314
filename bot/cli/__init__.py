"""The `rosterbot` command line.

Each subcommand lives in its own module exposing `register(subparsers)`, which adds its parser
and sets `handler=` to a function `(args: argparse.Namespace) -> int` returning the exit status.
Exit status: 0 when the command ran (whatever it found), 2 on bad input or configuration.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.cli.output import UsageError, fail

SUBCOMMANDS = ("diagnose", "lookup", "sandbox", "match", "demo", "run", "db", "audit")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rosterbot", description=__doc__.splitlines()[0])
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
    try:
        status: int = args.handler(args)
    except UsageError as exc:
        return fail(str(exc))
    return status


if __name__ == "__main__":
    sys.exit(main())
