"""`rosterbot diagnose LICENSE`: run the three checks for one license (or --all)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console

from bot.cli.common import add_sandbox_flag, open_diagnoser, progress_printer
from bot.cli.output import UsageError
from bot.cli.report import print_diagnosis
from checks.diagnose import license_json


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("diagnose", help="run the three rostering checks for a license")
    parser.add_argument("license", nargs="?", help="license id, e.g. demo-emails")
    parser.add_argument("--all", action="store_true", help="diagnose every license")
    parser.add_argument("--list", action="store_true", help="list the licenses and exit")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not (args.license or args.all or args.list):
        raise UsageError("diagnose needs a license id, --all or --list")
    console = Console(stderr=False, highlight=False)
    with open_diagnoser(args) as diagnoser:
        if args.list:
            licenses = diagnoser.licenses.list()
            if args.json:
                print(json.dumps({"licenses": [license_json(lic) for lic in licenses]}, indent=2))
            for lic in [] if args.json else licenses:
                console.print(f"{lic.id}\t{lic.name}\t{lic.district}", markup=False)
            return 0
        ids = [lic.id for lic in diagnoser.licenses.list()] if args.all else [args.license]
        progress = progress_printer(Console(stderr=True))
        diagnoses = [diagnoser.diagnose(i, progress=progress) for i in ids]
    if args.json:
        payload: Any = diagnoses[0].to_json() if not args.all else {
            "diagnoses": [d.to_json() for d in diagnoses]}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for diagnosis in diagnoses:
            print_diagnosis(console, diagnosis)
    return 0
