"""Readable terminal rendering (rich) of a diagnosis and an email lookup.

Findings are worded by the same templates as in Slack (bot/templates/findings/<code>.j2),
rendered as plain text for staff (`Renderer.plain`), so the terminal and Slack never disagree;
step titles come from knowledge/dialog.yml. The matcher's own explanation of a step-2 row (data
`detail`) is shown dimmed under it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.cli.common import load_settings
from bot.knowledge import Audience, load_knowledge
from bot.rendering import Renderer
from checks.diagnose import Diagnosis, EmailLookup, LicenseRowHint
from checks.models import CheckResult, Finding, Status
from checks.rules import TeacherReport
from checks.rules.emails import finding_for
from checks.text import mask_secret

STATUS_STYLE = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "red",
                Status.UNKNOWN: "magenta"}
LISTED_PASSES = frozenset({"email_exact"})  # one per row: counted, not listed


@cache
def plain_renderer() -> Renderer:
    """The knowledge base (ROSTERBOT_KNOWLEDGE_DIR, else the shipped one) and templates,
    rendering plain text (loaded once)."""
    return Renderer.plain(load_knowledge(load_settings().knowledge_dir))


def finding_text(finding: Finding, renderer: Renderer | None = None) -> str:
    """The finding in words, as staff read it, in plain text."""
    return (renderer or plain_renderer()).finding(finding, audience=Audience.STAFF)


def diagnosis_json(diagnosis: Diagnosis, renderer: Renderer | None = None) -> dict[str, Any]:
    """`Diagnosis.to_json()` with each finding's words added as "message" (from its template;
    codes and data are what programs should read)."""
    out = diagnosis.to_json()
    for step, result in zip(out["steps"], diagnosis.steps, strict=True):
        for shown, finding in zip(step["findings"], result.findings, strict=True):
            shown["message"] = finding_text(finding, renderer)
    return out


def badge(status: Status) -> str:
    return f"[bold {STATUS_STYLE[status]}]{status.value.upper():7}[/]"


def print_diagnosis(console: Console, diagnosis: Diagnosis,
                    renderer: Renderer | None = None) -> None:
    lic = diagnosis.license
    ids = ", ".join(mask_secret(a) for a in lic.application_ids) or "none"
    console.print(f"[bold]{escape(lic.id)}[/bold]  {escape(lic.name)} — {escape(lic.district)}  "
                  f"(seats {lic.seats}, {len(lic.instructor_emails)} instructors, "
                  f"Application IDs: {escape(ids)})")
    for step in diagnosis.steps:
        print_step(console, step, renderer)
    console.print()


def print_step(console: Console, step: CheckResult, renderer: Renderer | None = None) -> None:
    words = renderer or plain_renderer()
    console.print(f"  {badge(step.status)} Step {step.step}: {escape(words.step_title(step.name))}")
    for finding in step.findings:
        if finding.status is Status.PASS and finding.code in LISTED_PASSES:
            continue
        text = finding_text(finding, words)
        console.print(f"      [{STATUS_STYLE[finding.status]}]•[/] {escape(text)}")
        detail = finding.data.get("detail")
        if detail:
            console.print(f"        [dim]{escape(str(detail))}[/]")
    exact = sum(1 for f in step.findings if f.code in LISTED_PASSES)
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
            finding = finding_for(match)
            console.print(f"  {escape(tenant)}: {escape(finding_text(finding))}")
            if match.note:
                console.print(f"    [dim]{escape(match.note)}[/]")
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
