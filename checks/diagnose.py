"""Runs the check steps for one license: fetch through the clients, then run the rules of
checks.steps.STEPS, in order, over what was fetched.

Source failures never escape as exceptions from `diagnose`: they become UNKNOWN results whose
data says which source failed, so a down ClassLink reads as "could not verify".
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
from checks.lookup import (
    DistrictAnswer,
    EmailLookup,
    LicenseRowHint,
    RosterAppearance,
    answer_from_roster,
    appearance,
    holds,
    near_rows,
    spelling_hints,
)
from checks.matching import MatchResult
from checks.matching.normalize import WEBMAIL_DOMAINS
from checks.models import Application, CheckResult, License, Roster, RosterUser, StepResults
from checks.rules import TeacherReport
from checks.rules.connection import (
    RosterEvidence,
    app_key,
    attached_applications,
    belongs_to_license,
    readable_unattached,
    roster_evidence,
    unattached_candidates,
)
from checks.steps import STEPS, Facts, NoRoster
from checks.text import fold_email, looks_like_email, mask_secret

Progress = Callable[[str], None]

__all__ = ["ClassLinkSource", "Diagnoser", "Diagnosis", "DistrictSource", "EmailLookup",
           "LicenseRowHint", "RosterAppearance", "describe_classlink_error", "license_json"]


class DistrictSource(Protocol):
    def roster(self) -> Roster: ...
    def teachers(self) -> list[RosterUser]: ...
    def users_by_email(self, email: str) -> list[RosterUser]: ...


class ClassLinkSource(Protocol):
    def applications(self) -> list[Application]: ...
    def district(self, app: Application) -> DistrictSource: ...


@dataclass(frozen=True, slots=True)
class Diagnosis:
    license: License
    steps: StepResults  # by step name (`steps["emails"]`), in the order of checks.steps.STEPS
    applications: tuple[Application, ...] = ()
    roster: Roster | None = field(default=None, repr=False, compare=False)
    # Why ClassLink could not be asked (unreachable, refused, garbage); "" when it answered.
    # The CLI exits 3 on it: the checks did not really run.
    classlink_error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"license": license_json(self.license), "steps": [s.to_json() for s in self.steps]}


def license_json(license: License) -> dict[str, Any]:
    return {
        "id": license.id, "name": license.name, "district": license.district,
        "seats": license.seats,
        "expires": license.expires.isoformat() if license.expires else None,
        "instructor_emails": list(license.instructor_emails),
        "application_ids": [mask_secret(a) for a in license.application_ids],
    }


def classlink_cause(exc: ClassLinkError) -> str:
    """What kind of failure it was, for the advice (checks.steps.NoRoster): only a transient
    one is worth "try again"."""
    if isinstance(exc, ClassLinkAuthError):
        return NoRoster.PARTNER_KEY if not exc.district else NoRoster.CLASSLINK_REFUSED
    if isinstance(exc, ClassLinkNotFound):
        return NoRoster.CLASSLINK_REFUSED
    return NoRoster.CLASSLINK


def describe_classlink_error(exc: ClassLinkError) -> str:
    """A sentence for users; the raw error stays in the logs."""
    if isinstance(exc, ClassLinkAuthError) and not exc.district:
        # Only the management API (/applications) is asked with the partner key and no district:
        # a refusal there is our configuration, whatever the district did.
        return ("ClassLink refused the partner key (CLASSLINK_PARTNER_KEY): rosterbot's "
                "configuration, not the district's")
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
        """Run every check step for a license; raises LicenseNotFound/LicenseSourceError only."""
        say = progress or (lambda _msg: None)
        license = self.licenses.get(license_id)
        say("Reading ClassLink's list of connected districts")
        try:
            applications = self.classlink.applications()
        except ClassLinkError as exc:
            reason = describe_classlink_error(exc)
            facts = Facts(license, error=reason, error_cause=classlink_cause(exc))
            return Diagnosis(license, STEPS.run(facts), classlink_error=reason)
        others = [o for o in self.licenses.list() if o.id != license.id]
        reads = self._read_attached(license, applications, say)
        if not reads.own:
            # No attached connection is this district's (none, unknown, foreign): beyond
            # the names, ask every connection whether it sends the license's teachers.
            sweep = not attached_applications(license, applications) or bool(reads.rosters)
            self._read_candidates(license, applications, others, reads, say, sweep=sweep)
        roster = _merge([reads.rosters[app_key(a.oneroster_application_id)] for a in reads.own])
        siblings = [o for o in others if any(_attached_to(o, a) for a in reads.own)]
        facts = Facts(license, tuple(applications), reads.evidence, tuple(others), roster,
                      tuple(siblings), reads.error, reads.error_cause)
        # The rules build indexes over the whole roster, which was just fetched with the cyclic
        # GC paused: left on, it would promote and re-scan those records several times over
        # (about 0.5 s at 100k users). Collection resumes as usual once the rules are done.
        with gc_paused():
            steps = STEPS.run(facts)
        return Diagnosis(license, steps, tuple(applications), roster,
                         classlink_error=reads.error)

    def connection(self, license_id: str) -> tuple[License, CheckResult]:
        """Step 1 alone (the attached rosters are read: a name proves nothing)."""
        diagnosis = self.diagnose(license_id)
        return diagnosis.license, diagnosis.steps["connection"]

    def lookup(self, email: str, *, license_ids: Sequence[str] | None = None) -> EmailLookup:
        """Licenses holding the address, its roster records, and what the licenses' rows mean.

        With `license_ids` only those licenses are looked in (a customer's own). Without (staff),
        every district is asked by email filter, and the licenses looked in are those holding
        the address, those with a row spelled almost like it, and those attached to a district
        that sends it (so a license row that is a near miss of it is found)."""
        everyone = self.licenses.list() if license_ids is None else []
        scope = ([self.licenses.get(i) for i in license_ids] if license_ids is not None
                 else self.licenses.find_by_email(email))
        close = near_rows(scope if license_ids is not None else everyone, email)
        try:
            applications = self.classlink.applications()
        except ClassLinkError as exc:
            reason = describe_classlink_error(exc)
            scope = _unique_licenses([*scope, *(lic for lic, _row in close)])
            return EmailLookup(email, tuple(lic for lic in scope if holds(lic, email)), (), (),
                               (reason,), scope=tuple(scope),
                               hints=tuple(spelling_hints(close, [])), classlink_error=reason)
        filtered: list[Any] = []
        if license_ids is None:
            readable = [a for a in applications if a.enabled and a.active]  # others refuse
            filtered = _parallel(lambda a: self._records_in(a, email), readable)
            senders = {app_key(o[0].oneroster_application_id) for o in filtered
                       if isinstance(o[1], DistrictAnswer) and o[1].appearances}
            scope = [*scope, *(lic for lic, _row in close),
                     *(lic for lic in everyone
                       if any(app_key(raw) in senders for raw in lic.application_ids))]
        scope = _unique_licenses(scope)
        by_app: dict[str, tuple[Application, list[License]]] = {}
        for lic in scope:
            for app in attached_applications(lic, applications):
                by_app.setdefault(app_key(app.oneroster_application_id), (app, []))[1].append(lic)
        outcomes = _parallel(lambda a: self._answer_in(a, email, by_app),
                             [app for app, _lics in by_app.values()])
        answered = {app_key(o[0].oneroster_application_id) for o in outcomes
                    if isinstance(o[1], DistrictAnswer)}
        outcomes += [o for o in filtered if app_key(o[0].oneroster_application_id) not in answered]
        holding = tuple(lic for lic in scope if holds(lic, email))
        return _gather(email, holding, scope, close, outcomes)

    def _answer_in(
        self, app: Application, email: str,
        by_app: dict[str, tuple[Application, list[License]]],
    ) -> tuple[Application, DistrictAnswer | None]:
        """One district's answer, for the licenses it really belongs to: a foreign connection's
        roster says nothing about the license (and is another district's data)."""
        roster = self._district_roster(app)
        licenses = by_app[app_key(app.oneroster_application_id)][1]
        own = [lic for lic in licenses
               if belongs_to_license(lic, app, roster_evidence(lic, roster.users))]
        if not own:
            return app, None
        return app, answer_from_roster(app, roster, email, own)

    def _records_in(self, app: Application, email: str) -> tuple[Application, DistrictAnswer]:
        records = [appearance(app, u) for u in self.classlink.district(app).users_by_email(email)]
        return app, DistrictAnswer(records, None, None, [])

    def _read_attached(
        self, license: License, applications: Sequence[Application], say: Progress
    ) -> _Reads:
        reads = _Reads()
        for app in attached_applications(license, applications):
            if not (app.enabled and app.active):
                continue
            say(f"Fetching what {app.tenant_name} sends")
            try:
                roster = self._district_roster(app)
            except ClassLinkError as exc:
                if not reads.error:
                    reads.error, reads.error_cause = (describe_classlink_error(exc),
                                                      classlink_cause(exc))
                continue
            key = app_key(app.oneroster_application_id)
            reads.rosters[key] = roster
            reads.evidence[key] = roster_evidence(license, roster.users)
            if belongs_to_license(license, app, reads.evidence[key]):
                reads.own.append(app)
        return reads

    def _read_candidates(
        self, license: License, applications: Sequence[Application],
        others: Sequence[License], reads: _Reads, say: Progress, *, sweep: bool,
    ) -> None:
        """Teachers of the connections that may be this district's, so a suggestion rests on
        the roster; one that cannot be read is simply not suggested. Close names first; with
        `sweep`, when they confirm nothing, every readable connection is asked by email filter
        for two of the license's addresses (a license named after a school, a renamed
        district)."""
        named = unattached_candidates(license, applications, others)
        for app in named:
            say(f"Checking whether {app.tenant_name} is this district")
            self._read_teachers(license, app, reads)
        if not sweep or any(e.supports for e in reads.evidence.values()):
            return
        probes = [e.strip() for e in license.instructor_emails
                  if looks_like_email(e) and fold_email(e).rpartition("@")[2]
                  not in WEBMAIL_DOMAINS][:2]
        if not probes:
            return
        say("Asking every connected district for the license's teachers")
        rest = [a for a in readable_unattached(license, applications, others) if a not in named]

        def sends_one(app: Application) -> bool:
            district = self.classlink.district(app)
            return any(u.is_staff for p in probes for u in district.users_by_email(p))

        for app, sends in zip(rest, _parallel(sends_one, rest), strict=True):
            if sends is True:
                self._read_teachers(license, app, reads)

    def _read_teachers(self, license: License, app: Application, reads: _Reads) -> None:
        try:
            teachers = self.classlink.district(app).teachers()
        except ClassLinkError:
            return
        reads.evidence[app_key(app.oneroster_application_id)] = roster_evidence(license, teachers)

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


@dataclass
class _Reads:
    """What the attached connections sent, and what each roster says about the license."""

    rosters: dict[str, Roster] = field(default_factory=dict)
    evidence: dict[str, RosterEvidence] = field(default_factory=dict)
    own: list[Application] = field(default_factory=list)  # the ones that are this district's
    error: str = ""  # the first ClassLink failure, described
    error_cause: str = ""  # and its kind (checks.steps.NoRoster)


def _gather(
    email: str, holding: tuple[License, ...], scope: Sequence[License],
    close: Sequence[tuple[License, str]], outcomes: list[Any],
) -> EmailLookup:
    appearances: list[RosterAppearance] = []
    matches: list[tuple[str, MatchResult]] = []
    reports: list[tuple[str, TeacherReport]] = []
    hints: list[LicenseRowHint] = []
    errors: list[str] = []
    for outcome in outcomes:
        if isinstance(outcome, tuple) and isinstance(outcome[1], ClassLinkError):
            errors.append(f"{outcome[0].tenant_name}: {describe_classlink_error(outcome[1])}")
            continue
        app, answer = outcome
        if answer is None:
            continue
        appearances += answer.appearances
        hints += answer.hints
        if answer.match is not None:
            matches.append((app.tenant_name, answer.match))
        if answer.report is not None:
            reports.append((app.tenant_name, answer.report))
    hints += spelling_hints(close, hints)
    return EmailLookup(email, holding, tuple(appearances), tuple(matches), tuple(errors),
                       tuple(reports), tuple(scope), tuple(hints))


def _merge(parts: list[Roster]) -> Roster | None:
    if len(parts) <= 1:
        return parts[0] if parts else None
    return Roster(
        users=tuple(u for p in parts for u in p.users),
        classes=tuple(c for p in parts for c in p.classes),
        enrollments=tuple(e for p in parts for e in p.enrollments),
        orgs=tuple(o for p in parts for o in p.orgs),
    )


def _attached_to(license: License, app: Application) -> bool:
    key = app_key(app.oneroster_application_id)
    return any(app_key(raw) == key for raw in license.application_ids)


def _unique_licenses(licenses: Iterable[License]) -> list[License]:
    seen: dict[str, License] = {}
    for lic in licenses:
        seen.setdefault(lic.id, lic)
    return list(seen.values())


def _parallel(fn: Callable[[Application], Any], apps: list[Application]) -> list[Any]:
    def guarded(app: Application) -> Any:
        try:
            return fn(app)
        except ClassLinkError as exc:
            return app, exc

    if len(apps) <= 1:
        return [guarded(a) for a in apps]
    with ThreadPoolExecutor(max_workers=min(8, len(apps))) as pool:
        return list(pool.map(guarded, apps))
