"""Button, select-option and block values: which dialog, which step, which action, signed.

A value names the dialog it belongs to ("" for messages outside a dialog, such as FAQ answers),
the step the message was rendered for ("" when it shows no step), the action and its argument,
with a keyed digest over all four, so a value Slack sends back is refused when it was altered or
forged. Carrying the step lets the service tell a press on an older message (step 1's *Next*
while the dialog is at step 3) from a press on the current one.

Formats: "rb2|<dialog_id>|<step>|<action>|<digest>|<arg>"; values of the older format
"rb1|<dialog_id>|<action>|<digest>|<arg>" (buttons posted before steps were carried) still
decode, with step "". Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from bot.dialog import Action, check_dialog_id
from bot.errors import InvalidTransition

VALUE_PREFIX = "rb2"
LEGACY_PREFIX = "rb1"
MAX_VALUE_LENGTH = 2000  # Slack's limit for a button value
_DIALOG_ID = re.compile(r"[A-Za-z0-9_-]{0,64}")  # as bot.dialog.check_dialog_id allows
_STEP = re.compile(r"[a-z_]{0,32}")


class InvalidActionValue(InvalidTransition):
    """A value that this bot did not produce, or that was altered."""


@dataclass(frozen=True, slots=True)
class ActionValue:
    dialog_id: str
    action: Action
    arg: str = ""
    step: str = ""  # the step the message was rendered for; "" when unknown or none


def encode_action_value(
    dialog_id: str, action: Action | str, arg: str = "", *, key: bytes = b"", step: str = "",
) -> str:
    """A value naming the dialog, the step its message shows, the action and its argument, with
    an integrity digest.

    Pass the same `key` (e.g. derived from the signing secret) to decode; with the default empty
    key the digest only catches edits, not forgery. ValueError when the result exceeds 2000 chars.
    """
    check_dialog_id(dialog_id)
    if not _STEP.fullmatch(step):
        raise ValueError(f"step {step!r} must be a step name")
    action = Action(action)
    digest = _digest(f"{dialog_id}|{step}|{action}|{arg}", key)
    value = "|".join((VALUE_PREFIX, dialog_id, step, action, digest, arg))
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(f"action value has {len(value)} characters (limit {MAX_VALUE_LENGTH})")
    return value


def decode_action_value(value: str, *, key: bytes = b"") -> ActionValue:
    """The parts of a value from encode_action_value; InvalidActionValue when malformed/altered.

    This only proves the value is well formed and unaltered: the caller must still check that
    the dialog exists, belongs to the channel the click came from, and that the user may act.
    """
    if value.startswith(LEGACY_PREFIX + "|"):
        return _decode_legacy(value, key)
    parts = value.split("|", 5)
    if len(parts) != 6 or parts[0] != VALUE_PREFIX:
        raise InvalidActionValue("not a rosterbot action value")
    _, dialog_id, step, action_name, digest, arg = parts
    if not _STEP.fullmatch(step):
        raise InvalidActionValue("malformed step in action value")
    action = _parts(dialog_id, action_name)
    if not hmac.compare_digest(digest, _digest(f"{dialog_id}|{step}|{action}|{arg}", key)):
        raise InvalidActionValue("action value was altered (digest mismatch)")
    return ActionValue(dialog_id, action, arg, step)


def _decode_legacy(value: str, key: bytes) -> ActionValue:
    parts = value.split("|", 4)
    if len(parts) != 5:
        raise InvalidActionValue("not a rosterbot action value")
    _, dialog_id, action_name, digest, arg = parts
    action = _parts(dialog_id, action_name)
    if not hmac.compare_digest(digest, _digest(f"{dialog_id}|{action}|{arg}", key)):
        raise InvalidActionValue("action value was altered (digest mismatch)")
    return ActionValue(dialog_id, action, arg)


def _parts(dialog_id: str, action_name: str) -> Action:
    if not _DIALOG_ID.fullmatch(dialog_id):
        raise InvalidActionValue("malformed dialog id in action value")
    try:
        return Action(action_name)
    except ValueError:
        raise InvalidActionValue(f"unknown action {action_name!r} in action value") from None


def _digest(message: str, key: bytes) -> str:
    if len(key) > 32:  # blake2s keys are at most 32 bytes; longer secrets are hashed down
        key = hashlib.blake2s(key).digest()
    return hashlib.blake2s(message.encode(), key=key, digest_size=10).hexdigest()  # 80-bit tag
