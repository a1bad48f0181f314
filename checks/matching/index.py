"""The roster, indexed once for many license emails.

Every structure is a dict or list keyed by one user's own strings, so memory grows linearly with
the roster; nothing compares users pairwise. Students and other roles are indexed only by their
address (they are reported on an exact or normalised match and never reached by fuzzy rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checks.matching.matcher import match_all
from checks.matching.names import (
    NameForm,
    family_variants,
    given_variants,
    is_shared_mailbox,
    name_forms,
    person_key,
)
from checks.matching.normalize import Address, parse_address
from checks.matching.results import MatchResult
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


class RosterIndex:
    """Look-up tables over one district's users; build once, then `match` many emails."""

    __slots__ = (
        "users", "by_raw", "by_key", "domains", "local_domains", "typo_buckets", "family",
        "given", "usernames", "people", "vocabulary", "_forms", "_addresses",
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
        self._forms: dict[int, dict[str, NameForm]] = {}
        self._addresses: dict[int, Address | None] = {}

    @classmethod
    def build(cls, users: Iterable[RosterUser]) -> RosterIndex:
        roster = tuple(users)
        tables = _Builder({}, {}, set(), {}, {}, {}, {}, {}, {}, set(COMMON_NAMES))
        for position, user in enumerate(roster):
            _add_user(tables, position, user)
        return cls(roster, tables)

    def match(self, license_emails: Iterable[str]) -> list[MatchResult]:
        """One result per license email, in input order; repeated teachers marked duplicate."""
        return match_all(self, list(license_emails))

    def forms(self, position: int) -> dict[str, NameForm]:
        """The user's name forms, computed on first use (only candidates ever need them)."""
        found = self._forms.get(position)
        if found is None:
            found = self._forms[position] = name_forms(self.users[position])
        return found

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
    domain = _add_address(tables, position, user)
    if not user.is_staff or is_shared_mailbox(user):
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


def _add_address(tables: _Builder, position: int, user: RosterUser) -> str:
    """Index the user's email; the canonical domain, or "" when there is no usable email."""
    if not user.email:
        return ""
    tables.by_raw.setdefault(user.email, []).append(position)
    address = parse_address(user.email)
    if not isinstance(address, Address):
        return ""
    tables.by_key.setdefault(address.key, []).append(position)
    tables.domains.add(address.domain)
    if user.is_staff and not is_shared_mailbox(user):
        tables.local_domains.setdefault(address.local, set()).add(address.domain)
        bucket = (address.domain, address.local[0])
        tables.typo_buckets.setdefault(bucket, set()).add(address.local)
    return address.domain


def _username_key(username: str, email_domain: str) -> tuple[str, str] | None:
    """(domain, login) for a username such as `jsmith`, `LINCOLN\\jsmith` or `jsmith@x.org`."""
    name = username.strip().lower().rpartition("\\")[2]
    if not name:
        return None
    local, at, domain = name.partition("@")
    return (domain, local) if at else (email_domain, local)

