"""A fourth check step needs the registry, its rule, its words and its tests, and nothing else.

The test registers a dummy step at runtime (checks.steps.STEPS.extended), gives it its texts in
a copy of knowledge/ and its findings' templates in a folder searched before bot/templates, and
drives the real Bolt app (signed requests, the Slack stand-in, the ClassLink sandbox) through
all four steps, then `/roster check`. No module of the bot is edited or patched beyond where it
reads its words from.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import yaml

import bot.app
import bot.rendering
from bot.dialog import CHECK_STEPS, Step
from bot.knowledge import default_knowledge_dir, load_knowledge
from bot.rendering import TEMPLATES_DIR, Renderer
from bot.yaml_nodes import KnowledgeFileError
from checks.models import CheckResult, Finding, Status
from checks.steps import STEPS, CheckStep, Facts
from tests.slack.slack_world import (
    INTERNAL,
    SlackWorld,
    buttons,
    finished_step,
    slack_world,
    text_of,
    wait_until,
)

HOSTILE = "<!channel> & Co"
TITLE = "Does the roster have people in it?"


def count_people(facts: Facts, earlier: Mapping[str, CheckResult]) -> CheckResult:
    """The dummy rule: counts what the district sends; codes and data, no sentences."""
    if facts.roster is None:
        finding = Finding("headcount_unknown", Status.UNKNOWN,
                          {"after": earlier["sanity"].status.value})
    else:
        finding = Finding("headcount_low", Status.WARN,
                          {"people": len(facts.roster.users), "district": HOSTILE})
    return CheckResult.of(4, "headcount", [finding])


HEADCOUNT = CheckStep("headcount", 4, count_people,
                      frozenset({"headcount_low", "headcount_unknown"}))


@pytest.fixture
def words(tmp_path: Path) -> tuple[Path, Path]:
    """The step's words: its texts in a copy of knowledge/, its findings' templates."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    dialog = yaml.safe_load((knowledge / "dialog.yml").read_text())
    dialog["steps"]["headcount"] = {
        "title": TITLE,
        "summary": "Pivot can only roster the people ClassLink sends.",
        "help": "Ask your ClassLink administrator what is shared with Pivot.",
        "on_fail": {"headcount_low": "Share more people with Pivot & check again.",
                    "headcount_unknown": "Fix the steps before this one first."},
    }
    (knowledge / "dialog.yml").write_text(yaml.safe_dump(dialog, sort_keys=False))
    templates = tmp_path / "templates"
    (templates / "findings").mkdir(parents=True)
    (templates / "findings" / "headcount_low.j2").write_text(
        'ClassLink sends {{ d.people|plural("person", "people") }} for '
        '{{ d.district|mrkdwn|strong }}.\n')
    (templates / "findings" / "headcount_unknown.j2").write_text(
        "Not counted: step 3 was {{ d.after|status_word|lower }}.\n")
    return knowledge, templates


@pytest.fixture
def four_steps(words: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    knowledge, templates = words
    with STEPS.extended(HEADCOUNT):
        kb = load_knowledge(knowledge)
        monkeypatch.setattr(bot.app, "load_knowledge", lambda *_directory: kb)
        monkeypatch.setattr(bot.rendering, "TEMPLATE_DIRS", (templates, TEMPLATES_DIR))
        yield


@pytest.fixture
def world(four_steps: None, tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def test_the_dialog_walks_the_fourth_step(world: SlackWorld) -> None:
    assert [str(s) for s in CHECK_STEPS] == ["connection", "emails", "sanity", "headcount"]
    after = len(world.stub.calls("chat.postMessage"))
    world.command("troubleshoot demo-healthy")
    ts, message = finished_step(world, INTERNAL, "Step 1 of 4", after=after)
    thread = _thread(world, ts)
    for number in (2, 3, 4):
        after = len(world.stub.calls("chat.postMessage"))
        world.press(buttons(message)["next_step"], message_ts=ts, thread_ts=thread)
        ts, message = finished_step(world, INTERNAL, f"Step {number} of 4", after=after)
    shown = text_of(message)
    assert f"Step 4 of 4: {TITLE}" in shown
    assert "ClassLink sends" in shown and "*&lt;!channel&gt; &amp; Co*" in shown
    assert "<!channel>" not in shown
    assert "Share more people with Pivot &amp; check again." in shown  # its advice
    assert set(buttons(message)) >= {"check_again", "prev_step", "fixed", "talk_to_support"}
    assert "next_step" not in buttons(message)  # the last step

    after = len(world.stub.calls("chat.postMessage"))
    world.press(buttons(message)["prev_step"], message_ts=ts, thread_ts=thread)
    finished_step(world, INTERNAL, "Step 3 of 4", after=after)
    state = world.store.find_dialog_by_thread(INTERNAL, thread)
    assert state is not None and state.state["results"]["headcount"] == "warn"


def test_roster_check_shows_four_steps(world: SlackWorld) -> None:
    world.command("check demo-healthy", name="check")
    wait_until(lambda: any(TITLE in text_of(r) for r in world.responses("check")), timeout=15)
    text = next(text_of(r) for r in world.responses("check") if TITLE in text_of(r))
    assert f"*4. {TITLE}*" in text
    assert "ClassLink sends" in text and "&lt;!channel&gt; &amp; Co" in text


def test_a_step_without_its_words_does_not_load(words: tuple[Path, Path]) -> None:
    knowledge, templates = words
    with STEPS.extended(HEADCOUNT):
        assert Step("headcount") in CHECK_STEPS and len(CHECK_STEPS) == 4
        kb = load_knowledge(knowledge)
        Renderer.create(kb, templates_dir=(templates, TEMPLATES_DIR))
        with pytest.raises(KnowledgeFileError, match="step headcount can report headcount_"):
            Renderer.create(kb)  # the shipped templates alone do not word it
        with pytest.raises(KnowledgeFileError, match=r"missing key\(s\): headcount"):
            load_knowledge()  # nor does the shipped dialog.yml give it texts
    assert len(CHECK_STEPS) == 3 and "headcount" not in CHECK_STEPS
    with pytest.raises(ValueError):
        Step("headcount")
    with pytest.raises(KnowledgeFileError, match=r"unknown key\(s\): headcount"):
        load_knowledge(knowledge)  # its texts without the step: an unknown step


def _thread(world: SlackWorld, ts: str) -> str:
    call = next(c for c in world.stub.calls("chat.postMessage") if str(c.reply["ts"]) == ts)
    return str(call.params["thread_ts"])
