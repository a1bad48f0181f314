"""A deterministic generator of districts and labelled license rows for the matcher benchmark.

Each district has its own address scheme, student addresses, shared mailboxes, alias/old
domains, inactive records and unrostered (absent) teachers. License rows are labelled with
the status the matcher should give and, for fixes, the roster email it should suggest. The
ground truth is written from the generator's side: it knows which person each row was typed
for. Nothing here imports the matcher.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from match_names import FAMILY, GIVEN, MIDDLE, NEAR_NAMES, NICKNAMES, SHARED_MAILBOXES

from checks.models import Role, RosterUser

SCHEMES = ("first.last", "flast", "lastf", "firstl", "first_last", "firstlast", "last.first",
           "f.last", "fmlast")
FULL_SCHEMES = ("first.last", "firstlast", "first_last", "last.first")
INITIAL_SCHEMES = ("flast", "lastf", "firstl", "f.last")


def _pool(text: str) -> list[str]:
    """Whitespace-separated names; "quoted names" may contain spaces."""
    return [quoted or bare for quoted, bare in re.findall(r'"([^"]+)"|(\S+)', text)]


GIVEN_POOL = GIVEN.split()
FAMILY_POOL = _pool(FAMILY)
# Zipf-like weights so common surnames collide and districts get numbered siblings.
FAMILY_WEIGHTS = [1.0 / (rank + 8) for rank in range(len(FAMILY_POOL))]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("ø", "o").replace("ß", "ss"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    middle: str
    sid: str


@dataclass(frozen=True)
class Spec:
    """How one district names people."""

    name: str
    domain: str
    scheme: str
    staff: int
    students: int
    student_domain: str = ""  # "" = students share the staff domain and scheme
    student_scheme: str = "id"  # "id" (s123456), "first.last.yy", or "same"
    alias: str = ""  # an old or alias domain of the staff domain
    second_domain: str = ""  # a second staff domain (union districts)
    second_scheme: str = ""
    mixed_case: bool = False  # ClassLink sends e.g. John.Smith@HSD.org
    hyphen: str = "join"  # "join" | "keep" | "first"
    suffix: str = ""  # appended to every staff local part, e.g. ".stm" on shared Gmail
    username: str = "email"  # "email" | "local" | "ad" (flast login) | "id"


@dataclass(frozen=True)
class Row:
    """One license row with its label."""

    email: str
    category: str
    status: str  # the MatchStatus value expected
    suggestion: str | None = None
    person: str = ""  # sourcedId the row was meant for ("" when none)
    duplicate: bool = False
    fits: frozenset[str] = frozenset()  # an ambiguous row: every person its form fits


@dataclass
class District:
    spec: Spec
    users: list[RosterUser] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    left_out: int = 0  # rows the labelling cannot score (see LicenseBuilder._seat_ties)


def local_for(scheme: str, person: Person, *, hyphen: str = "join") -> str:
    given = fold(person.given.split()[0])
    family = _family_for(person.family, hyphen)
    middle = fold(person.middle)[:1]
    g, f = given[:1], family[:1]
    return {
        "first.last": f"{given}.{family}", "flast": g + family, "lastf": family + g,
        "firstl": given + f, "first_last": f"{given}_{family}", "firstlast": given + family,
        "last.first": f"{family}.{given}", "f.last": f"{g}.{family}",
        "fmlast": g + middle + family,
    }[scheme]


def _family_for(family: str, hyphen: str) -> str:
    if hyphen == "keep" and "-" in family:
        return "-".join(fold(p) for p in family.split("-"))
    if hyphen == "first" and ("-" in family or " " in family):
        parts = [p for p in family.replace("-", " ").split() if len(p) > 2]
        return fold(parts[0]) if parts else fold(family)
    return fold(family)


class Mailboxes:
    """The district's mail server: unique local parts per domain, numbered siblings."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def allocate(self, local: str, domain: str) -> str:
        candidate, number = local, 1
        while f"{candidate}@{domain}" in self.taken:
            number += 1
            candidate = f"{local}{number}"
        self.taken.add(f"{candidate}@{domain}")
        return f"{candidate}@{domain}"


class Generator:
    """Builds one district and its labelled license from a seeded random source."""

    def __init__(self, rng: random.Random, spec: Spec) -> None:
        self.rng = rng
        self.spec = spec
        self.boxes = Mailboxes()
        self.users: list[RosterUser] = []
        self.absent: list[tuple[Person, str]] = []  # unrostered teachers and their address
        self.teachers: list[RosterUser] = []  # active staff with an email (not mailboxes)
        self.inactive_only: list[RosterUser] = []
        self.moved: list[tuple[RosterUser, RosterUser]] = []  # (old tobedeleted, new active)
        self.no_email: list[tuple[RosterUser, str]] = []
        self.students: list[RosterUser] = []
        self.mailboxes: list[RosterUser] = []
        self._serial = 0

    # -- people -------------------------------------------------------------------------
    def person(self, given: str = "", family: str = "") -> Person:
        self._serial += 1
        rng = self.rng
        return Person(
            given=given or rng.choice(GIVEN_POOL),
            family=family or rng.choices(FAMILY_POOL, FAMILY_WEIGHTS)[0],
            middle=rng.choice(MIDDLE) if rng.random() < 0.45 else "",
            sid=f"{self.spec.name[:3].upper()}{self._serial:06d}",
        )

    def staff_address(self, person: Person, *, second: bool = False) -> str:
        spec = self.spec
        domain = spec.second_domain if second else spec.domain
        scheme = spec.second_scheme if second else spec.scheme
        local = local_for(scheme, person, hyphen=spec.hyphen) + spec.suffix
        address = self.boxes.allocate(local, domain)
        if spec.mixed_case:
            local, _, dom = address.partition("@")
            address = ".".join(p.capitalize() for p in local.split(".")) + "@" + dom.upper()
        return address

    def user(self, person: Person, email: str, role: Role, *, status: str = "active",
             enabled: bool = True) -> RosterUser:
        local = email.partition("@")[0]
        username = {
            "email": email, "local": local, "id": person.sid.lower(),
            "ad": fold(person.given)[:1] + fold(person.family)[:8],
        }[self.spec.username]
        return RosterUser(person.sid, role, status, enabled, person.given, person.family,
                          person.middle, email, username)

    # -- the roster ---------------------------------------------------------------------
    def build_roster(self) -> None:
        spec, rng = self.spec, self.rng
        for _ in range(spec.staff):
            person = self.person()
            second = bool(spec.second_domain) and rng.random() < 0.5
            email = self.staff_address(person, second=second)
            self._place_staff(person, email)
        for local, given, family in rng.sample(SHARED_MAILBOXES, 3):
            email = self.boxes.allocate(local, spec.domain)
            box = RosterUser(f"BOX-{local}", Role.TEACHER, "active", True, given, family, "",
                             email, local)
            self.users.append(box)
            self.mailboxes.append(box)
        for _ in range(spec.students):
            self._add_student()
        rng.shuffle(self.users)

    def _place_staff(self, person: Person, email: str) -> None:
        rng = self.rng
        draw = rng.random()
        role = Role.ADMINISTRATOR if rng.random() < 0.06 else Role.TEACHER
        if draw < 0.09:
            self.absent.append((person, email))  # a district teacher not shared with Pivot
        elif draw < 0.13:
            status, enabled = ("tobedeleted", True) if rng.random() < 0.8 else ("active", False)
            user = self.user(person, email, role, status=status, enabled=enabled)
            self.users.append(user)
            self.inactive_only.append(user)
        elif draw < 0.15:
            self._place_moved(person, email, role)
        elif draw < 0.16:
            user = self.user(person, "", role)
            self.users.append(user)
            self.no_email.append((user, email))
        else:
            user = self.user(person, email, role)
            self.users.append(user)
            self.teachers.append(user)

    def _place_moved(self, person: Person, email: str, role: Role) -> None:
        """A re-created record (role change, SIS move): the old one is tobedeleted and has
        the old address (old scheme or old domain); the new one is active."""
        rng = self.rng
        old_scheme = rng.choice([s for s in INITIAL_SCHEMES if s != self.spec.scheme])
        old_email = self.boxes.allocate(local_for(old_scheme, person), self.spec.domain)
        old = self.user(person, old_email, role, status="tobedeleted")
        new_person = replace(person, sid=f"TCH_{person.sid}")
        new = self.user(new_person, email, role)
        self.users.extend([old, new])
        self.moved.append((old, new))
        self.teachers.append(new)

    def _add_student(self) -> None:
        spec, rng = self.spec, self.rng
        person = self.person()
        if spec.student_scheme == "id":
            email = self.boxes.allocate(f"s{rng.randrange(100000, 999999)}", spec.student_domain)
        elif spec.student_scheme == "same":  # students look exactly like teachers
            email = self.staff_address(person)
        else:
            year = rng.randrange(26, 32)
            local = f"{local_for('first.last', person)}{year}"
            email = self.boxes.allocate(local, spec.student_domain or spec.domain)
        status = "active" if rng.random() < 0.97 else "tobedeleted"
        student = self.user(person, email, Role.STUDENT, status=status)
        self.users.append(student)
        self.students.append(student)

    # -- what counts as "this person" ----------------------------------------------------
    def people_fitting(self, form: str, domain: str) -> set[str]:
        """sourcedIds of staff (active or not) on `domain` whose name gives the letters-only
        `form` under any scheme, with nicknames. The issue's "exactly one teacher fits"."""
        found: set[str] = set()
        for user in self.users:
            if user.role == Role.STUDENT or user.sourced_id.startswith("BOX-"):
                continue
            if user.email.partition("@")[2].lower() != domain.lower():
                continue
            if form in name_forms(user):
                found.add(_person_id(user))
        return found


def _person_id(user: RosterUser) -> str:
    return user.sourced_id.removeprefix("TCH_")


def name_forms(user: RosterUser) -> set[str]:
    givens = [fold(user.given_name.split()[0])]
    givens += [fold(n) for n in NICKNAMES.get(user.given_name, [])]
    family = fold(user.family_name)
    parts = [fold(p) for p in user.family_name.replace("-", " ").split() if len(p) > 2]
    middle = fold(user.middle_name)[:1]
    forms: set[str] = set()
    for f in {family, *parts}:
        for i, g in enumerate(givens):
            forms |= {g + f, f + g}
            if i == 0:
                forms |= {g[0] + f, f + g[0], g + f[0], g[0] + middle + f, g + middle + f}
    return forms


def _safe_fit(user: RosterUser, typed_email: str) -> bool:
    """The matcher may fix to `user` from this form: jsmith is no safe fit for jsmith2."""
    if not any(c.isdigit() for c in user.email.partition("@")[0]):
        return True
    given, family = fold(user.given_name.split()[0]), fold(user.family_name)
    full = {given + family, family + given}
    full |= {fold(n) + family for n in NICKNAMES.get(user.given_name, [])}
    return letters_of(typed_email.partition("@")[0]) in full


def _shares_a_name(user: RosterUser, others: list[RosterUser]) -> bool:
    """Two records of one name could be one person listed twice: no tie is broken then."""
    key = (fold(user.given_name), fold(user.family_name))
    return any((fold(o.given_name), fold(o.family_name)) == key for o in others)


def letters_of(local: str) -> str:
    return "".join(c for c in fold(local) if c.isalpha())


# -- license rows ----------------------------------------------------------------------------

CATEGORY_WEIGHTS: dict[str, float] = {
    "exact": 40, "case": 4, "whitespace": 4, "plus": 2, "typo": 7, "domain": 3,
    "alias_domain": 2, "scheme": 5, "nickname": 2, "middle": 1.5, "accents": 1,
    "inactive_record": 1.5, "gmail": 0, "inactive": 2, "student": 2, "absent": 7,
    "trap_initial": 2, "trap_sibling": 2, "trap_name": 2, "trap_family": 1.5,
    "trap_cross_domain": 1, "foreign": 1,
    "shared": 1, "malformed": 1, "personal": 1, "ambiguous": 1.5, "no_email": 1,
}
FIX_CATEGORIES = frozenset({
    "case", "whitespace", "plus", "typo", "domain", "alias_domain", "scheme", "nickname",
    "middle", "accents", "inactive_record", "gmail", "doubled_at", "alias_full",
})
ABSENT_CATEGORIES = frozenset({
    "absent", "trap_initial", "trap_sibling", "trap_name", "trap_family", "trap_cross_domain",
    "foreign", "no_email", "alias_foreign", "foreign_block",
})
# Alias-domain evidence (see alias_rows): the drawn alias_domain rows (short mailbox names on
# the district's old domain), planted full-name rows on an old domain (alias_full), and
# another school's rows on its own domain, some of whose short mailbox names a roster teacher
# also has (alias_foreign) and most of which nobody has (foreign_block).
ALIAS_CATEGORIES = frozenset({"alias_domain", "alias_full", "alias_foreign", "foreign_block",
                              "foreign", "doubled_at"})
OTHER_SCHOOLS = ("brookfieldprep.org", "stcolumba.edu", "northgateacademy.org",
                 "lakeshorecharter.net")
# Issue 8's categories (planted in their own districts, see issue8_districts): a former domain
# shown by the roster (old_domain) or by the license (old_domain_license), a stale record on
# it, and look-alikes that must not move; ties broken by a seat on the license, and ties that
# must not be. Positives carry a fix; the rest are negatives.
ISSUE8_FIX = frozenset({"old_domain", "old_domain_license", "stale_record", "tie_seated",
                        "tie_weak"})
ISSUE8_NEGATIVE = frozenset({
    "stale_other_person", "stale_left", "old_domain_two_homes", "old_domain_absent",
    "sibling_cross", "tie_unsafe", "tie_case_seat", "tie_three", "tie_namesake",
})
ISSUE8_CATEGORIES = ISSUE8_FIX | ISSUE8_NEGATIVE
FIX_CATEGORIES = FIX_CATEGORIES | ISSUE8_FIX
ABSENT_CATEGORIES = ABSENT_CATEGORIES | {"old_domain_absent", "sibling_cross"}
DRAWN_TIES = frozenset({"ambiguous", "scheme", "nickname", "middle"})  # drawn rows a seat fixes
KEYBOARD = {c: n for c, n in zip(
    "qwertyuiopasdfghjklzxcvbnm",
    ["wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol", "qsz", "awdx", "sefc",
     "drgv", "fthb", "gyjn", "hukm", "jil", "kop", "xa", "zsc", "xdv", "cfb", "vgn", "bhm", "nj"],
    strict=True,
)}


class LicenseBuilder:
    """Draws labelled license rows for one generated district."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.rng = gen.rng
        self.spec = gen.spec
        self.addresses = {u.email.lower() for u in gen.users if u.email}
        self.makers: dict[str, Callable[[], Row | None]] = {
            name: getattr(self, f"_{name}") for name in CATEGORY_WEIGHTS
        }
        self.left_out = 0

    def rows(self, count: int, *, planted: Sequence[Row] = (),
             keep: Callable[[Row], bool] | None = None) -> list[Row]:
        """`count` drawn rows (those `keep` refuses dropped after drawing), with the `planted`
        rows of an issue-8 district shuffled in; existing districts pass neither, so their
        rows and random draws are exactly as before."""
        weights = dict(CATEGORY_WEIGHTS)
        if self.spec.domain == "gmail.com":
            weights.update(gmail=6, scheme=0, nickname=0, middle=0, accents=0, personal=0,
                           ambiguous=0, trap_name=0, trap_initial=0)
        names, values = list(weights), list(weights.values())
        rows: list[Row] = []
        while len(rows) < count:
            row = self.makers[self.rng.choices(names, values)[0]]()
            if row is not None:
                rows.append(row)
        rows = self._with_repeats(rows)
        if keep is not None:
            rows = [r for r in rows if keep(r)]
        if planted:
            rows += planted
            self.rng.shuffle(rows)
        return mark_duplicates(self._seat_ties(rows))

    def _seat_ties(self, rows: list[Row]) -> list[Row]:
        """A form that fits several people, all but one of them already exactly on the license,
        means the one left (issue 8), when that one's fit is safe and shares no name with a
        seated person. Rows are drawn independently, so a form is sometimes typed for a
        teacher who is *also* exactly on another row; the rule then names someone else. A real
        license lists a teacher once (the "repeat" rows model deliberate repeats), so those
        rows are left out and counted (`left_out`), never scored. No random draws here: every
        other row stays as drawn."""
        seated = {r.person for r in rows if r.status == "exact" and r.email == r.suggestion}
        active = {_person_id(u): u for u in self.gen.users
                  if u.is_staff and u.active and u.email and not u.sourced_id.startswith("BOX-")}
        out: list[Row] = []
        for row in rows:
            if row.status != "ambiguous" or not row.fits & seated:
                out.append(row)
                continue
            if row.person in seated:
                self.left_out += 1
                continue
            user = active.get(row.person)
            others = [active[p] for p in row.fits & seated if p in active]
            if row.fits - seated == {row.person} and user is not None and _safe_fit(
                user, row.email
            ) and not _shares_a_name(user, others):
                category = "tie_seated" if row.category in DRAWN_TIES else row.category
                row = replace(row, category=category, status="fix", suggestion=user.email)
            out.append(row)
        return out

    def _with_repeats(self, rows: list[Row]) -> list[Row]:
        """About 3% of rows repeat an earlier teacher (the same string or a case variant)."""
        out = list(rows)
        for row in rows:
            if row.category == "exact" and self.rng.random() < 0.07:
                again = replace(row, category="repeat")
                if self.rng.random() < 0.5 and row.email != row.email.upper():
                    again = replace(again, email=row.email.upper(), status="fix")
                out.insert(self.rng.randrange(out.index(row) + 1, len(out) + 1), again)
        return out

    # -- helpers ----------------------------------------------------------------------------
    def teacher(self, test: Callable[[RosterUser], bool] = lambda u: True) -> RosterUser | None:
        fits = [u for u in self.gen.teachers if u.email and test(u)]
        return self.rng.choice(fits) if fits else None

    def fix(self, category: str, email: str, user: RosterUser) -> Row | None:
        if email == user.email:
            return None
        return Row(email, category, "fix", user.email, _person_id(user))

    def by_form(self, category: str, local: str, user: RosterUser) -> Row | None:
        """A row typed as a name form: fix if only this person fits, ambiguous if several."""
        domain = user.email.partition("@")[2]
        roster_local = user.email.partition("@")[0].lower()
        email = f"{local}@{domain.lower()}"
        if local == roster_local or email in self.addresses:
            return None  # the form is someone's real address: not this category
        fits = self.gen.people_fitting(letters_of(local), domain)
        if _person_id(user) not in fits:
            return None
        if len(fits) > 1:
            return Row(email, category, "ambiguous", None, _person_id(user), fits=frozenset(fits))
        has_digits = any(c.isdigit() for c in roster_local)
        initial_form = letters_of(local) not in {
            fold(user.given_name.split()[0]) + fold(user.family_name),
            fold(user.family_name) + fold(user.given_name.split()[0]),
        } and category == "scheme"
        if has_digits and initial_form:
            return None  # jsmith for jsmith2's owner: not a safe fix by the rules
        return Row(email, category, "fix", user.email, _person_id(user))

    def absent_address(self, person: Person, *, second: bool = False) -> str:
        return self.gen.staff_address(person, second=second)

    # -- categories -------------------------------------------------------------------------
    def _exact(self) -> Row | None:
        user = self.teacher()
        return None if user is None else Row(user.email, "exact", "exact", user.email,
                                             _person_id(user))

    def _case(self) -> Row | None:
        user = self.teacher()
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        variant = self.rng.choice([
            user.email.upper(), user.email.lower(), local.capitalize() + "@" + domain,
            local.title() + "@" + domain.upper(),
        ])
        return self.fix("case", variant, user)

    def _whitespace(self) -> Row | None:
        user = self.teacher()
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        variant = self.rng.choice([
            user.email + " ", " " + user.email, user.email + "\u00a0", f"{local}\u200b@{domain}",
            "\t" + user.email, user.email + "\ufeff", f"{local[:2]}\u200b{local[2:]}@{domain}",
            f"{local} @ {domain}",
        ])
        return self.fix("whitespace", variant, user)

    def _plus(self) -> Row | None:
        user = self.teacher()
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        tag = self.rng.choice(["pivot", "science", "pi", "class1"])
        return self.fix("plus", f"{local}+{tag}@{domain}", user)

    def _typo(self) -> Row | None:
        user = self.teacher(lambda u: len(u.email.partition("@")[0]) >= 4)
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        typed = typo(self.rng, local.lower())
        if len(local) >= 12 and self.rng.random() < 0.25:
            typed = typo(self.rng, typed)
        email = f"{typed}@{domain}"
        if typed == local.lower() or email.lower() in self.addresses:
            return None
        return self.fix("typo", email, user)

    def _domain(self) -> Row | None:
        user = self.teacher(lambda u: u.email.partition("@")[2].lower() != "gmail.com")
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        name, _, tld = domain.lower().rpartition(".")
        options = [
            f"{name}.{tld[0]}{tld[2]}{tld[1]}" if len(tld) == 3 else "",
            f"{name}.{'com' if tld != 'com' else 'org'}", name, f"{name}{name[-1]}.{tld}",
        ]
        if len(name) >= 6:
            options += [f"{name[:3]}{name[4:]}.{tld}",
                        f"{name[:2]}{name[3]}{name[2]}{name[4:]}.{tld}"]
        typed = self.rng.choice([o for o in options if o])
        return self.fix("domain", f"{local}@{typed}", user)

    def _alias_domain(self) -> Row | None:
        if not self.spec.alias:
            return None
        user = self.teacher(lambda u: u.email.lower().endswith("@" + self.spec.domain))
        if user is None:
            return None
        return self.fix("alias_domain", f"{user.email.partition('@')[0]}@{self.spec.alias}", user)

    def _scheme(self) -> Row | None:
        user = self.teacher(lambda u: not u.email.lower().endswith("@gmail.com"))
        if user is None:
            return None
        own = self.spec.scheme if user.email.lower().endswith(self.spec.domain) else (
            self.spec.second_scheme)
        other = self.rng.choice([s for s in SCHEMES if s not in (own, "fmlast")])
        person = Person(user.given_name, user.family_name, user.middle_name, user.sourced_id)
        return self.by_form("scheme", local_for(other, person), user)

    def _nickname(self) -> Row | None:
        user = self.teacher(lambda u: u.given_name in NICKNAMES)
        if user is None:
            return None
        nick = fold(self.rng.choice(NICKNAMES[user.given_name]))
        family = fold(user.family_name)
        local = self.rng.choice([f"{nick}.{family}", f"{nick}{family}", f"{nick}_{family}"])
        return self.by_form("nickname", local, user)

    def _middle(self) -> Row | None:
        user = self.teacher(lambda u: bool(u.middle_name))
        if user is None:
            return None
        g, m, f = (fold(user.given_name.split()[0]), fold(user.middle_name),
                   fold(user.family_name))
        local = self.rng.choice([f"{g}.{m[0]}.{f}", f"{g}{m[0]}{f}", f"{g}.{m}.{f}"])
        return self.by_form("middle", local, user)

    def _accents(self) -> Row | None:
        user = self.teacher(lambda u: not (u.given_name + u.family_name).isascii())
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        given, family = user.given_name.split()[0].lower(), user.family_name.lower()
        accented = local.lower()
        for plain, fancy in ((fold(given), given), (fold(family), family)):
            if plain != fancy and fancy.isalpha():
                accented = accented.replace(plain, fancy)
        return self.fix("accents", f"{accented}@{domain}", user) if not accented.isascii() else None

    def _inactive_record(self) -> Row | None:
        if not self.gen.moved:
            return None
        old, new = self.rng.choice(self.gen.moved)
        return Row(old.email, "inactive_record", "fix", new.email, _person_id(new))

    def _gmail(self) -> Row | None:
        user = self.teacher()
        if user is None:
            return None
        local, _, _ = user.email.partition("@")
        undotted = local.replace(".", "")
        cut = self.rng.randrange(1, len(undotted))
        variant = self.rng.choice([
            f"{undotted}@gmail.com", f"{undotted[:cut]}.{undotted[cut:]}@gmail.com",
            f"{local}@googlemail.com",
        ])
        return self.fix("gmail", variant, user)

    def _inactive(self) -> Row | None:
        if not self.gen.inactive_only:
            return None
        user = self.rng.choice(self.gen.inactive_only)
        return Row(user.email, "inactive", "inactive", None, _person_id(user))

    def _student(self) -> Row | None:
        active = [s for s in self.gen.students if s.status == "active"]
        if not active:
            return None
        student = self.rng.choice(active)
        email = student.email if self.rng.random() < 0.7 else student.email.upper()
        return Row(email, "student", "student", None, _person_id(student))

    def _absent(self) -> Row | None:
        if not self.gen.absent:
            return None
        person, email = self.rng.choice(self.gen.absent)
        return Row(email, "absent", "not_found")

    def _trap_initial(self) -> Row | None:
        if self.spec.scheme not in ("flast", "lastf", "firstl", "f.last", "fmlast"):
            return None
        user = self.teacher(lambda u: u.email.lower().endswith("@" + self.spec.domain))
        if user is None:
            return None
        initial = user.given_name[0]
        given = self.rng.choice([g for g in GIVEN_POOL if g[0] != initial])
        return self._absent_row("trap_initial", self.gen.person(given, user.family_name))

    def _trap_sibling(self) -> Row | None:
        siblings = [u for u in self.gen.teachers
                    if u.email and u.email.partition("@")[0][-1:].isdigit()]
        if not siblings:
            return None
        user = self.rng.choice(siblings)
        given = self.rng.choice([g for g in GIVEN_POOL if g[0] == user.given_name[0]])
        second = user.email.lower().partition("@")[2] == self.spec.second_domain
        return self._absent_row("trap_sibling", self.gen.person(given, user.family_name),
                                second=second)

    def _trap_name(self) -> Row | None:
        near = dict(NEAR_NAMES)
        user = self.teacher(lambda u: u.given_name in near)
        if user is None:
            return None
        second = user.email.lower().partition("@")[2] == self.spec.second_domain
        person = self.gen.person(near[user.given_name], user.family_name)
        return self._absent_row("trap_name", person, second=second)

    def _trap_family(self) -> Row | None:
        """Mark Gill is not Mark Hill: an absent teacher whose surname is one letter away."""
        user = self.teacher(lambda u: u.email.lower().endswith("@" + self.spec.domain))
        if user is None:
            return None
        family = fold(user.family_name)
        near = [f for f in FAMILY_POOL if f.isalpha() and _one_edit(fold(f), family)]
        if not near:
            return None
        person = self.gen.person(user.given_name, self.rng.choice(near))
        return self._absent_row("trap_family", person)

    def _trap_cross_domain(self) -> Row | None:
        if not self.spec.second_domain:
            return None
        user = self.teacher()
        if user is None:
            return None
        local, _, domain = user.email.lower().partition("@")
        other = self.spec.second_domain if domain == self.spec.domain else self.spec.domain
        email = self.gen.boxes.allocate(local, other)
        if email != f"{local}@{other}":
            return None
        return Row(email, "trap_cross_domain", "not_found")

    def _foreign(self) -> Row | None:
        person = self.gen.person()
        domain = self.rng.choice(["westfield.k12.nj.us", "harborview.org", "summitacademy.edu"])
        scheme = self.rng.choice(SCHEMES)
        return Row(f"{local_for(scheme, person)}@{domain}", "foreign", "not_found")

    def _absent_row(self, category: str, person: Person, *, second: bool = False) -> Row:
        email = self.absent_address(person, second=second)
        return Row(email, category, "not_found")

    def _shared(self) -> Row | None:
        if self.rng.random() < 0.5 and self.gen.mailboxes:
            box = self.rng.choice(self.gen.mailboxes)
            return Row(box.email, "shared", "exact", box.email, box.sourced_id)
        word = self.rng.choice(["principal", "nurse", "registrar", "frontoffice", "media"])
        email = f"{word}@{self.spec.domain}"
        return None if email in self.addresses else Row(email, "shared", "not_found")

    def _malformed(self) -> Row | None:
        user = self.teacher()
        if user is None:
            return None
        local, _, domain = user.email.partition("@")
        other = self.teacher() or user
        email = self.rng.choice([
            f"{local} {domain}", "", f"{local}@@{domain}", f"{user.email}; {other.email}",
            f"{local}.{domain}", "   ",
        ])
        if email == f"{local}@@{domain}":  # a doubled @ is repaired (a format cleaning)
            return Row(email, "doubled_at", "fix", user.email, _person_id(user))
        return Row(email, "malformed", "not_found")

    def _personal(self) -> Row | None:
        user = self.teacher(lambda u: not u.email.lower().endswith("@gmail.com"))
        if user is None:
            return None
        provider = self.rng.choice(["gmail.com", "yahoo.com", "outlook.com", "icloud.com"])
        local = f"{fold(user.given_name.split()[0])}.{fold(user.family_name)}"
        return Row(f"{local}{self.rng.randrange(1, 99)}@{provider}", "personal", "not_found")

    def _ambiguous(self) -> Row | None:
        """An initial form that fits two staff: john.smith and jane.smith for "jsmith"."""
        staff = [u for u in self.gen.teachers if u.email.lower().endswith("@" + self.spec.domain)]
        groups: dict[str, list[RosterUser]] = {}
        for user in staff:
            key = fold(user.given_name)[:1] + fold(user.family_name)
            groups.setdefault(key, []).append(user)
        pairs = [g for g in groups.values() if len(g) > 1]
        if not pairs:
            return None
        user = self.rng.choice(self.rng.choice(pairs))
        form = self.rng.choice([s for s in INITIAL_SCHEMES[:1] + ("f.last",)])
        person = Person(user.given_name, user.family_name, user.middle_name, user.sourced_id)
        row = self.by_form("ambiguous", local_for(form, person), user)
        return row if row is not None and row.status == "ambiguous" else None

    def _no_email(self) -> Row | None:
        if not self.gen.no_email:
            return None
        _user, email = self.rng.choice(self.gen.no_email)
        return Row(email, "no_email", "not_found")


def typo(rng: random.Random, local: str) -> str:
    """One realistic keyboard slip away from position 0 and from digits and separators."""
    spots = [i for i in range(1, len(local)) if local[i].isalpha()]
    if not spots:
        return local
    i = rng.choice(spots)
    op = rng.choice(["swap", "drop", "double", "near"])
    if op == "swap" and i + 1 < len(local) and local[i + 1].isalpha():
        return local[:i] + local[i + 1] + local[i] + local[i + 2 :]
    if op == "drop":
        return local[:i] + local[i + 1 :]
    if op == "double":
        return local[:i] + local[i] + local[i:]
    near = KEYBOARD.get(local[i], "")
    return local[:i] + rng.choice(near) + local[i + 1 :] if near else local


def _one_edit(a: str, b: str) -> bool:
    """Exactly one substitution, insertion, deletion or adjacent swap apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        swap = len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and (
            a[diffs[1]] == b[diffs[0]])
        return len(diffs) == 1 or swap
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def mark_duplicates(rows: list[Row]) -> list[Row]:
    """Later rows for the person (or unknown address) of an earlier row are duplicates."""
    seen: set[str] = set()
    out: list[Row] = []
    for row in rows:
        if row.status in ("exact", "fix", "inactive", "student") and row.person:
            identity = row.person
        elif row.status == "not_found" and row.category != "malformed":
            identity = "".join(row.email.split()).lower()
        else:
            identity = ""
        out.append(replace(row, duplicate=bool(identity) and identity in seen))
        if identity:
            seen.add(identity)
    return out


# -- districts ---------------------------------------------------------------------------------

def district_specs(rng: random.Random, *, scale: float = 1.0) -> list[Spec]:
    def n(low: int, high: int) -> int:
        return max(1, int(rng.randint(low, high) * scale))

    return [
        Spec("lincoln", "lincolnusd.org", "flast", n(200, 320), n(2000, 3500),
             "students.lincolnusd.org", "id", alias="lincoln.k12.ca.us", username="local"),
        Spec("riverside", "rcschools.net", "first.last", n(250, 400), n(2500, 3500),
             "rcschools.net", "first.last.yy", username="ad", hyphen="keep"),
        Spec("maple", "mapleisd.org", "lastf", n(150, 250), n(1500, 2500), "", "same",
             alias="maple.k12.tx.us", hyphen="first"),
        Spec("union", "hsd.org", "first.last", n(200, 300), n(2000, 3000), "students.hsd.org",
             "id", second_domain="esd.org", second_scheme="first.last", mixed_case=True),
        Spec("oak", "oakvalley.k12.ca.us", "fmlast", n(150, 250), n(1500, 2500),
             "student.oakvalley.k12.ca.us", "id", alias="ovusd.org", username="id"),
        Spec("stmary", "gmail.com", "first.last", n(40, 60), n(200, 400), "stmarys.org", "id",
             suffix=".stm"),
        Spec("pine", "pineridge.org", "firstl", n(100, 180), n(1000, 2000), "pineridge.org",
             "first.last.yy", username="local"),
        Spec("cedar", "cedarschools.org", "first_last", n(100, 150), n(1000, 1500),
             "stu.cedarschools.org", "id", hyphen="first"),
    ]


def make_district(rng: random.Random, spec: Spec, *, rows: int) -> District:
    gen = Generator(rng, spec)
    gen.build_roster()
    builder = LicenseBuilder(gen)
    drawn = builder.rows(rows)
    return District(spec, gen.users, drawn, builder.left_out)


def make_dataset(seed: int, *, scale: float = 1.0, issue8: bool = True,
                 alias: bool = True) -> list[District]:
    """All districts for one seed; license rows ~ half the staff of each district. The issue-8
    districts come last, from their own random source, so the others are as they always were;
    the alias rows are added to the eight others afterwards, from their own random source too."""
    rng = random.Random(seed)
    districts = [make_district(rng, spec, rows=max(20, spec.staff // 2))
                 for spec in district_specs(rng, scale=scale)]
    if alias:
        districts = [alias_rows(d, seed) for d in districts]
    return districts + (issue8_districts(seed, scale=scale) if issue8 else [])


# -- alias-domain evidence ---------------------------------------------------------------------

def _is_full_local(user: RosterUser) -> bool:
    """The address spells the full given and family name (john.smith, smith_john), no digits."""
    local = _local(user)
    given = fold(user.given_name.split()[0])
    families = {fold(user.family_name),
                *(fold(p) for p in user.family_name.replace("-", " ").split() if len(p) > 2)}
    return not any(c.isdigit() for c in local) and letters_of(local) in {
        form for f in families for form in (given + f, f + given)}


def alias_rows(district: District, seed: int) -> District:
    """Rows on other domains, added to a drawn license at random places:

    * alias_foreign: another school's teachers on its own domain (OTHER_SCHOOLS), one or two
      of them with a short mailbox name (ataylor) that exactly one roster teacher also has,
      and at least as many (foreign_block) with mailbox names nobody on the roster has;
    * alias_full: in a district whose addresses spell full names, one teacher's mailbox name
      on an old domain of the district, alone on the license (a fix).
    """
    spec = district.spec
    if spec.domain == "gmail.com":
        return district
    rng = random.Random(f"alias-{seed}-{spec.name}")
    homes: dict[str, set[str]] = {}
    for user in district.users:
        if user.is_staff and user.email and not user.sourced_id.startswith("BOX-"):
            local, _, domain = user.email.lower().partition("@")
            homes.setdefault(local, set()).add(domain)
    listed = {r.person for r in district.rows if r.person}
    teachers = [u for u in district.users
                if u.is_staff and u.active and u.email and not u.sourced_id.startswith("BOX-")
                and len(homes.get(_local(u), ())) == 1]
    short = [u for u in teachers if not _is_full_local(u)]
    full = [u for u in teachers if _is_full_local(u) and _person_id(u) not in listed]
    planted: list[Row] = []
    if spec.scheme not in FULL_SCHEMES and short:
        for school in rng.sample(OTHER_SCHOOLS, rng.randint(1, 2)):
            colliding = rng.sample(short, min(len(short), 2 if rng.random() < 0.3 else 1))
            planted += [Row(f"{_local(u)}@{school}", "alias_foreign", "not_found")
                        for u in colliding]
            others: set[str] = set()
            wanted = len(colliding) + rng.randint(0, 2)
            while len(others) < wanted:
                person = Person(rng.choice(GIVEN_POOL),
                                rng.choices(FAMILY_POOL, FAMILY_WEIGHTS)[0], "", "")
                local = local_for(rng.choice(INITIAL_SCHEMES), person)
                if local not in homes and local not in others:
                    others.add(local)
                    planted.append(Row(f"{local}@{school}", "foreign_block", "not_found"))
    if spec.scheme in FULL_SCHEMES and full:
        user = rng.choice(full)
        planted.append(Row(f"{_local(user)}@{spec.name}.k12.us", "alias_full", "fix",
                           user.email, _person_id(user)))
    taken = {r.email.lower() for r in district.rows}
    rows = list(district.rows)
    for row in dict.fromkeys(r for r in planted if r.email not in taken):
        rows.insert(rng.randrange(len(rows) + 1), row)
    return District(spec, district.users, mark_duplicates(rows), district.left_out)


# -- issue 8: former domains and seats on the license ------------------------------------------

def issue8_districts(seed: int, *, scale: float = 1.0) -> list[District]:
    rng = random.Random(f"issue8-{seed}")

    def n(low: int, high: int) -> int:
        return max(1, int(rng.randint(low, high) * scale))

    return [
        _grove(rng, Spec("grove", "maplegroveisd.org", "flast", n(120, 200), n(800, 1400),
                         "students.maplegroveisd.org", "id", second_domain="mgpschools.org",
                         second_scheme="flast")),
        _valley(rng, Spec("valley", "valleyusd.org", "first.last", n(120, 200), n(800, 1400),
                          "valleyschools.org", "first.last.yy")),
        _twin(rng, Spec("twin", "northisd.org", "flast", n(120, 200), n(800, 1400),
                        "students.northisd.org", "id", second_domain="southisd.org",
                        second_scheme="flast")),
        _ties(rng, Spec("ties", "tiesd.org", "first.last", n(100, 160), n(600, 1000),
                        "students.tiesd.org", "id")),
        _ties(rng, Spec("tiesms", "tiesms.org", "flast", n(100, 160), n(600, 1000),
                        "students.tiesms.org", "id")),
    ]


class Planter:
    """Adds hand-placed records to a generated roster, before any license row is drawn."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.rng = gen.rng

    def add(self, person: Person, email: str, *, status: str = "active", enabled: bool = True,
            sid: str = "") -> RosterUser:
        user = self.gen.user(person, email, Role.TEACHER, status=status, enabled=enabled)
        if sid:
            user = replace(user, sourced_id=sid)
        self.gen.users.append(user)
        return user

    def stale(self, person: Person, email: str, sid: str = "") -> RosterUser:
        """A record marked for deletion, or (one in four) a disabled account."""
        if self.rng.random() < 0.25:
            return self.add(person, email, enabled=False, sid=sid)
        return self.add(person, email, status="tobedeleted", sid=sid)

    def free(self, local: str, domain: str) -> str | None:
        """`local@domain` claimed, or None when it is taken."""
        email = self.gen.boxes.allocate(local, domain)
        return email if email == f"{local}@{domain}" else None

    def stranger(self, given: str = "", family: str = "") -> Person:
        """A person whose name no staff record has (so no record is "the same person")."""
        taken = {_name_key(u) for u in self.gen.users if u.is_staff}
        for _ in range(50):
            person = self.gen.person(given, family)
            if (fold(person.given), fold(person.family)) not in taken:
                return person
            given = given and self.rng.choice(_same_initial(given))
        return self.gen.person(given, family)


def _name_key(user: RosterUser) -> tuple[str, str]:
    return fold(user.given_name), fold(user.family_name)


def _same_initial(given: str) -> list[str]:
    return [g for g in GIVEN_POOL if g[0] == given[0] and fold(g) != fold(given)] or [given]


def _person_of(user: RosterUser) -> Person:
    return Person(user.given_name, user.family_name, user.middle_name, user.sourced_id)


def _local(user: RosterUser) -> str:
    return user.email.partition("@")[0].lower()


def _unique_teachers(gen: Generator) -> list[RosterUser]:
    """Active teachers whose name no other staff record has, without digits in the address."""
    names = Counter(_name_key(u) for u in gen.users if u.is_staff)
    return [u for u in gen.teachers
            if names[_name_key(u)] == 1 and not any(c.isdigit() for c in _local(u))]


def _active_homes(gen: Generator) -> dict[str, set[str]]:
    homes: dict[str, set[str]] = {}
    for user in gen.users:
        if user.is_staff and user.active and user.email and not user.sourced_id.startswith("BOX-"):
            local, _, domain = user.email.lower().partition("@")
            homes.setdefault(local, set()).add(domain)
    return homes


def _finish(gen: Generator, builder: LicenseBuilder, planted: list[Row], *,
            keep: Callable[[Row], bool] | None = None) -> District:
    drawn = builder.rows(max(20, gen.spec.staff // 2), planted=planted, keep=keep)
    return District(gen.spec, gen.users, drawn, builder.left_out)


def _grove(rng: random.Random, spec: Spec) -> District:
    """Two active domains; the former one (mgisd.net) carries only stale staff records."""
    old = "mgisd.net"
    gen = Generator(rng, spec)
    gen.build_roster()
    plant = Planter(gen)
    planted: list[Row] = []
    teachers = _unique_teachers(gen)
    rng.shuffle(teachers)
    # the same person's stale record on the former domain: the inactive-record fix
    for user in teachers[:6]:
        email = plant.free(_local(user), old)
        if email is not None:
            plant.stale(_person_of(user), email, sid=f"OLD_{user.sourced_id}")
            planted.append(Row(email, "stale_record", "fix", user.email, _person_id(user)))
    # someone who left: a stale record whose mailbox name is now another person's
    for user in teachers[6:10]:
        other = plant.stranger(rng.choice(_same_initial(user.given_name)), user.family_name)
        email = plant.free(_local(user), old)
        if email is not None:
            stale = plant.stale(other, email)
            planted.append(Row(email, "stale_other_person", "inactive", None, stale.sourced_id))
    for _ in range(3):
        person = plant.stranger()
        email = plant.free(local_for("flast", person), old)
        if email is not None:
            stale = plant.stale(person, email)
            planted.append(Row(email, "stale_left", "inactive", None, stale.sourced_id))
    # the same mailbox name on both active domains: two different people
    for user in teachers[10:13]:
        second = spec.second_domain if user.email.endswith(spec.domain) else spec.domain
        email = plant.free(_local(user), second)
        if email is not None:
            plant.add(plant.stranger(rng.choice(_same_initial(user.given_name)),
                                     user.family_name), email)
    homes = _active_homes(gen)
    on_old = {u.email.partition("@")[0].lower() for u in gen.users if u.email.endswith(old)}
    movable = [u for u in teachers[13:] if len(homes.get(_local(u), ())) == 1
               and _local(u) not in on_old]
    planted += [Row(f"{_local(u)}@{old}", "old_domain", "fix", u.email, _person_id(u))
                for u in movable[:10]]
    planted += [Row(f"{local}@{old}", "old_domain_two_homes", "ambiguous")
                for local, where in sorted(homes.items())
                if len(where) == 2 and local not in on_old][:3]
    absent = [local_for(spec.scheme, p) for p, _ in gen.absent]
    planted += [Row(f"{local}@{old}", "old_domain_absent", "not_found")
                for local in absent[:3] if local not in homes and local not in on_old]
    return _finish(gen, LicenseBuilder(gen), planted)


def _valley(rng: random.Random, spec: Spec) -> District:
    """Staff moved to valleyusd.org; students (and a few staff records) stay on the former
    domain, so only the license's rows show that it is a former one."""
    old = spec.student_domain
    gen = Generator(rng, spec)
    gen.build_roster()
    plant = Planter(gen)
    planted: list[Row] = []
    stayed = plant.stranger()
    email = plant.free(local_for("first.last", stayed), old)
    if email is not None:  # one teacher still on the former domain, active
        user = plant.add(stayed, email)
        planted.append(Row(email, "exact", "exact", email, user.sourced_id))
    for _ in range(2):
        person = plant.stranger()
        email = plant.free(local_for("first.last", person), old)
        if email is not None:
            stale = plant.stale(person, email)
            planted.append(Row(email, "stale_left", "inactive", None, stale.sourced_id))
    homes = _active_homes(gen)
    taken = {u.email.partition("@")[0].lower() for u in gen.users if u.email.endswith(old)}
    teachers = [u for u in _unique_teachers(gen)
                if len(homes.get(_local(u), ())) == 1 and _local(u) not in taken]
    planted += [Row(f"{_local(u)}@{old}", "old_domain_license", "fix", u.email, _person_id(u))
                for u in rng.sample(teachers, min(len(teachers), rng.randint(3, 6)))]
    absent = [local_for(spec.scheme, p) for p, _ in gen.absent]
    planted += [Row(f"{local}@{old}", "old_domain_absent", "not_found")
                for local in absent[:2] if local not in homes and local not in taken]
    return _finish(gen, LicenseBuilder(gen), planted)


def _twin(rng: random.Random, spec: Spec) -> District:
    """Two living sibling domains. The license's only rows on southisd.org are mailbox names
    ClassLink sends on northisd.org alone: absent southern teachers, never the northern ones."""
    south = spec.second_domain
    gen = Generator(rng, spec)
    gen.build_roster()
    plant = Planter(gen)
    planted: list[Row] = []
    north = [u for u in _unique_teachers(gen) if u.email.endswith("@" + spec.domain)]
    for user in rng.sample(north, min(len(north), rng.randint(2, 4))):
        person = plant.stranger(rng.choice(_same_initial(user.given_name)), user.family_name)
        email = plant.free(_local(user), south)  # claimed for the absent teacher, not rostered
        if email is not None:
            planted.append(Row(email, "sibling_cross", "not_found"))
            gen.absent.append((person, email))
    return _finish(gen, LicenseBuilder(gen), planted,
                   keep=lambda row: south not in row.email.lower())


def _ties(rng: random.Random, spec: Spec) -> District:
    """Pairs, triples and namesakes who share an initial and a family name; one of them is
    exactly on the license. Labels come from LicenseBuilder._seat_ties, as for drawn rows.
    On a first.last domain the row is jsmith or j.smith; on a flast one (jsmith, jsmith2) it
    is j.smith or smithj, and only John (jsmith) can be fixed to from it."""
    gen = Generator(rng, spec)
    gen.build_roster()
    plant = Planter(gen)
    wide = spec.scheme == "first.last"

    def group(size: int, *, namesakes: bool = False, login: bool = False) -> list[RosterUser]:
        first = plant.stranger(family=rng.choices(FAMILY_POOL, FAMILY_WEIGHTS)[0])
        people = [first]
        for _ in range(size - 1):
            given = first.given if namesakes else rng.choice(_same_initial(first.given))
            people.append(gen.person(given, first.family) if namesakes
                          else plant.stranger(given, first.family))
        users = [plant.add(p, gen.boxes.allocate(local_for(spec.scheme, p), spec.domain))
                 for p in people]
        if login:  # the first one logs in as jsmith: a better fit than any name form
            users[0] = replace(users[0], username=fold(first.given)[:1] + fold(first.family))
            gen.users[-size] = users[0]
        return users

    if wide:
        plans = [("tie_seated", 2, False, False)] * 3 + [
            ("tie_case_seat", 2, False, False), ("tie_three", 3, False, False),
            ("tie_namesake", 2, True, False), ("tie_weak", 2, False, True)]
    else:
        plans = [("tie_seated", 2, False, False)] * 2 + [("tie_unsafe", 2, False, False)] * 2
    groups = [(category, group(size, namesakes=same, login=login))
              for category, size, same, login in plans]
    builder = LicenseBuilder(gen)
    planted: list[Row] = []
    for category, users in groups:
        # flast: users[0] is jsmith, users[1] jsmith2. Seat jsmith2 and mean jsmith (the
        # fixable one), or seat jsmith and mean jsmith2 (unsafe: jsmith2 is no safe fit).
        meant, seated = users[0], users[1]
        if category in ("tie_unsafe", "tie_three", "tie_case_seat", "tie_weak") or (
            wide and category == "tie_seated"
        ):
            meant, seated = users[1], users[0]
        if category == "tie_case_seat":
            planted.append(Row(seated.email.upper(), "case", "fix", seated.email,
                               _person_id(seated)))
        else:
            planted.append(Row(seated.email, "tie_seat", "exact", seated.email,
                               _person_id(seated)))
        if category == "tie_weak":  # the seated one's own login: a fix to them, a duplicate
            planted.append(Row(f"{seated.username}@{spec.domain}", category, "fix",
                               seated.email, _person_id(seated)))
            continue
        initial, family = fold(meant.given_name)[:1], fold(meant.family_name)
        forms = ([f"{initial}{family}", f"{initial}.{family}"] if wide
                 else [f"{initial}.{family}", f"{family}{initial}"])
        row = builder.by_form(category, rng.choice(forms), meant)
        if row is not None:
            planted.append(row)
    return _finish(gen, builder, planted)
