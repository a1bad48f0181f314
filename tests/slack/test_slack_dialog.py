"""End to end: signed HTTP requests through the real Bolt app, a Slack stand-in, the sandbox."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    CUSTOMER,
    HOME_TEAM,
    INTERNAL,
    SCHOOL_TEAM,
    SECRET,
    SHARED,
    SUPPORT,
    SlackWorld,
    buttons,
    picker_options,
    slack_world,
    text_of,
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def latest_in_thread(world: SlackWorld, thread_ts: str) -> tuple[str, dict[str, object]]:
    """(ts, message) of the newest bot message in a thread, as it reads now (after updates)."""
    posts = [c for c in world.stub.calls("chat.postMessage")
             if c.params.get("thread_ts") == thread_ts]
    ts = str(posts[-1].reply["ts"])
    message = world.stub.message(INTERNAL, ts)
    assert message is not None
    return ts, message


def wait_until(predicate: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def step_done(world: SlackWorld, thread_ts: str, title: str) -> dict[str, object]:
    def ready() -> bool:
        posts = [c for c in world.stub.calls("chat.postMessage")
                 if c.params.get("thread_ts") == thread_ts]
        if not posts:
            return False
        msg = world.stub.message(INTERNAL, str(posts[-1].reply["ts"]))
        return msg is not None and title in text_of(msg) and "Checking" not in text_of(msg)
    wait_until(ready)
    return latest_in_thread(world, thread_ts)[1]


def test_full_dialog_from_start_to_this_fixed_it(world: SlackWorld) -> None:
    response = world.command("troubleshoot demo-emails")
    assert response.status_code == 200
    root = world.stub.wait_for("chat.postMessage", 1)[0]
    thread = str(root.reply["ts"])

    step1 = step_done(world, thread, "Step 1 of 3")
    assert "Lincoln Unified" in text_of(step1)
    assert world.stub.calls("chat.update"), "the checking message is updated in place"

    ts1, _ = latest_in_thread(world, thread)
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    step2 = step_done(world, thread, "Step 2 of 3")
    assert "john.smith@lincolnusd.org" in text_of(step2)  # the near-miss suggestion

    world.send(sr.message("jsmith@lincolnusd.org", user_id="U_STAFF", channel_id=INTERNAL,
                          ts="1700009999.000100", thread_ts=thread))
    wait_until(lambda: any("jsmith@lincolnusd.org" in text_of(c.params) and
                           c.params.get("thread_ts") == thread and
                           "Step" not in str(c.params.get("text"))
                           for c in world.stub.calls("chat.postMessage")))

    ts2 = next(c.reply["ts"] for c in world.stub.calls("chat.postMessage")
               if "Step 2 of 3" in text_of(c.params))
    world.press(buttons(step2)["next_step"], message_ts=str(ts2), thread_ts=thread)
    step3 = step_done(world, thread, "Step 3 of 3")
    assert "students" in text_of(step3)
    options = picker_options(step3)
    assert options, "step 3 offers a teacher picker"
    label, value = next(o for o in options if "john.smith" in o[0])
    ts3, _ = latest_in_thread(world, thread)
    world.press(value, action="rosterbot.pick_teacher", select=True, message_ts=ts3,
                thread_ts=thread)
    wait_until(lambda: any("John Smith" in text_of(c.params) and "class" in text_of(c.params)
                           for c in world.stub.calls("chat.postMessage")
                           if c.params.get("thread_ts") == thread))

    world.press(buttons(step3)["fixed"], message_ts=ts3, thread_ts=thread)
    thanks = world.built.service.deps.kb.string("fixed_thanks")[:20]
    wait_until(lambda: any(thanks in text_of(c.params) for c in
                           world.stub.calls("chat.postMessage")))
    entries = world.store.audit_entries(license_id="demo-emails")
    assert entries, "the dialog is in the audit log"


def test_talk_to_support_posts_one_summary_even_when_pressed_twice(world: SlackWorld) -> None:
    world.command("troubleshoot demo-healthy")
    thread = str(world.stub.wait_for("chat.postMessage", 1)[0].reply["ts"])
    step1 = step_done(world, thread, "Step 1 of 3")
    ts1, _ = latest_in_thread(world, thread)
    value = buttons(step1)["talk_to_support"]
    world.press(value, message_ts=ts1, thread_ts=thread)
    world.press(value, message_ts=ts1, thread_ts=thread)
    already = world.built.service.deps.kb.string("escalation_already")[:20]
    wait_until(lambda: any(already in text_of(c.params) for c in
                           world.stub.calls("chat.postMessage")))
    confirmed = world.built.service.deps.kb.string("escalation_confirmed")[:20]
    wait_until(lambda: any(confirmed in text_of(c.params) for c in
                           world.stub.calls("chat.postMessage")))
    world.built.close()  # every lazy listener has finished
    summaries = [c for c in world.stub.calls("chat.postMessage")
                 if c.params.get("channel") == SUPPORT]
    assert len(summaries) == 1
    assert "demo-healthy" in text_of(summaries[0].params)


def test_slash_command_help_is_ephemeral_and_acks_at_once(world: SlackWorld) -> None:
    started = time.monotonic()
    response = world.command("help", name="help")
    assert response.status_code == 200
    assert time.monotonic() - started < 3
    world.stub.wait_for("response_url", 1)
    reply = world.responses("help")[0]
    assert reply["response_type"] == "ephemeral"
    assert "/roster" in text_of(reply)


def test_bad_subcommand_gets_usage(world: SlackWorld) -> None:
    world.command("frobnicate now", name="bad")
    world.stub.wait_for("response_url", 1)
    assert "frobnicate" in text_of(world.responses("bad")[0])


def test_bad_signature_and_stale_timestamp_are_401(world: SlackWorld) -> None:
    forged = sr.slash_command("help", response_url=world.stub.response_url("x"),
                              secret="not-the-secret")
    assert world.send(forged).status_code == 401
    stale = sr.slash_command("help", response_url=world.stub.response_url("x"), secret=SECRET,
                             timestamp=int(time.time()) - 600)
    assert world.send(stale).status_code == 401
    time.sleep(0.2)
    assert world.stub.calls("response_url") == []


def test_event_retries_are_handled_once(world: SlackWorld) -> None:
    mention = sr.app_mention("how do I run the sanity check?", user_id="U_STAFF",
                             channel_id=INTERNAL, ts="1700000500.000100", event_id="Ev1")
    assert world.send(mention).status_code == 200
    assert world.send(mention, retry_num=1).status_code == 200
    world.stub.wait_for("chat.postMessage", 1)
    time.sleep(0.3)
    assert len(world.stub.calls("chat.postMessage")) == 1


def test_mention_about_broken_rostering_starts_a_dialog_for_a_linked_customer(
        world: SlackWorld) -> None:
    world.command("link demo-emails", channel=SHARED)
    world.stub.wait_for("response_url", 1)
    world.send(sr.app_mention("my ClassLink rostering isn't working", user_id=CUSTOMER,
                              user_team=SCHOOL_TEAM, channel_id=SHARED,
                              ts="1700000600.000100", is_ext_shared_channel=True))
    wait_until(lambda: any("Step 1 of 3" in text_of(c.params)
                           for c in world.stub.calls("chat.postMessage")))
    posted = world.posted_text()
    assert "Lincoln" in posted
    assert "dSiLyI%2Fek5I%3D" not in posted  # never a full Application ID for customers


def test_app_home_differs_for_staff_and_customers(world: SlackWorld) -> None:
    world.send(sr.app_home_opened("U_STAFF", team_id=HOME_TEAM, event_id="EvH1"))
    world.send(sr.app_home_opened(CUSTOMER, team_id=HOME_TEAM, event_id="EvH2"))
    world.stub.wait_for("views.publish", 2)
    staff_view, customer_view = world.stub.home_view("U_STAFF"), world.stub.home_view(CUSTOMER)
    assert staff_view is not None and customer_view is not None
    assert "Recent diagnoses" in text_of(staff_view)
    assert "Recent diagnoses" not in text_of(customer_view)


def submit_link(world: SlackWorld, metadata: str, license_id: str, *, user: str = "U_STAFF",
                team: str = HOME_TEAM) -> int:
    choice = {"type": "static_select", "selected_option": {"value": license_id}}
    return world.send(sr.view_submission("rosterbot.link", {"license": {"license": choice}},
                                         user_id=user, user_team_id=team,
                                         private_metadata=metadata)).status_code


def test_link_modal_links_the_channel_it_was_opened_in(world: SlackWorld) -> None:
    world.command("link", channel=SHARED, name="modal")
    opened = world.stub.wait_for("views.open", 1)[0]
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "rosterbot.link"
    assert "demo-emails" in json.dumps(view)

    forged = view["private_metadata"].replace(SHARED, INTERNAL)
    assert submit_link(world, forged, "demo-healthy") == 200
    assert submit_link(world, view["private_metadata"], "demo-healthy", user=CUSTOMER,
                       team=SCHOOL_TEAM) == 200
    assert submit_link(world, view["private_metadata"], "demo-emails") == 200
    wait_until(lambda: world.store.linked_license(SHARED) == "demo-emails")
    world.built.close()
    assert world.store.linked_license(INTERNAL) is None
    refused = [e for e in world.store.audit_entries(limit=100) if e.refused]
    assert {e.user_id for e in refused} == {"U_STAFF", CUSTOMER}
    assert world.store.linked_license(SHARED) == "demo-emails"


def test_an_expired_dialog_says_so(tmp_path: Path) -> None:
    with slack_world(tmp_path, ROSTERBOT_DIALOG_TTL="1") as world:
        world.command("troubleshoot demo-healthy")
        thread = str(world.stub.wait_for("chat.postMessage", 1)[0].reply["ts"])
        step1 = step_done(world, thread, "Step 1 of 3")
        ts1, _ = latest_in_thread(world, thread)
        time.sleep(1.5)
        world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
        expired = world.built.service.deps.kb.string("dialog_expired")[:30]
        wait_until(lambda: any(expired in text_of(c.params) for c in
                               world.stub.calls("chat.postMessage")))
        assert not any("Step 2 of 3" in text_of(c.params)
                       for c in world.stub.calls("chat.postMessage"))
        notice = next(c for c in world.stub.calls("chat.postMessage")
                      if expired in text_of(c.params))
        again = buttons(notice.params)["start_troubleshooting"]
        world.press(again, message_ts=str(notice.reply["ts"]), thread_ts=thread)
        wait_until(lambda: sum("Step 1 of 3" in text_of(c.params)
                               for c in world.stub.calls("chat.postMessage")) == 2)
        restarted = [c for c in world.stub.calls("chat.postMessage")
                     if "Step 1 of 3" in text_of(c.params)][-1]
        assert restarted.params["thread_ts"] == thread


def test_a_direct_message_is_answered_like_a_mention(world: SlackWorld) -> None:
    world.send(sr.message("how do I run ClassLink's sanity check?", user_id="U_STAFF",
                          channel_id="D_STAFF", channel_type="im", ts="1700007000.000100"))
    answer = world.stub.wait_for("chat.postMessage", 1)[0]
    assert answer.params["channel"] == "D_STAFF"
    assert "Did this answer your question?" in text_of(answer.params)


def test_our_own_messages_and_edits_are_ignored(world: SlackWorld) -> None:
    world.send(sr.message("how do I run the sanity check?", user_id="U_BOT", bot_id="B1",
                          channel_id="D_STAFF", channel_type="im", ts="1700007100.000100"))
    time.sleep(0.3)
    assert world.stub.calls("chat.postMessage") == []


def test_a_customer_looking_up_a_student_address_sees_no_student_data(world: SlackWorld) -> None:
    from sandbox.sample import sample_world

    lincoln = next(d for d in sample_world().districts if d.tenant_name.startswith("Lincoln"))
    student = next(u for u in lincoln.roster.users
                   if u.email == "rpark00001@students.lincolnusd.org")
    world.command("link demo-emails", channel=SHARED, name="link")
    world.stub.wait_for("response_url", 1)
    world.command(f"email {student.email}", user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED,
                  name="lookup")
    wait_until(lambda: any("student" in text_of(r) for r in world.responses("lookup")))
    shown = " ".join(text_of(r) for r in world.responses("lookup"))
    assert student.given_name not in shown and student.family_name not in shown


def test_a_customer_in_an_unlinked_channel_gets_help_and_a_way_to_support(
        world: SlackWorld) -> None:
    world.send(sr.app_mention("my ClassLink rostering isn't working", user_id=CUSTOMER,
                              user_team=SCHOOL_TEAM, channel_id="C_UNLINKED",
                              ts="1700008000.000100", is_ext_shared_channel=True))
    wait_until(lambda: any("talk_to_support" in json.dumps(c.params.get("blocks"))
                           for c in world.stub.calls("chat.postMessage")))
    posted = world.posted_text()
    assert "Step 1 of 3" not in posted and "demo-" not in posted


def test_a_customer_is_told_the_truth_about_a_misspelt_license_row(world: SlackWorld) -> None:
    """The license has sarah.wlison@...; ClassLink sends sarah.wilson@... Looking up the roster
    address must not say it is on the license, and must name the row to fix."""
    world.command("link demo-emails", channel=SHARED, name="link")
    world.stub.wait_for("response_url", 1)
    world.command("email sarah.wilson@lincolnusd.org", user=CUSTOMER, team=SCHOOL_TEAM,
                  channel=SHARED, name="truth")
    wait_until(lambda: any("should be" in text_of(r) for r in world.responses("truth")))
    shown = " ".join(text_of(r) for r in world.responses("truth"))
    assert "Not on your license" in shown
    assert "On license" not in shown
    assert "Your license has sarah.wlison@lincolnusd.org; that row should be " \
           "sarah.wilson@lincolnusd.org" in shown
