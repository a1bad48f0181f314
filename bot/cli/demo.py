"""`rosterbot demo`: diagnose every sample license against the in-process sandbox."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from bot.cli.report import print_diagnosis
from bot.runtime import sandbox_diagnoser


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="diagnose every sample license (no Slack needed)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    with sandbox_diagnoser() as diagnoser:
        for lic in diagnoser.licenses.list():
            print_diagnosis(console, diagnoser.diagnose(lic.id))
    return 0
