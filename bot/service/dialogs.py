"""The guided three-step dialog: load state, advance the pure machine, run its effects, save.

State lives in the store, so a restart or another replica continues where the last one stopped.
Every save names the version it read; a concurrent change makes the later writer retry once.

Who may drive a dialog and where it lives are decided by the request's context: the person who
started it and staff drive it, others are told to start their own. A dialog about a license the
channel's readers may not see (staff asking about license B in a channel linked to A, or about
any license in a channel shared with customers) lives in the staff member's direct messages,
and the channel is told so privately. Buttons name the step their message shows, so a press on
an older message acts on its own step where that is safe, or says the message is out of date and
links the current one; it never rewrites another step's message.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Iterable
from typing import Any

from bot.action_values import decode_action_value
from bot.blocks import Button, license_options, license_prompt, simple_message
from bot.dialog import (
    Action,
    AskLicense,
    Close,
    DialogState,
    Effect,
    Escalate,
    Event,
    LookupEmail,
    OutOfDate,
    Press,
    Reply,
    RunCheck,
    Say,
    ShowFaq,
    ShowStep,
    Start,
    Step,
    TeacherReport,
    Transition,
    advance,
    at_message,
    begin,
    is_expired,
    record_result,
)
from bot.errors import InvalidTransition
from bot.knowledge import Audience
from bot.policy import Refusal
from bot.service.context import Deps, Origin, RequestContext, request_context
from bot.service.escalation import Escalations
from bot.service.faq import Faq
from bot.service.lookups import Lookups
from bot.service.replies import SUPPORT_BUTTON, Replies
from bot.service.steps import StepView
from bot.store import StoreConflict
from checks.errors import LicenseNotFound
from checks.models import License

log = logging.getLogger(__name__)
SAVE_ATTEMPTS = 5  # a check finishing, and two quick presses, may all write one dialog at once
MAX_LICENSE_OPTIONS = 100  # Slack shows at most 100 options in a select


class Dialogs:
    def __init__(self, deps: Deps, replies: Replies, steps: StepView, lookups: Lookups,
                 escalations: Escalations, faq: Faq) -> None:
        self.deps, self.replies, self.steps = deps, replies, steps
        self.lookups, self.escalations, self.faq = lookups, escalations, faq

    # -- entry points ------------------------------------------------------------------------

    def start(self, ctx: RequestContext, *, requested: str | None,
              thread_ts: str | None) -> None:
        """Begin a dialog in `thread_ts`, in a new thread under a fresh root message, or in the
        staff member's direct messages when the channel may not read its license."""
        actor = ctx.actor
        decision = ctx.authorize(license_id=requested, needs_license=False)
        if decision.attempt:
            self._refuse(ctx, "troubleshoot", requested)
            return
        if requested and decision.allowed and not self._license_exists(requested):
            self.replies.private(ctx.origin, self.replies.text(
                "usage", actor.audience, problem=f"There is no license {requested}."))
            return
        if actor.is_staff and not decision.in_channel:
            ctx, thread_ts = self._to_direct_messages(ctx)
        elif thread_ts is None:
            thread_ts = self.replies.post_text(
                ctx.origin.channel_id, None,
                f"ClassLink rostering check started by <@{actor.user_id}>")
        transition = begin(Start(decision.license_id, actor.is_staff),
                           dialog_id=uuid.uuid4().hex[:20], channel_id=ctx.origin.channel_id,
                           thread_ts=thread_ts, user_id=actor.user_id, now=self.deps.clock())
        version = self._save(transition.state, None)
        self.replies.audit(ctx.origin, actor, "troubleshoot", license_id=decision.license_id,
                           result=f"dialog {transition.state.dialog_id} started")
        self._apply(transition, version, ctx)

    def press(self, ctx: RequestContext, dialog_id: str, event: Press) -> None:
        self._continue(ctx, dialog_id, event)

    def in_thread(self, origin: Origin) -> str | None:
        """The dialog living in the thread the request is in, if any."""
        if not origin.thread_ts:
            return None
        stored = self.deps.store.find_dialog_by_thread(origin.channel_id, origin.thread_ts)
        return stored.dialog_id if stored else None

    def reply(self, ctx: RequestContext, dialog_id: str, text: str) -> None:
        """A free-text reply in the dialog's thread."""
        self._continue(ctx, dialog_id, Reply(text))

    def license_options(self, ctx: RequestContext, block_id: str,
                        query: str) -> list[dict[str, Any]]:
        """The license picker's options for `query` (ids, names and districts), signed for the
        dialog named in the picker's block id; none for anyone but staff on that dialog."""
        try:
            marker = decode_action_value(block_id, key=self.deps.action_key)
        except InvalidTransition:
            return []
        stored = self.deps.store.load_dialog(marker.dialog_id) if marker.dialog_id else None
        if marker.action is not Action.CHOOSE_LICENSE or stored is None or \
                stored.channel_id != ctx.origin.channel_id or \
                not ctx.authorize(staff_only=True, needs_license=False).allowed:
            return []
        found = search_licenses(self.deps.diagnoser.licenses.list(), query)
        return license_options([(lic.id, _label(lic)) for lic in found],
                               dialog_id=marker.dialog_id, key=self.deps.action_key)

    # -- the loop ----------------------------------------------------------------------------

    def _continue(self, ctx: RequestContext, dialog_id: str, event: Event) -> None:
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            stored = self.deps.store.load_dialog(dialog_id)
            if stored is None or stored.channel_id != ctx.origin.channel_id:
                self._refuse(ctx, "dialog", None, reason="unknown or foreign dialog")
                return
            state = DialogState.from_dict(stored.state)
            if not self._may_act(ctx, state, event):
                return
            if is_expired(state, self.deps.clock(), self.deps.dialog_ttl_seconds):
                self._expired(state, ctx)
                return
            try:
                transition = advance(state, event, now=self.deps.clock())
            except InvalidTransition as exc:
                log.info("dialog %s: %s", dialog_id, exc)
                self.replies.private(ctx.origin, self.replies.say_key("dialog_closed",
                                                                      ctx.actor.audience))
                return
            if transition.state.license_id != state.license_id and not self._may_choose(
                    ctx, transition.state.license_id):
                return
            try:
                version = self._save(transition.state, stored.version)
            except StoreConflict:
                if attempt == SAVE_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
                continue  # someone pressed at the same moment: read again and redo
            self._apply(transition, version, ctx)
            return

    def _apply(self, transition: Transition, version: int, ctx: RequestContext) -> None:
        state = transition.state
        shown: dict[Step, str] = {}
        for effect in transition.effects:
            state, version = self._run(effect, state, version, ctx, shown)

    def _run(self, effect: Effect, state: DialogState, version: int, ctx: RequestContext,
             shown: dict[Step, str]) -> tuple[DialogState, int]:
        audience = ctx.audience  # who reads the dialog's thread
        if isinstance(effect, ShowStep):
            message = self.steps.message(dialog_id=state.dialog_id, step=effect.step,
                                         license=None, result=None, audience=audience)
            shown[effect.step] = self.replies.in_thread(state.channel_id, state.thread_ts,
                                                        message)
            return self._saved(at_message(state, effect.step, shown[effect.step]), version)
        if isinstance(effect, RunCheck):
            return self._run_check(effect.step, state, version, ctx, shown)
        if isinstance(effect, LookupEmail):
            self.lookups.email_in_thread(state, effect.email, audience)
            self.replies.audit(ctx.origin, ctx.actor, "email", license_id=state.license_id,
                               result="email lookup in dialog")
        elif isinstance(effect, TeacherReport):
            self.lookups.teacher_in_thread(state, effect.email, audience)
            self.replies.audit(ctx.origin, ctx.actor, "teacher", license_id=state.license_id,
                               result="teacher report in dialog")
        elif isinstance(effect, AskLicense):
            self.replies.in_thread(state.channel_id, state.thread_ts, license_prompt(
                self.replies.say_key("choose_license", audience), dialog_id=state.dialog_id,
                key=self.deps.action_key))
        elif isinstance(effect, Escalate):
            self.escalations.escalate(state, ctx)
        elif isinstance(effect, ShowFaq):
            self.faq.answer_in_thread(state.channel_id, state.thread_ts, effect.question,
                                      audience, dialog_id=state.dialog_id)
        elif isinstance(effect, Say) and effect.key == "escalation_already":
            self.escalations.escalate(state, ctx)  # support has it: its thread gets new words
        elif isinstance(effect, Say):
            self._say(state, effect.key, audience)
        elif isinstance(effect, OutOfDate):
            self._out_of_date(state, ctx)
        elif isinstance(effect, Close):
            self.replies.audit(ctx.origin, ctx.actor, "close", license_id=state.license_id,
                               result=f"dialog closed: {effect.reason}")
        return state, version

    def _run_check(self, step: Step, state: DialogState, version: int, ctx: RequestContext,
                   shown: dict[Step, str]) -> tuple[DialogState, int]:
        """Show "checking…", run the live check after the ack, then update the same message:
        the one just posted for the step, else the pressed message (*Check again*, which shows
        this very step), else the step's current message (a typed "check again")."""
        assert state.license_id is not None  # the machine only runs checks with a license
        audience = ctx.audience
        pressed = ctx.origin.message_ts if ctx.origin.surface == "action" else None
        current = state.current_ts if step is state.step else None
        target = shown.get(step) or pressed or current or None
        fresh = step not in shown  # *Check again* (no fresh message) always refetches
        if target is None:
            target = self.replies.in_thread(state.channel_id, state.thread_ts, self.steps.message(
                dialog_id=state.dialog_id, step=step, license=None, result=None,
                audience=audience))
        elif fresh:
            self.deps.messenger.update(state.channel_id, target, self.steps.message(
                dialog_id=state.dialog_id, step=step, license=None, result=None,
                audience=audience))
        diagnosis = self.steps.diagnosis(state.license_id, fresh=fresh)
        result = self.steps.result_of(diagnosis, step)
        # saved before it is shown, so whoever reads the message can already read the result
        state, version = self._saved(record_result(state, step, str(result.status),
                                                   now=self.deps.clock()), version)
        self.deps.messenger.update(state.channel_id, target, self.steps.message(
            dialog_id=state.dialog_id, step=step, license=diagnosis.license, result=result,
            audience=audience, diagnosis=diagnosis))
        self.lookups.record(diagnosis, state.user_id)
        return state, version

    # -- helpers -----------------------------------------------------------------------------

    def _save(self, state: DialogState, version: int | None) -> int:
        return self.deps.store.save_dialog(
            state.dialog_id, channel_id=state.channel_id, thread_ts=state.thread_ts,
            user_id=state.user_id, license_id=state.license_id, state=state.to_dict(),
            expected_version=version)

    def _saved(self, state: DialogState, version: int) -> tuple[DialogState, int]:
        """Save what an effect learnt (a message's ts, a check's result); a newer press that
        owns the dialog by now wins, and its own save stands."""
        try:
            return state, self._save(state, version)
        except StoreConflict:
            return state, version

    def _to_direct_messages(self, ctx: RequestContext) -> tuple[RequestContext, str]:
        """Open the dialog's thread in the staff member's direct messages, tell them privately
        where it went, and return the context there (only they read it) and the thread."""
        actor = ctx.actor
        channel, thread_ts = self.deps.messenger.direct(actor.user_id, simple_message(
            f"ClassLink rostering check started by <@{actor.user_id}>"))
        link = self.deps.messenger.permalink(channel, thread_ts)
        self.replies.private(ctx.origin, self.replies.with_link("dialog_moved", actor.audience,
                                                                link))
        there = Origin(channel_id=channel, user_id=actor.user_id, team_id=ctx.origin.team_id,
                       thread_ts=thread_ts, surface=ctx.origin.surface)
        return request_context(self.deps, there, actor), thread_ts

    def _expired(self, state: DialogState, ctx: RequestContext) -> None:
        """Say so, and offer to start again on the same license in the same thread."""
        restart = Button("Start again", Action.START_TROUBLESHOOTING,
                         f"license:{state.license_id}" if state.license_id else "", "primary")
        self.replies.post_text(state.channel_id, state.thread_ts,
                               self.replies.say_key("dialog_expired", ctx.audience), (restart,))

    def _out_of_date(self, state: DialogState, ctx: RequestContext) -> None:
        """Only the presser hears it; the pressed message stays as it was."""
        link = self.deps.messenger.permalink(state.channel_id, state.current_ts) \
            if state.current_ts else ""
        self.replies.private(ctx.origin, self.replies.with_link("message_out_of_date",
                                                                ctx.actor.audience, link))

    def _say(self, state: DialogState, key: str, audience: Audience) -> None:
        # in an unlinked place we cannot check anything, so offer a person right away
        buttons = SUPPORT_BUTTON if key == "unlinked_place" else ()
        self.replies.post_text(state.channel_id, state.thread_ts,
                               self.replies.say_key(key, audience), buttons)

    def _may_act(self, ctx: RequestContext, state: DialogState, event: Event) -> bool:
        """The starter and staff drive a dialog, on a license the channel may read. Others
        are told to start their own, except for thread chatter the dialog would ignore anyway
        ("thanks!" after it ended), which is left alone."""
        decision = ctx.authorize(license_id=state.license_id, owner=state.user_id,
                                 needs_license=False)
        if decision.refusal is Refusal.NOT_OWNER and isinstance(event, Reply) and \
                not self._would_act(state, event):
            return False
        if decision.refusal is Refusal.NOT_OWNER:
            self.replies.audit(ctx.origin, ctx.actor, "dialog", license_id=state.license_id,
                               result="refused: someone else's dialog", refused=True)
            self.replies.private(ctx.origin, self.replies.say_key("not_your_dialog",
                                                                  ctx.actor.audience))
            return False
        # a customer's dialog in an unlinked place has no license, and may still ask for a person
        unlinked_own = state.license_id is None and decision.refusal is Refusal.UNLINKED
        if not decision.allowed and not unlinked_own:
            self._refuse(ctx, "dialog", state.license_id)
            return False
        if state.license_id is not None and not decision.in_channel:
            self._not_here(ctx, state.license_id)
            return False
        return True

    def _would_act(self, state: DialogState, event: Event) -> bool:
        try:
            return bool(advance(state, event, now=self.deps.clock()).effects)
        except InvalidTransition:
            return False

    def _may_choose(self, ctx: RequestContext, license_id: str | None) -> bool:
        if license_id is None or not ctx.actor.is_staff:
            self._refuse(ctx, "choose_license", license_id)
            return False
        if not self._license_exists(license_id):
            self.replies.private(ctx.origin, self.replies.text(
                "usage", ctx.actor.audience, problem=f"There is no license {license_id}."))
            return False
        if not ctx.authorize(license_id=license_id).in_channel:
            self._not_here(ctx, license_id)
            return False
        return True

    def _not_here(self, ctx: RequestContext, license_id: str) -> None:
        """The channel's readers changed (a guest joined, the channel was linked or shared):
        the dialog's license may no longer be shown here."""
        self.replies.audit(ctx.origin, ctx.actor, "dialog", license_id=license_id,
                           result="refused: the channel may not read this license",
                           refused=True)
        self.replies.private(ctx.origin, self.replies.say_key("dialog_not_here",
                                                              ctx.actor.audience))

    def _license_exists(self, license_id: str) -> bool:
        try:
            self.deps.diagnoser.licenses.get(license_id)
        except LicenseNotFound:
            return False
        return True

    def _refuse(self, ctx: RequestContext, command: str, license_id: str | None, *,
                reason: str = "outside the channel's license") -> None:
        self.replies.audit(ctx.origin, ctx.actor, command, license_id=license_id,
                           result=f"refused: {reason}", refused=True)
        self.replies.private(ctx.origin, self.replies.text("not_allowed", ctx.actor.audience))


def search_licenses(licenses: Iterable[License], query: str, *,
                    limit: int = MAX_LICENSE_OPTIONS) -> list[License]:
    """Licenses whose id, name or district contain every word of `query` (case-insensitive):
    an exact id first, then ids starting with the query, then the rest, each by id."""
    words = query.casefold().split()
    wanted = query.strip().casefold()

    def rank(lic: License) -> tuple[int, str]:
        lid = lic.id.casefold()
        return (0 if lid == wanted else 1 if wanted and lid.startswith(wanted) else 2, lid)

    found = [lic for lic in licenses
             if all(w in f"{lic.id} {lic.name} {lic.district}".casefold() for w in words)]
    return sorted(found, key=rank)[:limit]


def _label(license: License) -> str:
    return f"{license.id}: {license.name}" + (f" ({license.district})"
                                               if license.district else "")
