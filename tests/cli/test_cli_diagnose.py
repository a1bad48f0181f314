"""`rosterbot diagnose | lookup | sandbox` through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from checks.licenses import write_yaml
from sandbox.sample import sample_licenses

ROSTERBOT = str(Path(sys.executable).with_name("rosterbot"))


def rosterbot(*args: str, env: dict[str, str] | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL"))}
    return subprocess.run([ROSTERBOT, *args], capture_output=True, text=True, timeout=timeout,
                          env={**base, **(env or {})}, stdin=subprocess.DEVNULL, check=False)


def test_diagnose_json_has_the_three_steps() -> None:
    run = rosterbot("diagnose", "--sandbox", "demo-emails", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["license"]["id"] == "demo-emails"
    assert [(s["step"], s["name"]) for s in report["steps"]] == [
        (1, "connection"), (2, "emails"), (3, "sanity")]
    codes = {f["code"] for s in report["steps"] for f in s["findings"]}
    assert {"application_ok", "email_fix", "email_student", "email_not_found",
            "sanity_figures"} <= codes
    by_email = {f.get("license_email"): f for s in report["steps"] for f in s["findings"]}
    assert by_email["sarah.wlison@lincolnusd.org"]["suggestion"] == "sarah.wilson@lincolnusd.org"
    assert by_email["michael.brown@lincoln.k12.ca.us"]["kind"] == "alias_domain"
    # two J. Smiths teach there: no confident fix, but John is named as a candidate
    assert "john.smith@lincolnusd.org" in by_email["jsmith@lincolnusd.org"]["candidates"]
    assert "dSiLyI%2Fek5I%3D" not in run.stdout  # Application IDs are masked


def test_diagnose_readable_report_for_every_license() -> None:
    run = rosterbot("diagnose", "--sandbox", "--all")
    assert run.returncode == 0, run.stderr
    for license_id in ("demo-healthy", "demo-unattached", "demo-disabled", "demo-emails",
                       "demo-few-students"):
        assert license_id in run.stdout
    assert "at most 5 of the license's 150 seats" in " ".join(run.stdout.split())


def test_lookup_finds_license_roster_and_near_miss() -> None:
    run = rosterbot("lookup", "--sandbox", "jsmith@lincolnusd.org", "--json")
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert [lic["id"] for lic in found["licenses"]] == ["demo-emails"]
    assert "john.smith@lincolnusd.org" in found["matches"][0]["candidates"][0]["email"] + \
        " ".join(c["email"] for c in found["matches"][0]["candidates"])


@pytest.mark.parametrize(("args", "message"), [
    (("diagnose", "--sandbox", "no-such-license"), "no license with id"),
    (("diagnose",), "needs a license id"),
    (("lookup", "--sandbox", "not-an-email"), "is not an email address"),
    (("diagnose", "demo-emails"), "CLASSLINK_API_URL"),
])
def test_bad_input_is_exit_2_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    run = rosterbot(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_malformed_setting_names_the_variable() -> None:
    run = rosterbot("diagnose", "demo-emails", env={"CLASSLINK_TIMEOUT": "soon"})
    assert run.returncode == 2
    assert "CLASSLINK_TIMEOUT" in run.stderr


def test_diagnose_against_a_separately_running_sandbox(tmp_path: Path) -> None:
    licenses = tmp_path / "licenses.yml"
    write_yaml(sample_licenses(), licenses)
    with subprocess.Popen([ROSTERBOT, "sandbox", "--port", "0"], stdout=subprocess.PIPE,
                          text=True) as server:
        try:
            _diagnose_through(server, licenses)
        finally:
            server.terminate()


def _diagnose_through(server: subprocess.Popen[str], licenses: Path) -> None:
    assert server.stdout is not None
    url = partner = ""
    while not (url and partner):
        line = server.stdout.readline()
        assert line, "the sandbox exited"
        if line.strip().startswith("CLASSLINK_API_URL="):
            url = line.strip().split("=", 1)[1]
        if line.strip().startswith("CLASSLINK_PARTNER_KEY="):
            partner = line.strip().split("=", 1)[1]
    run = rosterbot("diagnose", "demo-healthy", "--json", env={
        "CLASSLINK_API_URL": url, "CLASSLINK_PARTNER_KEY": partner,
        "ROSTERBOT_LICENSES": str(licenses)})
    assert run.returncode == 0, run.stderr
    assert {s["status"] for s in json.loads(run.stdout)["steps"]} == {"pass"}


def test_run_http_serves_healthz_and_verifies_signatures(tmp_path: Path) -> None:
    from sandbox import slack_requests as sr
    from sandbox.slack_api import SlackApiStub

    with SlackApiStub() as stub:
        env = {"SLACK_BOT_TOKEN": stub.bot_token, "SLACK_SIGNING_SECRET": sr.DEFAULT_SIGNING_SECRET,
               "SLACK_API_URL": stub.url, "ROSTERBOT_DATA_DIR": str(tmp_path)}
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROSTERBOT_"))}
        with subprocess.Popen([ROSTERBOT, "run", "--http", "--port", "0", "--sandbox"],
                              stdout=subprocess.PIPE, text=True, env={**base, **env}) as bot:
            try:
                _talk_to(bot, stub)
            finally:
                bot.terminate()


def _talk_to(bot: subprocess.Popen[str], stub: Any) -> None:
    from sandbox import slack_requests as sr
    assert bot.stdout is not None
    line = ""
    while "listening on" not in line:
        line = bot.stdout.readline()
        assert line, "rosterbot run exited"
    events_url = line.split("listening on ")[1].split()[0]
    health = events_url.replace("/slack/events", "/healthz")
    assert httpx.get(health).status_code == 200
    good = sr.slash_command("help", response_url=stub.response_url("h"))
    assert httpx.post(events_url, content=good.body, headers=good.headers).status_code \
        == 200
    bad = sr.slash_command("help", response_url=stub.response_url("h"), secret="wrong")
    assert httpx.post(events_url, content=bad.body, headers=bad.headers).status_code \
        == 401
    deadline = time.monotonic() + 10
    while not stub.calls("response_url") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stub.calls("response_url")


def test_run_without_tokens_is_a_clear_error() -> None:
    run = rosterbot("run", "--sandbox")
    assert run.returncode == 2
    assert "SLACK_BOT_TOKEN" in run.stderr


def test_scoped_lookup_never_claims_an_address_the_license_lacks() -> None:
    """Issue 8, item 3: `--license demo-healthy jsmith@lincolnusd.org` said "on license"."""
    run = subprocess.run([sys.executable, "-m", "bot", "lookup", "--sandbox", "--json",
                          "--license", "demo-healthy", "jsmith@lincolnusd.org"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["licenses"] == []
    assert [lic["id"] for lic in out["looked_in"]] == ["demo-healthy"]


def test_lookup_names_the_license_row_that_is_meant() -> None:
    run = subprocess.run([sys.executable, "-m", "bot", "lookup", "--sandbox",
                          "--license", "demo-emails", "sarah.wilson@lincolnusd.org"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "not on license demo-emails" in run.stdout
    assert ("license demo-emails has sarah.wlison@lincolnusd.org; that row should be "
            "sarah.wilson@lincolnusd.org (what ClassLink sends for Sarah Wilson)") in run.stdout
    assert "on license demo-emails (" not in run.stdout.replace("not on license", "")
