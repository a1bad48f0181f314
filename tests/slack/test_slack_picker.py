"""The sanity step's teacher picker through signed requests against the real Bolt app: the
license's teachers first, every teacher findable past Slack's 100 static options (type-ahead
answered to block_suggestion requests), forged options refused, customers scoped to their own
license's teachers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.action_values import decode_action_value, encode_action_value
from bot.dialog import Action
from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    CUSTOMER,
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

LICENSE = "demo-few-students"  # 113 teachers in ClassLink, 4 of them on the license
SEARCH = "rosterbot.pick_teacher"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def to_sanity(world: SlackWorld, *, channel: str = INTERNAL, user: str = STAFF,
              team: str = HOME_TEAM) -> tuple[str, str, dict[str, Any]]:
    """A dialog on LICENSE walked to step 3: (thread_ts, step-3 ts, step-3 message)."""
    thread, ts, step = start_dialog(world, LICENSE, channel=channel, user=user, team=team)
    for title in ("Step 2 of 3", "Step 3 of 3"):
        after = len(world.stub.calls("chat.postMessage"))
        world.press(buttons(step)["next_step"], user=user, team=team, channel=channel,
                    message_ts=ts, thread_ts=thread)
        ts, step = finished_step(world, channel, title, after=after)
    return thread, ts, step


def selects(message: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) of every select menu in a message."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [(b, e) for b in blocks for e in b.get("elements", [])
            if str(e.get("type", "")).endswith("_select")]


def suggest(world: SlackWorld, block_id: str, query: str, *, user: str = STAFF,
            team: str = HOME_TEAM, channel: str = INTERNAL,
            thread_ts: str | None = None) -> list[dict[str, Any]]:
    """Type `query` into the search; the options Slack would show (from the ack's body)."""
    response = world.send(sr.block_suggestion(SEARCH, query, block_id=block_id, user_id=user,
                                              user_team_id=team, channel_id=channel,
                                              thread_ts=thread_ts))
    assert response.status_code == 200
    return list(response.json().get("options", [])) if response.content else []


def emails(options: list[dict[str, Any]], key: bytes) -> list[str]:
    return [decode_action_value(o["value"], key=key).arg for o in options]


def license_emails(world: SlackWorld) -> set[str]:
    return set(world.built.service.deps.diagnoser.licenses.get(LICENSE).instructor_emails)


def test_past_100_teachers_every_one_is_findable_license_teachers_first(
        world: SlackWorld) -> None:
    key = world.built.service.deps.action_key
    thread, ts3, step3 = to_sanity(world)
    (block, element), = selects(step3)
    assert element["type"] == "external_select", "113 teachers do not fit a static select"
    counted = re.search(r"(\d+) teachers", text_of(step3))
    assert counted is not None and int(counted.group(1)) == 113  # nobody silently dropped

    first = suggest(world, block["block_id"], "", thread_ts=thread)
    assert len(first) == 100
    assert set(emails(first, key)[:4]) == license_emails(world)  # the license's teachers first

    # the last teacher by name is not among the first 100, and the search finds them
    last = "alexis.zimmerman@cedarfallsacademy.org"
    assert last not in emails(first, key)
    found = suggest(world, block["block_id"], "Zimmerman", thread_ts=thread)
    assert emails(found, key) == [last] and "Alexis Zimmerman" in found[0]["text"]["text"]
    assert emails(suggest(world, block["block_id"], "alexis zimm"), key) == [last]

    world.press(found[0]["value"], action=SEARCH, select=True, message_ts=ts3, thread_ts=thread)
    wait_until(lambda: any("Alexis Zimmerman" in text_of(c.params) and "class" in
                           text_of(c.params) for c in world.stub.calls("chat.postMessage")
                           if c.params.get("thread_ts") == thread))


def test_a_forged_teacher_option_is_refused(world: SlackWorld) -> None:
    thread, ts3, step3 = to_sanity(world)
    (block, _), = selects(step3)
    option = suggest(world, block["block_id"], "Zimmerman")[0]["value"]
    forged = option.rsplit("|", 1)[0] + "|darius.farah@cedarfallsacademy.org"
    before = len(world.stub.calls("chat.postMessage"))
    world.press(forged, action=SEARCH, select=True, message_ts=ts3, thread_ts=thread,
                name="forged")
    wait_until(lambda: bool(world.responses("forged")))
    refusal = world.built.service.deps.kb.string("not_allowed")[:25]
    assert refusal in text_of(world.responses("forged")[0])
    assert any(e.refused and "tampered" in e.result for e in world.store.audit_entries())
    world.built.close()
    assert len(world.stub.calls("chat.postMessage")) == before  # no teacher report


def test_a_customer_sees_only_their_own_license_teachers(world: SlackWorld) -> None:
    world.command(f"link {LICENSE}", channel=SHARED, name="link")
    world.stub.wait_for("response_url", 1)
    key = world.built.service.deps.action_key
    thread, _, step3 = to_sanity(world, channel=SHARED, user=CUSTOMER, team=SCHOOL_TEAM)
    (_, element), = selects(step3)
    assert element["type"] == "static_select"
    assert set(emails(element["options"], key)) == license_emails(world)

    # the search, were it there, is scoped the same way: a name elsewhere in the district
    # finds nothing, a teacher on the license is found
    dialog_id = decode_action_value(buttons(step3)["check_again"], key=key).dialog_id
    marker = encode_action_value(dialog_id, Action.PICK_TEACHER, key=key, step="sanity")
    assert suggest(world, marker, "Zimmerman", user=CUSTOMER, team=SCHOOL_TEAM,
                   channel=SHARED, thread_ts=thread) == []
    assert emails(suggest(world, marker, "farah", user=CUSTOMER, team=SCHOOL_TEAM,
                          channel=SHARED), key) == ["darius.farah@cedarfallsacademy.org"]


def test_a_customer_gets_nothing_from_a_staff_dialogs_search(world: SlackWorld) -> None:
    world.command(f"link {LICENSE}", channel=SHARED, name="link")
    world.stub.wait_for("response_url", 1)
    _, _, step3 = to_sanity(world)  # staff, in the internal channel
    (block, _), = selects(step3)
    for channel in (SHARED, INTERNAL):  # replayed from their channel, or pretending to be here
        assert suggest(world, block["block_id"], "", user=CUSTOMER, team=SCHOOL_TEAM,
                       channel=channel) == []
    refused = [e for e in world.store.audit_entries() if e.refused]
    assert {e.user_id for e in refused} == {CUSTOMER}
    assert all("teacher search" in e.command for e in refused)
    assert suggest(world, "rb2|x|sanity|pick_teacher|0000|", "") == []  # not ours: nothing


def test_a_search_on_a_replica_without_the_diagnosis_fills_in_shortly(
        world: SlackWorld) -> None:
    _, _, step3 = to_sanity(world)
    (block, _), = selects(step3)
    world.built.service.deps.cache.forget(LICENSE)  # as on a replica that did not run step 3
    assert suggest(world, block["block_id"], "Zimmerman") == []  # answered at once, checked after
    wait_until(lambda: len(suggest(world, block["block_id"], "Zimmerman")) == 1)
