"""Turning templates into Messages and delivering them where the request came from."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks import Button, Message, simple_message
from bot.dialog import Action
from bot.identity import Actor
from bot.knowledge import Audience
from bot.service.context import Deps, Origin
from bot.store import AuditEntry

log = logging.getLogger(__name__)


class Replies:
    """Rendering plus delivery; the only place the service decides ephemeral versus public."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def text(self, template: str, audience: Audience, **data: Any) -> str:
        return self.deps.renderer.render(template, audience=audience, **data)

    def say_key(self, key: str, audience: Audience) -> str:
        return self.text("say", audience, key=key)

    def with_link(self, key: str, audience: Audience, link: str) -> str:
        """A fixed string followed by a link (to a message), when there is one."""
        text = self.say_key(key, audience)
        return f"{text} <{link}>" if link.startswith("https://") else text

    def private(self, origin: Origin, message_text: str, *, replace: bool = False,
                buttons: tuple[Button, ...] = ()) -> None:
        """Only the asker sees it: the response_url when there is one, else an ephemeral."""
        message = simple_message(message_text, ephemeral=True, buttons=buttons,
                                 key=self.deps.action_key)
        self.private_message(origin, message, replace=replace)

    def private_message(self, origin: Origin, message: Message, *, replace: bool = False) -> None:
        if origin.response_url:
            self.deps.messenger.respond(origin.response_url, message, replace_original=replace)
        else:
            self.deps.messenger.ephemeral(origin.channel_id, origin.user_id, message,
                                          thread_ts=origin.thread_ts)

    def in_thread(self, channel_id: str, thread_ts: str, message: Message) -> str:
        return self.deps.messenger.post(channel_id, message, thread_ts=thread_ts)

    def post_text(self, channel_id: str, thread_ts: str | None, text: str,
                  buttons: tuple[Button, ...] = (), dialog_id: str = "") -> str:
        message = simple_message(text, buttons=buttons, dialog_id=dialog_id,
                                 key=self.deps.action_key)
        return self.deps.messenger.post(channel_id, message, thread_ts=thread_ts)

    def audit(self, origin: Origin, actor: Actor, command: str, *, license_id: str | None,
              result: str, refused: bool = False) -> None:
        try:
            self.deps.store.audit(AuditEntry(
                user_id=actor.user_id, team_id=actor.team_id or "", is_staff=actor.is_staff,
                channel_id=origin.channel_id, license_id=license_id or "",
                command=f"{origin.surface}:{command}", result=result, refused=refused))
        except Exception:  # the audit log must not turn a served answer into an error
            log.exception("could not write the audit entry for %s", command)


SUPPORT_BUTTON = (Button("Talk to support", Action.TALK_TO_SUPPORT),)
