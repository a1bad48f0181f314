"""Issue 8, item 5: a candidate already exactly on another row of the license is seated there,
so a tie between them and one other person is that other person; never a weaker fit."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.matching import MatchStatus, match_emails
from checks.models import Role, RosterUser
from sandbox.sample import sample_licenses, sample_world

WIDE, SHORT = "lincolnusd.org", "tiesms.org"  # first.last, and flast (jsmith, jsmith2)


def teacher(sid: str, given: str, family: str, email: str, username: str = "") -> RosterUser:
    return RosterUser(sid, Role.TEACHER, "active", True, given, family, "", email, username)


JOHN = teacher("J1", "John", "Smith", f"john.smith@{WIDE}")
JANE = teacher("J2", "Jane", "Smith", f"jsmith2@{WIDE}")
ROBERT = teacher("R1", "Robert", "Chen", f"robert.chen@{WIDE}")
WIDE_ROSTER = (JOHN, JANE, ROBERT)


def test_a_seated_candidate_leaves_the_other_one() -> None:
    _, seat, row = match_emails([ROBERT.email, JANE.email, f"jsmith@{WIDE}"], WIDE_ROSTER)
    assert seat.status is MatchStatus.EXACT
    assert (row.status, row.suggestion, row.kind) == (MatchStatus.FIX, JOHN.email, "scheme")
    assert f"Jane Smith (jsmith2@{WIDE}) is already on the license in row 2" in row.note
    assert [(c.email, c.reason) for c in row.candidates][1] == (
        JANE.email, "already on the license in row 2")
    # the fix leans on the rest of the license: less sure than the same fit alone would be
    [alone] = match_emails([f"jsmith@{WIDE}"], [JOHN, ROBERT])
    assert (alone.status, alone.suggestion) == (MatchStatus.FIX, JOHN.email)
    assert 0.5 < row.confidence < alone.confidence


def test_only_an_exact_seat_counts() -> None:
    _, exact_seat = match_emails([JANE.email, f"jsmith@{WIDE}"], WIDE_ROSTER)
    case, loose = match_emails([JANE.email.upper(), f"jsmith@{WIDE}"], WIDE_ROSTER)
    assert exact_seat.suggestion == JOHN.email
    assert case.status is MatchStatus.FIX  # a case fix to Jane, not her seat as typed
    assert (loose.status, loose.suggestion) == (MatchStatus.AMBIGUOUS, None)
    [alone] = match_emails([f"jsmith@{WIDE}"], WIDE_ROSTER)
    assert alone.status is MatchStatus.AMBIGUOUS


def test_the_one_left_must_be_a_safe_fit() -> None:
    john = teacher("S1", "John", "Smith", f"jsmith@{SHORT}")
    jane = teacher("S2", "Jane", "Smith", f"jsmith2@{SHORT}")
    # Jane seated: j.smith is John (jsmith), the docs' example the other way round
    _, for_john = match_emails([jane.email, f"j.smith@{SHORT}"], [john, jane])
    assert (for_john.status, for_john.suggestion) == (MatchStatus.FIX, john.email)
    # John seated: Jane is left, but j.smith is no safe fit for jsmith2
    _, for_jane = match_emails([john.email, f"j.smith@{SHORT}"], [john, jane])
    assert (for_jane.status, for_jane.suggestion) == (MatchStatus.AMBIGUOUS, None)
    assert f"{john.email} is already on the license in row 1" in for_jane.note


def test_namesakes_are_not_told_apart_by_a_seat() -> None:
    second = teacher("J3", "John", "Smith", f"john.smith2@{WIDE}")
    _, row = match_emails([second.email, f"j.smith@{WIDE}"], [JOHN, second, ROBERT])
    # john.smith2 is seated; john.smith has the same name, and the row may be John 2 twice
    assert (row.status, row.suggestion) == (MatchStatus.AMBIGUOUS, None)
    seated = {c.email for c in row.candidates if "already on the license in row 1" in c.reason}
    assert seated == {second.email}


def test_two_left_stay_ambiguous() -> None:
    jim = teacher("J4", "Jim", "Smith", f"jim.smith@{WIDE}")
    _, row = match_emails([JANE.email, f"jsmith@{WIDE}"], [*WIDE_ROSTER, jim])
    assert (row.status, row.suggestion) == (MatchStatus.AMBIGUOUS, None)
    assert f"{JANE.email} is already on the license in row 1" in row.note


def test_a_better_ranked_fit_is_never_passed_over_for_the_seat() -> None:
    # Jane logs in as jmiller: jmiller names her before any name form of John Miller
    jane = teacher("M1", "Jane", "Miller", f"jane.miller@{WIDE}", username="jmiller")
    john = teacher("M2", "John", "Miller", f"john.miller@{WIDE}")
    rows = [jane.email, f"jmiller@{WIDE}", JANE.email, f"jsmith@{WIDE}"]
    _, login, _, tie = match_emails(rows, [jane, john, *WIDE_ROSTER])
    assert (login.status, login.suggestion, login.kind, login.duplicate_of) == (
        MatchStatus.FIX, jane.email, "duplicate", 0)
    assert (tie.status, tie.suggestion) == (MatchStatus.FIX, JOHN.email)


@pytest.fixture(scope="module")
def demo_emails_results() -> list[tuple[str, str | None, str]]:
    lincoln = next(d for d in sample_world().districts if d.tenant_id == "2001")
    license_ = next(lic for lic in sample_licenses(today=dt.date(2026, 11, 28))
                    if lic.id == "demo-emails")
    results = match_emails(license_.instructor_emails, lincoln.roster.users)
    return [(r.license_email, r.suggestion, r.note) for r in results]


def test_the_sample_worlds_jsmith_row_suggests_john(
    demo_emails_results: list[tuple[str, str | None, str]],
) -> None:
    by_email = {email: (suggestion, note) for email, suggestion, note in demo_emails_results}
    suggestion, note = by_email["jsmith@lincolnusd.org"]
    assert suggestion == "john.smith@lincolnusd.org"
    assert "Jane Smith (jsmith2@lincolnusd.org) is already on the license in row 3" in note
    assert by_email["jsmith2@lincolnusd.org"][0] == "jsmith2@lincolnusd.org"
