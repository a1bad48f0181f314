"""`rosterbot fix LICENSE --attach ID | --detach ID | --replace OLD NEW | --remove EMAIL | --undo`

Shows the license before and after, asks to confirm (`--yes` skips it; without a terminal to
ask on, `--yes` is required and the preview is printed), makes the change against the version
it previewed, records who made it, when, before, after and the finding that proposed it (in the
audit log and `rosterbot audit --fixes`), then re-runs the checks and shows the affected step.
`--undo` undoes the license's last fix within 15 minutes of it, if nothing changed it since.

Exit status as everywhere: 0 when it ran (a declined confirmation too), 2 for bad input, a
change that no longer applies or a license changed meanwhile (nothing written), 3 when the
license API or ClassLink could not be asked.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from bot.cli.common import add_sandbox_flag, classlink_failure, load_settings, open_diagnoser
from bot.cli.output import EXIT_OK, EXIT_REMOTE, EXIT_USAGE, UsageError, console, fail
from bot.cli.report import plain_renderer, print_step
from bot.fixes import UNDO_WINDOW, Fixer, Made, Preview, UndoRefused, Who, before_and_after
from bot.store import StoreError, open_store
from checks.diagnose import Diagnoser, Diagnosis
from checks.errors import ChangeNotApplicable, LicenseConflict, LicenseReadOnly
from checks.fixes import matching, proposals
from checks.licenses.changes import ChangeKind, LicenseChange
from checks.licenses.records import license_from_mapping
from checks.models import Status
from checks.text import looks_like_email

STEP_OF = {ChangeKind.ATTACH: "connection", ChangeKind.DETACH: "connection"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fix", help="change a license (attach an ID, fix or remove an email), or undo a fix",
        description="Change a license: preview, confirm, apply, re-check; or undo the last fix.")
    parser.add_argument("license", help="license id, e.g. demo-emails")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--attach", metavar="ID", help="attach this ClassLink Application ID")
    what.add_argument("--detach", metavar="ID", help="take this Application ID off")
    what.add_argument("--replace", nargs=2, metavar=("OLD", "NEW"),
                      help="replace the instructor email OLD (as typed) with NEW")
    what.add_argument("--remove", metavar="EMAIL", help="remove this instructor email")
    what.add_argument("--undo", action="store_true",
                      help=f"undo the license's last fix (within "
                           f"{int(UNDO_WINDOW.total_seconds() // 60)} minutes)")
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.undo and args.sandbox:
        raise UsageError("--undo cannot be used with --sandbox: the sample world is rebuilt for "
                         "every command, so its fixes last for that command only")
    change = None if args.undo else change_from(args)
    settings = load_settings()
    out = console()
    try:
        store = open_store(settings.database_url)
    except StoreError as exc:
        raise UsageError(f"store: {exc}") from None
    with store, open_diagnoser(args) as diagnoser:
        fixer = Fixer(diagnoser.licenses, store)
        by = Who(f"cli:{_login()}", surface="cli")
        if change is None:
            return _undo(out, fixer, diagnoser, args.license, by, sandbox=args.sandbox)
        return _fix(out, fixer, diagnoser, args.license, change, by, yes=args.yes,
                    sandbox=args.sandbox)


def change_from(args: argparse.Namespace) -> LicenseChange:
    """The change the options name; UsageError for a value that cannot be one."""
    if args.attach is not None or args.detach is not None:
        value = (args.attach if args.attach is not None else args.detach).strip()
        if not value or any(c.isspace() for c in value):
            raise UsageError(f"an Application ID has no spaces and is not empty: {value!r}")
        return LicenseChange.attach(value) if args.attach is not None \
            else LicenseChange.detach(value)
    if args.replace is not None:
        old, new = args.replace
        if not looks_like_email(new):
            raise UsageError(f"the new address must be an email address, got {new!r}")
        return LicenseChange.replace(old, new.strip())
    return LicenseChange.remove(args.remove)


def _fix(out: Console, fixer: Fixer, diagnoser: Diagnoser, license_id: str,
         change: LicenseChange, by: Who, *, yes: bool, sandbox: bool) -> int:
    try:
        preview = fixer.preview(license_id, change)
    except LicenseReadOnly as exc:
        raise UsageError(f"{exc}. The change to make by hand: on license {license_id}, "
                         f"{change.describe()}") from None
    except ChangeNotApplicable as exc:
        raise UsageError(f"cannot {change.describe()}: {exc}") from None
    step = STEP_OF.get(change.kind, "emails")
    before = diagnoser.diagnose(license_id)
    proposed = matching(proposals(before), change) if not before.classlink_error else None
    finding = proposed.finding if proposed else ""
    print_preview(out, preview, finding=finding, step=step)
    if not yes:
        if not _interactive():
            return fail("not applied: --yes is needed to change a license without a terminal "
                        "to confirm on (the preview is above)", EXIT_USAGE)
        if not _confirm(out):
            out.print("Not applied; the license is unchanged.")
            return EXIT_OK
    try:
        made = fixer.apply(preview, by=by, finding=finding)
    except LicenseConflict as exc:
        raise UsageError(f"not applied: {exc}. Run the command again to see the license as it "
                         "is now") from None
    except (ChangeNotApplicable, LicenseReadOnly) as exc:
        raise UsageError(f"not applied: {exc}") from None
    out.print(f"[green]Applied[/green] (fix {made.record.id}, version "
              f"{escape(made.record.before_version)} → {escape(made.record.after_version)}).")
    if not sandbox:
        out.print(f"Undo within {int(UNDO_WINDOW.total_seconds() // 60)} minutes: "
                  f"rosterbot fix {escape(license_id)} --undo")
    else:
        out.print("[dim]The sample world is rebuilt for every command: this change lasts for "
                  "this command only.[/dim]")
    return _recheck(out, diagnoser, made, step, sandbox=sandbox)


def _undo(out: Console, fixer: Fixer, diagnoser: Diagnoser, license_id: str, by: Who, *,
          sandbox: bool) -> int:
    try:
        made = fixer.undo(license_id, by=by)
    except UndoRefused as exc:
        raise UsageError(f"nothing undone: {exc}") from None
    except LicenseReadOnly as exc:
        raise UsageError(f"nothing undone: {exc}") from None
    change = LicenseChange.from_json(made.record.change)
    out.print(f"[green]Undone[/green]: fix {made.record.undo_of} "
              f"(now fix {made.record.id}: {escape(change.describe())}).")
    before, after = before_and_after(license_from_mapping(made.record.before),
                                     license_from_mapping(made.record.after), change)
    _print_lines(out, "Before", before)
    _print_lines(out, "After", after)
    step = STEP_OF.get(change.kind, "emails")
    return _recheck(out, diagnoser, made, step, sandbox=sandbox)


def print_preview(out: Console, preview: Preview, *, finding: str, step: str) -> None:
    lic = preview.seen.license
    out.print(f"[bold]License {escape(lic.id)}[/bold]: {escape(lic.name)} — "
              f"{escape(lic.district)} (version {escape(preview.seen.version)})")
    out.print(f"Change: {escape(preview.change.describe())}")
    if finding:
        out.print(f"Proposed by: {finding} (step {escape(plain_renderer().step_title(step))})")
    else:
        out.print("Proposed by: no finding of the current diagnosis (typed by hand)")
    before, after = preview.lines()
    _print_lines(out, "Before", before)
    _print_lines(out, "After", after)


def _recheck(out: Console, diagnoser: Diagnoser, made: Made, step: str, *,
             sandbox: bool) -> int:
    """The checks again, the affected step shown; 3 when ClassLink could not be asked."""
    diagnosis = diagnoser.diagnose(made.now.license.id)
    result = diagnosis.steps[step]
    out.print("Checked again:")
    print_step(out, result)
    _row_outcome(out, diagnosis, made)
    if diagnosis.classlink_error:
        return fail(classlink_failure(diagnosis.classlink_error, load_settings(),
                                      sandbox=sandbox, subjects=[made.now.license.id]),
                    EXIT_REMOTE)
    return EXIT_OK


def _row_outcome(out: Console, diagnosis: Diagnosis, made: Made) -> None:
    """For a changed row: what step 2 says about it now."""
    change = LicenseChange.from_json(made.record.change)
    if change.kind not in (ChangeKind.REPLACE_EMAIL, ChangeKind.ADD_EMAIL):
        return
    row = change.new if change.kind is ChangeKind.REPLACE_EMAIL else change.value
    for finding in diagnosis.steps["emails"].findings:
        if finding.data.get("license_email") == row:
            word = "matches ClassLink exactly" if finding.status is Status.PASS \
                else f"is still {finding.code}"
            out.print(f"  The row {escape(row)} {word}.")
            return


def _print_lines(out: Console, title: str, lines: list[str]) -> None:
    out.print(f"[bold]{title}[/bold]")
    for line in lines:
        out.print(f"  {escape(line)}", soft_wrap=True)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _confirm(out: Console) -> bool:
    try:
        answer = out.input("Apply this change? [y/N] ", markup=False)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _login() -> str:
    name = os.environ.get("ROSTERBOT_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


__all__ = ["change_from", "print_preview", "register", "run"]
