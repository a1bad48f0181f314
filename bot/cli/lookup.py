"""`rosterbot lookup EMAIL`: where an address appears (license, roster, role, status)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from bot.cli.common import add_sandbox_flag, classlink_failure, load_settings, open_diagnoser
from bot.cli.output import EXIT_OK, EXIT_REMOTE, UsageError, console, fail
from bot.cli.report import print_lookup, print_teacher
from checks.diagnose import EmailLookup, license_json
from checks.text import looks_like_email


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("lookup", help="where does this email appear")
    parser.add_argument("email")
    parser.add_argument("--license", action="append", dest="licenses", metavar="ID",
                        help="only look in this license's districts (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not looks_like_email(args.email):
        raise UsageError(f"{args.email!r} is not an email address (expected name@domain)")
    out = console()
    with open_diagnoser(args) as diagnoser:
        lookup = diagnoser.lookup(args.email, license_ids=args.licenses)
    if args.json:
        print(json.dumps(_json(lookup), indent=2, ensure_ascii=False))
    else:
        print_lookup(out, lookup)
        for _district, report in lookup.reports:
            print_teacher(out, report)
    return _status(lookup, sandbox=args.sandbox)


def _status(lookup: EmailLookup, *, sandbox: bool) -> int:
    """0 when every district answered; else 3 and one line naming the ones that did not."""
    if not lookup.errors:
        return EXIT_OK
    return fail(classlink_failure("; ".join(lookup.errors), load_settings(), sandbox=sandbox),
                EXIT_REMOTE)


def _json(lookup: EmailLookup) -> dict[str, Any]:
    return {
        "email": lookup.email,
        "licenses": [license_json(lic) for lic in lookup.licenses],  # a row equals it
        "looked_in": [license_json(lic) for lic in lookup.scope],
        "license_rows": [asdict(h) for h in lookup.hints],  # rows that probably mean it
        "roster": [asdict(a) for a in lookup.appearances],
        "matches": [{"district": t, **m.to_json()} for t, m in lookup.matches],
        "teacher_reports": [
            {"district": district, **asdict(r), "students": r.students}
            for district, r in lookup.reports
        ],
        "errors": list(lookup.errors),
    }
