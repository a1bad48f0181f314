"""Generated rosters for benchmarks, and serving 100,000 users in pages of 10,000."""

from __future__ import annotations

import httpx
import orjson
import pytest

from checks.models import Role
from sandbox.generate import generate_roster, instructor_emails
from sandbox.server import SandboxServer
from sandbox.world import District, World


def test_small_roster_shape() -> None:
    roster = generate_roster(users=60, teachers=5, classes_per_teacher=2,
                             enrollments_per_student=3, domain="x.org")
    teachers = [u for u in roster.users if u.role is Role.TEACHER]
    students = [u for u in roster.users if u.role is Role.STUDENT]
    assert (len(teachers), len(students), len(roster.classes)) == (5, 55, 10)
    assert len(roster.enrollments) == 10 + 55 * 3
    assert all(t.email.endswith("@x.org") for t in teachers)
    assert all(s.email.endswith("@students.x.org") for s in students)
    assert len({u.email for u in roster.users}) == 60
    assert roster.orgs[0].type == "district"
    assert {u.sourced_id for u in roster.users} == {e.user_id for e in roster.enrollments}


def test_generation_is_deterministic_per_seed() -> None:
    assert generate_roster(users=200, teachers=10, seed=5) == generate_roster(
        users=200, teachers=10, seed=5)
    assert generate_roster(users=200, teachers=10, seed=5) != generate_roster(
        users=200, teachers=10, seed=6)


def test_student_enrollments_are_distinct_classes_of_their_school() -> None:
    roster = generate_roster(users=6000, teachers=120, schools=3)
    school_of = {c.sourced_id: c.school_id for c in roster.classes}
    by_student: dict[str, list[str]] = {}
    for e in roster.enrollments:
        if e.role is Role.STUDENT:
            by_student.setdefault(e.user_id, []).append(e.class_id)
    users = {u.sourced_id: u for u in roster.users}
    for student, classes in by_student.items():
        assert len(classes) == len(set(classes)) == 3
        assert {school_of[c] for c in classes} == set(users[student].org_ids)


@pytest.mark.parametrize(("users", "teachers"), [(10, 0), (5, 6)])
def test_bad_sizes(users: int, teachers: int) -> None:
    with pytest.raises(ValueError, match="teachers"):
        generate_roster(users=users, teachers=teachers)


def test_instructor_emails() -> None:
    roster = generate_roster(users=300, teachers=30)
    picked = instructor_emails(roster, 12, seed=2)
    teachers = {u.email for u in roster.users if u.role is Role.TEACHER}
    assert len(picked) == len(set(picked)) == 12 and set(picked) <= teachers
    assert instructor_emails(roster, 12, seed=2) == picked
    with pytest.raises(ValueError, match="31"):
        instructor_emails(roster, 31)


def test_generated_users_are_served_in_full_pages() -> None:
    """Sizes and paging only; speed is measured by bench/diagnose_scale.py, not by tests."""
    roster = generate_roster(users=30_000, teachers=1_500)
    assert len(roster.users) == 30_000 and len(roster.enrollments) == 1_500 * 4 + 28_500 * 3
    big = District(
        tenant_id="9000", tenant_name="Big District", application_id="1",
        oneroster_application_id="QmlnRGlzdA%3D%3D", bearer="big-bearer", enabled=True,
        tenant_status="Active", access="proxy", client_id="big", client_secret="s",
        roster=roster,
    )
    path = "/proxy/v1p0/QmlnRGlzdA%3D%3D/ims/oneroster/v1p1/users"
    seen = 0
    with SandboxServer(World("pk", (big,))) as server, httpx.Client(
            base_url=server.url, headers={"Authorization": "Bearer big-bearer"}) as client:
        for offset in range(0, 30_000, 10_000):
            response = client.get(path, params={"limit": 10_000, "offset": offset})
            assert response.headers["x-total-count"] == "30000"
            seen += len(orjson.loads(response.content)["users"])
        assert len(server.requests) == 3
    assert seen == 30_000
