"""The license record as a plain mapping (the YAML entry and the JSON object share one shape).

Pure: converts and validates, does no I/O. Errors are `LicenseFieldError`s naming the field, so
each source can add where the entry came from (file and entry, or URL).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from checks.models import License

FIELDS = (
    "id",
    "name",
    "district",
    "seats",
    "expires",
    "instructor_emails",
    "application_ids",
)
REQUIRED_FIELDS = ("id", "name", "district", "seats")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"\d+")


class LicenseFieldError(ValueError):
    """One field of one license entry is missing or malformed."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


def license_from_mapping(entry: Any, *, allow_unknown_fields: bool = False) -> License:
    """Build a License from one entry; every value is kept exactly as given.

    `seats` may be an int or a string of digits (the YAML reader keeps every scalar as text);
    `expires` is a `YYYY-MM-DD` string, a date, or None. Unknown keys are an error unless
    `allow_unknown_fields` (a JSON API may add fields; a hand-edited file more likely has typos).
    """
    if not isinstance(entry, Mapping):
        raise LicenseFieldError("", f"entry must be a mapping of fields, got {_kind(entry)}")
    if not allow_unknown_fields:
        unknown = sorted(str(k) for k in entry if k not in FIELDS)
        if unknown:
            raise LicenseFieldError(
                unknown[0], f"unknown field (expected one of {', '.join(FIELDS)})"
            )
    for name in REQUIRED_FIELDS:
        if entry.get(name) is None:
            raise LicenseFieldError(name, "is missing")
    return License(
        id=_id(entry["id"]),
        name=_text("name", entry["name"]),
        district=_text("district", entry["district"]),
        seats=_seats(entry["seats"]),
        expires=_expires(entry.get("expires")),
        instructor_emails=_strings("instructor_emails", entry.get("instructor_emails")),
        application_ids=_strings("application_ids", entry.get("application_ids")),
    )


def license_to_mapping(license: License) -> dict[str, Any]:
    """The plain mapping for `license` (expires as `YYYY-MM-DD` or None), fields in FIELDS order."""
    return {
        "id": license.id,
        "name": license.name,
        "district": license.district,
        "seats": license.seats,
        "expires": license.expires.isoformat() if license.expires else None,
        "instructor_emails": list(license.instructor_emails),
        "application_ids": list(license.application_ids),
    }


def validate_license(license: License) -> None:
    """Raise LicenseFieldError if a License built in code could not be stored and read back."""
    license_from_mapping(license_to_mapping(license))


def check_unique_ids(licenses: Iterable[License]) -> None:
    """Raise ValueError naming the first id that appears twice."""
    seen: set[str] = set()
    for license in licenses:
        if license.id in seen:
            raise ValueError(f"duplicate license id {license.id!r}")
        seen.add(license.id)


def _id(value: Any) -> str:
    text = _text("id", value)
    if not text.strip():
        raise LicenseFieldError("id", "is blank")
    return text


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise LicenseFieldError(field, f"must be a string, got {_kind(value)}")
    return value


def _seats(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    raise LicenseFieldError("seats", f"must be a non-negative whole number, got {value!r}")


def _expires(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise LicenseFieldError("expires", f"must be a YYYY-MM-DD date or null, got {value!r}")


def _strings(field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise LicenseFieldError(field, f"must be a list of strings, got {_kind(value)}")
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise LicenseFieldError(
                field, f"item {position} must be a string, got {_kind(item)} {item!r}"
            )
    return tuple(value)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
