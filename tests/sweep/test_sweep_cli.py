"""`rosterbot sweep` as cron users run it: the console script over real HTTP (the sandbox) and a
Slack Web API stand-in, against a license file that is edited between two sweeps. Exit 0 when it
ran, 2 on bad input or configuration (a sweep already running, like a port in use), 3 when
ClassLink or Slack could not be asked; one line on stderr, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.store import open_store
from sandbox.sample import sample_licenses, sample_world
from sandbox.server import SandboxServer
from sandbox.slack_api import SlackApiStub
from tests.cli_helpers import assert_one_line, closed_port
from tests.slack.slack_world import text_of

SUPPORT = "C_SUPPORT"
BROKEN = "demo-healthy"
ROSTERBOT = str(Path(sys.executable).with_name("rosterbot"))
_OURS = ("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL", "COLUMNS", "LINES")


def rosterbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return subprocess.run([ROSTERBOT, *args], capture_output=True, text=True, timeout=180,
                          env={**base, **env}, stdin=subprocess.DEVNULL, check=False)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(sample_world()) as server:
        yield server


@pytest.fixture
def slack() -> Iterator[SlackApiStub]:
    stub = SlackApiStub(team_id="T_PIVOT").start()
    stub.add_channel(SUPPORT)
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def licenses(tmp_path: Path) -> Path:
    from checks.licenses import write_yaml

    path = tmp_path / "licenses.yml"
    write_yaml(sample_licenses(), path)
    return path


def env(sandbox: SandboxServer, licenses: Path, data: Path, slack: SlackApiStub | None = None,
        **extra: str) -> dict[str, str]:
    values = {"CLASSLINK_API_URL": sandbox.url, "CLASSLINK_PARTNER_KEY": sandbox.partner_key,
              "ROSTERBOT_LICENSES": str(licenses), "ROSTERBOT_DATA_DIR": str(data), **extra}
    if slack is not None:
        values.update({"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_API_URL": slack.url,
                       "ROSTERBOT_SUPPORT_CHANNEL": SUPPORT})
    return values


def break_license(path: Path, license_id: str) -> None:
    """The way licenses break in life: someone edits an instructor email wrongly."""
    data = yaml.safe_load(path.read_text())
    rows = data["licenses"] if isinstance(data, dict) else data
    row = next(r for r in rows if r["id"] == license_id)
    row["instructor_emails"][-1] = "nobody.here@rcschools.net"
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def digests(stub: SlackApiStub) -> list[str]:
    return [text_of(c.params) for c in stub.calls("chat.postMessage")
            if c.params.get("channel") == SUPPORT and not c.params.get("thread_ts")]


def test_two_sweeps_post_digests_and_the_second_reports_exactly_the_regression(
    sandbox: SandboxServer, licenses: Path, slack: SlackApiStub, tmp_path: Path,
) -> None:
    values = env(sandbox, licenses, tmp_path, slack)
    sandbox.requests.clear()
    first = rosterbot("sweep", "--json", env=values)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    report = json.loads(first.stdout)
    assert report["comparison"]["counts"] == {
        "licenses": 5, "pass": 1, "warn": 0, "broken": 4, "newly_broken": 0, "first_broken": 4,
        "still_broken": 0, "recovered": 0, "classlink_errors": 0}
    assert report["sweep"]["summary"]["applications_reads"] == 1
    assert sum(1 for r in sandbox.requests if r.path == "/applications") == 1
    assert report["posted"]["digest_ts"] and report["posted"]["errors"] == []
    [digest] = digests(slack)
    assert "5 licenses" in digest and "First sweep" in digest

    break_license(licenses, BROKEN)
    second = rosterbot("sweep", env=values)  # text, piped: no progress bar on stderr
    assert second.returncode == 0 and second.stderr == "", second.stderr
    out = second.stdout
    newly = out[out.index("Newly broken (1)"):out.index("Still broken")]
    assert BROKEN in newly and "nobody.here@rcschools.net" in newly
    assert "Still broken (4)" in out and "Recovered (0)" in out
    assert "posted the digest" in out
    latest = digests(slack)[-1]
    newly_posted = latest[latest.index("Newly broken (1)"):latest.index("Recovered (0)")]
    assert BROKEN in newly_posted
    for other in ("demo-emails", "demo-disabled", "demo-unattached", "demo-few-students"):
        assert other not in newly_posted
    with open_store(f"sqlite:///{tmp_path / 'rosterbot.sqlite3'}") as store:
        assert [s.trigger for s in store.sweeps.history()] == ["cli", "cli"]


def test_linked_only_sweeps_nothing_when_nothing_is_linked(
    sandbox: SandboxServer, licenses: Path, tmp_path: Path,
) -> None:
    run = rosterbot("sweep", "--linked", "--json", env=env(sandbox, licenses, tmp_path))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["comparison"]["counts"]["licenses"] == 0


def test_linked_only_sweeps_the_linked_licenses(
    sandbox: SandboxServer, licenses: Path, tmp_path: Path,
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'rosterbot.sqlite3'}") as store:
        store.link_channel("C_LINCOLN", "demo-emails", by_user="U_STAFF")
    run = rosterbot("sweep", "--linked", "--json", "--processes", "1",
                    env=env(sandbox, licenses, tmp_path))
    assert run.returncode == 0, run.stderr
    assert [o["license_id"] for o in json.loads(run.stdout)["licenses"]] == ["demo-emails"]


def test_classlink_unreachable_is_exit_3_and_the_sweep_is_still_stored(
    licenses: Path, tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = rosterbot("sweep", env={"CLASSLINK_API_URL": url, "CLASSLINK_PARTNER_KEY": "k",
                                  "CLASSLINK_TIMEOUT": "2", "ROSTERBOT_LICENSES": str(licenses),
                                  "ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert_one_line(run, 3, "ClassLink could not be asked", url)
    assert "nothing was checked" in run.stdout
    with open_store(f"sqlite:///{tmp_path / 'rosterbot.sqlite3'}") as store:
        last = store.sweeps.last()
        assert last is not None and last.summary["applications_error"]
        assert not any(r.checked for r in store.sweeps.results(last.id))


def test_a_sweep_already_running_is_exit_2(
    sandbox: SandboxServer, licenses: Path, tmp_path: Path,
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'rosterbot.sqlite3'}") as store:
        assert store.sweeps.acquire_lock("sweep", "schedule:replica-1", ttl_seconds=120)
        run = rosterbot("sweep", env=env(sandbox, licenses, tmp_path))
        assert_one_line(run, 2, "another sweep is running", "schedule:replica-1")
        assert store.sweeps.last() is None


def test_slack_refusing_the_digest_is_exit_3_after_the_report(
    sandbox: SandboxServer, licenses: Path, slack: SlackApiStub, tmp_path: Path,
) -> None:
    values = {**env(sandbox, licenses, tmp_path, slack), "SLACK_BOT_TOKEN": "xoxb-wrong"}
    run = rosterbot("sweep", env=values)
    assert_one_line(run, 3, "Slack", "could not post the digest", SUPPORT)
    assert "Broken at their first check (4)" in run.stdout


@pytest.mark.parametrize(("variable", "value"), [
    ("ROSTERBOT_SWEEP_CRON", "every night"),
    ("ROSTERBOT_SWEEP_TIMEZONE", "Mars/Olympus"),
    ("ROSTERBOT_SWEEP_CONCURRENCY", "0"),
])
def test_bad_settings_are_exit_2(sandbox: SandboxServer, licenses: Path, tmp_path: Path,
                                 variable: str, value: str) -> None:
    run = rosterbot("sweep", env={**env(sandbox, licenses, tmp_path), variable: value})
    assert_one_line(run, 2, variable)


def test_bad_arguments_are_exit_2(sandbox: SandboxServer, licenses: Path,
                                  tmp_path: Path) -> None:
    assert_one_line(rosterbot("sweep", "--concurrency", "0",
                              env=env(sandbox, licenses, tmp_path)), 2, "--concurrency")
    assert_one_line(rosterbot("sweep", "--processes", "-1",
                              env=env(sandbox, licenses, tmp_path)), 2, "--processes")


def test_the_sandbox_sweep_runs_without_configuration(tmp_path: Path) -> None:
    run = rosterbot("sweep", "--sandbox", env={"ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "5 licenses" in run.stdout and "Broken at their first check (4)" in run.stdout
