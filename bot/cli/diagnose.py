"""`rosterbot diagnose LICENSE`: run the three checks for one license (or --all).

The diagnosis is printed even when ClassLink could not be asked (its steps then say so); the exit
status is 3 in that case, with one line on stderr naming the cause.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from bot.cli.common import (
    add_sandbox_flag,
    classlink_failure,
    load_settings,
    open_diagnoser,
    progress_printer,
)
from bot.cli.output import EXIT_OK, EXIT_REMOTE, UsageError, console, fail
from bot.cli.report import diagnosis_json, print_diagnosis
from checks.diagnose import Diagnosis, license_json


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
    out = console()
    with open_diagnoser(args) as diagnoser:
        if args.list:
            licenses = diagnoser.licenses.list()
            if args.json:
                print(json.dumps({"licenses": [license_json(lic) for lic in licenses]}, indent=2))
            for lic in [] if args.json else licenses:
                out.print(f"{lic.id}\t{lic.name}\t{lic.district}", markup=False)
            return EXIT_OK
        ids = [lic.id for lic in diagnoser.licenses.list()] if args.all else [args.license]
        progress = progress_printer(console(stderr=True))
        diagnoses = [diagnoser.diagnose(i, progress=progress) for i in ids]
    if args.json:
        payload: Any = diagnosis_json(diagnoses[0]) if not args.all else {
            "diagnoses": [diagnosis_json(d) for d in diagnoses]}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for diagnosis in diagnoses:
            print_diagnosis(out, diagnosis)
    return _status(diagnoses, sandbox=args.sandbox)


def _status(diagnoses: Sequence[Diagnosis], *, sandbox: bool) -> int:
    """0 when ClassLink answered for every license; else 3 and one line naming why not."""
    failed = [d for d in diagnoses if d.classlink_error]
    if not failed:
        return EXIT_OK
    reasons = list(dict.fromkeys(d.classlink_error for d in failed))  # distinct, in order
    subjects = [d.license.id for d in failed]
    if len(subjects) > 3:
        subjects = [*subjects[:3], f"{len(subjects) - 3} more"]
    return fail(classlink_failure("; ".join(reasons), load_settings(), sandbox=sandbox,
                                  subjects=subjects), EXIT_REMOTE)
