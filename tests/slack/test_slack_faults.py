"""Faults during a dialog: ClassLink failing in every way, Slack rate-limiting, bad input.

The user always gets a clear result, the dialog stays where it was, and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dialog import DialogState
from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    INTERNAL,
    SlackWorld,
    buttons,
    finished_step,
    slack_world,
    start_dialog,
    text_of,
    wait_until,
)

LICENSE = "demo-healthy"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def dialog_state(world: SlackWorld, thread_ts: str) -> DialogState:
    stored = world.store.find_dialog_by_thread(INTERNAL, thread_ts)
    assert stored is not None
    return DialogState.from_dict(stored.state)


@pytest.mark.parametrize(("fault", "options", "says"), [
    ("server_error", {}, "did not answer"),
    ("bad_gateway", {}, "did not answer"),
    ("rate_limit", {"retry_after": 1}, "rate-limiting"),
    ("truncated", {}, "broken response"),
    ("error_body_200", {}, "broken response"),
    ("slow", {"delay": 3.0}, "did not answer"),
    ("drop", {}, "did not answer"),
])
def test_classlink_faults_give_a_clear_result_and_keep_the_dialog(
        world: SlackWorld, fault: str, options: dict[str, float], says: str) -> None:
    thread, ts1, step1 = start_dialog(world, LICENSE)
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    ts2, step2 = finished_step(world, INTERNAL, "Step 2 of 3")

    world.classlink.faults.add(fault, times=None, path_contains="/users", **options)
    world.press(buttons(step2)["check_again"], message_ts=ts2, thread_ts=thread)
    wait_until(lambda: says in text_of(world.stub.message(INTERNAL, ts2) or {}), timeout=15)
    # the result is saved just after the message is updated
    wait_until(lambda: dialog_state(world, thread).result("emails") == "unknown")
    assert dialog_state(world, thread).step == "emails"
    shown = text_of(world.stub.message(INTERNAL, ts2) or {})
    assert "Traceback" not in shown and "internal_server_error" not in shown

    world.classlink.faults.clear()
    world.press(buttons(step2)["check_again"], message_ts=ts2, thread_ts=thread)
    wait_until(lambda: dialog_state(world, thread).result("emails") == "pass", timeout=15)
    assert says not in text_of(world.stub.message(INTERNAL, ts2) or {})


def test_a_changed_bearer_is_picked_up_from_applications(world: SlackWorld) -> None:
    riverside = next(d for d in world.classlink.world.districts
                     if d.tenant_name == "Riverside County Schools")
    world.http.post(f"{world.classlink.url}/_sandbox/rotate-bearer/{riverside.tenant_id}")
    thread, ts1, step1 = start_dialog(world, LICENSE)
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    _, step2 = finished_step(world, INTERNAL, "Step 2 of 3")
    assert "refused" not in text_of(step2)
    assert dialog_state(world, thread).result("emails") == "pass"


def test_slack_rate_limits_and_errors_when_posting_are_retried(world: SlackWorld) -> None:
    world.stub.fail_next("chat.postMessage", status=429, retry_after=1, times=1)
    world.stub.fail_next("chat.update", status=500, times=1)
    thread, _, step1 = start_dialog(world, LICENSE)
    assert "Riverside" in text_of(step1)
    statuses = [c.status for c in world.stub.calls("chat.postMessage")]
    assert statuses[0] == 429 and 200 in statuses


HOSTILE = [
    "<!channel> <!here> <@U_STAFF> <https://evil.example|click me>",
    "\u202egnp.exe\u200b\u0000" + "é" * 50,
    "x" * 20_000,
    "jsmith@\u200blincolnusd.org<script>",
    "@@@@ not an email @@@",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_replies_are_answered_safely(world: SlackWorld, text: str) -> None:
    thread, ts1, step1 = start_dialog(world, LICENSE)
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    finished_step(world, INTERNAL, "Step 2 of 3")
    before = len(world.stub.calls("chat.postMessage"))
    response = world.send(sr.message(text, user_id="U_STAFF", channel_id=INTERNAL,
                                     ts="1700004000.000100", thread_ts=thread))
    assert response.status_code == 200
    wait_until(lambda: len(world.stub.calls("chat.postMessage")) > before)
    for call in world.stub.calls("chat.postMessage")[before:]:
        posted = text_of(call.params)
        assert "<!channel>" not in posted and "<!here>" not in posted
        assert "<@U_STAFF>" not in posted
        assert "<https://evil.example" not in posted
    assert dialog_state(world, thread).step == "emails"


@pytest.mark.parametrize("text", [
    "email <!channel>", "teacher " + "a" * 600 + "@x.org", "check \u202eevil", "link ../etc",
    "email \u0000@\u0000",
])
def test_hostile_commands_get_usage(world: SlackWorld, text: str) -> None:
    response = world.command(text, name="hostile")
    assert response.status_code == 200
    world.stub.wait_for("response_url", 1)
    reply = text_of(world.responses("hostile")[0])
    assert "<!channel>" not in reply
