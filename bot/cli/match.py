"""`rosterbot match --license license.csv --roster users.json`: offline near-miss matching.

license.csv has an `email` column (or is one headerless column); values are kept exactly as
typed, spaces and invisible characters included. users.json is a OneRoster users document,
`{"users": [...]}`, as ClassLink returns it. Bad files exit with status 2 and a clear message.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.cli.output import UsageError
from checks.classlink.parse import RecordError, parse_user
from checks.matching import MatchResult, match_emails, results_json, summarize
from checks.matching.normalize import display
from checks.models import RosterUser

_EMAIL_HEADERS = ("email", "emails", "instructor_email", "instructor email", "e-mail")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "match", help="match license emails against a ClassLink users document (offline)")
    parser.add_argument("--license", required=True, type=Path, metavar="CSV",
                        help="license emails: an `email` column, or one headerless column")
    parser.add_argument("--roster", required=True, type=Path, metavar="JSON",
                        help='OneRoster users document, {"users": [...]}')
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    emails = read_license(args.license)
    users = read_roster(args.roster)
    results = match_emails(emails, users)
    if args.json:
        print(json.dumps(results_json(results), indent=2, ensure_ascii=False))
    else:
        print(render_table(results))
    return 0


# -- license.csv -----------------------------------------------------------------------------

def read_license(path: Path) -> list[str]:
    text = _read_text(path, "license file")
    if not text.strip("\ufeff\r\n"):
        raise UsageError(f"license file {path} is empty")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = next((header.index(h) for h in _EMAIL_HEADERS if h in header), None)
    if column is not None:
        return [row[column] if column < len(row) else "" for row in rows[1:] if row]
    if len(header) > 1 and not any("@" in cell for cell in header):
        raise UsageError(
            f"license file {path} has no 'email' column (columns: {', '.join(rows[0])})")
    return _single_column(text, path)


def _single_column(text: str, path: Path) -> list[str]:
    """Each line is one value, exactly as typed; a CSV-quoted line is unquoted."""
    values: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line:
            continue  # blank lines separate nothing in a one-column list
        if line.startswith('"'):
            cells = next(csv.reader([line]))
            if len(cells) != 1:
                raise UsageError(f"license file {path}, line {number}: expected one column")
            line = cells[0]
        values.append(line)
    return values


# -- users.json ------------------------------------------------------------------------------

def read_roster(path: Path) -> list[RosterUser]:
    text = _read_text(path, "roster file")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"roster file {path} is not JSON: {exc}") from None
    except RecursionError:
        raise UsageError(f"roster file {path} is nested too deeply to be a users document") \
            from None
    records = document.get("users") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise UsageError(
            f'roster file {path} is not a OneRoster users document (expected {{"users": [...]}})')
    users: list[RosterUser] = []
    for number, record in enumerate(records):
        try:
            users.append(parse_user(record))
        except RecordError as exc:
            raise UsageError(f"roster file {path}: users[{number}]: {exc}") from None
    return users


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"{what} {path} is a directory") from None
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{what} {path} cannot be read: {exc.strerror}") from None


# -- the table -------------------------------------------------------------------------------

def render_table(results: Sequence[MatchResult]) -> str:
    """One line per license row, its note indented below, then a summary line."""
    header = ("#", "license email", "status", "suggestion", "kind", "conf")
    rows = [
        (str(n), display(r.license_email), str(r.status), r.suggestion or "-",
         str(r.kind or "-"), f"{r.confidence:.2f}")
        for n, r in enumerate(results, start=1)
    ]
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True)).rstrip()]
    for row, result in zip(rows, results, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if result.status != "exact" or result.kind:
            lines.append(f"    {result.note}")
    summary = summarize(results)
    counts = ", ".join(f"{summary[s]} {s}" for s in
                       ("exact", "fix", "ambiguous", "student", "inactive", "not_found")
                       if summary[s])
    lines.append(f"{summary['rows']} rows: {counts or 'none'}; "
                 f"{summary['duplicates']} duplicate(s)")
    return "\n".join(lines)
