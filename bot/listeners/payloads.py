"""Pure helpers that pull ids, text and values out of Slack payloads into an Origin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.service import Origin


def _get(mapping: Mapping[str, Any] | None, *keys: str) -> Any:
    value: Any = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def command_origin(body: Mapping[str, Any]) -> Origin:
    return Origin(channel_id=str(body.get("channel_id", "")), user_id=str(body.get("user_id", "")),
                  response_url=body.get("response_url"), trigger_id=body.get("trigger_id"),
                  surface="command")


def action_origin(body: Mapping[str, Any]) -> Origin:
    message = body.get("message") or {}
    container = body.get("container") or {}
    return Origin(
        channel_id=str(_get(body, "channel", "id") or container.get("channel_id") or ""),
        user_id=str(_get(body, "user", "id") or ""),
        team_id=_get(body, "user", "team_id"),  # the actor's home team, not the installation
        thread_ts=message.get("thread_ts") or container.get("thread_ts"),
        message_ts=container.get("message_ts") or message.get("ts"),
        response_url=body.get("response_url"),
        surface="action",
    )


def action_value(body: Mapping[str, Any]) -> str:
    """The pressed button's value, or the picked option's value for a select."""
    actions = body.get("actions") or [{}]
    action = actions[0] if isinstance(actions, list) and actions else {}
    return str(action.get("value") or _get(action, "selected_option", "value") or "")


def event_origin(event: Mapping[str, Any], surface: str) -> Origin:
    return Origin(channel_id=str(event.get("channel", "")), user_id=str(event.get("user", "")),
                  thread_ts=event.get("thread_ts"), message_ts=event.get("ts"), surface=surface)


def is_human_message(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Plain new messages by people; edits, joins, bot posts and mentions of us are skipped
    (a mention also arrives as app_mention, which handles it)."""
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return False
    text = str(event.get("text") or "")
    return not (bot_user_id and f"<@{bot_user_id}>" in text)


def view_origin(body: Mapping[str, Any]) -> Origin:
    """A modal submission: no channel of its own (the signed metadata names it)."""
    return Origin(channel_id="", user_id=str(_get(body, "user", "id") or ""),
                  team_id=_get(body, "user", "team_id"), surface="view")


def view_metadata(body: Mapping[str, Any]) -> str:
    return str(_get(body, "view", "private_metadata") or "")


def view_selection(body: Mapping[str, Any], block_id: str, action_id: str) -> str:
    """The chosen option's value (a select) or the typed text (an input) of one field."""
    field = _get(body, "view", "state", "values", block_id, action_id) or {}
    return str(_get(field, "selected_option", "value") or field.get("value") or "")
