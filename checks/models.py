"""Records fetched from ClassLink and the license directory, and the results the checks return.

Everything here is a frozen value; nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload


class Role(StrEnum):
    """OneRoster roles we care about; anything else is kept as OTHER."""

    TEACHER = "teacher"
    ADMINISTRATOR = "administrator"
    STUDENT = "student"
    AIDE = "aide"
    GUARDIAN = "guardian"
    OTHER = "other"


STAFF_ROLES = frozenset({Role.TEACHER, Role.ADMINISTRATOR})


@dataclass(frozen=True, slots=True)
class Application:
    """One district's row in ClassLink's `/applications` list."""

    tenant_id: str
    tenant_name: str
    application_id: str
    oneroster_application_id: str
    bearer: str
    enabled: bool
    tenant_status: str
    name: str = ""

    @property
    def active(self) -> bool:
        return self.tenant_status.strip().lower() == "active"


@dataclass(frozen=True, slots=True)
class DirectServer:
    """Credentials for direct OAuth 1.0a access, from `/applications/{id}/server`."""

    client_id: str
    client_secret: str
    endpoint_url: str


@dataclass(frozen=True, slots=True)
class RosterUser:
    """A OneRoster user, 1.1 (`role`) or 1.2 (`roles[]`) shape folded into one."""

    sourced_id: str
    role: Role
    status: str  # "active" or "tobedeleted"; blank in CSV bundles means active
    enabled: bool
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    email: str = ""  # exactly as ClassLink sends it; "" when missing
    username: str = ""
    org_ids: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.status != "tobedeleted" and self.enabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


@dataclass(frozen=True, slots=True)
class RosterClass:
    sourced_id: str
    title: str
    status: str = "active"
    school_id: str = ""

    @property
    def active(self) -> bool:
        return self.status != "tobedeleted"


@dataclass(frozen=True, slots=True)
class Enrollment:
    sourced_id: str
    class_id: str
    user_id: str
    role: Role
    status: str = "active"

    @property
    def active(self) -> bool:
        return self.status != "tobedeleted"


@dataclass(frozen=True, slots=True)
class Org:
    sourced_id: str
    name: str
    type: str = ""
    parent_id: str = ""


@dataclass(frozen=True, slots=True)
class Roster:
    """Everything one district sends through one connection."""

    users: tuple[RosterUser, ...] = ()
    classes: tuple[RosterClass, ...] = ()
    enrollments: tuple[Enrollment, ...] = ()
    orgs: tuple[Org, ...] = ()


@dataclass(frozen=True, slots=True)
class License:
    """A Pivot license; emails and Application IDs are kept exactly as typed."""

    id: str
    name: str
    district: str
    seats: int
    expires: dt.date | None = None
    instructor_emails: tuple[str, ...] = ()
    application_ids: tuple[str, ...] = ()


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"  # a source could not be read


_SEVERITY = {Status.PASS: 0, Status.WARN: 1, Status.UNKNOWN: 2, Status.FAIL: 3}


def worst(statuses: list[Status] | tuple[Status, ...]) -> Status:
    """The most severe status; PASS for none."""
    return max(statuses, key=_SEVERITY.__getitem__, default=Status.PASS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation: a stable machine code, its status and its data; no sentence.

    The words users read are rendered from the code and the data by the bot's templates
    (bot/templates/findings/<code>.j2), the same ones for Slack and the terminal."""

    code: str
    status: Status
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Public form; data keys starting with "_" are internal (e.g. a full Application ID)."""
        public = {k: v for k, v in self.data.items() if not k.startswith("_")}
        return {"code": self.code, "status": str(self.status), **public}


@dataclass(frozen=True, slots=True)
class CheckResult:
    step: int
    name: str
    status: Status
    findings: tuple[Finding, ...] = ()
    figures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, step: int, name: str, findings: list[Finding], **figures: Any) -> CheckResult:
        return cls(step, name, worst([f.status for f in findings]), tuple(findings), figures)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.step,
            "name": self.name,
            "status": str(self.status),
            "findings": [f.to_json() for f in self.findings],
        }
        if self.figures:
            out["figures"] = self.figures
        return out


@dataclass(frozen=True, slots=True)
class StepResults(Sequence[CheckResult]):
    """A diagnosis's results in step order (checks.steps.STEPS), looked up by step name
    (`results["emails"]`) or, where order is what matters, by position."""

    results: tuple[CheckResult, ...] = ()

    @overload
    def __getitem__(self, key: int | str) -> CheckResult: ...

    @overload
    def __getitem__(self, key: slice) -> tuple[CheckResult, ...]: ...

    def __getitem__(self, key: int | str | slice) -> CheckResult | tuple[CheckResult, ...]:
        if isinstance(key, str):
            for result in self.results:
                if result.name == key:
                    return result
            raise KeyError(key)
        return self.results[key]

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[CheckResult]:
        return iter(self.results)

    def get(self, name: str) -> CheckResult | None:
        """The result of the step with this name, or None when it did not run."""
        return next((r for r in self.results if r.name == name), None)

    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.results)
