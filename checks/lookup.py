"""Where one email address stands: on which license rows, in which rosters, and what is meant.

An address is "on a license" only when one of the license's rows equals it after cleaning
(`fold_email`). When it is not, the license's own rows are matched against the roster, so the
answer can say which row is probably meant ("your license has sarah.wlison@...; that row should
be sarah.wilson@..."): matching runs from the license's rows, never from the typed address
alone. Pure apart from the two sources passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from checks.matching import MatchResult, MatchStatus, RosterIndex, match_rows
from checks.models import Application, License, Roster, RosterUser
from checks.rules import TeacherReport
from checks.rules import teacher_report as build_teacher_report
from checks.text import fold_email

# Two addresses this alike (0..100, on the cleaned forms) are worth naming as "did you mean".
CLOSE_SPELLING = 90.0


@dataclass(frozen=True, slots=True)
class RosterAppearance:
    tenant_name: str
    role: str
    status: str
    enabled: bool
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class LicenseRowHint:
    """A license row that is probably the address asked about, and what it should be."""

    license_id: str
    row: str  # exactly as on the license
    should_be: str | None  # the roster address the row's owner has, when the matcher is sure
    teacher_name: str
    tenant_name: str
    why: str  # "fix" (the matcher fixes the row to the address), "candidate", "spelling"


@dataclass(frozen=True, slots=True)
class EmailLookup:
    """Where one address appears, and how the licenses looked in relate to it."""

    email: str
    licenses: tuple[License, ...]  # licenses a row of which equals the address (cleaned)
    appearances: tuple[RosterAppearance, ...]
    matches: tuple[tuple[str, MatchResult], ...]  # (tenant name, match) for licensed districts
    errors: tuple[str, ...] = ()
    reports: tuple[tuple[str, TeacherReport], ...] = ()  # (tenant name, per-teacher report)
    scope: tuple[License, ...] = ()  # licenses looked in (asked for, holding it, or near it)
    hints: tuple[LicenseRowHint, ...] = ()
    classlink_error: str = ""  # ClassLink could not be asked at all


def holds(license: License, email: str) -> bool:
    wanted = fold_email(email)
    return any(fold_email(row) == wanted for row in license.instructor_emails)


def near_rows(licenses: Sequence[License], email: str) -> list[tuple[License, str]]:
    """License rows spelled almost like `email` (but not equal to it), best first."""
    wanted = fold_email(email)
    found = []
    for lic in licenses:
        for row in lic.instructor_emails:
            folded = fold_email(row)
            score = fuzz.ratio(folded, wanted)
            if folded != wanted and score >= CLOSE_SPELLING:
                found.append((score, lic, row))
    found.sort(key=lambda t: -t[0])
    return [(lic, row) for _score, lic, row in found]


@dataclass(frozen=True, slots=True)
class DistrictAnswer:
    """What one district's roster says about the address and about one license's rows."""

    appearances: list[RosterAppearance]
    match: MatchResult | None  # None when only asked by email filter
    report: TeacherReport | None
    hints: list[LicenseRowHint]


def answer_from_roster(
    app: Application, roster: Roster, email: str, licenses: Sequence[License]
) -> DistrictAnswer:
    """The roster is indexed once for the typed address and for every row of `licenses`."""
    wanted = fold_email(email)
    found = [appearance(app, u) for u in roster.users
             if u.email and fold_email(u.email) == wanted]
    index = RosterIndex.build(roster.users)
    match = match_rows(index, [email])[0]
    hints: list[LicenseRowHint] = []
    for lic in licenses:
        if holds(lic, email):
            continue
        for row, result in zip(lic.instructor_emails, match_rows(index, lic.instructor_emails),
                               strict=True):
            hint = _row_hint(lic, row, result, wanted, app.tenant_name)
            if hint is not None:
                hints.append(hint)
    return DistrictAnswer(found, match, build_teacher_report(roster, email), hints)


def spelling_hints(pairs: Sequence[tuple[License, str]], known: Sequence[LicenseRowHint]
                   ) -> list[LicenseRowHint]:
    """Close spellings the roster could not explain, so the answer still names the row."""
    seen = {(h.license_id, h.row) for h in known}
    return [LicenseRowHint(lic.id, row, None, "", "", "spelling")
            for lic, row in pairs if (lic.id, row) not in seen]


def appearance(app: Application, user: RosterUser) -> RosterAppearance:
    return RosterAppearance(app.tenant_name, str(user.role), user.status, user.enabled,
                            user.email, user.full_name)


def _row_hint(
    lic: License, row: str, result: MatchResult, wanted: str, tenant: str
) -> LicenseRowHint | None:
    teacher = result.teacher
    name = teacher.full_name if teacher is not None else ""
    if result.status is MatchStatus.FIX and result.suggestion is not None \
            and fold_email(result.suggestion) == wanted:
        return LicenseRowHint(lic.id, row, result.suggestion, name, tenant, "fix")
    if result.status is MatchStatus.AMBIGUOUS and any(
            fold_email(c.email) == wanted for c in result.candidates):
        return LicenseRowHint(lic.id, row, None, "", tenant, "candidate")
    return None
