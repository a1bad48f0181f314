"""The stand-ins against the real Bolt framework: signed HTTP in, recorded Web API calls out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond, Say
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.http import BoltServer, json_response, serve_bolt
from sandbox import slack_requests as sr
from sandbox.slack_api import SlackApiStub

SECRET = "bolt-test-secret"


class Seen:
    """What the listeners saw, for assertions made from the test thread."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.release = threading.Event()


def _build_app(stub: SlackApiStub, seen: Seen) -> App:
    client = WebClient(
        token=stub.bot_token,
        base_url=stub.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    app = App(client=client, signing_secret=SECRET, token_verification_enabled=False)

    def ack_checking(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"Checking {command['text']}...")

    def post_result(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        client.chat_postMessage(channel=command["channel_id"], text=f"done: {command['text']}")
        respond(text="posted the result")

    app.command("/roster")(ack=ack_checking, lazy=[post_result])

    @app.command("/slow")
    def slow_ack(ack: Ack) -> None:
        seen.release.wait(timeout=5)  # a blocking listener: must not hold up other requests
        ack(text="slow")

    @app.action("check_again")
    def check_again(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen.values["clicker_team"] = body["user"]["team_id"]
        seen.values["thread_ts"] = body["container"].get("thread_ts")
        client.chat_update(channel=body["channel"]["id"], ts=body["container"]["message_ts"],
                           text=f"checked again: {body['actions'][0]['value']}")

    @app.event("app_mention")
    def mention(event: dict[str, Any], context: BoltContext, say: Say) -> None:
        seen.values["actor_team_id"] = context.actor_team_id
        seen.values["team_id"] = context.team_id
        say(text="on it", thread_ts=event.get("thread_ts") or event["ts"])

    @app.view("link_modal")
    def link_modal(ack: Ack, view: dict[str, Any]) -> None:
        typed = view["state"]["values"]["license"]["license_id"]["value"]
        ack(response_action="errors", errors={"license": f"unknown license {typed}"})

    @app.middleware
    def note_retries(request: Any, next: Callable[[], BoltResponse]) -> BoltResponse:
        retry_num = request.headers.get("x-slack-retry-num", [None])[0]  # Bolt keeps lists
        seen.values.setdefault("retry_nums", []).append(retry_num)
        return next()

    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def server(stub: SlackApiStub, seen: Seen) -> Iterator[BoltServer]:
    with serve_bolt(_build_app(stub, seen)) as running:
        yield running
    seen.release.set()


def test_slash_command_acks_then_lazy_listener_posts_and_responds(
    stub: SlackApiStub, server: BoltServer, http: httpx.Client
) -> None:
    body, headers = sr.slash_command("check LIC-1", response_url=stub.response_url("cmd"),
                                     channel_id="C_HELP", secret=SECRET)
    response = sr.post(server.events_url, body, headers, client=http)
    assert response.status_code == 200
    assert response.text == "Checking check LIC-1..."
    [posted] = stub.wait_for("chat.postMessage")
    assert posted.params["channel"] == "C_HELP"
    assert posted.params["text"] == "done: check LIC-1"
    [responded] = stub.wait_for("response_url")
    assert responded.target == "cmd"
    assert responded.params["text"] == "posted the result"
    assert [c.method for c in stub.calls("auth.test")] == ["auth.test"]


def test_block_action_carries_the_clickers_team_and_updates_the_message(
    stub: SlackApiStub, server: BoltServer, seen: Seen, http: httpx.Client
) -> None:
    request = sr.block_action("check_again", "LIC-9", response_url=stub.response_url("btn"),
                              user_team_id="T_CUSTOMER", message_ts="1700000000.000200",
                              thread_ts="1700000000.000100", secret=SECRET)
    assert sr.post(server.events_url, *request, client=http).status_code == 200
    [update] = stub.wait_for("chat.update")
    assert update.params["ts"] == "1700000000.000200"
    assert update.params["text"] == "checked again: LIC-9"
    assert seen.values["clicker_team"] == "T_CUSTOMER"
    assert seen.values["thread_ts"] == "1700000000.000100"


def test_shared_channel_mention_resolves_the_external_actor_and_replies_in_thread(
    stub: SlackApiStub, server: BoltServer, seen: Seen, http: httpx.Client
) -> None:
    request = sr.app_mention("my ClassLink rostering isn't working", user_id="U_EXT",
                             user_team="T_CUSTOMER", is_ext_shared_channel=True,
                             ts="1700000100.000300", secret=SECRET)
    assert sr.post(server.events_url, *request, client=http).status_code == 200
    [reply] = stub.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == "1700000100.000300"
    assert seen.values["actor_team_id"] == "T_CUSTOMER"
    assert seen.values["team_id"] == "T_PIVOT"


def test_view_submission_errors_come_back_in_the_ack(
    server: BoltServer, http: httpx.Client
) -> None:
    request = sr.view_submission("link_modal", {"license": {"license_id": "LIC-404"}},
                                 user_team_id="T_CUSTOMER", secret=SECRET)
    response = sr.post(server.events_url, *request, client=http)
    assert response.status_code == 200
    assert response.json() == {"response_action": "errors",
                               "errors": {"license": "unknown license LIC-404"}}


def test_bad_signature_is_rejected_without_calling_slack(
    stub: SlackApiStub, server: BoltServer, http: httpx.Client
) -> None:
    body, headers = sr.slash_command("help", response_url=stub.response_url("x"),
                                     secret="someone-elses-secret")
    assert sr.post(server.events_url, body, headers, client=http).status_code == 401
    tampered_body = body.replace("help", "link")
    _, good_headers = sr.slash_command("help", response_url=stub.response_url("x"), secret=SECRET)
    assert sr.post(server.events_url, tampered_body, good_headers, client=http).status_code == 401
    assert stub.calls() == []


def test_stale_timestamp_is_rejected(
    stub: SlackApiStub, server: BoltServer, http: httpx.Client
) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    request = sr.slash_command("help", response_url=stub.response_url("x"), secret=SECRET,
                               timestamp=six_minutes_ago)
    assert sr.post(server.events_url, *request, client=http).status_code == 401
    four_minutes_ago = int(time.time()) - 4 * 60
    request = sr.slash_command("help", response_url=stub.response_url("x"), secret=SECRET,
                               timestamp=four_minutes_ago)
    assert sr.post(server.events_url, *request, client=http).status_code == 200


def test_rate_limited_post_is_retried_after_retry_after(
    stub: SlackApiStub, server: BoltServer, http: httpx.Client
) -> None:
    stub.fail_next("chat.postMessage", status=429, retry_after=0)
    request = sr.slash_command("check", response_url=stub.response_url("r"), secret=SECRET)
    assert sr.post(server.events_url, *request, client=http).status_code == 200
    stub.wait_for("response_url")  # the lazy listener got past chat.postMessage
    attempts = stub.calls("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].reply == {"ok": False, "error": "ratelimited"}


def test_no_matching_listener_is_404(stub: SlackApiStub, server: BoltServer,
                                     http: httpx.Client) -> None:
    request = sr.block_action("nobody_listens", "v", response_url=stub.response_url("n"),
                              secret=SECRET)
    assert sr.post(server.events_url, *request, client=http).status_code == 404


def test_retry_headers_reach_bolt(stub: SlackApiStub, server: BoltServer, seen: Seen,
                                  http: httpx.Client) -> None:
    request = sr.app_mention("hello", secret=SECRET)
    assert sr.post(server.events_url, *request, retry_num=2, client=http).status_code == 200
    assert sr.post(server.events_url, *request, client=http).status_code == 200
    assert seen.values["retry_nums"] == ["2", None]


def test_a_blocking_listener_does_not_delay_other_acks(
    stub: SlackApiStub, server: BoltServer, seen: Seen
) -> None:
    slow = sr.slash_command("", command="/slow", response_url=stub.response_url("s"),
                            secret=SECRET)
    results: list[int] = []
    blocked = threading.Thread(
        target=lambda: results.append(sr.post(server.events_url, *slow).status_code))
    blocked.start()
    time.sleep(0.1)  # let the slow request reach its listener
    started = time.monotonic()
    fast = sr.slash_command("help", response_url=stub.response_url("f"), secret=SECRET)
    assert sr.post(server.events_url, *fast).status_code == 200
    assert time.monotonic() - started < 1.0
    assert results == []  # the slow one is still waiting
    seen.release.set()
    blocked.join(timeout=5)
    assert results == [200]


def test_healthz_and_unknown_paths(server: BoltServer, http: httpx.Client) -> None:
    assert http.get(server.url + "/healthz").json() == {"ok": True}
    assert http.get(server.url + "/nope").status_code == 404
    assert http.post(server.url + "/nope", content=b"x").status_code == 404


def test_extra_routes_replace_healthz(stub: SlackApiStub, seen: Seen, http: httpx.Client) -> None:
    def not_ready() -> BoltResponse:
        return json_response(503, {"ok": False, "error": "store unreachable"})

    with serve_bolt(_build_app(stub, seen), extra_routes={"/healthz": not_ready}) as server:
        response = http.get(server.url + "/healthz")
    assert response.status_code == 503
    assert response.json()["error"] == "store unreachable"


def test_serve_until_interrupted_returns_once_stopped(stub: SlackApiStub, seen: Seen) -> None:
    server = serve_bolt(_build_app(stub, seen))
    stopper = threading.Timer(0.1, server.stop)
    stopper.start()
    server.serve_until_interrupted()  # blocks like `rosterbot run --http` until stopped
    stopper.join()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/healthz", timeout=1)
