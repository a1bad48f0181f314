"""The guided three-step dialog: load state, advance the pure machine, run its effects, save.

State lives in the store, so a restart or another replica continues where the last one stopped.
Every save names the version it read; a concurrent change makes the later writer retry once.
"""

from __future__ import annotations

import logging
import random
import time
import uuid

from bot.blocks import Button
from bot.dialog import (
    Action,
    AskLicense,
    Close,
    DialogState,
    Effect,
    Escalate,
    Event,
    LookupEmail,
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
    begin,
    is_expired,
    record_result,
)
from bot.errors import InvalidTransition
from bot.identity import Actor
from bot.policy import license_access
from bot.service.context import Deps, Origin
from bot.service.escalation import Escalations
from bot.service.faq import Faq
from bot.service.lookups import Lookups
from bot.service.replies import SUPPORT_BUTTON, Replies
from bot.service.steps import StepView
from bot.store import StoreConflict
from checks.errors import LicenseNotFound

log = logging.getLogger(__name__)
SAVE_ATTEMPTS = 5  # a check finishing, and two quick presses, may all write one dialog at once


class Dialogs:
    def __init__(self, deps: Deps, replies: Replies, steps: StepView, lookups: Lookups,
                 escalations: Escalations, faq: Faq) -> None:
        self.deps, self.replies, self.steps = deps, replies, steps
        self.lookups, self.escalations, self.faq = lookups, escalations, faq

    # -- entry points ------------------------------------------------------------------------

    def start(self, origin: Origin, actor: Actor, *, requested: str | None,
              thread_ts: str | None) -> None:
        """Begin a dialog in `thread_ts`, or in a new thread under a fresh root message."""
        linked = self.deps.store.linked_license(origin.channel_id)
        access = license_access(actor, requested=requested, linked=linked)
        if access.refused_attempt:
            self._refuse(origin, actor, "troubleshoot", requested)
            return
        if requested and access.allowed and not self._license_exists(requested):
            self.replies.private(origin, self.replies.text(
                "usage", actor.audience, problem=f"There is no license {requested}."))
            return
        if thread_ts is None:
            thread_ts = self.replies.post_text(
                origin.channel_id, None, f"ClassLink rostering check started by <@{actor.user_id}>")
        transition = begin(Start(access.license_id, actor.is_staff),
                           dialog_id=uuid.uuid4().hex[:20], channel_id=origin.channel_id,
                           thread_ts=thread_ts, user_id=actor.user_id, now=self.deps.clock())
        version = self._save(transition.state, None)
        self.replies.audit(origin, actor, "troubleshoot", license_id=access.license_id,
                           result=f"dialog {transition.state.dialog_id} started")
        self._apply(transition, version, origin, actor)

    def press(self, origin: Origin, actor: Actor, dialog_id: str, event: Press) -> None:
        self._continue(origin, actor, dialog_id, event)

    def reply(self, origin: Origin, actor: Actor, text: str) -> bool:
        """A free-text reply in a thread; False when no dialog lives in that thread."""
        if not origin.thread_ts:
            return False
        stored = self.deps.store.find_dialog_by_thread(origin.channel_id, origin.thread_ts)
        if stored is None:
            return False
        self._continue(origin, actor, stored.dialog_id, Reply(text))
        return True

    # -- the loop ----------------------------------------------------------------------------

    def _continue(self, origin: Origin, actor: Actor, dialog_id: str, event: Event) -> None:
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            stored = self.deps.store.load_dialog(dialog_id)
            if stored is None or stored.channel_id != origin.channel_id:
                self._refuse(origin, actor, "dialog", None, reason="unknown or foreign dialog")
                return
            state = DialogState.from_dict(stored.state)
            if not self._may_act(origin, actor, state.license_id):
                return
            if is_expired(state, self.deps.clock(), self.deps.dialog_ttl_seconds):
                self._expired(state, actor)
                return
            try:
                transition = advance(state, event, now=self.deps.clock())
            except InvalidTransition as exc:
                log.info("dialog %s: %s", dialog_id, exc)
                self.replies.private(origin, self.replies.say_key("dialog_closed", actor.audience))
                return
            if transition.state.license_id != state.license_id and not self._may_choose(
                    origin, actor, transition.state.license_id):
                return
            try:
                version = self._save(transition.state, stored.version)
            except StoreConflict:
                if attempt == SAVE_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
                continue  # someone pressed at the same moment: read again and redo
            self._apply(transition, version, origin, actor)
            return

    def _apply(self, transition: Transition, version: int, origin: Origin, actor: Actor) -> None:
        state = transition.state
        shown: dict[Step, str] = {}
        audience = self.replies.public_audience(actor, state.channel_id)  # once per request
        for effect in transition.effects:
            state, version = self._run(effect, state, version, origin, actor, audience, shown)

    def _run(self, effect: Effect, state: DialogState, version: int, origin: Origin,
             actor: Actor, audience: str, shown: dict[Step, str]) -> tuple[DialogState, int]:
        if isinstance(effect, ShowStep):
            message = self.steps.message(dialog_id=state.dialog_id, step=effect.step,
                                         license=None, result=None, audience=audience)
            shown[effect.step] = self.replies.in_thread(state.channel_id, state.thread_ts,
                                                        message)
        elif isinstance(effect, RunCheck):
            return self._run_check(effect.step, state, version, origin, audience, shown)
        elif isinstance(effect, LookupEmail):
            self.lookups.email_in_thread(state, effect.email, audience)
            self.replies.audit(origin, actor, "email", license_id=state.license_id,
                               result="email lookup in dialog")
        elif isinstance(effect, TeacherReport):
            self.lookups.teacher_in_thread(state, effect.email, audience)
            self.replies.audit(origin, actor, "teacher", license_id=state.license_id,
                               result="teacher report in dialog")
        elif isinstance(effect, AskLicense):
            self._say(state, "choose_license", audience)
        elif isinstance(effect, Escalate):
            self.escalations.escalate(state, origin, actor)
        elif isinstance(effect, ShowFaq):
            self.faq.answer_in_thread(state.channel_id, state.thread_ts, effect.question,
                                      audience, dialog_id=state.dialog_id)
        elif isinstance(effect, Say):
            self._say(state, effect.key, audience)
        elif isinstance(effect, Close):
            self.replies.audit(origin, actor, "close", license_id=state.license_id,
                               result=f"dialog closed: {effect.reason}")
        return state, version

    def _run_check(self, step: Step, state: DialogState, version: int, origin: Origin,
                   audience: str, shown: dict[Step, str]) -> tuple[DialogState, int]:
        """Show "checking…", run the live check after the ack, then update the same message."""
        assert state.license_id is not None  # the machine only runs checks with a license
        target = shown.get(step) or origin.message_ts
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
        self.deps.messenger.update(state.channel_id, target, self.steps.message(
            dialog_id=state.dialog_id, step=step, license=diagnosis.license, result=result,
            audience=audience, diagnosis=diagnosis))
        self.lookups.record(diagnosis, state.user_id)
        state = record_result(state, step, str(result.status), now=self.deps.clock())
        try:
            return state, self._save(state, version)
        except StoreConflict:  # a newer press owns the dialog now; its save wins
            return state, version

    # -- helpers -----------------------------------------------------------------------------

    def _save(self, state: DialogState, version: int | None) -> int:
        return self.deps.store.save_dialog(
            state.dialog_id, channel_id=state.channel_id, thread_ts=state.thread_ts,
            user_id=state.user_id, license_id=state.license_id, state=state.to_dict(),
            expected_version=version)

    def _expired(self, state: DialogState, actor: Actor) -> None:
        """Say so, and offer to start again on the same license in the same thread."""
        audience = self.replies.public_audience(actor, state.channel_id)
        restart = Button("Start again", Action.START_TROUBLESHOOTING,
                         f"license:{state.license_id}" if state.license_id else "", "primary")
        self.replies.post_text(state.channel_id, state.thread_ts,
                               self.replies.say_key("dialog_expired", audience), (restart,))

    def _say(self, state: DialogState, key: str, audience: str) -> None:
        # in an unlinked place we cannot check anything, so offer a person right away
        buttons = SUPPORT_BUTTON if key == "unlinked_place" else ()
        self.replies.post_text(state.channel_id, state.thread_ts,
                               self.replies.say_key(key, audience), buttons)

    def _may_act(self, origin: Origin, actor: Actor, license_id: str | None) -> bool:
        linked = self.deps.store.linked_license(origin.channel_id)
        access = license_access(actor, requested=license_id, linked=linked)
        if license_id is None or access.allowed:
            return True
        self._refuse(origin, actor, "dialog", license_id)
        return False

    def _may_choose(self, origin: Origin, actor: Actor, license_id: str | None) -> bool:
        if license_id is None or not actor.is_staff:
            self._refuse(origin, actor, "choose_license", license_id)
            return False
        if not self._license_exists(license_id):
            self.replies.private(origin, self.replies.text(
                "usage", actor.audience, problem=f"There is no license {license_id}."))
            return False
        return True

    def _license_exists(self, license_id: str) -> bool:
        try:
            self.deps.diagnoser.licenses.get(license_id)
        except LicenseNotFound:
            return False
        return True

    def _refuse(self, origin: Origin, actor: Actor, command: str, license_id: str | None, *,
                reason: str = "outside the channel's license") -> None:
        self.replies.audit(origin, actor, command, license_id=license_id,
                           result=f"refused: {reason}", refused=True)
        self.replies.private(origin, self.replies.text("not_allowed", actor.audience))

