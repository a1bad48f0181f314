"""LOG_LEVEL=DEBUG and LOG_FORMAT=json over full dialogs through the real Bolt app (signed
requests, the Slack stand-in, the ClassLink sandbox): every line is one JSON object, lines of a
Slack request (in lazy listeners too) carry its request id, and no line holds a token, the
signing secret, the partner key, a district's bearer or OAuth secret, or a full Application ID.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from bot.observability.logs import (
    REDACTOR,
    ContextExecutor,
    Redactor,
    configure_logging,
    job_scope,
    request_id,
    request_scope,
)
from bot.settings import Settings
from sandbox.sample import PARTNER_KEY, sample_world
from tests.ops.dialogs import escalated_dialog, full_dialog
from tests.slack.slack_world import SECRET, new_slack_stub, slack_world, wait_until


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The root logger's configuration for the test, put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    REDACTOR.clear()


def secrets_of_the_run(bot_token: str) -> dict[str, str]:
    """Every value that must never appear in a log line, by what it is."""
    found = {"bot token": bot_token, "signing secret": SECRET, "partner key": PARTNER_KEY,
             "app token": "xapp-1-A0TEST-1-neverused"}
    for district in sample_world().districts:
        app_id = district.oneroster_application_id
        found[f"Application ID of {district.tenant_name}"] = app_id
        found[f"Application ID of {district.tenant_name}, decoded"] = unquote(app_id).rstrip("=")
        if district.bearer:
            found[f"bearer of {district.tenant_name}"] = district.bearer
        found[f"client secret of {district.tenant_name}"] = district.client_secret
    return found


def test_a_full_run_at_debug_in_json_logs_no_secret(
        tmp_path: Path, captured: io.StringIO) -> None:
    stub = new_slack_stub()
    environ = {
        "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "xapp-1-A0TEST-1-neverused", "CLASSLINK_PARTNER_KEY": PARTNER_KEY,
        "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json",
    }
    settings = Settings.from_mapping({**environ, "ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    configure_logging(settings, stream=captured)
    try:
        with slack_world(tmp_path, stub=stub, LOG_LEVEL="DEBUG", LOG_FORMAT="json") as world:
            full_dialog(world, "demo-emails")
            escalated_dialog(world, "demo-unattached")
            world.command("app demo-emails", name="app")
            world.command("email jsmith@lincolnusd.org", name="email")
            world.command("troubleshoot demo-disabled", name="disabled")
            world.classlink.faults.add("server_error", times=None)
            world.command("troubleshoot demo-healthy", name="fault")
            wait_until(lambda: len(world.stub.calls("response_url")) >= 2, timeout=20)
            world.built.close()
            world.classlink.faults.clear()
    finally:
        stub.stop()

    lines = captured.getvalue().splitlines()
    assert len(lines) > 100, "DEBUG logs every request, call and reply"
    records = [json.loads(line) for line in lines]  # one JSON object per line, every line
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert {r["level"] for r in records} >= {"DEBUG", "INFO"}

    # a request's lines carry its id, also those written by its lazy listeners elsewhere
    with_ids = [r for r in records if r.get("request_id")]
    assert len({r["request_id"] for r in with_ids}) >= 10
    lazy = [r for r in with_ids if str(r.get("thread", "")).startswith("rosterbot")]
    assert lazy, "lines of lazy listeners carry the request id"
    assert any(r["logger"].startswith("httpx") for r in lazy), "ClassLink calls are logged"

    text = captured.getvalue()
    leaks = {what: value for what, value in secrets_of_the_run(stub.bot_token).items()
             if value and value in text}
    assert leaks == {}, f"in the logs: {sorted(leaks)}"


def test_text_format_carries_the_request_and_job_ids(captured: io.StringIO) -> None:
    configure_logging(Settings.from_mapping({"LOG_LEVEL": "info"}), stream=captured)
    log = logging.getLogger("bot.test")
    with request_scope("r-1"):
        log.info("in a request")
        with ContextExecutor(max_workers=1) as pool:
            pool.submit(log.info, "in its lazy listener").result()
    with job_scope("job-7"):
        log.info("in a job")
    log.debug("not at INFO")
    log.info("outside")
    lines = captured.getvalue().splitlines()
    assert [line.split(" ", 4)[4] for line in lines] == [
        "[req=r-1] in a request", "[req=r-1] in its lazy listener", "[job=job-7] in a job",
        "outside"]
    assert request_id.get() is None


def test_json_lines_hold_the_traceback_masked(captured: io.StringIO) -> None:
    settings = Settings.from_mapping({"LOG_FORMAT": "JSON", "SLACK_BOT_TOKEN": "xoxb-42-abcdef"})
    configure_logging(settings, stream=captured)
    try:
        raise ValueError("sent Authorization: Bearer xoxb-42-abcdef to Slack")
    except ValueError:
        logging.getLogger("bot.test").exception("posting failed with %s", "xoxb-42-abcdef")
    (record,) = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert record["message"] == "posting failed with [masked]"
    assert "ValueError" in record["exception"] and "xoxb-42" not in record["exception"]


def test_the_redactor_masks_identifiers_in_every_spelling() -> None:
    redactor = Redactor()
    redactor.add_identifier("MoYPlyQWmG0%3D")
    redactor.add_secret("partner-key-1234567")
    masked = redactor.redact(
        "app MoYPlyQWmG0%3D or MoYPlyQWmG0= with partner-key-1234567, "
        "GET http://cl/proxy/v1p0/OTHERidXYZ%3D/ims/oneroster/v1p1/users and "
        "GET /applications/Zm9vYmFyYmF6/server")
    assert "MoYPlyQWmG0" not in masked and "partner-key-1234567" not in masked
    assert "OTHERidXYZ" not in masked and "Zm9vYmFyYmF6" not in masked
    assert "••••WmG0" in masked  # the last four, as everywhere else
    assert redactor.redact("") == ""


@pytest.mark.parametrize(("variable", "raw"), [("LOG_LEVEL", "loud"), ("LOG_FORMAT", "xml")])
def test_bad_log_settings_name_the_variable(variable: str, raw: str) -> None:
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match=variable):
        Settings.from_mapping({variable: raw})
