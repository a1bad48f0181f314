"""A roster person's names folded into the address forms a district might give them.

Folding drops accents (José -> jose), apostrophes (O'Brien -> obrien) and separators; hyphenated
and multi-word names also yield their significant parts (Garcia-Lopez -> garcia, lopez).
Forms are compared without separators, so `john.smith`, `john_smith` and `johnsmith` are one form.
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum
from functools import lru_cache
from typing import NamedTuple

from checks.matching.nicknames import equivalents
from checks.models import RosterUser

# Letters NFKD does not decompose into a base letter plus accents.
_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
})
_PARTICLES = frozenset({
    "de", "del", "della", "la", "las", "los", "van", "von", "der", "den", "di", "da", "le", "du",
    "st", "dos", "das", "el", "mac", "y",
})
_APOSTROPHES = re.compile(r"['’‘`ʼ]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_NOT_LETTERS = re.compile(r"[^a-z]+")
# Local parts that name a role or a room, not a person.
SHARED_WORDS = frozenset({
    "library", "librarian", "media", "mediacenter", "office", "frontoffice", "mainoffice",
    "frontdesk", "attendance", "admin", "administrator", "admissions", "info", "information",
    "principal", "viceprincipal", "counselor", "counseling", "counselling", "guidance", "nurse",
    "healthoffice", "registrar", "records", "tech", "techsupport", "technology", "helpdesk",
    "support", "noreply", "donotreply", "reception", "secretary", "staff", "teachers", "faculty",
    "hr", "payroll", "business", "businessoffice", "webmaster", "postmaster", "enrollment",
    "enrolment", "transportation", "cafeteria", "foodservice", "maintenance", "security",
    "district", "superintendent", "sped", "specialeducation", "athletics", "science",
    "scienceteachers", "mathteachers", "testing", "bookstore", "main", "contact", "it",
})


class Level(IntEnum):
    """How strongly a form names a person; lower is stronger."""

    USERNAME = 0  # the roster's own username for the person
    FULL = 1  # full given and family name, e.g. john.smith, smith.john, john.q.smith
    NICKNAME = 2  # bill.smith for William Smith
    INITIAL = 3  # an initial stands for a name: jsmith, smithj, johns


class NameForm(NamedTuple):
    """A NamedTuple, not a dataclass: tens of thousands are made per license, and a frozen
    dataclass's __init__ costs five times as much."""

    level: Level
    how: str  # for the note, e.g. "first initial + last name"
    pattern: str  # e.g. "g+f", "gi+f", "f+gi", "n+f" (n: a nickname)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case letters and digits only; accents, apostrophes and separators removed."""
    return "".join(fold_parts(text))


@lru_cache(maxsize=65536)
def fold_parts(text: str) -> tuple[str, ...]:
    """Folded words of a name: "Garcia-López" -> ("garcia", "lopez"); "O'Brien" -> ("obrien",)."""
    if not text:
        return ()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL))
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text.lower())
    return tuple(p for p in _SEPARATORS.split(text) if p)


def person_key(user: RosterUser) -> tuple[str, str]:
    """Two records with the same folded given and family name are taken to be one person
    (unless `why_two_people` finds a reason they are not)."""
    return fold(user.given_name), fold(user.family_name)


_DIGITS = re.compile(r"[0-9]+")


def why_two_people(one: RosterUser, other: RosterUser) -> str:
    """Why two records of the same name are two people, or "" when nothing says so.

    A name is not an identity: two middle names that disagree (Gregory M. and Gregory L.
    Smith), or two addresses that are numbered siblings on one domain (luke.clark and
    luke.clark2: the mail system gave the second one a number because the first was taken,
    so both existed at once), are two people."""
    a, b = fold(one.middle_name), fold(other.middle_name)
    if a and b and (a[0] != b[0] or (len(a) > 1 and len(b) > 1 and a != b)):
        return (f"different middle names ({one.middle_name} and {other.middle_name}), so "
                "it may be a different person")
    local_a, _, domain_a = one.email.lower().partition("@")
    local_b, _, domain_b = other.email.lower().partition("@")
    if (local_a and domain_a == domain_b and local_a != local_b
            and _DIGITS.sub("", local_a) == _DIGITS.sub("", local_b)):
        return (f"{one.email} and {other.email} differ only by a number, as the mail system "
                "numbers a second mailbox of the same name, so it may be a different person")
    return ""


def letters(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalpha())


@lru_cache(maxsize=65536)
def given_variants(given: str) -> tuple[str, ...]:
    """"Mary Ann" -> ("maryann", "mary"); a lone initial is not a usable variant."""
    return _variants(given, keep_parts="first")


@lru_cache(maxsize=65536)
def family_variants(family: str) -> tuple[str, ...]:
    """"De La Cruz" -> ("delacruz", "cruz"); "Smith-Jones" -> ("smithjones", "smith", "jones")."""
    return _variants(family, keep_parts="all")


def _variants(name: str, *, keep_parts: str) -> tuple[str, ...]:
    parts = [p for p in fold_parts(name) if p.isalpha() or any(c.isalpha() for c in p)]
    parts = ["".join(c for c in p if c.isalpha()) for p in parts]
    parts = [p for p in parts if p]
    if not parts:
        return ()
    found = ["".join(parts)]
    significant = [p for p in parts if len(p) >= 2 and p not in _PARTICLES]
    if len(parts) > 1 and significant:
        found.append(significant[0])
        if keep_parts == "all":
            found.append(significant[-1])
    return tuple(dict.fromkeys(v for v in found if len(v) >= 2))


def middle_variants(middle: str) -> tuple[str, ...]:
    parts = [p for p in fold_parts(middle) if p.isalpha()]
    return (parts[0],) if parts else ()


PATTERN_WORDS = {
    "g+f": "first name + last name", "f+g": "last name + first name",
    "gi+f": "first initial + last name", "f+gi": "last name + first initial",
    "g+fi": "first name + last initial", "g+mi+f": "first name + middle initial + last name",
    "g+m+f": "first, middle and last name", "gi+mi+f": "initials + last name",
    "f+gi+mi": "last name + initials", "n+f": "nickname + last name",
    "f+n": "last name + nickname",
}
_LEVELS = {"g+f": Level.FULL, "f+g": Level.FULL, "g+mi+f": Level.FULL, "g+m+f": Level.FULL,
           "n+f": Level.NICKNAME, "f+n": Level.NICKNAME}


def name_forms(user: RosterUser) -> dict[str, NameForm]:
    """Every separator-free form of the user's name, each with its strongest level."""
    forms: dict[str, NameForm] = {}
    middles = middle_variants(user.middle_name)
    for family in family_variants(user.family_name):
        for given in given_variants(user.given_name):
            for form, pattern in person_forms(given, family, middles):
                _add(forms, form, pattern, "")
            for nick in equivalents(given):
                for form, pattern in ((nick + family, "n+f"), (family + nick, "f+n")):
                    _add(forms, form, pattern, f"{nick} for {given}, ")
    return forms


def _add(forms: dict[str, NameForm], form: str, pattern: str, prefix: str) -> None:
    level = _LEVELS.get(pattern, Level.INITIAL)
    if len(form) >= 3 and (form not in forms or level < forms[form].level):
        forms[form] = NameForm(level, prefix + PATTERN_WORDS[pattern], pattern)


def person_forms(
    given: str, family: str, middles: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(form, pattern) for one given/family variant pair; nicknames are added by the caller."""
    g, f = given[0], family[0]
    found = [
        (given + family, "g+f"), (family + given, "f+g"), (g + family, "gi+f"),
        (family + g, "f+gi"), (given + f, "g+fi"),
    ]
    for middle in middles:
        found += [
            (given + middle[0] + family, "g+mi+f"), (given + middle + family, "g+m+f"),
            (g + middle[0] + family, "gi+mi+f"), (family + g + middle[0], "f+gi+mi"),
        ]
    return found


def own_pattern(user: RosterUser, core: str) -> str | None:
    """Which pattern the user's own address follows (`core`: its letters), if any."""
    middles = middle_variants(user.middle_name)
    for family in family_variants(user.family_name):
        for given in given_variants(user.given_name):
            for form, pattern in person_forms(given, family, middles):
                if form == core:
                    return pattern
    return None


def segment_pieces(user: RosterUser) -> dict[str, bool]:
    """Name pieces a roster local part may be cut into; True marks a one-letter initial."""
    pieces: dict[str, bool] = {}
    names = (
        given_variants(user.given_name)
        + family_variants(user.family_name)
        + middle_variants(user.middle_name)
    )
    for name in names:
        pieces[name] = len(name) == 1  # a one-letter middle name is an initial too
        pieces.setdefault(name[0], True)
    return pieces


def segment(token: str, pieces: dict[str, bool]) -> list[tuple[int, int, str]]:
    """Cut `token` into name pieces, leaving as few letters as possible unexplained:
    [(start, end, "name" | "initial" | "opaque")]. `meganjohnsonstm` -> megan|johnson|stm."""
    # best[i]: (unexplained letters, pieces, cut) for token[i:]
    best: list[tuple[int, int, list[tuple[int, int, str]]]] = [(0, 0, [])] * (len(token) + 1)
    for start in range(len(token) - 1, -1, -1):
        gap, count, rest = best[start + 1]
        option = (gap + 1, count + 1, [(start, start + 1, "opaque"), *rest])
        for piece, initial in pieces.items():
            if token.startswith(piece, start):
                gap, count, rest = best[start + len(piece)]
                kind = "initial" if initial else "name"
                candidate = (gap, count + 1, [(start, start + len(piece), kind), *rest])
                if candidate[:2] < option[:2]:
                    option = candidate
        best[start] = option
    merged: list[tuple[int, int, str]] = []
    for a, b, kind in best[0][2]:
        if merged and kind == "opaque" and merged[-1][2] == "opaque":
            merged[-1] = (merged[-1][0], b, "opaque")
        else:
            merged.append((a, b, kind))
    return merged


def is_shared_mailbox_local(local: str) -> bool:
    """`library@`, `office2@`, `front.office@`: a role or room, not a person."""
    return _NOT_LETTERS.sub("", local) in SHARED_WORDS


def is_shared_mailbox(user: RosterUser) -> bool:
    local = user.email.partition("@")[0].lower()
    if is_shared_mailbox_local(local):
        return True
    given, family = letters(user.given_name), letters(user.family_name)
    return given in SHARED_WORDS and (not family or family in SHARED_WORDS)
