"""One-click fixes in Slack, for staff only.

Every fixable finding (checks.fixes) gets a button where only staff read the message (a step of
a dialog in an internal channel or a DM, an escalation's summary in the support channel):
"Attach ••••S9PM (Maple Grove School District)", "Change sarah.wlison@… to sarah.wilson@…",
"Remove the student address". Ambiguous findings offer one button per candidate, none styled as
the default. The button opens a confirmation modal with the license before and after; Apply
makes the change against the version the modal showed, records it (bot.fixes), re-runs the
checks and posts the affected step with Undo (15 minutes). A read-only license source shows the
exact change to make by hand instead of buttons.

Customers never get fix buttons: their step message offers "Ask support to make this change",
which escalates (the summary carries the proposed changes, with their buttons, for staff).
Every fix action is signed (bot.action_values) and checked again when it arrives: anyone but
staff is refused and audited, whatever the route (a button, a replayed or forged value, a modal
submission), and nothing is written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.action_values import ActionValue, encode_action_value
from bot.blocks import Block, Button, actions_block, context_block, fix_modal, simple_message
from bot.dialog import Action, Step
from bot.fixes import (
    UNDO_WINDOW,
    Fixer,
    Made,
    Preview,
    UndoRefused,
    Who,
    before_and_after,
    label,
)
from bot.knowledge import Audience
from bot.sealed import seal, unseal
from bot.service.context import Deps, RequestContext, request_context
from bot.service.replies import Replies
from checks.diagnose import Diagnosis
from checks.errors import (
    ChangeNotApplicable,
    LicenseChangeError,
    LicenseConflict,
    LicenseNotFound,
    LicenseReadOnly,
)
from checks.fixes import Proposal, proposals
from checks.licenses.changes import ChangeKind, LicenseChange, license_fingerprint
from checks.licenses.records import license_from_mapping
from checks.models import License, Status

log = logging.getLogger(__name__)

FIX_ACTIONS = frozenset({Action.OPEN_FIX, Action.APPLY_FIX, Action.UNDO_FIX})
MAX_FIX_BUTTONS = 20  # one actions row; the rest are named in a line (and the CLI can do them)
ASK_SUPPORT = "Ask support to make this change"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a fix was asked from: its result goes to this thread (or privately there)."""

    channel_id: str
    thread_ts: str


class FixActions:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies
        self.fixer = Fixer(deps.diagnoser.licenses, deps.store)

    # -- what a message offers ---------------------------------------------------------------

    def step_blocks(self, *, dialog_id: str, step: Step, diagnosis: Diagnosis | None,
                    audience: Audience) -> list[Block]:
        """The fix row under a step's findings: buttons for staff, the change to make by hand
        when the source is read-only, "Ask support to make this change" for customers."""
        if diagnosis is None:
            return []
        found = proposals(diagnosis, step=str(step))
        if not found:
            return []
        if audience is not Audience.STAFF:
            button = Button(ASK_SUPPORT, Action.TALK_TO_SUPPORT)
            return [context_block("Support can make this change for you: "
                                  + "; ".join(_customer_words(p) for p in found[:5])
                                  + (f" and {len(found) - 5} more" if len(found) > 5 else "")),
                    actions_block([button], dialog_id=dialog_id, key=self.deps.action_key,
                                  block_id="rosterbot.ask_fix", step=step)]
        return self.staff_blocks(found)

    def staff_blocks(self, found: Sequence[Proposal]) -> list[Block]:
        """Fix buttons (or, read-only, the changes to make by hand) for staff."""
        if not found:
            return []
        reason = self.fixer.read_only_reason
        if reason is not None:
            return [context_block(self.by_hand_text(found, reason))]
        shown = list(found[:MAX_FIX_BUTTONS])
        buttons = [Button(button_label(p), Action.OPEN_FIX, self._seal(p.to_json()))
                   for p in shown]
        note = "Fixes: each opens a confirmation showing the license before and after"
        if any(p.choice for p in shown):
            note += "; where several candidates fit, pick one (there is no default)"
        if len(found) > len(shown):
            note += f"; {len(found) - len(shown)} more with `rosterbot fix`"
        return [context_block(note + "."),
                actions_block(buttons, dialog_id="", key=self.deps.action_key,
                              block_id="rosterbot.fixes")]

    def by_hand_text(self, found: Sequence[Proposal], reason: str) -> str:
        return self.replies.text("fix_by_hand", Audience.STAFF, reason=reason, changes=[
            {"license_id": p.license_id, "change": _by_hand(p), "choice": p.choice}
            for p in found])

    def summary_proposals(self, diagnosis: Diagnosis | None) -> list[dict[str, Any]]:
        """The proposals of a diagnosis as plain data, kept with an escalation's summary."""
        return [] if diagnosis is None else [p.to_json() for p in proposals(diagnosis)]

    def summary_blocks(self, kept: Sequence[Any]) -> list[Block]:
        """The fix row of an escalation summary (support channel: staff only)."""
        found = []
        for item in kept:
            try:
                found.append(Proposal.from_json(item))
            except ValueError:
                continue
        return self.staff_blocks(found)

    # -- the actions -------------------------------------------------------------------------

    def act(self, ctx: RequestContext, value: ActionValue) -> None:
        """A fix button, a confirmation submitted, or Undo. Staff only, on every route."""
        command = str(value.action)
        if not ctx.authorize(staff_only=True, needs_license=False).allowed:
            self.replies.audit(ctx.origin, ctx.actor, command,
                               license_id=self._license_of(value),
                               result="refused: fixes are for staff only", refused=True)
            if ctx.origin.channel_id:
                self.replies.private(ctx.origin, self.replies.text("not_allowed",
                                                                   ctx.actor.audience))
            return
        try:
            if value.action is Action.OPEN_FIX:
                self._open(ctx, Proposal.from_json(self._unseal(value.arg)))
            elif value.action is Action.APPLY_FIX:
                self._apply(ctx, self._unseal(value.arg))
            else:
                self._undo(ctx, int(value.arg))
        except (ValueError, KeyError, TypeError):
            # signed by us, yet not what we write: a value from another version of the bot
            self.replies.audit(ctx.origin, ctx.actor, command, license_id=None,
                               result="refused: malformed fix value", refused=True)

    def _open(self, ctx: RequestContext, proposal: Proposal) -> None:
        """The confirmation modal (or, without a trigger to open one, the same preview as a
        private message with an Apply button)."""
        target = Target(ctx.origin.channel_id, ctx.origin.thread_ts or ctx.origin.message_ts
                        or "")
        try:
            preview = self.fixer.preview(proposal.license_id, proposal.change)
        except LicenseReadOnly as exc:
            self._tell(ctx, self.by_hand_text([proposal], str(exc)))
            return
        except (ChangeNotApplicable, LicenseNotFound) as exc:
            self._tell(ctx, f"This change cannot be made any more: {exc}. *Check again* shows "
                            "the license as it is now.")
            return
        stale = license_fingerprint(preview.seen.license) != proposal.fingerprint
        body = self.replies.text("fix_confirm", Audience.STAFF, **self._shown(
            preview, proposal, stale=stale))
        arg = self._seal({"p": proposal.to_json(), "v": preview.seen.version,
                          "c": target.channel_id, "t": target.thread_ts})
        metadata = encode_action_value("", Action.APPLY_FIX, arg, key=self.deps.action_key)
        self.replies.audit(ctx.origin, ctx.actor, "open_fix", license_id=proposal.license_id,
                           result=f"confirmation shown: {proposal.change.describe()}")
        if ctx.origin.trigger_id:
            try:
                self.deps.messenger.open_view(ctx.origin.trigger_id, fix_modal(
                    title="Fix this license", body=body, metadata=metadata))
                return
            except Exception as exc:  # the trigger expired (3 s), or Slack refused the view
                log.info("could not open the fix confirmation (%s); asking in a message", exc)
        self.replies.private(ctx.origin, body, buttons=(
            Button("Apply", Action.APPLY_FIX, arg, "primary"),))

    def _apply(self, ctx: RequestContext, data: dict[str, Any]) -> None:
        proposal = Proposal.from_json(data["p"])
        version, target = str(data["v"]), Target(str(data["c"]), str(data["t"]))
        ctx = self._at(ctx, target)
        by = Who(ctx.actor.user_id, surface="slack", team_id=ctx.actor.team_id or "",
                 channel_id=target.channel_id)
        try:
            preview = self.fixer.preview(proposal.license_id, proposal.change,
                                         expected_version=version)
            made = self.fixer.apply(preview, by=by, finding=proposal.finding)
        except LicenseConflict:
            self._tell(ctx, f"License {proposal.license_id} changed after this confirmation "
                            "was shown, so nothing was written (the other change stands). "
                            "*Check again* shows it as it is now.")
            return
        except LicenseReadOnly as exc:
            self._tell(ctx, self.by_hand_text([proposal], str(exc)))
            return
        except (ChangeNotApplicable, LicenseNotFound) as exc:
            self._tell(ctx, f"This change cannot be made any more: {exc}. Nothing was written.")
            return
        self._show_result(ctx, target, made, proposal.step, finding=proposal.finding,
                          preview=preview)

    def _undo(self, ctx: RequestContext, fix_id: int) -> None:
        target = Target(ctx.origin.channel_id, ctx.origin.thread_ts or ctx.origin.message_ts
                        or "")
        by = Who(ctx.actor.user_id, surface="slack", team_id=ctx.actor.team_id or "",
                 channel_id=ctx.origin.channel_id)
        try:
            made = self.fixer.undo(fix_id=fix_id, by=by)
        except UndoRefused as exc:
            self._tell(ctx, f"Nothing undone: {exc}.")
            return
        except LicenseChangeError as exc:
            self._tell(ctx, f"Nothing undone: {exc}.")
            return
        change = LicenseChange.from_json(made.record.change)
        step = "connection" if change.kind in (ChangeKind.ATTACH, ChangeKind.DETACH) \
            else "emails"
        self._show_result(ctx, target, made, step, finding=made.record.finding, preview=None)

    # -- showing the outcome -----------------------------------------------------------------

    def _show_result(self, ctx: RequestContext, target: Target, made: Made, step: str, *,
                     finding: str, preview: Preview | None) -> None:
        """Check again and post the affected step, in the thread when everyone there may read
        the license (staff only), else to the staff member alone; Undo for 15 minutes."""
        license_id = made.now.license.id
        self.deps.cache.forget(license_id)
        try:
            diagnosis: Diagnosis | None = self.deps.cache.get(self.deps.diagnoser, license_id,
                                                              fresh=True)
        except Exception:
            log.exception("could not check %s again after fix %s", license_id, made.record.id)
            diagnosis = None
        change = LicenseChange.from_json(made.record.change)
        before = _license(made.record.before, license_id)
        lines = before_and_after(before, made.now.license, change)
        public = ctx.authorize(license_id=license_id, staff_only=True).in_channel and \
            ctx.audience is Audience.STAFF
        undo_until = made.record.at.timestamp() + UNDO_WINDOW.total_seconds()
        text = self.replies.text(
            "fix_done", Audience.STAFF, by=ctx.actor.user_id, license=made.now.license,
            change=change.describe(), finding=finding, undo_of=made.record.undo_of,
            fix_id=made.record.id, before=lines[0], after=lines[1],
            result=diagnosis.steps[step] if diagnosis is not None else None, step=step,
            row=_row_outcome(diagnosis, change), undo_until=None if made.record.is_undo
            else undo_until, private=not public)
        buttons = () if made.record.is_undo else (
            Button("Undo", Action.UNDO_FIX, str(made.record.id)),)
        if public:
            self.deps.messenger.post(target.channel_id, simple_message(
                text, buttons=buttons, key=self.deps.action_key),
                thread_ts=target.thread_ts or None)
        else:
            self.replies.private(ctx.origin, text, buttons=buttons)
        if diagnosis is not None:
            self._record(diagnosis, ctx.actor.user_id)

    def _record(self, diagnosis: Diagnosis, user_id: str) -> None:
        statuses = {s.name: str(s.status) for s in diagnosis.steps}
        try:
            self.deps.store.record_diagnosis(diagnosis.license.id, statuses=statuses,
                                             by_user=user_id)
        except Exception:
            log.exception("could not record the diagnosis of %s", diagnosis.license.id)

    def _shown(self, preview: Preview, proposal: Proposal, *, stale: bool) -> dict[str, Any]:
        before, after = preview.lines()
        return {"license": preview.seen.license, "change": button_label(proposal),
                "describe": proposal.change.describe(), "finding": proposal.finding,
                "step": proposal.step, "before": before, "after": after, "stale": stale,
                "choice": proposal.choice,
                "minutes": int(UNDO_WINDOW.total_seconds() // 60)}

    def _at(self, ctx: RequestContext, target: Target) -> RequestContext:
        """The request's context in the channel the fix was asked from (a modal submission
        comes from no channel: its signed metadata names it)."""
        if ctx.origin.channel_id == target.channel_id:
            return ctx
        origin = replace(ctx.origin, channel_id=target.channel_id,
                         thread_ts=target.thread_ts or None)
        return request_context(self.deps, origin, ctx.actor)

    def _seal(self, data: dict[str, Any]) -> str:
        """A fix's data for a button value or modal metadata: signed by the codec, and sealed
        so the full Application ID it may carry is never readable in Slack."""
        return seal(json.dumps(data, separators=(",", ":")), self.deps.action_key)

    def _unseal(self, arg: str) -> Any:
        return json.loads(unseal(arg, self.deps.action_key))

    def _license_of(self, value: ActionValue) -> str | None:
        """The license a fix value is about, for the audit of a refusal."""
        if value.action is Action.UNDO_FIX:
            return None
        try:
            data = self._unseal(value.arg)
        except ValueError:
            return None
        inner = data.get("p", data) if isinstance(data, dict) else None
        license_id = inner.get("l") if isinstance(inner, dict) else None
        return license_id if isinstance(license_id, str) else None

    def _tell(self, ctx: RequestContext, text: str) -> None:
        if ctx.origin.channel_id:
            self.replies.private(ctx.origin, text)
        else:  # a modal from nowhere we know: their DMs
            self.deps.messenger.direct(ctx.actor.user_id, simple_message(text))


def button_label(proposal: Proposal) -> str:
    return label(proposal.change, tenant_name=proposal.tenant_name,
                 student=proposal.finding == "email_student")


def _by_hand(proposal: Proposal) -> str:
    """The change in words someone can make by hand: an Application ID is never shown whole,
    so an attach names the tenant whose ID it is."""
    text = proposal.change.describe()
    if proposal.change.kind is ChangeKind.ATTACH and proposal.tenant_name:
        text += (f", the connection of {proposal.tenant_name} (ClassLink's Partner Portal "
                 "shows the full ID under that tenant)")
    return text


def _customer_words(proposal: Proposal) -> str:
    change = proposal.change
    if change.kind is ChangeKind.ATTACH:
        tenant = f" ({proposal.tenant_name})" if proposal.tenant_name else ""
        return f"attach your district's ClassLink connection{tenant} to the license"
    if proposal.finding == "email_student":
        return "remove the student address from the license"
    if proposal.choice:
        return f"correct {change.value.strip()} once you tell them which teacher it is"
    return f"change {change.value.strip()} to {change.new}"


def _license(mapping: dict[str, Any], license_id: str) -> License:
    try:
        return license_from_mapping(mapping)
    except ValueError:
        return License(license_id, "", "", 0)


def _row_outcome(diagnosis: Diagnosis | None, change: LicenseChange) -> str:
    """For a changed row: whether step 2 now matches it."""
    if diagnosis is None or change.kind not in (ChangeKind.REPLACE_EMAIL, ChangeKind.ADD_EMAIL):
        return ""
    row = change.new if change.kind is ChangeKind.REPLACE_EMAIL else change.value
    for finding in diagnosis.steps["emails"].findings:
        if finding.data.get("license_email") == row:
            return "matches" if finding.status is Status.PASS else finding.code
    return ""


__all__ = ["ASK_SUPPORT", "FIX_ACTIONS", "FixActions", "button_label"]
