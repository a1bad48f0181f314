"""Step 1: is this district's ClassLink connection attached to the license, enabled and active?

Names are evidence, not proof (namesakes are common, and a neighbour's ID gets pasted by
mistake), so the rule judges an attached connection, and any connection it would suggest, by
what that tenant's roster says about the license: are the license's instructor emails, their
domains or their mailbox names there? The diagnoser fetches the rosters; this module only judges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from checks.matching.normalize import WEBMAIL_DOMAINS
from checks.models import Application, CheckResult, Finding, License, RosterUser, Status
from checks.rules.district_names import district_name_score
from checks.text import fold_email, looks_like_email, mask_secret

STEP, NAME = 1, "connection"
SAME_NAME = 90.0  # district_name_score at or above: the names agree
CANDIDATE_NAME = 70.0  # a tenant this close by name is worth reading before suggesting it
MAX_CANDIDATES = 3
# Mailbox names are evidence of a domain move only when most of the license's are there.
MAILBOX_SHARE, MAILBOX_MIN = 0.5, 2


@dataclass(frozen=True, slots=True)
class RosterEvidence:
    """How far one tenant's roster bears out a license's instructor list."""

    checked: int  # license addresses that can testify: valid and not personal webmail
    emails: int  # of those, found (after cleaning) among the roster's addresses
    domains: tuple[str, ...]  # license domains the roster also uses
    mailboxes: int  # license mailbox names found on another roster domain

    @property
    def testable(self) -> bool:
        return self.checked > 0

    @property
    def supports(self) -> bool:
        moved = self.mailboxes >= MAILBOX_MIN and self.mailboxes >= MAILBOX_SHARE * self.checked
        return self.emails > 0 or bool(self.domains) or moved

    def to_data(self) -> dict[str, Any]:
        """The evidence as finding data (the templates word it: "3 of the license's 5
        instructor emails are in it")."""
        return {"checked": self.checked, "emails": self.emails, "domains": list(self.domains),
                "mailboxes": self.mailboxes, "supports": self.supports}


def roster_evidence(license: License, users: Iterable[RosterUser]) -> RosterEvidence:
    wanted = {fold_email(e) for e in license.instructor_emails if looks_like_email(e)}
    wanted = {e for e in wanted if e.rpartition("@")[2] not in WEBMAIL_DOMAINS}
    if not wanted:
        return RosterEvidence(0, 0, (), 0)
    addresses = {fold_email(u.email) for u in users if u.email.strip()}
    roster_domains = {a.rpartition("@")[2] for a in addresses}
    roster_locals = {a.rpartition("@")[0] for a in addresses}
    license_domains = {e.rpartition("@")[2] for e in wanted}
    shared = {d for d in license_domains if any(_same_site(d, r) for r in roster_domains)}
    moved = {e for e in wanted if e.rpartition("@")[0] in roster_locals
             and e.rpartition("@")[2] not in roster_domains}
    return RosterEvidence(len(wanted), len(wanted & addresses), tuple(sorted(shared)),
                          len(moved))


def _same_site(a: str, b: str) -> bool:
    """`cljuhsd.org` and `students.cljuhsd.org` are one district's; `k12.mo.us` alone is not
    a site (at least two labels must remain on the shorter side beyond a public suffix)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return long.endswith("." + short) and short.count(".") >= 1 and not _public_suffix(short)


def _public_suffix(domain: str) -> bool:
    """State and k12 suffixes many districts share (`k12.mo.us`, `mo.us`)."""
    labels = domain.split(".")
    return labels[-1] == "us" and len(labels) <= 3 and (len(labels) < 3 or labels[0] == "k12")


def check_connection(
    license: License,
    applications: Sequence[Application] | None,
    *,
    evidence: Mapping[str, RosterEvidence] | None = None,
    others: Sequence[License] = (),
    error: str = "",
    cause: str = "classlink",
) -> CheckResult:
    """Judge each attached Application ID, then any unattached connection of this district.

    `evidence` is keyed by `app_key(oneroster_application_id)`, for the attached connections
    whose roster could be read and for the `unattached_candidates` that were read; `others` are
    the other licenses (a connection attached to another district's license is not offered)."""
    if applications is None:
        return CheckResult.of(STEP, NAME, [Finding("classlink_unreachable", Status.UNKNOWN,
                                                   {"error": error, "cause": cause})])
    evidence = evidence or {}
    by_id = {app_key(app.oneroster_application_id): app for app in applications}
    findings = [
        finding
        for raw in license.application_ids
        for finding in _judge_attached(license, raw, by_id.get(app_key(raw)),
                                       evidence.get(app_key(raw)))
    ]
    if not license.application_ids:
        findings.append(Finding("no_application_id", Status.FAIL))
    if not any(f.code == "application_ok" for f in findings):
        findings += _unattached_matches(license, applications, evidence, others)
    return CheckResult.of(STEP, NAME, findings)


def attached_applications(
    license: License, applications: Sequence[Application]
) -> list[Application]:
    """The `/applications` rows whose IDs are on the license, in license order."""
    by_id = {app_key(app.oneroster_application_id): app for app in applications}
    found = (by_id.get(app_key(raw)) for raw in license.application_ids)
    return [app for app in found if app is not None]


def belongs_to_license(license: License, app: Application, evidence: RosterEvidence) -> bool:
    """Whether a readable attached connection may be used for this license's steps 2-3: its
    roster bears the license out, or (nothing on the license to test) its name agrees."""
    if evidence.testable:
        return evidence.supports
    return district_name_score(license.district, app.tenant_name) >= SAME_NAME


def unattached_candidates(
    license: License, applications: Sequence[Application], others: Sequence[License]
) -> list[Application]:
    """Connections worth reading before suggesting one: readable, not attached here, close by
    name, and not attached to another district's license. Best names first."""
    attached = {app_key(raw) for raw in license.application_ids}
    taken = _taken_by_another_district(license, others)
    scored = [
        (district_name_score(license.district, app.tenant_name), app)
        for app in applications
        if app_key(app.oneroster_application_id) not in attached and app.enabled and app.active
        and not taken(app)
    ]
    good = sorted((p for p in scored if p[0] >= CANDIDATE_NAME), key=lambda p: -p[0])
    return [app for _score, app in good[:MAX_CANDIDATES]]


def readable_unattached(
    license: License, applications: Sequence[Application], others: Sequence[License]
) -> list[Application]:
    """Every connection that could be this district's when names find none: readable, not
    attached here, not attached to another district's license."""
    attached = {app_key(raw) for raw in license.application_ids}
    taken = _taken_by_another_district(license, others)
    return [app for app in applications
            if app_key(app.oneroster_application_id) not in attached and app.enabled
            and app.active and not taken(app)]


@lru_cache(maxsize=65_536)
def app_key(raw: str) -> str:
    """IDs compare after trimming and URL-decoding: admins paste both `..%3D` and `..=` forms.

    Remembered: a diagnosis keys every /applications row and every license's IDs (a few
    thousand calls with 500 districts), and a sweep makes that many diagnoses."""
    return unquote(raw.strip())


def _judge_attached(
    license: License, raw_id: str, app: Application | None, evidence: RosterEvidence | None
) -> list[Finding]:
    masked = mask_secret(raw_id)
    if app is None:
        return [Finding("application_unknown", Status.FAIL, {"application_id_masked": masked})]
    data: dict[str, Any] = {"application_id_masked": masked, "tenant_name": app.tenant_name,
                            "tenant_id": app.tenant_id}
    blocked = []  # both can hold at once, and each has its own fix
    if not app.enabled:
        blocked.append(Finding("application_disabled", Status.FAIL, data))
    if not app.active:
        blocked.append(Finding("tenant_inactive", Status.FAIL,
                               {**data, "tenant_status": app.tenant_status}))
    if blocked:
        return blocked
    if evidence is None:  # its roster could not be read: the connection itself is fine
        return [Finding("application_ok", Status.PASS, data)]
    if belongs_to_license(license, app, evidence):
        return [Finding("application_ok", Status.PASS, {**data, "evidence": evidence.to_data()})]
    same_name = district_name_score(license.district, app.tenant_name) >= SAME_NAME
    data = {**data, "license_district": license.district, "evidence": evidence.to_data()}
    if not evidence.testable or same_name:
        # Equal names with a roster that does not bear the license out: a namesake, or this
        # district sending none of the license's teachers (`same_name`); or nothing on the
        # license to test a differing name with. Not sure either way: say so.
        return [Finding("application_unconfirmed", Status.WARN,
                        {**data, "same_name": same_name})]
    return [Finding("application_foreign", Status.FAIL, data)]


def _unattached_matches(
    license: License,
    applications: Sequence[Application],
    evidence: Mapping[str, RosterEvidence],
    others: Sequence[License],
) -> list[Finding]:
    """Only connections whose roster bears the license out are offered, never on a name."""
    attached = {app_key(raw) for raw in license.application_ids}
    taken = _taken_by_another_district(license, others)
    offered = []
    for app in applications:
        key = app_key(app.oneroster_application_id)
        seen = evidence.get(key)
        if key in attached or seen is None or not seen.testable or not seen.supports \
                or taken(app):
            continue
        offered.append((district_name_score(license.district, app.tenant_name), app, seen))
    offered.sort(key=lambda t: -t[0])
    return [_offer(license, app, seen, score, others) for score, app, seen in offered]


def _offer(license: License, app: Application, seen: RosterEvidence, score: float,
           others: Sequence[License]) -> Finding:
    masked = mask_secret(app.oneroster_application_id)
    siblings = sorted(o.id for o in others if _attached_to(o, app))
    return Finding(
        "unattached_match", Status.FAIL,
        {"tenant_name": app.tenant_name, "tenant_id": app.tenant_id,
         "application_id_masked": masked, "enabled": app.enabled, "score": round(score, 1),
         "evidence": seen.to_data(), "also_on_licenses": siblings,
         # full id for a staff one-click attach; to_json() and templates never show "_" keys
         "_application_id": app.oneroster_application_id},
    )


def _attached_to(license: License, app: Application) -> bool:
    key = app_key(app.oneroster_application_id)
    return any(app_key(raw) == key for raw in license.application_ids)


def _taken_by_another_district(
    license: License, others: Sequence[License]
) -> Callable[[Application], bool]:
    """Whether a connection is attached to another district's license (one of `others` with
    another id and a district name that is not this one's). The others' attachments are
    indexed once: asked for each of hundreds of connections, looking through hundreds of
    licenses each time cost a broken license's diagnosis seconds."""
    by_key: dict[str, list[License]] = {}
    for other in others:
        for key in dict.fromkeys(app_key(raw) for raw in other.application_ids):
            by_key.setdefault(key, []).append(other)

    def taken(app: Application) -> bool:
        return any(o.id != license.id
                   and district_name_score(o.district, license.district) < SAME_NAME
                   for o in by_key.get(app_key(app.oneroster_application_id), ()))

    return taken


__all__ = [
    "RosterEvidence",
    "app_key",
    "attached_applications",
    "belongs_to_license",
    "check_connection",
    "district_name_score",
    "readable_unattached",
    "roster_evidence",
    "unattached_candidates",
]
