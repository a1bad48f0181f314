"""SlackApiStub through slack_sdk's own WebClient: what Slack answers, recording, faults."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from sandbox.slack_api import SlackApiStub


def _client(stub: SlackApiStub, *, token: str | None = None) -> WebClient:
    return WebClient(token=token or stub.bot_token, base_url=stub.api_url, retry_handlers=[])


def test_auth_test_names_the_installation_and_its_scopes(stub: SlackApiStub) -> None:
    answer = _client(stub).auth_test()
    assert answer["team_id"] == "T_PIVOT"
    assert answer["user_id"] == "U_BOT"
    assert answer["bot_id"] == "B_BOT"
    assert answer["url"] == "https://pivot-support.slack.com/"
    assert "enterprise_id" not in answer.data
    assert "chat:write" in answer.headers["x-oauth-scopes"].split(",")


def test_auth_test_on_a_grid_install_carries_the_enterprise() -> None:
    with SlackApiStub(team_id="T_GRID", enterprise_id="E_PIVOT", scopes=("commands",)) as stub:
        answer = _client(stub).auth_test()
    assert (answer["team_id"], answer["enterprise_id"]) == ("T_GRID", "E_PIVOT")
    assert answer.headers["x-oauth-scopes"] == "commands"


@pytest.mark.parametrize(("token", "error"), [("xoxb-wrong", "invalid_auth"), ("", "not_authed")])
def test_requests_without_the_bot_token_are_refused(
    stub: SlackApiStub, token: str, error: str
) -> None:
    client = WebClient(token=token or None, base_url=stub.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="hi")
    assert raised.value.response["error"] == error
    assert stub.workspace.messages == {}


def test_users_info_tells_staff_guests_and_strangers_apart(stub: SlackApiStub) -> None:
    stub.add_user("U_STAFF", team_id="T_PIVOT", name="dana")
    stub.add_user("U_GUEST", team_id="T_PIVOT", is_restricted=True)
    stub.add_user("U_EXT", team_id="T_DISTRICT", enterprise_id="E_DISTRICT")
    client = _client(stub)
    staff = client.users_info(user="U_STAFF")["user"]
    assert (staff["team_id"], staff["name"], staff["is_restricted"]) == ("T_PIVOT", "dana", False)
    assert "is_stranger" not in staff
    assert client.users_info(user="U_GUEST")["user"]["is_restricted"] is True
    external = client.users_info(user="U_EXT")["user"]
    assert external["team_id"] == "T_DISTRICT"
    assert external["enterprise_user"]["enterprise_id"] == "E_DISTRICT"
    assert external["is_stranger"] is True
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U_NOBODY")
    assert raised.value.response["error"] == "user_not_found"
    assert client.users_info(user="U_BOT")["user"]["is_bot"] is True


def test_post_message_returns_increasing_ts_and_update_changes_the_message(
    stub: SlackApiStub,
) -> None:
    client = _client(stub)
    first = client.chat_postMessage(channel="C1", text="checking...")
    second = client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"],
                                     blocks=[{"type": "section",
                                              "text": {"type": "mrkdwn", "text": "*x*"}}])
    assert first["channel"] == "C1"
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["thread_ts"] == first["ts"]
    updated = client.chat_update(channel="C1", ts=first["ts"], text="all good")
    assert updated["ts"] == first["ts"]
    message = stub.message("C1", first["ts"])
    assert message is not None
    assert message["text"] == "all good"
    assert "edited" in message


def test_message_limits_are_enforced_like_slack(stub: SlackApiStub) -> None:
    client = _client(stub)
    with pytest.raises(SlackApiError) as no_text:  # api_call: chat_postMessage warns first
        client.api_call("chat.postMessage", json={"channel": "C1"})
    assert no_text.value.response["error"] == "no_text"
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as invalid:
        client.chat_postMessage(channel="C1", text="t", blocks=too_long)
    assert invalid.value.response["error"] == "invalid_blocks"
    assert invalid.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]


def test_form_encoded_calls_are_understood(stub: SlackApiStub) -> None:
    client = _client(stub)
    answer = client.api_call("chat.postMessage", data={
        "channel": "C2", "text": "t", "blocks": '[{"type": "divider"}]'})
    assert answer["message"]["blocks"] == [{"type": "divider"}]
    [call] = stub.calls("chat.postMessage")
    assert call.params["channel"] == "C2"


def test_ephemeral_and_permalink(stub: SlackApiStub) -> None:
    client = _client(stub)
    assert client.chat_postEphemeral(channel="C1", user="U1", text="only you")["message_ts"]
    assert stub.workspace.ephemeral[0]["user"] == "U1"
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C1", text="reply", thread_ts=parent)["ts"]
    link = client.chat_getPermalink(channel="C1", message_ts=reply)["permalink"]
    digits = reply.replace(".", "")
    assert link == f"https://pivot-support.slack.com/archives/C1/p{digits}?thread_ts={parent}&cid=C1"
    assert client.chat_getPermalink(channel="C1", message_ts=reply)["permalink"] == link


def test_views_open_update_with_hash_and_publish(stub: SlackApiStub) -> None:
    client = _client(stub)
    modal = {"type": "modal", "callback_id": "link", "title": {"type": "plain_text", "text": "L"},
             "blocks": []}
    opened = client.views_open(trigger_id="1.2.t", view=modal)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "link"
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal)["view"]
    assert updated["hash"] != opened["hash"]
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal)
    assert stale.value.response["error"] == "hash_conflict"
    home = {"type": "home", "blocks": [{"type": "divider"}]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    again = client.views_publish(user_id="U1", view=home)["view"]
    assert first["id"] == again["id"]
    assert stub.home_view("U1") == again
    with pytest.raises(SlackApiError):
        client.views_publish(user_id="U1", view=modal)


def test_conversations_info_reports_shared_channels(stub: SlackApiStub) -> None:
    stub.add_channel("C_SHARED", name="pivot-district", is_ext_shared=True,
                     connected_team_ids=("T_DISTRICT",))
    stub.add_channel("C_INTERNAL", name="support")
    client = _client(stub)
    shared = client.conversations_info(channel="C_SHARED")["channel"]
    assert shared["is_ext_shared"] is True
    assert shared["connected_team_ids"] == ["T_PIVOT", "T_DISTRICT"]
    assert client.conversations_info(channel="C_INTERNAL")["channel"]["is_ext_shared"] is False
    with pytest.raises(SlackApiError) as raised:
        client.conversations_info(channel="C_GONE")
    assert raised.value.response["error"] == "channel_not_found"


def test_unknown_methods_say_so(stub: SlackApiStub) -> None:
    with pytest.raises(SlackApiError) as raised:
        _client(stub).api_call("reactions.add", json={"name": "x"})
    assert raised.value.response["error"] == "unknown_method"


def test_rate_limit_without_a_retry_handler_surfaces_429_and_retry_after(
    stub: SlackApiStub,
) -> None:
    stub.fail_next("chat.postMessage", status=429, retry_after=7)
    client = _client(stub)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="t")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["retry-after"] == "7"
    assert client.chat_postMessage(channel="C1", text="t")["ok"] is True


def test_rate_limit_handler_retries_until_the_fault_is_spent(stub: SlackApiStub) -> None:
    stub.fail_next("chat.postMessage", status=429, retry_after=0, times=2)
    client = WebClient(token=stub.bot_token, base_url=stub.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    assert client.chat_postMessage(channel="C1", text="t")["ok"] is True
    assert [c.status for c in stub.calls("chat.postMessage")] == [429, 429, 200]


@pytest.mark.parametrize(("status", "error"), [(500, "fatal_error"), (503, "service_unavailable")])
def test_server_errors_are_retried_by_the_server_error_handler(
    stub: SlackApiStub, status: int, error: str
) -> None:
    stub.fail_next("users.info", status=status)
    handler = ServerErrorRetryHandler(
        max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01))
    client = WebClient(token=stub.bot_token, base_url=stub.api_url, retry_handlers=[handler])
    assert client.users_info(user="U_BOT")["ok"] is True
    failed, answered = stub.calls("users.info")
    assert (failed.status, failed.reply["error"], answered.status) == (status, error, 200)


def test_api_level_faults(stub: SlackApiStub) -> None:
    stub.fail_next("views.open", status=200, error="expired_trigger_id")
    with pytest.raises(SlackApiError) as raised:
        _client(stub).views_open(trigger_id="t", view={"type": "modal", "blocks": []})
    assert raised.value.response["error"] == "expired_trigger_id"


def test_response_url_posts_are_recorded_by_name(stub: SlackApiStub) -> None:
    answer = WebhookClient(stub.response_url("dialog-7")).send(text="hi", replace_original=True)
    assert answer.status_code == 200
    [call] = stub.calls("response_url")
    assert call.target == "dialog-7"
    assert call.params == {"text": "hi", "replace_original": True}


def test_wait_for_blocks_until_a_late_call_and_times_out_clearly(stub: SlackApiStub) -> None:
    client = _client(stub)
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="late"))
    timer.start()
    started = time.monotonic()
    [call] = stub.wait_for("chat.postMessage", timeout=5)
    timer.join()
    assert call.params["text"] == "late"
    assert 0.05 < time.monotonic() - started < 4
    with pytest.raises(TimeoutError, match=r"1 of 2 chat.postMessage"):
        stub.wait_for("chat.postMessage", count=2, timeout=0.1)


def test_wait_for_does_not_count_failed_attempts(stub: SlackApiStub) -> None:
    stub.fail_next("chat.update", status=503)
    with pytest.raises(SlackApiError):
        _client(stub).chat_update(channel="C1", ts="1.1", text="x")
    with pytest.raises(TimeoutError, match="chat.update:503"):
        stub.wait_for("chat.update", timeout=0.05)


def test_reset_forgets_calls_and_faults_but_keeps_the_workspace(stub: SlackApiStub) -> None:
    client = _client(stub)
    ts = client.chat_postMessage(channel="C1", text="x")["ts"]
    stub.fail_next("chat.postMessage", status=429)
    stub.reset()
    assert stub.calls() == []
    assert client.chat_postMessage(channel="C1", text="y")["ok"] is True
    assert stub.message("C1", ts) is not None


def test_delay_slows_one_method(stub: SlackApiStub) -> None:
    stub.set_delay(0.3, method="users.info")
    client = _client(stub)
    started = time.monotonic()
    client.auth_test()
    fast = time.monotonic() - started
    client.users_info(user="U_BOT")
    assert fast < 0.3 <= time.monotonic() - started


def test_malformed_json_and_unknown_paths(stub: SlackApiStub, http: httpx.Client) -> None:
    bad = http.post(stub.api_url + "chat.postMessage", content=b"{nope",
                    headers={"content-type": "application/json",
                             "authorization": f"Bearer {stub.bot_token}"})
    assert bad.json() == {"ok": False, "error": "invalid_json"}
    assert http.get(stub.url + "/elsewhere").status_code == 404


def test_url_needs_a_running_stub() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        _ = SlackApiStub().url


def test_response_url_can_fail_too(stub: SlackApiStub) -> None:
    stub.fail_next("response_url", status=500)
    webhook = WebhookClient(stub.response_url("r"))
    assert webhook.send(text="first").status_code == 500
    assert webhook.send(text="second").status_code == 200
    assert [(c.status, c.params["text"]) for c in stub.calls("response_url")] == [
        (500, "first"), (200, "second")]
