"""SIGTERM stops `rosterbot run` gracefully, in HTTP and in Socket Mode: no new request is taken,
the ones in flight finish (their acks, then the lazy work that posts the answers), the store is
closed, and the process exits 0. Socket Mode serves /healthz, /readyz and /metrics on
--health-port. Real subprocesses against the Slack stand-in (with a WebSocket end for Socket
Mode) and the in-process ClassLink sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import slack_requests as sr
from sandbox.slack_api import SlackApiStub
from tests.ops.socket_mode_slack import (
    APP_TOKEN,
    SocketModeApiStub,
    SocketModeServer,
    slash_command_payload,
    wait_for,
)
from tests.slack.slack_world import HOME_TEAM, INTERNAL, STAFF, text_of

ROSTERBOT = str(Path(sys.executable).with_name("rosterbot"))
_OURS = ("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL", "LOG_")
SLOW_POST = 1.5  # seconds each chat.postMessage takes: the lazy work is still running at SIGTERM


def populate(stub: SlackApiStub) -> SlackApiStub:
    stub.add_user(STAFF, team_id=HOME_TEAM)
    stub.add_channel(INTERNAL)
    return stub


class Bot:
    """`rosterbot run ...` in a subprocess; its stdout lines and stderr collected."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        self.proc = subprocess.Popen([ROSTERBOT, "run", "--sandbox", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**base, **env}, stdin=subprocess.DEVNULL)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = threading.Condition()
        self._pumps = [threading.Thread(target=self._pump, args=(stream, sink), daemon=True)
                       for stream, sink in ((self.proc.stdout, self.stdout),
                                            (self.proc.stderr, self.stderr))]
        for pump in self._pumps:
            pump.start()

    def _pump(self, stream: Any, sink: list[str]) -> None:
        for line in stream:
            with self._changed:
                sink.append(line.rstrip("\n"))
                self._changed.notify_all()

    def line(self, containing: str, timeout: float = 30) -> str:
        with self._changed:
            ok = self._changed.wait_for(
                lambda: any(containing in x for x in self.stdout) or self.proc.poll() is not None,
                timeout)
            found = [x for x in self.stdout if containing in x]
        assert ok and found, f"no {containing!r}: {self.stdout} {self.stderr}"
        return found[0]

    def terminate_and_wait(self, timeout: float = 40) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        """Kill it if it still runs; then its output is all read and its pipes closed."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for pump in self._pumps:
            pump.join(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def slow_stub() -> Iterator[SlackApiStub]:
    with SlackApiStub() as stub:
        populate(stub)
        yield stub


def step_one_finished(stub: SlackApiStub) -> bool:
    """The step-1 message was posted and then updated with the check's result."""
    for call in stub.calls("chat.postMessage"):
        if "Step 1 of 3" in text_of(call.params):
            message = stub.message(INTERNAL, str(call.reply["ts"]))
            return message is not None and "Checking" not in text_of(message)
    return False


@pytest.mark.slow
def test_http_mode_drains_on_sigterm(slow_stub: SlackApiStub, tmp_path: Path) -> None:
    stub = slow_stub
    bot = Bot(["--http", "--port", "0"], {
        "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_SIGNING_SECRET": sr.DEFAULT_SIGNING_SECRET,
        "SLACK_API_URL": stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path), "LOG_FORMAT": "json"})
    try:
        events_url = bot.line("listening on").split("listening on ")[1].split()[0]
        base = events_url.removesuffix("/slack/events")
        assert httpx.get(f"{base}/readyz").status_code == 200

        stub.set_delay(SLOW_POST, method="chat.postMessage")
        command = sr.slash_command("troubleshoot demo-emails", response_url=stub.response_url("t"),
                                   user_id=STAFF, team_id=HOME_TEAM, channel_id=INTERNAL)
        ack = httpx.post(events_url, content=command.body, headers=command.headers)
        assert ack.status_code == 200  # acked; the dialog's lazy work has just begun
        bot.proc.send_signal(signal.SIGTERM)

        refused = False  # soon no new request is taken, while the lazy work goes on
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and bot.proc.poll() is None:
            try:
                late = httpx.post(events_url, content=command.body, headers=command.headers,
                                  timeout=2)
            except httpx.TransportError:
                refused = True
                break
            if late.status_code == 503:
                refused = True
                break
            time.sleep(0.05)
        assert refused, "a request after SIGTERM was still taken"
        assert bot.proc.wait(40) == 0, bot.stderr
    finally:
        bot.kill()
    assert step_one_finished(stub), "the dialog begun before SIGTERM was answered in full"
    assert not any("Traceback" in line for line in bot.stderr), bot.stderr
    said = "\n".join(bot.stderr)
    assert "SIGTERM: draining" in said and "store closed" in said


@pytest.mark.slow
def test_http_mode_exits_0_on_sigterm_when_idle(slow_stub: SlackApiStub, tmp_path: Path) -> None:
    bot = Bot(["--http", "--port", "0"], {
        "SLACK_BOT_TOKEN": slow_stub.bot_token, "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slow_stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    try:
        bot.line("listening on")
        started = time.monotonic()
        assert bot.terminate_and_wait() == 0, bot.stderr
        assert time.monotonic() - started < 5
    finally:
        bot.kill()


@pytest.fixture
def socket_slack() -> Iterator[tuple[SocketModeApiStub, SocketModeServer]]:
    ws = SocketModeServer()
    stub = SocketModeApiStub(ws.url)
    populate(stub.start())
    try:
        yield stub, ws
    finally:
        stub.stop()
        ws.stop()


@pytest.mark.slow
def test_socket_mode_serves_health_and_drains_on_sigterm(
        socket_slack: tuple[SocketModeApiStub, SocketModeServer], tmp_path: Path) -> None:
    stub, ws = socket_slack
    bot = Bot(["--health-port", "0"], {
        "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    try:
        bot.line("connected to Slack over Socket Mode")
        health = bot.line("health on").split("health on ")[1].split("/healthz")[0]
        ws.wait_connected()
        assert httpx.get(f"{health}/healthz").json() == {"ok": True}
        ready = httpx.get(f"{health}/readyz")
        assert ready.status_code == 200, ready.text
        assert set(ready.json()["checks"]) == {"store", "slack", "socket_mode"}

        stub.set_delay(SLOW_POST, method="chat.postMessage")
        envelope = ws.deliver(slash_command_payload(
            "troubleshoot demo-emails", response_url=stub.response_url("t"), user_id=STAFF,
            team_id=HOME_TEAM, channel_id=INTERNAL))
        ws.wait_ack(envelope)
        bot.proc.send_signal(signal.SIGTERM)
        wait_for(lambda: httpx.get(f"{health}/readyz").status_code == 503, timeout=5)
        assert bot.proc.wait(40) == 0, bot.stderr
    finally:
        bot.kill()
    assert step_one_finished(stub), "the dialog begun before SIGTERM was answered in full"
    ws.wait_closed()
    assert not any("Traceback" in line for line in bot.stderr), bot.stderr
    metrics_seen = [line for line in bot.stderr if "rosterbot_" in line]
    assert metrics_seen == []


@pytest.mark.slow
def test_socket_mode_metrics_count_socket_requests(
        socket_slack: tuple[SocketModeApiStub, SocketModeServer], tmp_path: Path) -> None:
    stub, ws = socket_slack
    bot = Bot(["--health-port", "0"], {
        "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    try:
        health = bot.line("health on").split("health on ")[1].split("/healthz")[0]
        ws.wait_connected()
        envelope = ws.deliver(slash_command_payload(
            "help", response_url=stub.response_url("h"), user_id=STAFF, team_id=HOME_TEAM,
            channel_id=INTERNAL))
        ws.wait_ack(envelope)
        text = httpx.get(f"{health}/metrics").text
        assert 'rosterbot_slack_requests_total{kind="command",outcome="ok"} 1.0' in text
        assert 'rosterbot_slack_ack_seconds_count{kind="command"} 1.0' in text
        assert bot.terminate_and_wait() == 0
    finally:
        bot.kill()
