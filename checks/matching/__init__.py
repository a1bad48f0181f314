"""Near-miss matching of license emails against the roster ClassLink sends (pure, no I/O).

    index = RosterIndex.build(users)            # once per roster
    results = match_rows(index, license_emails)  # one MatchResult per email, in input order
    results = match_emails(license_emails, users)   # the same in one call (step 2)

A result is `exact` only when the license string is byte-identical to an active teacher's or
administrator's roster email; a `fix` carries the roster's exact string as `suggestion` and is
given only when one person fits; otherwise `ambiguous`, `student`, `inactive` or `not_found`,
with `note` saying why in a sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from checks.matching.index import RosterIndex
from checks.matching.matcher import match_rows
from checks.matching.results import (
    Candidate,
    Kind,
    MatchResult,
    MatchStatus,
    results_json,
    summarize,
)
from checks.models import RosterUser

__all__ = [
    "Candidate",
    "Kind",
    "MatchResult",
    "MatchStatus",
    "RosterIndex",
    "match_emails",
    "match_rows",
    "results_json",
    "summarize",
]


def match_emails(license_emails: Sequence[str], users: Iterable[RosterUser]) -> list[MatchResult]:
    """One result per license email, in input order (duplicates detected across rows)."""
    return match_rows(RosterIndex.build(users), license_emails)
