"""Fixing a license, for Slack and the CLI alike: preview a change, make it against the version
it was computed from, record it (who, when, before, after, the finding that proposed it), and
undo it within 15 minutes.

    fixer = Fixer(diagnoser.licenses, store)
    preview = fixer.preview("demo-emails", LicenseChange.replace(old, new))   # before/after
    made = fixer.apply(preview, by=Who("U123", surface="slack"), finding="email_fix")
    fixer.undo("demo-emails", by=Who("U123", surface="slack"))             # or undo(fix_id=)

Changes go through the license directory's own optimistic concurrency (checks.licenses.changes):
a change computed against a version that is no longer current is refused, nothing is written,
and whoever changed the license meanwhile keeps their change. An undo is computed against the
version the fix produced, so it too is refused once anything else has changed the license.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.store import AuditEntry, Store
from bot.store.fixes import FixRecord, NewFix
from checks.errors import LicenseChangeError, LicenseConflict
from checks.licenses.changes import (
    ChangeKind,
    LicenseChange,
    VersionedLicense,
    read_only_reason,
    shown_email,
    writer,
)
from checks.licenses.records import license_from_mapping, license_to_mapping
from checks.models import License
from checks.text import mask_secret

log = logging.getLogger(__name__)

UNDO_WINDOW = dt.timedelta(minutes=15)


class UndoRefused(LicenseChangeError):
    """Nothing to undo, too late, already undone, or the license changed since the fix."""


@dataclass(frozen=True, slots=True)
class Who:
    """Who makes a change, and from where."""

    user_id: str  # a Slack user id, or "cli:<login>"
    surface: str = "slack"  # slack | cli
    team_id: str = ""
    channel_id: str = ""
    is_staff: bool = True


@dataclass(frozen=True, slots=True)
class Preview:
    """A change and the license it would be made to, before and after."""

    change: LicenseChange
    seen: VersionedLicense  # the license as read, and its version
    after: License

    @property
    def license_id(self) -> str:
        return self.seen.license.id

    def lines(self) -> tuple[list[str], list[str]]:
        """The changed field before and after, a line each row (plain text)."""
        return before_and_after(self.seen.license, self.after, self.change)


@dataclass(frozen=True, slots=True)
class Made:
    """A change made and recorded."""

    record: FixRecord
    now: VersionedLicense  # the license as the change left it


class Fixer:
    def __init__(self, licenses: object, store: Store, *,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.licenses, self.store = licenses, store
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    @property
    def read_only_reason(self) -> str | None:
        """None when the license directory takes changes; else why not and where to edit."""
        return read_only_reason(self.licenses)

    def preview(self, license_id: str, change: LicenseChange, *,
                expected_version: str | None = None) -> Preview:
        """The change against the license as it is now. LicenseNotFound, LicenseReadOnly,
        ChangeNotApplicable; LicenseConflict when `expected_version` is no longer current."""
        seen = writer(self.licenses).get_versioned(license_id)
        if expected_version is not None and seen.version != expected_version:
            raise LicenseConflict(
                f"license {license_id} changed since this change was shown (version "
                f"{expected_version}, now {seen.version}); nothing was written",
                license_id=license_id, expected=expected_version, current=seen.version)
        return Preview(change, seen, change.apply(seen.license))

    def apply(self, preview: Preview, *, by: Who, finding: str = "") -> Made:
        """Make the change if the license is still at the previewed version, record it and
        audit it. LicenseConflict (nothing written) when someone changed it meanwhile."""
        license_id = preview.license_id
        try:
            now = writer(self.licenses).change(license_id, preview.change,
                                               expected_version=preview.seen.version)
        except LicenseChangeError as exc:
            self._audit(by, license_id, "fix", f"refused: {preview.change.describe()}: {exc}",
                        refused=True)
            raise
        undo = preview.change.inverse(preview.seen.license)
        record = self._record(preview.seen, now, preview.change, undo, by=by, finding=finding)
        self._audit(by, license_id, "fix", _audit_text(record))
        return Made(record, now)

    def last_fix(self, license_id: str) -> FixRecord | None:
        return self.store.fixes.last(license_id)

    def undoable(self, fix: FixRecord | None) -> str | None:
        """None when `fix` may be undone now; else why not (a sentence)."""
        if fix is None:
            return "there is no fix to undo"
        if fix.is_undo:
            return f"fix {fix.id} is itself an undo"
        if fix.undone_at is not None:
            return f"fix {fix.id} was already undone by {fix.undone_by}"
        age = self._clock() - fix.at
        if age > UNDO_WINDOW:
            minutes = int(UNDO_WINDOW.total_seconds() // 60)
            return (f"fix {fix.id} was made {_ago(age)} ago; a fix can be undone for {minutes} "
                    "minutes, after that change the license back by hand (rosterbot fix)")
        return None

    def undo(self, license_id: str | None = None, *, fix_id: int | None = None,
             by: Who) -> Made:
        """Undo a fix (by id, or the license's last one) within 15 minutes of it, if nothing
        has changed the license since. UndoRefused says why not."""
        fix = self.store.fixes.get(fix_id) if fix_id is not None else \
            self.store.fixes.last(license_id or "")
        if fix is not None and license_id is not None and fix.license_id != license_id:
            fix = None
        reason = self.undoable(fix)
        if reason is not None or fix is None:
            subject = license_id or (fix.license_id if fix else None)
            self._audit(by, subject, "undo", f"refused: {reason}", refused=True)
            raise UndoRefused(reason or "there is no fix to undo")
        change = LicenseChange.from_json(fix.undo)
        try:
            now = writer(self.licenses).change(fix.license_id, change,
                                               expected_version=fix.after_version)
        except LicenseConflict:
            reason = (f"license {fix.license_id} has changed since fix {fix.id} was made, so "
                      "undoing it could overwrite that change; nothing was written")
            self._audit(by, fix.license_id, "undo", f"refused: {reason}", refused=True)
            raise UndoRefused(reason) from None
        before = VersionedLicense(_license(fix.after, fix.license_id), fix.after_version)
        record = self._record(before, now, change, LicenseChange.from_json(fix.change), by=by,
                              finding=fix.finding, undo_of=fix.id)
        if not self.store.fixes.mark_undone(fix.id, by=by.user_id, undo_id=record.id):
            log.warning("fix %s was marked undone by someone else meanwhile", fix.id)
        self._audit(by, fix.license_id, "undo", _audit_text(record))
        return Made(record, now)

    # -- helpers -----------------------------------------------------------------------------

    def _record(self, before: VersionedLicense, now: VersionedLicense, change: LicenseChange,
                undo: LicenseChange, *, by: Who, finding: str,
                undo_of: int | None = None) -> FixRecord:
        return self.store.fixes.record(NewFix(
            license_id=now.license.id, change=change.to_json(), undo=undo.to_json(),
            before=license_to_mapping(before.license), after=license_to_mapping(now.license),
            before_version=before.version, after_version=now.version, by_user=by.user_id,
            team_id=by.team_id, channel_id=by.channel_id, surface=by.surface, finding=finding,
            summary=change.describe(), undo_of=undo_of))

    def _audit(self, by: Who, license_id: str | None, command: str, result: str, *,
               refused: bool = False) -> None:
        try:
            self.store.audit(AuditEntry(
                user_id=by.user_id, team_id=by.team_id, is_staff=by.is_staff,
                channel_id=by.channel_id, license_id=license_id, command=f"{by.surface}:{command}",
                result=result, refused=refused))
        except Exception:  # the record in license_fixes is what matters
            log.exception("could not audit %s on %s", command, license_id)


def before_and_after(before: License, after: License,
                     change: LicenseChange) -> tuple[list[str], list[str]]:
    """The field `change` touched, before and after (field_lines of each)."""
    rows = before.instructor_emails
    around = rows.index(change.value) if change.value in rows else None
    return field_lines(before, change), field_lines(after, change, around=around)


def field_lines(license: License, change: LicenseChange, *,
                around: int | None = None) -> list[str]:
    """The field `change` touches, one line per row: Application IDs masked, rows as typed
    (quoted when spaces hide in them). Long lists show the rows around the change (or around
    row `around`, where a removed row was)."""
    if change.touches == "application_ids":
        ids = [mask_secret(a) for a in license.application_ids]
        return [f"Application IDs: {', '.join(ids) if ids else 'none'}"]
    rows = license.instructor_emails
    if not rows:
        return ["Instructor emails: none"]
    marked = {i for i, row in enumerate(rows) if row in (change.value, change.new)}
    if not marked:  # the row is gone: show where it was
        where = around if around is not None else change.position
        marked = {min(where, len(rows) - 1)} if where is not None else set()
    shown = range(len(rows)) if len(rows) <= 12 else sorted(
        {j for i in marked for j in range(max(0, i - 2), min(len(rows), i + 3))})
    lines = [f"Instructor emails ({len(rows)}):"]
    last = -1
    for index in shown:
        if index > last + 1:
            lines.append("  …")
        lines.append(f"  {index + 1}. {shown_email(rows[index])}")
        last = index
    if last < len(rows) - 1:
        lines.append("  …")
    return lines


def label(change: LicenseChange, *, tenant_name: str = "", student: bool = False) -> str:
    """A button's words: "Attach ••••S9PM (Maple Grove School District)", "Change
    sarah.wlison@… to sarah.wilson@…", "Remove the student address"."""
    if change.kind is ChangeKind.ATTACH:
        return f"Attach {mask_secret(change.value)}" + (f" ({tenant_name})" if tenant_name else "")
    if change.kind is ChangeKind.REPLACE_EMAIL:
        old, new = _short(change.value), _short(change.new)
        if old == new or change.value.strip() == change.new.strip():
            # only the domain, or spaces around the address, differ: show both whole
            old, new = shown_email(change.value), shown_email(change.new)
        return f"Change {old} to {new}"
    if change.kind is ChangeKind.REMOVE_EMAIL:
        return "Remove the student address" if student else f"Remove {_short(change.value)}"
    return change.describe().capitalize()


def _short(address: str) -> str:
    """"sarah.wlison@…": the mailbox, as typed (spaces shown), and an ellipsis for the domain."""
    local, at, _domain = address.partition("@")
    shown = shown_email(local) if local != local.strip() else local
    return f"{shown}@…" if at else shown_email(address)


def _audit_text(record: FixRecord) -> str:
    verb = f"undid fix {record.undo_of}: " if record.is_undo else ""
    why = f"; proposed by {record.finding}" if record.finding else ""
    return (f"{verb}{record.summary} (version {record.before_version} -> "
            f"{record.after_version}{why}; fix {record.id})")


def _license(mapping: dict[str, object], license_id: str) -> License:
    try:
        return license_from_mapping(mapping)
    except ValueError:
        return License(license_id, "", "", 0)


def _ago(age: dt.timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"
