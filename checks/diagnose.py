"""Runs the three checks for one license: fetch through the clients, judge with the pure rules.

Source failures never escape as exceptions from `diagnose`: they become UNKNOWN results whose
message says which source failed and what to do, so a down ClassLink reads as "could not verify".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from checks.errors import (
    ClassLinkAuthError,
    ClassLinkBadResponse,
    ClassLinkError,
    ClassLinkNotFound,
    ClassLinkRateLimited,
)
from checks.gcpause import gc_paused
from checks.licenses import LicenseDirectory
from checks.matching import MatchResult, match_emails
from checks.models import Application, CheckResult, License, Roster, RosterUser
from checks.rules import TeacherReport, check_connection, check_emails, check_sanity
from checks.rules import teacher_report as build_teacher_report
from checks.rules.connection import attached_applications
from checks.text import fold_email, mask_secret

Progress = Callable[[str], None]


class DistrictSource(Protocol):
    def roster(self) -> Roster: ...
    def users_by_email(self, email: str) -> list[RosterUser]: ...


class ClassLinkSource(Protocol):
    def applications(self) -> list[Application]: ...
    def district(self, app: Application) -> DistrictSource: ...


@dataclass(frozen=True, slots=True)
class Diagnosis:
    license: License
    steps: tuple[CheckResult, CheckResult, CheckResult]
    applications: tuple[Application, ...] = ()
    roster: Roster | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"license": license_json(self.license), "steps": [s.to_json() for s in self.steps]}


@dataclass(frozen=True, slots=True)
class RosterAppearance:
    tenant_name: str
    role: str
    status: str
    enabled: bool
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class EmailLookup:
    """Where one address appears: on which licenses, in which rosters, and its near-misses."""

    email: str
    licenses: tuple[License, ...]
    appearances: tuple[RosterAppearance, ...]
    matches: tuple[tuple[str, MatchResult], ...]  # (tenant name, match) for licensed districts
    errors: tuple[str, ...] = ()
    reports: tuple[tuple[str, TeacherReport], ...] = ()  # (tenant name, per-teacher report)


def license_json(license: License) -> dict[str, Any]:
    return {
        "id": license.id, "name": license.name, "district": license.district,
        "seats": license.seats,
        "expires": license.expires.isoformat() if license.expires else None,
        "instructor_emails": list(license.instructor_emails),
        "application_ids": [mask_secret(a) for a in license.application_ids],
    }


def describe_classlink_error(exc: ClassLinkError) -> str:
    """A sentence for users; the raw error stays in the logs."""
    if isinstance(exc, ClassLinkAuthError):
        return ("ClassLink refused access to this district's data (the app may be disabled or "
                "its credentials revoked)")
    if isinstance(exc, ClassLinkRateLimited):
        wait = f" in {exc.retry_after:.0f} s" if exc.retry_after else " in a minute"
        return f"ClassLink is rate-limiting requests; try again{wait}"
    if isinstance(exc, ClassLinkBadResponse):
        return "ClassLink sent a broken response; try again"
    if isinstance(exc, ClassLinkNotFound):
        return "ClassLink does not know this connection"
    return "ClassLink did not answer; try again"


class Diagnoser:
    """The use-case object the CLI and the Slack service share."""

    def __init__(self, *, licenses: LicenseDirectory, classlink: ClassLinkSource) -> None:
        self.licenses = licenses
        self.classlink = classlink

    def diagnose(self, license_id: str, *, progress: Progress | None = None) -> Diagnosis:
        """Run steps 1-3 for a license; raises LicenseNotFound/LicenseSourceError only."""
        say = progress or (lambda _msg: None)
        license = self.licenses.get(license_id)
        say("Reading ClassLink's list of connected districts")
        try:
            applications = self.classlink.applications()
        except ClassLinkError as exc:
            reason = describe_classlink_error(exc)
            return Diagnosis(license, (check_connection(license, None, error=reason),
                                       check_emails(license, None, error=reason),
                                       check_sanity(license, None, error=reason)))
        step1 = check_connection(license, applications)
        roster, reason = self._fetch_roster(license, applications, say)
        users = None if roster is None else roster.users
        # The rules build indexes over the whole roster, which was just fetched with the cyclic
        # GC paused: left on, it would promote and re-scan those records several times over
        # (about 0.5 s at 100k users). Collection resumes as usual once the rules are done.
        with gc_paused():
            step2 = check_emails(license, users, error=reason)
            step3 = check_sanity(license, roster, error=reason)
        return Diagnosis(license, (step1, step2, step3), tuple(applications), roster)

    def connection(self, license_id: str) -> tuple[License, CheckResult]:
        """Step 1 alone: only `/applications` is read."""
        license = self.licenses.get(license_id)
        try:
            applications = self.classlink.applications()
        except ClassLinkError as exc:
            return license, check_connection(license, None, error=describe_classlink_error(exc))
        return license, check_connection(license, applications)

    def lookup(self, email: str, *, license_ids: Sequence[str] | None = None) -> EmailLookup:
        """Licenses holding the address, its roster records, and near-misses in those rosters."""
        if license_ids is None:
            licenses = tuple(self.licenses.find_by_email(email))
        else:
            licenses = tuple(self.licenses.get(i) for i in license_ids)
        applications = self.classlink.applications()
        apps = _unique(app for lic in licenses for app in attached_applications(lic, applications))
        scoped = bool(licenses)
        if not scoped:
            apps = list(applications)  # on no license: ask every district by email filter
        appearances: list[RosterAppearance] = []
        matches: list[tuple[str, MatchResult]] = []
        reports: list[tuple[str, TeacherReport]] = []
        errors: list[str] = []
        outcomes = _parallel(lambda a: self._lookup_in(a, email, full_roster=scoped), apps)
        for app, outcome in zip(apps, outcomes, strict=True):
            if isinstance(outcome, ClassLinkError):
                errors.append(f"{app.tenant_name}: {describe_classlink_error(outcome)}")
                continue
            found, match, report = outcome
            appearances += found
            if match is not None:
                matches.append((app.tenant_name, match))
            if report is not None:
                reports.append((app.tenant_name, report))
        return EmailLookup(email, licenses, tuple(appearances), tuple(matches), tuple(errors),
                           tuple(reports))

    def _lookup_in(
        self, app: Application, email: str, *, full_roster: bool
    ) -> tuple[list[RosterAppearance], MatchResult | None, TeacherReport | None]:
        """One district's answer; the roster is read once for records, near-misses and the
        per-teacher report."""
        district = self.classlink.district(app)
        if not full_roster:
            return [_appearance(app, u) for u in district.users_by_email(email)], None, None
        roster = district.roster()
        wanted = fold_email(email)
        found = [_appearance(app, u) for u in roster.users
                 if u.email and fold_email(u.email) == wanted]
        return found, match_emails([email], roster.users)[0], build_teacher_report(roster, email)

    def _fetch_roster(
        self, license: License, applications: Sequence[Application], say: Progress
    ) -> tuple[Roster | None, str]:
        apps = [a for a in attached_applications(license, applications) if a.enabled and a.active]
        if not apps:
            return None, "no enabled ClassLink connection is attached to this license"
        parts: list[Roster] = []
        for app in apps:
            say(f"Fetching what {app.tenant_name} sends")
            try:
                parts.append(self._district_roster(app))
            except ClassLinkError as exc:
                return None, describe_classlink_error(exc)
        return _merge(parts), ""

    def _district_roster(self, app: Application) -> Roster:
        """The roster; a refused bearer makes us re-read `/applications` once, since ClassLink
        may have issued the district a new one, and retry only if it really changed."""
        try:
            return self.classlink.district(app).roster()
        except ClassLinkAuthError:
            current = next((a for a in self.classlink.applications()
                            if a.oneroster_application_id == app.oneroster_application_id), None)
            if current is None or current.bearer == app.bearer:
                raise
            return self.classlink.district(current).roster()


def _merge(parts: list[Roster]) -> Roster:
    if len(parts) == 1:
        return parts[0]
    return Roster(
        users=tuple(u for p in parts for u in p.users),
        classes=tuple(c for p in parts for c in p.classes),
        enrollments=tuple(e for p in parts for e in p.enrollments),
        orgs=tuple(o for p in parts for o in p.orgs),
    )


def _appearance(app: Application, user: RosterUser) -> RosterAppearance:
    return RosterAppearance(app.tenant_name, str(user.role), user.status, user.enabled,
                            user.email, user.full_name)


def _unique(apps: Iterable[Application]) -> list[Application]:
    seen: dict[str, Application] = {}
    for app in apps:
        seen.setdefault(app.oneroster_application_id, app)
    return list(seen.values())


def _parallel(fn: Callable[[Application], Any], apps: list[Application]) -> list[Any]:
    def guarded(app: Application) -> Any:
        try:
            return fn(app)
        except ClassLinkError as exc:
            return exc

    if len(apps) <= 1:
        return [guarded(a) for a in apps]
    with ThreadPoolExecutor(max_workers=min(8, len(apps))) as pool:
        return list(pool.map(guarded, apps))
