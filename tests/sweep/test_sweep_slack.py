"""The watch through the real Bolt app and the Slack stand-in: `/roster watch on|off` (staff
only), a sweep over the sample world posting its digest, a second sweep after one license broke
reporting exactly that regression (and announcing it, in customer wording, in the one watched
channel of that license), and the last sweep in the staff App Home with its buttons."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sweep.digest import Announcer, Told
from bot.sweep.run import SweepRun, run_sweep, sweep_lease
from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    CUSTOMER,
    HOME_TEAM,
    INTERNAL,
    OTHER_CUSTOMER,
    OTHER_SCHOOL,
    OTHER_SHARED,
    SCHOOL_TEAM,
    SHARED,
    STAFF,
    SUPPORT,
    SlackWorld,
    buttons,
    finished_step,
    slack_world,
    text_of,
    wait_until,
)

BROKEN = "demo-healthy"
STILL_BROKEN = ["demo-disabled", "demo-emails", "demo-few-students", "demo-unattached"]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def reply(world: SlackWorld, text: str, *, user: str = STAFF, team: str = HOME_TEAM,
          channel: str = INTERNAL) -> str:
    name = f"r{len(world.stub.calls('response_url'))}"
    before = len(world.stub.calls("response_url"))
    world.command(text, user=user, team=team, channel=channel, name=name)
    world.stub.wait_for("response_url", before + 1)
    return "\n".join(text_of(r) for r in world.responses(name))


def sweep(world: SlackWorld) -> tuple[SweepRun, Told]:
    deps = world.built.service.deps
    with sweep_lease(world.store):
        run = run_sweep(world.store, deps.diagnoser, concurrency=4)
    announcer = Announcer(renderer=deps.renderer, messenger=deps.messenger, store=world.store,
                          support_channel=SUPPORT, action_key=deps.action_key)
    return run, announcer.tell(run)


def break_license(world: SlackWorld, license_id: str) -> None:
    """An instructor email ClassLink does not send, as a typo in the license would be."""
    licenses = world.built.service.deps.diagnoser.licenses
    lic = licenses.get(license_id)
    emails = (*lic.instructor_emails[:-1], "nobody.here@rcschools.net")
    licenses.upsert(dataclasses.replace(lic, instructor_emails=emails))  # type: ignore[attr-defined]


def posts(world: SlackWorld, channel: str, *, thread: str | None = None,
          top: bool = False) -> list[dict[str, Any]]:
    return [c.params for c in world.stub.calls("chat.postMessage")
            if c.params.get("channel") == channel
            and (thread is None or c.params.get("thread_ts") == thread)
            and not (top and c.params.get("thread_ts"))]


def test_watch_is_staff_only_and_needs_a_linked_channel(world: SlackWorld) -> None:
    assert "not linked" in reply(world, "watch on")
    assert "Linked" in reply(world, f"link {BROKEN}", channel=SHARED) or \
        world.store.linked_license(SHARED) == BROKEN
    assert "are not announced" in reply(world, "watch", channel=SHARED)
    assert "Watch turned on" in reply(world, "watch on", channel=SHARED)
    assert world.store.sweeps.watching(SHARED)
    refused = reply(world, "watch off", user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED)
    assert "only available to Pivot staff" in refused
    assert world.store.sweeps.watching(SHARED)
    wait_until(lambda: any(e.refused and e.user_id == CUSTOMER and "watch" in e.command
                           for e in world.store.audit_entries(limit=50)))
    assert "Say `on` or `off`" in reply(world, "watch maybe", channel=SHARED)
    assert "Watch turned off" in reply(world, "watch off", channel=SHARED)
    assert not world.store.sweeps.watching(SHARED)
    wait_until(lambda: any(e.command.endswith("/roster watch off") and not e.refused
                           for e in world.store.audit_entries(license_id=BROKEN, limit=50)))


def test_a_second_sweep_reports_exactly_the_license_that_broke(world: SlackWorld) -> None:
    reply(world, f"link {BROKEN}", channel=SHARED)
    reply(world, "watch on", channel=SHARED)
    reply(world, "link demo-emails", channel=OTHER_SHARED)  # broken all along, and watched
    reply(world, "watch on", channel=OTHER_SHARED)

    first, told = sweep(world)
    assert first.comparison.counts()["first_broken"] == 4 and not first.comparison.compared
    [digest] = posts(world, SUPPORT, top=True)
    text = text_of(digest)
    assert "5 licenses" in text and "First sweep" in text
    assert told.digest_ts and told.details >= 1 and told.announced == ()
    thread = "\n".join(text_of(p) for p in posts(world, SUPPORT, thread=told.digest_ts))
    assert all(f"*{lid}*" in thread for lid in STILL_BROKEN) and f"*{BROKEN}*" not in thread

    break_license(world, BROKEN)
    second, told = sweep(world)
    c = second.comparison
    assert [x.license_id for x in c.newly_broken] == [BROKEN]
    assert c.newly_broken[0].new_codes[0] == "email_not_found"
    assert [x.license_id for x in c.still_broken] == STILL_BROKEN
    assert not c.recovered and not c.classlink_errors and not c.first_broken
    digest = posts(world, SUPPORT, top=True)[-1]
    text = text_of(digest)
    newly = text[text.index("Newly broken (1)"):text.index("Recovered (0)")]
    assert BROKEN in newly and "nobody.here@rcschools.net" in newly
    assert not any(lid in newly for lid in STILL_BROKEN)
    assert "Still broken (4)" in text

    assert told.announced == (SHARED,)  # the regression's watched channel, and only it
    [announced] = posts(world, SHARED, top=True)[-1:]
    said = text_of(announced)
    assert "Riverside County Schools" in said and "needs attention" in said
    assert "nobody.here@rcschools.net" in said
    for other in ("demo-emails", "Lincoln", "Harbor View", "Maple Grove", "Cedar Falls",
                  "1042", "••••", "email_not_found", "tenant"):
        assert other not in said, other
    assert not any("needs attention" in text_of(p) for p in posts(world, OTHER_SHARED))

    # its button starts the dialog for the channel's license, for the customer there
    start = buttons(announced)["start_troubleshooting"]
    announced_ts = next(str(c.reply["ts"]) for c in world.stub.calls("chat.postMessage")
                        if c.params is announced)
    after = len(world.stub.calls("chat.postMessage"))
    world.press(start, action="rosterbot.start_troubleshooting", user=CUSTOMER,
                team=SCHOOL_TEAM, channel=SHARED, message_ts=announced_ts)
    _ts, step = finished_step(world, SHARED, "Step 1 of 3", after=after)
    assert "Riverside" in text_of(step)


def test_the_staff_home_shows_the_last_sweep_and_opens_a_diagnosis(world: SlackWorld) -> None:
    before_any = home(world, STAFF, "EvH0")
    assert "No sweep has finished yet" in before_any
    sweep(world)
    view = home(world, STAFF, "EvH1")
    assert "Last sweep" in view and "1 pass" in view and "4 broken" in view
    assert view.index("Last sweep") < view.index("demo-disabled") < view.index("Recent diagnoses")
    blocks = world.stub.home_view(STAFF)["blocks"]  # type: ignore[index]
    opened = {e["text"]["text"]: e["value"] for b in blocks if b["type"] == "actions"
              for e in b["elements"]}
    assert set(opened) == {f"Open {lid}" for lid in STILL_BROKEN}

    refused_before = len([e for e in world.store.audit_entries(limit=100) if e.refused])
    world.press(opened["Open demo-emails"], action="rosterbot.open_diagnosis", user=CUSTOMER,
                team=SCHOOL_TEAM, channel="", name="home-customer")
    wait_until(lambda: len([e for e in world.store.audit_entries(limit=100)
                            if e.refused]) > refused_before)
    assert not posts(world, CUSTOMER)

    world.press(opened["Open demo-emails"], action="rosterbot.open_diagnosis", user=STAFF,
                channel="", name="home-staff")
    wait_until(lambda: bool(posts(world, STAFF)))
    dm = text_of(posts(world, STAFF)[-1])
    assert "demo-emails" in dm and "Maria.Garcia@LincolnUSD.org" in dm
    assert "start_troubleshooting" in json.dumps(posts(world, STAFF)[-1].get("blocks"))

    customer = home(world, CUSTOMER, "EvH2", team=SCHOOL_TEAM)
    assert "Last sweep" not in customer and "demo-" not in customer
    other = home(world, OTHER_CUSTOMER, "EvH3", team=OTHER_SCHOOL)
    assert "Last sweep" not in other


def home(world: SlackWorld, user: str, event_id: str, *, team: str = HOME_TEAM) -> str:
    before = len(world.stub.calls("views.publish"))
    world.send(sr.app_home_opened(user, team_id=team, event_id=event_id))
    world.stub.wait_for("views.publish", before + 1)
    view = world.stub.home_view(user)
    assert view is not None
    return json.dumps(view.get("blocks"), ensure_ascii=False)
