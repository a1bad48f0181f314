"""*Talk to support*: one summary in the support channel per dialog, however often it is pressed."""

from __future__ import annotations

import logging

from bot.blocks import simple_message
from bot.dialog import DialogState
from bot.identity import Actor
from bot.service.context import Deps, Origin
from bot.service.replies import Replies
from checks.errors import LicenseError
from checks.models import License

log = logging.getLogger(__name__)


class Escalations:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies

    def escalate(self, state: DialogState, origin: Origin, actor: Actor) -> None:
        """Create the escalation once (store-enforced), post its summary, confirm in thread."""
        audience = self.replies.public_audience(actor, state.channel_id)
        key = f"dialog:{state.dialog_id}" if state.dialog_id else \
            f"message:{state.channel_id}:{state.thread_ts}"
        if not self.deps.support_channel:
            self._tell(state, "escalation_unavailable", audience)
            return
        _, created = self.deps.store.create_escalation(
            key, dialog_id=state.dialog_id, channel_id=state.channel_id,
            license_id=state.license_id or "",
            summary={"results": dict(state.results), "tried": list(state.tried),
                     "user_id": state.user_id})
        if not created:
            self._tell(state, "escalation_already", audience)
            return
        thread_link = self.deps.messenger.permalink(state.channel_id, state.thread_ts)
        text = self.replies.text("escalation_summary", "staff", dialog=state,
                                 license=self._license(state.license_id), thread_link=thread_link)
        try:
            ts = self.deps.messenger.post(self.deps.support_channel, simple_message(text))
        except Exception:
            log.exception("could not post escalation %s", key)
            self._tell(state, "escalation_unavailable", audience)
            return
        self.deps.store.mark_escalation_posted(key, message_ts=ts)
        self.replies.audit(origin, actor, "escalate", license_id=state.license_id,
                           result=f"escalation {key} posted")
        self._tell(state, "escalation_confirmed", audience)

    def _tell(self, state: DialogState, key: str, audience: str) -> None:
        self.replies.post_text(state.channel_id, state.thread_ts,
                               self.replies.say_key(key, audience))

    def _license(self, license_id: str | None) -> License | None:
        if not license_id:
            return None
        try:
            return self.deps.diagnoser.licenses.get(license_id)
        except LicenseError:
            return None
