"""Step 2: does every instructor email on the license equal a teacher email ClassLink sends?

The matching itself lives in checks.matching; this module turns its results into findings.
An address found only on an inactive record is `email_deleted` (the record is marked for
deletion, tobedeleted; the district must restore it) or `email_disabled` (the account is
disabled, enabledUser false, status active; the district must enable it). A record that is
both is deleted: enabling it would not stop its deletion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from checks.matching import MatchResult, MatchStatus, match_emails
from checks.models import CheckResult, Finding, License, RosterUser, Status

STEP, NAME = 2, "emails"
Matcher = Callable[[Sequence[str], Sequence[RosterUser]], list[MatchResult]]


def check_emails(
    license: License,
    users: Sequence[RosterUser] | None,
    *,
    error: str = "",
    cause: str = "classlink",
    matcher: Matcher = match_emails,
) -> CheckResult:
    """One finding per instructor email, in license order. With no roster, `cause` names why
    (see checks.steps.NoRoster) and `error` is ClassLink's failure, described, when it is one."""
    if users is None:
        return CheckResult.of(STEP, NAME, [Finding(
            "roster_unavailable", Status.UNKNOWN, {"error": error, "cause": cause})])
    if not license.instructor_emails:
        return CheckResult.of(STEP, NAME, [Finding("no_instructors", Status.WARN)])
    results = matcher(license.instructor_emails, users)
    findings = [finding_for(result) for result in results]
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    return CheckResult.of(STEP, NAME, findings, instructors=len(findings), **counts)


def finding_for(result: MatchResult) -> Finding:
    """The step-2 finding for one matcher result: its code and the data the templates word.

    `detail` keeps the matcher's own explanation (which rule matched, which records) for
    staff; it is a detail shown under the finding, never the finding's sentence."""
    code, status = _code_and_status(result)
    data: dict[str, Any] = {"license_email": result.license_email}
    if result.suggestion is not None:
        data["suggestion"] = result.suggestion
    if result.kind:
        data["kind"] = str(result.kind)
    if result.teacher is not None:
        data["teacher_name"] = result.teacher.full_name
        data["teacher_sourced_id"] = result.teacher.sourced_id
        data["teacher_role"] = str(result.teacher.role)
    if result.candidates:
        data["candidates"] = [c.email for c in result.candidates]
    if result.duplicate_of is not None:
        data["duplicate_of_row"] = result.duplicate_of + 1
    data["confidence"] = round(result.confidence, 3)
    if result.note:
        data["detail"] = result.note
    return Finding(code, status, data)


def _code_and_status(result: MatchResult) -> tuple[str, Status]:
    if result.kind == "duplicate":  # first: a repeated exact row is still a seat counted twice
        return "email_duplicate", Status.WARN
    if result.status is MatchStatus.EXACT:
        return "email_exact", Status.PASS
    if result.kind == "malformed":
        return "email_malformed", Status.FAIL
    if result.status is MatchStatus.INACTIVE:
        return _inactive_code(result), Status.FAIL
    return {
        MatchStatus.FIX: ("email_fix", Status.FAIL),
        MatchStatus.AMBIGUOUS: ("email_ambiguous", Status.WARN),
        MatchStatus.STUDENT: ("email_student", Status.FAIL),
        MatchStatus.NOT_FOUND: ("email_not_found", Status.FAIL),
    }[result.status]


def _inactive_code(result: MatchResult) -> str:
    """`email_disabled` only for an account that is disabled and not marked for deletion."""
    record = result.teacher
    if record is not None and record.status != "tobedeleted" and not record.enabled:
        return "email_disabled"
    return "email_deleted"
