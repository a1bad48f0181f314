"""The real rosterbot Bolt app over HTTP, a Slack Web API stand-in and the ClassLink sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import BuiltApp, create_app
from bot.runtime import sandbox_diagnoser
from bot.settings import Settings
from bot.store import Store, open_store
from sandbox import slack_requests as sr
from sandbox.bolt_http import BoltServer, serve_bolt
from sandbox.slack_api import SlackApiStub

SECRET = sr.DEFAULT_SIGNING_SECRET
STAFF, CUSTOMER, GUEST, OTHER_CUSTOMER = "U_STAFF", "U_CUST", "U_GUEST", "U_OTHER"
HOME_TEAM, SCHOOL_TEAM, OTHER_SCHOOL = "T_PIVOT", "T_LINCOLN", "T_RIVERSIDE"
INTERNAL, SHARED, OTHER_SHARED, SUPPORT = "C_INTERNAL", "C_LINCOLN", "C_RIVERSIDE", "C_ESCALATE"


@dataclass
class SlackWorld:
    stub: SlackApiStub
    server: BoltServer
    built: BuiltApp
    store: Store
    http: httpx.Client

    def send(self, request: sr.SlackRequest, *, retry_num: int | None = None) -> httpx.Response:
        headers = dict(request.headers)
        if retry_num is not None:
            headers["x-slack-retry-num"] = str(retry_num)
            headers["x-slack-retry-reason"] = "http_timeout"
        return self.http.post(self.server.events_url, content=request.body, headers=headers)

    def command(self, text: str, *, user: str = STAFF, team: str = HOME_TEAM,
                channel: str = INTERNAL, name: str = "cmd") -> httpx.Response:
        return self.send(sr.slash_command(text, response_url=self.stub.response_url(name),
                                          user_id=user, team_id=team, channel_id=channel))

    def press(self, value: str, *, action: str = "rosterbot.x", user: str = STAFF,
              team: str = HOME_TEAM, channel: str = INTERNAL, message_ts: str = "1.1",
              thread_ts: str | None = None, select: bool = False,
              name: str = "act") -> httpx.Response:
        return self.send(sr.block_action(
            action, None if select else value, response_url=self.stub.response_url(name),
            user_id=user, user_team_id=team, channel_id=channel, message_ts=message_ts,
            thread_ts=thread_ts, selected_option=value if select else None))

    def responses(self, name: str) -> list[dict[str, Any]]:
        return [c.params for c in self.stub.calls("response_url") if c.target == name]

    def posted_text(self) -> str:
        """Everything any Slack surface received so far, for "never appears" assertions."""
        return json.dumps([c.params for c in self.stub.calls()], ensure_ascii=False)


@contextmanager
def slack_world(tmp_path: Path, **settings: str) -> Iterator[SlackWorld]:
    stub = SlackApiStub(team_id=HOME_TEAM).start()
    stub.add_user(STAFF, team_id=HOME_TEAM)
    stub.add_user(GUEST, team_id=HOME_TEAM, is_restricted=True)
    stub.add_user(CUSTOMER, team_id=SCHOOL_TEAM)
    stub.add_user(OTHER_CUSTOMER, team_id=OTHER_SCHOOL)
    stub.add_channel(INTERNAL)
    stub.add_channel(SUPPORT)
    stub.add_channel(SHARED, is_ext_shared=True, connected_team_ids=(SCHOOL_TEAM,))
    stub.add_channel(OTHER_SHARED, is_ext_shared=True, connected_team_ids=(OTHER_SCHOOL,))
    config = Settings.from_mapping({
        "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": stub.url, "ROSTERBOT_SUPPORT_CHANNEL": SUPPORT,
        "ROSTERBOT_DATA_DIR": str(tmp_path), **settings,
    })
    store = open_store(config.database_url)
    try:
        with sandbox_diagnoser() as diagnoser, httpx.Client(timeout=10) as http:
            built = create_app(config, diagnoser=diagnoser, store=store)
            server = serve_bolt(built.app)
            try:
                yield SlackWorld(stub, server, built, store, http)
            finally:
                server.stop()
                built.close()
    finally:
        store.close()
        stub.stop()


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action name -> value of every button in a posted message's blocks."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    out: dict[str, str] = {}
    for block in blocks:
        for element in block.get("elements", []):
            action_id = str(element.get("action_id", ""))
            if element.get("type") == "button":
                out[action_id.removeprefix("rosterbot.")] = element["value"]
    return out


def picker_options(message: dict[str, Any]) -> list[tuple[str, str]]:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [(o["text"]["text"], o["value"]) for b in blocks for e in b.get("elements", [])
            if e.get("type") == "static_select" for o in e["options"]]


def text_of(params: dict[str, Any]) -> str:
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return str(params.get("text", "")) + "\n" + json.dumps(blocks, ensure_ascii=False)
