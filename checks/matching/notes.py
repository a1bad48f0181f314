"""The sentence a support engineer reads for each result (step 2 turns it into a finding)."""

from __future__ import annotations

import unicodedata

from checks.matching.normalize import display, is_invisible
from checks.matching.results import Kind
from checks.models import Role, RosterUser


def who(user: RosterUser) -> str:
    """`teacher John Smith` / `administrator Ana Ruiz` / `student Li Wei` / `aide (no name)`."""
    role = {Role.ADMINISTRATOR: "administrator", Role.STUDENT: "student",
            Role.TEACHER: "teacher"}.get(user.role, str(user.role))
    return f"{role} {user.full_name or '(no name)'}"


def invisible_chars(raw: str) -> str:
    """"a no-break space (U+00A0) and a trailing space" — what the eye cannot see."""
    found: list[str] = []
    if raw != raw.strip(" \t"):
        found.append("leading or trailing spaces")
    for char in dict.fromkeys(c for c in raw if is_invisible(c) and c not in " \t"):
        name = unicodedata.name(char, "control character").lower()
        found.append(f"a {name} (U+{ord(char):04X})")
    return " and ".join(found) or "stray spaces"


def cleaning_reason(raw: str, changes: frozenset[str], kind: str) -> str:
    """What cleaning the license copy needed, e.g. "a zero width space (U+200B); letter case"."""
    clauses = {
        Kind.FORMAT: _format_clause(raw),
        Kind.UNICODE: "look-alike Unicode characters",
        Kind.WHITESPACE: invisible_chars(raw),
        Kind.CASE: "different letter case",
        Kind.PLUS: "a +tag that ClassLink does not send",
        Kind.GMAIL: "dots or googlemail.com, which Gmail ignores but Pivot does not",
        Kind.ACCENTS: "accents the roster address does not have",
    }
    present = [clauses[k] for k in clauses if k in changes or k == kind]
    return "the license copy has " + " and ".join(present)


def _format_clause(raw: str) -> str:
    if "@@" not in raw:
        return "extra characters around the address"
    stripped = raw.strip()
    wrapped = stripped[:1] in "\"'`<([{" or stripped.lower().startswith("mailto:") or (
        stripped[-1:] in "\"'`>)]},;:.")
    return "a doubled @" + (" and extra characters around the address" if wrapped else "")


def fix_note(raw: str, suggestion: str, teacher: RosterUser, reason: str) -> str:
    shown = display(raw)
    return f"the license has {shown}; ClassLink sends {suggestion} for {who(teacher)}: {reason}"


def candidate_list(users: list[RosterUser]) -> str:
    return "; ".join(f"{u.email or '(no email)'} ({who(u)})" for u in users)
