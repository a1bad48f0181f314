"""The use cases behind every Slack surface. Listeners translate payloads and call one method.

Every method but `options` runs after Slack's ack (lazy listeners), so live checks may take their
time here. Each request's context (who asks, where, the channel's license and privacy) is built
once, and every use case asks it what may be done and said (bot.policy.authorize).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from bot.action_values import decode_action_value
from bot.dialog import Action, DialogState, Press, Step
from bot.errors import InvalidTransition
from bot.identity import Actor
from bot.knowledge import Audience
from bot.service.commands import Commands
from bot.service.context import Deps, Origin, RequestContext, request_context
from bot.service.dialogs import Dialogs
from bot.service.escalation import Escalations
from bot.service.faq import Faq
from bot.service.fixes import FIX_ACTIONS, FixActions
from bot.service.home import Home
from bot.service.lookups import Lookups
from bot.service.picker import TeacherPicker
from bot.service.replies import SUPPORT_BUTTON, Replies
from bot.service.steps import StepView
from bot.service.watch import Watch
from bot.store import StoreError
from checks.errors import LicenseNotFound

__all__ = ["Deps", "Origin", "RequestContext", "RosterService"]

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+>")
MAX_TEXT = 4000


class RosterService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.replies = Replies(deps)
        self.fixes = FixActions(deps, self.replies)  # one-click fixes, staff only
        steps = StepView(deps, self.replies, self.fixes)
        self.lookups = Lookups(deps, self.replies)
        self.faq = Faq(deps, self.replies)
        self.escalations = Escalations(deps, self.replies, self.fixes)
        self.dialogs = Dialogs(deps, self.replies, steps, self.lookups, self.escalations,
                               self.faq)
        self.commands = Commands(deps, self.replies, steps, self.lookups, self.dialogs)
        self.home = Home(deps, self.replies)
        self.picker = TeacherPicker(deps, self.replies)
        self.watch = Watch(deps, self.replies)

    # -- surfaces ----------------------------------------------------------------------------

    def command(self, origin: Origin, text: str) -> None:
        """`/roster ...`"""
        with self._guard(origin):
            self.commands.run(self._context(origin), text)

    def action(self, origin: Origin, value: str) -> None:
        """A button or select in one of our messages; the value is signed and checked."""
        with self._guard(origin):
            ctx = self._context(origin)
            try:
                decoded = decode_action_value(value, key=self.deps.action_key)
            except InvalidTransition:
                self.replies.audit(origin, ctx.actor, "action", license_id=None,
                                   result="refused: tampered button value", refused=True)
                if origin.channel_id:  # a modal's submission comes from no channel
                    self.replies.private(origin, self.replies.text("not_allowed",
                                                                   ctx.actor.audience))
                return
            if decoded.action in FIX_ACTIONS:  # every route (button, modal) checks staff again
                self.fixes.act(ctx, decoded)
            elif decoded.dialog_id:
                self.dialogs.press(ctx, decoded.dialog_id,
                                   Press(Action(decoded.action), decoded.arg,
                                         step=_step(decoded.step)))
            else:
                self._loose_action(ctx, Action(decoded.action), decoded.arg)

    def options(self, origin: Origin, block_id: str, query: str) -> list[dict[str, Any]]:
        """The options of a searchable select as the user types (answered in the ack)."""
        try:
            teachers = self.picker.options(origin, block_id, query[:200])
            if teachers is not None:
                return teachers
            return self.dialogs.license_options(self._context(origin), block_id, query[:200])
        except StoreError as exc:
            log.error("store problem while listing options: %s", exc)
            return []

    def mention(self, origin: Origin, text: str) -> None:
        """@rosterbot ... in a channel, or a top-level direct message."""
        with self._guard(origin):
            question = _MENTION.sub("", text)[:MAX_TEXT].strip()
            thread = origin.thread_ts or origin.message_ts
            if origin.thread_ts and self._reply_in_dialog(origin, question):
                return
            if question and thread:  # the customer's own question, for an escalation
                self.escalations.remember(origin.channel_id, thread, origin.user_id, question)
            ctx = self._context(origin)
            if not question:
                self.replies.post_text(origin.channel_id, thread, self.replies.text(
                    "help", ctx.audience, greet=True))
            elif self.deps.kb.looks_like_troubleshooting(question):
                self.dialogs.start(ctx, requested=None, thread_ts=thread)
            else:
                answered = self.faq.answer_in_thread(origin.channel_id, thread, question,
                                                     ctx.audience)
                self.replies.audit(origin, ctx.actor, "faq", license_id=None,
                                   result="answered" if answered else "no matching article")

    def message(self, origin: Origin, text: str, *, direct: bool = False) -> None:
        """A plain message. In a thread only a dialog listens; a new direct message to the bot
        is read like a mention; anything else in channels is left alone."""
        if direct and not origin.thread_ts:
            self.mention(origin, text)
            return
        with self._guard(origin):
            if origin.thread_ts:
                self._reply_in_dialog(origin, text[:MAX_TEXT])

    def link_submitted(self, origin: Origin, metadata: str, license_id: str) -> None:
        """The link modal was submitted; its metadata must be our signed channel id."""
        with self._guard(origin):
            actor = self._actor(origin)
            try:
                decoded = decode_action_value(metadata, key=self.deps.action_key)
            except InvalidTransition:
                decoded = None
            target = replace(origin, channel_id=decoded.arg if decoded else "")
            ctx = self._context(target, actor)
            if decoded is None or decoded.action is not Action.CHOOSE_LICENSE or \
                    not ctx.authorize(staff_only=True, needs_license=False).allowed or \
                    not license_id.strip():
                self.replies.audit(origin, actor, "link modal", license_id=license_id or None,
                                   result="refused: tampered metadata or not staff",
                                   refused=True)
                return
            try:
                self.commands.link(ctx, license_id.strip())
            except LicenseNotFound:
                self.replies.private(target, self.replies.text(
                    "usage", actor.audience, problem=f"There is no license {license_id}."))

    def home_opened(self, user_id: str) -> None:
        origin = Origin(channel_id="", user_id=user_id, surface="home")
        with self._guard(origin, tell_user=False):
            actor = self._actor(origin)
            self.home.publish(actor)
            self.replies.audit(origin, actor, "home", license_id=None, result=str(actor.audience))

    # -- helpers -----------------------------------------------------------------------------

    def _actor(self, origin: Origin) -> Actor:
        return self.deps.identity.actor(origin.user_id, payload_team_id=origin.team_id)

    def _context(self, origin: Origin, actor: Actor | None = None) -> RequestContext:
        return request_context(self.deps, origin, actor)

    def _reply_in_dialog(self, origin: Origin, text: str) -> bool:
        """A reply in a dialog's thread goes to the dialog; False when no dialog lives there
        (the context is only built for threads that have one)."""
        dialog_id = self.dialogs.in_thread(origin)
        if dialog_id is None:
            return False
        self.escalations.remember(origin.channel_id, origin.thread_ts or "", origin.user_id, text)
        self.dialogs.reply(self._context(origin), dialog_id, text)
        return True

    def _loose_action(self, ctx: RequestContext, action: Action, arg: str) -> None:
        """Buttons under FAQ answers, help and expired dialogs, which belong to no dialog.
        `arg` is signed with the value: "license:<id>" restarts an expired dialog's check."""
        origin, actor = ctx.origin, ctx.actor
        thread = origin.thread_ts or origin.message_ts
        if action is Action.FAQ_YES:
            self.replies.private(origin, self.replies.say_key("faq_thanks", actor.audience))
        elif action is Action.FAQ_NO:
            self.replies.private(origin, self.replies.say_key("faq_no_followup", actor.audience),
                                 buttons=SUPPORT_BUTTON)
        elif action is Action.START_TROUBLESHOOTING:
            requested = arg.removeprefix("license:") if arg.startswith("license:") else None
            self.dialogs.start(ctx, requested=requested, thread_ts=thread)
        elif action is Action.TALK_TO_SUPPORT:
            state = DialogState(dialog_id="", channel_id=origin.channel_id,
                                thread_ts=thread or "", user_id=actor.user_id,
                                license_id=ctx.channel.linked_license, step=Step.ESCALATED)
            self.escalations.escalate(state, ctx)
        elif action is Action.OPEN_DIAGNOSIS:
            self.watch.open_diagnosis(ctx, arg)
        elif action in (Action.CLAIM_ESCALATION, Action.RESOLVE_ESCALATION):
            self.escalations.act(ctx, action, arg)
        else:
            log.info("ignoring %s outside a dialog", action)

    def _guard(self, origin: Origin, *, tell_user: bool = True) -> _Guard:
        return _Guard(self, origin, tell_user=tell_user)


def _step(name: str) -> Step | None:
    """The step a pressed message was rendered for, when its value names one we know."""
    try:
        return Step(name) if name else None
    except ValueError:
        return None


class _Guard:
    """Store outages become one apology to the asker; nothing else is swallowed."""

    def __init__(self, service: RosterService, origin: Origin, *, tell_user: bool) -> None:
        self.service, self.origin, self.tell_user = service, origin, tell_user

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        if not isinstance(exc, StoreError):
            return False
        log.error("store problem while serving %s: %s", self.origin.surface, exc)
        if self.tell_user and self.origin.channel_id:
            replies = self.service.replies
            try:
                replies.private(self.origin, replies.say_key("error_apology",
                                                             Audience.CUSTOMER))
            except Exception:
                log.exception("could not deliver the apology")
        return True
