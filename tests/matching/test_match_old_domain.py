"""Issue 8, item 4: a roster domain the district left (stale records only, or shown by the
license's own rows) resolves like an old domain; living sibling domains never do."""

from __future__ import annotations

from checks.matching import Kind, MatchStatus, match_emails
from checks.models import Role, RosterUser

NEW, OLD, OTHER = "maplegroveisd.org", "mgisd.net", "mgpschools.org"


def teacher(sid: str, given: str, family: str, email: str, *, status: str = "active",
            enabled: bool = True) -> RosterUser:
    return RosterUser(sid, Role.TEACHER, status, enabled, given, family, "", email)


def student(sid: str, email: str) -> RosterUser:
    return RosterUser(sid, Role.STUDENT, "active", True, "Kid", sid, "", email)


MOVED = (
    teacher("T1", "Karen", "Aguilar", f"aguilark@{NEW}"),
    teacher("T2", "John", "Doe", f"doej@{NEW}"),
    teacher("T3", "Ben", "Ruiz", f"ruizb@{NEW}"),
    teacher("TCH_S4", "Maria", "Lopez", f"lopezm@{NEW}"),
    # what ClassLink still sends on the old domain: inactive records only
    teacher("S1", "Linda", "Park", f"parkl@{OLD}", status="tobedeleted"),
    teacher("S2", "Tom", "Reyes", f"reyest@{OLD}", enabled=False),
    teacher("S3", "Jane", "Doe", f"doej@{OLD}", status="tobedeleted"),  # not John Doe
    teacher("S4", "Maria", "Lopez", f"lopezm@{OLD}", status="tobedeleted"),
)


def test_a_domain_with_only_stale_records_is_a_former_domain() -> None:
    [result] = match_emails([f"aguilark@{OLD}"], MOVED)
    assert (result.status, result.suggestion, result.kind) == (
        MatchStatus.FIX, f"aguilark@{NEW}", Kind.OLD_DOMAIN)
    assert f"{OLD} is a former domain of the district" in result.note
    assert "all 4 of its staff records are marked for deletion or disabled" in result.note
    assert 0.8 < result.confidence < 0.9  # below an alias domain's 0.9


def test_a_stale_record_names_its_own_person() -> None:
    jane, lopez, karen = match_emails([f"doej@{OLD}", f"lopezm@{OLD}", f"aguilark@{OLD}"], MOVED)
    # doej@mgisd.net is Jane Doe's stale record; doej@ on the new domain is John Doe
    assert (jane.status, jane.suggestion) == (MatchStatus.INACTIVE, None)
    assert jane.teacher is not None and jane.teacher.sourced_id == "S3"
    # the same person's active record on the new domain is still the inactive-record fix
    assert (lopez.status, lopez.suggestion, lopez.kind) == (
        MatchStatus.FIX, f"lopezm@{NEW}", Kind.INACTIVE_RECORD)
    assert (karen.status, karen.suggestion) == (MatchStatus.FIX, f"aguilark@{NEW}")


def test_two_active_domains_with_the_mailbox_name_are_never_guessed_between() -> None:
    roster = (*MOVED, teacher("T5", "Mario", "Garcia", f"garciam@{NEW}"),
              teacher("T6", "Maria", "Garcia", f"garciam@{OTHER}"))
    [result] = match_emails([f"garciam@{OLD}"], roster)
    assert (result.status, result.suggestion) == (MatchStatus.AMBIGUOUS, None)
    assert {c.email for c in result.candidates} == {f"garciam@{NEW}", f"garciam@{OTHER}"}


def test_a_stale_record_of_someone_else_that_the_address_names_stops_the_move() -> None:
    roster = (
        teacher("K1", "Kevin", "Aguilar", f"aguilark@{NEW}"),
        teacher("K2", "Ann", "Bell", f"bella@{NEW}"),
        teacher("S1", "Kate", "Aguilar", f"kate.aguilar@{OLD}", status="tobedeleted"),
        teacher("S2", "Linda", "Park", f"linda.park@{OLD}", status="tobedeleted"),
        teacher("S3", "Tom", "Reyes", f"tom.reyes@{OLD}", status="tobedeleted"),
    )
    kevin_or_kate, ann = match_emails([f"aguilark@{OLD}", f"bella@{OLD}"], roster)
    assert (ann.status, ann.suggestion, ann.kind) == (
        MatchStatus.FIX, f"bella@{NEW}", Kind.OLD_DOMAIN)
    # aguilark is Kevin's mailbox on the new domain, and also Kate Aguilar's old-domain name
    assert (kevin_or_kate.status, kevin_or_kate.suggestion) == (MatchStatus.AMBIGUOUS, None)
    assert {c.sourced_id for c in kevin_or_kate.candidates} == {"K1", "S1"}


VALLEY, FORMER = "valleyusd.org", "valleyschools.org"
VALLEY_ROSTER = (
    teacher("V1", "Ann", "Lee", f"ann.lee@{VALLEY}"),
    teacher("V2", "Bob", "Ray", f"bob.ray@{VALLEY}"),
    teacher("V3", "Cy", "Young", f"cy.young@{VALLEY}"),
    teacher("V4", "Dee", "Moss", f"dee.moss@{VALLEY}"),
    # the former domain still carries the students, one active teacher and two stale records
    teacher("F1", "Eve", "Hart", f"eve.hart@{FORMER}"),
    teacher("F2", "Fay", "Ito", f"fay.ito@{FORMER}", status="tobedeleted"),
    teacher("F3", "Gil", "Orr", f"gil.orr@{FORMER}", status="tobedeleted"),
    student("K1", f"kid.one27@{FORMER}"),
)


def test_the_license_rows_can_show_a_former_domain() -> None:
    rows = [f"ann.lee@{FORMER}", f"cy.young@{VALLEY}", f"bob.ray@{FORMER}",
            f"eve.hart@{FORMER}"]
    ann, _, bob, eve = match_emails(rows, VALLEY_ROSTER)
    for result, suggestion in ((ann, f"ann.lee@{VALLEY}"), (bob, f"bob.ray@{VALLEY}")):
        assert (result.status, result.suggestion, result.kind) == (
            MatchStatus.FIX, suggestion, Kind.OLD_DOMAIN)
        assert (f"the license shows {FORMER} to be the district's former domain: its rows 1, 3"
                in result.note)
    assert eve.status is MatchStatus.EXACT


def test_one_row_is_not_evidence_enough() -> None:
    [alone] = match_emails([f"ann.lee@{FORMER}"], VALLEY_ROSTER)
    assert (alone.status, alone.suggestion, alone.kind) == (
        MatchStatus.NOT_FOUND, None, Kind.OTHER_DOMAIN)
    # ... and rows that stay on the domain outweigh the ones that moved
    rows = [f"ann.lee@{FORMER}", f"bob.ray@{FORMER}", f"eve.hart@{FORMER}", f"fay.ito@{FORMER}"]
    roster = (*VALLEY_ROSTER, teacher("F4", "Hal", "Poe", f"hal.poe@{FORMER}"))
    ann, bob, *_ = match_emails([*rows, f"hal.poe@{FORMER}"], roster)
    assert ann.status is MatchStatus.NOT_FOUND and bob.status is MatchStatus.NOT_FOUND
    ann, bob, *_ = match_emails(rows, roster)  # two moved, one stayed: former
    assert (ann.suggestion, bob.suggestion) == (f"ann.lee@{VALLEY}", f"bob.ray@{VALLEY}")


def test_a_living_sibling_domain_is_never_a_former_one() -> None:
    north = [teacher(f"N{i}", "Nia", f"North{chr(97 + i)}", f"n{i}@northisd.org")
             for i in range(4)]
    south = [teacher(f"S{i}", "Sam", f"South{chr(97 + i)}", f"s{i}@southisd.org")
             for i in range(4)]
    rows = ["n0@southisd.org", "n1@southisd.org", "n2@southisd.org"]
    results = match_emails(rows, north + south)
    assert [(r.status, r.kind) for r in results] == [(MatchStatus.NOT_FOUND, Kind.OTHER_DOMAIN)] * 3
    # the same rows once every staff record on southisd.org is stale: a former domain
    stale = [teacher(u.sourced_id, u.given_name, u.family_name, u.email, status="tobedeleted")
             for u in south]
    moved = match_emails(rows, north + stale)
    assert [r.suggestion for r in moved] == ["n0@northisd.org", "n1@northisd.org",
                                             "n2@northisd.org"]
