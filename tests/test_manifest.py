"""manifest.yml declares exactly what the code uses: commands, events, scopes, Socket Mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.listeners import COMMAND, EVENTS
from bot.messenger import SlackMessenger

REPO = Path(__file__).resolve().parents[1]
# Every scope with the Web API method or event that needs it; anything else is a review item.
ALLOWED_SCOPES = {
    "commands": "slash commands",
    "chat:write": "chat.postMessage (also to a user id: the app's DM), chat.update, "
                  "chat.postEphemeral",
    "app_mentions:read": "app_mention",
    "channels:history": "message.channels",
    "groups:history": "message.groups",
    "im:history": "message.im",
    "users:read": "users.info",
    "channels:read": "conversations.info, conversations.members",
    "groups:read": "conversations.info, conversations.members",
}
EVENT_SCOPES = {"app_mention": "app_mentions:read", "message.channels": "channels:history",
                "message.groups": "groups:history", "message.im": "im:history",
                "app_home_opened": None}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "manifest.yml").read_text())
    return loaded


def test_commands_match_the_registered_listener(manifest: dict[str, Any]) -> None:
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [COMMAND]


def test_events_match_the_registered_listeners(manifest: dict[str, Any]) -> None:
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert declared == {e for names in EVENTS.values() for e in names}


def test_scopes_are_exactly_the_ones_the_code_needs(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == set(ALLOWED_SCOPES)
    needed_by_events = {EVENT_SCOPES[e] for names in EVENTS.values() for e in names} - {None}
    assert needed_by_events <= scopes
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_socket_mode_and_interactivity_are_on(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert "request_url" not in settings["interactivity"]  # Socket Mode needs none


def test_the_messenger_only_calls_methods_the_scopes_allow() -> None:
    used = {name for name in vars(SlackMessenger) if not name.startswith("_")}
    assert used == {"post", "update", "direct", "ephemeral", "respond", "publish_home",
                    "open_view", "permalink"}


def test_manifest_validates_against_slacks_schema(manifest: dict[str, Any],
                                                  shared_dir: Path) -> None:
    import jsonschema

    schema = json.loads((shared_dir / "slack-manifest-schema" /
                         "manifest.schema.1.0.0.json").read_text())
    jsonschema.validate(manifest, schema)


def test_schema_check_would_catch_a_typo(manifest: dict[str, Any], shared_dir: Path) -> None:
    import jsonschema

    schema = json.loads((shared_dir / "slack-manifest-schema" /
                         "manifest.schema.1.0.0.json").read_text())
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "roster"  # no leading slash
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
