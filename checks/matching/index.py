"""The roster, indexed once for many license emails.

Every structure is a dict or list keyed by one user's own strings, so memory grows linearly with
the roster; nothing compares users pairwise. Students and other roles are indexed only by their
address (they are reported on an exact or normalised match and never reached by fuzzy rules).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from checks.gcpause import gc_paused
from checks.matching.names import (
    NameForm,
    family_variants,
    given_variants,
    is_shared_mailbox,
    letters,
    name_forms,
    own_pattern,
    person_key,
)
from checks.matching.normalize import Address, fast_key, parse_address, separators
from checks.matching.vocabulary import COMMON_NAMES
from checks.models import RosterUser

PersonKey = tuple[str, str]


@dataclass(slots=True)
class _Builder:
    by_raw: dict[str, list[int]]
    by_key: dict[str, list[int]]
    domains: set[str]
    local_domains: dict[str, set[str]]
    typo_buckets: dict[tuple[str, str], set[str]]
    family: dict[tuple[str, str], list[int]]
    given: dict[tuple[str, str], list[int]]
    usernames: dict[tuple[str, str], list[int]]
    people: dict[PersonKey, list[int]]
    vocabulary: set[str]
    staff_by_domain: dict[str, list[int]]


class RosterIndex:
    """Look-up tables over one district's users; build once, then `match` many emails."""

    __slots__ = (
        "users", "by_raw", "by_key", "domains", "local_domains", "typo_buckets", "family",
        "given", "usernames", "people", "vocabulary", "staff_by_domain", "_forms", "_addresses",
        "_native", "_domain_staff",
    )

    def __init__(self, users: tuple[RosterUser, ...], tables: _Builder) -> None:
        self.users = users
        self.by_raw = tables.by_raw
        self.by_key = tables.by_key
        self.domains = frozenset(tables.domains)
        self.local_domains = tables.local_domains
        self.typo_buckets = {k: sorted(v) for k, v in tables.typo_buckets.items()}
        self.family = tables.family
        self.given = tables.given
        self.usernames = tables.usernames
        self.people = tables.people
        self.vocabulary = frozenset(tables.vocabulary)
        self.staff_by_domain = tables.staff_by_domain
        self._native: dict[str, frozenset[tuple[str, str]]] = {}
        self._domain_staff: dict[str, tuple[int, int]] = {}
        self._forms: dict[int, dict[str, NameForm]] = {}
        self._addresses: dict[int, Address | None] = {}

    @classmethod
    def build(cls, users: Iterable[RosterUser]) -> RosterIndex:
        roster = tuple(users)
        tables = _Builder({}, {}, set(), {}, {}, {}, {}, {}, {}, set(COMMON_NAMES), {})
        with gc_paused():
            for position, user in enumerate(roster):
                _add_user(tables, position, user)
            return cls(roster, tables)

    def forms(self, position: int) -> dict[str, NameForm]:
        """The user's name forms, computed on first use (only candidates ever need them)."""
        found = self._forms.get(position)
        if found is None:
            found = self._forms[position] = name_forms(self.users[position])
        return found

    def native_patterns(self, domain: str) -> frozenset[tuple[str, str]]:
        """(name pattern, separators) that the domain's own staff addresses follow.

        A license address in a native pattern (jsmith3 in a flast district) looks like a real
        mailbox of someone ClassLink does not send, so it is never read as a scheme variant."""
        found = self._native.get(domain)
        if found is None:
            found = self._native[domain] = _native_patterns(self, domain)
        return found

    def domain_staff(self, domain: str) -> tuple[int, int]:
        """(active, inactive) staff records on the domain, shared mailboxes left out."""
        found = self._domain_staff.get(domain)
        if found is None:
            staff = self.staff_by_domain.get(domain, ())
            active = sum(1 for p in staff if self.users[p].active)
            found = self._domain_staff[domain] = (active, len(staff) - active)
        return found

    def is_former_domain(self, domain: str) -> bool:
        """ClassLink sends staff on the domain, and every one of them is inactive
        (tobedeleted or disabled): the district no longer uses it for anyone."""
        active, inactive = self.domain_staff(domain)
        return inactive > 0 and active == 0

    def active_homes(self, local: str, *, besides: str = "") -> list[str]:
        """The domains (other than `besides`) where an active staff member has this mailbox."""
        return sorted(
            domain for domain in self.local_domains.get(local, ())
            if domain != besides and any(
                self.users[p].is_staff and self.users[p].active
                for p in self.by_key.get(f"{local}@{domain}", ()))
        )

    def address(self, position: int) -> Address | None:
        """The user's parsed email, or None when it is missing or malformed."""
        if position not in self._addresses:
            parsed = parse_address(self.users[position].email)
            self._addresses[position] = parsed if isinstance(parsed, Address) else None
        return self._addresses[position]


def _add_user(tables: _Builder, position: int, user: RosterUser) -> None:
    givens, families = given_variants(user.given_name), family_variants(user.family_name)
    tables.vocabulary.update(givens)
    tables.vocabulary.update(families)
    staff = user.is_staff and not is_shared_mailbox(user)
    domain = _add_address(tables, position, user, staff=staff) if user.email else ""
    if not staff:
        return
    for name in families:
        tables.family.setdefault((domain, name), []).append(position)
    for name in givens:
        tables.given.setdefault((domain, name), []).append(position)
    username = _username_key(user.username, domain)
    if username is not None:
        tables.usernames.setdefault(username, []).append(position)
    if user.active:
        tables.people.setdefault(person_key(user), []).append(position)


def _add_address(tables: _Builder, position: int, user: RosterUser, *, staff: bool) -> str:
    """Index the user's email; its canonical domain, or "" when it is not an address."""
    tables.by_raw.setdefault(user.email, []).append(position)
    key = fast_key(user.email)
    if key is None:
        address = parse_address(user.email)
        if not isinstance(address, Address):
            return ""
        key = address.key
    tables.by_key.setdefault(key, []).append(position)
    local, _, domain = key.partition("@")
    tables.domains.add(domain)
    if staff:
        tables.local_domains.setdefault(local, set()).add(domain)
        tables.typo_buckets.setdefault((domain, local[0]), set()).add(local)
        tables.staff_by_domain.setdefault(domain, []).append(position)
    return domain


_PATTERN_SAMPLE = 600  # enough staff to see a domain's schemes; bounds the one-off cost
_NATIVE_SHARE = 0.05


def _native_patterns(index: RosterIndex, domain: str) -> frozenset[tuple[str, str]]:
    staff = index.staff_by_domain.get(domain, [])
    step = max(1, len(staff) // _PATTERN_SAMPLE)
    counts: Counter[tuple[str, str]] = Counter()
    for position in staff[::step]:
        address = index.address(position)
        if address is None:
            continue
        pattern = own_pattern(index.users[position], letters(address.local))
        if pattern is not None:
            counts[(pattern, separators(address.local))] += 1
    floor = max(2, _NATIVE_SHARE * sum(counts.values()))
    return frozenset(key for key, count in counts.items() if count >= floor)


def _username_key(username: str, email_domain: str) -> tuple[str, str] | None:
    """(domain, login) for a username such as `jsmith`, `LINCOLN\\jsmith` or `jsmith@x.org`."""
    name = username.strip().lower().rpartition("\\")[2]
    if not name:
        return None
    local, at, domain = name.partition("@")
    return (domain, local) if at else (email_domain, local)

