"""The rules, in order, for one license email; then duplicates across the license's rows.

1. byte-identical to an active staff email: exact;
2. equal after cleaning (invisible characters, case, +tag, Gmail dots, accents): fix, or
   student, or inactive (pointing to the same person's active record when there is one, and
   only when nothing says two records of one name are two people); a doubled @ is cleaned too,
   kept only when the rules then fix it to one active teacher (else malformed);
3. resolve the domain (typo / alias / former domain) and look the same local part up there;
   an alias needs evidence in proportion to how common the mailbox name is (domains.py);
4. name forms of the local part (schemes, middle initials, nicknames, username);
5. a typo inside one name piece, with identity guards;
otherwise not_found, saying what we noticed. Two or more equally good people: ambiguous.

Each row is matched knowing the license's other rows (context.py): a candidate whose roster
address is exactly on another row is seated there, which can break a tie; and several rows
can show a roster domain to be the district's former domain (rule 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from checks.gcpause import gc_paused
from checks.matching import notes, verdicts
from checks.matching.context import NO_CONTEXT, LicenseContext, license_context
from checks.matching.domains import DomainResolution, resolve_domain
from checks.matching.fuzzy import Hit, ascii_local, name_hits, typo_hits
from checks.matching.names import is_shared_mailbox, is_shared_mailbox_local, person_key
from checks.matching.normalize import (
    Address,
    Malformed,
    display,
    parse_address,
    repair_doubled_at,
    repair_kind,
)
from checks.matching.results import Candidate, Kind, MatchResult, MatchStatus
from checks.models import Role, RosterUser

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex

CLEANING_CONFIDENCE: dict[str, float] = {
    Kind.CASE: 0.99, Kind.WHITESPACE: 0.99, Kind.FORMAT: 0.98, Kind.UNICODE: 0.98,
    Kind.PLUS: 0.98, Kind.GMAIL: 0.97, Kind.ACCENTS: 0.95,
}


def match_rows(index: RosterIndex, license_emails: Iterable[str]) -> list[MatchResult]:
    """One result per license email, in input order; repeated teachers marked duplicate.

    The emails are one license's rows: each row is matched knowing the others (a teacher
    already exactly on the license is not who another row means; several rows on a domain
    whose mailboxes ClassLink sends on another domain show a former domain)."""
    rows = list(license_emails)
    with gc_paused():
        context = license_context(index, rows)
        return mark_duplicates([_name_seats(match_one(index, raw, context), context)
                                for raw in rows])


def _name_seats(result: MatchResult, context: LicenseContext) -> MatchResult:
    """An ambiguous row says which of its candidates the license already seats (exactly)."""
    if result.status is not MatchStatus.AMBIGUOUS:
        return result
    seats = {c.email: row for c in result.candidates
             if (row := context.seat(c.email)) is not None}
    if not seats:
        return result
    candidates = tuple(
        replace(c, reason=f"{c.reason}; already on the license in row {seats[c.email] + 1}")
        if c.email in seats else c for c in result.candidates)
    told = "; ".join(f"{email} is already on the license in row {row + 1}"
                     for email, row in sorted(seats.items(), key=lambda item: item[1]))
    return replace(result, candidates=candidates, note=f"{result.note} ({told})")


def match_one(index: RosterIndex, raw: str, context: LicenseContext = NO_CONTEXT) -> MatchResult:
    exact = _exact(index, raw)
    if exact is not None:
        return exact
    address = parse_address(raw)
    if isinstance(address, Malformed):
        repaired = _doubled_at(index, raw, context)
        return repaired or MatchResult(
            raw, MatchStatus.NOT_FOUND, kind=Kind.MALFORMED,
            note=f"{display(raw)} is not an email address: {address.reason}")
    return _match_address(index, address, context)


def _doubled_at(index: RosterIndex, raw: str, context: LicenseContext) -> MatchResult | None:
    """`rhernandez@@eastlakesd.org`: a doubled @ is a format cleaning, kept only when the
    repaired address is a fix to one active teacher by the usual rules; else malformed."""
    address = repair_doubled_at(raw)
    if address is None:
        return None
    found = _match_address(index, address, context)
    if found.status is not MatchStatus.FIX or found.teacher is None:
        return None
    if "doubled @" in found.note:
        return found
    return replace(found, note=f"{found.note}; also, the license copy has a doubled @")


def _match_address(index: RosterIndex, address: Address, context: LicenseContext) -> MatchResult:
    """Rules 2-5 for a parsed address."""
    raw = address.raw
    found = _by_key(index, address, DomainResolution(address.domain))
    if found is not None:
        return found
    resolution = resolve_domain(index, address, context)
    if resolution.domain is not None and resolution.domain != address.domain:
        found = _by_key(index, address, resolution)
        if found is not None and resolution.kind == Kind.OLD_DOMAIN:
            found = _old_domain_conflict(index, address, found) or found
        if found is not None:
            return found
    if resolution.others:
        return _ambiguous_domain(index, address, resolution)
    if is_shared_mailbox_local(address.local):
        return MatchResult(raw, MatchStatus.NOT_FOUND, kind=Kind.SHARED_MAILBOX, note=(
            f"{display(raw)} looks like a shared mailbox, not a person, and ClassLink sends "
            "no such address; a license seat should name a teacher"))
    if resolution.domain is not None:
        for finder in (name_hits, typo_hits):
            hits = finder(index, address, resolution.domain)
            decided = verdicts.decide(index, address, hits, resolution, context) if hits else None
            if decided is not None:
                return decided
    return verdicts.not_found(index, address, resolution)


def _active_staff(user: RosterUser) -> bool:
    return user.is_staff and user.active


def _exact(index: RosterIndex, raw: str) -> MatchResult | None:
    staff = [index.users[p] for p in index.by_raw.get(raw, ()) if _active_staff(index.users[p])]
    if not staff:
        return None
    teacher = staff[0]
    if is_shared_mailbox(teacher):
        return MatchResult(raw, MatchStatus.EXACT, raw, Kind.SHARED_MAILBOX, 1.0,
                           teacher=teacher, note=(
            f"{raw} is a shared mailbox in ClassLink ({notes.who(teacher)}), not a person; "
            "a license seat should name a teacher"))
    return MatchResult(raw, MatchStatus.EXACT, raw, None, 1.0, teacher=teacher,
                       note=f"{raw} is exactly what ClassLink sends for {notes.who(teacher)}")


def _by_key(
    index: RosterIndex, address: Address, resolution: DomainResolution
) -> MatchResult | None:
    """Rules 2-3: the cleaned local part (or it without accents) at the resolved domain."""
    domain = resolution.domain
    found = _at_key(index, address, f"{address.local}@{domain}", resolution, None)
    plain = ascii_local(address.local)
    if found is None and plain != address.local:
        found = _at_key(index, address, f"{plain}@{domain}", resolution, Kind.ACCENTS)
    return found


def _at_key(
    index: RosterIndex,
    address: Address,
    key: str,
    resolution: DomainResolution,
    change: str | None,
) -> MatchResult | None:
    positions = index.by_key.get(key, [])
    users = [index.users[p] for p in positions]
    staff = [p for p in positions if _active_staff(index.users[p])]
    if staff:
        return _staff_at_key(index, address, staff, resolution, change)
    moved = resolution.kind is not None
    if not moved and change is None:  # students only on an exact or normalised match
        students = [u for u in users if u.role == Role.STUDENT]
        if students:
            return verdicts.student(address, students)
    inactive = [p for p in positions if index.users[p].is_staff]
    if inactive:
        return verdicts.inactive(index, address, inactive, resolution.kind or change)
    others = [u for u in users if u.role != Role.STUDENT]
    if others and not moved:
        return MatchResult(
            address.raw, MatchStatus.NOT_FOUND, kind=Kind.NOT_STAFF,
            candidates=tuple(Candidate.of(u, score=0.0, reason="not staff") for u in others),
            note=f"{display(address.raw)} belongs to {notes.who(others[0])} in ClassLink, "
            "not a teacher or administrator")
    return None


def _staff_at_key(
    index: RosterIndex,
    address: Address,
    staff: list[int],
    resolution: DomainResolution,
    change: str | None,
) -> MatchResult:
    if len({index.users[p].email for p in staff}) > 1:  # records differing only in case/+tag
        hits = [Hit(p, 0, Kind.CASE, 0.5, "the same address up to case") for p in staff]
        return verdicts.ambiguous(index, address, hits)
    position = staff[0]
    teacher = index.users[position]
    if resolution.kind is not None:
        kind = resolution.kind
        confidence = verdicts.DOMAIN_FACTOR[kind]
        reason = verdicts.domain_reason(address, resolution)
    else:
        roster = index.address(position)
        kind = change or (repair_kind(address, roster) if roster else Kind.CASE)
        confidence = CLEANING_CONFIDENCE[kind]
        reason = notes.cleaning_reason(address.raw, address.changes, kind)
    if is_shared_mailbox(teacher):
        reason += "; note that it is a shared mailbox, not a person"
    return verdicts.fix(address, teacher, kind, confidence, reason)


def _old_domain_conflict(
    index: RosterIndex, address: Address, found: MatchResult
) -> MatchResult | None:
    """On the former domain itself the address may still name someone else (a stale record
    of another person under a name form or a typo): then the move is no longer certain."""
    if found.teacher is None or found.status is not MatchStatus.FIX:
        return None
    moved = index.by_raw.get(found.teacher.email, ())
    target = next((p for p in moved if index.users[p] == found.teacher), None)
    if target is None:
        return None
    others: list[Hit] = []
    for finder in (name_hits, typo_hits):
        others += [h for h in finder(index, address, address.domain)
                   if person_key(index.users[h.position]) != person_key(found.teacher)]
    if not others:
        return None
    hits = [Hit(target, 0, Kind.OLD_DOMAIN, found.confidence, "the same mailbox name on "
                f"{found.teacher.email.partition('@')[2]}"), *others]
    return verdicts.ambiguous(index, address, hits)


def _ambiguous_domain(
    index: RosterIndex, address: Address, resolution: DomainResolution
) -> MatchResult:
    hits = [
        Hit(p, 0, resolution.reason, 0.5, f"the same mailbox name on {domain}")
        for domain in resolution.others
        for p in index.by_key.get(f"{address.local}@{domain}", ())
        if _active_staff(index.users[p])
    ]
    if hits:
        return verdicts.ambiguous(index, address, hits)
    return MatchResult(address.raw, MatchStatus.NOT_FOUND, kind=Kind.UNKNOWN_DOMAIN, note=(
        f"ClassLink sends no one on {address.domain}, which is close to several roster "
        f"domains ({', '.join(resolution.others)}), and {address.local} is on none of them"))


def mark_duplicates(results: list[MatchResult]) -> list[MatchResult]:
    """The second and later rows naming one person (or one unknown address) are duplicates."""
    first_row: dict[tuple[str, str], int] = {}
    marked: list[MatchResult] = []
    for row, result in enumerate(results):
        identity = _identity(result)
        first = row if identity is None else first_row.setdefault(identity, row)
        if first == row:
            marked.append(result)
            continue
        earlier = display(results[first].license_email)
        note = (f"row {row + 1} names the same person as row {first + 1} ({earlier}), so the "
                f"license counts one seat twice; {result.note}")
        marked.append(replace(result, kind=Kind.DUPLICATE, note=note, duplicate_of=first))
    return marked


def _identity(result: MatchResult) -> tuple[str, str] | None:
    if result.teacher is not None and result.status in (
        MatchStatus.EXACT, MatchStatus.FIX, MatchStatus.INACTIVE
    ):
        return result.teacher.sourced_id, result.teacher.email
    if result.status is MatchStatus.STUDENT and result.candidates:
        return result.candidates[0].sourced_id, result.candidates[0].email
    if result.status is MatchStatus.NOT_FOUND and result.kind != Kind.MALFORMED:
        parsed = parse_address(result.license_email)
        if isinstance(parsed, Address):
            return "", parsed.key
    return None
