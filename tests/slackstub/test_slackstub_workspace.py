"""The stand-in's state and Block Kit limits, without HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.slack_blocks import block_problems
from sandbox.slack_workspace import SlackUser, SlackWorkspace, WorkspaceIdentity


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "go",
            **fields}


def test_blocks_within_limits_pass() -> None:
    blocks = [_section("x" * 3000), {"type": "divider"},
              {"type": "actions", "elements": [_button(value="v" * 2000)] * 25}]
    assert block_problems(blocks, max_blocks=50) == []


@pytest.mark.parametrize(("blocks", "pointer"), [
    ([{"type": "divider"}] * 51, "/blocks"),
    ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
     "/blocks/0/text/text"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "/blocks/0/fields"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
     "/blocks/0/fields/0/text"),
    ([{"type": "actions", "elements": [_button()] * 26}], "/blocks/0/elements"),
    ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
     "/blocks/0/elements"),
    ([{"type": "actions", "elements": [_button(value="v" * 2001)]}],
     "/blocks/0/elements/0/value"),
    ([{"type": "actions", "elements": [_button(action_id="a" * 256)]}],
     "/blocks/0/elements/0/action_id"),
    ([{**_section("s"), "accessory": _button(text={"type": "plain_text", "text": "b" * 76})}],
     "/blocks/0/accessory/text/text"),
    ([{"type": "divider", "block_id": "b" * 256}], "/blocks/0/block_id"),
    ([{"text": "no type"}], "/blocks/0"),
])
def test_each_limit_is_reported_with_its_pointer(blocks: list[Any], pointer: str) -> None:
    [problem] = block_problems(blocks, max_blocks=50)
    assert problem.startswith("[ERROR]")
    assert problem.endswith(f"[json-pointer:{pointer}]")


def test_blocks_must_be_a_list() -> None:
    assert block_problems("[not json", max_blocks=50) == [
        "[ERROR] must be an array [json-pointer:/blocks]"]


def test_same_enterprise_users_are_not_strangers() -> None:
    workspace = SlackWorkspace(WorkspaceIdentity(team_id="T_A", enterprise_id="E_PIVOT"))
    workspace.add_user(SlackUser("U_SIBLING", "T_B", "sib", enterprise_id="E_PIVOT"))
    user = workspace.call("users.info", {"user": "U_SIBLING"}).body["user"]
    assert "is_stranger" not in user


def test_conversations_open_makes_a_dm_channel() -> None:
    workspace = SlackWorkspace(WorkspaceIdentity())
    workspace.add_user(SlackUser("U_STAFF", "T_PIVOT", "dana"))
    reply = workspace.call("conversations.open", {"users": "U_STAFF"})
    assert reply.ok and reply.body["channel"]["id"] == "D_STAFF"
    assert workspace.call("conversations.info", {"channel": "D_STAFF"}).body["channel"]["is_im"]
    assert workspace.call("conversations.open", {"users": "U_NOPE"}).body["error"] == (
        "user_not_found")


def test_views_update_by_external_id() -> None:
    workspace = SlackWorkspace(WorkspaceIdentity())
    opened = workspace.call("views.open", {"trigger_id": "t", "view": {
        "type": "modal", "external_id": "dialog-1", "blocks": []}}).body["view"]
    updated = workspace.call("views.update", {"external_id": "dialog-1", "view": {
        "type": "modal", "external_id": "dialog-1", "blocks": [{"type": "divider"}]}})
    assert updated.body["view"]["id"] == opened["id"]
    missing = workspace.call("views.update", {"external_id": "dialog-2",
                                              "view": {"type": "modal"}})
    assert missing.body["error"] == "not_found"
    assert workspace.call("views.open", {"view": {"type": "modal"}}).body["error"] == (
        "invalid_arguments")


def test_update_replaces_blocks_and_permalink_of_a_top_level_message() -> None:
    workspace = SlackWorkspace(WorkspaceIdentity())
    posted = workspace.call("chat.postMessage", {"channel": "C1", "text": "a",
                                                 "blocks": [{"type": "divider"}]}).body
    workspace.call("chat.update", {"channel": "C1", "ts": posted["ts"], "text": "b"})
    assert "blocks" not in workspace.messages[("C1", posted["ts"])]
    assert "?" not in workspace.permalink("C1", posted["ts"])
