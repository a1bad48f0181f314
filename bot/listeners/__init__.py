"""Thin Slack listeners: ack first, translate the payload, call one service method.

The service runs in lazy listeners, after the ack, so a slow ClassLink never delays the ack.
The one exception is a searchable select's options request (block_suggestion), which Slack
wants answered in the ack itself; it reads only the store and the license directory.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import FIX_CALLBACK_ID, LINK_ACTION_ID, LINK_BLOCK_ID, LINK_CALLBACK_ID
from bot.jobs.requests import Surfaces
from bot.listeners.payloads import (
    action_origin,
    action_value,
    command_origin,
    event_origin,
    is_human_message,
    suggestion_block_id,
    suggestion_query,
    view_metadata,
    view_origin,
    view_selection,
)

log = logging.getLogger(__name__)
COMMAND = "/roster"
ACTION_IDS = re.compile(r"^rosterbot\.")
# Event type -> the manifest's bot_events that deliver it (tests/test_manifest.py checks both).
EVENTS = {
    "app_mention": ("app_mention",),
    "message": ("message.channels", "message.groups", "message.im"),
    "app_home_opened": ("app_home_opened",),
}


def ack_now(ack: Ack) -> None:
    ack()


def acking(work: Callable[..., None]) -> Callable[..., None]:
    """A listener that acks, then hands the request on at once (it must be quick: a queue)."""
    wanted = tuple(inspect.signature(work).parameters)

    def listener(ack: Ack, body: Mapping[str, Any], event: Mapping[str, Any] | None,
                 context: BoltContext) -> None:
        ack()
        given = {"body": body, "event": event, "context": context}
        work(**{name: given[name] for name in wanted})

    return listener


def register(app: App, service: Surfaces, *, in_ack: bool = False) -> None:
    """`in_ack`: the service only queues, so it is called on the request thread right after
    the ack, sparing a lazy listener's thread and copy of the request for each one."""
    def on_command(body: Mapping[str, Any]) -> None:
        service.command(command_origin(body), str(body.get("text") or ""))

    def on_action(body: Mapping[str, Any]) -> None:
        service.action(action_origin(body), action_value(body))

    def on_mention(event: Mapping[str, Any]) -> None:
        service.mention(event_origin(event, "mention"), str(event.get("text") or ""))

    def on_message(event: Mapping[str, Any], context: BoltContext) -> None:
        if is_human_message(event, context.bot_user_id):
            service.message(event_origin(event, "message"), str(event.get("text") or ""),
                            direct=event.get("channel_type") == "im")

    def on_link_modal(body: Mapping[str, Any]) -> None:
        service.link_submitted(view_origin(body), view_metadata(body),
                               view_selection(body, LINK_BLOCK_ID, LINK_ACTION_ID))

    def on_fix_modal(body: Mapping[str, Any]) -> None:
        # the confirmation's metadata is a signed apply_fix action value: served as an action,
        # so the same staff check refuses it from anyone else
        service.action(view_origin(body), view_metadata(body))

    def on_home(event: Mapping[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            service.home_opened(str(event.get("user", "")))

    on_event: dict[str, Callable[..., None]] = {
        "app_mention": on_mention, "message": on_message, "app_home_opened": on_home}
    lazy: list[tuple[Callable[..., Any], Callable[..., None]]] = [
        (app.command(COMMAND), on_command),
        (app.action(ACTION_IDS), on_action),
        (app.view(LINK_CALLBACK_ID), on_link_modal),
        (app.view(FIX_CALLBACK_ID), on_fix_modal),
    ]
    lazy += [(app.event(name), on_event[name]) for name in EVENTS]
    for listener, work in lazy:
        if in_ack:
            listener(acking(work))
        else:
            listener(ack=ack_now, lazy=[work])

    @app.options(ACTION_IDS)
    def on_options(ack: Ack, body: Mapping[str, Any]) -> None:
        ack(options=service.options(action_origin(body), suggestion_block_id(body),
                                    suggestion_query(body)))
