from __future__ import annotations

from checks.models import Role, Status
from checks.rules import check_sanity, teacher_report
from tests.checks.records import license_, roster, user

S = Role.STUDENT


def codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


def test_healthy_district_passes_with_figures() -> None:
    users = [user("t1"), user("t2")] + [user(f"s{i}", S) for i in range(6)]
    r = roster(users, {"c1": ["t1", "s0", "s1", "s2"], "c2": ["t2", "s3", "s4", "s5"]})
    result = check_sanity(license_(emails=("t1@district.org", "T2@District.org "), seats=6), r)
    assert result.status is Status.PASS, result.findings
    assert result.figures == {"teachers": 2, "students": 6, "administrators": 0, "classes": 2,
                              "enrollments": 8, "seats": 6, "seat_ceiling": 6}


def test_113_teachers_5_students_means_at_most_5_seats() -> None:
    teachers = [user(f"t{i}") for i in range(113)]
    students = [user(f"s{i}", S) for i in range(5)]
    r = roster(teachers + students,
               {f"c{i}": [f"t{i}"] + (["s0"] if i < 5 else []) for i in range(113)})
    result = check_sanity(license_(emails=("t0@district.org",), seats=150), r)
    few = next(f for f in result.findings if f.code == "few_students")
    assert few.status is Status.FAIL  # fewer students than teachers: a sharing problem
    assert "at most 5 of the license's 150 seats" in few.message
    assert result.figures["seat_ceiling"] == 5
    unlisted = next(f for f in result.findings if f.code == "teachers_not_on_license")
    assert unlisted.data["count"] == 112
    assert len(unlisted.data["examples"]) == 10


def test_no_students_fails() -> None:
    result = check_sanity(license_(), roster([user("t1")], {"c1": ["t1"]}))
    assert "no_students" in codes(result)
    assert result.status is Status.FAIL


def test_structure_problems_are_reported() -> None:
    users = [user("t1"), user("t2"), user("s1", S), user("s2", S, email=""),
             user("x1", email="shared@district.org"), user("x2", email="SHARED@district.org"),
             user("gone", status="tobedeleted")]
    r = roster(users, {"c1": ["t1", "s1", "s2"], "c2": ["t1"], "c3": ["s1"]})
    result = check_sanity(license_(emails=("t1@district.org",), seats=2), r)
    found = {f.code: f for f in result.findings}
    assert found["teachers_without_classes"].data["count"] == 3  # t2, x1, x2
    assert found["classes_without_students"].data["examples"] == ["Class c2"]
    assert found["classes_without_teacher"].data["examples"] == ["Class c3"]
    assert found["users_without_email"].data == {"count": 1, "teachers": 0, "students": 1}
    assert found["shared_email"].data["count"] == 1
    assert result.figures["teachers"] == 4  # the tobedeleted record is not sent as active


def test_shared_student_addresses_are_never_listed() -> None:
    users = [user("t1"), user("s1", S, email="kid@district.org"),
             user("s2", S, email="kid@district.org")]
    result = check_sanity(license_(), roster(users, {"c1": ["t1", "s1", "s2"]}))
    shared = next(f for f in result.findings if f.code == "shared_email")
    assert "kid@district.org" not in str(shared.to_json())


def test_unreadable_roster_is_unknown() -> None:
    result = check_sanity(license_(), None, error="ClassLink did not answer; try again")
    assert result.status is Status.UNKNOWN
    assert codes(result) == ["roster_unavailable"]


def test_teacher_report_counts_students_per_class_and_prefers_active_record() -> None:
    users = [user("t1", email="JS@district.org", status="tobedeleted"),
             user("t1b", email="js@district.org", given="John", family="Smith"),
             user("s1", S), user("s2", S)]
    r = roster(users, {"c1": ["t1b", "s1", "s2"], "c2": ["t1b", "s1"]})
    report = teacher_report(r, " js@DISTRICT.org")
    assert report is not None
    assert (report.name, report.status, report.students) == ("John Smith", "active", 3)
    assert [(c.title, c.students) for c in report.classes] == [("Class c1", 2), ("Class c2", 1)]
    assert teacher_report(r, "s1@district.org") is None  # students get no teacher report
