"""Rules 4 and 5: which staff members a local part names, or misspells, inside one domain.

Both return `Hit`s; `verdicts.decide` turns them into a fix only when one person fits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from checks.matching.guards import same_person_typo
from checks.matching.names import Level, is_shared_mailbox, letters
from checks.matching.nicknames import equivalents
from checks.matching.normalize import Address, local_digits, separators
from checks.matching.results import Kind

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex

LEVEL_CONFIDENCE = {
    Level.USERNAME: 0.93, Level.FULL: 0.9, Level.NICKNAME: 0.85, Level.INITIAL: 0.8,
}
TYPO_CONFIDENCE = {1: 0.85, 2: 0.75}
MIN_TYPO_LENGTH = 4
_THREE_WORDS = frozenset({"g+mi+f", "g+m+f", "gi+mi+f", "f+gi+mi"})
LONG_LOCAL = 12  # local parts this long may carry two edits


@dataclass(frozen=True, slots=True)
class Hit:
    """A roster user that fits, at a rank (lower is better), with its confidence and reason."""

    position: int
    rank: int
    kind: str
    confidence: float
    reason: str
    safe: bool = True  # False: counts as a fit for ambiguity but must not become a fix


def ascii_local(local: str) -> str:
    """`josé.garcía` -> `jose.garcia`."""
    if local.isascii():
        return local
    decomposed = unicodedata.normalize("NFKD", local)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_hits(index: RosterIndex, address: Address, domain: str) -> list[Hit]:
    """Rule 4: the local part is a form of a staff member's name (or their username)."""
    hits = [
        Hit(p, Level.USERNAME, Kind.USERNAME, LEVEL_CONFIDENCE[Level.USERNAME],
            f"{address.local} is this person's ClassLink username")
        for p in index.usernames.get((domain, address.local), ())
    ]
    core = letters(address.local)
    if len(core) < 3:
        return hits
    digits, seps = local_digits(address.local), separators(address.local)
    native = index.native_patterns(domain)
    for position in name_candidates(index, core, domain):
        form = index.forms(position).get(core)
        if form is None:
            continue
        if form.level != Level.NICKNAME and (form.pattern, seps) in native:
            continue  # it looks like a real mailbox of someone ClassLink does not send
        if seps and form.pattern in _THREE_WORDS and len(seps) != 2:
            continue  # anna.morgan is not Ann A. Morgan: a written middle is its own word
        roster = index.address(position)
        roster_digits = local_digits(roster.local) if roster is not None else ""
        if digits and digits != roster_digits:
            continue  # jsmith3 does not name jsmith2's owner
        # jsmith for jsmith2's owner: they fit (so they count for ambiguity), but not safely.
        safe = digits == roster_digits or form.level != Level.INITIAL
        if form.level == Level.NICKNAME:
            kind, reason = Kind.NICKNAME, f"the same person under a nickname ({form.how})"
        else:
            kind, reason = Kind.SCHEME, f"the same name in the district's address form ({form.how})"
        hits.append(Hit(position, form.level, kind, LEVEL_CONFIDENCE[form.level], reason, safe))
    return hits


def name_candidates(index: RosterIndex, core: str, domain: str) -> set[int]:
    """Staff whose family name starts or ends `core`, or whose given name (or one of its
    nicknames) is `core` minus a last initial. Only these can have `core` as a name form."""
    found: set[int] = set(index.family.get((domain, core), ()))
    for cut in range(1, len(core) - 1):
        found.update(index.family.get((domain, core[cut:]), ()))
        found.update(index.family.get((domain, core[: len(core) - cut]), ()))
    given = core[:-1]
    for name in (given, *equivalents(given)):
        found.update(index.given.get((domain, name), ()))
    return found


def typo_hits(index: RosterIndex, address: Address, domain: str) -> list[Hit]:
    """Rule 5: one edit (two for long local parts) inside one name piece, identity guarded."""
    local = ascii_local(address.local)
    bucket = index.typo_buckets.get((domain, local[:1]))
    if len(local) < MIN_TYPO_LENGTH or not bucket:
        return []
    limit = 2 if len(local) >= LONG_LOCAL else 1
    hits: list[Hit] = []
    for roster_local, distance, _ in process.extract(
        local, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
    ):
        edits = int(distance)
        if edits == 0 or (edits == 2 and len(roster_local) < LONG_LOCAL):
            continue
        for position in index.by_key.get(f"{roster_local}@{domain}", ()):
            user = index.users[position]
            if not user.is_staff or is_shared_mailbox(user):
                continue
            if same_person_typo(local, roster_local, user, index.vocabulary):
                size = "one-letter" if edits == 1 else "two-letter"
                hits.append(Hit(position, edits, Kind.TYPO, TYPO_CONFIDENCE[edits],
                                f"a {size} typo of {roster_local}"))
    return hits
