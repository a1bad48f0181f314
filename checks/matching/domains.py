"""Which roster domain a license address belongs to, before any local-part rule runs.

A license domain that is a roster domain stays put: we never jump from one living domain to
another (jsmith@esd.org is not jsmith@hsd.org). An unknown domain maps to a roster domain when
it is a typo of exactly one (`rcschools.ent`, `linclnusd.org`, `lincolnusd.com`), or when it is
an alias/old domain: the same local part is on exactly one roster domain.

A roster domain is a *former* one (kind old_domain) when the evidence says the district left
it: every staff record ClassLink sends on it is inactive (stale tobedeleted/disabled records
of a move to a new domain), or the license's own rows show it (see context.py). An address on
a former domain that is on no record there maps to the one domain where an active staff member
has the same mailbox name. (An address that is a stale record there never jumps: the record
names its person, and only that person's own active record is suggested.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from checks.matching.context import NO_CONTEXT, LicenseContext
from checks.matching.normalize import WEBMAIL_DOMAINS, Address
from checks.matching.results import Kind

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex


@dataclass(frozen=True, slots=True)
class DomainResolution:
    """`domain` is where to look (None: nowhere); `kind` says how we got there."""

    domain: str | None
    kind: str | None = None  # None (known), Kind.DOMAIN (typo), ALIAS_DOMAIN, OLD_DOMAIN
    others: tuple[str, ...] = ()  # several roster domains fit equally well
    reason: str = ""  # why unresolved: Kind.PERSONAL_ADDRESS or Kind.UNKNOWN_DOMAIN
    evidence: str = ""  # for OLD_DOMAIN: why the license's domain is a former one


def resolve_domain(
    index: RosterIndex, address: Address, context: LicenseContext = NO_CONTEXT
) -> DomainResolution:
    domain = address.domain
    if domain in index.domains:
        return _former(index, address, context) or DomainResolution(domain)
    if domain in WEBMAIL_DOMAINS:
        return DomainResolution(None, reason=Kind.PERSONAL_ADDRESS)
    near = [known for known in index.domains if is_domain_typo(domain, known)]
    if len(near) > 1:  # e.g. lincolnsd.org between lincolnusd.org and lincolnesd.org
        near = [k for k in near if k in index.local_domains.get(address.local, ())] or near
    if len(near) == 1:
        return DomainResolution(near[0], Kind.DOMAIN)
    if near:
        return DomainResolution(None, others=tuple(sorted(near)), reason=Kind.DOMAIN)
    homes = sorted(index.local_domains.get(address.local, ()))
    if len(homes) == 1:
        return DomainResolution(homes[0], Kind.ALIAS_DOMAIN)
    if homes:
        return DomainResolution(None, others=tuple(homes), reason=Kind.ALIAS_DOMAIN)
    return DomainResolution(None, reason=Kind.UNKNOWN_DOMAIN)


def _former(
    index: RosterIndex, address: Address, context: LicenseContext
) -> DomainResolution | None:
    """The active domain with the same mailbox name, when the evidence says the license's
    (roster) domain is a former one; several such domains: unresolved, never a guess."""
    domain, local = address.domain, address.local
    if index.is_former_domain(domain):
        homes = index.active_homes(local, besides=domain)
        if len(homes) > 1:
            return DomainResolution(None, others=tuple(homes), reason=Kind.OLD_DOMAIN)
        if not homes:
            return None
        _active, stale = index.domain_staff(domain)
        records = ("its only staff record is" if stale == 1
                   else f"all {stale} of its staff records are")
        return DomainResolution(homes[0], Kind.OLD_DOMAIN, evidence=(
            f"{domain} is a former domain of the district: {records} marked for deletion or "
            "disabled in ClassLink"))
    seen = context.former.get(domain)
    if seen is None or index.active_homes(local, besides=domain) != [seen.target]:
        return None
    rows = ", ".join(str(r + 1) for r in seen.rows)
    return DomainResolution(seen.target, Kind.OLD_DOMAIN, evidence=(
        f"the license shows {domain} to be the district's former domain: its rows {rows} on "
        f"{domain} use mailbox names that ClassLink sends on {seen.target}, not on {domain}"))


def is_domain_typo(typed: str, known: str) -> bool:
    """One edit (two for long domains), a swapped TLD (`.com` for `.org`), or a missing TLD."""
    limit = 2 if len(known) >= 16 else 1
    if OSA.distance(typed, known, score_cutoff=limit) <= limit:
        return True
    known_name = known.rpartition(".")[0]
    if "." not in typed:
        return typed == known_name
    return bool(known_name) and typed.rpartition(".")[0] == known_name
