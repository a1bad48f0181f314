"""Changes to a license: attach or detach an Application ID, replace, remove or add an
instructor email, each made against the version of the license it was computed from.

    seen = directory.get_versioned("demo-emails")            # License and its version
    change = LicenseChange.replace("sarah.wlison@x.org", "sarah.wilson@x.org")
    after = change.apply(seen.license)                        # pure: the license as it would be
    done = directory.change("demo-emails", change, expected_version=seen.version)

`change` writes only when the license is still at `expected_version` (optimistic concurrency);
otherwise it raises `LicenseConflict` and writes nothing, so a change made meanwhile by someone
else is neither lost nor overwritten. A source that cannot be written (a YAML file) raises
`LicenseReadOnly`; a change that makes no sense on the license as it is (the row is gone, the ID
is already attached) raises `ChangeNotApplicable`. Every change has an inverse computed against
the license it was applied to, which is how an undo is made.

Pure except for the `LicenseWriter` protocol, which the writable sources implement.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable
from urllib.parse import unquote

from checks.errors import ChangeNotApplicable, LicenseReadOnly
from checks.licenses.records import license_to_mapping
from checks.models import License
from checks.text import fold_email, looks_like_email, mask_secret

__all__ = ["ChangeKind", "LicenseChange", "LicenseWriter", "VersionedLicense",
           "license_fingerprint", "read_only_reason", "shown_email", "writer"]


class ChangeKind(StrEnum):
    ATTACH = "attach"  # add an Application ID
    DETACH = "detach"  # take an Application ID off
    REPLACE_EMAIL = "replace_email"  # one instructor row becomes another address
    REMOVE_EMAIL = "remove_email"  # one instructor row goes
    ADD_EMAIL = "add_email"  # a row comes back (the undo of a removal)


EMAIL_KINDS = frozenset({ChangeKind.REPLACE_EMAIL, ChangeKind.REMOVE_EMAIL, ChangeKind.ADD_EMAIL})
MAX_VALUE = 320  # an address or an ID longer than this is not one


@dataclass(frozen=True, slots=True)
class VersionedLicense:
    """A license and the version its source gives it (an opaque string: a counter, an ETag)."""

    license: License
    version: str


@dataclass(frozen=True, slots=True)
class LicenseChange:
    """One change. `value` is the Application ID, or the instructor row exactly as typed (for a
    replacement, the row replaced); `new` the address it becomes. `position` (0-based) names the
    row (or the place in the list) when it is known; without it the first row equal to `value`
    is meant, and an added ID or row goes last."""

    kind: ChangeKind
    value: str
    new: str = ""
    position: int | None = None

    @classmethod
    def attach(cls, application_id: str) -> LicenseChange:
        return cls(ChangeKind.ATTACH, application_id.strip())

    @classmethod
    def detach(cls, application_id: str) -> LicenseChange:
        return cls(ChangeKind.DETACH, application_id)

    @classmethod
    def replace(cls, old: str, new: str, *, position: int | None = None) -> LicenseChange:
        return cls(ChangeKind.REPLACE_EMAIL, old, new, position)

    @classmethod
    def remove(cls, email: str, *, position: int | None = None) -> LicenseChange:
        return cls(ChangeKind.REMOVE_EMAIL, email, position=position)

    @classmethod
    def add(cls, email: str, *, position: int | None = None) -> LicenseChange:
        return cls(ChangeKind.ADD_EMAIL, email, position=position)

    # -- what it does ------------------------------------------------------------------------

    def apply(self, license: License) -> License:
        """The license with this change made; ChangeNotApplicable when it cannot be."""
        self.check()
        ids, emails = list(license.application_ids), list(license.instructor_emails)
        if self.kind is ChangeKind.ATTACH:
            if any(_same_id(a, self.value) for a in ids):
                raise ChangeNotApplicable(f"Application ID {mask_secret(self.value)} is already "
                                          f"attached to license {license.id}")
            ids.insert(_place(self.position, ids), self.value)
        elif self.kind is ChangeKind.DETACH:
            ids.pop(self._row(ids, license, what="Application ID"))
        elif self.kind is ChangeKind.REPLACE_EMAIL:
            row = self._row(emails, license, what="instructor email")
            self._not_already_there(emails, self.new, license, skip=row)
            emails[row] = self.new
        elif self.kind is ChangeKind.REMOVE_EMAIL:
            emails.pop(self._row(emails, license, what="instructor email"))
        else:
            self._not_already_there(emails, self.value, license)
            emails.insert(_place(self.position, emails), self.value)
        return replace(license, application_ids=tuple(ids), instructor_emails=tuple(emails))

    def inverse(self, before: License) -> LicenseChange:
        """The change that undoes this one, made to `before` (the license it was applied to)."""
        if self.kind is ChangeKind.ATTACH:
            return LicenseChange(ChangeKind.DETACH, self.value,
                                 position=_place(self.position, before.application_ids))
        if self.kind is ChangeKind.DETACH:
            row = self._row(list(before.application_ids), before, what="Application ID")
            return LicenseChange(ChangeKind.ATTACH, before.application_ids[row], position=row)
        if self.kind is ChangeKind.REPLACE_EMAIL:
            row = self._row(list(before.instructor_emails), before, what="instructor email")
            return LicenseChange(ChangeKind.REPLACE_EMAIL, self.new, self.value, position=row)
        if self.kind is ChangeKind.REMOVE_EMAIL:
            row = self._row(list(before.instructor_emails), before, what="instructor email")
            return LicenseChange(ChangeKind.ADD_EMAIL, self.value, position=row)
        return LicenseChange(ChangeKind.REMOVE_EMAIL, self.value,
                             position=_place(self.position, before.instructor_emails))

    def check(self) -> None:
        """ChangeNotApplicable when the change is malformed whatever the license says."""
        if not self.value.strip() or len(self.value) > MAX_VALUE:
            raise ChangeNotApplicable(f"{self._noun()} must be 1 to {MAX_VALUE} characters")
        if self.kind is ChangeKind.ATTACH and any(c.isspace() for c in self.value):
            raise ChangeNotApplicable("an Application ID has no spaces in it")
        if self.kind is ChangeKind.REPLACE_EMAIL:
            # exactly as given: an undo puts back a row with its stray spaces
            if not looks_like_email(self.new) or len(self.new) > MAX_VALUE:
                raise ChangeNotApplicable(f"{self.new!r} is not an email address")
            if self.new == self.value:
                raise ChangeNotApplicable("the new address is the same as the old one")
        if self.position is not None and self.position < 0:
            raise ChangeNotApplicable("a row position is 0 or more")

    @property
    def touches(self) -> str:
        """The license field it changes: "application_ids" or "instructor_emails"."""
        return "instructor_emails" if self.kind in EMAIL_KINDS else "application_ids"

    def describe(self) -> str:
        """One line, plain text; Application IDs masked, rows quoted when spaces hide in them."""
        if self.kind is ChangeKind.ATTACH:
            return f"attach Application ID {mask_secret(self.value)}"
        if self.kind is ChangeKind.DETACH:
            return f"detach Application ID {mask_secret(self.value)}"
        if self.kind is ChangeKind.REPLACE_EMAIL:
            return f"change instructor email {shown_email(self.value)} to {shown_email(self.new)}"
        if self.kind is ChangeKind.REMOVE_EMAIL:
            return f"remove instructor email {shown_email(self.value)}"
        return f"add instructor email {shown_email(self.value)}"

    # -- as data -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": str(self.kind), "value": self.value}
        if self.new:
            out["new"] = self.new
        if self.position is not None:
            out["position"] = self.position
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LicenseChange:
        """ValueError when `data` is not a change this module wrote."""
        try:
            kind = ChangeKind(data["kind"])
        except (KeyError, ValueError, TypeError):
            raise ValueError("not a license change") from None
        value, new, position = data.get("value"), data.get("new", ""), data.get("position")
        if not isinstance(value, str) or not isinstance(new, str) or not (
                position is None or (isinstance(position, int)
                                     and not isinstance(position, bool))):
            raise ValueError("not a license change")
        return cls(kind, value, new, position)

    # -- helpers -----------------------------------------------------------------------------

    def _row(self, rows: list[str], license: License, *, what: str) -> int:
        if self.position is not None and self.position < len(rows) and \
                rows[self.position] == self.value:
            return self.position
        for index, row in enumerate(rows):
            if row == self.value:
                return index
        shown = mask_secret(self.value) if what == "Application ID" else shown_email(self.value)
        raise ChangeNotApplicable(f"license {license.id} has no {what} {shown} (any more)")

    def _not_already_there(self, emails: list[str], address: str, license: License, *,
                           skip: int | None = None) -> None:
        key = fold_email(address)
        for index, row in enumerate(emails):
            if index != skip and fold_email(row) == key:
                raise ChangeNotApplicable(
                    f"license {license.id} already has {shown_email(row)} (row {index + 1}); "
                    "remove this row instead")

    def _noun(self) -> str:
        return "an instructor email" if self.kind in EMAIL_KINDS else "an Application ID"


def shown_email(row: str) -> str:
    """A row as typed, quoted (with escapes) when spaces or invisible characters hide in it."""
    if row != row.strip() or not row.isprintable() or not row:
        return json.dumps(row)
    return row


def license_fingerprint(license: License) -> str:
    """A short digest of everything on the license: what a finding was computed against, so a
    change proposed from it can tell the license has changed since."""
    canonical = json.dumps(license_to_mapping(license), sort_keys=True, ensure_ascii=False)
    return hashlib.blake2s(canonical.encode(), digest_size=8).hexdigest()


@runtime_checkable
class LicenseWriter(Protocol):
    """A license source that may take changes (SQLite; the license API, when it allows PATCH).

    `read_only_reason` is None when changes can be made, else a sentence saying why not and
    where to make them by hand (the YAML file's path); `change` then raises LicenseReadOnly."""

    @property
    def read_only_reason(self) -> str | None: ...

    def get_versioned(self, license_id: str) -> VersionedLicense:
        """The license with exactly this id and its current version."""
        ...

    def change(self, license_id: str, change: LicenseChange, *,
               expected_version: str) -> VersionedLicense:
        """Make `change` if the license is still at `expected_version`; the license as it is
        now, with its new version. LicenseConflict when it is not (nothing written)."""
        ...


def read_only_reason(directory: object) -> str | None:
    """None when `directory` takes changes; else why not, in a sentence."""
    if not isinstance(directory, LicenseWriter):
        return f"this license source ({type(directory).__name__}) cannot be changed by rosterbot"
    return directory.read_only_reason


def writer(directory: object) -> LicenseWriter:
    """`directory` as a LicenseWriter; LicenseReadOnly (saying why) when it cannot be written."""
    reason = read_only_reason(directory)
    if reason is not None or not isinstance(directory, LicenseWriter):
        raise LicenseReadOnly(reason or "this license source cannot be changed")
    return directory


def _same_id(a: str, b: str) -> bool:
    return unquote(a.strip()) == unquote(b.strip())


def _place(position: int | None, rows: tuple[str, ...] | list[str]) -> int:
    return len(rows) if position is None else min(position, len(rows))
