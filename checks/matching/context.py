"""What the other rows of one license tell the matcher about each row.

Two facts, both read before any row is matched:

* seats: a roster address typed exactly on a row is that teacher's seat, so another row that
  fits that teacher and someone else equally well means the someone else;
* former domains: several rows on a roster domain X whose mailbox names ClassLink sends,
  unchanged, on one other domain Y (and not on X) show X to be the district's former domain
  for this license. Only a domain with no more active staff than inactive ones can be read so:
  a living sibling district's domain never is (jsmith@esd.org is not jsmith@hsd.org).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checks.matching.normalize import Address, parse_address

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex

MIN_MOVED_ROWS = 2  # one row proves nothing; "several" rows do


@dataclass(frozen=True, slots=True)
class FormerDomain:
    """The license's rows on a domain point to `target`; `rows` are their 0-based numbers."""

    target: str
    rows: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LicenseContext:
    seats: Mapping[str, int] = field(default_factory=dict)  # exact roster email -> first row
    former: Mapping[str, FormerDomain] = field(default_factory=dict)  # license domain -> where

    def seat(self, email: str) -> int | None:
        return self.seats.get(email) if email else None


NO_CONTEXT = LicenseContext()


def license_context(index: RosterIndex, license_emails: Sequence[str]) -> LicenseContext:
    seats: dict[str, int] = {}
    for row, raw in enumerate(license_emails):
        if any(index.users[p].is_staff and index.users[p].active
               for p in index.by_raw.get(raw, ())):
            seats.setdefault(raw, row)
    return LicenseContext(seats, _former_domains(index, license_emails))


def _former_domains(index: RosterIndex, license_emails: Sequence[str]) -> dict[str, FormerDomain]:
    moved: dict[str, dict[str, list[int]]] = {}
    staying: Counter[str] = Counter()
    seen: set[str] = set()
    for row, raw in enumerate(license_emails):
        address = parse_address(raw)
        if not isinstance(address, Address) or address.key in seen:
            continue
        seen.add(address.key)
        domain = address.domain
        if domain not in index.domains or not _may_be_former(index, domain):
            continue
        users = [index.users[p] for p in index.by_key.get(address.key, ())]
        if any(u.is_staff and u.active for u in users):
            staying[domain] += 1
            continue
        homes = index.active_homes(address.local, besides=domain)
        if len(homes) == 1:
            moved.setdefault(domain, {}).setdefault(homes[0], []).append(row)
    found: dict[str, FormerDomain] = {}
    for domain, targets in moved.items():
        target, rows = max(targets.items(), key=lambda item: (len(item[1]), item[0]))
        others = sum(len(r) for r in targets.values()) - len(rows)
        if len(rows) >= MIN_MOVED_ROWS and len(rows) > staying[domain] + others:
            found[domain] = FormerDomain(target, tuple(rows))
    return found


def _may_be_former(index: RosterIndex, domain: str) -> bool:
    """Not a living staff domain: no more active staff on it than inactive ones (a domain with
    no staff at all, e.g. one only students still use, qualifies)."""
    active, inactive = index.domain_staff(domain)
    return active <= inactive
