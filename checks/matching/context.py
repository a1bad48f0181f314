"""What the other rows of one license tell the matcher about each row.

Two facts, both read before any row is matched:

* seats: a roster address typed exactly on a row is that teacher's seat, so another row that
  fits that teacher and someone else equally well means the someone else;
* former domains: several rows on a roster domain X whose mailbox names ClassLink sends,
  unchanged, on one other domain Y (and not on X) show X to be the district's former domain
  for this license. Only a domain with no more active staff than inactive ones can be read so:
  a living sibling district's domain never is (jsmith@esd.org is not jsmith@hsd.org);
* alias domains: several rows on a domain that is no roster domain whose mailbox names are
  all on one roster domain Y show it to be an old or alias domain of Y. A short mailbox name
  such as ataylor is on many schools' servers, so one such row proves nothing (domains.py).
  Rows on it whose mailbox names are on another roster domain undo the evidence, and so do
  more rows on it that ClassLink sends nowhere (another school's teachers, not a move).
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
class AliasDomain:
    """The license's rows on an unknown domain: `target` is the one roster domain their
    mailbox names are on; `rows` point there, `elsewhere` rows to other roster domains,
    `nowhere` rows to none (0-based row numbers)."""

    target: str
    rows: tuple[int, ...]
    elsewhere: tuple[int, ...] = ()
    nowhere: tuple[int, ...] = ()

    @property
    def shown(self) -> bool:
        """Enough rows, and nothing against them, to read the domain as an alias of target."""
        return (len(self.rows) >= MIN_MOVED_ROWS and not self.elsewhere
                and len(self.rows) > len(self.nowhere))


@dataclass(frozen=True, slots=True)
class LicenseContext:
    seats: Mapping[str, int] = field(default_factory=dict)  # exact roster email -> first row
    former: Mapping[str, FormerDomain] = field(default_factory=dict)  # license domain -> where
    # (unknown domain, the roster domain its rows point to) -> those rows
    alias: Mapping[tuple[str, str], AliasDomain] = field(default_factory=dict)

    def seat(self, email: str) -> int | None:
        return self.seats.get(email) if email else None


NO_CONTEXT = LicenseContext()


def license_context(index: RosterIndex, license_emails: Sequence[str]) -> LicenseContext:
    seats: dict[str, int] = {}
    for row, raw in enumerate(license_emails):
        if any(index.users[p].is_staff and index.users[p].active
               for p in index.by_raw.get(raw, ())):
            seats.setdefault(raw, row)
    return LicenseContext(seats, _former_domains(index, license_emails),
                          _alias_domains(index, license_emails))


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


def _alias_domains(
    index: RosterIndex, license_emails: Sequence[str]
) -> dict[tuple[str, str], AliasDomain]:
    """Per unknown domain with a row whose mailbox name is on exactly one roster domain:
    which rows point there, elsewhere, or nowhere. Each address counts once."""
    homes: dict[str, dict[str, list[int]]] = {}  # unknown domain -> roster domain(s) -> rows
    seen: set[str] = set()
    for row, raw in enumerate(license_emails):
        address = parse_address(raw)
        if (not isinstance(address, Address) or address.key in seen
                or address.domain in index.domains):
            continue
        seen.add(address.key)
        where = ",".join(sorted(index.local_domains.get(address.local, ())))
        homes.setdefault(address.domain, {}).setdefault(where, []).append(row)
    found: dict[tuple[str, str], AliasDomain] = {}
    for domain, targets in homes.items():
        nowhere = tuple(targets.pop("", ()))
        for target, rows in targets.items():
            if "," not in target:
                elsewhere = sorted(r for t, more in targets.items() if t != target for r in more)
                found[(domain, target)] = AliasDomain(
                    target, tuple(rows), tuple(elsewhere), nowhere)
    return found
