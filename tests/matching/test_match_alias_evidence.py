"""Issue 12: an unknown domain is read as a roster domain's old or alias domain (the same
mailbox name there) only on evidence in proportion to how common the mailbox name is; and a
doubled @ is a format cleaning."""

from __future__ import annotations

from checks.matching import Kind, MatchStatus, match_emails
from checks.models import Role, RosterUser

NEW, SECOND = "mgpschools.org", "maplegroveisd.org"
FOREIGN = "summitacademy.edu"


def teacher(sid: str, given: str, family: str, email: str, *, status: str = "active",
            middle: str = "") -> RosterUser:
    return RosterUser(sid, Role.TEACHER, status, True, given, family, middle, email)


ROSTER = (
    teacher("T1", "Adam", "Taylor", f"ataylor@{NEW}"),
    teacher("T2", "Maria", "Lopez", f"mlopez@{NEW}"),
    teacher("T3", "Ben", "Ruiz", f"bruiz@{NEW}"),
    teacher("T4", "Carl", "Diaz", f"cdiaz@{SECOND}"),
    teacher("T5", "Michael", "Brown", f"michael.brown@{NEW}"),
    teacher("T6", "Kate", "Hill", f"hillkate@{NEW}"),
    teacher("T7", "Paul", "Adams", f"paul.adams2@{NEW}"),
    teacher("T8", "Rogelio", "Hernandez", f"rhernandez@{NEW}"),
)


def test_a_lone_initial_based_mailbox_name_is_not_moved() -> None:
    # the example: Adam Taylor's ataylor is not the only ataylor in the world
    [result] = match_emails([f"ataylor@{FOREIGN}"], ROSTER)
    assert (result.status, result.suggestion, result.kind) == (
        MatchStatus.NOT_FOUND, None, Kind.UNKNOWN_DOMAIN)
    assert [(c.email, c.score) for c in result.candidates] == [(f"ataylor@{NEW}", 0.0)]
    assert result.note.startswith(f"ClassLink sends no one on {FOREIGN}; ataylor@{NEW}")
    assert "not suggested: ataylor is not a full given and family name" in result.note
    assert f"no other row of the license on {FOREIGN}" in result.note


def test_a_full_given_and_family_name_moves_alone() -> None:
    brown, hill = match_emails([f"michael.brown@{FOREIGN}", f"hillkate@{FOREIGN}"], ROSTER)
    assert (brown.status, brown.suggestion, brown.kind) == (
        MatchStatus.FIX, f"michael.brown@{NEW}", Kind.ALIAS_DOMAIN)
    assert "michael.brown spells Michael Brown's full given and family name" in brown.note
    assert (hill.status, hill.suggestion) == (MatchStatus.FIX, f"hillkate@{NEW}")


def test_a_numbered_full_name_is_not_a_full_name() -> None:
    [result] = match_emails([f"paul.adams2@{FOREIGN}"], ROSTER)
    assert (result.status, result.suggestion) == (MatchStatus.NOT_FOUND, None)


def test_two_rows_on_the_domain_pointing_to_one_roster_domain_move() -> None:
    taylor, lopez = match_emails([f"ataylor@{FOREIGN}", f"mlopez@{FOREIGN}"], ROSTER)
    for result, email in ((taylor, f"ataylor@{NEW}"), (lopez, f"mlopez@{NEW}")):
        assert (result.status, result.suggestion, result.kind) == (
            MatchStatus.FIX, email, Kind.ALIAS_DOMAIN)
    assert (f"the license's rows 1, 2 on {FOREIGN} all have mailbox names ClassLink sends "
            f"on {NEW}") in taylor.note


def test_a_row_pointing_to_another_roster_domain_undoes_the_evidence() -> None:
    results = match_emails([f"ataylor@{FOREIGN}", f"mlopez@{FOREIGN}", f"cdiaz@{FOREIGN}"],
                           ROSTER)
    assert all(r.suggestion is None for r in results)
    assert all(r.status is MatchStatus.NOT_FOUND for r in results)
    assert "row 3" in results[0].note and "another roster domain" in results[0].note


def test_more_rows_that_classlink_sends_nowhere_make_it_another_school() -> None:
    rows = [f"ataylor@{FOREIGN}", f"mlopez@{FOREIGN}", f"jdoe@{FOREIGN}", f"kwu@{FOREIGN}"]
    taylor, lopez, _, _ = match_emails(rows, ROSTER)
    assert (taylor.status, lopez.status) == (MatchStatus.NOT_FOUND, MatchStatus.NOT_FOUND)
    assert "another school's teachers" in taylor.note
    # fewer such rows than rows that point to the roster domain: still the old domain
    more = match_emails([*rows[:2], f"bruiz@{FOREIGN}", rows[2]], ROSTER)
    assert [r.suggestion for r in more[:3]] == [f"ataylor@{NEW}", f"mlopez@{NEW}",
                                                f"bruiz@{NEW}"]


def test_a_doubled_at_is_a_format_repair() -> None:
    rows = ["rhernandez@@mgpschools.org", "RHernandez@@mgpschools.org",
            "r.hernandez@@mgpschools.org"]
    plain, case, scheme = (match_emails([row], ROSTER)[0] for row in rows)
    assert (plain.status, plain.suggestion, plain.kind) == (
        MatchStatus.FIX, f"rhernandez@{NEW}", Kind.FORMAT)
    assert plain.note.endswith("the license copy has a doubled @")
    assert plain.license_email == rows[0]
    assert (case.suggestion, case.kind) == (f"rhernandez@{NEW}", Kind.CASE)
    assert "a doubled @ and different letter case" in case.note
    # the usual rules after the repair, and the note still says what was repaired
    assert (scheme.suggestion, scheme.kind) == (f"rhernandez@{NEW}", Kind.SCHEME)
    assert scheme.note.endswith("also, the license copy has a doubled @")


def test_a_doubled_at_that_finds_no_one_teacher_stays_malformed() -> None:
    rows = ["zz@@mgpschools.org", f"ataylor@@{FOREIGN}", "a@@b@c.org", "@@mgpschools.org"]
    for result in match_emails(rows, ROSTER):
        assert (result.status, result.kind, result.suggestion) == (
            MatchStatus.NOT_FOUND, Kind.MALFORMED, None)
    assert match_emails(["zz@@mgpschools.org"], ROSTER)[0].note.endswith("it has a doubled @")
