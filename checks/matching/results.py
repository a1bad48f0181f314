"""What the matcher says about one license email, and the JSON shape the CLI prints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from checks.models import RosterUser


class MatchStatus(StrEnum):
    EXACT = "exact"  # byte-identical to an active teacher's or administrator's roster email
    FIX = "fix"  # one teacher fits; `suggestion` is the roster's exact string
    AMBIGUOUS = "ambiguous"  # two or more equally good candidates; never a confident fix
    STUDENT = "student"  # the address (exact or normalised) belongs to a student
    INACTIVE = "inactive"  # only a tobedeleted/disabled staff record has it (`teacher`)
    NOT_FOUND = "not_found"


class Kind(StrEnum):
    """Why a result is what it is; `MatchResult.kind` holds one of these (as a plain str)."""

    CASE = "case"
    WHITESPACE = "whitespace"
    FORMAT = "format"  # mailto:, <angle brackets>, quotes, trailing commas
    UNICODE = "unicode"  # full-width or compatibility characters
    PLUS = "plus"
    GMAIL = "gmail"
    ACCENTS = "accents"
    TYPO = "typo"
    DOMAIN = "domain"
    ALIAS_DOMAIN = "alias_domain"
    OLD_DOMAIN = "old_domain"  # a roster domain shown (by roster or license) to be a former one
    SCHEME = "scheme"
    NICKNAME = "nickname"
    USERNAME = "username"
    INACTIVE_RECORD = "inactive_record"
    DUPLICATE = "duplicate"
    SHARED_MAILBOX = "shared_mailbox"
    MALFORMED = "malformed"
    NOT_STAFF = "not_staff"  # an aide, guardian or other non-teaching role
    NO_EMAIL = "no_email"  # the teacher is rostered without an email
    OTHER_DOMAIN = "other_domain"  # the same local part exists only on another known domain
    PERSONAL_ADDRESS = "personal_address"  # gmail.com, outlook.com, ... not on the roster
    UNKNOWN_DOMAIN = "unknown_domain"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One roster record the matcher considered; `score` is on the confidence scale."""

    email: str
    sourced_id: str
    given_name: str
    family_name: str
    score: float
    reason: str

    @classmethod
    def of(cls, user: RosterUser, *, score: float, reason: str) -> Candidate:
        return cls(user.email, user.sourced_id, user.given_name, user.family_name, score, reason)

    def to_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "sourcedId": self.sourced_id,
            "givenName": self.given_name,
            "familyName": self.family_name,
            "score": round(self.score, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The verdict on one license email.

    `confidence` is how sure we are of the record named (`teacher`, or the student for
    `student`): 1.0 for exact, lower for each kind of repair, 0.0 when nothing is named.
    `duplicate_of` is the 0-based row that first named the same teacher (kind "duplicate").
    """

    license_email: str
    status: MatchStatus
    suggestion: str | None = None
    kind: str | None = None
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    teacher: RosterUser | None = None
    note: str = ""
    duplicate_of: int | None = None

    def to_json(self) -> dict[str, Any]:
        teacher = self.teacher
        return {
            "license_email": self.license_email,
            "status": str(self.status),
            "suggestion": self.suggestion,
            "kind": None if self.kind is None else str(self.kind),
            "confidence": round(self.confidence, 3),
            "candidates": [c.to_json() for c in self.candidates],
            "teacher": None if teacher is None else {
                "givenName": teacher.given_name,
                "familyName": teacher.family_name,
                "sourcedId": teacher.sourced_id,
            },
        }


def summarize(results: Sequence[MatchResult]) -> dict[str, Any]:
    """Counts per status and per kind, for the CLI's `summary` and the bench."""
    statuses = Counter(str(r.status) for r in results)
    kinds = Counter(str(r.kind) for r in results if r.kind)
    return {
        "rows": len(results),
        **{str(s): statuses.get(str(s), 0) for s in MatchStatus},
        "duplicates": kinds.get(Kind.DUPLICATE, 0),
        "kinds": dict(sorted(kinds.items())),
    }


def results_json(results: Sequence[MatchResult]) -> dict[str, Any]:
    return {"results": [r.to_json() for r in results], "summary": summarize(results)}
