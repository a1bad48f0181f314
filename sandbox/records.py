"""OneRoster JSON for roster records, and the statusInfoSet error body. Pure functions.

Users come in the 1.1 shape (`role` + `orgs`, enabledUser as the strings "true"/"false") or the
1.2 shape (`roles[]`, boolean enabledUser, no `email` key when there is none), per district.
The sandbox does not model courses, terms or timestamps; it sends fixed placeholders for them.
"""

from __future__ import annotations

from typing import Any

from checks.models import Enrollment, Org, Role, RosterClass, RosterUser

DATE_LAST_MODIFIED = "2026-08-01T06:00:00.000Z"
TERM_ID = "term-2026-2027"

Json = dict[str, Any]


def roster_base(host_slug: str) -> str:
    """Where ClassLink's hrefs point: the district's own server, never to be requested."""
    return f"https://{host_slug}-vn-v2.rosterserver.com/ims/oneroster/v1p1"


def ref(base: str, collection: str, sourced_id: str, kind: str) -> Json:
    return {"href": f"{base}/{collection}/{sourced_id}", "sourcedId": sourced_id, "type": kind}


def user_json(user: RosterUser, *, base: str, shape: str) -> Json:
    record: Json = {
        "sourcedId": user.sourced_id,
        "status": user.status,
        "dateLastModified": DATE_LAST_MODIFIED,
        "username": user.username,
        "userIds": [{"type": "FED", "identifier": user.sourced_id}],
        "enabledUser": user.enabled if shape == "1.2" else ("true" if user.enabled else "false"),
        "givenName": user.given_name,
        "familyName": user.family_name,
        "middleName": user.middle_name,
    }
    orgs = [ref(base, "orgs", org_id, "org") for org_id in user.org_ids]
    if shape == "1.2":
        record["roles"] = _roles(user.role, orgs)
    else:
        record["role"] = user.role.value
    record["identifier"] = user.sourced_id
    if user.email or shape != "1.2":
        record["email"] = user.email
    record.update({"sms": "", "phone": "", "agents": [], "grades": []})
    if shape != "1.2":
        record["orgs"] = orgs
    return record


def _roles(role: Role, orgs: list[Json]) -> list[Json]:
    if not orgs:
        return [{"roleType": "primary", "role": role.value}]
    return [
        {"roleType": "primary" if i == 0 else "secondary", "role": role.value, "org": org}
        for i, org in enumerate(orgs)
    ]


def class_json(cls: RosterClass, *, base: str) -> Json:
    return {
        "sourcedId": cls.sourced_id,
        "status": cls.status,
        "dateLastModified": DATE_LAST_MODIFIED,
        "title": cls.title,
        "classCode": cls.sourced_id,
        "classType": "scheduled",
        "location": "",
        "grades": [],
        "subjects": [],
        "course": ref(base, "courses", f"course-{cls.sourced_id}", "course"),
        "school": ref(base, "schools", cls.school_id, "org"),
        "terms": [ref(base, "academicSessions", TERM_ID, "academicSession")],
    }


def enrollment_json(enrollment: Enrollment, *, base: str, school_id: str) -> Json:
    return {
        "sourcedId": enrollment.sourced_id,
        "status": enrollment.status,
        "dateLastModified": DATE_LAST_MODIFIED,
        "role": enrollment.role.value,
        "primary": "true" if enrollment.role is Role.TEACHER else "false",
        "user": ref(base, "users", enrollment.user_id, "user"),
        "class": ref(base, "classes", enrollment.class_id, "class"),
        "school": ref(base, "schools", school_id, "org"),
    }


def org_json(org: Org, *, base: str) -> Json:
    return {
        "sourcedId": org.sourced_id,
        "status": "active",
        "dateLastModified": DATE_LAST_MODIFIED,
        "name": org.name,
        "type": org.type,
        "identifier": org.sourced_id,
        "parent": ref(base, "orgs", org.parent_id, "org") if org.parent_id else None,
        "children": [],
    }


def status_info(minor: str, description: str) -> Json:
    """The OneRoster 1.1 error body."""
    return {
        "statusInfoSet": [{
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_CodeMinor": {"imsx_codeMinorField": [{
                "imsx_codeMinorFieldName": "TargetEndSystem",
                "imsx_codeMinorFieldValue": minor,
            }]},
            "imsx_description": description,
        }]
    }
