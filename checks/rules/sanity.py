"""Step 3: does ClassLink really send the teachers, students and classes (its Sanity Check)?

Also the per-teacher report ("Users Summary") used by `lookup` and the Slack teacher picker.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checks.models import (
    CheckResult,
    Enrollment,
    Finding,
    License,
    Role,
    Roster,
    RosterClass,
    RosterUser,
    Status,
)
from checks.text import fold_email

STEP, NAME = 3, "sanity"
EXAMPLES = 10
FAR_FEWER_SHARE = 0.25  # fewer students than this share of the seats: few_students warns
_CLASS_STAFF = frozenset({Role.TEACHER, Role.ADMINISTRATOR, Role.AIDE})  # a class's teachers


@dataclass(frozen=True, slots=True)
class ClassSummary:
    title: str
    students: int


@dataclass(frozen=True, slots=True)
class TeacherReport:
    """What ClassLink sends for one teacher; counts only, never student names."""

    email: str
    name: str
    sourced_id: str
    role: str
    status: str
    enabled: bool
    schools: tuple[str, ...]
    classes: tuple[ClassSummary, ...]

    @property
    def students(self) -> int:
        return sum(c.students for c in self.classes)


def check_sanity(
    license: License, roster: Roster | None, *, error: str = "", cause: str = "classlink",
    siblings: Sequence[License] = (), named: Iterable[str] = (),
) -> CheckResult:
    """ClassLink's Sanity Check figures, recomputed, with the problems that block rostering.

    `siblings` are the other licenses on the same connection (one per school of a district):
    their teachers are not missing from this one, and this license is judged on its own
    instructors' schools."""
    if roster is None:
        return CheckResult.of(STEP, NAME, [Finding(
            "roster_unavailable", Status.UNKNOWN, {"error": error, "cause": cause})])
    on_license = {fold_email(e) for e in license.instructor_emails} | set(named)
    schools: list[str] = []
    if siblings:
        roster, schools = _schools_of(roster, on_license)
    index = _RosterIndex(roster)
    teachers, students = index.active(Role.TEACHER), index.active(Role.STUDENT)
    license_students = index.students_taught_by(on_license)
    figures: dict[str, Any] = {
        "teachers": len(teachers), "students": len(students),
        "administrators": len(index.active(Role.ADMINISTRATOR)),
        "classes": len(index.classes), "enrollments": index.enrollment_count,
        "seats": license.seats, "seat_ceiling": min(len(students), license.seats),
        "license_students": license_students,
    }
    if schools:
        figures["schools"] = schools
    findings = [Finding("sanity_figures", Status.PASS, figures)]
    if not teachers:
        findings.append(Finding("no_teachers", Status.FAIL,
                                {"classes": len(index.classes), "students": len(students)}))
    findings += _seat_findings(len(teachers), len(students), license.seats, license_students)
    # An administrator on the license is an instructor to Pivot: with no class, nothing comes.
    instructors = teachers + [u for u in index.active(Role.ADMINISTRATOR)
                              if u.email and fold_email(u.email) in on_license]
    findings += _coverage_findings(index, instructors)
    sharing = on_license | {fold_email(e) for s in siblings for e in s.instructor_emails}
    findings += _identity_findings(index, teachers, sharing)
    return CheckResult.of(STEP, NAME, findings, **figures)


def teacher_report(roster: Roster, email: str) -> TeacherReport | None:
    """The report for the staff record with this (folded) email, active records first."""
    wanted = fold_email(email)
    matches = [u for u in roster.users if u.is_staff and u.email and fold_email(u.email) == wanted]
    if not matches:
        return None
    user = sorted(matches, key=lambda u: not u.active)[0]
    index = _RosterIndex(roster)
    orgs = {org.sourced_id: org.name for org in roster.orgs}
    classes = tuple(
        ClassSummary(cls.title, len(index.students_by_class.get(cls.sourced_id, ())))
        for cls in index.classes_of(user.sourced_id)
    )
    return TeacherReport(
        email=user.email, name=user.full_name, sourced_id=user.sourced_id, role=str(user.role),
        status=user.status, enabled=user.enabled,
        schools=tuple(orgs.get(oid, oid) for oid in user.org_ids), classes=classes,
    )


class _RosterIndex:
    """Active classes and enrollments joined once, so each rule is a dictionary lookup."""

    def __init__(self, roster: Roster) -> None:
        self.users = [u for u in roster.users if u.active]
        self.classes = [c for c in roster.classes if c.active]
        self._class_by_id = {c.sourced_id: c for c in self.classes}
        self.students_by_class: dict[str, set[str]] = defaultdict(set)
        self.teachers_by_class: dict[str, set[str]] = defaultdict(set)
        # Only non-students: the rules ask it about teachers and the report about staff, and
        # students are most of a district's enrollments (one set each would be wasted).
        self.classes_by_user: dict[str, set[str]] = defaultdict(set)
        self.enrollment_count = self._join(roster.enrollments)

    def _join(self, enrollments: Iterable[Enrollment]) -> int:
        """Fill the three maps from the enrollments that count; returns how many counted.

        This loop runs once per enrollment (about three per user), so lookups are bound to
        locals first.
        """
        role_of = {u.sourced_id: u.role for u in self.users}
        class_ids = self._class_by_id
        students, teachers = self.students_by_class, self.teachers_by_class
        classes_by_user = self.classes_by_user
        counted = 0
        for e in enrollments:
            role = role_of.get(e.user_id)
            if role is None or not e.active or e.class_id not in class_ids:
                continue
            counted += 1
            if role is Role.STUDENT:
                students[e.class_id].add(e.user_id)
                continue
            classes_by_user[e.user_id].add(e.class_id)
            if role in _CLASS_STAFF:
                teachers[e.class_id].add(e.user_id)
        return counted

    def students_taught_by(self, emails: set[str]) -> int:
        """Distinct students in the active classes of the staff with these (folded) emails."""
        staff = [u.sourced_id for u in self.users
                 if u.is_staff and u.email and fold_email(u.email) in emails]
        class_ids = {c for sid in staff for c in self.classes_by_user.get(sid, ())}
        return len(set().union(*(self.students_by_class.get(c, set()) for c in class_ids)))

    def active(self, role: Role) -> list[RosterUser]:
        return [u for u in self.users if u.role is role]

    def classes_of(self, user_id: str) -> list[RosterClass]:
        ids = sorted(self.classes_by_user.get(user_id, ()))
        return [self._class_by_id[i] for i in ids]


def _seat_findings(teachers: int, students: int, seats: int, taught: int) -> list[Finding]:
    """Too few students to fill the seats, or (a warning) more than the license pays for.

    "Far fewer" follows the help article's case (113 teachers, 5 students): fewer students than
    teachers is a sharing-scope failure; under a quarter of the seats is worth a warning; spare
    seats above that are ordinary (schools buy a margin)."""
    if students == 0:
        return [Finding("no_students", Status.FAIL, {"students": 0, "seats": seats})]
    out = []
    if students < teachers or students < seats * FAR_FEWER_SHARE:
        status = Status.FAIL if students < teachers else Status.WARN
        out.append(Finding("few_students", status,
                           {"students": students, "teachers": teachers, "seats": seats}))
    if taught > seats:
        out.append(Finding("seats_exceeded", Status.WARN,
                           {"students": taught, "seats": seats, "over": taught - seats}))
    return out


def _coverage_findings(index: _RosterIndex, teachers: list[RosterUser]) -> list[Finding]:
    idle = [t for t in teachers if not index.classes_by_user.get(t.sourced_id)]
    empty = [c for c in index.classes if not index.students_by_class.get(c.sourced_id)]
    orphan = [c for c in index.classes if not index.teachers_by_class.get(c.sourced_id)]
    out = []
    if idle:
        out.append(_listing("teachers_without_classes", _emails(idle)))
    if empty:
        out.append(_listing("classes_without_students", [c.title for c in empty]))
    if orphan:
        out.append(_listing("classes_without_teacher", [c.title for c in orphan]))
    return out


def _identity_findings(
    index: _RosterIndex, teachers: list[RosterUser], on_license: set[str]
) -> list[Finding]:
    unlisted = [t for t in teachers if t.email and fold_email(t.email) not in on_license]
    out = []
    if unlisted:
        out.append(_listing("teachers_not_on_license", _emails(unlisted)))
    no_email = [u for u in index.users if not u.email.strip()]
    if no_email:
        roles = Counter(u.role for u in no_email)
        out.append(Finding("users_without_email", Status.WARN,
                           {"count": len(no_email), "teachers": roles[Role.TEACHER],
                            "students": roles[Role.STUDENT]}))
    shared = _shared_staff_emails(index.users)
    if shared:
        out.append(_listing("shared_email", shared))
    return out


def _shared_staff_emails(users: Iterable[RosterUser]) -> list[str]:
    """Addresses held by two active users; only staff addresses are listed (no student data)."""
    first_holder: dict[str, RosterUser] = {}
    groups: dict[str, list[RosterUser]] = {}  # only addresses held twice or more
    for u in users:
        if u.email.strip():
            key = fold_email(u.email)
            first = first_holder.setdefault(key, u)
            if first is not u:
                groups.setdefault(key, [first]).append(u)
    return sorted(
        group[0].email if any(u.is_staff for u in group) else "(a student address)"
        for group in groups.values()
    )


def _listing(code: str, items: list[str]) -> Finding:
    return Finding(code, Status.WARN, {"count": len(items), "examples": items[:EXAMPLES]})


def _emails(users: list[RosterUser]) -> list[str]:
    return sorted(u.email or f"(no email: {u.full_name})" for u in users)


def _schools_of(roster: Roster, on_license: set[str]) -> tuple[Roster, list[str]]:
    """The part of a shared connection's roster in the schools of this license's instructors.

    A district-level org (type "district", or any org that is another's parent) is not a
    school: teachers often carry it beside their school. With no instructor found, the whole
    roster stays (nothing tells which part is this license's)."""
    parents = {o.parent_id for o in roster.orgs if o.parent_id}
    district_level = {o.sourced_id for o in roster.orgs
                      if o.type.lower() == "district" or o.sourced_id in parents}
    mine = [u for u in roster.users
            if u.is_staff and u.email and fold_email(u.email) in on_license]
    schools = {oid for u in mine for oid in u.org_ids if oid not in district_level}
    if not schools:
        return roster, []
    classes = tuple(c for c in roster.classes if c.school_id in schools)
    class_ids = {c.sourced_id for c in classes}
    enrollments = tuple(e for e in roster.enrollments if e.class_id in class_ids)
    enrolled = {e.user_id for e in enrollments}
    users = tuple(u for u in roster.users
                  if u.sourced_id in enrolled or schools.intersection(u.org_ids))
    names = {o.sourced_id: o.name for o in roster.orgs}
    scoped = Roster(users=users, classes=classes, enrollments=enrollments, orgs=roster.orgs)
    return scoped, sorted(names.get(s, s) for s in schools)
