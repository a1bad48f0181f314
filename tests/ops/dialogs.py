"""Whole dialogs driven through signed requests, for the tests that look at what a run leaves
behind (metrics, logs) rather than at the answers themselves."""

from __future__ import annotations

from typing import Any

from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    INTERNAL,
    STAFF,
    SUPPORT,
    SlackWorld,
    buttons,
    picker_options,
    text_of,
    wait_until,
)


def _posts_in(world: SlackWorld, thread: str) -> list[Any]:
    return [c for c in world.stub.calls("chat.postMessage") if c.params.get("thread_ts") == thread]


def step_done(world: SlackWorld, thread: str, title: str) -> tuple[str, dict[str, Any]]:
    """(ts, message) of the newest message in the thread once it shows `title`, checked."""
    found: list[tuple[str, dict[str, Any]]] = []

    def ready() -> bool:
        posts = _posts_in(world, thread)
        if not posts:
            return False
        ts = str(posts[-1].reply["ts"])
        message = world.stub.message(INTERNAL, ts)
        if message is not None and title in text_of(message) \
                and "Checking" not in text_of(message):
            found.append((ts, message))
            return True
        return False

    wait_until(ready, timeout=20)
    return found[-1]


def full_dialog(world: SlackWorld, license_id: str = "demo-emails") -> str:
    """troubleshoot -> step 1 -> step 2 (an email typed) -> step 3 (a teacher picked) -> fixed;
    the thread's ts."""
    before = len(world.stub.calls("chat.postMessage"))
    assert world.command(f"troubleshoot {license_id}").status_code == 200
    wait_until(lambda: len(world.stub.calls("chat.postMessage")) > before)
    thread = str(world.stub.calls("chat.postMessage")[before].reply["ts"])
    ts1, step1 = step_done(world, thread, "Step 1 of 3")
    world.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    ts2, step2 = step_done(world, thread, "Step 2 of 3")
    world.send(sr.message("jsmith@lincolnusd.org", user_id=STAFF, channel_id=INTERNAL,
                          ts="1700009999.000100", thread_ts=thread))
    wait_until(lambda: any("jsmith@lincolnusd.org" in text_of(c.params)
                           and "Step" not in str(c.params.get("text"))
                           for c in _posts_in(world, thread)))
    world.press(buttons(step2)["next_step"], message_ts=ts2, thread_ts=thread)
    ts3, step3 = step_done(world, thread, "Step 3 of 3")
    options = picker_options(step3)
    if options:
        world.press(options[0][1], action="rosterbot.pick_teacher", select=True,
                    message_ts=ts3, thread_ts=thread)
    world.press(buttons(step3)["fixed"], message_ts=ts3, thread_ts=thread)
    thanks = world.built.service.deps.kb.string("fixed_thanks")[:20]
    wait_until(lambda: any(thanks in text_of(c.params) for c in _posts_in(world, thread)))
    return thread


def escalated_dialog(world: SlackWorld, license_id: str = "demo-unattached") -> str:
    """troubleshoot -> step 1 -> Talk to support; the summary's text once posted."""
    before = len(world.stub.calls("chat.postMessage"))
    assert world.command(f"troubleshoot {license_id}").status_code == 200
    wait_until(lambda: len(world.stub.calls("chat.postMessage")) > before)
    thread = str(world.stub.calls("chat.postMessage")[before].reply["ts"])
    ts1, step1 = step_done(world, thread, "Step 1 of 3")
    world.press(buttons(step1)["talk_to_support"], message_ts=ts1, thread_ts=thread)

    def summary() -> list[str]:
        return [text_of(c.params) for c in world.stub.calls("chat.postMessage")
                if c.params.get("channel") == SUPPORT and not c.params.get("thread_ts")
                and license_id in text_of(c.params)]

    wait_until(lambda: bool(summary()))
    return summary()[-1]
