"""Pure helpers that pull ids, text and values out of Slack payloads into an Origin.

bot.request_guard refuses payloads of the wrong shape before a listener runs; these helpers
still never index into a value they have not checked, so a field of an unexpected type reads as
missing rather than raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.service import Origin


def _get(mapping: object, *keys: str) -> Any:
    value: Any = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _text(mapping: object, *keys: str) -> str | None:
    """A string field, or None when it is missing or of another type."""
    value = _get(mapping, *keys)
    return value if isinstance(value, str) else None


def command_origin(body: Mapping[str, Any]) -> Origin:
    return Origin(channel_id=_text(body, "channel_id") or "", user_id=_text(body, "user_id") or "",
                  response_url=_text(body, "response_url"), trigger_id=_text(body, "trigger_id"),
                  surface="command")


def action_origin(body: Mapping[str, Any]) -> Origin:
    return Origin(
        channel_id=_text(body, "channel", "id") or _text(body, "container", "channel_id") or "",
        user_id=_text(body, "user", "id") or "",
        team_id=_text(body, "user", "team_id"),  # the actor's home team, not the installation
        thread_ts=_text(body, "message", "thread_ts") or _text(body, "container", "thread_ts"),
        message_ts=_text(body, "container", "message_ts") or _text(body, "message", "ts"),
        response_url=_text(body, "response_url"),
        trigger_id=_text(body, "trigger_id"),  # a fix button opens its confirmation with it
        surface="action",
    )


def action_value(body: Mapping[str, Any]) -> str:
    """The pressed button's value, or the picked option's value for a select."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    return _text(action, "value") or _text(action, "selected_option", "value") or ""


def suggestion_block_id(body: Mapping[str, Any]) -> str:
    """The block a searchable select's options request (block_suggestion) comes from."""
    return _text(body, "block_id") or ""


def suggestion_query(body: Mapping[str, Any]) -> str:
    """What the user has typed into a searchable select so far."""
    return _text(body, "value") or ""


def event_origin(event: Mapping[str, Any], surface: str) -> Origin:
    return Origin(channel_id=_text(event, "channel") or "", user_id=_text(event, "user") or "",
                  thread_ts=_text(event, "thread_ts"), message_ts=_text(event, "ts"),
                  surface=surface)


def is_human_message(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Plain new messages by people; edits, joins, bot posts and mentions of us are skipped
    (a mention also arrives as app_mention, which handles it)."""
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return False
    text = _text(event, "text") or ""
    return not (bot_user_id and f"<@{bot_user_id}>" in text)


def view_origin(body: Mapping[str, Any]) -> Origin:
    """A modal submission: no channel of its own (the signed metadata names it)."""
    return Origin(channel_id="", user_id=_text(body, "user", "id") or "",
                  team_id=_text(body, "user", "team_id"), surface="view")


def view_metadata(body: Mapping[str, Any]) -> str:
    return _text(body, "view", "private_metadata") or ""


def view_selection(body: Mapping[str, Any], block_id: str, action_id: str) -> str:
    """The chosen option's value (a select) or the typed text (an input) of one field."""
    field = _get(body, "view", "state", "values", block_id, action_id)
    return _text(field, "selected_option", "value") or _text(field, "value") or ""
