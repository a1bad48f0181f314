"""Read and write OneRoster 1.1 CSV bulk bundles (users, orgs, classes, enrollments).

Real bundles are messy, so the reader tolerates: a UTF-8 BOM, CRLF line ends, rows with extra
trailing fields beyond the header (the Ed-Fi sample has them), blank `status` (= active), blank
`dateLastModified`, blank `enabledUser` (= enabled), several comma-joined `orgSourcedIds` and
`userIds` in the `{Local:863}` form. Other files in the folder are ignored. Only users.csv is
required; a missing orgs/classes/enrollments file reads as empty.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from checks.models import Enrollment, Org, Role, Roster, RosterClass, RosterUser
from sandbox.errors import SandboxBundleError

USERS_HEADER = (
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
    "sms", "phone", "agentSourcedIds", "grades", "password",
)
ORGS_HEADER = (
    "sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId",
)
CLASSES_HEADER = (
    "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode",
    "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes",
    "periods",
)
ENROLLMENTS_HEADER = (
    "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
    "userSourcedId", "role", "primary", "beginDate", "endDate",
)

_ROLES = {role.value: role for role in Role}

Row = dict[str, str]
T = TypeVar("T")


def load_bundle(folder: Path | str) -> Roster:
    """The roster in a folder of OneRoster 1.1 CSV files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SandboxBundleError(folder, "is not a folder")
    users_path = folder / "users.csv"
    if not users_path.is_file():
        raise SandboxBundleError(users_path, "missing (a bundle needs at least users.csv)")
    return Roster(
        users=tuple(_unique(users_path, _parse_user, ("sourcedId", "role"))),
        classes=tuple(_unique(folder / "classes.csv", _parse_class, ("sourcedId",))),
        enrollments=tuple(_unique(
            folder / "enrollments.csv", _parse_enrollment,
            ("sourcedId", "classSourcedId", "userSourcedId", "role"),
        )),
        orgs=tuple(_unique(folder / "orgs.csv", _parse_org, ("sourcedId",))),
    )


def _unique(path: Path, parse: Callable[[Row], T], required: Sequence[str]) -> Iterator[T]:
    """Parsed records of one file, refusing a sourcedId seen twice (lookups need it unique)."""
    if not path.is_file():
        return
    seen: set[str] = set()
    for line, row in _read_rows(path, required):
        sourced_id = row["sourcedId"].strip()
        if not sourced_id:
            raise SandboxBundleError(path, "blank sourcedId", line=line)
        if sourced_id in seen:
            raise SandboxBundleError(path, f"duplicate sourcedId {sourced_id!r}", line=line)
        seen.add(sourced_id)
        yield parse(row)


def _read_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, Row]]:
    """(line number, row keyed by header) for every non-blank row of a CSV file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            if not header:
                raise SandboxBundleError(path, "empty file (no header row)")
            missing = [name for name in required if name not in header]
            if missing:
                raise SandboxBundleError(path, f"header lacks column(s) {', '.join(missing)}")
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                # Extra trailing fields are ignored; short rows read as blanks.
                row = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
                yield reader.line_num, row
    except UnicodeDecodeError as exc:
        raise SandboxBundleError(path, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise SandboxBundleError(path, f"cannot read: {exc.strerror or exc}") from exc
    except csv.Error as exc:
        raise SandboxBundleError(path, f"malformed CSV: {exc}") from exc


def _status(value: str) -> str:
    """Blank means active; 1.0's `inactive` was replaced by `tobedeleted` in 1.1."""
    status = value.strip().lower()
    if status in ("", "active"):
        return "active"
    return "tobedeleted" if status == "inactive" else status


def _role(value: str) -> Role:
    return _ROLES.get(value.strip().lower(), Role.OTHER)


def _split_ids(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _parse_user(row: Row) -> RosterUser:
    return RosterUser(
        sourced_id=row["sourcedId"].strip(),
        role=_role(row["role"]),
        status=_status(row.get("status", "")),
        enabled=row.get("enabledUser", "").strip().lower() != "false",
        given_name=row.get("givenName", ""),
        family_name=row.get("familyName", ""),
        middle_name=row.get("middleName", ""),
        email=row.get("email", ""),
        username=row.get("username", ""),
        org_ids=_split_ids(row.get("orgSourcedIds", "")),
    )


def _parse_class(row: Row) -> RosterClass:
    return RosterClass(
        sourced_id=row["sourcedId"].strip(),
        title=row.get("title", ""),
        status=_status(row.get("status", "")),
        school_id=row.get("schoolSourcedId", "").strip(),
    )


def _parse_enrollment(row: Row) -> Enrollment:
    return Enrollment(
        sourced_id=row["sourcedId"].strip(),
        class_id=row["classSourcedId"].strip(),
        user_id=row["userSourcedId"].strip(),
        role=_role(row["role"]),
        status=_status(row.get("status", "")),
    )


def _parse_org(row: Row) -> Org:
    return Org(
        sourced_id=row["sourcedId"].strip(),
        name=row.get("name", ""),
        type=row.get("type", "").strip(),
        parent_id=row.get("parentSourcedId", "").strip(),
    )


def write_bundle(roster: Roster, folder: Path | str) -> Path:
    """Write the roster as a OneRoster 1.1 CSV bundle that `load_bundle` reads back equal."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "users.csv", USERS_HEADER, (_user_row(u) for u in roster.users))
    _write(folder / "orgs.csv", ORGS_HEADER, (_org_row(o) for o in roster.orgs))
    _write(folder / "classes.csv", CLASSES_HEADER, (_class_row(c) for c in roster.classes))
    schools = {cls.sourced_id: cls.school_id for cls in roster.classes}
    _write(
        folder / "enrollments.csv", ENROLLMENTS_HEADER,
        (_enrollment_row(e, schools.get(e.class_id, "")) for e in roster.enrollments),
    )
    _write(folder / "manifest.csv", ("propertyName", "value"), iter(_MANIFEST))
    return folder


_MANIFEST = (
    {"propertyName": "manifest.version", "value": "1"},
    {"propertyName": "oneroster.version", "value": "1.1"},
    {"propertyName": "source.systemName", "value": "rosterbot sandbox"},
    *({"propertyName": f"file.{name}", "value": "bulk"}
      for name in ("orgs", "classes", "users", "enrollments")),
)


def _write(path: Path, header: Sequence[str], rows: Iterator[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), restval="")
        writer.writeheader()
        writer.writerows(rows)


def _user_row(user: RosterUser) -> Row:
    return {
        "sourcedId": user.sourced_id, "status": user.status,
        "enabledUser": "true" if user.enabled else "false",
        "orgSourcedIds": ",".join(user.org_ids), "role": user.role.value,
        "username": user.username, "givenName": user.given_name,
        "familyName": user.family_name, "middleName": user.middle_name, "email": user.email,
    }


def _org_row(org: Org) -> Row:
    return {
        "sourcedId": org.sourced_id, "status": "active", "name": org.name, "type": org.type,
        "parentSourcedId": org.parent_id,
    }


def _class_row(cls: RosterClass) -> Row:
    return {
        "sourcedId": cls.sourced_id, "status": cls.status, "title": cls.title,
        "classType": "scheduled", "schoolSourcedId": cls.school_id,
    }


def _enrollment_row(enrollment: Enrollment, school_id: str) -> Row:
    return {
        "sourcedId": enrollment.sourced_id, "status": enrollment.status,
        "classSourcedId": enrollment.class_id, "schoolSourcedId": school_id,
        "userSourcedId": enrollment.user_id,
        "role": enrollment.role.value,
        "primary": "true" if enrollment.role is Role.TEACHER else "false",
    }
