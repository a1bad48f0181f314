"""Who sees what, and who drives what, through signed requests against the real Bolt app.

- A staff member's dialog or lookup about license B in a channel linked to license A never
  reaches that channel: the dialog moves to the staff member's DMs, lookups stay ephemeral,
  and each says so. A channel with a guest is a customer channel: no staff detail there.
- Staff without a license get a searchable picker (external_select options over ids, names and
  districts), and any typed id that exists is taken; `/roster teacher <license> <address>`.
- Buttons on older messages act on their own step where that is safe (*Check again* in place),
  otherwise say the message is out of date with a link to the current one; never rewrite it.
- Only the starter and staff drive a dialog; others are told to start their own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.dialog import DialogState, Step
from sandbox import slack_requests as sr
from sandbox.sample import sample_licenses
from tests.slack.slack_world import (
    CUSTOMER,
    GUEST,
    HOME_TEAM,
    INTERNAL,
    SCHOOL_TEAM,
    SHARED,
    STAFF,
    SlackWorld,
    buttons,
    finished_step,
    slack_world,
    start_dialog,
    text_of,
    wait_until,
)

A, B = "demo-emails", "demo-healthy"
LICENSE_A = next(lic for lic in sample_licenses() if lic.id == A)
LICENSE_B = next(lic for lic in sample_licenses() if lic.id == B)
B_MARKERS = [B, LICENSE_B.name, LICENSE_B.district, *LICENSE_B.instructor_emails]
DM = "D_STAFF"  # where the stand-in puts the bot's direct messages with U_STAFF
WITH_GUEST, STAFF_ONLY = "C_TEAM_AND_GUEST", "C_TEAM_ONLY"
NEIGHBOUR = "U_CUST2"  # a second person from the customer's school


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        w.stub.add_user(NEIGHBOUR, team_id=SCHOOL_TEAM)
        w.stub.add_channel(WITH_GUEST, members=(STAFF, GUEST, "U_BOT"))
        w.stub.add_channel(STAFF_ONLY, members=(STAFF, "U_BOT"))
        w.command(f"link {A}", channel=SHARED, name="link")
        w.stub.wait_for("response_url", 1)
        yield w


def settle(world: SlackWorld, seconds: float = 0.3) -> None:
    """Lazy listeners answer after the ack; wait until nothing more arrives."""
    deadline = time.monotonic() + 10
    calls = -1
    while time.monotonic() < deadline:
        time.sleep(seconds)
        now = len(world.stub.calls())
        if now == calls:
            return
        calls = now


def posts_in(world: SlackWorld, channel: str, since: int = 0) -> str:
    """Every message posted or updated in `channel` since call `since`, as it reads."""
    calls = world.stub.calls()[since:]
    return " ".join(text_of(c.params) for c in calls
                    if c.method in ("chat.postMessage", "chat.update")
                    and c.params.get("channel") == channel)


def responses_text(world: SlackWorld, name: str) -> str:
    return " ".join(text_of(r) for r in world.responses(name))


def said(world: SlackWorld, key: str, length: int = 30) -> str:
    return world.built.service.deps.kb.string(key)[:length]


def dialog_of(world: SlackWorld, thread_ts: str, channel: str = INTERNAL) -> DialogState:
    stored = world.store.find_dialog_by_thread(channel, thread_ts)
    assert stored is not None
    return DialogState.from_dict(stored.state)


# -- 1. nothing of another license, and no staff detail, where customers read ---------------------


def test_a_staff_dialog_for_another_license_moves_to_direct_messages(world: SlackWorld) -> None:
    since = len(world.stub.calls())
    world.command(f"troubleshoot {B}", channel=SHARED, name="moved")
    ts, step1 = finished_step(world, DM, "Step 1 of 3", after=0)
    assert LICENSE_B.district in text_of(step1)
    assert "Tenant " in text_of(step1), "only the staff member reads the DM: staff detail"
    settle(world)
    in_channel = posts_in(world, SHARED, since)
    assert not [m for m in B_MARKERS if m.lower() in in_channel.lower()]
    note = responses_text(world, "moved")
    assert said(world, "dialog_moved") in note and "/archives/D_STAFF/" in note
    # the dialog goes on in the DM, where its buttons come from
    thread = str(step1.get("thread_ts"))
    world.press(buttons(step1)["next_step"], channel=DM, message_ts=ts, thread_ts=thread)
    finished_step(world, DM, "Step 2 of 3")
    assert not [m for m in B_MARKERS if m.lower() in posts_in(world, SHARED, since).lower()]


def test_the_channels_own_license_stays_in_the_channel_for_customers_to_read(
        world: SlackWorld) -> None:
    _, _, step1 = start_dialog(world, A, channel=SHARED)
    assert LICENSE_A.district in text_of(step1)
    assert "Tenant " not in text_of(step1), "customers read the channel: customer wording"


def test_lookups_about_another_license_say_only_you_can_see_them(world: SlackWorld) -> None:
    world.command(f"check {B}", channel=SHARED, name="check_b")
    world.command(f"teacher {B} {LICENSE_B.instructor_emails[0]}", channel=SHARED,
                  name="teacher_b")
    world.command("check", channel=SHARED, name="check_a")
    wait_until(lambda: LICENSE_B.district in responses_text(world, "check_b")
               and len(world.responses("teacher_b")) >= 2
               and LICENSE_A.district in responses_text(world, "check_a"))
    only_you = said(world, "only_you")
    assert only_you in responses_text(world, "check_b")
    assert only_you in responses_text(world, "teacher_b")
    assert only_you not in responses_text(world, "check_a"), "A is the channel's own license"
    assert all(r["response_type"] == "ephemeral" for r in world.responses("check_b"))


def test_a_channel_with_a_guest_gets_no_staff_detail(world: SlackWorld) -> None:
    since = len(world.stub.calls())
    world.command(f"troubleshoot {A}", channel=WITH_GUEST, name="guest")
    finished_step(world, DM, "Step 1 of 3")
    settle(world)
    assert LICENSE_A.district not in posts_in(world, WITH_GUEST, since)
    assert said(world, "dialog_moved") in responses_text(world, "guest")


def test_a_channel_of_staff_only_shows_staff_detail_in_place(world: SlackWorld) -> None:
    _, _, step1 = start_dialog(world, A, channel=STAFF_ONLY)
    assert LICENSE_A.district in text_of(step1) and "Tenant " in text_of(step1)


# -- 4. no dead ends for staff without a license --------------------------------------------------


def license_prompt(world: SlackWorld, channel: str = INTERNAL) -> tuple[str, dict[str, Any]]:
    """(ts, message) of the newest choose-license prompt in `channel`."""
    def prompt() -> Any:
        for call in reversed(world.stub.calls("chat.postMessage")):
            if call.params.get("channel") == channel and "external_select" in text_of(
                    call.params):
                return call
        return None
    wait_until(lambda: prompt() is not None)
    call = prompt()
    return str(call.reply["ts"]), world.stub.message(channel, str(call.reply["ts"])) or {}


def picker_block_id(message: dict[str, Any]) -> str:
    blocks = message["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return next(b["block_id"] for b in blocks if b.get("type") == "actions"
                and b["elements"][0]["type"] == "external_select")


def suggest(world: SlackWorld, block_id: str, typed: str, *, user: str = STAFF,
            team: str = HOME_TEAM, channel: str = INTERNAL, thread_ts: str | None = None,
            message_ts: str = "1.1") -> list[dict[str, Any]]:
    response = world.send(sr.block_suggestion(
        "rosterbot.choose_license", typed, block_id=block_id, user_id=user, user_team_id=team,
        channel_id=channel, thread_ts=thread_ts, message_ts=message_ts))
    assert response.status_code == 200
    options: list[dict[str, Any]] = response.json()["options"]
    return options


def test_staff_without_a_license_search_licenses_by_name_or_district(
        world: SlackWorld) -> None:
    world.command("troubleshoot", channel=INTERNAL)
    ts, prompt = license_prompt(world)
    thread = str(prompt["thread_ts"])
    block_id = picker_block_id(prompt)
    by_district = suggest(world, block_id, LICENSE_A.district.split()[0].lower(),
                          thread_ts=thread, message_ts=ts)
    labels = [o["text"]["text"] for o in by_district]
    assert labels and all(A in label or LICENSE_A.district.split()[0] in label
                          for label in labels)
    by_name = suggest(world, block_id, LICENSE_B.name, thread_ts=thread, message_ts=ts)
    assert [o["text"]["text"].split(":")[0] for o in by_name] == [B]
    assert len(suggest(world, block_id, "", thread_ts=thread, message_ts=ts)) == \
        len(sample_licenses())
    # a customer, another channel or a forged block get nothing
    assert suggest(world, block_id, "", user=CUSTOMER, team=SCHOOL_TEAM, thread_ts=thread) == []
    assert suggest(world, block_id, "", channel=STAFF_ONLY) == []
    assert suggest(world, block_id[:-2] + "zz", "", thread_ts=thread) == []
    picked = next(o for o in by_district if o["text"]["text"].startswith(A))
    world.press(picked["value"], action="rosterbot.choose_license", select=True,
                message_ts=ts, thread_ts=thread)
    _, step1 = finished_step(world, INTERNAL, "Step 1 of 3")
    assert LICENSE_A.district in text_of(step1)


def test_a_typed_license_id_without_a_digit_is_taken(world: SlackWorld) -> None:
    posted = len(world.stub.calls("chat.postMessage"))
    world.command("troubleshoot", channel=INTERNAL)
    root = world.stub.wait_for("chat.postMessage", posted + 2)[posted]
    thread = str(root.reply["ts"])
    world.send(sr.message("demo-nosuch", user_id=STAFF, channel_id=INTERNAL,
                          ts="1700010000.000100", thread_ts=thread))
    wait_until(lambda: any("There is no license demo-nosuch" in text_of(c.params)
                           for c in world.stub.calls("chat.postEphemeral")))
    world.send(sr.message(A, user_id=STAFF, channel_id=INTERNAL, ts="1700010001.000100",
                          thread_ts=thread))
    _, step1 = finished_step(world, INTERNAL, "Step 1 of 3")
    assert LICENSE_A.district in text_of(step1)
    assert said(world, "faq_no_match") not in world.posted_text()


def test_staff_name_the_license_of_a_teacher_lookup(world: SlackWorld) -> None:
    email = LICENSE_A.instructor_emails[0]
    world.command(f"teacher {A} {email}", channel=INTERNAL, name="teacher")
    wait_until(lambda: len(world.responses("teacher")) >= 2)
    answer = responses_text(world, "teacher")
    assert "Too many arguments" not in answer and email in answer
    world.command(f"teacher {B} {LICENSE_B.instructor_emails[0]}", user=CUSTOMER,
                  team=SCHOOL_TEAM, channel=SHARED, name="refused")
    world.stub.wait_for("response_url", 3)
    settle(world)
    assert LICENSE_B.district not in responses_text(world, "refused")
    assert any(e.refused and e.user_id == CUSTOMER and e.command == "command:/roster teacher"
               for e in world.store.audit_entries(limit=200))


# -- 5. buttons on older messages -----------------------------------------------------------------


def walk_to_step_3(world: SlackWorld) -> tuple[str, dict[str, tuple[str, dict[str, Any]]]]:
    thread, ts1, step1 = start_dialog(world, A)
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    ts2, step2 = finished_step(world, INTERNAL, "Step 2 of 3")
    world.press(buttons(step2)["next_step"], message_ts=ts2, thread_ts=thread)
    ts3, step3 = finished_step(world, INTERNAL, "Step 3 of 3")
    settle(world)
    return thread, {"1": (ts1, step1), "2": (ts2, step2), "3": (ts3, step3)}


def test_next_on_an_older_step_says_out_of_date_and_links_the_current(
        world: SlackWorld) -> None:
    thread, steps = walk_to_step_3(world)
    ts1, step1 = steps["1"]
    ts3, step3 = steps["3"]
    posted = len(world.stub.calls("chat.postMessage"))
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread, name="old")
    wait_until(lambda: world.responses("old"))
    settle(world)
    reply = responses_text(world, "old")
    assert said(world, "message_out_of_date") in reply
    assert said(world, "dialog_closed") not in reply
    assert f"/p{ts3.replace('.', '')}" in reply, "it links the current step's message"
    assert len(world.stub.calls("chat.postMessage")) == posted, "nothing new in the thread"
    assert world.stub.message(INTERNAL, ts1) == step1 and world.stub.message(INTERNAL, ts3) \
        == step3, "no message was rewritten"
    assert dialog_of(world, thread).step is Step.SANITY


def test_check_again_on_an_older_step_reruns_that_step_in_place(world: SlackWorld) -> None:
    thread, steps = walk_to_step_3(world)
    ts2, step2 = steps["2"]
    ts3, step3 = steps["3"]
    updates = len(world.stub.calls("chat.update"))
    world.press(buttons(step2)["check_again"], message_ts=ts2, thread_ts=thread)
    wait_until(lambda: len(world.stub.calls("chat.update")) >= updates + 2)
    settle(world)
    again = world.stub.message(INTERNAL, ts2)
    assert again is not None
    assert "Step 2 of 3" in text_of(again) and "Step 3 of 3" not in text_of(again)
    assert "Checking" not in text_of(again)
    assert world.stub.message(INTERNAL, ts3) == step3
    assert {c.params["ts"] for c in world.stub.calls("chat.update")[updates:]} == {ts2}
    state = dialog_of(world, thread)
    assert state.step is Step.SANITY and state.tried[-1] == "emails:check_again"
    # the current message's own buttons still work as ever
    world.press(buttons(step3)["prev_step"], message_ts=ts3, thread_ts=thread)
    wait_until(lambda: dialog_of(world, thread).step is Step.EMAILS)


# -- 8. who drives a dialog -----------------------------------------------------------------------


def test_only_the_starter_and_staff_drive_a_customers_dialog(world: SlackWorld) -> None:
    thread, ts1, step1 = start_dialog(world, A, channel=SHARED, user=CUSTOMER, team=SCHOOL_TEAM)
    posted = len(world.stub.calls("chat.postMessage"))
    world.press(buttons(step1)["next_step"], user=NEIGHBOUR, team=SCHOOL_TEAM, channel=SHARED,
                message_ts=ts1, thread_ts=thread, name="neighbour")
    world.send(sr.message(LICENSE_A.instructor_emails[0], user_id=NEIGHBOUR,
                          user_team=SCHOOL_TEAM, channel_id=SHARED, ts="1700020000.000100",
                          thread_ts=thread, is_ext_shared_channel=True))
    wait_until(lambda: world.responses("neighbour"))
    settle(world)
    assert said(world, "not_your_dialog") in responses_text(world, "neighbour")
    assert any(said(world, "not_your_dialog") in text_of(c.params) and c.params["user"] ==
               NEIGHBOUR for c in world.stub.calls("chat.postEphemeral"))
    assert len(world.stub.calls("chat.postMessage")) == posted, "the dialog did not move"
    assert dialog_of(world, thread, SHARED).step is Step.CONNECTION
    assert any(e.refused and e.user_id == NEIGHBOUR for e in world.store.audit_entries(limit=200))
    world.press(buttons(step1)["next_step"], user=STAFF, channel=SHARED, message_ts=ts1,
                thread_ts=thread)
    finished_step(world, SHARED, "Step 2 of 3")
    world.press(buttons(step1)["fixed"], user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED,
                message_ts=ts1, thread_ts=thread)
    wait_until(lambda: dialog_of(world, thread, SHARED).step is Step.FIXED)
