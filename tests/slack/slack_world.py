"""The real rosterbot Bolt app over HTTP, a Slack Web API stand-in and the ClassLink sandbox."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import BuiltApp, create_app
from bot.cli.runtime import running_sandbox
from bot.http import BoltServer, serve_bolt
from bot.settings import Settings
from bot.store import Store, open_store
from sandbox import slack_requests as sr
from sandbox.server import SandboxServer
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
    classlink: SandboxServer

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


def fast_sleep(seconds: float) -> None:
    """ClassLink's Retry-After and backoff waits, shortened so fault tests stay fast."""
    time.sleep(min(seconds, 0.02))


@contextmanager
def slack_world(tmp_path: Path, *, store: Store | None = None, stub: SlackApiStub | None = None,
                **settings: str) -> Iterator[SlackWorld]:
    """One bot replica. Pass `store` and `stub` to run a second replica beside the first."""
    own_stub = stub is None
    stub = stub or new_slack_stub()
    config = Settings.from_mapping({
        "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": stub.url, "ROSTERBOT_SUPPORT_CHANNEL": SUPPORT,
        "ROSTERBOT_DATA_DIR": str(tmp_path), **settings,
    })
    own_store = store is None
    store = store or open_store(config.database_url)
    try:
        with running_sandbox(timeout=1.0, max_attempts=2, sleep=fast_sleep) as sandbox, \
                httpx.Client(timeout=10) as http:
            built = create_app(config, diagnoser=sandbox.diagnoser, store=store)
            server = serve_bolt(built.app)
            try:
                yield SlackWorld(stub, server, built, store, http, sandbox.server)
            finally:
                server.stop()
                built.close()
    finally:
        if own_store:
            store.close()
        if own_stub:
            stub.stop()


def new_slack_stub() -> SlackApiStub:
    """The Slack Web API stand-in with our staff, a guest, customers and their channels."""
    stub = SlackApiStub(team_id=HOME_TEAM).start()
    stub.add_user(STAFF, team_id=HOME_TEAM)
    stub.add_user(GUEST, team_id=HOME_TEAM, is_restricted=True)
    stub.add_user(CUSTOMER, team_id=SCHOOL_TEAM)
    stub.add_user(OTHER_CUSTOMER, team_id=OTHER_SCHOOL)
    stub.add_channel(INTERNAL)
    stub.add_channel(SUPPORT)
    stub.add_channel(SHARED, is_ext_shared=True, connected_team_ids=(SCHOOL_TEAM,))
    stub.add_channel(OTHER_SHARED, is_ext_shared=True, connected_team_ids=(OTHER_SCHOOL,))
    return stub


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


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def finished_step(world: SlackWorld, channel: str, title: str, *,
                  after: int = 0) -> tuple[str, dict[str, Any]]:
    """(ts, message) of the newest step message titled `title` once its check has finished."""
    found: list[tuple[str, dict[str, Any]]] = []

    def ready() -> bool:
        for call in reversed(world.stub.calls("chat.postMessage")[after:]):
            if call.params.get("channel") == channel and title in text_of(call.params):
                ts = str(call.reply["ts"])
                message = world.stub.message(channel, ts)
                if message and "Checking" not in text_of(message):
                    found.append((ts, message))
                    return True
                return False
        return False

    wait_until(ready)
    return found[-1]


def start_dialog(world: SlackWorld, license_id: str, *, channel: str = INTERNAL,
                 user: str = STAFF, team: str = HOME_TEAM) -> tuple[str, str, dict[str, Any]]:
    """Start a dialog; (thread_ts, step-1 ts, step-1 message) once step 1 has its result."""
    after = len(world.stub.calls("chat.postMessage"))
    world.command(f"troubleshoot {license_id}", user=user, team=team, channel=channel)
    ts, message = finished_step(world, channel, "Step 1 of 3", after=after)
    return str(message.get("thread_ts") or _thread_of(world, ts)), ts, message


def _thread_of(world: SlackWorld, ts: str) -> str:
    call = next(c for c in world.stub.calls("chat.postMessage") if str(c.reply["ts"]) == ts)
    return str(call.params["thread_ts"])
