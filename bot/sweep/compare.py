"""What changed since the previous sweep (pure: outcomes and stored results in, groups out).

A license is *broken* when a step fails or cannot be checked (status fail or unknown); a warning
alone is not broken. Each license of a sweep lands in one group:

- `classlink_errors`: ClassLink could not be asked or read for it this time. Nothing is said
  about whether it broke or recovered; its "broken since" carries over.
- `newly_broken`: it was checked before and was not broken; now it is. `new_codes` are the
  findings that appeared (the change), in step order.
- `first_broken`: broken, and never checked by an earlier sweep (a new license, or the first
  sweep). Broken "since" this sweep, as far as the watch knows.
- `still_broken`: broken then and now; `since` is when a sweep first found it broken, and
  `new_codes` / `gone_codes` say whether what breaks it changed.
- `recovered`: broken before, not now.
- `warnings`: only warnings now (counted, listed in the details).
- everything else passes (counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.store.sweeps import NewResult, StoredResult
from checks.models import Status
from checks.sweep import LicenseOutcome

BROKEN = frozenset({str(Status.FAIL), str(Status.UNKNOWN)})


def is_broken(status: str) -> bool:
    return status in BROKEN


@dataclass(frozen=True, slots=True)
class Change:
    """One license in a sweep, beside what the previous sweep found."""

    license_id: str
    license_name: str
    district: str
    status: str  # now
    was: str | None  # the previous checked result's status; None when never checked
    steps: dict[str, str]
    findings: dict[str, int]  # code -> findings that do not pass, in step order
    primary: str  # the finding that breaks it first ("" when nothing does)
    new_codes: tuple[str, ...] = ()  # not passing now, absent from the previous result
    gone_codes: tuple[str, ...] = ()  # in the previous result, not now
    since: dt.datetime | None = None  # broken since (first sweep in a row that found it so)
    classlink_error: str = ""
    outcome: LicenseOutcome | None = field(default=None, repr=False, compare=False)

    @property
    def changed(self) -> tuple[str, ...]:
        """The finding that changed: the new codes, else what breaks it."""
        return self.new_codes or ((self.primary,) if self.primary else ())


@dataclass(frozen=True, slots=True)
class Comparison:
    started_at: dt.datetime
    licenses: int
    newly_broken: tuple[Change, ...] = ()
    first_broken: tuple[Change, ...] = ()
    still_broken: tuple[Change, ...] = ()
    recovered: tuple[Change, ...] = ()
    classlink_errors: tuple[Change, ...] = ()
    warnings: tuple[Change, ...] = ()
    passing: int = 0
    compared: bool = False  # an earlier sweep had results to compare with

    @property
    def broken(self) -> tuple[Change, ...]:
        """Every license broken now, whatever its story."""
        return self.newly_broken + self.first_broken + self.still_broken

    def counts(self) -> dict[str, int]:
        return {"licenses": self.licenses, "pass": self.passing, "warn": len(self.warnings),
                "broken": len(self.broken), "newly_broken": len(self.newly_broken),
                "first_broken": len(self.first_broken),
                "still_broken": len(self.still_broken), "recovered": len(self.recovered),
                "classlink_errors": len(self.classlink_errors)}

    def to_json(self) -> dict[str, Any]:
        def rows(changes: Sequence[Change]) -> list[dict[str, Any]]:
            return [{"license_id": c.license_id, "license_name": c.license_name,
                     "status": c.status, "was": c.was, "steps": c.steps, "findings": c.findings,
                     "primary": c.primary, "new_codes": list(c.new_codes),
                     "gone_codes": list(c.gone_codes),
                     "since": c.since.isoformat() if c.since else None,
                     "classlink_error": c.classlink_error} for c in changes]

        return {"counts": self.counts(), "compared": self.compared,
                "newly_broken": rows(self.newly_broken), "first_broken": rows(self.first_broken),
                "still_broken": rows(self.still_broken), "recovered": rows(self.recovered),
                "classlink_errors": rows(self.classlink_errors), "warnings": rows(self.warnings)}


def compare(outcomes: Sequence[LicenseOutcome], previous: Mapping[str, StoredResult], *,
            started_at: dt.datetime, compared: bool | None = None) -> Comparison:
    """Sort each outcome into its group (see the module's docstring). `previous`: each
    license's newest checked result from an earlier sweep."""
    groups: dict[str, list[Change]] = {k: [] for k in (
        "newly_broken", "first_broken", "still_broken", "recovered", "classlink_errors",
        "warnings")}
    passing = 0
    for outcome in outcomes:
        before = previous.get(outcome.license_id)
        change = _change(outcome, before, started_at)
        if outcome.classlink_error:
            groups["classlink_errors"].append(change)
        elif is_broken(outcome.status):
            key = ("first_broken" if before is None else
                   "still_broken" if is_broken(before.status) else "newly_broken")
            groups[key].append(change)
        elif before is not None and is_broken(before.status):
            groups["recovered"].append(change)
        elif outcome.status == Status.WARN:
            groups["warnings"].append(change)
        else:
            passing += 1
    groups["still_broken"].sort(key=lambda c: (c.since or started_at, c.license_id))
    return Comparison(
        started_at=started_at, licenses=len(outcomes),
        newly_broken=tuple(groups["newly_broken"]), first_broken=tuple(groups["first_broken"]),
        still_broken=tuple(groups["still_broken"]), recovered=tuple(groups["recovered"]),
        classlink_errors=tuple(groups["classlink_errors"]), warnings=tuple(groups["warnings"]),
        passing=passing, compared=bool(previous) if compared is None else compared)


def _change(outcome: LicenseOutcome, before: StoredResult | None,
            started_at: dt.datetime) -> Change:
    was = before.findings if before is not None else {}
    new = tuple(c for c in outcome.findings if c not in was) if before is not None else ()
    gone = tuple(c for c in was if c not in outcome.findings)
    return Change(
        license_id=outcome.license_id, license_name=outcome.license_name,
        district=outcome.district, status=outcome.status,
        was=before.status if before is not None else None, steps=dict(outcome.steps),
        findings=dict(outcome.findings), primary=outcome.primary, new_codes=new,
        gone_codes=gone, since=broken_since(outcome, before, started_at),
        classlink_error=outcome.classlink_error, outcome=outcome)


def broken_since(outcome: LicenseOutcome, before: StoredResult | None,
                 started_at: dt.datetime) -> dt.datetime | None:
    """When a sweep first found the license broken, in the run that continues now; None when it
    is not broken (or, not checked, was not broken before)."""
    was_broken = before is not None and is_broken(before.status)
    if outcome.classlink_error:
        return (before.broken_since or before.at) if was_broken and before else None
    if not is_broken(outcome.status):
        return None
    if was_broken and before is not None:
        return before.broken_since or before.at
    return started_at


def to_store(outcomes: Sequence[LicenseOutcome], comparison: Comparison) -> list[NewResult]:
    """What the store keeps of each outcome."""
    since = {c.license_id: c.since for group in (
        comparison.newly_broken, comparison.first_broken, comparison.still_broken,
        comparison.classlink_errors) for c in group}
    return [NewResult(
        license_id=o.license_id, status=o.status, checked=not o.classlink_error,
        result={"license_name": o.license_name, "district": o.district, "steps": o.steps,
                "findings": [[code, n] for code, n in o.findings.items()],
                "counts": o.counts, "primary": o.primary,
                "classlink_error": o.classlink_error},
        broken_since=since.get(o.license_id)) for o in outcomes]
