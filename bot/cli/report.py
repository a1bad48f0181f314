"""Readable terminal rendering (rich) of a diagnosis and an email lookup."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks.diagnose import Diagnosis, EmailLookup, LicenseRowHint
from checks.models import CheckResult, Status
from checks.rules import TeacherReport
from checks.text import mask_secret

STATUS_STYLE = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "red",
                Status.UNKNOWN: "magenta"}
STEP_TITLES = {1: "The connection is attached", 2: "The emails agree", 3: "The data is sent"}


def badge(status: Status) -> str:
    return f"[bold {STATUS_STYLE[status]}]{status.value.upper():7}[/]"


def print_diagnosis(console: Console, diagnosis: Diagnosis) -> None:
    lic = diagnosis.license
    ids = ", ".join(mask_secret(a) for a in lic.application_ids) or "none"
    console.print(f"[bold]{escape(lic.id)}[/bold]  {escape(lic.name)} — {escape(lic.district)}  "
                  f"(seats {lic.seats}, {len(lic.instructor_emails)} instructors, "
                  f"Application IDs: {escape(ids)})")
    for step in diagnosis.steps:
        print_step(console, step)
    console.print()


def print_step(console: Console, step: CheckResult) -> None:
    title = STEP_TITLES.get(step.step, step.name)
    console.print(f"  {badge(step.status)} Step {step.step}: {title}")
    for finding in step.findings:
        if finding.status is Status.PASS and step.step == 2:
            continue  # exact emails are counted below, not listed one by one
        console.print(f"      [{STATUS_STYLE[finding.status]}]•[/] {escape(finding.message)}")
        examples = finding.data.get("examples")
        if examples:
            shown = ", ".join(str(e) for e in examples[:5])
            more = finding.data.get("count", len(examples)) - min(5, len(examples))
            tail = f" and {more} more" if more > 0 else ""
            console.print(f"        [dim]{escape(shown)}{tail}[/]")
    if step.step == 2:
        exact = sum(1 for f in step.findings if f.code == "email_exact")
        if exact:
            console.print(f"      [green]•[/] {exact} instructor emails match ClassLink exactly.")


def print_lookup(console: Console, lookup: EmailLookup) -> None:
    console.print(f"[bold]{escape(lookup.email)}[/bold]")
    held = {lic.id for lic in lookup.licenses}
    for lic in lookup.licenses:
        console.print(f"  on license [bold]{escape(lic.id)}[/] ({escape(lic.name)})")
    for lic in lookup.scope:
        if lic.id not in held:
            console.print(f"  not on license [bold]{escape(lic.id)}[/] ({escape(lic.name)})")
    if not lookup.licenses and not lookup.scope:
        console.print("  on no license")
    for hint in lookup.hints:
        console.print(f"  {escape(describe_hint(hint))}")
    table = Table("district", "role", "status", "enabled", "roster email", "name", box=None)
    for a in lookup.appearances:
        table.add_row(escape(a.tenant_name), a.role, a.status, "yes" if a.enabled else "no",
                      escape(a.email), escape(a.name))
    if lookup.appearances:
        console.print(table)
    else:
        console.print("  ClassLink sends no user with exactly this address")
    for tenant, match in lookup.matches:
        if match.status.value != "exact":
            console.print(f"  {escape(tenant)}: {escape(match.note or match.status.value)}")
    for error in lookup.errors:
        console.print(f"  [magenta]could not check[/] {escape(error)}")


def describe_hint(hint: LicenseRowHint) -> str:
    """The license row probably meant, in one sentence (plain text)."""
    row = repr(hint.row) if hint.row != hint.row.strip() else hint.row
    if hint.why == "fix" and hint.should_be:
        who = f" for {hint.teacher_name}" if hint.teacher_name else ""
        return (f"license {hint.license_id} has {row}; that row should be {hint.should_be} "
                f"(what ClassLink sends{who})")
    if hint.why == "candidate":
        return (f"license {hint.license_id} has {row}, which fits this address and another "
                "teacher equally well: check which one is meant")
    return f"license {hint.license_id} has {row}, spelled almost like this address"


def print_teacher(console: Console, report: TeacherReport) -> None:
    console.print(f"[bold]{escape(report.name)}[/bold] <{escape(report.email)}> "
                  f"role {report.role}, {report.status}, "
                  f"{'enabled' if report.enabled else 'disabled'}")
    console.print(f"  schools: {escape(', '.join(report.schools) or 'none')}")
    for cls in report.classes:
        console.print(f"  {escape(cls.title)}: {cls.students} students")
    console.print(f"  {len(report.classes)} classes, {report.students} students in all")
