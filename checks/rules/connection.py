"""Step 1: is the district's ClassLink connection attached to the license, enabled and active?"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from rapidfuzz import fuzz

from checks.models import Application, CheckResult, Finding, License, Status
from checks.text import mask_secret

STEP, NAME = 1, "connection"
DISTRICT_MATCH_CUTOFF = 90.0
# Words every district name has; they say nothing about *which* district it is.
_GENERIC_WORDS = frozenset(
    "the of and school schools district districts unified public county city independent "
    "consolidated community central regional isd usd cusd sd csd ps academy".split()
)


def check_connection(
    license: License, applications: Sequence[Application] | None, *, error: str = ""
) -> CheckResult:
    """Judge each attached Application ID against ClassLink's `/applications` list."""
    if applications is None:
        message = f"Could not read ClassLink's list of connected districts: {error}".rstrip(": ")
        return CheckResult.of(STEP, NAME, [Finding("classlink_unreachable", Status.UNKNOWN,
                                                   message, {"error": error})])
    by_id = {_id_key(app.oneroster_application_id): app for app in applications}
    findings = [_judge_attached(raw, by_id.get(_id_key(raw))) for raw in license.application_ids]
    if not license.application_ids:
        findings.append(Finding("no_application_id", Status.FAIL,
                                "No ClassLink Application ID is attached to this license."))
    attached_ok = any(f.code == "application_ok" for f in findings)
    attached = {_id_key(raw) for raw in license.application_ids}
    findings.extend(_unattached_matches(license, applications, attached, attached_ok=attached_ok))
    return CheckResult.of(STEP, NAME, findings)


def attached_applications(
    license: License, applications: Sequence[Application]
) -> list[Application]:
    """The `/applications` rows whose IDs are on the license, in license order."""
    by_id = {_id_key(app.oneroster_application_id): app for app in applications}
    found = (by_id.get(_id_key(raw)) for raw in license.application_ids)
    return [app for app in found if app is not None]


def district_name_score(license_district: str, tenant_name: str) -> float:
    """0..100: how surely two district names name the same district, generic words ignored."""
    a, b = _distinctive(license_district), _distinctive(tenant_name)
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b))


def _judge_attached(raw_id: str, app: Application | None) -> Finding:
    masked = mask_secret(raw_id)
    if app is None:
        return Finding(
            "application_unknown", Status.FAIL,
            f"The Application ID ending {masked} is on the license, but ClassLink does not list it "
            "among the districts that added Pivot Interactives.",
            {"application_id_masked": masked},
        )
    data = {"application_id_masked": masked, "tenant_name": app.tenant_name,
            "tenant_id": app.tenant_id}
    if not app.enabled:
        return Finding(
            "application_disabled", Status.FAIL,
            f"{app.tenant_name} added Pivot Interactives in ClassLink, but the app is disabled "
            "there, so ClassLink sends no data. The district must enable it in the Roster Server.",
            data,
        )
    if not app.active:
        return Finding(
            "tenant_inactive", Status.FAIL,
            f"{app.tenant_name}'s ClassLink tenant is {app.tenant_status or 'not active'}, "
            "so no data flows.",
            {**data, "tenant_status": app.tenant_status},
        )
    return Finding("application_ok", Status.PASS,
                   f"Connected to {app.tenant_name}: the app is enabled and the tenant is active.",
                   data)


def _unattached_matches(
    license: License, applications: Sequence[Application], attached: set[str], *,
    attached_ok: bool,
) -> list[Finding]:
    scored = [
        (district_name_score(license.district, app.tenant_name), app)
        for app in applications
        if _id_key(app.oneroster_application_id) not in attached
    ]
    good = sorted((pair for pair in scored if pair[0] >= DISTRICT_MATCH_CUTOFF),
                  key=lambda pair: -pair[0])
    status = Status.WARN if attached_ok else Status.FAIL
    return [
        Finding(
            "unattached_match", status,
            f"{app.tenant_name} added Pivot Interactives in ClassLink (Application ID ending "
            f"{mask_secret(app.oneroster_application_id)}), but that ID is not on this license. "
            "Attach it to the license to start rostering.",
            {"tenant_name": app.tenant_name, "tenant_id": app.tenant_id,
             "application_id_masked": mask_secret(app.oneroster_application_id),
             "enabled": app.enabled, "score": round(score, 1),
             # full id for a staff one-click attach; to_json() and templates never show "_" keys
             "_application_id": app.oneroster_application_id},
        )
        for score, app in good
    ]


def _id_key(raw: str) -> str:
    """IDs compare after trimming and URL-decoding: admins paste both `..%3D` and `..=` forms."""
    return unquote(raw.strip())


def _distinctive(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.casefold())
    return " ".join(w for w in words if w not in _GENERIC_WORDS)
