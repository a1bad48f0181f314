from __future__ import annotations

from dataclasses import replace

from checks.models import License, Role, Status
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
                              "enrollments": 8, "seats": 6, "seat_ceiling": 6,
                              "license_students": 6}


def test_113_teachers_5_students_means_at_most_5_seats() -> None:
    teachers = [user(f"t{i}") for i in range(113)]
    students = [user(f"s{i}", S) for i in range(5)]
    r = roster(teachers + students,
               {f"c{i}": [f"t{i}"] + (["s0"] if i < 5 else []) for i in range(113)})
    result = check_sanity(license_(emails=("t0@district.org",), seats=150), r)
    few = next(f for f in result.findings if f.code == "few_students")
    assert few.status is Status.FAIL  # fewer students than teachers: a sharing problem
    assert few.data == {"students": 5, "teachers": 113, "seats": 150}
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


def _school(teachers: int, students: int) -> object:
    """`teachers` classes of students spread evenly; teacher i is t{i}@district.org."""
    ts = [user(f"t{i}") for i in range(teachers)]
    ss = [user(f"s{i}", S) for i in range(students)]
    classes = {f"c{i}": [f"t{i}"] + [f"s{j}" for j in range(students) if j % teachers == i]
               for i in range(teachers)}
    return roster(ts + ss, classes)


def test_spare_seats_are_ordinary_not_few_students() -> None:
    # 264 students on 275 seats: a school that bought a margin, not a sharing problem
    r = _school(11, 264)
    emails = tuple(f"t{i}@district.org" for i in range(11))
    result = check_sanity(license_(emails=emails, seats=275), r)  # type: ignore[arg-type]
    assert result.status is Status.PASS, codes(result)


def test_far_fewer_students_than_seats_warns() -> None:
    r = _school(4, 30)  # 30 students on 200 seats: under a quarter
    emails = tuple(f"t{i}@district.org" for i in range(4))
    result = check_sanity(license_(emails=emails, seats=200), r)  # type: ignore[arg-type]
    few = next(f for f in result.findings if f.code == "few_students")
    assert few.status is Status.WARN


def test_more_students_than_seats_is_a_seat_overage_warning() -> None:
    r = _school(5, 391)
    emails = tuple(f"t{i}@district.org" for i in range(5))
    result = check_sanity(license_(emails=emails, seats=125), r)  # type: ignore[arg-type]
    over = next(f for f in result.findings if f.code == "seats_exceeded")
    assert over.status is Status.WARN
    assert over.data == {"students": 391, "seats": 125, "over": 266}


def test_seat_overage_counts_only_the_license_teachers_classes() -> None:
    # a district-wide connection: 391 students in all, 60 in this license's one teacher's class
    r = _school(5, 300)
    result = check_sanity(license_(emails=("t0@district.org",), seats=125), r)  # type: ignore[arg-type]
    assert "seats_exceeded" not in codes(result)
    assert result.figures["license_students"] == 60


def test_no_teachers_is_its_own_failure() -> None:
    students = [user(f"s{i}", S) for i in range(40)]
    r = roster(students, {f"c{i}": [f"s{j}" for j in range(i * 10, i * 10 + 10)]
                          for i in range(4)})
    result = check_sanity(license_(emails=("t0@district.org",), seats=40), r)
    assert "no_teachers" in codes(result)
    assert "classes_without_teacher" in codes(result)  # the consequence, listed as usual
    assert result.status is Status.FAIL


def test_sibling_licenses_on_one_connection() -> None:
    """Two schools, one connection, one license each: neither lists the other's teachers,
    and each is judged on its own school's students and seats."""
    from checks.models import Org, Roster, RosterClass

    base = _school(4, 80)
    assert isinstance(base, Roster)
    school_of = {"t0": "north", "t1": "north", "t2": "south", "t3": "south"}
    classes = tuple(RosterClass(c.sourced_id, c.title, school_id=school_of[f"t{c.sourced_id[1:]}"])
                    for c in base.classes)
    class_school = {c.sourced_id: c.school_id for c in classes}
    user_school = {e.user_id: class_school[e.class_id] for e in base.enrollments}
    users = tuple(replace(u, org_ids=(user_school[u.sourced_id], "district"))
                  for u in base.users)
    orgs = (Org("district", "Unified", "district"),
            Org("north", "North High", "school", "district"),
            Org("south", "South High", "school", "district"))
    r = Roster(users, classes, base.enrollments, orgs)
    north = license_(emails=("t0@district.org", "t1@district.org"), seats=45)
    south = License(id="south", name="South", district=north.district, seats=45,
                    instructor_emails=("t2@district.org", "t3@district.org"))
    result = check_sanity(north, r, siblings=[south])
    assert result.status is Status.PASS, codes(result)
    assert result.figures["schools"] == ["North High"]
    assert result.figures["students"] == 40
    alone = check_sanity(north, r)  # without knowing the sibling: the others look unlisted
    assert "teachers_not_on_license" in codes(alone)
