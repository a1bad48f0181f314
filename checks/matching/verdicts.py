"""Turning what the rules found into a MatchResult with its sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checks.matching import notes
from checks.matching.context import NO_CONTEXT, LicenseContext
from checks.matching.domains import DomainResolution
from checks.matching.fuzzy import Hit, name_candidates
from checks.matching.names import letters, person_key, why_two_people
from checks.matching.normalize import Address, display
from checks.matching.results import Candidate, Kind, MatchResult, MatchStatus
from checks.models import RosterUser

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex

DOMAIN_FACTOR: dict[str, float] = {
    Kind.DOMAIN: 0.95, Kind.ALIAS_DOMAIN: 0.9, Kind.OLD_DOMAIN: 0.88,
}
INACTIVE_RECORD_CONFIDENCE = 0.9
# A tie broken because the other candidates are already exactly on the license: a real fit,
# but one that leans on the rest of the license being right.
LICENSE_CONTEXT_FACTOR = 0.9


def domain_reason(address: Address, resolution: DomainResolution) -> str:
    known = resolution.domain or ""
    if resolution.kind == Kind.DOMAIN:
        return f"{address.domain} looks like a misspelling of {known}"
    if resolution.kind == Kind.ALIAS_DOMAIN:
        evidence = f"; {resolution.evidence}" if resolution.evidence else ""
        return (f"{address.domain} is not a roster domain, and the mailbox name "
                f"{address.local} is on {known} only (an old or alias domain){evidence}")
    if resolution.kind == Kind.OLD_DOMAIN:
        return (f"{resolution.evidence}; ClassLink sends no one with {address.local} on "
                f"{address.domain}, and an active {address.local} on {known} only")
    return ""


def fix(
    address: Address, teacher: RosterUser, kind: str, confidence: float, reason: str,
    candidates: tuple[Candidate, ...] = (),
) -> MatchResult:
    candidates = candidates or (Candidate.of(teacher, score=confidence, reason=reason),)
    return MatchResult(address.raw, MatchStatus.FIX, teacher.email, kind, confidence,
                       candidates, teacher,
                       notes.fix_note(address.raw, teacher.email, teacher, reason))


def decide(
    index: RosterIndex, address: Address, hits: list[Hit], resolution: DomainResolution,
    context: LicenseContext = NO_CONTEXT,
) -> MatchResult | None:
    """The best-ranked hits name one person: fix; several: ambiguous (unless the license's
    other rows already seat all but one of them); only inactive: inactive."""
    best = min(h.rank for h in hits)
    top = [h for h in hits if h.rank == best]
    people = {person_key(index.users[h.position]) for h in top}
    active = [h for h in top if index.users[h.position].active]
    if (len(people) > 1 or len({index.users[h.position].email for h in active}) > 1
            or _namesakes(index, top)):
        return _seated_tie(index, address, top, resolution, context) or ambiguous(
            index, address, top)
    if not active:
        return inactive(index, address, [h.position for h in top], top[0].kind)
    hit = active[0]
    if not hit.safe:
        return None
    teacher = index.users[hit.position]
    factor = DOMAIN_FACTOR.get(resolution.kind or "", 1.0)
    reason = hit.reason
    if factor < 1.0:
        reason += f"; also, {domain_reason(address, resolution)}"
    confidence = hit.confidence * factor
    candidates = tuple(Candidate.of(index.users[h.position], score=confidence, reason=h.reason)
                       for h in top)
    return fix(address, teacher, hit.kind, confidence, reason, candidates)


def _namesakes(index: RosterIndex, hits: list[Hit]) -> bool:
    """Records of one name that are two people all the same (see names.why_two_people)."""
    users = list({h.position: index.users[h.position] for h in hits}.values())
    return any(why_two_people(a, b) for i, a in enumerate(users) for b in users[i + 1 :])


def _seated_tie(
    index: RosterIndex, address: Address, top: list[Hit], resolution: DomainResolution,
    context: LicenseContext,
) -> MatchResult | None:
    """Equally good candidates whose roster address is exactly on another row of the license
    are seated there, so this row does not mean them. A fix only when that leaves one person,
    with one active record and a safe hit of the same rank, who shares no name with anyone
    seated (two records of one name could be one person listed twice). Never between typos
    or nicknames: a slip of a seated teacher's address, or their nickname, is often that
    teacher listed twice."""
    if any(h.kind == Kind.TYPO and not h.safe for h in top):
        return None  # a slip as close to a seated teacher's address may be a repeat of it
    seated = {h.position: context.seat(index.users[h.position].email) for h in top}
    if any(h.kind == Kind.NICKNAME and seated[h.position] is not None for h in top):
        return None  # a seated teacher's nickname row is often that teacher listed twice
    rest = [h for h in top if seated[h.position] is None]
    if len(rest) == len(top) or not rest:
        return None
    taken = {p: row for p, row in seated.items() if row is not None}
    taken_people = {person_key(index.users[p]) for p in taken}
    rest_people = {person_key(index.users[h.position]) for h in rest}
    active = [h for h in rest if index.users[h.position].active]
    if len(rest_people) != 1 or rest_people & taken_people or not active:
        return None
    safe = [h for h in active if h.safe]
    if len({index.users[h.position].email for h in active}) != 1 or not safe:
        return None
    hit = safe[0]
    teacher = index.users[hit.position]
    seats = "; ".join(f"{index.users[p].full_name or '(no name)'} ({index.users[p].email}) is "
                      f"already on the license in row {row + 1}"
                      for p, row in sorted(taken.items(), key=lambda item: item[1]))
    reason = f"{hit.reason}; {seats}, so this row means {teacher.full_name or 'this teacher'}"
    factor = DOMAIN_FACTOR.get(resolution.kind or "", 1.0)
    if factor < 1.0:
        reason += f"; also, {domain_reason(address, resolution)}"
    confidence = hit.confidence * factor * LICENSE_CONTEXT_FACTOR
    candidates = (
        Candidate.of(teacher, score=confidence, reason=hit.reason),
        *(Candidate.of(index.users[p], score=0.0,
                       reason=f"already on the license in row {row + 1}")
          for p, row in sorted(taken.items(), key=lambda item: item[1])),
    )
    return fix(address, teacher, hit.kind, confidence, reason, candidates)


def ambiguous(index: RosterIndex, address: Address, hits: list[Hit]) -> MatchResult:
    first: dict[int, Hit] = {}
    for hit in hits:
        first.setdefault(hit.position, hit)
    users = [index.users[p] for p in first]
    share = 1.0 / max(1, len(users))
    candidates = tuple(
        Candidate.of(index.users[p], score=min(h.confidence, share), reason=h.reason)
        for p, h in first.items()
    )
    return MatchResult(
        address.raw, MatchStatus.AMBIGUOUS, None, hits[0].kind, share, candidates, None,
        f"{display(address.raw)} fits {len(users)} ClassLink records equally well: "
        f"{notes.candidate_list(users)}; check which teacher is meant before changing it",
    )


def student(address: Address, students: list[RosterUser]) -> MatchResult:
    first = students[0]
    sure = 1.0 if first.email == address.raw else 0.99
    return MatchResult(
        address.raw, MatchStatus.STUDENT, None, None, sure,
        tuple(Candidate.of(s, score=sure, reason="student record") for s in students), None,
        f"{display(address.raw)} belongs to {notes.who(first)} in ClassLink "
        f"({first.email}), not a teacher",
    )


def inactive(
    index: RosterIndex, address: Address, positions: list[int], via: str | None
) -> MatchResult:
    """Only tobedeleted/disabled staff fit: point to the same person's active record."""
    old = [index.users[p] for p in positions]
    old_emails = {u.email for u in old}
    active: dict[str, int] = {}
    namesakes: dict[str, tuple[int, str]] = {}  # same name, but something says two people
    for user in old:
        for p in index.people.get(person_key(user), ()):
            if index.users[p].email and index.users[p].email not in old_emails:
                why = why_two_people(user, index.users[p])
                if why:
                    namesakes.setdefault(index.users[p].email, (p, why))
                else:
                    active.setdefault(index.users[p].email, p)
    for email in active:
        namesakes.pop(email, None)
    raw = address.raw
    # A disabled record can simply be enabled; prefer it to one marked for deletion.
    record = next((u for u in old if not is_deleted(u)), old[0])
    old_candidates = tuple(Candidate.of(u, score=0.0, reason="inactive record") for u in old)
    if len(active) == 1:
        teacher = index.users[next(iter(active.values()))]
        confidence = INACTIVE_RECORD_CONFIDENCE * DOMAIN_FACTOR.get(via or "", 1.0)
        state = "marks for deletion" if is_deleted(record) else "has disabled"
        reason = (f"the license address is on record {record.sourced_id}, which ClassLink "
                  f"{state}; the same person's active record {teacher.sourced_id} "
                  "uses the new address")
        candidates = (Candidate.of(teacher, score=confidence, reason="active record"),
                      *old_candidates)
        return fix(address, teacher, Kind.INACTIVE_RECORD, confidence, reason, candidates)
    if len(active) > 1:
        hits = [Hit(p, 0, Kind.INACTIVE_RECORD, 0.5, "an active record with the same name")
                for p in active.values()]
        return ambiguous(index, address, hits)
    found = f"({notes.who(record)}, {record.email}, sourcedId {record.sourced_id})"
    others = tuple(Candidate.of(index.users[p], score=0.0, reason=f"same name, but {why}")
                   for p, why in namesakes.values())
    aside = "".join(f"; ClassLink also sends {notes.who(index.users[p])} ({email}), not "
                    f"suggested: {why}" for email, (p, why) in namesakes.items())
    if is_deleted(record):
        note = (f"{display(raw)} is only on a ClassLink record marked for deletion {found}, "
                "and no active record of the same person was found; the district must restore "
                "that record (set its status back to active in the SIS) or send the teacher's "
                "current record")
    else:
        note = (f"{display(raw)} is only on a ClassLink account that is disabled {found}, and "
                "no active record of the same person was found; the district must enable the "
                "account in ClassLink")
    return MatchResult(raw, MatchStatus.INACTIVE, None, via,
                       1.0 if record.email == raw else 0.95, old_candidates + others, record,
                       note + aside)


def is_deleted(user: RosterUser) -> bool:
    """Marked for deletion (tobedeleted), whether or not it is also disabled."""
    return user.status == "tobedeleted"


def not_found(index: RosterIndex, address: Address, resolution: DomainResolution) -> MatchResult:
    raw = address.raw
    no_email = _no_email_teacher(index, address)
    if no_email is not None:
        return MatchResult(raw, MatchStatus.NOT_FOUND, None, Kind.NO_EMAIL, 0.0,
                           (Candidate.of(no_email, score=0.0, reason="no email"),), no_email,
                           f"ClassLink sends {notes.who(no_email)} without an email address, "
                           f"so {display(raw)} cannot match; ask the district to add it")
    if resolution.withheld:
        return _alias_withheld(index, address, resolution)
    elsewhere = _same_local_elsewhere(index, address)
    candidates = tuple(Candidate.of(u, score=0.0, reason="same mailbox name, other domain")
                       for u in elsewhere)
    if resolution.reason == Kind.PERSONAL_ADDRESS:
        hint = (f"; ClassLink sends {notes.candidate_list(elsewhere)}, which may be the same "
                "person: the license must use the district address") if elsewhere else ""
        return MatchResult(raw, MatchStatus.NOT_FOUND, None, Kind.PERSONAL_ADDRESS, 0.0,
                           candidates, None,
                           f"{display(raw)} is a personal address ClassLink does not send{hint}")
    if elsewhere:
        return MatchResult(raw, MatchStatus.NOT_FOUND, None, Kind.OTHER_DOMAIN, 0.0,
                           candidates, None,
                           f"ClassLink sends no teacher with {display(raw)}; "
                           f"{notes.candidate_list(elsewhere)} is on another roster domain and "
                           "may be a different person, so it is not suggested")
    if resolution.reason == Kind.UNKNOWN_DOMAIN:
        return MatchResult(raw, MatchStatus.NOT_FOUND, None, Kind.UNKNOWN_DOMAIN, 0.0, (), None,
                           f"ClassLink sends no one on {address.domain}, and no roster "
                           f"teacher has the mailbox name {address.local}")
    return MatchResult(raw, MatchStatus.NOT_FOUND, note=(
        f"ClassLink sends no teacher or administrator with {display(raw)}, nor a safe "
        "near-miss of it"))


def _alias_withheld(
    index: RosterIndex, address: Address, resolution: DomainResolution
) -> MatchResult:
    """The mailbox name is on one roster domain, but too little says the license's domain is
    that domain's old or alias one: the record is listed (score 0), never suggested."""
    home = resolution.withheld
    staff = [index.users[p] for p in index.by_key.get(f"{address.local}@{home}", ())
             if index.users[p].is_staff]
    candidates = tuple(Candidate.of(u, score=0.0, reason=f"same mailbox name on {home}; "
                                    "not suggested") for u in staff)
    listed = (f"; {notes.candidate_list(staff)} has the same mailbox name on {home} but is "
              "not suggested") if staff else ""
    return MatchResult(
        address.raw, MatchStatus.NOT_FOUND, None, Kind.UNKNOWN_DOMAIN, 0.0, candidates, None,
        f"ClassLink sends no one on {address.domain}{listed}: {resolution.evidence}")


def _same_local_elsewhere(index: RosterIndex, address: Address) -> list[RosterUser]:
    return [
        index.users[p]
        for other in sorted(index.local_domains.get(address.local, ()))
        if other != address.domain
        for p in index.by_key.get(f"{address.local}@{other}", ())
        if index.users[p].is_staff and index.users[p].active
    ]


def _no_email_teacher(index: RosterIndex, address: Address) -> RosterUser | None:
    """The one active staff member rostered without an email whose name the address spells."""
    core = letters(address.local)
    if len(core) < 3:
        return None
    found = set()
    for p in name_candidates(index, core, ""):
        form = index.forms(p).get(core)
        if form is not None and index.users[p].active:
            found.add(p)
    return index.users[found.pop()] if len(found) == 1 else None
