"""One-click fixes through signed requests against the real Bolt app (Slack stand-in, ClassLink
sandbox): staff fix each fixable finding of the sample world from a dialog and from the support
channel, see the step pass and undo it; customers only ever get "Ask support to make this
change", and cannot apply a change by any route."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.action_values import encode_action_value
from bot.dialog import Action
from checks.licenses import YamlLicenseDirectory, write_yaml
from checks.models import License
from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    CUSTOMER,
    GUEST,
    HOME_TEAM,
    INTERNAL,
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

MAPLE = "Attach ••••S9PM (Maple Grove School District)"
TYPO = "Change sarah.wlison@… to sarah.wilson@…"
STUDENT = "Remove the student address"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


# -- helpers ---------------------------------------------------------------------------------


def labelled(message: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Button label -> (action, value) of every button in a message."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return {e["text"]["text"]: (str(e["action_id"]).removeprefix("rosterbot."), e["value"])
            for b in blocks for e in b.get("elements", []) if e.get("type") == "button"}


def license_of(world: SlackWorld, license_id: str) -> License:
    return world.built.service.deps.diagnoser.licenses.get(license_id)


def app_id(world: SlackWorld) -> str:
    """The full Application ID step 1 proposes for demo-unattached."""
    step = world.built.service.deps.diagnoser.diagnose("demo-unattached").steps["connection"]
    return str(next(f for f in step.findings if f.code == "unattached_match")
               .data["_application_id"])


def open_fix(world: SlackWorld, value: str, *, message_ts: str, thread: str | None,
             channel: str = INTERNAL) -> dict[str, Any]:
    """Press a fix button as staff; the confirmation modal it opens."""
    before = len(world.stub.calls("views.open"))
    world.press(value, action="rosterbot.open_fix", channel=channel, message_ts=message_ts,
                thread_ts=thread)
    opened = world.stub.wait_for("views.open", before + 1)[-1]
    view = opened.params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def submit(world: SlackWorld, metadata: str, *, user: str = STAFF,
           team: str = HOME_TEAM) -> int:
    return world.send(sr.view_submission("rosterbot.fix", {}, user_id=user, user_team_id=team,
                                         private_metadata=metadata)).status_code


def posted_in(world: SlackWorld, thread: str, needle: str) -> dict[str, Any]:
    """The message in `thread` (or the thread's root replies) containing `needle`."""
    found: list[dict[str, Any]] = []

    def there() -> bool:
        for call in world.stub.calls("chat.postMessage"):
            if call.params.get("thread_ts") == thread and needle in text_of(call.params):
                found.append(call.params)
                return True
        return False

    wait_until(there, timeout=20)
    return found[0]


def step_2(world: SlackWorld, thread: str, ts1: str, step1: dict[str, Any], *,
           channel: str = INTERNAL, user: str = STAFF, team: str = HOME_TEAM
           ) -> tuple[str, dict[str, Any]]:
    after = len(world.stub.calls("chat.postMessage"))
    world.press(buttons(step1)["next_step"], channel=channel, user=user, team=team,
                message_ts=ts1, thread_ts=thread)
    return finished_step(world, channel, "Step 2 of 3", after=after)


def refused(world: SlackWorld, user: str) -> list[str]:
    return [e.result for e in world.store.audit_entries(limit=500)
            if e.refused and e.user_id == user]


# -- staff -----------------------------------------------------------------------------------


def test_staff_attach_the_connection_see_step_1_pass_and_undo(world: SlackWorld) -> None:
    full_id = app_id(world)
    thread, ts1, step1 = start_dialog(world, "demo-unattached")
    offered = labelled(step1)
    assert offered[MAPLE][0] == "open_fix"
    assert "Ask support to make this change" not in offered

    view = open_fix(world, offered[MAPLE][1], message_ts=ts1, thread=thread)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert view["callback_id"] == "rosterbot.fix" and view["submit"]["text"] == "Apply"
    assert "Application IDs: none" in shown and "Application IDs: ••••S9PM" in shown
    assert "unattached_match" in shown and "undone for 15 minutes" in shown
    assert full_id not in shown  # the full ID is never shown (only in signed metadata)
    assert license_of(world, "demo-unattached").application_ids == ()  # nothing yet

    assert submit(world, view["private_metadata"]) == 200
    done = posted_in(world, thread, "changed license demo-unattached")
    text = text_of(done)
    assert "Checked again: 1." in text and "All good" in text  # the step, passing
    assert "proposed by `unattached_match`" in text and "Undo is possible until" in text
    assert full_id not in world.posted_text()
    assert license_of(world, "demo-unattached").application_ids == (full_id,)
    fix = world.store.fixes.last("demo-unattached")
    assert fix is not None and (fix.by_user, fix.finding, fix.channel_id) == (
        STAFF, "unattached_match", INTERNAL)
    assert fix.before["application_ids"] == [] and fix.after["application_ids"] == [full_id]
    assert any(e.command == "slack:fix" and "••••S9PM" in e.result and not e.refused
               for e in world.store.audit_entries(license_id="demo-unattached"))

    world.press(labelled(done)["Undo"][1], action="rosterbot.undo_fix", message_ts="9.9",
                thread_ts=thread)
    undone = posted_in(world, thread, "undid fix")
    assert "Needs fixing" in text_of(undone)  # step 1 fails again
    assert license_of(world, "demo-unattached").application_ids == ()
    assert "Undo" not in labelled(undone)


def test_staff_fix_a_near_miss_and_remove_the_student_address(world: SlackWorld) -> None:
    thread, ts1, step1 = start_dialog(world, "demo-emails")
    assert not [label for label, (action, _) in labelled(step1).items() if action == "open_fix"]
    ts2, step2 = step_2(world, thread, ts1, step1)
    offered = labelled(step2)
    fixes = [label for label, (action, _) in offered.items() if action == "open_fix"]
    assert TYPO in fixes and STUDENT in fixes
    assert "Change ␣david.nguyen@… to david.nguyen@…" not in fixes
    assert 'Change " david.nguyen@lincolnusd.org" to david.nguyen@lincolnusd.org' in fixes
    assert len(fixes) == 8  # seven near misses and the student address

    view = open_fix(world, offered[TYPO][1], message_ts=ts2, thread=thread)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "8. sarah.wlison@lincolnusd.org" in shown and "8. sarah.wilson@lincolnusd.org" in shown
    submit(world, view["private_metadata"])
    done = posted_in(world, thread, "to sarah.wilson@lincolnusd.org")
    assert "The changed row now matches ClassLink exactly." in text_of(done)
    assert "Checked again: 2." in text_of(done)

    # the student row, from the same (now older) step message: the license changed since
    view = open_fix(world, offered[STUDENT][1], message_ts=ts2, thread=thread)
    assert "has changed since this check ran" in json.dumps(view["blocks"])
    submit(world, view["private_metadata"])
    posted_in(world, thread, "remove instructor email rpark00001@students.lincolnusd.org")
    rows = license_of(world, "demo-emails").instructor_emails
    assert "sarah.wilson@lincolnusd.org" in rows and "rpark00001@students.lincolnusd.org" \
        not in rows
    assert [f.finding for f in world.store.fixes.list(license_id="demo-emails")] == [
        "email_student", "email_fix"]


def test_a_change_made_meanwhile_is_neither_lost_nor_overwritten(world: SlackWorld) -> None:
    thread, ts1, step1 = start_dialog(world, "demo-emails")
    ts2, step2 = step_2(world, thread, ts1, step1)
    view = open_fix(world, labelled(step2)[TYPO][1], message_ts=ts2, thread=thread)
    directory = world.built.service.deps.diagnoser.licenses
    current = license_of(world, "demo-emails")
    theirs = License(current.id, current.name, current.district, 999, current.expires,
                     (*current.instructor_emails, "new.teacher@lincolnusd.org"),
                     current.application_ids)
    directory.upsert(theirs)  # type: ignore[attr-defined]  # someone else, meanwhile
    submit(world, view["private_metadata"])
    wait_until(lambda: any("nothing was written" in text_of(c.params)
                           for c in world.stub.calls("chat.postEphemeral")))
    assert license_of(world, "demo-emails") == theirs
    assert world.store.fixes.last("demo-emails") is None


def test_undo_only_within_15_minutes(world: SlackWorld) -> None:
    thread, ts1, step1 = start_dialog(world, "demo-unattached")
    view = open_fix(world, labelled(step1)[MAPLE][1], message_ts=ts1, thread=thread)
    submit(world, view["private_metadata"])
    done = posted_in(world, thread, "changed license demo-unattached")
    fixer = world.built.service.fixes.fixer
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    fixer._clock = lambda: later
    world.press(labelled(done)["Undo"][1], action="rosterbot.undo_fix", message_ts="9.9",
                thread_ts=thread, name="late")
    world.stub.wait_for("response_url", 1)
    assert "can be undone for 15 minutes" in json.dumps(world.responses("late"))
    assert license_of(world, "demo-unattached").application_ids != ()


def test_a_read_only_source_shows_the_change_to_make_by_hand(world: SlackWorld,
                                                             tmp_path: Path) -> None:
    yaml = tmp_path / "licenses.yml"
    write_yaml(world.built.service.deps.diagnoser.licenses.list(), yaml)
    world.built.service.fixes.fixer.licenses = YamlLicenseDirectory(yaml)
    thread, ts1, step1 = start_dialog(world, "demo-unattached")
    assert not [a for a, _ in labelled(step1).values() if a == "open_fix"]
    text = text_of(step1)
    assert "by hand" in text and str(yaml) in text
    assert "attach Application ID ••••S9PM, the connection of Maple Grove School District" in text


# -- customers -------------------------------------------------------------------------------


def link(world: SlackWorld, license_id: str) -> None:
    before = len(world.stub.calls("response_url"))
    world.command(f"link {license_id}", channel=SHARED, name="link")
    world.stub.wait_for("response_url", before + 1)


def test_customers_ask_support_and_staff_apply_it_from_the_support_channel(
        world: SlackWorld) -> None:
    link(world, "demo-unattached")
    after = len(world.stub.calls("chat.postMessage"))
    world.send(sr.app_mention("rostering is broken", user_id=CUSTOMER, user_team=SCHOOL_TEAM,
                              channel_id=SHARED, ts="1700000700.000100",
                              is_ext_shared_channel=True))
    ts1, step1 = finished_step(world, SHARED, "Step 1 of 3", after=after)
    offered = labelled(step1)
    assert "Ask support to make this change" in offered
    assert not [a for a, _ in offered.values() if a == "open_fix"]
    assert "attach your district's ClassLink connection" in text_of(step1)
    world.press(offered["Ask support to make this change"][1], user=CUSTOMER, team=SCHOOL_TEAM,
                channel=SHARED, message_ts=ts1, thread_ts="1700000700.000100")
    wait_until(lambda: any(c.params.get("channel") == SUPPORT
                           for c in world.stub.calls("chat.postMessage")))
    summary = next(c for c in world.stub.calls("chat.postMessage")
                   if c.params.get("channel") == SUPPORT)
    shared_text = json.dumps([c.params for c in world.stub.calls("chat.postMessage")
                              if c.params.get("channel") == SHARED])
    assert "open_fix" not in shared_text  # no fix button ever reached the customer channel

    summary_ts = str(summary.reply["ts"])
    fix_value = labelled(summary.params)[MAPLE][1]
    view = open_fix(world, fix_value, channel=SUPPORT, message_ts=summary_ts, thread=None)
    submit(world, view["private_metadata"])
    done = posted_in(world, summary_ts, "changed license demo-unattached")
    assert "All good" in text_of(done)
    assert license_of(world, "demo-unattached").application_ids != ()


def test_a_customer_cannot_apply_a_change_by_any_route(world: SlackWorld) -> None:
    """The staff member's own button value, its modal metadata and its Undo, replayed by a
    customer (and a guest) on every route, and a value forged without the key: all refused and
    audited; the license changes only when staff apply it."""
    link(world, "demo-unattached")
    thread, ts1, step1 = start_dialog(world, "demo-unattached")
    fix_value = labelled(step1)[MAPLE][1]
    view = open_fix(world, fix_value, message_ts=ts1, thread=thread)
    metadata = view["private_metadata"]
    opened = len(world.stub.calls("views.open"))
    key = world.built.service.deps.action_key
    forged = encode_action_value("", Action.APPLY_FIX, metadata.split("|", 5)[5],
                                 key=b"not-the-key")

    for user, team in ((CUSTOMER, SCHOOL_TEAM), (GUEST, HOME_TEAM)):
        for channel in (SHARED, INTERNAL):
            world.press(fix_value, action="rosterbot.open_fix", user=user, team=team,
                        channel=channel, message_ts=ts1)  # the button, replayed
            world.press(metadata, action="rosterbot.apply_fix", user=user, team=team,
                        channel=channel, message_ts=ts1)  # the metadata as a button
            world.press(forged, action="rosterbot.apply_fix", user=user, team=team,
                        channel=channel, message_ts=ts1)  # forged without the key
        assert submit(world, metadata, user=user, team=team) == 200  # the modal, submitted
    wait_until(lambda: len(refused(world, CUSTOMER)) >= 7 and len(refused(world, GUEST)) >= 7)
    assert license_of(world, "demo-unattached").application_ids == ()
    assert len(world.stub.calls("views.open")) == opened  # no confirmation for them
    assert any("fixes are for staff only" in r for r in refused(world, CUSTOMER))
    assert any("tampered" in r for r in refused(world, CUSTOMER))

    assert submit(world, metadata) == 200  # staff apply it
    done = posted_in(world, thread, "changed license demo-unattached")
    undo = labelled(done)["Undo"][1]
    before = len(refused(world, CUSTOMER))
    world.press(undo, action="rosterbot.undo_fix", user=CUSTOMER, team=SCHOOL_TEAM,
                channel=SHARED, message_ts="9.9")
    wait_until(lambda: len(refused(world, CUSTOMER)) > before)
    assert license_of(world, "demo-unattached").application_ids != ()  # still fixed
    assert world.store.fixes.last("demo-unattached").undone_at is None  # type: ignore[union-attr]
    assert key  # the real key signs every value staff pressed
