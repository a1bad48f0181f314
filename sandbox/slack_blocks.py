"""The Block Kit limits Slack enforces on the server, so the stand-in rejects what Slack rejects.

Messages are in the shape Slack puts in `response_metadata.messages`:
"[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
Only the limits a bot like ours can plausibly hit are checked; this is not a schema validator.
"""

from __future__ import annotations

from typing import Any

SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
ID_MAX = 255  # block_id and action_id
ACTIONS_ELEMENTS_MAX = 25
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000


def block_problems(blocks: Any, *, max_blocks: int) -> list[str]:
    """What Slack would reject in `blocks` (an empty list means it passes)."""
    if not isinstance(blocks, list):
        return ["[ERROR] must be an array [json-pointer:/blocks]"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"[ERROR] no more than {max_blocks} items allowed [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        problems.extend(_one_block(block, f"/blocks/{index}"))
    return problems


def _too_long(value: Any, limit: int, pointer: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"]
    return []


def _too_many(items: Any, limit: int, pointer: str) -> list[str]:
    if isinstance(items, list) and len(items) > limit:
        return [f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"]
    return []


def _text_of(obj: Any) -> Any:
    return obj.get("text") if isinstance(obj, dict) else None


def _one_block(block: Any, at: str) -> list[str]:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return [f"[ERROR] missing required field: type [json-pointer:{at}]"]
    kind = block["type"]
    problems = _too_long(block.get("block_id"), ID_MAX, f"{at}/block_id")
    if kind == "section":
        problems += _too_long(_text_of(block.get("text")), SECTION_TEXT_MAX, f"{at}/text/text")
        fields = block.get("fields")
        problems += _too_many(fields, SECTION_FIELDS_MAX, f"{at}/fields")
        for i, item in enumerate(fields if isinstance(fields, list) else []):
            problems += _too_long(_text_of(item), FIELD_TEXT_MAX, f"{at}/fields/{i}/text")
        if isinstance(block.get("accessory"), dict):
            problems += _element_problems(block["accessory"], f"{at}/accessory")
    elif kind == "header":
        problems += _too_long(_text_of(block.get("text")), HEADER_TEXT_MAX, f"{at}/text/text")
    elif kind in ("actions", "context"):
        limit = ACTIONS_ELEMENTS_MAX if kind == "actions" else CONTEXT_ELEMENTS_MAX
        elements = block.get("elements")
        problems += _too_many(elements, limit, f"{at}/elements")
        for i, element in enumerate(elements if isinstance(elements, list) else []):
            if isinstance(element, dict):
                problems += _element_problems(element, f"{at}/elements/{i}")
    return problems


def _element_problems(element: dict[str, Any], at: str) -> list[str]:
    problems = _too_long(element.get("action_id"), ID_MAX, f"{at}/action_id")
    if element.get("type") == "button":
        problems += _too_long(_text_of(element.get("text")), BUTTON_TEXT_MAX, f"{at}/text/text")
        problems += _too_long(element.get("value"), BUTTON_VALUE_MAX, f"{at}/value")
        problems += _too_long(element.get("url"), URL_MAX, f"{at}/url")
    return problems
