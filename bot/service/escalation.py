"""*Talk to support*: a summary support can act on, posted once per dialog and once per license
(or per channel, without a license) within a cooling-off window; Claim and Resolve for staff.

The summary names the license, district and ClassLink tenant, each finding that fails now with
its fix (the step's advice from knowledge/dialog.yml), the customer's own words (what they typed
in the thread, kept sanitised by the store and escaped here) and a link to the conversation.
Asking again (another dialog on the license, another message, the same dialog) within the
window posts no new summary: the new words go to the existing summary's thread, and the asker
is told support already has it.
"""

from __future__ import annotations

import logging

from bot.blocks import Button, Message, simple_message
from bot.dialog import Action, DialogState
from bot.knowledge import Audience
from bot.service.context import Deps, RequestContext
from bot.service.fixes import FixActions
from bot.service.replies import Replies
from bot.store import (
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    StoreError,
)
from checks.diagnose import Diagnosis
from checks.errors import LicenseError
from checks.models import CheckResult, License, Status

log = logging.getLogger(__name__)

CLAIM = Button("Claim", Action.CLAIM_ESCALATION, style="primary")
RESOLVE = Button("Resolve", Action.RESOLVE_ESCALATION)


class Escalations:
    def __init__(self, deps: Deps, replies: Replies, fixes: FixActions | None = None) -> None:
        self.deps, self.replies, self.fixes = deps, replies, fixes

    # -- the customer's words ----------------------------------------------------------------

    def remember(self, channel_id: str, thread_ts: str, user_id: str, text: str) -> None:
        """Keep what someone typed in a dialog's thread (or asked the bot), for a summary."""
        if not (channel_id and thread_ts and text.strip()):
            return
        try:
            self.deps.store.record_thread_words(channel_id, thread_ts, user_id=user_id, text=text)
        except StoreError as error:  # the answer matters more than the transcript
            log.warning("could not keep the words typed in %s/%s: %s", channel_id, thread_ts,
                        error)

    # -- asking for support ------------------------------------------------------------------

    def escalate(self, state: DialogState, ctx: RequestContext) -> None:
        """Post a new summary, or add to the escalation this request belongs to; tell the asker.
        `ctx` is the request's context in the dialog's channel (its audience reads the thread)."""
        audience = ctx.audience
        key = f"dialog:{state.dialog_id}" if state.dialog_id else \
            f"message:{state.channel_id}:{state.thread_ts}"
        if not self.deps.support_channel:
            self._tell(state, "escalation_unavailable", audience)
            return
        scope = f"license:{state.license_id}" if state.license_id else \
            f"channel:{state.channel_id}"
        escalation, outcome = self.deps.store.open_escalation(
            key, scope=scope, window_seconds=self.deps.escalation_window_seconds,
            dialog_id=state.dialog_id or None, channel_id=state.channel_id,
            license_id=state.license_id, summary={"user_id": state.user_id})
        if outcome is EscalationOutcome.CREATED:
            self._post_summary(escalation, state, ctx)
        else:
            self._add_to(escalation, outcome, state, ctx)

    def _post_summary(self, escalation: Escalation, state: DialogState,
                      ctx: RequestContext) -> None:
        support = self.deps.support_channel
        assert support is not None  # escalate() checked
        license = self._license(state.license_id)
        diagnosis = self._diagnosis(license)
        words = self.deps.store.unforwarded_thread_words(state.channel_id, state.thread_ts) \
            if state.thread_ts else []
        thread_link = self.deps.messenger.permalink(state.channel_id, state.thread_ts) \
            if state.thread_ts else ""
        text = self.replies.text(
            "escalation_summary", Audience.STAFF, dialog=state, license=license,
            thread_link=thread_link, tenant=_tenant(diagnosis), failing=_failing(diagnosis),
            checked=diagnosis is not None, words=words)
        try:
            # the proposed changes ride along, each a button staff apply with one click
            fixes = self.fixes.summary_proposals(diagnosis) if self.fixes else []
            ts = self.deps.messenger.post(support, self._summary_message(text, escalation,
                                                                         fixes))
        except Exception:
            log.exception("could not post escalation %s", escalation.key)
            self.deps.store.discard_unposted_escalation(escalation.key)  # asking again retries
            self._tell(state, "escalation_unavailable", ctx.audience)
            return
        summary = {
            "text": text, "user_id": state.user_id, "channel_id": state.channel_id,
            "thread_link": thread_link, "support_link": self.deps.messenger.permalink(support, ts),
            "license_name": license.name if license else "",
            "district": license.district if license else "",
            "fixes": fixes,
        }
        self.deps.store.mark_escalation_posted(escalation.key, message_ts=ts, summary=summary)
        self.deps.metrics.escalation_opened()
        if words:
            self.deps.store.forward_thread_words(state.channel_id, state.thread_ts,
                                                 key=escalation.key, through_id=words[-1].id)
        self.replies.audit(ctx.origin, ctx.actor, "escalate", license_id=state.license_id,
                           result=f"escalation {escalation.key} posted")
        self._tell(state, "escalation_confirmed", ctx.audience)

    def _add_to(self, escalation: Escalation, outcome: EscalationOutcome, state: DialogState,
                ctx: RequestContext) -> None:
        """Support has this already: its thread gets the new words (and the new conversation,
        the first time it joins); a resolved dialog asking again reopens its escalation."""
        support = self.deps.support_channel
        if support and escalation.message_ts:
            words = self.deps.store.forward_thread_words(
                state.channel_id, state.thread_ts, key=escalation.key) if state.thread_ts else []
            joined = outcome is EscalationOutcome.JOINED
            reopened = outcome is EscalationOutcome.REOPENED
            if joined or reopened or words:
                thread_link = self.deps.messenger.permalink(state.channel_id, state.thread_ts) \
                    if state.thread_ts and joined else ""
                note = self.replies.text(
                    "escalation_note", Audience.STAFF, user_id=state.user_id,
                    channel_id=state.channel_id, thread_link=thread_link, words=words,
                    joined=joined, reopened=reopened)
                try:
                    self.deps.messenger.post(support, simple_message(note),
                                             thread_ts=escalation.message_ts)
                except Exception:
                    log.exception("could not add to escalation %s", escalation.key)
            if reopened:
                self._show(escalation)
        self.replies.audit(ctx.origin, ctx.actor, "escalate", license_id=state.license_id,
                           result=f"escalation {escalation.key}: {outcome}")
        answer = "escalation_confirmed" if outcome is EscalationOutcome.REOPENED \
            else "escalation_already"
        self._tell(state, answer, ctx.audience)

    # -- Claim and Resolve -------------------------------------------------------------------

    def act(self, ctx: RequestContext, action: Action, key: str) -> None:
        """Claim or Resolve pressed on a summary. Staff only: anyone else (a forged or replayed
        button) is refused and audited, and nothing changes."""
        command = "claim" if action is Action.CLAIM_ESCALATION else "resolve"
        decision = ctx.authorize(staff_only=True, needs_license=False)
        escalation = self.deps.store.escalation(key) if decision.allowed else None
        if escalation is None:
            reason = "not staff" if not decision.allowed else "unknown escalation"
            self.replies.audit(ctx.origin, ctx.actor, command, license_id=None,
                               result=f"refused: {command} {key} ({reason})", refused=True)
            self.replies.private(ctx.origin, self.replies.text("not_allowed",
                                                               ctx.actor.audience))
            return
        if action is Action.CLAIM_ESCALATION:
            changed = self.deps.store.claim_escalation(key, by=ctx.actor.user_id)
        else:
            changed = self.deps.store.resolve_escalation(key, by=ctx.actor.user_id)
        current = self.deps.store.escalation(key) or escalation
        self.replies.audit(ctx.origin, ctx.actor, command, license_id=current.license_id,
                           result=f"escalation {key} {current.status}" if changed else
                           f"escalation {key} already {current.status}")
        if changed:
            self._show(current)
        else:  # pressed too late: say where it stands
            self.replies.private(ctx.origin, self._status_text(current))

    # -- rendering ---------------------------------------------------------------------------

    def _show(self, escalation: Escalation) -> None:
        """Bring the summary message up to date with the escalation's status and buttons."""
        text = escalation.summary.get("text")
        support = self.deps.support_channel
        if not (support and escalation.message_ts and isinstance(text, str)):
            return
        current = self.deps.store.escalation(escalation.key) or escalation
        try:
            self.deps.messenger.update(support, escalation.message_ts,
                                       self._summary_message(text, current,
                                                             current.summary.get("fixes")))
        except Exception:
            log.exception("could not update the summary of escalation %s", escalation.key)

    def _summary_message(self, text: str, escalation: Escalation,
                         fixes: object = None) -> Message:
        buttons = {
            EscalationStatus.OPEN: (CLAIM, RESOLVE),
            EscalationStatus.CLAIMED: (RESOLVE,),
            EscalationStatus.RESOLVED: (),
        }[escalation.status]
        body = f"{text}\n\n{self._status_text(escalation)}"
        # the proposed changes, each a button, until the escalation is resolved
        kept = fixes if isinstance(fixes, list) and \
            escalation.status is not EscalationStatus.RESOLVED else []
        extra = self.fixes.summary_blocks(kept) if self.fixes and kept else []
        return simple_message(body, key=self.deps.action_key, extra=extra,
                              buttons=tuple(Button(b.label, b.action, escalation.key, b.style)
                                            for b in buttons))

    def _status_text(self, escalation: Escalation) -> str:
        if escalation.status is EscalationStatus.CLAIMED:
            by, at = escalation.claimed_by, escalation.claimed_at
        elif escalation.status is EscalationStatus.RESOLVED:
            by, at = escalation.resolved_by, escalation.closed_at
        else:
            by, at = None, None
        return self.replies.text("escalation_status", Audience.STAFF,
                                 status=str(escalation.status), by=by or "",
                                 at=at.timestamp() if at else None)

    def _tell(self, state: DialogState, key: str, audience: Audience) -> None:
        self.replies.post_text(state.channel_id, state.thread_ts,
                               self.replies.say_key(key, audience))

    # -- what the summary says ---------------------------------------------------------------

    def _license(self, license_id: str | None) -> License | None:
        if not license_id:
            return None
        try:
            return self.deps.diagnoser.licenses.get(license_id)
        except LicenseError:
            return None

    def _diagnosis(self, license: License | None) -> Diagnosis | None:
        """The license checked now (the dialog's cached run when recent): what fails and the
        tenant. A failure here costs the summary its findings, never the escalation."""
        if license is None:
            return None
        try:
            return self.deps.cache.get(self.deps.diagnoser, license.id)
        except Exception:
            log.exception("could not check %s for its escalation summary", license.id)
            return None


def _failing(diagnosis: Diagnosis | None) -> list[CheckResult]:
    """The steps that do not pass, each with only its findings that do not pass."""
    if diagnosis is None:
        return []
    out = []
    for result in diagnosis.steps:
        if result.status is Status.PASS:
            continue
        findings = tuple(f for f in result.findings if f.status is not Status.PASS)
        out.append(CheckResult(result.step, result.name, result.status, findings,
                               dict(result.figures)))
    return out


def _tenant(diagnosis: Diagnosis | None) -> dict[str, str] | None:
    """The ClassLink tenant step 1 found for the license (name, id, and the code that named
    it: application_foreign means the attached ID is another district's)."""
    if diagnosis is None:
        return None
    for result in diagnosis.steps:
        for finding in result.findings:
            name, tenant_id = finding.data.get("tenant_name"), finding.data.get("tenant_id")
            if name or tenant_id:
                return {"name": str(name or ""), "id": str(tenant_id or ""),
                        "code": finding.code}
    return None
