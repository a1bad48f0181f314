"""Which roster domain a license address belongs to, before any local-part rule runs.

A license domain that is a roster domain stays put: we never jump from one known domain to
another (jsmith@esd.org is not jsmith@hsd.org). An unknown domain maps to a roster domain when
it is a typo of exactly one (`rcschools.ent`, `linclnusd.org`, `lincolnusd.com`), or when it is
an alias/old domain: the same local part is on exactly one roster domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from checks.matching.normalize import WEBMAIL_DOMAINS, Address
from checks.matching.results import Kind

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex


@dataclass(frozen=True, slots=True)
class DomainResolution:
    """`domain` is where to look (None: nowhere); `kind` says how we got there."""

    domain: str | None
    kind: str | None = None  # None (known), Kind.DOMAIN (typo), Kind.ALIAS_DOMAIN
    others: tuple[str, ...] = ()  # several roster domains fit equally well
    reason: str = ""  # why unresolved: Kind.PERSONAL_ADDRESS or Kind.UNKNOWN_DOMAIN


def resolve_domain(index: RosterIndex, address: Address) -> DomainResolution:
    domain = address.domain
    if domain in index.domains:
        return DomainResolution(domain)
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


def is_domain_typo(typed: str, known: str) -> bool:
    """One edit (two for long domains), a swapped TLD (`.com` for `.org`), or a missing TLD."""
    limit = 2 if len(known) >= 16 else 1
    if OSA.distance(typed, known, score_cutoff=limit) <= limit:
        return True
    known_name = known.rpartition(".")[0]
    if "." not in typed:
        return typed == known_name
    return bool(known_name) and typed.rpartition(".")[0] == known_name
