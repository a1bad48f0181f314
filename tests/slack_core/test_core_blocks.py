"""Block Kit builders keep every Slack limit, whatever the text or lists they are given."""

from __future__ import annotations

import json
from typing import Any

import core_samples as samples
import pytest

from bot.action_values import decode_action_value
from bot.blocks import (
    ACTION_ID_PREFIX,
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    MAX_TOTAL_TEXT,
    Button,
    Message,
    actions_block,
    faq_message,
    header_block,
    home_view,
    simple_message,
    split_line,
    step_message,
    teacher_options,
    teacher_picker,
    text_blocks,
)
from bot.dialog import Action, Step
from bot.knowledge import KnowledgeBase
from bot.rendering import Renderer
from checks.models import CheckResult, Finding, Status


def walk(blocks: Any) -> list[dict[str, Any]]:
    """Every dict inside a block list, depth first."""
    found: list[dict[str, Any]] = []
    stack = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def assert_within_limits(blocks: list[dict[str, Any]] | tuple[dict[str, Any], ...], *,
                         max_blocks: int = MAX_MESSAGE_BLOCKS) -> None:
    assert 0 < len(blocks) <= max_blocks
    for block in blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000 and block["text"]["text"].strip()
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
        if "block_id" in block:
            assert len(block["block_id"]) <= 255
    for node in walk(list(blocks)):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75 and len(node["value"]) <= 2000
            assert len(node["action_id"]) <= 255
        if node.get("type") == "static_select":
            assert len(node["options"]) <= 100
            assert all(len(o["value"]) <= 150 and len(o["text"]["text"]) <= 75
                       for o in node["options"])
    assert len(json.dumps(list(blocks))) < 40_000


def section_texts(blocks: Any) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


# --- text into sections -----------------------------------------------------------------------


def test_short_text_is_one_section() -> None:
    assert text_blocks("hello\nworld") == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hello\nworld"}}
    ]


def test_ten_thousand_characters_split_on_line_boundaries() -> None:
    lines = [f"• line {i:04d} " + "x" * 80 for i in range(110)]  # ~10,000 characters
    text = "\n".join(lines)
    assert len(text) > 10_000
    blocks = text_blocks(text, max_chars=20_000)
    assert len(blocks) >= 4 and all(b["type"] == "section" for b in blocks)
    assert_within_limits(blocks)
    assert section_texts(blocks).splitlines() == lines  # nothing lost, no line cut in two


def test_text_beyond_the_message_budget_ends_with_and_n_more_lines() -> None:
    text = "\n".join(f"• line {i} " + "y" * 90 for i in range(500))
    blocks = text_blocks(text)
    assert_within_limits(blocks)
    shown = section_texts(blocks).splitlines()
    assert sum(len(s) for s in shown) <= MAX_TOTAL_TEXT
    assert blocks[-1] == {"type": "context", "elements": [
        {"type": "mrkdwn", "text": f"_and {500 - len(shown)} more lines_"}]}


def test_block_budget_keeps_room_for_the_summary() -> None:
    text = "\n".join(f"line {i}" for i in range(200))
    blocks = text_blocks(text, max_blocks=3, section_limit=100)
    assert len(blocks) == 3 and blocks[-1]["type"] == "context"
    shown = len(section_texts(blocks).splitlines())
    assert f"_and {200 - shown} more lines_" in blocks[-1]["elements"][0]["text"]


def test_blank_lines_never_make_empty_sections() -> None:
    blocks = text_blocks("\n\n" + "a" * 2999 + "\n\n\n" + "b" * 10 + "\n\n", section_limit=3000)
    assert [b["text"]["text"] for b in blocks] == ["a" * 2999, "b" * 10]
    assert text_blocks("  \n \n") == []


@pytest.mark.parametrize("offset", range(0, 12))
def test_long_lines_never_split_inside_an_escape_or_token(offset: int) -> None:
    unit = "&amp; <@U12345> &lt;x&gt; <https://x.org/p|a link> "
    line = "z" * offset + unit * 200
    pieces = split_line(line, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == line.split()
    for piece in pieces:
        assert piece.count("<") == piece.count(">")
        assert piece.count("&") == piece.count(";")


def test_a_single_huge_line_still_fits() -> None:
    blocks = text_blocks("w" * 7000)
    assert_within_limits(blocks)
    assert "".join(section_texts(blocks).split("\n")) == "w" * 7000


# --- messages ---------------------------------------------------------------------------------


def test_step_message_with_seventy_findings_stays_within_limits(
    renderer: Renderer, kb: KnowledgeBase
) -> None:
    findings = [Finding("email_fix", Status.FAIL, {
        "license_email": f"teacher{i}@old-domain.example.org",
        "suggestion": f"teacher{i}@lincoln.k12.us", "teacher_name": f"Teacher Number {i}"})
        for i in range(70)]
    body = renderer.render("step", audience="staff", step="emails",
                           result=CheckResult.of(2, "emails", findings), license=None)
    message = step_message(dialog_id="d1", step=Step.EMAILS, title=kb.step("emails").title,
                           body=body)
    assert_within_limits(message.blocks)
    assert "and 45 more" in section_texts(message.blocks)
    assert message.blocks[0] == header_block("Step 2 of 3: Do the teacher emails match?")
    assert message.text.startswith("Step 2 of 3: Do the teacher emails match?")


def test_seventy_findings_as_a_flood_of_lines_are_summarised() -> None:
    body = "\n".join(f"• finding {i}: " + "f" * 400 for i in range(70))
    message = step_message(dialog_id="d1", step=Step.CONNECTION, title="t", body=body)
    assert_within_limits(message.blocks)
    context = [b for b in message.blocks if b["type"] == "context"]
    assert context and "more lines" in context[-1]["elements"][0]["text"]
    assert message.blocks[-1]["type"] == "actions"  # the buttons always survive


@pytest.mark.parametrize(
    ("step", "labels"),
    [
        (Step.CONNECTION, ["Check again", "Next step", "This fixed it", "Talk to support"]),
        (Step.EMAILS, ["Check again", "Back", "Next step", "This fixed it", "Talk to support"]),
        (Step.SANITY, ["Check again", "Back", "This fixed it", "Talk to support"]),
    ],
)
def test_step_buttons_carry_decodable_values(step: Step, labels: list[str]) -> None:
    message = step_message(dialog_id="d42", step=step, title="t", body="b", key=b"k")
    buttons = message.blocks[-1]["elements"]
    assert [b["text"]["text"] for b in buttons] == labels
    for button in buttons:
        decoded = decode_action_value(button["value"], key=b"k")
        assert decoded.dialog_id == "d42"
        assert button["action_id"] == ACTION_ID_PREFIX + decoded.action


def test_step_message_rejects_non_check_steps() -> None:
    with pytest.raises(ValueError):
        step_message(dialog_id="d1", step=Step.FIXED, title="t", body="b")


def test_teacher_picker_past_100_is_a_search_that_says_how_many_there_are() -> None:
    teachers = [(f"t{i}@lincoln.k12.us", f"Teacher {i} " + "n" * 80) for i in range(240)]
    teachers.append(("x" * 120 + "@long.example.org", "Too Long"))  # value would pass 150
    message = step_message(dialog_id="d1", step=Step.SANITY, title="t", body="b",
                           teachers=teachers, key=b"k")
    assert_within_limits(message.blocks)
    assert not any(n.get("type") == "static_select" for n in walk(list(message.blocks)))
    search = next(b for b in message.blocks
                  if b["type"] == "actions" and b["elements"][0]["type"] == "external_select")
    marker = decode_action_value(search["block_id"], key=b"k")
    assert (marker.dialog_id, marker.action, marker.step) == ("d1", Action.PICK_TEACHER, "sanity")
    assert search["elements"][0]["action_id"] == ACTION_ID_PREFIX + Action.PICK_TEACHER
    note = [b for b in message.blocks if b["type"] == "context"][-1]
    assert note["elements"][0]["text"].startswith("241 teachers")

    options = teacher_options(teachers, dialog_id="d1", key=b"k")
    assert len(options) == 100
    assert decode_action_value(options[0]["value"], key=b"k").arg == "t0@lincoln.k12.us"
    assert options[0]["text"]["text"].endswith("…")
    assert teacher_picker(dialog_id="d1", teachers=[]) == []


def test_teacher_picker_up_to_100_is_a_static_select() -> None:
    teachers = [(f"t{i}@lincoln.k12.us", f"Teacher {i}") for i in range(99)]
    teachers.append(("x" * 120 + "@long.example.org", "Too Long"))  # value would pass 150
    blocks = teacher_picker(dialog_id="d1", teachers=teachers)
    assert_within_limits(blocks)
    options = blocks[0]["elements"][0]["options"]
    assert blocks[0]["elements"][0]["type"] == "static_select" and len(options) == 99
    assert blocks[-1]["elements"][0]["text"].startswith("and 1 more")


def test_teacher_picker_only_at_the_sanity_step() -> None:
    message = step_message(dialog_id="d1", step=Step.EMAILS, title="t", body="b",
                           teachers=[("a@b.org", "A")])
    assert not any(n.get("type") == "static_select" for n in walk(list(message.blocks)))


def test_faq_message(renderer: Renderer, kb: KnowledgeBase) -> None:
    article = kb.article("rostering_not_working")
    text = renderer.render("faq_answer", audience="customer", article=article)
    message = faq_message(text=text, prompt=kb.string("faq_prompt"), article_id=article.id,
                          offers_troubleshooting=article.offers_troubleshooting)
    assert_within_limits(message.blocks)
    assert message.blocks[-2]["elements"][0]["text"] == "Did this answer your question?"
    actions = [decode_action_value(b["value"]) for b in message.blocks[-1]["elements"]]
    assert [a.action for a in actions] == [Action.FAQ_YES, Action.FAQ_NO,
                                           Action.START_TROUBLESHOOTING]
    assert {a.arg for a in actions} == {article.id} and {a.dialog_id for a in actions} == {""}
    plain = faq_message(text="x", prompt="?", article_id="sync_timing",
                        offers_troubleshooting=False)
    assert len(plain.blocks[-1]["elements"]) == 2


def test_home_view_allows_a_hundred_blocks() -> None:
    text = "\n\n".join("h" * 2900 for _ in range(150))
    view = home_view(text, title="rosterbot")
    assert view["type"] == "home"
    assert_within_limits(view["blocks"], max_blocks=100)
    assert view["blocks"][0]["type"] == "header"


def test_simple_message_and_fallback_text() -> None:
    message = simple_message("", ephemeral=True)
    assert message == Message(text="rosterbot", blocks=(), ephemeral=True)
    message = simple_message("\n*First* line\nsecond", buttons=[
        Button("Talk to support " + "s" * 100, Action.TALK_TO_SUPPORT)], dialog_id="d1")
    assert message.text == "*First* line" and not message.ephemeral
    assert_within_limits(message.blocks)
    payload = message.payload()
    assert payload["text"] == "*First* line" and len(payload["blocks"]) == 2


def test_actions_block_limits() -> None:
    with pytest.raises(ValueError):
        actions_block([], dialog_id="d1")
    with pytest.raises(ValueError):
        actions_block([Button(str(i), Action.FIXED) for i in range(26)], dialog_id="d1")
    with pytest.raises(ValueError):
        actions_block([Button("a", Action.FIXED)], dialog_id="d1", block_id="b" * 256)
    block = actions_block([Button(str(i), Action.FIXED) for i in range(25)], dialog_id="d1")
    assert len(block["elements"]) == 25


def test_header_is_clipped() -> None:
    block = header_block("h" * 400)
    assert len(block["text"]["text"]) == 150 and block["text"]["text"].endswith("…")


def test_rendered_samples_all_fit(renderer: Renderer) -> None:
    for name in samples.TEMPLATES_WITH_SAMPLES:
        for audience in ("staff", "customer"):
            text = renderer.render(name, audience=audience, **samples.template_data(name))
            message = simple_message(text)
            assert_within_limits(message.blocks)
            assert len(section_texts(message.blocks)) <= MAX_TOTAL_TEXT
            assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT
                       for b in message.blocks if b["type"] == "section")
