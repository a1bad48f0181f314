from __future__ import annotations

import pytest

from checks.models import Status
from checks.rules import check_connection, district_name_score
from tests.checks.records import app, license_

LINCOLN = app("MoYPlyQWmG0%3D", "Lincoln Unified School District")
MAPLE = app("Qk9vdEp%2FYQ%3D%3D", "Maple Grove School District")
HARBOR = app("SGFyYm9y%3D", "Harbor View Unified", enabled=False)
CEDAR = app("Q2VkYXI%3D", "Cedar Falls Academy", status="Inactive")
WORLD = [LINCOLN, MAPLE, HARBOR, CEDAR]


@pytest.mark.parametrize(
    ("ids", "district", "status", "codes"),
    [
        (("MoYPlyQWmG0%3D",), "Lincoln Unified School District", Status.PASS, ["application_ok"]),
        # admins paste the decoded form too; it is the same ID
        (("MoYPlyQWmG0=",), "Lincoln Unified School District", Status.PASS, ["application_ok"]),
        ((" MoYPlyQWmG0%3D ",), "Lincoln Unified School District", Status.PASS,
         ["application_ok"]),
        ((), "Lincoln Unified School District", Status.FAIL,
         ["no_application_id", "unattached_match"]),
        ((), "Maple Grove Schools", Status.FAIL, ["no_application_id", "unattached_match"]),
        ((), "Springfield ISD", Status.FAIL, ["no_application_id"]),
        (("nope",), "Springfield ISD", Status.FAIL, ["application_unknown"]),
        (("SGFyYm9y%3D",), "Harbor View Unified", Status.FAIL, ["application_disabled"]),
        (("Q2VkYXI%3D",), "Cedar Falls Academy", Status.FAIL, ["tenant_inactive"]),
        # a correct ID attached plus a second district of the same name not attached: warn only
        (("MoYPlyQWmG0%3D",), "Maple Grove", Status.WARN, ["application_ok", "unattached_match"]),
    ],
)
def test_connection_table(ids: tuple[str, ...], district: str, status: Status,
                          codes: list[str]) -> None:
    result = check_connection(license_(ids=ids, district=district), WORLD)
    assert [f.code for f in result.findings] == codes
    assert result.status is status
    assert (result.step, result.name) == (1, "connection")


def test_unattached_match_knows_the_id_but_never_prints_it() -> None:
    result = check_connection(license_(district="Maple Grove Schools"), WORLD)
    finding = next(f for f in result.findings if f.code == "unattached_match")
    assert finding.data["_application_id"] == MAPLE.oneroster_application_id
    public = str(finding.to_json())
    assert MAPLE.oneroster_application_id not in public
    assert MAPLE.oneroster_application_id not in finding.message
    assert finding.data["application_id_masked"].endswith("%3D")


def test_unreadable_applications_is_unknown_not_fail() -> None:
    result = check_connection(license_(ids=("x",)), None, error="ClassLink did not answer")
    assert result.status is Status.UNKNOWN
    assert result.findings[0].code == "classlink_unreachable"
    assert "did not answer" in result.findings[0].message


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Maple Grove Schools", "Maple Grove School District", True),
        ("Lincoln USD", "Lincoln Unified School District", True),
        ("Riverside County Schools", "Maple Grove School District", False),
        ("Springfield ISD", "Springfield Public Schools", True),
        ("North Springfield ISD", "South Springfield ISD", False),
        ("", "Anything", False),
    ],
)
def test_district_name_score(a: str, b: str, same: bool) -> None:
    assert (district_name_score(a, b) >= 90) is same
