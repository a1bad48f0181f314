"""What a request must be before Bolt or a listener sees it: signed by Slack and of Slack's shape.

A signature proves a request came from Slack (or from whoever holds the signing secret); it does
not prove the body is well-formed. Bolt parses the body when it builds a BoltRequest and then
reads nested fields freely (`body["event"]["type"]`, `body["actions"][0]`, `"id" in team`), so a
signed `"event": null` or `"actions": "x"` raises deep inside Bolt or a listener. Here:

- `signature_valid`: Slack's v0 HMAC-SHA256 over `v0:{timestamp}:{raw body}`, timestamp within
  five minutes; checked on the raw bytes, before anything is parsed.
- `parse_body`: the dict Bolt will build from the same raw body (the same branches as
  `slack_bolt.request.internals.parse_body`), raising `MalformedRequest` instead of JSON errors.
- `check_payload`: the minimal shape Bolt's context extraction, its listener matchers and our
  listeners (`bot.listeners.payloads`) rely on; raises `MalformedRequest` naming the field, never
  its value (payloads carry user text).
- `PayloadGuard`: the same check as a Bolt middleware, for Socket Mode, whose payloads arrive
  without HTTP signatures (`create_app` registers it before authorization).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few KiB; modal states stay far below this
MAX_SIGNATURE_AGE_SECONDS = 5 * 60
JSON_TYPE = "application/json"

log = logging.getLogger(__name__)

# Every top-level `type` Slack sends to an app's Request URL or over Socket Mode.
EVENTS_API_TYPES = frozenset({"url_verification", "event_callback", "app_rate_limited"})
INTERACTIVE_TYPES = frozenset({
    "block_actions", "block_suggestion", "view_submission", "view_closed", "shortcut",
    "message_action", "interactive_message", "dialog_submission", "dialog_cancellation",
    "dialog_suggestion", "workflow_step_edit",
})
_OBJECTS = ("message", "previous_message", "container", "item", "assistant_thread", "state",
            "function_data", "workflow_step")
_STRINGS = ("team_id", "enterprise_id", "api_app_id", "trigger_id", "response_url", "event_id",
            "callback_id", "action_id", "user_id", "channel_id", "challenge")


class MalformedRequest(ValueError):
    """A request Slack would never send. The message names what is wrong, never a value."""


# -- signature --------------------------------------------------------------------------------


def signature_valid(
    secret: str, raw: bytes, timestamp: str | None, signature: str | None, *,
    now: float | None = None,
) -> bool:
    """Slack's v0 signature of `raw`, made at `timestamp` (at most five minutes off)."""
    if not secret or not timestamp or not signature:
        return False
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    clock = time.time() if now is None else now
    if abs(clock - int(timestamp)) > MAX_SIGNATURE_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + raw
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


def is_ssl_check(raw: bytes) -> bool:
    """Slack's unsigned certificate probe for slash-command URLs: `ssl_check=1&token=...`.

    Bolt answers it before verifying signatures (Slack does not sign it); only this exact
    two-field form is recognised, and it is answered without reaching Bolt at all."""
    if len(raw) > 1024 or not raw.isascii():
        return False
    try:
        fields = parse_qsl(raw.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return False
    names = [name for name, _ in fields]
    return (len(set(names)) == len(names) and set(names) <= {"ssl_check", "token"}
            and dict(fields).get("ssl_check") == "1")


# -- parsing ----------------------------------------------------------------------------------


def parse_body(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The dict Bolt builds from `raw` (same branches as Bolt's parse_body), or MalformedRequest.

    Bolt reads a form without a `payload` field that merely *contains* the letters "payload"
    (in a command's text or channel name, say) as `{}`, which no listener matches; that is
    refused here by name rather than passed on to be dropped."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the body is not UTF-8") from None
    if not text:
        raise MalformedRequest("the body is empty")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == JSON_TYPE or text.startswith("{"):
        return _json_object(text, "the body")
    form = dict(parse_qsl(text, keep_blank_values=True))  # lenient, as Bolt is
    if "payload" in form:
        return _json_object(form["payload"], "payload")
    if "payload" in text:
        raise MalformedRequest('a form whose values contain "payload", which Bolt reads as empty')
    return form


def _json_object(text: str, where: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedRequest(f"{where} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedRequest(f"{where} is not a JSON object")
    return value


# -- shape ------------------------------------------------------------------------------------


def check_payload(body: object) -> None:
    """Raise MalformedRequest unless `body` has the shape Bolt and our listeners rely on.

    Only what is read is checked: a field that is there must have its type, a field a payload
    type cannot do without must be there. Unknown extra fields are fine."""
    payload = _object(body, "the payload")
    kind = payload.get("type")
    if kind is None:
        if "command" in payload:  # slash commands: form fields (HTTP) or the same as JSON
            _check_command(payload)
            return
        raise MalformedRequest("the payload has neither a type nor a command")
    if not isinstance(kind, str) or kind not in EVENTS_API_TYPES | INTERACTIVE_TYPES:
        raise MalformedRequest("unknown payload type")
    _check_common(payload)
    check = _BY_TYPE.get(kind)
    if check is not None:
        check(payload)


def _check_command(payload: Mapping[str, Any]) -> None:
    _strings(payload, "the command", "command", required=True)
    if not payload["command"].startswith("/"):
        raise MalformedRequest("the command does not start with /")
    _strings(payload, "the command", "text", "user_id", "channel_id", "team_id", "enterprise_id",
             "response_url", "trigger_id", "api_app_id")


def _check_common(payload: Mapping[str, Any]) -> None:
    """Fields Bolt's context extraction (team, user, enterprise, channel, ...) reads from any
    payload, and the nested objects its matchers and `IgnoringSelfEvents` index into."""
    if "team" in payload:
        team = payload["team"]
        # org-wide installations send `"team": null` with interactivity, and only they do
        if not (team is None and payload.get("is_enterprise_install") is True):
            _strings(_object(team, "team"), "team", "id", "enterprise_id")
    if "user" in payload:
        _strings(_object(payload["user"], "user"), "user", "id", required=True)
        _strings(payload["user"], "user", "team_id")
    for name in ("enterprise", "channel"):
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            _strings(_object(value, name), name, "id")
    authorizations = _optional_list(payload, "authorizations")
    for index, entry in enumerate(authorizations or ()):
        _strings(_object(entry, f"authorizations[{index}]"), f"authorizations[{index}]",
                 "team_id", "enterprise_id", "user_id")
    response_urls = _optional_list(payload, "response_urls")
    for index, entry in enumerate(response_urls or ()):
        _strings(_object(entry, f"response_urls[{index}]"), f"response_urls[{index}]",
                 "response_url")
    if "event" in payload:
        _object(payload["event"], "event")
    if "view" in payload:
        _check_view(payload["view"], required_callback=False)
    if "actions" in payload:
        _list(payload["actions"], "actions")
    for name in _OBJECTS:
        _optional_object(payload, name, name)
    _strings(payload, "the payload", *_STRINGS)


def _check_event_callback(payload: Mapping[str, Any]) -> None:
    if "event" not in payload:
        raise MalformedRequest("event is missing")
    event = _object(payload["event"], "event")
    _strings(event, "event", "type", required=True)
    for name in ("user", "channel"):  # a string id, or an object (user_change, channel_created)
        value = event.get(name)
        if value is not None and not isinstance(value, str):
            _strings(_object(value, f"event.{name}"), f"event.{name}", "id")
    for name in ("message", "previous_message", "item", "assistant_thread"):
        _optional_object(event, name, f"event.{name}")
    # what the listeners read from app_mention, message and app_home_opened events
    _strings(event, "event", "subtype", "bot_id", "text", "ts", "thread_ts", "event_ts",
             "channel_type", "tab", "team", "user_team")


def _check_url_verification(payload: Mapping[str, Any]) -> None:
    _strings(payload, "the payload", "challenge", required=True)


def _check_block_actions(payload: Mapping[str, Any]) -> None:
    _require_user(payload)
    actions = _list(payload.get("actions"), "actions")
    if not actions:
        raise MalformedRequest("actions is empty")
    for index, entry in enumerate(actions):
        where = f"actions[{index}]"
        action = _object(entry, where)
        _strings(action, where, "action_id", required=True)
        _strings(action, where, "block_id", "value", "type")
        option = _optional_object(action, "selected_option", f"{where}.selected_option")
        if option is not None:
            _strings(option, f"{where}.selected_option", "value")
    container = _optional_object(payload, "container", "container")
    if container is not None:
        _strings(container, "container", "channel_id", "message_ts", "thread_ts", "view_id")
    message = _optional_object(payload, "message", "message")
    if message is not None:
        _strings(message, "message", "ts", "thread_ts")


def _check_view_payload(payload: Mapping[str, Any]) -> None:
    _require_user(payload)
    if "view" not in payload:
        raise MalformedRequest("view is missing")
    _check_view(payload["view"], required_callback=True)


def _check_view(value: object, *, required_callback: bool) -> None:
    view = _object(value, "view")
    _strings(view, "view", "callback_id", required=required_callback)
    _strings(view, "view", "id", "type", "private_metadata", "team_id", "app_installed_team_id",
             "hash")
    state = _optional_object(view, "state", "view.state")
    if state is not None:
        _optional_object(state, "values", "view.state.values")


def _check_callback(payload: Mapping[str, Any]) -> None:
    _require_user(payload)
    _strings(payload, "the payload", "callback_id", required=True)


def _check_block_suggestion(payload: Mapping[str, Any]) -> None:
    _require_user(payload)
    _strings(payload, "the payload", "action_id", required=True)


_BY_TYPE: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "event_callback": _check_event_callback,
    "url_verification": _check_url_verification,
    "block_actions": _check_block_actions,
    "view_submission": _check_view_payload,
    "view_closed": _check_view_payload,
    "block_suggestion": _check_block_suggestion,
    "shortcut": _check_callback,
    "message_action": _check_callback,
    "interactive_message": _check_callback,
    "dialog_submission": _check_callback,
    "dialog_cancellation": _check_callback,
    "dialog_suggestion": _check_callback,
    "workflow_step_edit": _check_callback,
}


def _require_user(payload: Mapping[str, Any]) -> None:
    if "user" not in payload:
        raise MalformedRequest("user is missing")


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedRequest(f"{where} is not an object")
    return value


def _optional_object(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any] | None:
    value = parent.get(key)
    return None if value is None else _object(value, where)


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedRequest(f"{where} is not a list")
    return value


def _optional_list(parent: Mapping[str, Any], key: str) -> list[Any] | None:
    value = parent.get(key)
    return None if value is None else _list(value, key)


def _strings(parent: Mapping[str, Any], where: str, *keys: str, required: bool = False) -> None:
    for key in keys:
        value = parent.get(key)
        if value is None:
            if required:
                raise MalformedRequest(f"{where} has no {key}")
        elif not isinstance(value, str):
            raise MalformedRequest(f"{where}.{key} is not a string")


# -- Bolt middleware --------------------------------------------------------------------------


def bad_request() -> BoltResponse:
    """400, and no Slack retry: the same payload would be just as malformed next time."""
    return BoltResponse(status=400, body=json.dumps({"ok": False, "error": "bad_request"}),
                        headers={"content-type": "application/json; charset=utf-8",
                                 "x-slack-no-retry": "1"})


class PayloadGuard(Middleware):
    """`check_payload` before authorization, as a Middleware subclass: a function middleware
    would not do, since Bolt computes every listener argument (`to_view(body)`, ...) before
    calling one, and those raise on the very payloads this refuses."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse],
    ) -> BoltResponse:
        try:
            check_payload(req.body)
        except MalformedRequest as exc:
            log.warning("refused a malformed Slack payload (%s mode): %s", req.mode, exc)
            return bad_request()
        return next()
