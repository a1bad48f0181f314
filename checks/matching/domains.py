"""Which roster domain a license address belongs to, before any local-part rule runs.

A license domain that is a roster domain stays put: we never jump from one living domain to
another (jsmith@esd.org is not jsmith@hsd.org). An unknown domain maps to a roster domain when
it is a typo of exactly one (`rcschools.ent`, `linclnusd.org`, `lincolnusd.com`), or when it is
an alias/old domain: the same local part is on exactly one roster domain, with evidence in
proportion to how common that mailbox name is. A full given and family name (michael.brown,
brownmichael) is enough on its own; a short one (ataylor, taylora) is on many schools' mail
servers, so it moves only when the license's other rows on that domain show the move: at
least two rows whose mailbox names are on that one roster domain, none on another, and fewer
that ClassLink sends nowhere (context.py). Otherwise the row is not found, and the same mailbox
name on the roster domain is listed, not suggested.

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

from checks.matching.context import MIN_MOVED_ROWS, NO_CONTEXT, LicenseContext
from checks.matching.names import Level, letters
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
    evidence: str = ""  # OLD_DOMAIN/ALIAS_DOMAIN: why we moved; with `withheld`: why we did not
    withheld: str = ""  # the roster domain an alias move lacked the evidence to reach


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
        return _alias(index, address, homes[0], context)
    if homes:
        return DomainResolution(None, others=tuple(homes), reason=Kind.ALIAS_DOMAIN)
    return DomainResolution(None, reason=Kind.UNKNOWN_DOMAIN)


def _alias(
    index: RosterIndex, address: Address, home: str, context: LicenseContext
) -> DomainResolution:
    """The unknown domain as an old or alias domain of `home`, the one roster domain with the
    same mailbox name, when the name or the license's rows are evidence enough."""
    domain, local = address.domain, address.local
    owner = _full_name_owner(index, local, home)
    if owner is not None:
        return DomainResolution(home, Kind.ALIAS_DOMAIN, evidence=(
            f"{local} spells {owner}'s full given and family name"))
    seen = context.alias.get((domain, home))
    if seen is not None and seen.shown:
        return DomainResolution(home, Kind.ALIAS_DOMAIN, evidence=(
            f"the license's {_rows(seen.rows)} on {domain} all have mailbox names ClassLink "
            f"sends on {home}"))
    why = (f"{local} is not a full given and family name, and a mailbox name like it is "
           "common at other schools")
    unshown = f"so {domain} is not shown to be an old or alias domain of {home}"
    if seen is not None and seen.elsewhere:
        why += (f"; ClassLink sends the mailbox names of the license's "
                f"{_rows(seen.elsewhere)} on {domain} on another roster domain, {unshown}")
    elif seen is not None and len(seen.rows) >= MIN_MOVED_ROWS:
        why += (f"; more of the license's rows on {domain} ({_rows(seen.nowhere)}) have "
                "mailbox names ClassLink does not send at all, as another school's teachers "
                f"would, {unshown}")
    else:
        why += (f"; no other row of the license on {domain} has a mailbox name ClassLink sends "
                f"on {home}, {unshown}")
    return DomainResolution(None, reason=Kind.UNKNOWN_DOMAIN, evidence=why, withheld=home)


def _rows(rows: tuple[int, ...]) -> str:
    """`row 3` or `rows 1, 4` (1-based) for 0-based row numbers."""
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(str(r + 1) for r in rows)


def _full_name_owner(index: RosterIndex, local: str, home: str) -> str | None:
    """The name of the staff member whose address on `home` is `local`, when `local` spells
    their full given and family name (names.Level.FULL: first.last, lastfirst, first_m_last;
    no digits, no initials)."""
    if not local.replace(".", "").replace("_", "").replace("-", "").isalpha():
        return None
    staff = [p for p in index.by_key.get(f"{local}@{home}", ()) if index.users[p].is_staff]
    core = letters(local)
    for position in staff:
        form = index.forms(position).get(core)
        if form is None or form.level != Level.FULL:
            return None
    return (index.users[staff[0]].full_name or None) if staff else None


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
    """One edit (two for long domains), a swapped TLD (`.com` for `.org`), or a missing TLD
    (`lincolnusd`, `oakvalley.k12.ca` for `oakvalley.k12.ca.us`)."""
    limit = 2 if len(known) >= 16 else 1
    if OSA.distance(typed, known, score_cutoff=limit) <= limit:
        return True
    known_name = known.rpartition(".")[0]
    if typed == known_name:
        return True
    if "." not in typed:
        return False
    return bool(known_name) and typed.rpartition(".")[0] == known_name
