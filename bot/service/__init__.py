"""The use cases behind every Slack surface. Listeners translate payloads and call one method.

Every method runs after Slack's ack (lazy listeners), so live checks may take their time here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from bot.dialog import Action, DialogState, Press, Step, decode_action_value
from bot.errors import InvalidTransition
from bot.identity import Actor
from bot.service.commands import Commands
from bot.service.context import Deps, Origin
from bot.service.dialogs import Dialogs
from bot.service.escalation import Escalations
from bot.service.faq import Faq
from bot.service.home import Home
from bot.service.lookups import Lookups
from bot.service.replies import SUPPORT_BUTTON, Replies
from bot.service.steps import StepView
from bot.store import StoreError
from checks.errors import LicenseNotFound

__all__ = ["Deps", "Origin", "RosterService"]

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+>")
MAX_TEXT = 4000


class RosterService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.replies = Replies(deps)
        steps = StepView(deps, self.replies)
        self.lookups = Lookups(deps, self.replies)
        self.faq = Faq(deps, self.replies)
        self.escalations = Escalations(deps, self.replies)
        self.dialogs = Dialogs(deps, self.replies, steps, self.lookups, self.escalations,
                               self.faq)
        self.commands = Commands(deps, self.replies, steps, self.lookups, self.dialogs)
        self.home = Home(deps, self.replies)

    # -- surfaces ----------------------------------------------------------------------------

    def command(self, origin: Origin, text: str) -> None:
        """`/roster ...`"""
        with self._guard(origin):
            self.commands.run(origin, self._actor(origin), text)

    def action(self, origin: Origin, value: str) -> None:
        """A button or select in one of our messages; the value is signed and checked."""
        with self._guard(origin):
            actor = self._actor(origin)
            try:
                decoded = decode_action_value(value, key=self.deps.action_key)
            except InvalidTransition:
                self.replies.audit(origin, actor, "action", license_id=None,
                                   result="refused: tampered button value", refused=True)
                self.replies.private(origin, self.replies.text("not_allowed", actor.audience))
                return
            if decoded.dialog_id:
                self.dialogs.press(origin, actor, decoded.dialog_id,
                                   Press(Action(decoded.action), decoded.arg))
            else:
                self._loose_action(origin, actor, Action(decoded.action), decoded.arg)

    def mention(self, origin: Origin, text: str) -> None:
        """@rosterbot ... in a channel, or a top-level direct message."""
        with self._guard(origin):
            actor = self._actor(origin)
            question = _MENTION.sub("", text)[:MAX_TEXT].strip()
            thread = origin.thread_ts or origin.message_ts
            if origin.thread_ts and self.dialogs.reply(origin, actor, question):
                return
            if not question:
                self.replies.post_text(origin.channel_id, thread, self.replies.text(
                    "help", self.replies.public_audience(actor, origin.channel_id), greet=True))
            elif self.deps.kb.looks_like_troubleshooting(question):
                self.dialogs.start(origin, actor, requested=None, thread_ts=thread)
            else:
                audience = self.replies.public_audience(actor, origin.channel_id)
                answered = self.faq.answer_in_thread(origin.channel_id, thread, question,
                                                     audience)
                self.replies.audit(origin, actor, "faq", license_id=None,
                                   result="answered" if answered else "no matching article")

    def message(self, origin: Origin, text: str, *, direct: bool = False) -> None:
        """A plain message. In a thread only a dialog listens; a new direct message to the bot
        is read like a mention; anything else in channels is left alone."""
        if direct and not origin.thread_ts:
            self.mention(origin, text)
            return
        with self._guard(origin):
            if origin.thread_ts:
                self.dialogs.reply(origin, self._actor(origin), text[:MAX_TEXT])

    def link_submitted(self, origin: Origin, metadata: str, license_id: str) -> None:
        """The link modal was submitted; its metadata must be our signed channel id."""
        with self._guard(origin):
            actor = self._actor(origin)
            try:
                decoded = decode_action_value(metadata, key=self.deps.action_key)
            except InvalidTransition:
                decoded = None
            if decoded is None or decoded.action is not Action.CHOOSE_LICENSE or \
                    not actor.is_staff or not license_id.strip():
                self.replies.audit(origin, actor, "link modal", license_id=license_id or None,
                                   result="refused: tampered metadata or not staff",
                                   refused=True)
                return
            target = replace(origin, channel_id=decoded.arg)
            try:
                self.commands.link(target, actor, license_id.strip())
            except LicenseNotFound:
                self.replies.private(target, self.replies.text(
                    "usage", actor.audience, problem=f"There is no license {license_id}."))

    def home_opened(self, user_id: str) -> None:
        origin = Origin(channel_id="", user_id=user_id, surface="home")
        with self._guard(origin, tell_user=False):
            actor = self._actor(origin)
            self.home.publish(actor)
            self.replies.audit(origin, actor, "home", license_id=None, result=actor.audience)

    # -- helpers -----------------------------------------------------------------------------

    def _actor(self, origin: Origin) -> Actor:
        return self.deps.identity.actor(origin.user_id, payload_team_id=origin.team_id)

    def _loose_action(self, origin: Origin, actor: Actor, action: Action, arg: str) -> None:
        """Buttons under FAQ answers, help and expired dialogs, which belong to no dialog.
        `arg` is signed with the value: "license:<id>" restarts an expired dialog's check."""
        thread = origin.thread_ts or origin.message_ts
        if action is Action.FAQ_YES:
            self.replies.private(origin, self.replies.say_key("faq_thanks", actor.audience))
        elif action is Action.FAQ_NO:
            self.replies.private(origin, self.replies.say_key("faq_no_followup", actor.audience),
                                 buttons=SUPPORT_BUTTON)
        elif action is Action.START_TROUBLESHOOTING:
            requested = arg.removeprefix("license:") if arg.startswith("license:") else None
            self.dialogs.start(origin, actor, requested=requested, thread_ts=thread)
        elif action is Action.TALK_TO_SUPPORT:
            state = DialogState(dialog_id="", channel_id=origin.channel_id,
                                thread_ts=thread or "", user_id=actor.user_id,
                                license_id=self.deps.store.linked_license(origin.channel_id),
                                step=Step.ESCALATED)
            self.escalations.escalate(state, origin, actor)
        else:
            log.info("ignoring %s outside a dialog", action)

    def _guard(self, origin: Origin, *, tell_user: bool = True) -> _Guard:
        return _Guard(self, origin, tell_user=tell_user)


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
                replies.private(self.origin, replies.say_key("error_apology", "customer"))
            except Exception:
                log.exception("could not deliver the apology")
        return True
