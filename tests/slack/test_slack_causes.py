"""Issue 9, item 3: a step that cannot run says why, and "try again" only when it can help.
Signed requests through the real Bolt app; the sample world's demo-unattached license has no
connection attached, so nothing is wrong with ClassLink itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack.slack_world import (
    CUSTOMER,
    SCHOOL_TEAM,
    SHARED,
    SlackWorld,
    slack_world,
    text_of,
    wait_until,
)

TRY_AGAIN = "try again in a minute"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        w.command("link demo-unattached", channel=SHARED, name="link")
        w.stub.wait_for("response_url", 1)
        yield w


def answers(world: SlackWorld, name: str) -> str:
    return " ".join(text_of(r) for r in world.responses(name))


def test_teacher_report_without_a_connection_says_so(world: SlackWorld) -> None:
    world.command("teacher someone@mgsd.org", user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED,
                  name="teacher")
    wait_until(lambda: "Not checked" in answers(world, "teacher"))
    shown = answers(world, "teacher")
    assert "no ClassLink connection is attached" in shown
    assert "probably has no class shared" not in shown
    assert TRY_AGAIN not in shown.lower()


def test_check_without_a_connection_never_says_try_again(world: SlackWorld) -> None:
    world.command("check", user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED, name="check")
    wait_until(lambda: "Not checked" in answers(world, "check"))
    shown = answers(world, "check")
    assert "no ClassLink connection is attached" in shown
    assert "did not answer" not in shown and TRY_AGAIN not in shown.lower()
