"""Escalations support can act on, through signed requests against the real Bolt app: what the
summary says, Claim and Resolve (staff only), App Home's open/claimed/resolved lists and its
collapsed re-runs, and one escalation per license within the cooling-off window."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import EscalationStatus
from sandbox import slack_requests as sr
from sandbox.slack_api import RecordedCall
from tests.slack.slack_world import (
    CUSTOMER,
    HOME_TEAM,
    SCHOOL_TEAM,
    SHARED,
    STAFF,
    SUPPORT,
    SlackWorld,
    buttons,
    finished_step,
    slack_world,
    start_dialog,
    text_of,
    wait_until,
)

STAFF2 = "U_STAFF2"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        w.stub.add_user(STAFF2, team_id=HOME_TEAM)
        yield w


def summaries(world: SlackWorld) -> list[RecordedCall]:
    """Summaries posted to the support channel (not replies in their threads)."""
    return [c for c in world.stub.calls("chat.postMessage")
            if c.params.get("channel") == SUPPORT and not c.params.get("thread_ts")]


def support_replies(world: SlackWorld, summary_ts: str) -> list[str]:
    return [text_of(c.params) for c in world.stub.calls("chat.postMessage")
            if c.params.get("channel") == SUPPORT and c.params.get("thread_ts") == summary_ts]


def said_in(world: SlackWorld, thread: str, key: str) -> bool:
    words = world.built.service.deps.kb.string(key)[:25]
    return any(words in text_of(c.params) for c in world.stub.calls("chat.postMessage")
               if c.params.get("thread_ts") == thread)


def link(world: SlackWorld, license_id: str, channel: str = SHARED) -> None:
    before = len(world.stub.calls("response_url"))
    world.command(f"link {license_id}", channel=channel, name="link")
    world.stub.wait_for("response_url", before + 1)


def customer_dialog(world: SlackWorld, question: str, ts: str) -> tuple[str, str, dict[str, Any]]:
    """A customer asks in the shared channel; (thread, step-1 ts, step-1 message)."""
    after = len(world.stub.calls("chat.postMessage"))
    world.send(sr.app_mention(question, user_id=CUSTOMER, user_team=SCHOOL_TEAM,
                              channel_id=SHARED, ts=ts, is_ext_shared_channel=True))
    step_ts, step = finished_step(world, SHARED, "Step 1 of 3", after=after)
    return ts, step_ts, step


def customer_types(world: SlackWorld, thread: str, text: str, ts: str) -> None:
    kept = len(world.store.unforwarded_thread_words(SHARED, thread))
    world.send(sr.message(text, user_id=CUSTOMER, user_team=SCHOOL_TEAM, channel_id=SHARED,
                          ts=ts, thread_ts=thread, channel_type="group",
                          is_ext_shared_channel=True))
    wait_until(lambda: len(world.store.unforwarded_thread_words(SHARED, thread)) > kept)


def customer_presses(world: SlackWorld, value: str, *, message_ts: str, thread: str,
                     channel: str = SHARED, name: str = "act") -> None:
    world.press(value, user=CUSTOMER, team=SCHOOL_TEAM, channel=channel, message_ts=message_ts,
                thread_ts=thread, name=name)


def home_text(world: SlackWorld, event_id: str) -> str:
    before = len(world.stub.calls("views.publish"))
    world.send(sr.app_home_opened(STAFF, team_id=HOME_TEAM, event_id=event_id))
    world.stub.wait_for("views.publish", before + 1)
    view = world.stub.home_view(STAFF)
    assert view is not None
    return json.dumps(view.get("blocks"), ensure_ascii=False)


def test_the_summary_has_what_an_engineer_needs(world: SlackWorld) -> None:
    """An unattached license: license, district, tenant, the failing finding and its fix, the
    customer's own words (escaped), a link to the thread, Claim and Resolve."""
    link(world, "demo-unattached")
    thread, ts1, step1 = customer_dialog(
        world, "my ClassLink rostering isn't working <!channel>", "1700000600.000100")
    customer_types(world, thread, "We added Pivot in ClassLink last week & nothing syncs",
                   "1700000601.000100")
    customer_presses(world, buttons(step1)["talk_to_support"], message_ts=ts1, thread=thread)
    wait_until(lambda: said_in(world, thread, "escalation_confirmed"))

    (summary,) = summaries(world)
    text = text_of(summary.params)
    kb = world.built.service.deps.kb
    assert "demo-unattached" in text and "Maple Grove Schools" in text  # license, district
    assert "ClassLink tenant: Maple Grove" in text and "(tenant 1187)" in text
    assert "not attached to this license" in text  # the finding, worded for staff
    fix = kb.step("connection").advice("unattached_match")
    assert fix and fix[:40] in text  # and its fix
    assert "isn't working &lt;!channel&gt;" in text and "<!channel>" not in text
    assert "last week &amp; nothing syncs" in text
    assert f"https://pivot-support.slack.com/archives/{SHARED}/p{thread.replace('.', '')}" \
        in text
    # Claim, Resolve, and the proposed change (attach the connection) for staff to apply
    assert set(buttons(summary.params)) == {"claim_escalation", "resolve_escalation",
                                            "open_fix"}
    assert "*Open*" in text


def test_claim_and_resolve_are_for_staff_only(world: SlackWorld) -> None:
    link(world, "demo-unattached")
    thread, ts1, step1 = customer_dialog(world, "my ClassLink rostering isn't working",
                                         "1700000600.000100")
    customer_presses(world, buttons(step1)["talk_to_support"], message_ts=ts1, thread=thread)
    wait_until(lambda: len(summaries(world)) == 1)
    summary = summaries(world)[0]
    ts = str(summary.reply["ts"])
    claim, resolve = (buttons(summary.params)[k] for k in ("claim_escalation",
                                                          "resolve_escalation"))
    wait_until(lambda: bool(world.store.open_escalations()))
    (escalation,) = world.store.open_escalations()

    # a customer replaying the buttons (in the support channel, or from their own) is refused
    customer_presses(world, claim, message_ts=ts, thread=ts, channel=SUPPORT, name="c1")
    customer_presses(world, resolve, message_ts=ts1, thread=thread, name="c2")
    forged = claim.rsplit("|", 1)[0] + "|dialog:someone-else"
    world.press(forged, channel=SUPPORT, message_ts=ts, name="c3")  # staff, altered value
    wait_until(lambda: all(world.responses(n) for n in ("c1", "c2", "c3")))
    refused = [e for e in world.store.audit_entries() if e.refused]
    assert {(e.user_id, e.command) for e in refused} >= {
        (CUSTOMER, "action:claim"), (CUSTOMER, "action:resolve")}
    assert any(e.user_id == STAFF and "tampered" in e.result for e in refused)
    current = world.store.escalation(escalation.key)
    assert current is not None and current.status is EscalationStatus.OPEN
    assert "Claimed" not in text_of(world.stub.message(SUPPORT, ts) or {})

    world.press(claim, channel=SUPPORT, message_ts=ts)
    wait_until(lambda: "*Claimed* by U_STAFF" in text_of(world.stub.message(SUPPORT, ts)
                                                            or {}))
    assert set(buttons(world.stub.message(SUPPORT, ts) or {})) == {"resolve_escalation",
                                                                   "open_fix"}
    world.press(claim, user=STAFF2, channel=SUPPORT, message_ts=ts, name="late")
    wait_until(lambda: bool(world.responses("late")))
    assert "Claimed* by U_STAFF" in text_of(world.responses("late")[0])
    current = world.store.escalation(escalation.key)
    assert current is not None and current.claimed_by == STAFF

    world.press(resolve, user=STAFF2, channel=SUPPORT, message_ts=ts)
    wait_until(lambda: "*Resolved* by U_STAFF2" in text_of(world.stub.message(SUPPORT, ts)
                                                              or {}))
    assert buttons(world.stub.message(SUPPORT, ts) or {}) == {}
    current = world.store.escalation(escalation.key)
    assert current is not None and current.status is EscalationStatus.RESOLVED


def test_app_home_lists_escalations_by_state_and_collapses_check_again(
        world: SlackWorld) -> None:
    thread, ts1, step1 = start_dialog(world, "demo-healthy")
    for run in range(2, 5):  # three presses of *Check again*: four runs of the checks
        world.press(buttons(step1)["check_again"], message_ts=ts1, thread_ts=thread)
        wait_until(lambda run=run: len(world.store.recent_diagnoses(50)) == run)
    time.sleep(0.2)  # the last run's message update
    world.press(buttons(step1)["talk_to_support"], message_ts=ts1, thread_ts=thread)
    wait_until(lambda: said_in(world, thread, "escalation_confirmed"))
    for license_id in ("demo-emails", "demo-disabled"):
        thread, ts1, step1 = start_dialog(world, license_id)
        world.press(buttons(step1)["talk_to_support"], message_ts=ts1, thread_ts=thread)
        wait_until(lambda thread=thread: said_in(world, thread, "escalation_confirmed"))
    assert len(summaries(world)) == 3
    emails_summary = next(c for c in summaries(world) if "demo-emails" in text_of(c.params))
    disabled_summary = next(c for c in summaries(world) if "demo-disabled" in text_of(c.params))
    world.press(buttons(emails_summary.params)["claim_escalation"], channel=SUPPORT,
                message_ts=str(emails_summary.reply["ts"]))
    world.press(buttons(disabled_summary.params)["resolve_escalation"], user=STAFF2,
                channel=SUPPORT, message_ts=str(disabled_summary.reply["ts"]))
    wait_until(lambda: len(world.store.escalations_with_status(
        (EscalationStatus.RESOLVED,))) == 1 and len(world.store.escalations_with_status(
            (EscalationStatus.CLAIMED,))) == 1)

    home = home_text(world, "EvHome1")
    recent = home[home.index("Recent diagnoses"):home.index("Open escalations")]
    assert recent.count("demo-healthy") == 1 and "checked 4 times" in recent
    open_part = home[home.index("Open escalations"):home.index("*Claimed*")]
    claimed = home[home.index("*Claimed*"):home.index("Resolved recently")]
    resolved = home[home.index("Resolved recently"):]
    assert "demo-healthy" in open_part and "demo-emails" not in open_part
    assert "demo-emails" in claimed and "claimed by U_STAFF" in claimed
    assert "demo-disabled" in resolved and "resolved by U_STAFF2" in resolved


def test_one_escalation_per_license_in_the_window_and_new_words_go_to_its_thread(
        world: SlackWorld) -> None:
    link(world, "demo-emails")
    first, ts1, step1 = customer_dialog(world, "my ClassLink rostering isn't working",
                                        "1700000700.000100")
    customer_presses(world, buttons(step1)["talk_to_support"], message_ts=ts1, thread=first)
    wait_until(lambda: said_in(world, first, "escalation_confirmed"))
    (summary,) = summaries(world)
    summary_ts = str(summary.reply["ts"])

    # a second conversation on the same license: no second summary, its words go to the first's
    second, ts2, step2 = customer_dialog(world, "rostering is still not working for teachers",
                                         "1700000800.000100")
    customer_types(world, second, "please hurry, teachers can't log in", "1700000801.000100")
    customer_presses(world, buttons(step2)["talk_to_support"], message_ts=ts2, thread=second)
    wait_until(lambda: said_in(world, second, "escalation_already"))
    wait_until(lambda: any("please hurry" in t for t in support_replies(world, summary_ts)))
    (note,) = support_replies(world, summary_ts)
    assert "asked for support again" in note and "can&#x27;t" not in note
    assert f"archives/{SHARED}/p{second.replace('.', '')}" in note  # a link to that one
    assert not said_in(world, second, "escalation_confirmed")

    # asking again in the same conversation adds only the words typed since
    customer_types(world, second, "it has been a week <@U_STAFF>", "1700000802.000100")
    world.send(sr.message("talk to support", user_id=CUSTOMER, user_team=SCHOOL_TEAM,
                          channel_id=SHARED, ts="1700000803.000100", thread_ts=second,
                          channel_type="group", is_ext_shared_channel=True))
    wait_until(lambda: any("it has been a week" in t for t in support_replies(world, summary_ts)))
    world.built.close()  # every lazy listener has finished
    replies = support_replies(world, summary_ts)
    assert len(replies) == 2 and "please hurry" not in replies[1]
    assert "&lt;@U_STAFF&gt;" in replies[1]  # typed mentions are shown, never sent
    assert len(summaries(world)) == 1


def test_after_the_window_a_new_request_gets_a_new_summary(tmp_path: Path) -> None:
    with slack_world(tmp_path, ROSTERBOT_ESCALATION_WINDOW="1") as world:
        link(world, "demo-emails")
        first, ts1, step1 = customer_dialog(world, "my ClassLink rostering isn't working",
                                            "1700000700.000100")
        customer_presses(world, buttons(step1)["talk_to_support"], message_ts=ts1,
                         thread=first)
        wait_until(lambda: len(summaries(world)) == 1)
        time.sleep(1.2)
        second, ts2, step2 = customer_dialog(world, "rostering is still not working",
                                             "1700000800.000100")
        customer_presses(world, buttons(step2)["talk_to_support"], message_ts=ts2,
                         thread=second)
        wait_until(lambda: len(summaries(world)) == 2)
        # the asker is told after the summary is posted: wait for it, do not race it
        wait_until(lambda: said_in(world, second, "escalation_confirmed"))
