"""Rules 4 and 5: which staff members a local part names, or misspells, inside one domain.

Both return `Hit`s; `verdicts.decide` turns them into a fix only when one person fits. A hit
that fits but not safely (`safe=False`) still counts for ambiguity: a short name form that the
domain's own address form reads as someone else (russellb where addresses are lastf), a
formal name read as a nickname in the district's own form (sandra.williams for Alexandra), a
mailbox as close to the typed address that the typo guard will not vouch for, or a long
address two slips away beside one a single slip away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from checks.matching.census_names import CENSUS_FAMILY, CENSUS_GIVEN
from checks.matching.guards import same_person_typo
from checks.matching.names import Level, NameForm, family_variants, is_shared_mailbox, letters
from checks.matching.nicknames import equivalents, is_formal_name
from checks.matching.normalize import Address, local_digits, separators
from checks.matching.results import Kind

if TYPE_CHECKING:
    from checks.matching.index import RosterIndex
    from checks.models import RosterUser

LEVEL_CONFIDENCE = {
    Level.USERNAME: 0.93, Level.FULL: 0.9, Level.NICKNAME: 0.85, Level.INITIAL: 0.8,
}
TYPO_CONFIDENCE = {1: 0.85, 2: 0.75}
MIN_TYPO_LENGTH = 4
_THREE_WORDS = frozenset({"g+mi+f", "g+m+f", "gi+mi+f", "f+gi+mi"})
LONG_LOCAL = 12  # local parts this long may carry two edits
_WORD_CHARS = re.compile(r"[^a-z0-9]+")
_NO_FORM = NameForm(Level.INITIAL, "", "")


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
        if form.level == Level.INITIAL and native_reading(index, core, seps, domain,
                                                          besides=form.pattern):
            safe = False  # russellb for Russell Brown, where lastf makes it a Russell B.
        if form.level == Level.NICKNAME and _formal_in_own_form(index.users[position], core,
                                                                form.pattern, seps, native):
            safe = False  # sandra.williams is Sandra Williams's own address before Alexandra's
        if form.level == Level.NICKNAME:
            kind, reason = Kind.NICKNAME, f"the same person under a nickname ({form.how})"
        else:
            kind, reason = Kind.SCHEME, f"the same name in the district's address form ({form.how})"
        hits.append(Hit(position, form.level, kind, LEVEL_CONFIDENCE[form.level], reason, safe))
    return hits


# A domain's own initial-based address forms, and where the name is in the letters of one.
_READINGS: dict[str, tuple[str, slice]] = {
    "gi+f": ("family", slice(1, None)), "f+gi": ("family", slice(None, -1)),
    "g+fi": ("given", slice(None, -1)), "gi+mi+f": ("family", slice(2, None)),
    "f+gi+mi": ("family", slice(None, -2)),
}


def native_reading(
    index: RosterIndex, core: str, seps: str, domain: str, *, besides: str = ""
) -> str:
    """The pattern (other than `besides`) of the domain's own address forms in which `core`,
    a local part's letters, reads as another plausible person: `russellb` in a district of
    last name + initial addresses is a Russell B. (f+gi); `tmmartinez` where addresses carry
    a middle initial is a T. M. Martinez (gi+mi+f). "" when it reads as no one."""
    for pattern, native_seps in index.native_patterns(domain):
        reading = _READINGS.get(pattern)
        if reading is None or native_seps != seps or pattern == besides:
            continue
        which, part = reading
        name = core[part]
        if len(name) >= 2 and (
            (which == "family" and (name in CENSUS_FAMILY or (domain, name) in index.family))
            or (which == "given" and (name in CENSUS_GIVEN or (domain, name) in index.given))
        ):
            return pattern
    return ""


_AS_GIVEN = {"n+f": "g+f", "f+n": "f+g"}


def _formal_in_own_form(
    user: RosterUser, core: str, pattern: str, seps: str, native: frozenset[tuple[str, str]]
) -> bool:
    """The given name typed for this nickname fit is itself a formal name (sandra for
    Alexandra, john for Jack), in the district's own address form: then the address is that
    name's owner's before it is a nickname of someone else's."""
    if (_AS_GIVEN.get(pattern, ""), seps) not in native:
        return False
    for family in family_variants(user.family_name):
        if pattern == "n+f" and core.endswith(family):
            typed = core[: len(core) - len(family)]
        elif pattern == "f+n" and core.startswith(family):
            typed = core[len(family) :]
        else:
            continue
        if is_formal_name(typed):
            return True
    return False


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
    core = letters(local)
    reading = native_reading(index, core, separators(local), domain)
    limit = 2 if len(local) >= LONG_LOCAL - 1 else 1  # a long address less a letter, too
    hits: list[Hit] = []
    for roster_local, distance, _ in process.extract(
        local, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
    ):
        edits = int(distance)
        if edits == 0 or (edits == 2 and len(roster_local) < LONG_LOCAL):
            continue
        if _WORD_CHARS.sub("", roster_local) == _WORD_CHARS.sub("", local):
            continue  # only separators differ: a name form (rule 4) or no one, not a typo
        for position in index.by_key.get(f"{roster_local}@{domain}", ()):
            user = index.users[position]
            if not user.is_staff or is_shared_mailbox(user):
                continue
            if reading and index.forms(position).get(core, _NO_FORM).pattern != reading:
                continue  # tmmartinez is a T. M. Martinez's own address form, not tmartinez's
            size = "one-letter" if edits == 1 else "two-letter"
            if same_person_typo(local, roster_local, user, index.vocabulary):
                hits.append(Hit(position, edits, Kind.TYPO, TYPO_CONFIDENCE[edits],
                                f"a {size} typo of {roster_local}"))
            elif local_digits(local) == local_digits(roster_local):
                # a mailbox just as close that is not safely this one still competes
                # (a different number never does: jsmith3 is not jsmith2's)
                hits.append(Hit(position, edits, Kind.TYPO, TYPO_CONFIDENCE[edits],
                                f"as close to {roster_local} ({size} edit)", safe=False))
    safe = [h.rank for h in hits if h.safe]
    if not safe:
        return []
    best = min(safe)
    # Two slips are allowed in a long address, so a long address two slips away is as good an
    # explanation as one a single slip away: it competes (aaln.barnes: alan or aaron.barnes).
    return [h for h in hits if h.rank <= best] + [
        Hit(h.position, best, h.kind, h.confidence, h.reason, safe=False)
        for h in hits if h.safe and h.rank > best]
