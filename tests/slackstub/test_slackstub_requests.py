"""The request builders: signatures Slack's verifier accepts, payload shapes Bolt reads right."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.request.internals import (
    extract_actor_team_id,
    extract_channel_id,
    extract_team_id,
    extract_user_id,
    parse_body,
)
from slack_sdk.signature import SignatureVerifier

from sandbox import slack_requests as sr

RESPONSE_URL = "http://127.0.0.1:9/response/x"


def _payload(request: sr.SlackRequest) -> dict[str, Any]:
    parsed: dict[str, Any] = parse_body(request.body, request.headers["content-type"])
    return parsed


def _verifies(request: sr.SlackRequest, secret: str = sr.DEFAULT_SIGNING_SECRET) -> bool:
    verified: bool = SignatureVerifier(secret).is_valid_request(request.body, request.headers)
    return verified


ALL_BUILDERS = [
    pytest.param(lambda: sr.slash_command("help", response_url=RESPONSE_URL), id="slash"),
    pytest.param(lambda: sr.block_action("a", "v", response_url=RESPONSE_URL), id="action"),
    pytest.param(lambda: sr.view_block_action("a", "v"), id="view_action"),
    pytest.param(lambda: sr.view_submission("cb", {}), id="view_submission"),
    pytest.param(lambda: sr.app_mention("hi"), id="mention"),
    pytest.param(lambda: sr.message("hi"), id="message"),
    pytest.param(lambda: sr.app_home_opened(), id="home"),
]


@pytest.mark.parametrize("build", ALL_BUILDERS)
def test_every_builder_signs_for_now_with_the_default_secret(build: Any) -> None:
    request = build()
    assert _verifies(request)
    assert not _verifies(request, secret="other")
    assert abs(int(request.headers["x-slack-request-timestamp"]) - time.time()) < 5


def test_sign_matches_slacks_documented_example() -> None:
    # The worked example in Slack's "Verifying requests from Slack" guide.
    body = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
            "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
            "-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977"
            "00885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a1"
            "4d10d2c447fce8b6703c")
    headers = sr.sign(body, secret="8f742231b10e8888abcd99yyyzzz85a5", timestamp=1531420618)
    assert headers["x-slack-signature"] == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")


def test_explicit_timestamp_is_used_and_stale_ones_fail_verification() -> None:
    old = int(time.time()) - 301
    request = sr.slash_command("help", response_url=RESPONSE_URL, timestamp=old)
    assert request.headers["x-slack-request-timestamp"] == str(old)
    assert not _verifies(request)


def test_slash_command_form_fields() -> None:
    request = sr.slash_command("check LIC-1 & more", response_url=RESPONSE_URL, user_id="U_EXT",
                               team_id="T_DISTRICT", channel_id="C_SHARED", enterprise_id="E_D")
    assert request.headers["content-type"] == sr.FORM
    fields = dict(parse_qsl(request.body))
    assert fields["command"] == "/roster"
    assert fields["text"] == "check LIC-1 & more"
    assert (fields["user_id"], fields["team_id"], fields["channel_id"]) == (
        "U_EXT", "T_DISTRICT", "C_SHARED")
    assert fields["enterprise_id"] == "E_D"
    assert fields["response_url"] == RESPONSE_URL
    payload = _payload(request)
    assert extract_user_id(payload) == "U_EXT" and extract_team_id(payload) == "T_DISTRICT"


def test_block_action_shape_in_a_thread() -> None:
    request = sr.block_action("dialog.next", "step-2", response_url=RESPONSE_URL,
                              user_id="U_EXT", user_team_id="T_DISTRICT", channel_id="C_SHARED",
                              message_ts="1700000000.000200", thread_ts="1700000000.000100",
                              block_id="dialog")
    payload = _payload(request)
    assert payload["type"] == "block_actions"
    assert payload["user"] == {"id": "U_EXT", "username": "u_ext", "name": "u_ext",
                               "team_id": "T_DISTRICT"}
    assert payload["team"]["id"] == "T_DISTRICT"
    assert payload["container"] == {"type": "message", "message_ts": "1700000000.000200",
                                    "channel_id": "C_SHARED", "is_ephemeral": False,
                                    "thread_ts": "1700000000.000100"}
    assert payload["message"]["thread_ts"] == "1700000000.000100"
    [action] = payload["actions"]
    assert (action["action_id"], action["block_id"], action["type"], action["value"]) == (
        "dialog.next", "dialog", "button", "step-2")
    assert extract_channel_id(payload) == "C_SHARED"


def test_block_action_select_and_ephemeral() -> None:
    request = sr.block_action("teacher.pick", None, response_url=RESPONSE_URL,
                              selected_option="t@district.org", is_ephemeral=True)
    payload = _payload(request)
    [action] = payload["actions"]
    assert action["type"] == "static_select"
    assert action["selected_option"]["value"] == "t@district.org"
    assert "value" not in action
    assert "message" not in payload


def test_view_block_action_comes_from_the_home_tab() -> None:
    payload = _payload(sr.view_block_action("home.refresh", "x", view_id="V_H"))
    assert payload["container"] == {"type": "view", "view_id": "V_H"}
    assert payload["view"]["type"] == "home"
    assert "channel" not in payload


def test_view_submission_from_a_connect_user_keeps_both_teams() -> None:
    request = sr.view_submission(
        "link_modal",
        {"license": {"license_id": "LIC-1"},
         "role": {"pick": {"type": "static_select", "selected_option": {"value": "teacher"}}}},
        user_id="U_EXT", user_team_id="T_DISTRICT", private_metadata="dialog-3",
        app_installed_team_id="T_PIVOT")
    payload = _payload(request)
    assert payload["user"]["team_id"] == "T_DISTRICT"
    assert payload["team"]["id"] == "T_DISTRICT"
    view = payload["view"]
    assert view["app_installed_team_id"] == "T_PIVOT"
    assert view["private_metadata"] == "dialog-3"
    assert view["state"]["values"]["license"]["license_id"] == {
        "type": "plain_text_input", "value": "LIC-1"}
    assert view["state"]["values"]["role"]["pick"]["selected_option"] == {"value": "teacher"}
    assert extract_team_id(payload) == "T_PIVOT"  # what Bolt calls context.team_id


def test_app_mention_in_a_shared_channel() -> None:
    request = sr.app_mention("my rostering is broken", user_id="U_EXT", user_team="T_DISTRICT",
                             channel_id="C_SHARED", ts="1700000100.000300",
                             is_ext_shared_channel=True)
    assert request.headers["content-type"] == sr.JSON
    envelope = json.loads(request.body)
    event = envelope["event"]
    assert event["text"] == "<@U_BOT> my rostering is broken"
    assert (event["user_team"], event["source_team"], event["team"]) == ("T_DISTRICT",) * 3
    assert envelope["is_ext_shared_channel"] is True
    assert envelope["authorizations"][0]["team_id"] == "T_PIVOT"
    assert envelope["event_id"] == "Ev1700000100000300"
    assert extract_actor_team_id(envelope) == "T_DISTRICT"
    assert extract_team_id(envelope) == "T_PIVOT"


def test_app_mention_keeps_an_explicit_mention_and_thread() -> None:
    envelope = json.loads(sr.app_mention("<@U_BOT> help", thread_ts="1.0", event_id="Ev1").body)
    assert envelope["event"]["text"] == "<@U_BOT> help"
    assert envelope["event"]["thread_ts"] == "1.0"
    assert envelope["event_id"] == "Ev1"


def test_message_in_a_dm_thread_and_from_a_bot() -> None:
    event = json.loads(sr.message("a@b.org", channel_type="im", ts="2.0", thread_ts="1.0").body)[
        "event"]
    assert (event["type"], event["channel_type"], event["thread_ts"]) == ("message", "im", "1.0")
    assert event["parent_user_id"] == "U_BOT"
    bot = json.loads(sr.message("echo", bot_id="B_BOT").body)["event"]
    assert (bot["subtype"], bot["bot_id"]) == ("bot_message", "B_BOT")
    with pytest.raises(ValueError, match="channel_type"):
        sr.message("x", channel_type="dm")


def test_app_home_opened() -> None:
    envelope = json.loads(sr.app_home_opened("U_EXT", team_id="T_PIVOT").body)
    assert envelope["event"] == {"type": "app_home_opened", "user": "U_EXT", "channel": "D_EXT",
                                 "tab": "home", "event_ts": "1700000300.000100"}
