"""Malformed requests against the real Bolt app over real HTTP: refused with a plain status and
no traceback, before anything is parsed when they are unsigned, and the server serves on."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from slack_bolt import BoltRequest

from sandbox import slack_requests as sr
from tests.slack.slack_world import SlackWorld, slack_world, text_of, wait_until

LIMIT = 1 << 20


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def no_traceback(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing logged at ERROR or with a traceback, nothing printed to stderr as one."""
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]
    assert "Traceback" not in capsys.readouterr().err


def still_serving(world: SlackWorld, name: str) -> None:
    """A normal signed command right after: acked with 200, and then answered."""
    response = world.command("help", name=name)
    assert response.status_code == 200
    wait_until(lambda: bool(world.responses(name)))
    assert "/roster" in text_of(world.responses(name)[0])


def raw_post(world: SlackWorld, head: list[str], body: bytes = b"") -> tuple[int, bytes]:
    """POST over a bare socket (for headers httpx will not send); (status, whole response).
    The answer must come, and the connection close, within 3 s."""
    request = "".join(f"{line}\r\n" for line in [
        "POST /slack/events HTTP/1.1", f"Host: {world.server.host}", *head, ""])
    with socket.create_connection((world.server.host, world.server.port), timeout=3) as sock:
        sock.sendall(request.encode() + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return int(received.split(b" ", 2)[1]), received


# -- unsigned ---------------------------------------------------------------------------------

UNSIGNED = {
    "not json": sr.SlackRequest("{not json", {"content-type": sr.JSON}),
    "bad payload form": sr.SlackRequest("payload=%7Bbad", {"content-type": sr.FORM}),
    "wrong shape": sr.SlackRequest('{"type": "event_callback", "event": null, '
                                   '"is_ext_shared_channel": true}', {"content-type": sr.JSON}),
    "other secret": sr.signed_raw("{not json", secret="not-our-secret"),
    "stale": sr.signed_raw("{not json", timestamp=int(time.time()) - 10 * 60),
}


@pytest.mark.parametrize("name", UNSIGNED)
def test_unsigned_garbage_is_refused_quickly_and_unparsed(
        world: SlackWorld, name: str, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    response = world.send(UNSIGNED[name])
    assert response.status_code == 401
    assert time.monotonic() - started < 2
    assert response.json() == {"ok": False, "error": "invalid_signature"}
    no_traceback(caplog, capsys)
    still_serving(world, "after-unsigned")


# -- size -------------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_from_its_content_length_without_being_read(
        world: SlackWorld, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    # ten MiB announced, none sent: the answer can only come if the body is never waited for
    status, answer = raw_post(world, [f"Content-Type: {sr.JSON}", f"Content-Length: {10 * LIMIT}"])
    assert status == 413
    assert b"body_too_large" in answer
    no_traceback(caplog, capsys)
    still_serving(world, "after-oversized")


def test_a_client_sending_an_oversized_body_reads_the_413(world: SlackWorld) -> None:
    huge = sr.app_mention("x" * (2 * LIMIT), ts="1700009000.000100")  # signed, well-formed
    response = world.send(huge)
    assert response.status_code == 413
    assert not world.stub.calls("chat.postMessage")
    still_serving(world, "after-huge")


@pytest.mark.parametrize(("length", "status"), [
    (None, 411), ("abc", 400), ("-5", 400), ("12, 13", 400),
])
def test_a_missing_or_invalid_content_length_is_refused(
        world: SlackWorld, length: str | None, status: int, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    request = sr.slash_command("help", response_url=world.stub.response_url("never"))
    head = [f"{name}: {value}" for name, value in request.headers.items()]
    if length is not None:
        head.append(f"Content-Length: {length}")
    got, _ = raw_post(world, head, request.body.encode())
    assert got == status
    assert not world.responses("never")
    no_traceback(caplog, capsys)
    still_serving(world, "after-length")


# -- signed, but not of Slack's shape ---------------------------------------------------------


def _signed_malformed() -> dict[str, sr.SlackRequest]:
    response_url = "http://127.0.0.1:9/never"  # nothing may ever be posted for these
    mention = sr.app_mention("hello", ts="1700009100.000100")
    action = sr.block_action("rosterbot.x", "v", response_url=response_url)
    submission = sr.view_submission("rosterbot.link", {})
    return {
        "not json": sr.signed_raw("{not json"),
        "bad payload form": sr.signed_raw("payload=%7Bbad", content_type=sr.FORM),
        "bad form encoding": sr.signed_raw("command&&=", content_type=sr.FORM),
        "json array": sr.signed_raw("[1, 2]"),
        "no type": sr.signed_raw("{}"),
        "event null": sr.with_fields(mention, event=None),
        "event null, shared channel": sr.with_fields(mention, event=None,
                                                     is_ext_shared_channel=True),
        "event type not a string": sr.with_fields(mention, event={"type": 5}),
        "authorizations a string": sr.with_fields(mention, authorizations="x"),
        "view null": sr.with_fields(submission, view=None),
        "view without callback_id": sr.with_fields(submission, view={"state": {}}),
        "actions a string": sr.with_fields(action, actions="x"),
        "action_id a number": sr.with_fields(action, actions=[{"action_id": 5}]),
        "actions empty": sr.with_fields(action, actions=[]),
        "user null": sr.with_fields(action, user=None),
        "user a number": sr.with_fields(action, user=5),
        "team null": sr.with_fields(action, team=None),
        "team a number": sr.with_fields(action, team=5),
        "unknown type": sr.with_fields(action, type="block_actions_v2"),
        "message a string": sr.with_fields(action, message="x"),
    }


SIGNED = _signed_malformed()


@pytest.mark.parametrize("name", SIGNED)
def test_signed_but_malformed_is_a_400_without_a_traceback(
        world: SlackWorld, name: str, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    # built now: the signature's timestamp must be fresh
    request = _signed_malformed()[name]
    response = world.send(request)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "bad_request"}
    assert response.headers["x-slack-no-retry"] == "1"  # it would be just as malformed again
    assert world.send(request, retry_num=1).status_code == 400
    no_traceback(caplog, capsys)
    still_serving(world, "after-signed")
    assert "never" not in world.posted_text()


# -- Socket Mode ------------------------------------------------------------------------------


def test_socket_mode_payloads_of_the_wrong_shape_are_refused_without_a_traceback(
        world: SlackWorld, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """No HTTP signature there: the same check runs as Bolt middleware, before listeners."""
    def payload(request: sr.SlackRequest, **fields: object) -> dict[str, object]:
        body = request.body
        parsed = (json.loads(body) if body.startswith("{")
                  else json.loads(dict(parse_qsl(body))["payload"]))
        return {**parsed, **fields}

    action = sr.block_action("rosterbot.x", "v", response_url="http://127.0.0.1:9/never")
    submission = sr.view_submission("rosterbot.link", {})
    mention = sr.app_mention("hello", ts="1700009200.000100")
    for body in [payload(action, actions="x"), payload(action, actions=[{"action_id": 5}]),
                 payload(submission, view=None), payload(mention, event={"type": 5}),
                 payload(mention, event=None), {"type": "nonsense"}]:
        response = world.built.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        assert response.status == 400
    no_traceback(caplog, capsys)

    command = dict(parse_qsl(sr.slash_command(
        "help", response_url=world.stub.response_url("socket")).body))
    assert world.built.app.dispatch(BoltRequest(body=command, mode="socket_mode")).status == 200
    wait_until(lambda: bool(world.responses("socket")))
