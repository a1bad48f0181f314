"""Pure parsers: ClassLink / OneRoster JSON (already decoded) -> checks.models records.

No I/O here. Parsers keep values as ClassLink sends them (emails untouched) and only fold
the two user shapes (OneRoster 1.1 `role`/`orgs`, 1.2 `roles[]`) into one record. A record
that is not an object or has no sourcedId raises RecordError; unknown extra fields are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from checks.models import Application, DirectServer, Enrollment, Org, Role, RosterClass, RosterUser

# OneRoster 1.2 splits administrators by level; both are administrators to us.
_ROLE_ALIASES = {
    "districtadministrator": Role.ADMINISTRATOR,
    "siteadministrator": Role.ADMINISTRATOR,
}
# Exact role words as sent, looked up first: a 100k-user district parses this 100k times.
_ROLE_WORDS: dict[str, Role] = {role.value: role for role in Role} | {
    "districtAdministrator": Role.ADMINISTRATOR,
    "siteAdministrator": Role.ADMINISTRATOR,
}
_FALSE_WORDS = frozenset({"false", "0", "no", "n", "f"})


class RecordError(ValueError):
    """A record in an otherwise well-formed body is not the object it should be."""


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """The first entry of a OneRoster `statusInfoSet` error body."""

    code_major: str = ""
    severity: str = ""
    code_minor: str = ""
    description: str = ""

    def summary(self) -> str:
        parts = [p for p in (self.code_minor, self.description) if p]
        return ": ".join(parts) if parts else self.code_major or "error"


def status_info(body: Any) -> StatusInfo | None:
    """The statusInfoSet carried by `body`, or None when it carries none."""
    if not isinstance(body, dict) or "statusInfoSet" not in body:
        return None
    entries = body["statusInfoSet"]
    entry = entries[0] if isinstance(entries, list) and entries else entries
    if not isinstance(entry, dict):
        return StatusInfo()
    return StatusInfo(
        code_major=_text(entry.get("imsx_codeMajor")),
        severity=_text(entry.get("imsx_severity")),
        code_minor=_code_minor(entry.get("imsx_CodeMinor")),
        description=_text(entry.get("imsx_description")),
    )


def _code_minor(block: Any) -> str:
    fields = block.get("imsx_codeMinorField") if isinstance(block, dict) else None
    if isinstance(fields, dict):
        fields = [fields]
    for field in fields if isinstance(fields, list) else []:
        if isinstance(field, dict) and field.get("imsx_codeMinorFieldValue"):
            return _text(field["imsx_codeMinorFieldValue"])
    return ""


def parse_application(raw: Any) -> Application:
    obj = _object(raw, "application")
    app_id = _text(obj.get("oneroster_application_id"))
    if not app_id:
        raise RecordError("application without oneroster_application_id")
    return Application(
        tenant_id=_text(obj.get("tenant_id")),
        tenant_name=_text(obj.get("tenant_name")),
        application_id=_text(obj.get("application_id")),
        oneroster_application_id=app_id,
        bearer=_text(obj.get("bearer")),
        enabled=_flag(obj.get("enabled"), missing=False),
        tenant_status=_text(obj.get("tenant_status")),
        name=_text(obj.get("name")),
    )


def parse_server(raw: Any) -> DirectServer:
    obj = _object(raw, "server")
    server = DirectServer(
        client_id=_text(obj.get("client_id")),
        client_secret=_text(obj.get("client_secret")),
        endpoint_url=_text(obj.get("endpoint_url")),
    )
    if not (server.client_id and server.endpoint_url):
        raise RecordError("server without client_id or endpoint_url")
    return server


def parse_user(raw: Any) -> RosterUser:
    obj = _object(raw, "user")
    return RosterUser(
        sourced_id=_sourced_id(obj, "user"),
        role=_user_role(obj),
        status=_status(obj.get("status")),
        enabled=_flag(obj.get("enabledUser"), missing=True),
        given_name=_text(obj.get("givenName")),
        family_name=_text(obj.get("familyName")),
        middle_name=_text(obj.get("middleName")),
        email=_text(obj.get("email")),
        username=_text(obj.get("username")),
        org_ids=_user_orgs(obj),
    )


def parse_class(raw: Any) -> RosterClass:
    obj = _object(raw, "class")
    return RosterClass(
        sourced_id=_sourced_id(obj, "class"),
        title=_text(obj.get("title")),
        status=_status(obj.get("status")),
        school_id=_ref_id(obj.get("school")),
    )


def parse_enrollment(raw: Any) -> Enrollment:
    obj = _object(raw, "enrollment")
    return Enrollment(
        sourced_id=_sourced_id(obj, "enrollment"),
        class_id=_ref_id(obj.get("class")),
        user_id=_ref_id(obj.get("user")),
        role=_role(obj.get("role")),
        status=_status(obj.get("status")),
    )


def parse_org(raw: Any) -> Org:
    obj = _object(raw, "org")
    return Org(
        sourced_id=_sourced_id(obj, "org"),
        name=_text(obj.get("name")),
        type=_text(obj.get("type")),
        parent_id=_ref_id(obj.get("parent")),
    )


def _user_role(obj: dict[str, Any]) -> Role:
    # Some ClassLink v1p1 tenants send both shapes; the 1.1 field wins when it is filled.
    if _text(obj.get("role")):
        return _role(obj["role"])
    primary = next(_roles_in_order(obj), None)
    return _role(primary.get("role")) if primary is not None else Role.OTHER


def _user_orgs(obj: dict[str, Any]) -> tuple[str, ...]:
    refs = obj.get("orgs")
    if isinstance(refs, list) and refs:
        found = [_ref_id(ref) for ref in refs]
    else:
        found = [_ref_id(entry.get("org")) for entry in _roles_in_order(obj)]
    if len(found) == 1:  # the usual case, without building a dict
        return (found[0],) if found[0] else ()
    return tuple(dict.fromkeys(i for i in found if i))


def _roles_in_order(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """1.2 `roles[]` entries, primary ones first, the rest in the order sent."""
    entries = [e for e in obj.get("roles") or [] if isinstance(e, dict)]
    primary = [e for e in entries if _text(e.get("roleType")).lower() == "primary"]
    yield from primary
    yield from (e for e in entries if e not in primary)


def _role(value: Any) -> Role:
    if isinstance(value, str) and value in _ROLE_WORDS:
        return _ROLE_WORDS[value]
    word = _text(value).strip().lower()
    if word in _ROLE_ALIASES:
        return _ROLE_ALIASES[word]
    try:
        return Role(word)
    except ValueError:
        return Role.OTHER


def _status(value: Any) -> str:
    return _text(value).strip() or "active"


def _flag(value: Any, *, missing: bool) -> bool:
    """OneRoster booleans arrive as "true"/"false" strings (ClassLink) or JSON booleans."""
    if value is None or value == "":
        return missing
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in _FALSE_WORDS


def _ref_id(ref: Any) -> str:
    return _text(ref.get("sourcedId")) if isinstance(ref, dict) else ""


def _sourced_id(obj: dict[str, Any], kind: str) -> str:
    sourced_id = _text(obj.get("sourcedId"))
    if not sourced_id:
        raise RecordError(f"{kind} without sourcedId")
    return sourced_id


def _object(raw: Any, kind: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RecordError(f"{kind} is a {type(raw).__name__}, not an object")
    return raw


def _text(value: Any) -> str:
    if value.__class__ is str:
        return value
    return "" if value is None else str(value)
