"""Which findings a change to the license would fix, and which change (pure).

    for proposal in proposals(diagnosis):
        proposal.change      # LicenseChange: attach the tenant's ID, fix a row, remove a row
        proposal.finding     # the code that proposed it (unattached_match, email_fix, ...)
        proposal.choice      # one of several candidates: offered side by side, never a default

Fixable findings:

- `unattached_match` (step connection): attach the connection's Application ID (data
  `_application_id`, never shown);
- `email_fix` (step emails): replace the row with the roster's address (`suggestion`);
- `email_ambiguous` (step emails): replace the row with one of the `candidates` (a choice,
  never a default);
- `email_student` (step emails): remove the row (a student's address).

Several `unattached_match` findings (two connections confirmed for one license) are a choice
too. Everything else needs the district (enable the app, restore a record, add an address) or a
person's judgement, so it proposes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.diagnose import Diagnosis
from checks.licenses.changes import ChangeKind, LicenseChange, license_fingerprint
from checks.models import Finding, License

FIXABLE = {
    "unattached_match": "connection",
    "email_fix": "emails",
    "email_ambiguous": "emails",
    "email_student": "emails",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """A change one finding proposes, and what it was computed against."""

    license_id: str
    change: LicenseChange
    step: str  # the check step it fixes (checks.steps names)
    finding: str  # the code of the finding that proposed it
    fingerprint: str  # license_fingerprint of the license the finding was computed from
    choice: bool = False  # one of several candidates for one problem: no default
    tenant_name: str = ""  # unattached_match: the district the connection is
    row: int | None = None  # the instructor row (0-based) a change of emails is about

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"l": self.license_id, "c": self.change.to_json(), "s": self.step,
                               "f": self.finding, "p": self.fingerprint}
        if self.choice:
            out["k"] = 1
        if self.tenant_name:
            out["t"] = self.tenant_name
        if self.row is not None:
            out["r"] = self.row
        return out

    @classmethod
    def from_json(cls, data: Any) -> Proposal:
        """ValueError when `data` is not one to_json() wrote."""
        if not isinstance(data, dict):
            raise ValueError("not a proposal")
        fields = (data.get("l"), data.get("s"), data.get("f"), data.get("p"), data.get("t", ""))
        row = data.get("r")
        if not all(isinstance(v, str) for v in fields) or not isinstance(data.get("c"), dict) \
                or not (row is None or (isinstance(row, int) and not isinstance(row, bool))):
            raise ValueError("not a proposal")
        license_id, step, finding, fingerprint, tenant = fields
        return cls(str(license_id), LicenseChange.from_json(data["c"]), str(step), str(finding),
                   str(fingerprint), bool(data.get("k")), str(tenant), row)


def proposals(diagnosis: Diagnosis, *, step: str | None = None) -> list[Proposal]:
    """Every change the diagnosis's findings propose (of one step, when `step` is given), in
    finding order."""
    license = diagnosis.license
    fingerprint = license_fingerprint(license)
    found: list[Proposal] = []
    for result in diagnosis.steps:
        if step is not None and result.name != step:
            continue
        attaches = [f for f in result.findings if f.code == "unattached_match"]
        rows = _RowFinder(license)
        for finding in result.findings:
            typed = finding.data.get("license_email")
            row = rows.take(typed) if isinstance(typed, str) else None
            found += _proposed(license, finding, fingerprint, row,
                               several_connections=len(attaches) > 1)
    return found


def matching(found: list[Proposal], change: LicenseChange) -> Proposal | None:
    """The proposal making `change` (same kind, value and new address), if a finding made one."""
    for proposal in found:
        mine = proposal.change
        if (mine.kind, mine.value, mine.new) == (change.kind, change.value, change.new):
            return proposal
    return None


def _proposed(license: License, finding: Finding, fingerprint: str, row: int | None, *,
              several_connections: bool) -> list[Proposal]:
    step = FIXABLE.get(finding.code)
    if step is None:
        return []
    data = finding.data
    if finding.code == "unattached_match":
        app_id = data.get("_application_id")
        if not isinstance(app_id, str) or not app_id.strip():
            return []
        return [Proposal(license.id, LicenseChange.attach(app_id), step, finding.code,
                         fingerprint, choice=several_connections,
                         tenant_name=str(data.get("tenant_name") or ""))]
    row_text = data.get("license_email")
    if not isinstance(row_text, str):
        return []
    if finding.code == "email_student":
        return [Proposal(license.id, LicenseChange.remove(row_text, position=row), step,
                         finding.code, fingerprint, row=row)]
    if finding.code == "email_fix":
        suggestion = data.get("suggestion")
        if not isinstance(suggestion, str) or not suggestion or suggestion == row_text:
            return []
        return [Proposal(license.id, LicenseChange.replace(row_text, suggestion, position=row),
                         step, finding.code, fingerprint, row=row)]
    candidates = [c for c in data.get("candidates", []) if isinstance(c, str) and c
                  and c != row_text]
    return [Proposal(license.id, LicenseChange.replace(row_text, c, position=row), step,
                     finding.code, fingerprint, choice=True, row=row)
            for c in candidates]


class _RowFinder:
    """The position of each step-2 finding's row: findings come in license order, so the n-th
    finding naming a row text is the n-th row with that text."""

    def __init__(self, license: License) -> None:
        self._positions: dict[str, list[int]] = {}
        for index, row in enumerate(license.instructor_emails):
            self._positions.setdefault(row, []).append(index)

    def take(self, row: str) -> int | None:
        left = self._positions.get(row)
        return left.pop(0) if left else None


__all__ = ["FIXABLE", "ChangeKind", "Proposal", "matching", "proposals"]
