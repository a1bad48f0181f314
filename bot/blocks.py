"""Block Kit builders: rendered text and buttons in, Slack message and view dicts out.

The only module with Block Kit literals. Every builder enforces Slack's limits instead of hoping:
at most 50 blocks a message (100 a Home tab), 3,000 characters a section (long text is split on
line boundaries, never inside an escape such as "&amp;" or a "<...>" token), 150 a header, 75 a
button label, 2,000 a button value, 255 an action_id or block_id, 25 elements an actions block,
100 options a select, and about 12,000 characters of text overall (Slack rejects bigger messages
with msg_blocks_too_long even when each block is within its limit). What does not fit is
summarised as "and N more lines". Pure: no Slack SDK, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.action_values import encode_action_value
from bot.dialog import CHECK_STEPS, Action, Step

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID_LENGTH = 255
MAX_ACTIONS_ELEMENTS = 25
MAX_SELECT_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER_TEXT = 150
MAX_TOTAL_TEXT = 12_000
MAX_FALLBACK_TEXT = 3000

ACTION_ID_PREFIX = "rosterbot."  # listeners match r"^rosterbot\." and read the action from value


@dataclass(frozen=True, slots=True)
class Message:
    """A message to post: fallback `text` (always set), `blocks`, and whether only the asker
    should see it (chat.postEphemeral / response_type "ephemeral")."""

    text: str
    blocks: tuple[Block, ...]
    ephemeral: bool = False

    def payload(self) -> dict[str, Any]:
        """The keyword arguments for chat.postMessage / chat.update / respond()."""
        return {"text": self.text, "blocks": [dict(b) for b in self.blocks]}


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: Action
    arg: str = ""
    style: str | None = None  # "primary" | "danger" | None


# ---------------------------------------------------------------------------------------------
# Builders


def simple_message(
    text: str, *, ephemeral: bool = False, buttons: Sequence[Button] = (), dialog_id: str = "",
    key: bytes = b"", extra: Sequence[Block] = (),
) -> Message:
    """Text in sections, then `extra` blocks (e.g. a row of fix buttons), optionally followed by
    one row of buttons."""
    tail = [*extra, *([actions_block(buttons, dialog_id=dialog_id, key=key)] if buttons else [])]
    return _message(header=None, body=text, tail=tail, ephemeral=ephemeral)


def step_message(
    *, dialog_id: str, step: Step, title: str, body: str,
    teachers: Sequence[tuple[str, str]] = (), ephemeral: bool = False, key: bytes = b"",
    extra: Sequence[Block] = (),
) -> Message:
    """One dialog step: "Step n of 3" header, the rendered body, `extra` blocks (the step's fix
    buttons), the step's buttons, and at the sanity step a teacher picker over `teachers`
    ((email, name) pairs)."""
    if step not in CHECK_STEPS:
        raise ValueError(f"{step} is not a check step")
    number = CHECK_STEPS.index(step) + 1
    tail: list[Block] = list(extra)
    if step is Step.SANITY and teachers:
        tail += teacher_picker(dialog_id=dialog_id, teachers=teachers, key=key)
    tail.append(actions_block(step_buttons(step), dialog_id=dialog_id, key=key, step=step))
    header = f"Step {number} of {len(CHECK_STEPS)}: {title}"
    return _message(header=header, body=body, tail=tail, ephemeral=ephemeral)


def step_buttons(step: Step) -> list[Button]:
    """Check again, Back / Next where they exist, This fixed it, Talk to support."""
    index = CHECK_STEPS.index(step)
    buttons = [Button("Check again", Action.CHECK_AGAIN)]
    if index > 0:
        buttons.append(Button("Back", Action.PREV_STEP))
    if index + 1 < len(CHECK_STEPS):
        buttons.append(Button("Next step", Action.NEXT_STEP, style="primary"))
    buttons.append(Button("This fixed it", Action.FIXED))
    buttons.append(Button("Talk to support", Action.TALK_TO_SUPPORT))
    return buttons


def faq_message(
    *, text: str, prompt: str, article_id: str, offers_troubleshooting: bool,
    dialog_id: str = "", ephemeral: bool = False, key: bytes = b"",
) -> Message:
    """An FAQ answer, then `prompt` ("Did this answer your question?") with Yes / No, and a
    "Start troubleshooting" button when the article offers it. Buttons carry the article id."""
    buttons = [Button("Yes", Action.FAQ_YES, article_id), Button("No", Action.FAQ_NO, article_id)]
    if offers_troubleshooting:
        buttons.append(
            Button("Start troubleshooting", Action.START_TROUBLESHOOTING, article_id, "primary")
        )
    tail = [context_block(prompt), actions_block(buttons, dialog_id=dialog_id, key=key)]
    return _message(header=None, body=text, tail=tail, ephemeral=ephemeral)


def home_view(text: str, *, title: str | None = None) -> dict[str, Any]:
    """The App Home tab (views.publish `view`), at most 100 blocks."""
    head = [header_block(title)] if title else []
    body = text_blocks(text, max_blocks=MAX_VIEW_BLOCKS - len(head))
    return {"type": "home", "blocks": head + body}


LINK_CALLBACK_ID = ACTION_ID_PREFIX + "link"
LINK_BLOCK_ID, LINK_ACTION_ID = "license", "license"


def link_modal(*, licenses: Sequence[tuple[str, str]], metadata: str) -> dict[str, Any]:
    """The modal staff use to link a channel: a license select (typed id past 100 licenses).
    `metadata` is the signed channel id; the submission is refused if it was altered."""
    if 0 < len(licenses) <= MAX_SELECT_OPTIONS:
        element: Block = {
            "type": "static_select", "action_id": LINK_ACTION_ID,
            "placeholder": plain_text("Pick a license", MAX_PLACEHOLDER_TEXT),
            "options": [{"text": plain_text(f"{lid}: {name}", MAX_OPTION_TEXT), "value": lid}
                        for lid, name in licenses if len(lid) <= MAX_OPTION_VALUE],
        }
    else:
        element = {"type": "plain_text_input", "action_id": LINK_ACTION_ID,
                   "placeholder": plain_text("License ID", MAX_PLACEHOLDER_TEXT)}
    return {
        "type": "modal", "callback_id": LINK_CALLBACK_ID, "private_metadata": metadata,
        "title": plain_text("Link this channel", 24), "submit": plain_text("Link", 24),
        "close": plain_text("Cancel", 24),
        "blocks": [
            section_block("Customers in this channel will see this license's checks, and only "
                          "this license's."),
            {"type": "input", "block_id": LINK_BLOCK_ID, "element": element,
             "label": plain_text("License", MAX_HEADER_TEXT)},
        ],
    }


FIX_CALLBACK_ID = ACTION_ID_PREFIX + "fix"


def fix_modal(*, title: str, body: str, metadata: str, submit: str = "Apply") -> dict[str, Any]:
    """The confirmation of a fix: the change and the license before and after (`body`, mrkdwn),
    Apply and Cancel. `metadata` is the signed change; the submission is refused if it was
    altered, and by anyone but staff."""
    return {
        "type": "modal", "callback_id": FIX_CALLBACK_ID, "private_metadata": metadata,
        "title": plain_text(title, 24), "submit": plain_text(submit, 24),
        "close": plain_text("Cancel", 24),
        "blocks": text_blocks(body, max_blocks=MAX_VIEW_BLOCKS),
    }


TEACHER_SEARCH_ACTION_ID = ACTION_ID_PREFIX + Action.PICK_TEACHER


def teacher_picker(
    *, dialog_id: str, teachers: Sequence[tuple[str, str]], key: bytes = b"",
    placeholder: str = "Pick a teacher",
) -> list[Block]:
    """The sanity step's picker over (email, name) pairs, in the order given (the license's
    teachers first). Up to 100 it is a static select whose option values are signed
    pick_teacher actions. Past Slack's 100 options it is an external_select searched as the user
    types (Slack asks with block_suggestion requests; `teacher_options` answers), its block_id
    the signed dialog id, with a line saying how many teachers there are to search."""
    if len(teachers) > MAX_SELECT_OPTIONS:
        marker = encode_action_value(dialog_id, Action.PICK_TEACHER, key=key, step=Step.SANITY)
        return [
            {
                "type": "actions",
                "block_id": _checked_id(marker),
                "elements": [{
                    "type": "external_select",
                    "action_id": _checked_id(TEACHER_SEARCH_ACTION_ID),
                    "placeholder": plain_text("Type a teacher's name or email",
                                              MAX_PLACEHOLDER_TEXT),
                    "min_query_length": 0,
                }],
            },
            context_block(f"{len(teachers)} teachers, those on the license first: type a name "
                          "or an email to find one."),
        ]
    options, skipped = _teacher_options(teachers, dialog_id=dialog_id, key=key)
    blocks: list[Block] = []
    if options:
        blocks.append({
            "type": "actions",
            "block_id": _checked_id("rosterbot.teacher_picker"),
            "elements": [{
                "type": "static_select",
                "action_id": _checked_id(TEACHER_SEARCH_ACTION_ID),
                "placeholder": plain_text(placeholder, MAX_PLACEHOLDER_TEXT),
                "options": options,
            }],
        })
    if skipped:
        blocks.append(context_block(f"and {skipped} more: type a teacher's email to look them up"))
    return blocks


def teacher_options(
    teachers: Sequence[tuple[str, str]], *, dialog_id: str, key: bytes = b"",
) -> list[Block]:
    """The answer to a teacher search (block_suggestion): the first 100 (email, name) matches
    as options whose values are signed pick_teacher actions for `dialog_id`."""
    return _teacher_options(teachers, dialog_id=dialog_id, key=key)[0]


def _teacher_options(
    teachers: Sequence[tuple[str, str]], *, dialog_id: str, key: bytes,
) -> tuple[list[Block], int]:
    """At most 100 options, and how many teachers did not fit (or had too long an address)."""
    options: list[Block] = []
    skipped = 0
    for email, name in teachers:
        if len(options) >= MAX_SELECT_OPTIONS:
            skipped += 1
            continue
        value = encode_action_value(dialog_id, Action.PICK_TEACHER, email, key=key,
                                    step=Step.SANITY)
        if len(value) > MAX_OPTION_VALUE:
            skipped += 1
            continue
        label = f"{name} ({email})" if name else email
        options.append({"text": plain_text(label, MAX_OPTION_TEXT), "value": value})
    return options, skipped


def license_prompt(text: str, *, dialog_id: str, key: bytes = b"",
                   placeholder: str = "Search licenses by ID, name or district") -> Message:
    """The choose-license step: `text`, then a searchable license picker (an external_select;
    Slack asks for its options with block_suggestion requests as the user types). Its block_id
    carries the signed dialog id, so the options request knows whose options to sign."""
    marker = encode_action_value(dialog_id, Action.CHOOSE_LICENSE, key=key,
                                 step=Step.CHOOSE_LICENSE)
    picker: Block = {
        "type": "actions",
        "block_id": _checked_id(marker),
        "elements": [{
            "type": "external_select",
            "action_id": _checked_id(ACTION_ID_PREFIX + Action.CHOOSE_LICENSE),
            "placeholder": plain_text(placeholder, MAX_PLACEHOLDER_TEXT),
            "min_query_length": 0,
        }],
    }
    return _message(header=None, body=text, tail=[picker], ephemeral=False)


def license_options(
    licenses: Sequence[tuple[str, str]], *, dialog_id: str, key: bytes = b"",
) -> list[Block]:
    """The options answering a license picker's block_suggestion: (id, label) pairs, at most
    100, each value a signed choose_license action for `dialog_id` at the choose-license step."""
    options: list[Block] = []
    for license_id, label in licenses:
        value = encode_action_value(dialog_id, Action.CHOOSE_LICENSE, license_id, key=key,
                                    step=Step.CHOOSE_LICENSE)
        if len(value) > MAX_OPTION_VALUE:
            continue
        options.append({"text": plain_text(label, MAX_OPTION_TEXT), "value": value})
        if len(options) == MAX_SELECT_OPTIONS:
            break
    return options


# ---------------------------------------------------------------------------------------------
# Single blocks


def header_block(text: str) -> Block:
    return {"type": "header", "text": plain_text(text, MAX_HEADER_TEXT)}


def section_block(text: str) -> Block:
    if len(text) > MAX_SECTION_TEXT:
        raise ValueError(f"section text has {len(text)} characters (limit {MAX_SECTION_TEXT})")
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context_block(text: str) -> Block:
    element = {"type": "mrkdwn", "text": _clip(text, MAX_SECTION_TEXT)}
    return {"type": "context", "elements": [element]}


def actions_block(
    buttons: Sequence[Button], *, dialog_id: str, key: bytes = b"",
    block_id: str = "rosterbot.actions", step: str = "",
) -> Block:
    """One row of buttons (at most 25); each value is encode_action_value(dialog_id, ...),
    naming `step` when the row belongs to a step's message."""
    if not buttons:
        raise ValueError("an actions block needs at least one button")
    if len(buttons) > MAX_ACTIONS_ELEMENTS:
        raise ValueError(f"{len(buttons)} buttons (limit {MAX_ACTIONS_ELEMENTS} per block)")
    return {
        "type": "actions",
        "block_id": _checked_id(block_id),
        "elements": [_button(b, dialog_id=dialog_id, key=key, step=step) for b in buttons],
    }


def plain_text(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _clip(text, limit) or " ", "emoji": True}


def _button(button: Button, *, dialog_id: str, key: bytes, step: str = "") -> Block:
    value = encode_action_value(dialog_id, button.action, button.arg, key=key, step=step)
    if len(value) > MAX_BUTTON_VALUE:  # encode_action_value already refuses; kept as a guard
        raise ValueError("button value too long")
    element: Block = {
        "type": "button",
        "text": plain_text(button.label, MAX_BUTTON_TEXT),
        "action_id": _checked_id(ACTION_ID_PREFIX + button.action),
        "value": value,
    }
    if button.style:
        element["style"] = button.style
    return element


def _checked_id(identifier: str) -> str:
    if not identifier or len(identifier) > MAX_ID_LENGTH:
        raise ValueError(f"block/action id must be 1-{MAX_ID_LENGTH} characters: {identifier!r}")
    return identifier


# ---------------------------------------------------------------------------------------------
# Text to sections, within the limits


def text_blocks(
    text: str, *, max_blocks: int = MAX_MESSAGE_BLOCKS, max_chars: int = MAX_TOTAL_TEXT,
    section_limit: int = MAX_SECTION_TEXT,
) -> list[Block]:
    """Sections of at most `section_limit` characters, split on line boundaries; when the text
    needs more than `max_blocks` blocks or `max_chars` characters, as much as fits is kept and a
    last block says how many lines were left out ("and 37 more lines")."""
    lines = [piece for line in text.splitlines() for piece in split_line(line, section_limit)]
    sections, rest = _pack(lines, max_sections=max_blocks, max_chars=max_chars, limit=section_limit)
    if rest:
        budget = max(0, max_chars - _SUMMARY_RESERVE)
        sections, rest = _pack(lines, max_sections=max_blocks - 1, max_chars=budget,
                               limit=section_limit)
    blocks = [section_block(s) for s in sections]
    left_out = sum(1 for line in rest if line.strip())
    if left_out:
        blocks.append(context_block(f"_and {left_out} more line{'s' if left_out != 1 else ''}_"))
    return blocks


_SUMMARY_RESERVE = 40  # characters kept free for the "and N more lines" block


def _pack(
    lines: list[str], *, max_sections: int, max_chars: int, limit: int
) -> tuple[list[str], list[str]]:
    """Lines joined into sections; returns (sections, lines that did not fit)."""
    sections: list[str] = []
    current: list[str] = []
    size = used = 0
    for index, line in enumerate(lines):
        if used + len(line) > max_chars:
            return _flush(sections, current), lines[index:]
        if current and size + 1 + len(line) > limit:
            if len(sections) + 1 >= max_sections:
                return _flush(sections, current), lines[index:]
            sections = _flush(sections, current)
            current, size = [], 0
        if not current and not line.strip():
            continue  # a section must not start with (or be only) blank lines
        current.append(line)
        size += len(line) + (1 if len(current) > 1 else 0)
        used += len(line) + 1
    if max_sections < 1 and current:
        return [], lines
    return _flush(sections, current), []


def _flush(sections: list[str], current: list[str]) -> list[str]:
    text = "\n".join(current).rstrip()
    return [*sections, text] if text.strip() else sections


def split_line(line: str, limit: int) -> list[str]:
    """A line cut into pieces of at most `limit` characters, preferably at spaces, never inside
    an escape ("&amp;") or a "<...>" token (mention, link, date)."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = _safe_cut(line, limit)
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces


def _safe_cut(line: str, limit: int) -> int:
    cut = line.rfind(" ", limit // 2, limit + 1)
    cut = cut if cut > 0 else limit
    opened = line.rfind("<", 0, cut)
    if opened > line.rfind(">", 0, cut) and opened > 0:
        cut = opened  # do not split a <...> token
    amp = line.rfind("&", max(0, cut - 8), cut)
    if amp >= 0 and ";" not in line[amp:cut] and amp > 0:
        cut = amp  # do not split &amp; / &lt; / &gt;
    return cut


# ---------------------------------------------------------------------------------------------
# Assembling a message


def _message(*, header: str | None, body: str, tail: list[Block], ephemeral: bool) -> Message:
    head = [header_block(header)] if header else []
    room = MAX_MESSAGE_BLOCKS - len(head) - len(tail)
    tail_chars = sum(_text_size(b) for b in tail)
    blocks = head + text_blocks(body, max_blocks=room, max_chars=MAX_TOTAL_TEXT - tail_chars) + tail
    return Message(text=fallback_text(header, body), blocks=tuple(blocks), ephemeral=ephemeral)


def fallback_text(header: str | None, body: str) -> str:
    """The notification / screen-reader text: the header and the first lines of the body."""
    first = next((line for line in body.splitlines() if line.strip()), "")
    text = " - ".join(p for p in (header or "", first) if p) or "rosterbot"
    return _clip(text, MAX_FALLBACK_TEXT)


def _text_size(block: Block) -> int:
    if block.get("type") == "context":
        return sum(len(e.get("text", "")) for e in block.get("elements", []))
    return 0


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
