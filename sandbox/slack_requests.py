"""Builders for the requests Slack sends an app: realistic payloads, signed like Slack signs them.

Every builder returns a `SlackRequest(body, headers)` (a NamedTuple, so `body, headers = ...`
works) signed with `secret` at `timestamp` (default: now), ready for `post(url, body, headers)`
or `BoltRequest(body=body, headers=headers)`. Shapes follow Slack's payloads as bolt's own test
fixtures show them, including the Slack Connect fields (user_team, source_team,
is_ext_shared_channel, authorizations, view.app_installed_team_id).

Builders are pure apart from reading the clock when no timestamp is given. `response_url` is
required wherever Slack sends one, so a test can never post to the real hooks.slack.com.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

DEFAULT_SIGNING_SECRET = "test-signing-secret"
DEFAULT_TEAM_ID = "T_PIVOT"
DEFAULT_APP_ID = "A_ROSTER"
DEFAULT_BOT_USER_ID = "U_BOT"
DEFAULT_USER_ID = "U_STAFF"
DEFAULT_CHANNEL_ID = "C_SUPPORT"
DEFAULT_MESSAGE_TS = "1700000000.000100"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

JsonObject = dict[str, Any]


class SlackRequest(NamedTuple):
    body: str
    headers: dict[str, str]


def sign(
    body: str,
    *,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> dict[str, str]:
    """The headers Slack sends with `body`: content type, request timestamp and v0 signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    if signature is None:  # only when timestamp or body is None, which the types rule out
        raise ValueError("cannot sign a request without a body and a timestamp")
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }


def _form(fields: Mapping[str, str], *, secret: str, timestamp: int | None) -> SlackRequest:
    body = urlencode(fields)
    return SlackRequest(body, sign(body, secret=secret, timestamp=timestamp))


def _interactive(payload: JsonObject, *, secret: str, timestamp: int | None) -> SlackRequest:
    return _form({"payload": json.dumps(payload)}, secret=secret, timestamp=timestamp)


def _event(envelope: JsonObject, *, secret: str, timestamp: int | None) -> SlackRequest:
    body = json.dumps(envelope)
    return SlackRequest(body, sign(body, secret=secret, timestamp=timestamp, content_type=JSON))


# -- slash commands -------------------------------------------------------------------------------


def slash_command(
    text: str,
    *,
    response_url: str,
    command: str = "/roster",
    user_id: str = DEFAULT_USER_ID,
    user_name: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = "pivot-support",
    enterprise_id: str | None = None,
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str | None = None,
    trigger_id: str = "1700000000.1.trigger",
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    fields = {
        "token": "verification-token-unused",
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name or channel_id.lower(),
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    if enterprise_id:
        fields["enterprise_id"] = enterprise_id
        fields["enterprise_name"] = enterprise_id
    return _form(fields, secret=secret, timestamp=timestamp)


# -- interactivity --------------------------------------------------------------------------------


def _option(selected: str | Mapping[str, Any]) -> JsonObject:
    if isinstance(selected, str):
        return {"text": {"type": "plain_text", "text": selected, "emoji": True}, "value": selected}
    return dict(selected)


def _action(
    action_id: str,
    value: str | None,
    *,
    block_id: str,
    selected_option: str | Mapping[str, Any] | None,
) -> JsonObject:
    action: JsonObject = {"action_id": action_id, "block_id": block_id,
                          "action_ts": "1700000000.999999"}
    if selected_option is not None:
        action["type"] = "static_select"
        action["selected_option"] = _option(selected_option)
    else:
        action["type"] = "button"
        action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
        if value is not None:
            action["value"] = value
    return action


def _actor(user_id: str, user_team_id: str) -> JsonObject:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
            "team_id": user_team_id}


def _team(team_id: str, enterprise_id: str | None) -> JsonObject:
    team: JsonObject = {"id": team_id, "domain": team_id.lower()}
    if enterprise_id:
        team["enterprise_id"] = enterprise_id
    return team


def block_action(
    action_id: str,
    value: str | None,
    *,
    response_url: str,
    user_id: str = DEFAULT_USER_ID,
    user_team_id: str = DEFAULT_TEAM_ID,
    team_id: str | None = None,
    enterprise_id: str | None = None,
    channel_id: str = DEFAULT_CHANNEL_ID,
    message_ts: str = DEFAULT_MESSAGE_TS,
    thread_ts: str | None = None,
    block_id: str = "actions",
    selected_option: str | Mapping[str, Any] | None = None,
    is_ephemeral: bool = False,
    message_text: str = "",
    message_blocks: list[JsonObject] | None = None,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    trigger_id: str = "1700000000.2.trigger",
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """A button click (or a static_select choice when `selected_option` is given) on a message.

    `team_id` (payload.team) defaults to the clicking user's team, as Slack sends it in Slack
    Connect channels; the installing team is not in a block_actions payload.
    """
    container: JsonObject = {"type": "message", "message_ts": message_ts,
                             "channel_id": channel_id, "is_ephemeral": is_ephemeral}
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload: JsonObject = {
        "type": "block_actions",
        "user": _actor(user_id, user_team_id),
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "container": container,
        "trigger_id": trigger_id,
        "team": _team(team_id or user_team_id, enterprise_id),
        "enterprise": {"id": enterprise_id, "name": enterprise_id} if enterprise_id else None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [_action(action_id, value, block_id=block_id,
                            selected_option=selected_option)],
    }
    if not is_ephemeral:  # Slack leaves the message out for clicks on ephemeral messages
        message: JsonObject = {"type": "message", "user": bot_user_id, "ts": message_ts,
                               "text": message_text, "blocks": message_blocks or []}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload["message"] = message
    return _interactive(payload, secret=secret, timestamp=timestamp)


def block_suggestion(
    action_id: str,
    value: str,
    *,
    block_id: str,
    user_id: str = DEFAULT_USER_ID,
    user_team_id: str = DEFAULT_TEAM_ID,
    team_id: str | None = None,
    enterprise_id: str | None = None,
    channel_id: str = DEFAULT_CHANNEL_ID,
    message_ts: str = DEFAULT_MESSAGE_TS,
    thread_ts: str | None = None,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """What Slack sends as someone types `value` into an external_select in a message: the
    app answers in the HTTP response with the options to show (`{"options": [...]}`)."""
    container: JsonObject = {"type": "message", "message_ts": message_ts,
                             "channel_id": channel_id, "is_ephemeral": False}
    if thread_ts:
        container["thread_ts"] = thread_ts
    message: JsonObject = {"type": "message", "user": bot_user_id, "ts": message_ts,
                           "text": "", "blocks": []}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload: JsonObject = {
        "type": "block_suggestion",
        "user": _actor(user_id, user_team_id),
        "container": container,
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": _team(team_id or user_team_id, enterprise_id),
        "enterprise": {"id": enterprise_id, "name": enterprise_id} if enterprise_id else None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "message": message,
    }
    return _interactive(payload, secret=secret, timestamp=timestamp)


def view_block_action(
    action_id: str,
    value: str | None,
    *,
    view_id: str = "V_HOME",
    view_type: str = "home",
    callback_id: str = "",
    private_metadata: str = "",
    user_id: str = DEFAULT_USER_ID,
    user_team_id: str = DEFAULT_TEAM_ID,
    team_id: str | None = None,
    app_installed_team_id: str = DEFAULT_TEAM_ID,
    block_id: str = "actions",
    selected_option: str | Mapping[str, Any] | None = None,
    trigger_id: str = "1700000000.3.trigger",
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """A click in the App Home tab or a modal: container and view instead of channel/message."""
    payload: JsonObject = {
        "type": "block_actions",
        "user": _actor(user_id, user_team_id),
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "container": {"type": "view", "view_id": view_id},
        "trigger_id": trigger_id,
        "team": _team(team_id or user_team_id, None),
        "is_enterprise_install": False,
        "view": _view(view_id, view_type, callback_id=callback_id, values={},
                      private_metadata=private_metadata,
                      team_id=team_id or user_team_id,
                      app_installed_team_id=app_installed_team_id),
        "actions": [_action(action_id, value, block_id=block_id,
                            selected_option=selected_option)],
    }
    return _interactive(payload, secret=secret, timestamp=timestamp)


def _state_values(values: Mapping[str, Mapping[str, Any]]) -> JsonObject:
    """Slack's view.state.values; a plain string stands for a plain_text_input's value."""
    return {
        block_id: {
            action_id: ({"type": "plain_text_input", "value": entry}
                        if isinstance(entry, str) else dict(entry))
            for action_id, entry in actions.items()
        }
        for block_id, actions in values.items()
    }


def _view(
    view_id: str,
    view_type: str,
    *,
    callback_id: str,
    values: Mapping[str, Mapping[str, Any]],
    private_metadata: str,
    team_id: str,
    app_installed_team_id: str,
) -> JsonObject:
    return {
        "id": view_id,
        "team_id": team_id,
        "type": view_type,
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "blocks": [],
        "state": {"values": _state_values(values)},
        "hash": "1700000000.view-hash",
        "root_view_id": view_id,
        "previous_view_id": None,
        "external_id": "",
        "app_installed_team_id": app_installed_team_id,
    }


def view_submission(
    callback_id: str,
    values: Mapping[str, Mapping[str, Any]],
    *,
    user_id: str = DEFAULT_USER_ID,
    user_team_id: str = DEFAULT_TEAM_ID,
    team_id: str | None = None,
    enterprise_id: str | None = None,
    private_metadata: str = "",
    app_installed_team_id: str = DEFAULT_TEAM_ID,
    view_id: str = "V_MODAL",
    trigger_id: str = "1700000000.4.trigger",
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """A modal submitted. `values` maps block_id -> action_id -> a state entry or a plain string.

    As in Slack Connect, payload.team and view.team_id are the user's side (`team_id` defaults to
    `user_team_id`) and view.app_installed_team_id is the installing workspace.
    """
    side = team_id or user_team_id
    payload: JsonObject = {
        "type": "view_submission",
        "team": _team(side, enterprise_id),
        "user": _actor(user_id, user_team_id),
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "trigger_id": trigger_id,
        "view": _view(view_id, "modal", callback_id=callback_id, values=values,
                      private_metadata=private_metadata, team_id=side,
                      app_installed_team_id=app_installed_team_id),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": {"id": enterprise_id, "name": enterprise_id} if enterprise_id else None,
    }
    return _interactive(payload, secret=secret, timestamp=timestamp)


# -- Events API -----------------------------------------------------------------------------------


def _envelope(
    event: JsonObject,
    *,
    event_id: str,
    team_id: str,
    enterprise_id: str | None,
    source_team_id: str | None,
    is_ext_shared_channel: bool,
    bot_user_id: str,
    api_app_id: str,
) -> JsonObject:
    """The event_callback wrapper. `team_id` is the installing workspace (authorizations);
    `source_team_id` is the workspace the event came from when that differs (top-level team_id)."""
    return {
        "token": "verification-token-unused",
        "team_id": source_team_id or team_id,
        "enterprise_id": enterprise_id,
        "context_team_id": source_team_id or team_id,
        "context_enterprise_id": enterprise_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(float(event.get("event_ts", "1700000000"))),
        "authorizations": [{
            "enterprise_id": enterprise_id,
            "team_id": team_id,
            "user_id": bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }],
        "is_ext_shared_channel": is_ext_shared_channel,
        "event_context": f"4-{event_id}",
    }


def _event_id(explicit: str | None, ts: str) -> str:
    # One id per message, so a re-sent builder call looks like Slack retrying the same event.
    return explicit or f"Ev{ts.replace('.', '')}"


def _message_event(
    kind: str, text: str, *, user_id: str, user_team: str, channel_id: str, ts: str,
    thread_ts: str | None,
) -> JsonObject:
    event: JsonObject = {
        "type": kind,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": channel_id,
        "team": user_team,
        "user_team": user_team,
        "source_team": user_team,
        "user_profile": {"team": user_team, "name": user_id.lower()},
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def app_mention(
    text: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    user_team: str = DEFAULT_TEAM_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    ts: str = "1700000100.000100",
    thread_ts: str | None = None,
    event_id: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    source_team_id: str | None = None,
    enterprise_id: str | None = None,
    is_ext_shared_channel: bool = False,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """"@rosterbot <text>": the mention of the bot is prefixed unless `text` already has it."""
    mention = f"<@{bot_user_id}>"
    full_text = text if mention in text else f"{mention} {text}"
    event = _message_event("app_mention", full_text, user_id=user_id, user_team=user_team,
                           channel_id=channel_id, ts=ts, thread_ts=thread_ts)
    envelope = _envelope(event, event_id=_event_id(event_id, ts), team_id=team_id,
                         enterprise_id=enterprise_id, source_team_id=source_team_id,
                         is_ext_shared_channel=is_ext_shared_channel, bot_user_id=bot_user_id,
                         api_app_id=api_app_id)
    return _event(envelope, secret=secret, timestamp=timestamp)


def message(
    text: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    user_team: str = DEFAULT_TEAM_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    ts: str = "1700000200.000100",
    thread_ts: str | None = None,
    parent_user_id: str | None = None,
    channel_type: str = "channel",
    event_id: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    source_team_id: str | None = None,
    enterprise_id: str | None = None,
    is_ext_shared_channel: bool = False,
    bot_id: str | None = None,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """A message event; channel_type "im" for DMs. `bot_id` makes it a bot_message (e.g. ours)."""
    if channel_type not in ("channel", "group", "im", "mpim"):
        raise ValueError(f"unknown channel_type {channel_type!r}")
    event = _message_event("message", text, user_id=user_id, user_team=user_team,
                           channel_id=channel_id, ts=ts, thread_ts=thread_ts)
    event["channel_type"] = channel_type
    if thread_ts and thread_ts != ts:
        event["parent_user_id"] = parent_user_id or bot_user_id
    if bot_id:
        event["subtype"] = "bot_message"
        event["bot_id"] = bot_id
    envelope = _envelope(event, event_id=_event_id(event_id, ts), team_id=team_id,
                         enterprise_id=enterprise_id, source_team_id=source_team_id,
                         is_ext_shared_channel=is_ext_shared_channel, bot_user_id=bot_user_id,
                         api_app_id=api_app_id)
    return _event(envelope, secret=secret, timestamp=timestamp)


def app_home_opened(
    user_id: str = DEFAULT_USER_ID,
    *,
    team_id: str = DEFAULT_TEAM_ID,
    tab: str = "home",
    channel_id: str | None = None,
    event_ts: str = "1700000300.000100",
    event_id: str | None = None,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    api_app_id: str = DEFAULT_APP_ID,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    event: JsonObject = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id or "D" + user_id.removeprefix("U").removeprefix("W"),
        "tab": tab,
        "event_ts": event_ts,
    }
    envelope = _envelope(event, event_id=_event_id(event_id, event_ts), team_id=team_id,
                         enterprise_id=None, source_team_id=None, is_ext_shared_channel=False,
                         bot_user_id=bot_user_id, api_app_id=api_app_id)
    return _event(envelope, secret=secret, timestamp=timestamp)


# -- malformed requests ---------------------------------------------------------------------------


def signed_raw(
    body: str,
    *,
    content_type: str = JSON,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
) -> SlackRequest:
    """Any body at all, signed as Slack signs: for requests Slack itself would never send."""
    return SlackRequest(body, sign(body, secret=secret, timestamp=timestamp,
                                   content_type=content_type))


def with_fields(
    request: SlackRequest,
    *,
    secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    **fields: Any,
) -> SlackRequest:
    """`request` (an event envelope, or an interactive `payload=` form) with top-level payload
    fields replaced, signed again: `with_fields(app_mention("hi"), event=None)`."""
    if request.headers.get("content-type") == JSON:
        envelope = json.loads(request.body)
        envelope.update(fields)
        return _event(envelope, secret=secret, timestamp=timestamp)
    form = dict(parse_qsl(request.body, keep_blank_values=True))
    if "payload" not in form:
        raise ValueError("with_fields takes an event or an interactive payload, not a command")
    payload = json.loads(form["payload"])
    payload.update(fields)
    return _interactive(payload, secret=secret, timestamp=timestamp)


# -- sending --------------------------------------------------------------------------------------


def post(
    url: str,
    body: str,
    headers: Mapping[str, str],
    *,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
    client: httpx.Client | None = None,
    timeout: float = 10.0,
) -> httpx.Response:
    """POST a built request to `url`; `retry_num` adds Slack's retry headers (not signed)."""
    sent = dict(headers)
    if retry_num is not None:
        sent["x-slack-retry-num"] = str(retry_num)
        sent["x-slack-retry-reason"] = retry_reason
    if client is not None:
        return client.post(url, content=body.encode(), headers=sent, timeout=timeout)
    return httpx.post(url, content=body.encode(), headers=sent, timeout=timeout)
