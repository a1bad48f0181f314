"""`rosterbot run` that cannot start says why in one line on stderr and exits 2, whatever the
cause: Slack unreachable or refusing a token, a token of the wrong shape, a port taken or
invalid, a bad LOG_LEVEL, PostgreSQL named without its driver. Also: `.env` is read, and the
environment wins over it. Real subprocesses; Slack is the local stand-in or a closed port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.slack_api import SlackApiStub
from tests.ops.socket_mode_slack import APP_TOKEN, SocketModeApiStub

ROSTERBOT = str(Path(sys.executable).with_name("rosterbot"))
_OURS = ("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL", "LOG_")


def rosterbot(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
              command: tuple[str, ...] = (ROSTERBOT,)) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120,
                          env={**base, **(env or {})}, cwd=cwd, stdin=subprocess.DEVNULL,
                          check=False)


def assert_one_line(run: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rosterbot: "), run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def taken_port() -> object:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.fixture
def stub() -> object:
    with SlackApiStub() as running:
        yield running


def http_env(stub: SlackApiStub, tmp_path: Path, **more: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": stub.bot_token, "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path), **more}


def test_slack_unreachable_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = rosterbot("run", "--http", "--sandbox", "--port", "0", env={
        "SLACK_BOT_TOKEN": "xoxb-1-unreachable", "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": url, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert_one_line(run, "Slack could not be reached", url)


def test_socket_mode_with_slack_unreachable_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = rosterbot("run", "--sandbox", env={
        "SLACK_BOT_TOKEN": "xoxb-1-unreachable", "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": url, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert_one_line(run, "Slack could not be reached", url)


def test_slack_refusing_the_bot_token_is_one_line_and_exit_2(
        stub: SlackApiStub, tmp_path: Path) -> None:
    run = rosterbot("run", "--http", "--sandbox", "--port", "0",
                    env=http_env(stub, tmp_path, SLACK_BOT_TOKEN="xoxb-not-the-one"))
    line = assert_one_line(run, "Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert "xoxb-not-the-one" not in line


def test_slack_refusing_the_app_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with SocketModeApiStub("ws://127.0.0.1:9/") as stub:
        run = rosterbot("run", "--sandbox", env={
            "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_APP_TOKEN": "xapp-1-not-the-one",
            "SLACK_API_URL": stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    line = assert_one_line(run, "Slack refused to open a Socket Mode connection (invalid_auth)",
                           "SLACK_APP_TOKEN")
    assert "xapp-1-not-the-one" not in line


@pytest.mark.parametrize(("variable", "value", "mode"), [
    ("SLACK_BOT_TOKEN", "xoxp-1-a-user-token", ("--http", "--port", "0")),
    ("SLACK_BOT_TOKEN", "not-a-token", ()),
    ("SLACK_APP_TOKEN", "xoxb-1-a-bot-token", ()),
])
def test_a_token_of_the_wrong_shape_is_one_line_and_exit_2(
        variable: str, value: str, mode: tuple[str, ...], stub: SlackApiStub,
        tmp_path: Path) -> None:
    env = http_env(stub, tmp_path, **{"SLACK_APP_TOKEN": APP_TOKEN, variable: value})
    run = rosterbot("run", "--sandbox", *mode, env=env)
    line = assert_one_line(run, variable, "must start with")
    assert value not in line  # a token is never echoed
    assert not stub.calls(), "nothing reached Slack"


def test_a_port_taken_is_one_line_and_exit_2(
        taken_port: int, stub: SlackApiStub, tmp_path: Path) -> None:
    run = rosterbot("run", "--http", "--sandbox", "--port", str(taken_port),
                    env=http_env(stub, tmp_path))
    assert_one_line(run, f"cannot listen on 127.0.0.1:{taken_port}", "--port")


def test_a_health_port_taken_is_one_line_and_exit_2(
        taken_port: int, stub: SlackApiStub, tmp_path: Path) -> None:
    run = rosterbot("run", "--sandbox", "--health-port", str(taken_port),
                    env=http_env(stub, tmp_path, SLACK_APP_TOKEN=APP_TOKEN))
    assert_one_line(run, f"cannot listen on 127.0.0.1:{taken_port}", "--health-port")


@pytest.mark.parametrize(("args", "needle"), [
    (("--http", "--port", "70000"), "--port"),
    (("--http", "--port", "http"), "'http'"),
    (("--health-port", "-5"), "--health-port"),
    (("--health-port", "abc"), "'abc'"),
])
def test_an_invalid_port_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    assert_one_line(rosterbot("run", "--sandbox", *args), needle)


def test_an_unknown_log_level_is_one_line_and_exit_2() -> None:
    assert_one_line(rosterbot("run", "--sandbox", env={"LOG_LEVEL": "chatty"}),
                    "LOG_LEVEL", "'chatty'", "DEBUG")


def test_postgresql_without_its_driver_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """An install without the postgres extra: psycopg cannot be imported at all."""
    blocked = ("import sys; sys.modules['psycopg'] = None; from bot.cli import main; "
               "sys.exit(main())")
    run = rosterbot("run", "--http", "--sandbox", "--port", "0",
                    command=(sys.executable, "-c", blocked), env={
                        "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret",
                        "DATABASE_URL": "postgresql://rosterbot:hunter22@127.0.0.1:1/rosterbot"})
    line = assert_one_line(run, "PostgreSQL", "rosterbot[postgres]")
    assert "hunter22" not in line


def test_the_embedded_install_never_imports_psycopg() -> None:
    code = ("import sys, tempfile; from bot.cli import main; "
            "from bot.store import open_store; "
            "d = tempfile.mkdtemp(); open_store(f'sqlite:///{d}/s.sqlite3').close(); "
            "main(['demo', '--script']); "
            "sys.exit(3 if any(m == 'psycopg' or m.startswith('psycopg.') for m in sys.modules) "
            "else 0)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-2000:]


def test_a_dot_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("# settings for this box\nLOG_LEVEL=chatty\n"
                                   "SLACK_BOT_TOKEN='xoxp-from-the-file'\n", encoding="utf-8")
    from_file = rosterbot("run", "--http", "--sandbox", cwd=tmp_path)
    assert_one_line(from_file, "LOG_LEVEL", "'chatty'")
    environment_wins = rosterbot("run", "--http", "--sandbox", cwd=tmp_path,
                                 env={"LOG_LEVEL": "warning"})
    line = assert_one_line(environment_wins, "SLACK_BOT_TOKEN", "must start with xoxb-")
    assert "xoxp-from-the-file" not in line
