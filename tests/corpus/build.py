"""The diagnosis corpus: realistic broken districts and healthy look-alikes, with expectations.

Every case is one license. Its expected findings were decided the way a support engineer reading
Pivot's FAQ (../shared/reference/pivot-classlink-faq.md), the ClassLink research notes (section 4
failure modes) and the license/district naming notes would decide them, NOT by reading the checks'
code. Each case says, in one line, what that engineer would tell the customer.

    python tests/corpus/build.py --out /tmp/corpus [--seed N]   # write the corpus and list it
    python tests/corpus/build.py --list                          # list the cases only

Output folder:

    main/world.yml, main/bundles/<tenant>/*.csv, main/licenses.yml    one world, `diagnose --all`
    faults/world.yml, faults/bundles/..., faults/licenses.yml         one license per fault run
    cases.json                                                        the expectations

Conventions used in the expectations (they matter for "no other non-pass code"):
- A teacher named by a license row through a near miss (email_fix / email_ambiguous candidate /
  email_malformed / no-email record) is *on the license* for teachers_not_on_license: the
  engineer asks for the row to be fixed, not for the teacher to be added.
- When ClassLink sends no students (or no teachers), every class lacks them too: the engineer's
  answer names both (no_students + classes_without_students; no_teachers +
  classes_without_teacher). Same for a license with no instructors: no_instructors and
  teachers_not_on_license.
- Students in the corpus have emails unless a case is about missing emails.
- Seats: "far fewer" students than seats means under 10 % of the seats; every other license has
  at least 60 % of its seats used by the students of its own teachers (the build checks this).
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import json
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from checks.licenses.yaml_directory import write_yaml  # noqa: E402
from checks.models import Enrollment, License, Org, Role, Roster, RosterClass, RosterUser  # noqa: E402
from sandbox.names import FIRST_NAMES, LAST_NAMES, SUBJECTS, email_local  # noqa: E402
from sandbox.world import District, World, derived_secret, write_world  # noqa: E402

SEED = 20261201
APPLICATION_ID = "731460"  # ClassLink's numeric id of the Pivot Interactives app (all tenants)

# Step 1 / 2 / 3 codes for "ClassLink could not be asked at all".
UNREACHABLE = {1: ("classlink_unreachable",), 2: ("roster_unavailable",),
               3: ("roster_unavailable",)}

# Extra given names, so rosters do not all look alike.
MORE_FIRST = (
    "Adaeze", "Alberto", "Anjali", "Arturo", "Beatriz", "Bryce", "Callum", "Chioma", "Colette",
    "Dmitri", "Dolores", "Esperanza", "Fernando", "Gwen", "Haruto", "Ingrid", "Jun", "Kwame",
    "Lorenzo", "Marisol", "Mateo", "Nkechi", "Oksana", "Pilar", "Rashid", "Rohan", "Saoirse",
    "Thanh", "Tomasz", "Ulises", "Winona", "Xavier", "Yesenia", "Zeynep",
)
MORE_LAST = (
    "Achebe", "Bergstrom", "Castellanos", "Dubois", "Eriksen", "Fitzgerald", "Guerrero",
    "Haddad", "Iwasaki", "Jovanovic", "Kaczmarek", "Lindgren", "MacLeod", "Nguyen-Tran",
    "Oduya", "Petrov", "Quintero", "Rasmussen", "Sandoval", "Thibodeaux", "Underwood",
    "Villanueva", "Whitfield", "Xiong", "Yazzie", "Zamora",
)
GIVEN = tuple(dict.fromkeys(FIRST_NAMES + MORE_FIRST))
FAMILY = tuple(dict.fromkeys(LAST_NAMES + MORE_LAST))
PERIODS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "Blk A", "Blk B", "Blk C")


# --------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Scenario:
    """How a fault case talks to ClassLink: faults posted to the sandbox, a wrong key, or none."""

    faults: tuple[dict[str, Any], ...] = ()
    partner_key: str | None = None  # None: the world's key
    down: bool = False  # point the CLI at a port where nothing listens


@dataclass(frozen=True)
class Case:
    name: str  # the license id
    kind: str  # "broken" or "healthy"
    fault: str  # short label of what is wrong (or the look-alike it is)
    say: str  # one line: what a support engineer would tell the customer
    expect: dict[int, tuple[str, ...]]  # step -> codes that must be present
    world: str = "main"
    fixes: dict[str, str] = field(default_factory=dict)  # license email -> data.suggestion
    tenant: dict[str, str] = field(default_factory=dict)  # code -> data.tenant_id
    exit_code: int | None = 0  # None: not asserted
    scenario: Scenario | None = None  # fault world only
    note: str = ""  # why an expectation might be argued

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["expect"] = {str(k): list(v) for k, v in self.expect.items()}
        return data


def _expect(s1: Iterable[str], s2: Iterable[str], s3: Iterable[str]) -> dict[int, tuple[str, ...]]:
    return {1: tuple(s1), 2: tuple(s2), 3: tuple(s3)}


NO_ROSTER = ("roster_unavailable",)


def healthy_expect() -> dict[int, tuple[str, ...]]:
    return _expect(["application_ok"], ["email_exact"], ["sanity_figures"])


# --------------------------------------------------------------------------------------------
# Building a district's roster


class DistrictBuilder:
    """One district's ClassLink settings and the roster it sends, built person by person.

    Hand-placed people (the ones a case is about) come first; filler teachers and students avoid
    their given and family names so no accidental near miss or namesake creeps in.
    """

    def __init__(self, corpus: Corpus, *, tenant_id: str, name: str, domain: str,
                 schools: Sequence[str], teacher_style: str, student_style: str,
                 id_style: str, rng: random.Random) -> None:
        self.corpus = corpus
        self.tenant_id = tenant_id
        self.name = name
        self.domain = domain
        self.rng = rng
        self.teacher_style = teacher_style
        self.student_style = student_style
        self.id_style = id_style
        district_org = Org(sourced_id=f"{tenant_id}-district", name=name, type="district")
        self.orgs = [district_org] + [
            Org(sourced_id=f"{tenant_id}-sch{i + 1}", name=school, type="school",
                parent_id=district_org.sourced_id)
            for i, school in enumerate(schools)
        ]
        self.users: list[RosterUser] = []
        self.classes: list[RosterClass] = []
        self.enrollments: list[Enrollment] = []
        self.wants_students: dict[str, bool] = {}
        self.reserved_given: set[str] = set()
        self.reserved_family: set[str] = set()
        self.emails: set[str] = set()
        self.active_emails: set[str] = set()
        self.names: set[tuple[str, str]] = set()
        self._serial = 0
        # ClassLink settings of the /applications row
        self.enabled = True
        self.tenant_status = "Active"
        self.access = "proxy"
        self.api_shape = "1.1"
        self.total_count_header = True
        self.domains: tuple[str, ...] = (domain,)
        self.app_id = corpus.new_app_id(with_slash=False)

    # -- ids and emails ------------------------------------------------------------------

    def school_id(self, index: int) -> str:
        return self.orgs[index + 1].sourced_id

    def _next_id(self, role: Role) -> str:
        self._serial += 1
        n = 10000 + self._serial * 7 + int(self.tenant_id) % 7
        if self.id_style == "prefix":
            return f"{'TCH' if role is not Role.STUDENT else 'STU'}_{n}"
        if self.id_style == "numeric":
            return f"{int(self.tenant_id) * 100000 + n}"
        if self.id_style == "guid":
            raw = f"{self.tenant_id}-{self._serial}-{role.value}".encode()
            return base64.b16encode(raw).decode().lower()[:24]
        return f"{role.value[:3]}-{n}"

    def teacher_email(self, given: str, family: str, *, domain: str | None = None) -> str:
        domain = domain or self.domain
        if self.teacher_style == "flast":
            local = email_local(given[0] + family)
        elif self.teacher_style == "last.first":
            local = email_local(family, given)
        else:
            local = email_local(given, family)
        return f"{local}@{domain}"

    def _student_email(self, given: str, family: str, sourced_id: str) -> str:
        digits = "".join(ch for ch in sourced_id if ch.isdigit())[-5:] or "1"
        year = 27 + self.rng.randrange(4)
        if self.student_style == "id":
            return f"{digits}@stu.{self.domain}"
        if self.student_style == "flast":
            return f"{email_local(given[0] + family)}{digits[-3:]}@students.{self.domain}"
        return f"{email_local(given, family)}{year}@students.{self.domain}"

    # -- people ---------------------------------------------------------------------------

    def person(self, given: str, family: str, *, email: str | None = "", role: Role = Role.TEACHER,
               school: int | Sequence[int] = 0, classes: int = 2, status: str = "active",
               enabled: bool = True, sourced_id: str | None = None,
               wants_students: bool = True) -> RosterUser:
        """A hand-placed person. email "" = the district's style; None = no email at all."""
        schools = (school,) if isinstance(school, int) else tuple(school)
        address = self.teacher_email(given, family) if email == "" else (email or "")
        user = RosterUser(
            sourced_id=sourced_id or self._next_id(role), role=role, status=status,
            enabled=enabled, given_name=given, family_name=family, email=address,
            username=address.split("@")[0] if address else email_local(given[0] + family),
            org_ids=tuple(self.school_id(s) for s in schools),
        )
        self.reserved_given.add(given)
        self.reserved_family.add(family)
        self._add_user(user)
        for i in range(classes):
            self.add_class(user, schools[i % len(schools)], wants_students=wants_students)
        return user

    def _add_user(self, user: RosterUser) -> None:
        key = user.email.lower()
        if key and user.active and key in self.active_emails:
            raise ValueError(f"{self.name}: email {user.email} on two active users")
        if key:
            self.emails.add(key)
            if user.active:
                self.active_emails.add(key)
        if user.role is not Role.STUDENT:
            self.names.add((user.given_name, user.family_name))
        self.users.append(user)

    def fillers(self, count: int, *, school: int = 0, classes: int = 2,
                unique_family: bool = True) -> list[RosterUser]:
        """`count` ordinary teachers with the district's email style."""
        made: list[RosterUser] = []
        families = [f for f in FAMILY if f not in self.reserved_family]
        givens = [g for g in GIVEN if g not in self.reserved_given]
        used_family = {u.family_name for u in self.users if u.role is not Role.STUDENT}
        while len(made) < count:
            given = self.rng.choice(givens)
            pool = [f for f in families if f not in used_family] if unique_family else families
            if not pool:
                raise ValueError(f"{self.name}: ran out of family names")
            family = self.rng.choice(pool)
            if (given, family) in self.names:
                continue
            address = self.teacher_email(given, family)
            if address.lower() in self.emails:
                continue
            user = RosterUser(
                sourced_id=self._next_id(Role.TEACHER), role=Role.TEACHER, status="active",
                enabled=True, given_name=given, family_name=family, email=address,
                username=address.split("@")[0], org_ids=(self.school_id(school),),
            )
            self._add_user(user)
            used_family.add(family)
            for _ in range(classes):
                self.add_class(user, school)
            made.append(user)
        return made

    def add_class(self, teacher: RosterUser | None, school: int, *,
                  wants_students: bool = True, title: str | None = None) -> RosterClass:
        class_id = f"{self.tenant_id}-c{len(self.classes) + 1:04d}"
        if title is None:
            subject = self.rng.choice(SUBJECTS)
            period = self.rng.choice(PERIODS)
            who = teacher.family_name if teacher else "Staff"
            title = f"{subject} {period} ({who})"
        cls = RosterClass(sourced_id=class_id, title=title, school_id=self.school_id(school))
        self.classes.append(cls)
        self.wants_students[class_id] = wants_students
        if teacher is not None:
            self.enroll(teacher, cls)
        return cls

    def enroll(self, user: RosterUser, cls: RosterClass, status: str = "active") -> None:
        role = Role.STUDENT if user.role is Role.STUDENT else Role.TEACHER
        self.enrollments.append(Enrollment(
            sourced_id=f"{self.tenant_id}-e{len(self.enrollments) + 1:06d}",
            class_id=cls.sourced_id, user_id=user.sourced_id, role=role, status=status,
        ))

    def hand_over(self, leaver: RosterUser, to: RosterUser) -> None:
        """The leaver's teaching enrollments end (tobedeleted); `to` gets new ones."""
        for i, enrollment in enumerate(list(self.enrollments)):
            if enrollment.user_id == leaver.sourced_id and enrollment.status == "active":
                self.enrollments[i] = dataclasses.replace(enrollment, status="tobedeleted")
                self.enrollments.append(dataclasses.replace(
                    enrollment, sourced_id=f"{enrollment.sourced_id}-r", user_id=to.sourced_id))

    def students(self, count: int, *, school: int = 0, per_student: tuple[int, int] = (1, 3),
                 without_email: int = 0) -> list[RosterUser]:
        """`count` students of one school, spread over its classes that want students."""
        pool = [c for c in self.classes
                if c.school_id == self.school_id(school) and self.wants_students[c.sourced_id]]
        if count and not pool:
            raise ValueError(f"{self.name}: no classes to put students in")
        families = [f for f in FAMILY if f not in self.reserved_family]
        givens = [g for g in GIVEN if g not in self.reserved_given]
        made = []
        for i in range(count):
            given, family = self.rng.choice(givens), self.rng.choice(families)
            sourced_id = self._next_id(Role.STUDENT)
            address = "" if i < without_email else self._student_email(given, family, sourced_id)
            while address and address.lower() in self.emails:
                address = address.replace("@", "1@", 1)
            user = RosterUser(
                sourced_id=sourced_id, role=Role.STUDENT, status="active", enabled=True,
                given_name=given, family_name=family, email=address,
                username=address.split("@")[0] if address else sourced_id.lower(),
                org_ids=(self.school_id(school),),
            )
            self._add_user(user)
            made.append(user)
        # every class that wants students gets at least one, then 1-3 each at random
        by_id = {c.sourced_id: c for c in pool}
        order = list(pool)
        self.rng.shuffle(order)
        for i, student in enumerate(made):
            picks = {order[i % len(order)].sourced_id} if i < len(order) else set()
            want = self.rng.randint(*per_student)
            while len(picks) < min(want, len(pool)):
                picks.add(self.rng.choice(pool).sourced_id)
            for class_id in sorted(picks):
                self.enroll(student, by_id[class_id])
        return made

    # -- views --------------------------------------------------------------------------

    def active_teachers(self) -> list[RosterUser]:
        return [u for u in self.users if u.role is Role.TEACHER and u.active and u.email]

    def teacher_emails(self, *, school: int | None = None) -> list[str]:
        teachers = self.active_teachers()
        if school is not None:
            teachers = [t for t in teachers if self.school_id(school) in t.org_ids]
        return list(dict.fromkeys(t.email for t in teachers))

    def roster(self) -> Roster:
        return Roster(users=tuple(self.users), classes=tuple(self.classes),
                      enrollments=tuple(self.enrollments), orgs=tuple(self.orgs))

    def district(self) -> District:
        return District(
            tenant_id=self.tenant_id, tenant_name=self.name, application_id=APPLICATION_ID,
            oneroster_application_id=self.app_id,
            bearer=derived_secret("bearer", self.tenant_id) if self.access == "proxy" else "",
            enabled=self.enabled, tenant_status=self.tenant_status, access=self.access,  # type: ignore[arg-type]
            client_id=derived_secret("client_id", self.tenant_id, 20),
            client_secret=derived_secret("client_secret", self.tenant_id, 40),
            roster=self.roster(), api_shape=self.api_shape,  # type: ignore[arg-type]
            total_count_header=self.total_count_header, domains=self.domains,
        )

    def students_of(self, emails: Iterable[str]) -> int:
        """Active students enrolled in an active class taught by one of these teachers."""
        wanted = {e.strip().lower() for e in emails}
        teacher_ids = {u.sourced_id for u in self.users
                       if u.role is Role.TEACHER and u.active and u.email.lower() in wanted}
        classes = {e.class_id for e in self.enrollments
                   if e.active and e.user_id in teacher_ids}
        active_students = {u.sourced_id for u in self.users if u.role is Role.STUDENT and u.active}
        return len({e.user_id for e in self.enrollments if e.active and e.class_id in classes
                    and e.user_id in active_students})

    def all_students(self) -> int:
        return sum(1 for u in self.users if u.role is Role.STUDENT and u.active)


# --------------------------------------------------------------------------------------------
# The corpus


class Corpus:
    def __init__(self, seed: int = SEED, *, today: dt.date | None = None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.builders: dict[str, list[DistrictBuilder]] = {"main": [], "faults": []}
        self.licenses: dict[str, list[License]] = {"main": [], "faults": []}
        self.cases: list[Case] = []
        self.seat_intent: dict[str, tuple[str, DistrictBuilder, tuple[str, ...]]] = {}
        self._tenant = 4100
        self._app_ids: set[str] = set()
        today = today or dt.date.today()
        self.expires = dt.date(today.year + 1 if today.month >= 4 else today.year, 6, 30)

    def new_app_id(self, *, with_slash: bool) -> str:
        """An opaque id like ClassLink's: base64 of 8 random bytes, URL-encoded (%3D, %2F)."""
        while True:
            text = base64.b64encode(self.rng.randbytes(8)).decode()
            if "+" in text or ("/" in text) != with_slash:
                continue
            app_id = quote(text, safe="")
            if app_id not in self._app_ids:
                self._app_ids.add(app_id)
                return app_id

    def district(self, name: str, domain: str, *, schools: Sequence[str] | None = None,
                 world: str = "main", teacher_style: str = "first.last",
                 student_style: str = "name", id_style: str = "plain") -> DistrictBuilder:
        self._tenant += self.rng.choice((3, 7, 11, 13, 29))
        town = name.split(" ")[0]
        builder = DistrictBuilder(
            self, tenant_id=str(self._tenant), name=name, domain=domain,
            schools=schools or (f"{town} High School",), teacher_style=teacher_style,
            student_style=student_style, id_style=id_style,
            rng=random.Random(f"{self.seed}:{name}:{domain}"),
        )
        self.builders[world].append(builder)
        return builder

    def license(self, case: Case, *, district: str, seats: int, emails: Sequence[str],
                app_ids: Sequence[str], name: str | None = None,
                seat_check: tuple[str, DistrictBuilder] | None = None) -> None:
        self.licenses[case.world].append(License(
            id=case.name, name=name or f"{district} - Pivot Interactives", district=district,
            seats=seats, expires=dt.date.fromordinal(self.expires.toordinal()),
            instructor_emails=tuple(emails),
            application_ids=tuple(app_ids),
        ))
        self.cases.append(case)
        if seat_check:
            intent, builder = seat_check
            self.seat_intent[case.name] = (intent, builder, tuple(emails))

    def extra_license(self, *, world: str, id: str, district: str, seats: int,
                      emails: Sequence[str], app_ids: Sequence[str], name: str) -> None:
        """A license that is part of a scenario but not itself a judged case."""
        self.licenses[world].append(License(
            id=id, name=name, district=district, seats=seats,
            expires=dt.date.fromordinal(self.expires.toordinal()),
            instructor_emails=tuple(emails), application_ids=tuple(app_ids),
        ))

    # -- output ---------------------------------------------------------------------------

    def world(self, name: str) -> World:
        return World(partner_key=f"corpus-partner-{derived_secret('partner', name, 20)}",
                     districts=tuple(b.district() for b in self.builders[name]))

    def check_premises(self) -> None:
        """The seat figures each case relies on hold (see the module docstring)."""
        names = [c.name for c in self.cases]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"duplicate case names {sorted(dupes)}")
        seats = {lic.id: lic.seats for world in self.licenses.values() for lic in world}
        for case_name, (intent, builder, emails) in self.seat_intent.items():
            used, total = builder.students_of(emails), builder.all_students()
            limit = seats[case_name]
            ok = {
                "few": used < 0.10 * limit and total < 0.10 * limit,
                "exceeded": used > limit,
                "normal": 0.60 * limit <= used <= limit,
                "normal_sent": 0.60 * limit <= total <= limit,
                "none": total == 0,
            }[intent]
            if not ok:
                raise ValueError(f"{case_name}: seat premise {intent!r} fails: {used} students "
                                 f"of its teachers, {total} sent, {limit} seats")

    def write(self, folder: Path | str) -> Path:
        folder = Path(folder)
        self.check_premises()
        for name in ("main", "faults"):
            write_world(self.world(name), folder / name)
            write_yaml(self.licenses[name], folder / name / "licenses.yml")
        payload = {"seed": self.seed, "cases": [c.to_json() for c in self.cases]}
        (folder / "cases.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False),
                                           encoding="utf-8")
        return folder


def seats_for(students: int, rng: random.Random, low: float = 0.78, high: float = 0.95) -> int:
    """A seat count such that `students` fill between low and high of it, rounded up to 5."""
    raw = students / rng.uniform(low, high)
    return int(-(-raw // 5) * 5)


# --------------------------------------------------------------------------------------------
# Step 1: the connection


def step1_cases(c: Corpus) -> None:
    r = c.rng

    # Unattached: the district added the app; nobody put the ID on the license.
    d = c.district("Westfield Public School District", "westfieldpsd.org",
                   schools=("Westfield High School", "Westfield Middle School"))
    d.fillers(6, school=0)
    d.fillers(4, school=1)
    d.students(150, school=0)
    d.students(80, school=1)
    case = Case("s1-unattached", "broken", "app added in ClassLink, ID never attached",
                "Westfield added Pivot in ClassLink but the Application ID was never attached: "
                "attach the Westfield Public School District connection.",
                _expect(["no_application_id", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id})
    c.license(case, district="Westfield Schools", seats=seats_for(230, r),
              emails=d.teacher_emails(), app_ids=())

    # Nothing in ClassLink at all.
    case = Case("s1-not-added", "broken", "district never added the app in ClassLink",
                "There is no ClassLink connection for Cypress Ridge: the district has to add "
                "Pivot Interactives in its Roster Server first.",
                _expect(["no_application_id"], NO_ROSTER, NO_ROSTER))
    c.license(case, district="Cypress Ridge Unified School District", seats=180,
              emails=[f"{email_local(g, f)}@cypressridgeusd.org" for g, f in
                      (("Monica", "Ferraro"), ("Dwayne", "Holt"), ("Leticia", "Ayala"),
                       ("Graham", "Pruitt"))],
              app_ids=())

    # A mistyped ID (one character wrong); the real connection is there, unattached.
    d = c.district("Hollis Creek School District", "holliscreeksd.org", teacher_style="flast")
    d.fillers(8)
    d.students(190)
    typo = d.app_id[:3] + ("Q" if d.app_id[3] != "Q" else "R") + d.app_id[4:]
    case = Case("s1-id-typo", "broken", "Application ID mistyped on the license",
                "The ID on the license is not in ClassLink (one character is off); attach Hollis "
                "Creek's real connection instead.",
                _expect(["application_unknown", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id})
    c.license(case, district="Hollis Creek School District", seats=seats_for(190, r),
              emails=d.teacher_emails(), app_ids=(typo,))

    # The app's numeric ClassLink id pasted instead of the district's connection id.
    d = c.district("Pine Hollow Local Schools", "pinehollow.k12.oh.us", student_style="id")
    d.fillers(7)
    d.students(160)
    case = Case("s1-id-app-number", "broken", "ClassLink's app number pasted as the ID",
                "731460 is the Pivot app's number in ClassLink, the same for every district, not "
                "Pine Hollow's connection; attach Pine Hollow Local Schools' Application ID.",
                _expect(["application_unknown", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id})
    c.license(case, district="Pine Hollow Local Schools", seats=seats_for(160, r),
              emails=d.teacher_emails(), app_ids=(APPLICATION_ID,))

    # The ID was URL-encoded a second time (%2F -> %252F) when pasted.
    d = c.district("Alder Bay School District", "alderbaysd.org")
    d.app_id = c.new_app_id(with_slash=True)
    d.fillers(6)
    d.students(140)
    case = Case("s1-id-double-encoded", "broken", "Application ID encoded twice (%252F)",
                "The license has the ID encoded twice (%252F instead of %2F), so ClassLink does "
                "not know it; attach Alder Bay's ID exactly as ClassLink gives it.",
                _expect(["application_unknown", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id})
    c.license(case, district="Alder Bay SD", seats=seats_for(140, r),
              emails=d.teacher_emails(), app_ids=(d.app_id.replace("%", "%25"),))

    # The district removed the app: the ID is nowhere, and no other connection is theirs.
    gone = c.new_app_id(with_slash=False)
    case = Case("s1-app-removed", "broken", "district removed the app; old ID on the license",
                "ClassLink no longer lists this Application ID and Granite Falls has no other "
                "connection: ask the district whether they removed Pivot from their Roster Server.",
                _expect(["application_unknown"], NO_ROSTER, NO_ROSTER))
    c.license(case, district="Granite Falls Area Schools", seats=220,
              emails=[f"{email_local(g, f)}@gfas.k12.mn.us" for g, f in
                      (("Kristin", "Aaberg"), ("Troy", "Halvorson"), ("Bao", "Vang"))],
              app_ids=(gone,))

    # Disabled app.
    d = c.district("Sycamore Valley Unified School District", "svusd.net")
    d.enabled = False
    d.fillers(9)
    d.students(210)
    case = Case("s1-disabled", "broken", "app disabled in ClassLink",
                "Sycamore Valley's Pivot app is disabled in ClassLink, so nothing is sent: the "
                "district must enable it in the Roster Server.",
                _expect(["application_disabled"], NO_ROSTER, NO_ROSTER))
    c.license(case, district="Sycamore Valley USD", seats=seats_for(210, r),
              emails=d.teacher_emails(), app_ids=(d.app_id,))

    # Inactive tenant.
    d = c.district("Bridgewater Township Public Schools", "btps.k12.nj.us", teacher_style="flast")
    d.tenant_status = "Inactive"
    d.fillers(5)
    d.students(120)
    case = Case("s1-tenant-inactive", "broken", "ClassLink tenant inactive",
                "Bridgewater Township's ClassLink tenant is inactive, so its Roster Server sends "
                "nothing: the district has to reactivate it with ClassLink.",
                _expect(["tenant_inactive"], NO_ROSTER, NO_ROSTER))
    c.license(case, district="Bridgewater Twp. Public Schools", seats=seats_for(120, r),
              emails=d.teacher_emails(), app_ids=(d.app_id,))

    # Both.
    d = c.district("Prairie Wind Community Unit School District 6", "prairiewind6.org")
    d.enabled = False
    d.tenant_status = "Inactive"
    d.fillers(6)
    d.students(130)
    case = Case("s1-disabled-and-inactive", "broken", "app disabled and tenant inactive",
                "Prairie Wind's app is disabled and its tenant inactive: both must be fixed on "
                "the ClassLink side before anything rosters.",
                _expect(["application_disabled", "tenant_inactive"], NO_ROSTER, NO_ROSTER))
    c.license(case, district="Prairie Wind CUSD 6", seats=seats_for(130, r),
              emails=d.teacher_emails(), app_ids=(d.app_id,))

    # Foreign: Jefferson City's license carries Jefferson County's ID. City has no tenant.
    county = c.district("Jefferson County Schools", "jeffcoschools.net",
                        schools=("Jefferson County High School", "Eastside High School"))
    county.fillers(7, school=0)
    county.fillers(5, school=1)
    county.students(170, school=0)
    county.students(120, school=1)
    case = Case("h-jefferson-county", "healthy", "neighbour copied our ID onto its license",
                "Jefferson County is connected and every teacher matches; nothing to fix here.",
                healthy_expect())
    c.license(case, district="Jefferson County Schools", seats=seats_for(290, r),
              emails=county.teacher_emails(), app_ids=(county.app_id,),
              seat_check=("normal", county))
    city_emails = [f"{email_local(g, f)}@jcpsmo.org" for g, f in
                   (("Regina", "Stallworth"), ("Owen", "Pruitt"), ("Hyun", "Seo"),
                    ("Carla", "Benavides"), ("Desmond", "Okoro"))]
    case = Case("s1-foreign-neighbour", "broken", "neighbouring district's ID attached",
                "The ID on this license is Jefferson County Schools', not Jefferson City's (none "
                "of the license's teachers are in that roster); Jefferson City has to add Pivot "
                "in its own ClassLink and send us its ID.",
                _expect(["application_foreign"], NO_ROSTER, NO_ROSTER),
                tenant={"application_foreign": county.tenant_id})
    c.license(case, district="Jefferson City Public Schools", seats=200, emails=city_emails,
              app_ids=(county.app_id,))

    # Foreign, and the district's own connection is there unattached (Madison City / County).
    mcounty = c.district("Madison County Schools", "mcssk12.org", teacher_style="flast")
    mcounty.fillers(10)
    mcounty.students(240)
    case = Case("h-madison-county", "healthy", "neighbour copied our ID onto its license",
                "Madison County is connected and every teacher matches; nothing to fix here.",
                healthy_expect())
    c.license(case, district="Madison County Schools", seats=seats_for(240, r),
              emails=mcounty.teacher_emails(), app_ids=(mcounty.app_id,),
              seat_check=("normal", mcounty))
    mcity = c.district("Madison City Schools", "madisoncityschools.net",
                       schools=("James Clemens High School", "Bob Jones High School"))
    mcity.fillers(6, school=0)
    mcity.fillers(6, school=1)
    mcity.students(150, school=0)
    mcity.students(140, school=1)
    case = Case("s1-foreign-own-unattached", "broken",
                "neighbour's ID attached; own connection unattached",
                "This license has Madison County's ID; Madison City's own connection is in "
                "ClassLink but not attached: swap the ID for Madison City Schools'.",
                _expect(["application_foreign", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"application_foreign": mcounty.tenant_id,
                        "unattached_match": mcity.tenant_id})
    c.license(case, district="Madison City Schools", seats=seats_for(290, r),
              emails=mcity.teacher_emails(), app_ids=(mcounty.app_id,))

    # Namesakes: Franklin County (NC) is connected to its own license; Franklin County (VA)
    # has not added the app. VA's license must not be offered NC's connection.
    fnc = c.district("Franklin County Schools", "franklincountyschools.org",
                     schools=("Franklin County High School", "Louisburg High School"))
    fnc.fillers(6, school=0)
    fnc.fillers(5, school=1)
    fnc.students(160, school=0)
    fnc.students(110, school=1)
    case = Case("h-franklin-nc", "healthy", "namesake district (another Franklin County)",
                "Franklin County Schools (NC) is connected and every teacher matches.",
                healthy_expect())
    c.license(case, district="Franklin County Schools", seats=seats_for(270, r),
              emails=fnc.teacher_emails(), app_ids=(fnc.app_id,), seat_check=("normal", fnc))
    case = Case("s1-namesake-no-id", "broken", "no ID; a namesake district is connected",
                "No Application ID is attached and Franklin County (VA) has not added Pivot in "
                "ClassLink; the Franklin County Schools connection in ClassLink belongs to the "
                "North Carolina district, not to you.",
                _expect(["no_application_id"], NO_ROSTER, NO_ROSTER))
    c.license(case, district="Franklin County Public Schools", seats=240,
              emails=[f"{email_local(g, f)}@frcps.org" for g, f in
                      (("Travis", "Cundiff"), ("Melanie", "Hodges"), ("Rodney", "Ferrum"),
                       ("Shauna", "Boone"))],
              app_ids=())

    # Twins: two tenants both called "Washington County Schools"; only the roster tells which.
    wtn = c.district("Washington County Schools", "wcstn.net", student_style="id")
    wtn.fillers(8)
    wtn.students(180)
    wmd = c.district("Washington County Schools", "wcpsmd.org", teacher_style="last.first",
                     schools=("Boonsboro High School", "Clear Spring High School"))
    wmd.fillers(5, school=0)
    wmd.fillers(4, school=1)
    wmd.students(120, school=0)
    wmd.students(90, school=1)
    case = Case("s1-twin-names-unattached", "broken",
                "no ID; two tenants with the same name, one is ours",
                "Two ClassLink tenants are called Washington County Schools; your teachers are in "
                "the Maryland one (wcpsmd.org): attach that connection.",
                _expect(["no_application_id", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": wmd.tenant_id})
    c.license(case, district="Washington County Public Schools", seats=seats_for(210, r),
              emails=wmd.teacher_emails(), app_ids=())

    # Name written differently, no ID.
    d = c.district("St. Charles Parish Public Schools", "stcharlesps.org",
                   schools=("Hahnville High School", "Destrehan High School"))
    d.fillers(5, school=0)
    d.fillers(5, school=1)
    d.students(110, school=0)
    d.students(120, school=1)
    case = Case("s1-unattached-abbrev", "broken", "no ID; district name abbreviated differently",
                "St. Charles Parish added Pivot in ClassLink but the ID is not attached; attach "
                "the St. Charles Parish Public Schools connection.",
                _expect(["no_application_id", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id})
    c.license(case, district="Saint Charles Parish PS", seats=seats_for(230, r),
              emails=d.teacher_emails(), app_ids=())

    # No ID; the license names the school, the tenant is the district.
    d = c.district("Cortland Valley Unified School District", "cvusd.org",
                   schools=("Ridgemont High School", "Cortland Valley High School"))
    ridgemont = d.fillers(7, school=0)
    d.fillers(8, school=1)
    d.students(180, school=0)
    d.students(200, school=1)
    case = Case("s1-unattached-school-name", "broken",
                "no ID; license names the school, ClassLink tenant is the district",
                "Ridgemont High is part of Cortland Valley Unified, which added Pivot in "
                "ClassLink: attach the Cortland Valley Unified School District connection.",
                _expect(["no_application_id", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id},
                note="Names do not match at all; only roster evidence (7 of 7 emails) links them.")
    c.license(case, district="Ridgemont High School", seats=seats_for(180, r),
              emails=[t.email for t in ridgemont], app_ids=())

    # No ID; no license address is in the roster exactly, but all are on its domain.
    d = c.district("Meadowbrook Area School District", "meadowbrooksd.org", teacher_style="flast")
    d.fillers(8)
    d.students(200)
    sso = [f"{email_local(t.given_name, t.family_name)}@meadowbrooksd.org"
           for t in d.active_teachers()[:6]]
    case = Case("s1-unattached-domain-evidence", "broken",
                "no ID; license emails only share the roster's domain",
                "Meadowbrook added Pivot in ClassLink but the ID is not attached; attach the "
                "Meadowbrook Area School District connection (then the addresses need fixing: "
                "ClassLink sends flast@ addresses).",
                _expect(["no_application_id", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id},
                note="Evidence is the domain (and near-miss mailboxes), not exact emails.")
    c.license(case, district="Meadowbrook ASD", seats=seats_for(200, r), emails=sso, app_ids=())

    # No ID; the district added the app but it is disabled there.
    d = c.district("Larkspur Hills School District", "larkspurhills.org")
    d.enabled = False
    d.fillers(7)
    d.students(160)
    case = Case("s1-unattached-disabled", "broken", "no ID; the district's app is disabled",
                "No ID is attached. A tenant named like the district added Pivot but disabled "
                "it, so its roster cannot be read to confirm it is this district.",
                _expect(["no_application_id"], NO_ROSTER, NO_ROSTER),
                note="Decided with issue 8's rule (a suggestion rests on the tenant's roster, "
                     "never on the name alone): a disabled connection's roster cannot be read, "
                     "and a namesake may be disabled too, so it is not offered. The corpus "
                     "first expected unattached_match here.")
    c.license(case, district="Larkspur Hills School District", seats=seats_for(160, r),
              emails=d.teacher_emails(), app_ids=())

    # The attached connection is the district's old, disabled one; it set up a new one.
    old_conn = c.district("Harborside Unified School District", "harborsideusd.org")
    old_conn.enabled = False
    old_conn.fillers(6)
    old_conn.students(150)
    new_conn = c.district("Harborside Unified School District", "harborsideusd.org")
    for teacher in old_conn.active_teachers():
        new_conn.person(teacher.given_name, teacher.family_name, email=teacher.email)
    new_conn.students(150)
    case = Case("s1-old-connection-disabled", "broken",
                "attached connection is the old disabled one; a new one is unattached",
                "The attached ID is Harborside's old connection, now disabled; the district set "
                "up a new one: attach the new Application ID instead.",
                _expect(["application_disabled", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": new_conn.tenant_id})
    c.license(case, district="Harborside USD", seats=seats_for(150, r),
              emails=new_conn.teacher_emails(), app_ids=(old_conn.app_id,))

    # Per-school licenses: the high school's is fine, the middle school's ID has a typo.
    d = c.district("Harlan Ridge School District", "harlanridge.k12.ky.us",
                   schools=("Harlan Ridge High School", "Harlan Ridge Middle School"))
    d.fillers(7, school=0)
    d.fillers(5, school=1)
    d.students(190, school=0)
    d.students(130, school=1)
    c.extra_license(world="main", id="x-harlan-ridge-high", name="Harlan Ridge High School",
                    district="Harlan Ridge School District", seats=seats_for(190, r),
                    emails=d.teacher_emails(school=0), app_ids=(d.app_id,))
    typo = d.app_id[:-5] + ("x" if d.app_id[-5] != "x" else "y") + d.app_id[-4:]
    case = Case("s1-per-school-typo", "broken",
                "sister school's license has the right ID; this one has a typo",
                "The ID on the middle school's license is mistyped; use the same connection as "
                "the high school's license (Harlan Ridge School District).",
                _expect(["application_unknown", "unattached_match"], NO_ROSTER, NO_ROSTER),
                tenant={"unattached_match": d.tenant_id},
                note="The connection is attached to another license, but of the SAME district "
                     "(roster evidence: 5 of 5 emails), so it is offered.")
    c.license(case, district="Harlan Ridge School District", name="Harlan Ridge Middle School",
              seats=seats_for(130, r), emails=d.teacher_emails(school=1), app_ids=(typo,))


# --------------------------------------------------------------------------------------------
# Step 2: the emails


def email_case(c: Corpus, name: str, fault: str, say: str, district: DistrictBuilder,
               emails: Sequence[str], s2: Sequence[str], s3: Sequence[str] = (),
               fixes: dict[str, str] | None = None, note: str = "",
               license_district: str | None = None) -> None:
    """A case whose connection is healthy: only steps 2 and 3 are about it."""
    case = Case(name, "broken", fault, say,
                _expect(["application_ok"], s2, ["sanity_figures", *s3]),
                fixes=fixes or {}, note=note)
    students = district.students_of(emails) or district.all_students()
    c.license(case, district=license_district or district.name,
              seats=seats_for(max(district.all_students(), students), c.rng),
              emails=emails, app_ids=(district.app_id,))


def step2_cases(c: Corpus) -> None:
    # Copy-paste damage: case and whitespace (incl. a no-break space and a tab).
    d = c.district("Eastbrook Community Schools", "eastbrookcs.org")
    a = d.person("Rebecca", "Holloway", classes=3)
    b = d.person("Marcus", "Fenwick")
    e = d.person("Yolanda", "Pierce")
    z = d.person("Joaquin", "Villareal")
    d.fillers(5)
    d.students(170)
    others = [t for t in d.teacher_emails() if t not in (a.email, b.email, e.email, z.email)]
    rows = ["Rebecca.Holloway@EastbrookCS.org", " " + b.email, e.email + "\u00a0",
            "\u200b" + z.email, *others]
    email_case(c, "s2-case-whitespace", "case and whitespace differences (incl. NBSP, ZWSP)",
               "Four addresses differ from ClassLink's only by capitals or stray (invisible) "
               "spaces: retype rebecca.holloway@, marcus.fenwick@, yolanda.pierce@ and "
               "joaquin.villareal@ exactly.",
               d, rows, ["email_exact", "email_fix"],
               fixes={rows[0]: a.email, rows[1]: b.email, rows[2]: e.email, rows[3]: z.email})

    # Typos.
    d = c.district("Silver Lake Regional School District", "slrsd.org")
    a = d.person("Gretchen", "Vandermeer")
    b = d.person("Nathaniel", "Okonkwo")
    d.fillers(7)
    d.students(190)
    others = [t for t in d.teacher_emails() if t not in (a.email, b.email)]
    rows = ["gretchen.vandemeer@slrsd.org", "nathaniel.okonkow@slrsd.org", *others]
    email_case(c, "s2-typo", "typos in two addresses",
               "Two addresses are misspelt: gretchen.vandermeer@slrsd.org and "
               "nathaniel.okonkwo@slrsd.org are what ClassLink sends.",
               d, rows, ["email_exact", "email_fix"], fixes={rows[0]: a.email, rows[1]: b.email})

    # The district moved domains; the license still has the old domain for EVERY teacher.
    d = c.district("Northgate Unified School District", "northgateusd.org",
                   schools=("Northgate High School", "Valley Oak Middle School"))
    d.domains = ("northgateusd.org", "northgate.k12.ca.us")
    d.fillers(5, school=0)
    d.fillers(4, school=1)
    d.students(130, school=0)
    d.students(100, school=1)
    rows = [t.replace("@northgateusd.org", "@northgate.k12.ca.us") for t in d.teacher_emails()]
    email_case(c, "s2-old-domain-all", "district moved domains; license has the old one for all",
               "Northgate moved from northgate.k12.ca.us to northgateusd.org; every instructor "
               "on the license still has the old domain: change each to @northgateusd.org.",
               d, rows, ["email_fix"], fixes=dict(zip(rows, d.teacher_emails(), strict=True)),
               note="Trap for 'roster evidence': no license domain is in the roster, yet the "
                    "tenant is this district (its name, and every mailbox name, match): step 1 "
                    "must stay application_ok, not application_foreign.")

    # Alias domain: two teachers registered with the district's short alias domain.
    d = c.district("Red Oak Independent School District", "redoakisd.org", teacher_style="flast")
    a = d.person("Lorena", "Castaneda")
    b = d.person("Wesley", "Pruett")
    d.fillers(8)
    d.students(230)
    others = [t for t in d.teacher_emails() if t not in (a.email, b.email)]
    rows = ["lcastaneda@roisd.net", "wpruett@roisd.net", *others]
    email_case(c, "s2-alias-domain", "alias domain on the license",
               "Two instructors are on the district's alias domain roisd.net; ClassLink sends "
               "@redoakisd.org: use lcastaneda@redoakisd.org and wpruett@redoakisd.org.",
               d, rows, ["email_exact", "email_fix"], fixes={rows[0]: a.email, rows[1]: b.email})

    # Nicknames.
    d = c.district("Harmony Grove School District", "hgsd.us")
    a = d.person("Michael", "Brennan")
    b = d.person("Katherine", "Lindqvist-Moore", email="katherine.lindqvistmoore@hgsd.us")
    e = d.person("William", "Achterberg")
    d.fillers(6)
    d.students(200)
    others = [t for t in d.teacher_emails() if t not in (a.email, b.email, e.email)]
    rows = ["mike.brennan@hgsd.us", "kate.lindqvistmoore@hgsd.us", "bill.achterberg@hgsd.us",
            *others]
    email_case(c, "s2-nickname", "nicknames instead of roster names",
               "Three instructors are listed by nickname (Mike, Kate, Bill); ClassLink sends "
               "michael.brennan@, katherine.lindqvistmoore@ and william.achterberg@.",
               d, rows, ["email_exact", "email_fix"],
               fixes={rows[0]: a.email, rows[1]: b.email, rows[2]: e.email})

    # Name pattern: the roster uses flast, the license (SSO/CMC addresses) first.last.
    d = c.district("Lakeshore Public Schools", "lakeshoreps.org", teacher_style="flast")
    a = d.person("Diego", "Lucero")
    b = d.person("Hannah", "Wagner")
    d.fillers(7)
    d.students(180)
    others = [t for t in d.teacher_emails() if t not in (a.email, b.email)]
    rows = ["diego.lucero@lakeshoreps.org", "hannah.wagner@lakeshoreps.org", *others]
    email_case(c, "s2-name-pattern", "first.last on the license, flast in the roster (SSO email)",
               "Two instructors signed up with their SSO address (first.last); the Roster Server "
               "sends dlucero@ and hwagner@lakeshoreps.org: use those.",
               d, rows, ["email_exact", "email_fix"], fixes={rows[0]: a.email, rows[1]: b.email})

    # Ambiguous: a.khan fits Ahmed Khan and Amara Khan equally.
    d = c.district("Brookhaven Valley Schools", "bvschools.org")
    d.person("Ahmed", "Khan")
    d.person("Amara", "Khan")
    d.fillers(7)
    d.students(190)
    rows = ["a.khan@bvschools.org",
            *[t for t in d.teacher_emails() if "khan@" not in t]]
    email_case(c, "s2-ambiguous", "one address fits two teachers",
               "a.khan@bvschools.org could be Ahmed Khan or Amara Khan: ask which teacher is "
               "meant before changing it.",
               d, rows, ["email_exact", "email_ambiguous"],
               note="Neither Khan is listed in teachers_not_on_license: both are candidates of "
                    "the ambiguous row until the customer says which.")

    # A student's address on the license (a student aide added as an instructor).
    d = c.district("Fairview Park City Schools", "fpcs.org", student_style="flast")
    d.fillers(8)
    students = d.students(200)
    aide = students[7]
    rows = [*d.teacher_emails(), aide.email]
    email_case(c, "s2-student-address", "a student's address listed as an instructor",
               f"{aide.email} belongs to a student ({aide.full_name}) in ClassLink, not a teacher; "
               "remove it or replace it with the teacher's address.",
               d, rows, ["email_exact", "email_student"])

    # A teacher ClassLink does not send (no shared class; Unenrolled Users off).
    d = c.district("Stonebridge School District", "stonebridgesd.org")
    d.fillers(9)
    d.students(210)
    rows = [*d.teacher_emails(), "priscilla.whitmore@stonebridgesd.org"]
    email_case(c, "s2-teacher-not-sent", "teacher has no shared class, so is not sent",
               "ClassLink does not send priscilla.whitmore@stonebridgesd.org: she is probably not "
               "enrolled in any class shared with Pivot; the district should check her sections.",
               d, rows, ["email_exact", "email_not_found"])

    # None of the license's teachers are sent yet (new staff, sections not shared).
    d = c.district("Copper Basin Unified School District", "cbusd.net")
    d.fillers(8)
    d.students(200)
    rows = [f"{email_local(g, f)}@cbusd.net" for g, f in
            (("Ramona", "Estrada"), ("Felix", "Oyelaran"), ("Ingrid", "Solberg"),
             ("Kendall", "Brooks"))]
    case = Case("s2-none-sent-yet", "broken",
                "none of the license's teachers are sent (new staff, sections not shared)",
                "The connection is right, but ClassLink sends none of your 4 instructors (their "
                "sections are not shared yet) and sends 8 teachers who are not on the license.",
                _expect(["application_ok"], ["email_not_found"],
                        ["sanity_figures", "teachers_not_on_license"]),
                note="No license email is in the roster; the tenant name and the domain say it "
                     "is this district, so step 1 must not call it foreign.")
    c.license(case, district="Copper Basin Unified School District", seats=220, emails=rows,
              app_ids=(d.app_id,))

    # A personal Gmail address.
    d = c.district("Willowbrook Unified School District", "willowbrookusd.org")
    d.person("Teresa", "Mbeki")
    d.fillers(8)
    d.students(220)
    rows = [*[t for t in d.teacher_emails() if "mbeki" not in t], "mrsmscienceroom@gmail.com"]
    email_case(c, "s2-personal-gmail", "personal Gmail address on the license",
               "mrsmscienceroom@gmail.com is a personal address ClassLink never sends; the "
               "teacher must use her district address.",
               d, rows, ["email_exact", "email_not_found"], ["teachers_not_on_license"],
               note="Teresa Mbeki (teresa.mbeki@) is on no license row, so she is also listed "
                    "as a teacher not on the license.")

    # A teacher rostered without an email.
    d = c.district("Coral Springs Charter School", "coralspringscs.org")
    d.person("Ignacio", "Arreola", email=None)
    d.fillers(7)
    d.students(170)
    rows = [*d.teacher_emails(), "ignacio.arreola@coralspringscs.org"]
    email_case(c, "s2-roster-no-email", "teacher record has no email in ClassLink",
               "ClassLink sends Ignacio Arreola without an email address, so his account cannot "
               "match: ask the district to add ignacio.arreola@ to his roster record.",
               d, rows, ["email_exact", "email_not_found"], ["users_without_email"])

    # Teacher marked for deletion; a new teacher took her classes.
    d = c.district("Hawthorne Valley School District", "hvsd.k12.pa.us")
    leaver = d.person("Colleen", "Marchetti", status="tobedeleted")
    d.fillers(7)
    newcomer = d.person("Andres", "Villalobos", classes=0)
    d.students(180)
    d.hand_over(leaver, newcomer)
    rows = [t for t in d.teacher_emails() if t != newcomer.email] + [leaver.email]
    email_case(c, "s2-tobedeleted", "teacher marked for deletion; replacement not on license",
               "Colleen Marchetti is marked for deletion in ClassLink and Andres Villalobos now "
               "teaches her classes: replace her row with andres.villalobos@.",
               d, rows, ["email_exact", "email_deleted"], ["teachers_not_on_license"])

    # Disabled account (1.1 string "false"); classes covered by a licensed colleague.
    d = c.district("Gilford Regional Schools", "gilfordreg.org")
    off = d.person("Priya", "Raman", enabled=False)
    colleagues = d.fillers(7)
    d.students(170)
    d.hand_over(off, colleagues[0])
    rows = [*d.teacher_emails(), off.email]
    email_case(c, "s2-disabled-1p1", "teacher account disabled (enabledUser \"false\")",
               "priya.raman@gilfordreg.org is disabled in ClassLink (enabledUser false): if she "
               "still teaches, the district must re-enable her account.",
               d, rows, ["email_exact", "email_disabled"])

    # Disabled account, 1.2 shape (boolean false).
    d = c.district("Mesa Verde Unified School District", "mvusd.org")
    d.api_shape = "1.2"
    off = d.person("Curtis", "Yellowhorse", enabled=False)
    colleagues = d.fillers(8)
    d.students(200)
    d.hand_over(off, colleagues[1])
    rows = [*d.teacher_emails(), off.email]
    email_case(c, "s2-disabled-1p2", "teacher account disabled (1.2 boolean false)",
               "curtis.yellowhorse@mvusd.org is disabled in ClassLink: re-enable him there if he "
               "still teaches.",
               d, rows, ["email_exact", "email_disabled"])

    # The same row twice.
    d = c.district("Clearwater Academy", "clearwateracademy.org")
    twice = d.person("Anabel", "Quiroga")
    d.fillers(6)
    d.students(150)
    rows = [*d.teacher_emails(), twice.email]
    email_case(c, "s2-duplicate-row", "same instructor listed twice",
               "anabel.quiroga@clearwateracademy.org is on the license twice; remove one row.",
               d, rows, ["email_exact", "email_duplicate"])

    # The same person under a nickname and her roster name.
    d = c.district("Birch Run Area Schools", "birchrunschools.org")
    d.person("William", "Thistlewood")
    d.fillers(6)
    d.students(160)
    rows = [*d.teacher_emails(), "bill.thistlewood@birchrunschools.org"]
    email_case(c, "s2-duplicate-person", "one teacher on two rows (nickname and roster name)",
               "William Thistlewood is on the license twice (william.thistlewood@ and "
               "bill.thistlewood@): delete the bill.thistlewood@ row.",
               d, rows, ["email_exact", "email_duplicate"],
               note="Debatable: email_fix would suggest william.thistlewood@, which is already "
                    "on the license; the right advice is to delete the row (email_duplicate).")

    # Malformed addresses (a comma for a dot, a doubled @).
    d = c.district("Eastlake School District", "eastlakesd.org", teacher_style="flast")
    a = d.person("Dana", "Whitaker")
    b = d.person("Rogelio", "Hernandez")
    d.fillers(6)
    d.students(180)
    others = [t for t in d.teacher_emails() if t not in (a.email, b.email)]
    rows = [*others, "dwhitaker@eastlakesd,org", "rhernandez@@eastlakesd.org",
            "Mrs. Alvarez (science)"]
    email_case(c, "s2-malformed", "malformed addresses on the license",
               "Three rows are not valid addresses: dwhitaker@eastlakesd,org and "
               "rhernandez@@eastlakesd.org are the roster's dwhitaker@ and rhernandez@ "
               "misspelt; 'Mrs. Alvarez (science)' needs her address.",
               d, rows, ["email_exact", "email_fix", "email_malformed"],
               fixes={"dwhitaker@eastlakesd,org": a.email, "rhernandez@@eastlakesd.org": b.email},
               note="Both rows are copy-paste damage with one obvious repair (a comma for the "
                    "dot, a doubled @), so each is an email_fix to the roster address: the same "
                    "advice as email_malformed, and more precise. A name typed where an address "
                    "belongs ('Mrs. Alvarez (science)') has no repair: email_malformed. Whitaker "
                    "and Hernandez are named by these rows, so they are not 'teachers not on the "
                    "license'.")

    # No instructors at all.
    d = c.district("Ridgeview Consolidated Independent School District", "ridgeviewcisd.org")
    d.fillers(8)
    d.students(200)
    case = Case("s2-no-instructors", "broken", "license lists no instructors",
                "The license has no instructors yet, so nothing can roster: add the teachers "
                "(ClassLink sends 8).",
                _expect(["application_ok"], ["no_instructors"],
                        ["sanity_figures", "teachers_not_on_license"]),
                note="teachers_not_on_license is the consequence, expected alongside.")
    c.license(case, district="Ridgeview CISD", seats=seats_for(200, c.rng), emails=(),
              app_ids=(d.app_id,))

    # An instructional coach who is an administrator (no classes) in ClassLink.
    d = c.district("Tamarack Public Schools", "tamarackps.org")
    coach = d.person("Renata", "Szabo", role=Role.ADMINISTRATOR, classes=0)
    d.fillers(8)
    d.students(190)
    rows = [*d.teacher_emails(), coach.email]
    email_case(c, "s2-admin-not-teacher", "license email is an administrator with no classes",
               "ClassLink sends renata.szabo@ as an administrator with no classes, not a "
               "teacher, so nothing rosters for her: if she teaches, the district must enroll her "
               "as the teacher of her sections.",
               d, rows, ["email_exact"], ["teachers_without_classes"],
               note="The email agrees (step 2 passes: ClassLink sends exactly this address, as "
                    "an administrator); step 3 says she has no class shared, so nothing rosters "
                    "for her. Failure mode 16. The corpus first expected email_not_found.")

    # Name change: the license has her old surname; nobody to fix it to with confidence.
    d = c.district("Brightwater Central School District", "bwcsd.org")
    d.person("Jennifer", "Okafor")
    d.person("Jennifer", "Castillo")
    d.fillers(7)
    d.students(200)
    rows = [*[t for t in d.teacher_emails() if not t.startswith("jennifer.")],
            "jennifer.castillo@bwcsd.org", "jennifer.walsh@bwcsd.org"]
    email_case(c, "s2-name-change", "old surname on the license (married name in ClassLink)",
               "ClassLink sends no jennifer.walsh@; Jennifer Okafor is not on the license: if "
               "she is Ms. Walsh under a new name, use jennifer.okafor@bwcsd.org.",
               d, rows, ["email_exact", "email_not_found"], ["teachers_not_on_license"],
               note="Only the given name links walsh to okafor, and a second Jennifer exists: "
                    "no confident fix.")

    # Re-created record: SIS migration gave a new sourcedId and a new address; old record ends.
    d = c.district("Ironwood Area School District", "ironwoodasd.org",
                   id_style="prefix")
    d.domains = ("ironwoodasd.org", "iasd.k12.mi.us")
    old = d.person("Karen", "Lindahl", email="klindahl@iasd.k12.mi.us", status="tobedeleted",
                   sourced_id="30488")
    new = d.person("Karen", "Lindahl", email="karen.lindahl@ironwoodasd.org", classes=0,
                   sourced_id="TCH_30488")
    d.fillers(7)
    d.students(190)
    d.hand_over(old, new)
    rows = [*[t for t in d.teacher_emails() if t != new.email], old.email]
    email_case(c, "s2-recreated-record", "new sourcedId and new address after an SIS migration",
               "Karen Lindahl's old record (klindahl@iasd.k12.mi.us) is being deleted; ClassLink "
               "now sends her as karen.lindahl@ironwoodasd.org: update the license.",
               d, rows, ["email_exact", "email_fix"], fixes={old.email: new.email},
               note="Failure modes 9+10: an active record of the same person exists, so this is "
                    "a fix, not email_deleted.")


# --------------------------------------------------------------------------------------------
# Step 3: what ClassLink sends


def sanity_case(c: Corpus, name: str, fault: str, say: str, district: DistrictBuilder,
                s3: Sequence[str], *, seats: int | None = None, emails: Sequence[str] | None = None,
                s2: Sequence[str] = ("email_exact",), intent: str = "normal",
                note: str = "", license_district: str | None = None) -> None:
    case = Case(name, "broken", fault, say,
                _expect(["application_ok"], s2, ["sanity_figures", *s3]), note=note)
    emails = district.teacher_emails() if emails is None else emails
    if seats is None:
        seats = seats_for(district.students_of(emails), c.rng)
    c.license(case, district=license_district or district.name, seats=seats, emails=emails,
              app_ids=(district.app_id,), seat_check=(intent, district))


def step3_cases(c: Corpus) -> None:
    # No students shared.
    d = c.district("Bluffton Ridge Schools", "bluffridge.org")
    d.fillers(8)
    sanity_case(c, "s3-no-students", "students not shared (scope excludes them)",
                "ClassLink sends Bluffton Ridge's teachers and classes but no students at all: "
                "the district must share students with Pivot in the Roster Server.",
                d, ["no_students", "classes_without_students"], seats=200, intent="none",
                note="classes_without_students follows from no_students; expected alongside.")

    # Sharing scope too narrow (Select by Class): 3 classes, 11 students, 12 teachers licensed.
    d = c.district("Coldwater Exempted Village Schools", "cevs.org")
    shared = d.fillers(3, classes=1)
    d.students(11, per_student=(1, 1))
    missing = [f"{email_local(g, f)}@cevs.org" for g, f in
               (("Marguerite", "Ashby"), ("Terrence", "Lowell"), ("Shanice", "Pruitt"),
                ("Gordon", "Baptiste"), ("Ilse", "Kramer"), ("Jerome", "Whitlock"),
                ("Rosalind", "Tate"), ("Omari", "Fairbanks"), ("Nell", "Greer"))]
    sanity_case(c, "s3-narrow-scope", "sharing scope too narrow (a few classes only)",
                "ClassLink sends only 3 classes and 11 students for a 300-seat license, and 9 "
                "of your teachers not at all: widen the app's sharing in the Roster Server "
                "(Custom / Select by Class).",
                d, ["few_students"], seats=300, emails=[t.email for t in shared] + missing,
                s2=["email_exact", "email_not_found"], intent="few")

    # The FAQ's screenshot: many teachers, a handful of students. No X-Total-Count.
    d = c.district("Mountain View STEM Academy", "mvstem.org")
    d.total_count_header = False
    d.fillers(96, classes=1, unique_family=False)
    first_classes = [cls for cls in d.classes[:3]]
    for cls in d.classes[3:]:
        d.wants_students[cls.sourced_id] = False
    d.students(4, per_student=(1, 1))
    assert all(d.wants_students[cls.sourced_id] for cls in first_classes)
    sanity_case(c, "s3-faq-113-5", "many teachers, a handful of students (the FAQ's example)",
                "ClassLink sends 96 teachers but only 4 students, so at most 4 seats can be "
                "made: the district is not sharing its students.",
                d, ["few_students", "classes_without_students"], seats=150, intent="few")

    # No teachers shared.
    d = c.district("Canyon Lake Joint Union High School District", "cljuhsd.org")
    ghosts = [d.add_class(None, 0) for _ in range(14)]
    d.students(260)
    emails = [f"{email_local(g, f)}@cljuhsd.org" for g, f in
              (("Valerie", "Ostrander"), ("Kenji", "Morita"), ("Lupe", "Saucedo"),
               ("Brett", "Halvorsen"), ("Nadine", "Farouk"), ("Cole", "Ridgeway"))]
    assert ghosts
    sanity_case(c, "s3-no-teachers", "teachers not shared (scope excludes staff)",
                "ClassLink sends students and classes but no teachers at all, so no instructor "
                "can match: the district must share teachers with Pivot.",
                d, ["no_teachers", "classes_without_teacher"], seats=280, emails=emails,
                s2=["email_not_found"], intent="normal_sent",
                note="classes_without_teacher follows from no_teachers; expected alongside. "
                     "Seat premise uses all students sent.")

    # More students than seats (391 on 125).
    d = c.district("Ashford Preparatory Academy", "ashfordprep.org")
    d.fillers(9, classes=3)
    d.students(391)
    sanity_case(c, "s3-seats-exceeded", "more students than seats",
                "ClassLink sends 391 students but the license has 125 seats: the license will "
                "become Limited; buy seats or archive old classes.",
                d, ["seats_exceeded"], seats=125, intent="exceeded")

    # Per-school licenses: the high school is over its seats, the middle school is fine.
    d = c.district("Oakridge Consolidated Schools", "oakridgecs.org",
                   schools=("Oakridge High School", "Oakridge Middle School"))
    d.fillers(8, school=0, classes=3)
    d.fillers(6, school=1)
    d.students(236, school=0)
    d.students(140, school=1)
    sanity_case(c, "s3-per-school-seats-exceeded", "one school's license is over its seats",
                "Oakridge High's teachers have 236 students in ClassLink but its license has 150 "
                "seats: it will become Limited; buy seats or archive classes.",
                d, ["seats_exceeded"], seats=150, emails=d.teacher_emails(school=0),
                intent="exceeded", license_district="Oakridge Consolidated Schools")
    healthy(c, "h-per-school-sister-fits", "sister school's license fits its seats",
            "Oakridge Middle's license is fine: 140 students on its own seats; the high school's "
            "overage is on the other license.", d, emails=d.teacher_emails(school=1))

    # A licensed teacher sent with no classes (Unenrolled Users on).
    d = c.district("Rock Creek Valley School District", "rcvsd.org")
    d.person("Evangeline", "Moreau", classes=0)
    d.fillers(8)
    d.students(210)
    sanity_case(c, "s3-teacher-without-classes", "licensed teacher sent with no classes",
                "ClassLink sends evangeline.moreau@ with no classes, so nothing rosters for her: "
                "the district must enroll her as teacher of her sections.",
                d, ["teachers_without_classes"],
                note="Her email is exact (the Unenrolled Users toggle is on, so she is sent); "
                     "if she were not sent at all it would be email_not_found.")

    # New sections with no students yet.
    d = c.district("Sunfield Township Schools", "sunfieldtwp.org")
    teachers = d.fillers(8)
    d.add_class(teachers[0], 0, wants_students=False, title="AP Physics 2 P7 (new section)")
    d.add_class(teachers[3], 0, wants_students=False, title="Astronomy Blk C (new section)")
    d.students(190)
    sanity_case(c, "s3-classes-without-students", "classes with no students",
                "Two classes are sent with no students (AP Physics 2 P7, Astronomy Blk C): "
                "students will appear once the district enrolls them.",
                d, ["classes_without_students"])

    # Classes with students but no teacher (the teacher left; sections not reassigned).
    d = c.district("Oakmont Regional High School District", "orhsd.org")
    d.fillers(8)
    d.add_class(None, 0, title="Chemistry P4 (Staff TBA)")
    d.add_class(None, 0, title="Biology P6 (Staff TBA)")
    d.students(210)
    sanity_case(c, "s3-classes-without-teacher", "classes with students but no teacher",
                "Two classes have students but no teacher in ClassLink, so no instructor can "
                "roster them: the district must assign their teacher.",
                d, ["classes_without_teacher"])

    # Teachers not on the license.
    d = c.district("Elm Grove Unified School District", "egusd.net",
                   schools=("Elm Grove High School", "Parkside Middle School"))
    hs = d.fillers(14, school=0)
    ms = d.fillers(8, school=1)
    d.students(230, school=0)
    d.students(120, school=1)
    assert ms
    sanity_case(c, "s3-teachers-not-on-license", "8 teachers ClassLink sends are not licensed",
                "ClassLink sends 8 Parkside Middle teachers who are not on the license; Pivot "
                "does not add teachers automatically: add the ones who should use Pivot.",
                d, ["teachers_not_on_license"], emails=[t.email for t in hs],
                seats=360)

    # One address on two active records (the same teacher imported twice).
    d = c.district("Twin Lakes Independent School District", "twinlakesisd.net",
                   schools=("Twin Lakes High School", "Twin Lakes Middle School"))
    dup = d.person("Paulina", "Ortega-Reyes", email="paulina.ortegareyes@twinlakesisd.net")
    d.fillers(6, school=0)
    d.fillers(4, school=1)
    again = RosterUser(sourced_id=f"{dup.sourced_id}-ms", role=Role.TEACHER, status="active",
                       enabled=True, given_name=dup.given_name, family_name=dup.family_name,
                       email=dup.email, username=dup.username, org_ids=(d.school_id(1),))
    d.users.append(again)
    d.add_class(again, 1)
    d.students(150, school=0)
    d.students(100, school=1)
    sanity_case(c, "s3-shared-email", "one address on two active teacher records",
                "ClassLink sends two active records with paulina.ortegareyes@ (one per school): "
                "ask the district to merge them, or her classes may split.",
                d, ["shared_email"])

    # Some students sent without an email.
    d = c.district("Beaver Creek Area School District", "bcasd.org", student_style="id")
    d.fillers(8)
    d.students(220, without_email=6)
    sanity_case(c, "s3-students-without-email", "six students sent without an email",
                "ClassLink sends 6 students without an email address: the district should fill "
                "them in.",
                d, ["users_without_email"])


# --------------------------------------------------------------------------------------------
# Several faults at once


def combo_cases(c: Corpus) -> None:
    d = c.district("Riverbend School District", "riverbendsd.org",
                   schools=("Riverbend High School", "Riverbend Middle School"))
    a = d.person("Theodora", "Blackwood")
    hs = d.fillers(7, school=0)
    new_hires = d.fillers(3, school=1)
    d.students(170, school=0)
    d.students(60, school=1)
    rows = ["theodora.blackwod@riverbendsd.org", *[t.email for t in hs],
            "gordon.pike@riverbendsd.org"]
    assert new_hires
    case = Case("combo-typo-missing-new-hires", "broken",
                "a typo, a teacher not sent, three new hires not licensed",
                "Fix theodora.blackwod@ to theodora.blackwood@; ClassLink does not send "
                "gordon.pike@ (no shared class?); and 3 new middle-school teachers are not on the "
                "license yet.",
                _expect(["application_ok"], ["email_exact", "email_fix", "email_not_found"],
                        ["sanity_figures", "teachers_not_on_license"]),
                fixes={rows[0]: a.email})
    c.license(case, district="Riverbend SD", seats=seats_for(230, c.rng, 0.88, 0.97),
              emails=rows, app_ids=(d.app_id,))

    d = c.district("Cascade Heights Union High School District", "chuhsd.org")
    teachers = d.fillers(8)
    d.add_class(None, 0, title="Biology P2 (2027-28)")
    d.add_class(None, 0, title="Chemistry P5 (2027-28)")
    d.add_class(teachers[2], 0, wants_students=False, title="Physics P1 (2027-28)")
    d.add_class(teachers[5], 0, wants_students=False, title="Earth Science P3 (2027-28)")
    d.students(200)
    sanity_case(c, "combo-rollover", "next year's sections half set up (summer rollover)",
                "ClassLink already sends next year's sections: two have no teacher and two have "
                "no students; they will fill in as the district finishes scheduling.",
                d, ["classes_without_teacher", "classes_without_students"])


# --------------------------------------------------------------------------------------------
# Healthy look-alikes


def healthy(c: Corpus, name: str, fault: str, say: str, d: DistrictBuilder, *,
            license_district: str | None = None, emails: Sequence[str] | None = None,
            seats: int | None = None, world: str = "main", license_name: str | None = None,
            app_id: str | None = None) -> Case:
    emails = d.teacher_emails() if emails is None else emails
    case = Case(name, "healthy", fault, say, healthy_expect(), world=world)
    if seats is None:
        seats = seats_for(d.students_of(emails), c.rng)
    c.license(case, district=license_district or d.name, seats=seats, emails=emails,
              app_ids=(app_id or d.app_id,), name=license_name, seat_check=("normal", d))
    return case


def healthy_cases(c: Corpus) -> None:
    # Per-school licenses on one shared connection.
    d = c.district("Crestwood Community School District", "crestwoodcsd.org",
                   schools=("Crestwood North High School", "Crestwood South High School",
                            "Crestwood Middle School"), id_style="numeric")
    for school, (teachers, students) in enumerate(((7, 210), (6, 180), (5, 160))):
        d.fillers(teachers, school=school)
        d.students(students, school=school)
    for school, (slug, school_name) in enumerate(
            (("north", "Crestwood North High School"), ("south", "Crestwood South High School"),
             ("middle", "Crestwood Middle School"))):
        healthy(c, f"h-per-school-{slug}", "per-school license on a shared connection"
                + (" (license names the school, not the district)" if slug == "middle" else ""),
                f"{school_name}'s license shares the district's connection with its sister "
                "schools; its own teachers all match and its students fit its seats.",
                d, emails=d.teacher_emails(school=school), license_name=school_name,
                license_district=school_name if slug == "middle"
                else "Crestwood Community School District")

    # Namesake: Greenville County (SC) connected; Greenville City (OH) added the app, no license.
    d = c.district("Greenville County Schools", "greenvilleschools.us",
                   schools=("Greenville Senior High", "Mauldin High School"))
    d.fillers(6, school=0)
    d.fillers(6, school=1)
    d.students(150, school=0)
    d.students(150, school=1)
    oh = c.district("Greenville City School District", "gcs.k12.oh.us")
    oh.fillers(5)
    oh.students(120)
    healthy(c, "h-greenville-namesake", "namesake tenant in another state, unattached",
            "Greenville County is connected and healthy; the Greenville City (Ohio) tenant in "
            "ClassLink is another district and irrelevant here.", d)
    case = Case("s1-namesake-unattached-no-id", "broken",
                "no ID; only namesakes in ClassLink (one of them unattached)",
                "No Application ID is attached and Greenville Public Schools (MI) has not added "
                "Pivot in ClassLink; the Greenville tenants there are other districts (none of "
                "your teachers are in them).",
                _expect(["no_application_id"], NO_ROSTER, NO_ROSTER),
                note="Greenville City School District (OH) is unattached and its name is close; "
                     "only the roster tells it is not this district.")
    c.license(case, district="Greenville Public Schools", seats=320,
              emails=[f"{email_local(g[0] + f)}@gpsmi.org" for g, f in
                      (("Darlene", "Kowalczyk"), ("Brent", "Vandyke"), ("Tamika", "Rowe"),
                       ("Aaron", "Lindberg"), ("Kirsten", "Stroud"))],
              app_ids=())

    # Spare seats.
    d = c.district("Rosewood Charter Academy", "rosewoodcharter.org")
    d.fillers(11, classes=3)
    d.students(264)
    healthy(c, "h-spare-seats", "264 students on 275 seats",
            "All good: ClassLink sends 264 students and the license has 275 seats.", d, seats=275)

    d = c.district("Brookfield Falls School District", "bfsd.net",
                   schools=("Brookfield Falls High School", "Brookfield Falls Middle School"))
    d.fillers(8, school=0)
    d.fillers(5, school=1)
    d.students(200, school=0)
    d.students(110, school=1)
    healthy(c, "h-room-to-grow", "310 students on 500 seats (bought for growth)",
            "All good: 310 students on 500 seats leaves room for next year's growth.",
            d, seats=500,
            )

    # 1.2 user shape.
    d = c.district("Pinecrest Unified School District", "pinecrestusd.org")
    d.api_shape = "1.2"
    d.fillers(10)
    d.students(240)
    healthy(c, "h-oneroster-1p2", "OneRoster 1.2 user shape (roles[], boolean enabledUser)",
            "All good (this district sends the 1.2 user shape).", d)

    # Direct OAuth, ID with %2F.
    d = c.district("Sandpoint Valley Schools", "svschools.org", id_style="guid")
    d.access = "direct"
    d.app_id = c.new_app_id(with_slash=True)
    d.fillers(9)
    d.students(200)
    healthy(c, "h-direct-oauth", "direct OAuth 1.0a access, no proxy bearer",
            "All good (reached by direct OAuth; the ID contains %2F).", d)

    # No X-Total-Count, several pages.
    d = c.district("Wolf Creek Public Schools", "wolfcreekps.org",
                   schools=("Wolf Creek High School", "Wolf Creek Junior High"))
    d.total_count_header = False
    d.fillers(9, school=0)
    d.fillers(6, school=1)
    d.students(210, school=0)
    d.students(130, school=1)
    healthy(c, "h-no-total-count", "no X-Total-Count header, several pages",
            "All good (ClassLink sends no X-Total-Count here; 355 users over several pages).", d)

    # Large, no X-Total-Count: more than one page of 10,000 (ClassLink's ceiling).
    d = c.district("Sierra Vista Unified School District", "svusd.k12.az.us",
                   schools=tuple(f"{n} High School" for n in
                                 ("Buena", "Cochise", "Huachuca", "Carmichael")),
                   student_style="id", id_style="numeric")
    d.total_count_header = False
    for school in range(4):
        d.fillers(60, school=school, classes=5, unique_family=False)
        d.students(2600, school=school, per_student=(2, 3))
    healthy(c, "h-large-no-total-count", "10,640 users, no X-Total-Count (pages of 10,000)",
            "All good: a large district without X-Total-Count; every page was read.", d)

    # Moved domains; the license already uses the new one.
    d = c.district("Kingfisher County Schools", "kcschools.net", teacher_style="flast")
    d.domains = ("kcschools.net", "kingfisher.k12.ok.us")
    d.fillers(10)
    d.students(220)
    healthy(c, "h-moved-domain", "district moved domains; license already on the new one",
            "All good: Kingfisher moved to kcschools.net and the license already uses it.", d)

    # Names written differently.
    d = c.district("Mount Vernon County School District", "mvcsd.org")
    d.fillers(9)
    d.students(210)
    healthy(c, "h-name-abbreviated", "license says 'Mt. Vernon Co. S.D.'",
            "All good: 'Mt. Vernon Co. S.D.' is Mount Vernon County School District.", d,
            license_district="Mt. Vernon Co. S.D.")

    d = c.district("Lancaster School District", "lancastersd.org",
                   schools=("McCaskey High School", "Wheatland Middle School"))
    d.fillers(7, school=0)
    d.fillers(4, school=1)
    d.students(170, school=0)
    d.students(90, school=1)
    healthy(c, "h-name-reordered", "license says 'The School District of Lancaster'",
            "All good: 'The School District of Lancaster' is Lancaster School District.", d,
            license_district="The School District of Lancaster")

    # sourcedId changed (TCH_ prefix); the old record ends, same email.
    d = c.district("Fox Hollow School District", "foxhollowsd.org", id_style="prefix")
    old = d.person("Lucinda", "Hargrove", sourced_id="771204", status="tobedeleted")
    new = d.person("Lucinda", "Hargrove", sourced_id="TCH_771204", classes=0)
    d.names.discard(("Lucinda", "Hargrove"))
    d.fillers(8)
    d.students(200)
    d.hand_over(old, new)
    healthy(c, "h-sourcedid-changed", "teacher's sourcedId changed (TCH_ prefix), same email",
            "All good: Lucinda Hargrove's record was re-created with a TCH_ id; the old one is "
            "being deleted and the new one has the same address.", d)

    # A test tenant of the same district is also in ClassLink, unattached.
    d = c.district("Lakeview School District", "lakeviewsd.org")
    d.fillers(9)
    d.students(200)
    test = c.district("Lakeview School District (Sandbox)", "lakeviewsd.org")
    for teacher in d.active_teachers()[:4]:
        test.person(teacher.given_name, teacher.family_name, email=teacher.email, classes=1)
    test.students(20)
    healthy(c, "h-test-tenant-present", "district's own test tenant also added the app",
            "All good: the license is attached to Lakeview's live connection; its sandbox tenant "
            "in ClassLink does not need attaching.", d)

    # Apostrophes, hyphens, accents, a teacher at two schools.
    d = c.district("Hidden Valley Regional School District", "hvrsd.org",
                   schools=("Hidden Valley High School", "Hidden Valley Middle School"))
    d.person("D'Andre", "O'Neil", email="dandre.oneil@hvrsd.org", school=(0, 1), classes=2)
    d.person("Lucía", "Ramírez-Soto", email="lucia.ramirez-soto@hvrsd.org")
    d.person("Siobhan", "Nic Aodha", email="siobhan.nicaodha@hvrsd.org", school=1)
    d.fillers(6, school=0)
    d.fillers(3, school=1)
    d.students(160, school=0)
    d.students(90, school=1)
    healthy(c, "h-names-and-two-schools", "apostrophes, accents, a teacher at two schools",
            "All good: every instructor matches, including D'Andre O'Neil who teaches at both "
            "schools.", d)


# --------------------------------------------------------------------------------------------
# Faults: ClassLink cannot be asked (exit 3), partly readable, or recovers


def fault_cases(c: Corpus) -> None:
    def small(name: str, domain: str) -> DistrictBuilder:
        d = c.district(name, domain, world="faults")
        d.fillers(5)
        d.students(110)
        return d

    def unreachable(name: str, fault: str, say: str, scenario: Scenario, d: DistrictBuilder,
                    ) -> None:
        case = Case(name, "broken", fault, say, dict(UNREACHABLE), world="faults", exit_code=3,
                    scenario=scenario)
        c.license(case, district=d.name, seats=seats_for(110, c.rng), emails=d.teacher_emails(),
                  app_ids=(d.app_id,))

    unreachable("f-classlink-down", "ClassLink does not answer (connection refused)",
                "ClassLink is not answering right now, so nothing can be checked; try again later.",
                Scenario(down=True), small("Hartwell Springs School District", "hssd.org"))
    unreachable("f-partner-key-refused", "partner key refused (401 on /applications)",
                "ClassLink refused our partner key: this is on Pivot's side, escalate to "
                "engineering.",
                Scenario(partner_key="corpus-partner-revoked-0000"),
                small("Linden Grove Schools", "lindengrove.org"))
    unreachable("f-garbage-answers", "every answer cut short (invalid JSON)",
                "ClassLink keeps sending broken answers; nothing can be checked now.",
                Scenario(faults=({"kind": "truncated", "times": None},)),
                small("Quarry Hill School District", "qhsd.net"))
    unreachable("f-error-body-200", "every answer is an error body with status 200",
                "ClassLink answers with errors instead of data; nothing can be checked now.",
                Scenario(faults=({"kind": "error_body_200", "times": None},)),
                small("Osprey Point Schools", "ospreypoint.org"))
    unreachable("f-rate-limited", "persistent 429 Too Many Requests",
                "ClassLink keeps saying it is busy (429); try again in a few minutes.",
                Scenario(faults=({"kind": "rate_limit", "times": None, "retry_after": 1},)),
                small("Marlow Heights Unified", "mhusd.org"))
    unreachable("f-bad-gateway", "persistent 502 from ClassLink",
                "ClassLink's gateway is failing (502); try again later.",
                Scenario(faults=({"kind": "bad_gateway", "times": None},)),
                small("Thornbury Public Schools", "thornburyps.org"))

    d = small("Kestrel Ridge School District", "kestrelridge.org")
    case = Case("f-roster-unreadable", "broken", "connection fine, but its data calls all fail",
                "The connection is attached and enabled, but ClassLink fails every time we read "
                "Kestrel Ridge's roster; try again later and escalate if it persists.",
                _expect(["application_ok"], NO_ROSTER, NO_ROSTER), world="faults",
                exit_code=None,
                scenario=Scenario(faults=(
                    {"kind": "server_error", "times": None, "path_contains": f"/{d.app_id}/ims/"},
                    {"kind": "server_error", "times": None,
                     "path_contains": f"/districts/{d.tenant_id}/"},
                )),
                note="Exit code not asserted: ClassLink could be asked (step 1 answered), only "
                     "one district's data could not be read.")
    c.license(case, district=d.name, seats=seats_for(110, c.rng), emails=d.teacher_emails(),
              app_ids=(d.app_id,))

    d = small("Evergreen Hills School District", "evergreenhills.org")
    healthy(c, "h-transient-faults", "a 429, a 502, a cut-short answer and a dropped connection, "
            "each once", "All good: ClassLink hiccuped but every call succeeded on retry.", d,
            world="faults")
    c.cases[-1] = dataclasses.replace(c.cases[-1], scenario=Scenario(faults=(
        {"kind": "rate_limit", "times": 2, "path_contains": "/applications", "retry_after": 1},
        {"kind": "bad_gateway", "times": 1, "path_contains": "/users"},
        {"kind": "truncated", "times": 1, "path_contains": "/classes"},
        {"kind": "drop", "times": 1, "path_contains": "/enrollments"},
        {"kind": "error_body_200", "times": 1, "path_contains": "/teachers"},
    )))


def build(seed: int = SEED, *, today: dt.date | None = None) -> Corpus:
    corpus = Corpus(seed, today=today)
    step1_cases(corpus)
    step2_cases(corpus)
    step3_cases(corpus)
    combo_cases(corpus)
    healthy_cases(corpus)
    fault_cases(corpus)
    corpus.check_premises()
    return corpus


def cases(seed: int = SEED) -> list[Case]:
    return build(seed).cases


def describe(case: Case) -> str:
    codes = "; ".join(f"{step}: {', '.join(codes)}" for step, codes in case.expect.items())
    exit_text = "" if case.exit_code in (0, None) else f" [exit {case.exit_code}]"
    return f"{case.name:32} {case.kind:7} {case.fault} -> {codes}{exit_text}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the corpus into this folder")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--list", action="store_true", help="print the cases")
    args = parser.parse_args(argv)
    corpus = build(args.seed)
    if args.out:
        corpus.write(args.out)
        print(f"corpus written to {args.out}")
    if args.list or not args.out:
        for case in corpus.cases:
            print(describe(case))
        broken = sum(c.kind == "broken" for c in corpus.cases)
        print(f"{len(corpus.cases)} cases: {broken} broken, {len(corpus.cases) - broken} healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
