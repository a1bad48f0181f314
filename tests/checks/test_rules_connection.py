from __future__ import annotations

import pytest

from checks.models import Application, License, RosterUser, Status
from checks.rules import check_connection, district_name_score
from checks.rules.connection import (
    RosterEvidence,
    app_key,
    roster_evidence,
    unattached_candidates,
)
from tests.checks.records import app, license_, user

LINCOLN = app("MoYPlyQWmG0%3D", "Lincoln Unified School District")
MAPLE = app("Qk9vdEp%2FYQ%3D%3D", "Maple Grove School District")
HARBOR = app("SGFyYm9y%3D", "Harbor View Unified", enabled=False)
CEDAR = app("Q2VkYXI%3D", "Cedar Falls Academy", status="Inactive")
WORLD = [LINCOLN, MAPLE, HARBOR, CEDAR]


LINCOLN_EMAILS = ("robert.chen@lincolnusd.org", "aisha.patel@lincolnusd.org")
CONFIRMS = RosterEvidence(checked=2, emails=2, domains=("lincolnusd.org",), mailboxes=0)
DENIES = RosterEvidence(checked=2, emails=0, domains=(), mailboxes=0)
NOTHING_TO_TEST = RosterEvidence(checked=0, emails=0, domains=(), mailboxes=0)


def key(application: Application) -> str:
    return app_key(application.oneroster_application_id)


@pytest.mark.parametrize(
    ("ids", "district", "evidence", "status", "codes"),
    [
        (("MoYPlyQWmG0%3D",), "Lincoln Unified School District", {key(LINCOLN): CONFIRMS},
         Status.PASS, ["application_ok"]),
        # admins paste the decoded form too; it is the same ID
        (("MoYPlyQWmG0=",), "Lincoln Unified School District", {key(LINCOLN): CONFIRMS},
         Status.PASS, ["application_ok"]),
        ((" MoYPlyQWmG0%3D ",), "Lincoln Unified School District", {}, Status.PASS,
         ["application_ok"]),
        # the roster confirms the district although the names differ (a renamed district)
        (("MoYPlyQWmG0%3D",), "LUSD", {key(LINCOLN): CONFIRMS}, Status.PASS, ["application_ok"]),
        # a neighbour's ID: its roster has none of the license's emails or domains
        (("Qk9vdEp%2FYQ%3D%3D",), "Lincoln Unified School District", {key(MAPLE): DENIES},
         Status.FAIL, ["application_foreign"]),
        # the same name but a roster without the license's teachers: a namesake, or this
        # district sending none of them; not sure either way
        (("MoYPlyQWmG0%3D",), "Lincoln Unified School District", {key(LINCOLN): DENIES},
         Status.WARN, ["application_unconfirmed"]),
        # nothing on the license to test and the names differ: honestly unsure
        (("Qk9vdEp%2FYQ%3D%3D",), "Lincoln Unified School District",
         {key(MAPLE): NOTHING_TO_TEST}, Status.WARN, ["application_unconfirmed"]),
        (("Qk9vdEp%2FYQ%3D%3D",), "Maple Grove Schools", {key(MAPLE): NOTHING_TO_TEST},
         Status.PASS, ["application_ok"]),
        # unattached: offered only when the tenant's roster bears the license out
        ((), "Lincoln Unified School District", {key(LINCOLN): CONFIRMS}, Status.FAIL,
         ["no_application_id", "unattached_match"]),
        ((), "Lincoln Unified School District", {key(LINCOLN): DENIES}, Status.FAIL,
         ["no_application_id"]),
        ((), "Lincoln Unified School District", {}, Status.FAIL, ["no_application_id"]),
        ((), "Maple Grove Schools", {key(MAPLE): CONFIRMS}, Status.FAIL,
         ["no_application_id", "unattached_match"]),
        # a license named after a school: the roster, found by asking every district, decides
        ((), "Springfield ISD", {key(MAPLE): CONFIRMS}, Status.FAIL,
         ["no_application_id", "unattached_match"]),
        (("nope",), "Springfield ISD", {}, Status.FAIL, ["application_unknown"]),
        (("SGFyYm9y%3D",), "Harbor View Unified", {}, Status.FAIL, ["application_disabled"]),
        (("Q2VkYXI%3D",), "Cedar Falls Academy", {}, Status.FAIL, ["tenant_inactive"]),
        # a healthy attached connection is never told to attach another one
        (("MoYPlyQWmG0%3D",), "Maple Grove", {key(LINCOLN): CONFIRMS, key(MAPLE): CONFIRMS},
         Status.PASS, ["application_ok"]),
        # a foreign ID attached, and this district's own connection found: replace it
        (("Qk9vdEp%2FYQ%3D%3D",), "Lincoln Unified School District",
         {key(MAPLE): DENIES, key(LINCOLN): CONFIRMS}, Status.FAIL,
         ["application_foreign", "unattached_match"]),
    ],
)
def test_connection_table(ids: tuple[str, ...], district: str,
                          evidence: dict[str, RosterEvidence], status: Status,
                          codes: list[str]) -> None:
    result = check_connection(license_(ids=ids, district=district, emails=LINCOLN_EMAILS),
                              WORLD, evidence=evidence)
    assert [f.code for f in result.findings] == codes
    assert result.status is status
    assert (result.step, result.name) == (1, "connection")


def test_foreign_names_both_districts() -> None:
    result = check_connection(license_(ids=(MAPLE.oneroster_application_id,),
                                       emails=LINCOLN_EMAILS), WORLD,
                              evidence={key(MAPLE): DENIES})
    finding = result.findings[0]
    assert finding.data["tenant_name"] == "Maple Grove School District"
    assert finding.data["license_district"] == "Lincoln Unified School District"
    assert finding.data["evidence"] == {"checked": DENIES.checked, "emails": 0, "domains": [],
                                        "mailboxes": 0, "supports": False}


def test_a_connection_attached_to_another_districts_license_is_not_offered() -> None:
    other = License(id="other", name="x", district="Springfield ISD", seats=10,
                    application_ids=(LINCOLN.oneroster_application_id,))
    sibling = License(id="sibling", name="x", district="Lincoln USD", seats=10,
                      application_ids=(LINCOLN.oneroster_application_id,))
    mine = license_(district="Lincoln Unified School District", emails=LINCOLN_EMAILS)
    assert unattached_candidates(mine, WORLD, [other]) == []
    assert unattached_candidates(mine, WORLD, [sibling]) == [LINCOLN]


@pytest.mark.parametrize(
    ("users", "supports"),
    [
        ([user("a", email="robert.chen@lincolnusd.org")], True),
        ([user("a", email="someone.else@lincolnusd.org")], True),  # the district's domain
        ([user("a", email="robert.chen@newlusd.org"),  # the district moved its domain
          user("b", email="aisha.patel@newlusd.org")], True),
        ([user("a", email="robert.chen@jeffco.org")], False),  # one common mailbox name
        ([user("a", email="x@jeffco.org")], False),
    ],
)
def test_roster_evidence(users: list[RosterUser], supports: bool) -> None:
    evidence = roster_evidence(license_(emails=LINCOLN_EMAILS), users)
    assert evidence.testable
    assert evidence.supports is supports


def test_webmail_addresses_are_no_evidence() -> None:
    lic = license_(emails=("teacher@gmail.com",))
    assert not roster_evidence(lic, [user("a", email="other@gmail.com")]).testable


def test_unattached_match_knows_the_id_but_never_prints_it() -> None:
    result = check_connection(license_(district="Maple Grove Schools", emails=LINCOLN_EMAILS),
                              WORLD, evidence={key(MAPLE): CONFIRMS})
    finding = next(f for f in result.findings if f.code == "unattached_match")
    assert finding.data["_application_id"] == MAPLE.oneroster_application_id
    public = str(finding.to_json())
    assert MAPLE.oneroster_application_id not in public
    assert finding.data["application_id_masked"] == "••••p/YQ"


def test_unreadable_applications_is_unknown_not_fail() -> None:
    result = check_connection(license_(ids=("x",)), None, error="ClassLink did not answer")
    assert result.status is Status.UNKNOWN
    assert result.findings[0].code == "classlink_unreachable"
    assert result.findings[0].data == {"error": "ClassLink did not answer", "cause": "classlink"}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Maple Grove Schools", "Maple Grove School District", True),
        ("Lincoln USD", "Lincoln Unified School District", True),
        ("Riverside County Schools", "Maple Grove School District", False),
        ("Springfield ISD", "Springfield Public Schools", True),
        ("North Springfield ISD", "South Springfield ISD", False),
        ("", "Anything", False),
        ("Mt. Vernon Co. S.D.", "Mount Vernon County School District", True),
        ("The School District of Lancaster", "Lancaster School District", True),
        ("St. Charles Parish Public Schools", "Saint Charles Parish School District", True),
        ("Ft. Worth ISD", "Fort Worth Independent School District", True),
        ("Hamilton-Wenham Regional", "Hamilton Wenham Regional School District", True),
        ("Union County SD No. 15", "Union County School District #15", True),
        ("Union County SD No. 15", "Union County School District 51", False),
        ("Jefferson City Schools", "Jefferson County Schools", False),
        ("Greenville County Schools", "Greenville City Schools", False),
    ],
)
def test_district_name_score(a: str, b: str, same: bool) -> None:
    assert (district_name_score(a, b) >= 90) is same
