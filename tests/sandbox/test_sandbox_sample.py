"""The sample world and its licenses: each demo license sets up the failure it is named for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checks.licenses.yaml_directory import read_licenses_yaml
from checks.models import License, Role, RosterUser
from sandbox.sample import (
    LINCOLN_EMAIL_CASES,
    LINCOLN_OLD_DOMAIN,
    NBSP,
    export_sample,
    lincoln_student,
    sample_licenses,
    sample_world,
)
from sandbox.world import District, World, load_world
from tests.sandbox.sandbox_helpers import district

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def licenses() -> dict[str, License]:
    return {lic.id: lic for lic in sample_licenses(today=TODAY)}


def _count(d: District, role: Role) -> int:
    return sum(1 for u in d.roster.users if u.role is role)


def _by_email(d: District) -> dict[str, RosterUser]:
    return {u.email: u for u in d.roster.users if u.email}


def test_sample_world_is_deterministic(world: World) -> None:
    assert sample_world() == world
    assert sample_licenses(today=TODAY) == sample_licenses(today=TODAY)


def test_world_shape(world: World) -> None:
    assert [d.tenant_name for d in world.districts] == [
        "Riverside County Schools", "Maple Grove School District", "Harbor View Unified",
        "Lincoln Unified School District", "Cedar Falls Academy", "Old Mill School District"]
    assert any(not d.total_count_header for d in world.districts)
    assert any(d.api_shape == "1.1" for d in world.districts)
    for d in world.districts:
        assert d.oneroster_application_id.endswith("%3D")
        assert "=" not in d.oneroster_application_id and "/" not in d.oneroster_application_id
    assert any("%2F" in d.oneroster_application_id for d in world.districts)


def test_every_enrolled_reference_resolves(world: World) -> None:
    for d in world.districts:
        users = {u.sourced_id for u in d.roster.users}
        classes = {c.sourced_id for c in d.roster.classes}
        orgs = {o.sourced_id for o in d.roster.orgs}
        assert all(e.user_id in users and e.class_id in classes for e in d.roster.enrollments)
        assert all(c.school_id in orgs for c in d.roster.classes)
        enrolled = {e.user_id for e in d.roster.enrollments}
        assert users == enrolled, "ClassLink only sends users enrolled in a shared class"


def test_demo_healthy(world: World, licenses: dict[str, License]) -> None:
    lic, d = licenses["demo-healthy"], district(world, "1042")
    assert (d.enabled, d.active, d.access, d.domains) == (True, True, "proxy", ("rcschools.net",))
    assert (_count(d, Role.TEACHER), _count(d, Role.STUDENT)) == (12, 300)
    assert lic.application_ids == (d.oneroster_application_id,)
    assert lic.district == d.tenant_name and lic.seats > 300  # spare seats: no overage
    teachers = {u.email for u in d.roster.users if u.role is Role.TEACHER and u.active}
    assert set(lic.instructor_emails) == teachers
    classes_with_students = {e.class_id for e in d.roster.enrollments if e.role is Role.STUDENT}
    assert classes_with_students == {c.sourced_id for c in d.roster.classes}


def test_demo_unattached(world: World, licenses: dict[str, License]) -> None:
    lic, d = licenses["demo-unattached"], district(world, "1187")
    assert lic.application_ids == ()
    assert (d.enabled, d.active) == (True, True)
    assert lic.district == "Maple Grove Schools" != d.tenant_name
    assert not d.total_count_header
    assert set(lic.instructor_emails) <= set(_by_email(d))


def test_demo_disabled(world: World, licenses: dict[str, License]) -> None:
    lic, d = licenses["demo-disabled"], district(world, "1230")
    assert lic.application_ids == (d.oneroster_application_id,)
    assert (d.enabled, d.active) == (False, True)


def test_demo_few_students(world: World, licenses: dict[str, License]) -> None:
    lic, d = licenses["demo-few-students"], district(world, "2258")
    assert (_count(d, Role.TEACHER), _count(d, Role.STUDENT)) == (113, 5)
    assert lic.seats == 150 and 0 < len(lic.instructor_emails) < 10
    assert set(lic.instructor_emails) <= set(_by_email(d))


def test_inactive_tenant_has_no_license(world: World, licenses: dict[str, License]) -> None:
    old_mill = district(world, "2317")
    assert old_mill.tenant_status == "Inactive" and old_mill.enabled
    attached = {a for lic in licenses.values() for a in lic.application_ids}
    assert old_mill.oneroster_application_id not in attached


def test_demo_emails_district(world: World, licenses: dict[str, License]) -> None:
    lic, d = licenses["demo-emails"], district(world, "2001")
    assert (d.access, d.bearer, d.api_shape) == ("direct", "", "1.2")
    assert d.domains == ("lincolnusd.org", LINCOLN_OLD_DOMAIN)
    assert lic.application_ids == (d.oneroster_application_id,)
    assert len(lic.instructor_emails) == len(LINCOLN_EMAIL_CASES)
    roster = _by_email(d)
    assert roster["john.smith@lincolnusd.org"].full_name == "John Smith"
    assert roster["jsmith2@lincolnusd.org"].full_name == "Jane Smith"
    assert "jsmith@lincolnusd.org" in lic.instructor_emails
    assert "jsmith@lincolnusd.org" not in roster


def test_each_demo_email_row_is_what_it_claims(world: World,
                                               licenses: dict[str, License]) -> None:
    d = district(world, "2001")
    roster = _by_email(d)
    people = {(u.given_name, u.family_name): u for u in d.roster.users}
    emails = licenses["demo-emails"].instructor_emails
    findings = {case.finding for case in LINCOLN_EMAIL_CASES}
    assert findings >= {"exact", "case_only", "whitespace", "whitespace_nbsp", "typo",
                        "pattern_flast_vs_first_last", "old_domain", "student", "absent",
                        "tobedeleted", "roster_record_without_email"}
    for case, typed in zip(LINCOLN_EMAIL_CASES, emails, strict=True):
        teacher = case.teacher
        user = people.get((teacher.given, teacher.family)) if teacher else None
        match case.finding:
            case "exact":
                assert roster[typed].active and roster[typed].role is Role.TEACHER
            case "case_only":
                assert typed not in roster and typed.lower() in roster and typed != typed.lower()
            case "whitespace":
                assert typed != typed.strip() and typed.strip() in roster
            case "whitespace_nbsp":
                assert typed.endswith(NBSP) and typed.strip() in roster
            case "typo":
                assert user is not None and typed not in roster
                assert sorted(typed) == sorted(user.email) and len(typed) == len(user.email)
            case "pattern_flast_vs_first_last":
                assert user is not None and typed == "jsmith@lincolnusd.org"
                assert user.email == "john.smith@lincolnusd.org"
            case "old_domain":
                assert user is not None and typed.endswith("@" + LINCOLN_OLD_DOMAIN)
                assert typed.split("@")[0] == user.email.split("@")[0]
            case "student":
                assert roster[typed].role is Role.STUDENT
                assert typed == lincoln_student(d.roster).email
            case "absent":
                assert typed not in roster and teacher is None
                assert not any(u.family_name == "Lopez" for u in d.roster.users)
            case "tobedeleted":
                assert roster[typed].status == "tobedeleted"
            case "roster_record_without_email":
                assert user is not None and user.email == "" and typed not in roster
            case "disabled_in_classlink":
                assert roster[typed].enabled is False
            case other:
                pytest.fail(f"no check for finding {other}")


def test_leavers_classes_have_an_active_teacher(world: World) -> None:
    d = district(world, "2001")
    active = {u.sourced_id for u in d.roster.users if u.active}
    taught = {e.class_id for e in d.roster.enrollments
              if e.role is Role.TEACHER and e.active and e.user_id in active}
    assert taught == {c.sourced_id for c in d.roster.classes}


def test_license_expiry_follows_the_date() -> None:
    assert sample_licenses(today=dt.date(2026, 11, 28))[0].expires == dt.date(2027, 6, 30)
    assert sample_licenses(today=dt.date(2027, 2, 1))[0].expires == dt.date(2027, 6, 30)
    assert sample_licenses(today=dt.date(2027, 5, 1))[0].expires == dt.date(2028, 6, 30)


def test_export_sample(tmp_path: Path, world: World) -> None:
    world_path = export_sample(tmp_path, today=TODAY)
    assert load_world(world_path) == world
    exported = read_licenses_yaml(tmp_path / "licenses.yml")
    assert exported == sample_licenses(today=TODAY)
