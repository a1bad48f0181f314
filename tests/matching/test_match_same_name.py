"""Issue 12: "two records with the same name are one person" only when nothing says
otherwise; and the near-miss rules that named someone else on the held-out benchmark seeds."""

from __future__ import annotations

from checks.matching import Kind, MatchStatus, match_emails
from checks.models import Role, RosterUser


def staff(sid: str, given: str, family: str, email: str, *, middle: str = "",
          status: str = "active", enabled: bool = True) -> RosterUser:
    return RosterUser(sid, Role.TEACHER, status, enabled, given, family, middle, email)


TIES = "tiesd.org"
FILLERS = tuple(staff(f"F{i}", given, family, f"{given.lower()}.{family.lower()}@{TIES}")
                for i, (given, family) in enumerate([("Ada", "Moss"), ("Ben", "Ruiz")]))


def test_numbered_sibling_addresses_are_two_people() -> None:
    # seeds 101-110: Luke Clark left (luke.clark2, marked for deletion); another Luke Clark
    # teaches (luke.clark): the stale row is not the active teacher's
    old = staff("T1", "Luke", "Clark", f"luke.clark2@{TIES}", status="tobedeleted")
    new = staff("T2", "Luke", "Clark", f"luke.clark@{TIES}")
    [result] = match_emails([old.email], (old, new, *FILLERS))
    assert (result.status, result.suggestion) == (MatchStatus.INACTIVE, None)
    assert [(c.email, c.score) for c in result.candidates] == [(old.email, 0.0),
                                                              (new.email, 0.0)]
    assert f"ClassLink also sends teacher Luke Clark ({new.email}), not suggested" in result.note
    assert "differ only by a number" in result.note


def test_different_middle_names_are_two_people() -> None:
    # seeds 101-110: Gregory M. Smith's disabled account is not Gregory L. Smith
    old = staff("T1", "Gregory", "Smith", "gsmith@northisd.org", middle="M", enabled=False)
    new = staff("T2", "Gregory", "Smith", "gsmith@southisd.org", middle="Lee")
    [result] = match_emails([old.email], (old, new))
    assert (result.status, result.suggestion) == (MatchStatus.INACTIVE, None)
    assert "different middle names (M and Lee)" in result.note


def test_a_re_created_record_is_still_the_same_person() -> None:
    old = staff("S1", "Laura", "Green", f"lgreen@{TIES}", middle="Ann", status="tobedeleted")
    new = staff("TCH_S1", "Laura", "Green", f"laura.green@{TIES}", middle="A")
    [result] = match_emails([old.email], (old, new, *FILLERS))
    assert (result.status, result.suggestion, result.kind) == (
        MatchStatus.FIX, new.email, Kind.INACTIVE_RECORD)


def test_a_form_fitting_namesakes_is_ambiguous() -> None:
    old = staff("T1", "Seth", "Brown", "Seth.Brown@hsd.org", middle="K", status="tobedeleted")
    new = staff("T2", "Seth", "Brown", "Seth.Brown2@hsd.org")
    [result] = match_emails(["sethbrown@hsd.org"], (old, new))
    assert (result.status, result.suggestion) == (MatchStatus.AMBIGUOUS, None)


OAK = "oakvalley.k12.ca.us"  # first initial + middle initial + last name


def _oak() -> tuple[RosterUser, ...]:
    people = [("Taylor", "", "Martinez"), ("Anna", "Beth", "Cole"), ("Carl", "Dean", "Lopez"),
              ("Eva", "Faye", "Miller"), ("Gus", "Hal", "Jones"), ("Ivy", "", "King")]
    return tuple(staff(f"O{i}", g, f, f"{g[0]}{m[:1]}{f}@{OAK}".lower(), middle=m)
                 for i, (g, m, f) in enumerate(people))


def test_a_middle_initial_where_addresses_carry_one_is_not_a_typo() -> None:
    # seeds 300-359: tmmartinez is T. M. Martinez's own address form, not tmartinez misspelled
    [result] = match_emails([f"tmmartinez@{OAK}"], _oak())
    assert (result.status, result.suggestion) == (MatchStatus.NOT_FOUND, None)
    [typo] = match_emails([f"tmartinze@{OAK}"], _oak())
    assert (typo.status, typo.suggestion) == (MatchStatus.FIX, f"tmartinez@{OAK}")


def test_only_separators_apart_is_no_typo_of_a_stale_record() -> None:
    # seeds 300-359: ecrawford is the district's own form for an E. Crawford ClassLink does
    # not send; the stale e.crawford record (moved to another domain) is not a typo of it
    grove = "maplegroveisd.org"
    roster = (
        staff("G1", "Edward", "Crawford", f"e.crawford@{grove}", status="tobedeleted"),
        staff("TCH_G1", "Edward", "Crawford", "ecrawford@mgpschools.org"),
        *(staff(f"G{i}", g, f, f"{g[0]}{f}@{grove}".lower()) for i, (g, f) in enumerate(
            [("Ann", "Lee"), ("Bo", "Park"), ("Cy", "Ortiz"), ("Di", "Vance")], start=2)),
    )
    [result] = match_emails([f"ecrawford@{grove}"], roster)
    assert result.suggestion is None and result.status is MatchStatus.NOT_FOUND


MAPLE = "mapleisd.org"  # last name + first initial


def _maple(*more: RosterUser) -> tuple[RosterUser, ...]:
    people = [("Russell", "Brown"), ("John", "Smith"), ("Kim", "Lee"), ("Maria", "Garcia")]
    return (*(staff(f"M{i}", g, f, f"{f}{g[0]}@{MAPLE}".lower())
              for i, (g, f) in enumerate(people)), *more)


def test_a_first_name_form_that_reads_as_the_districts_own_form_is_not_a_fix() -> None:
    # seeds 300-359: russellb is a Russell B.'s own lastf address before it is Russell Brown
    [result] = match_emails([f"russellb@{MAPLE}"], _maple())
    assert (result.status, result.suggestion) == (MatchStatus.NOT_FOUND, None)
    [other] = match_emails([f"marias@{MAPLE}"], _maple(staff("M9", "Maria", "Sanz",
                                                             f"sanzm@{MAPLE}")))
    assert (other.status, other.suggestion) == (MatchStatus.FIX, f"sanzm@{MAPLE}")


def test_a_slip_as_close_to_two_addresses_is_ambiguous() -> None:
    # seeds 300-359: scotat is one swap from scotta and one letter from scottt
    roster = _maple(staff("M8", "Travis", "Scott", f"scottt@{MAPLE}"),
                    staff("M9", "Alicia", "Scott", f"scotta@{MAPLE}"))
    [result] = match_emails([f"scotat@{MAPLE}"], roster)
    assert (result.status, result.suggestion) == (MatchStatus.AMBIGUOUS, None)
    assert {c.email for c in result.candidates} == {f"scottt@{MAPLE}", f"scotta@{MAPLE}"}
    # and a seat on the license does not pick between them: it may be Alicia listed twice
    _, again = match_emails([f"scotta@{MAPLE}", f"scotat@{MAPLE}"], roster)
    assert (again.status, again.suggestion) == (MatchStatus.AMBIGUOUS, None)


RIVER = "rcschools.net"  # first.last


def _river(*more: RosterUser) -> tuple[RosterUser, ...]:
    people = [("Kate", "Miller"), ("Omar", "Reyes"), ("Ida", "Shaw"), ("William", "Thistle")]
    return (*(staff(f"R{i}", g, f, f"{g}.{f}@{RIVER}".lower()) for i, (g, f) in
              enumerate(people)), *more)


def test_a_two_slip_fit_of_a_long_address_competes_with_a_one_slip_fit() -> None:
    # seeds 300-359: aaln.barnes is two slips from aaron.barnes and one from alan.barnes
    roster = _river(staff("R8", "Alan", "Barnes", f"alan.barnes@{RIVER}"),
                    staff("R9", "Aaron", "Barnes", f"aaron.barnes@{RIVER}"))
    [result] = match_emails([f"aaln.barnes@{RIVER}"], roster)
    assert (result.status, result.suggestion) == (MatchStatus.AMBIGUOUS, None)


def test_a_formal_name_is_not_read_as_a_nickname_in_the_districts_own_form() -> None:
    # seeds 300-359: sandra.williams is Sandra Williams's address before it is Alexandra's;
    # john.delrio is John Del Rio's before it is Jack's; bill is a nickname only
    roster = _river(staff("R8", "Alexandra", "Williams", f"alexandra.williams@{RIVER}"),
                    staff("R9", "Jack", "Del Rio", f"jack.delrio@{RIVER}"))
    for email in (f"sandra.williams@{RIVER}", f"john.delrio@{RIVER}"):
        [result] = match_emails([email], roster)
        assert result.suggestion is None, result.note
    [bill] = match_emails([f"bill.thistle@{RIVER}"], roster)
    assert (bill.status, bill.suggestion) == (MatchStatus.FIX, f"william.thistle@{RIVER}")


def test_a_seat_does_not_pick_between_two_nickname_fits() -> None:
    # seeds 300-359: with samuel.jones on the license, sam.jones may be Samuel listed twice
    roster = _river(staff("R8", "Samuel", "Jones", f"samuel.jones@{RIVER}"),
                    staff("R9", "Samantha", "Jones", f"samantha.jones@{RIVER}"))
    _, row = match_emails([f"samuel.jones@{RIVER}", f"sam.jones@{RIVER}"], roster)
    assert (row.status, row.suggestion) == (MatchStatus.AMBIGUOUS, None)
