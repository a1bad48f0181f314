"""Signed button values (bot.action_values): round trips, the step they carry, tampering."""

from __future__ import annotations

import pytest

from bot.action_values import (
    MAX_VALUE_LENGTH,
    ActionValue,
    InvalidActionValue,
    _digest,
    decode_action_value,
    encode_action_value,
)
from bot.dialog import Action, Step
from bot.errors import InvalidTransition


@pytest.mark.parametrize("key", [b"", b"signing-secret-" * 5])
def test_action_values_round_trip(key: bytes) -> None:
    for action in Action:
        for arg in ("", "ada@x.org", "with|pipes|and:colons"):
            value = encode_action_value("d1_abc-9", action, arg, key=key)
            assert decode_action_value(value, key=key) == ActionValue("d1_abc-9", action, arg)
            assert len(value) <= MAX_VALUE_LENGTH
    assert decode_action_value(encode_action_value("", Action.FAQ_YES, "x")).dialog_id == ""


def test_values_carry_the_step_their_message_shows() -> None:
    value = encode_action_value("d1", Action.NEXT_STEP, key=b"k", step=Step.CONNECTION)
    decoded = decode_action_value(value, key=b"k")
    assert decoded.step == "connection" and decoded.action is Action.NEXT_STEP
    moved = value.replace("|connection|", "|sanity|")
    with pytest.raises(InvalidActionValue, match="altered"):
        decode_action_value(moved, key=b"k")
    with pytest.raises(ValueError):
        encode_action_value("d1", Action.NEXT_STEP, step="Not|A step")


def test_values_of_the_older_format_still_decode_without_a_step() -> None:
    """Buttons posted before the step was carried keep working (as presses of unknown step)."""
    key = b"k"
    legacy = "|".join(("rb1", "d1", "check_again", _digest("d1|check_again|arg", key), "arg"))
    assert decode_action_value(legacy, key=key) == ActionValue("d1", Action.CHECK_AGAIN, "arg")
    with pytest.raises(InvalidActionValue, match="altered"):
        decode_action_value(legacy.replace("|arg", "|other"), key=key)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda v: v.replace("|d1|", "|d2|"), "altered"),
        (lambda v: v.replace("check_again", "fixed"), "altered"),
        (lambda v: v + "x", "altered"),
        (lambda v: v.replace("check_again", "self_destruct"), "unknown action"),
        (lambda v: v.replace("|d1|", "|d 1|"), "malformed dialog id"),
        (lambda v: v.replace("|emails|", "|Emails!|"), "malformed step"),
        (lambda v: "rb9" + v[3:], "not a rosterbot action value"),
        (lambda v: "click_me_123", "not a rosterbot action value"),
        (lambda v: "", "not a rosterbot action value"),
    ],
)
def test_tampered_or_foreign_values_are_refused(tamper: object, message: str) -> None:
    value = encode_action_value("d1", Action.CHECK_AGAIN, "arg", step=Step.EMAILS)
    with pytest.raises(InvalidActionValue, match=message):
        decode_action_value(tamper(value))  # type: ignore[operator]


def test_values_need_the_same_key() -> None:
    value = encode_action_value("d1", Action.FIXED, key=b"one")
    with pytest.raises(InvalidActionValue, match="altered"):
        decode_action_value(value, key=b"two")
    assert issubclass(InvalidActionValue, InvalidTransition)


def test_values_longer_than_slack_allows_are_refused() -> None:
    with pytest.raises(ValueError, match="limit 2000"):
        encode_action_value("d1", Action.PICK_TEACHER, "x" * 2000)
    with pytest.raises(ValueError):
        encode_action_value("d" * 65, Action.FIXED)
