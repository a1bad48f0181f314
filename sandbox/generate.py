"""Large, deterministic rosters for benchmarks and for the sample world's filler.

Shape of a generated roster: one district org and its schools; every teacher teaches
`classes_per_teacher` classes at one school; every student is enrolled in
`enrollments_per_student` classes of their school. Everyone has at least one enrollment, so
everyone is someone a Roster Server would send. Teacher emails are first.last@domain (a number
added on a clash); student emails are on the `students.` subdomain.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from checks.models import Enrollment, Org, Role, Roster, RosterClass, RosterUser
from sandbox.names import FIRST_NAMES, LAST_NAMES, SCHOOL_KINDS, SUBJECTS, email_local

USERS_PER_SCHOOL = 2500


@dataclass(frozen=True, slots=True)
class _Plan:
    users: int
    teachers: int
    classes_per_teacher: int
    enrollments_per_student: int
    schools: int

    @property
    def students(self) -> int:
        return self.users - self.teachers


def generate_roster(
    *,
    users: int,
    teachers: int,
    seed: int = 0,
    domain: str = "bigdistrict.org",
    classes_per_teacher: int = 4,
    enrollments_per_student: int = 3,
    district_name: str = "Big District",
    schools: int | None = None,
) -> Roster:
    """A roster of `users` people, `teachers` of them teachers and the rest students."""
    plan = _plan(users, teachers, classes_per_teacher, enrollments_per_student, schools)
    rng = random.Random(seed)
    orgs = _orgs(plan.schools, district_name, rng)
    school_ids = [org.sourced_id for org in orgs[1:]]
    staff = _teachers(plan, school_ids, domain, rng)
    classes, class_enrollments = _classes(plan, staff, rng)
    students, student_enrollments = _students(plan, classes, domain, rng,
                                              first_enrollment=len(class_enrollments))
    return Roster(
        users=tuple(staff) + tuple(students),
        classes=tuple(classes),
        enrollments=tuple(class_enrollments) + tuple(student_enrollments),
        orgs=tuple(orgs),
    )


def _plan(users: int, teachers: int, classes_per_teacher: int, enrollments_per_student: int,
          schools: int | None) -> _Plan:
    if teachers < 1 or users < teachers:
        raise ValueError(f"need 1 <= teachers <= users, got teachers={teachers} users={users}")
    if classes_per_teacher < 1 or enrollments_per_student < 1:
        raise ValueError("classes_per_teacher and enrollments_per_student must be at least 1")
    count = schools if schools is not None else 1 + users // USERS_PER_SCHOOL
    count = max(1, min(count, teachers))  # every school needs a teacher to have classes
    return _Plan(users, teachers, classes_per_teacher, enrollments_per_student, count)


def _orgs(count: int, district_name: str, rng: random.Random) -> list[Org]:
    district = Org(sourced_id="org-0000", name=district_name, type="district")
    schools = [
        Org(sourced_id=f"org-{i:04d}", type="school", parent_id=district.sourced_id,
            name=f"{rng.choice(LAST_NAMES)} {SCHOOL_KINDS[i % len(SCHOOL_KINDS)]}")
        for i in range(1, count + 1)
    ]
    return [district, *schools]


def _names(rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    return rng.choices(FIRST_NAMES, k=count), rng.choices(LAST_NAMES, k=count)


def _teachers(plan: _Plan, school_ids: Sequence[str], domain: str,
              rng: random.Random) -> list[RosterUser]:
    firsts, lasts = _names(rng, plan.teachers)
    taken: dict[str, int] = {}
    teachers = []
    for i in range(plan.teachers):
        local = email_local(firsts[i], lasts[i])
        taken[local] = taken.get(local, 0) + 1
        if taken[local] > 1:
            local = f"{local}{taken[local]}"
        email = f"{local}@{domain}"
        teachers.append(RosterUser(
            sourced_id=f"t{i + 1:06d}", role=Role.TEACHER, status="active", enabled=True,
            given_name=firsts[i], family_name=lasts[i], email=email, username=email,
            org_ids=(school_ids[i % len(school_ids)],),
        ))
    return teachers


def _classes(plan: _Plan, teachers: Sequence[RosterUser],
             rng: random.Random) -> tuple[list[RosterClass], list[Enrollment]]:
    """Each teacher's classes, and the teacher's enrollment in each."""
    classes: list[RosterClass] = []
    enrollments: list[Enrollment] = []
    subjects = rng.choices(SUBJECTS, k=len(teachers))
    for teacher, subject in zip(teachers, subjects, strict=True):
        for period in range(1, plan.classes_per_teacher + 1):
            class_id = f"c{len(classes) + 1:06d}"
            classes.append(RosterClass(
                sourced_id=class_id, title=f"{subject} - P{period} ({teacher.family_name})",
                school_id=teacher.org_ids[0],
            ))
            enrollments.append(Enrollment(
                sourced_id=f"e{len(enrollments) + 1:08d}", class_id=class_id,
                user_id=teacher.sourced_id, role=Role.TEACHER,
            ))
    return classes, enrollments


def _students(plan: _Plan, classes: Sequence[RosterClass], domain: str, rng: random.Random,
              *, first_enrollment: int) -> tuple[list[RosterUser], list[Enrollment]]:
    by_school: dict[str, list[str]] = {}
    for cls in classes:
        by_school.setdefault(cls.school_id, []).append(cls.sourced_id)
    schools = sorted(by_school)
    firsts, lasts = _names(rng, plan.students)
    students: list[RosterUser] = []
    enrollments: list[Enrollment] = []
    next_enrollment = first_enrollment + 1
    for i in range(plan.students):
        school = schools[i % len(schools)]
        sourced_id = f"s{i + 1:07d}"
        email = f"{email_local(firsts[i][0] + lasts[i])}{i + 1:05d}@students.{domain}"
        students.append(RosterUser(
            sourced_id=sourced_id, role=Role.STUDENT, status="active", enabled=True,
            given_name=firsts[i], family_name=lasts[i], email=email, username=email,
            org_ids=(school,),
        ))
        pool = by_school[school]
        for class_id in _pick(pool, plan.enrollments_per_student, rng):
            enrollments.append(Enrollment(
                sourced_id=f"e{next_enrollment:08d}", class_id=class_id, user_id=sourced_id,
                role=Role.STUDENT,
            ))
            next_enrollment += 1
    return students, enrollments


def _pick(pool: Sequence[str], count: int, rng: random.Random) -> list[str]:
    """count distinct items of pool; much faster than random.sample for a few picks."""
    if count >= len(pool):
        return list(pool)
    size = len(pool)
    chosen: list[int] = []
    while len(chosen) < count:
        index = int(rng.random() * size)
        if index not in chosen:
            chosen.append(index)
    return [pool[i] for i in chosen]


def instructor_emails(roster: Roster, n: int, seed: int = 0) -> list[str]:
    """n distinct emails of active teachers in the roster, as a license would list them."""
    emails = sorted(
        u.email for u in roster.users if u.role is Role.TEACHER and u.active and u.email
    )
    if n > len(emails):
        raise ValueError(f"asked for {n} instructors but the roster has {len(emails)} teachers")
    return random.Random(seed).sample(emails, n)
