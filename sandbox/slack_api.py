"""A local Slack Web API stand-in over real HTTP, for tests, benchmarks and `make demo`.

    with SlackApiStub() as stub:
        client = WebClient(token=stub.bot_token, base_url=stub.url + "/api/")
        ...
        stub.wait_for("chat.postMessage")

It answers the methods `sandbox.slack_workspace` knows (auth.test, users.info, chat.*, views.*,
conversations.info/members/open) with Slack's field names and error codes, checks the bot token,
records every call (including `response_url` posts), and can be told to fail the next calls of a
method with 429 + Retry-After or a 5xx, so slack_sdk's retry handlers can be exercised.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sandbox.slack_workspace import (
    ApiReply,
    JsonObject,
    SlackChannel,
    SlackUser,
    SlackWorkspace,
    WorkspaceIdentity,
    error_reply,
)

RESPONSE_URL_METHOD = "response_url"
_API_PREFIX = "/api/"
_RESPONSE_PREFIX = "/response/"
_DEFAULT_ERRORS = {429: "ratelimited", 500: "fatal_error", 503: "service_unavailable"}


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One request the stub answered. For response_url posts, method is "response_url" and
    target is the name given to `SlackApiStub.response_url(name)`."""

    method: str
    params: JsonObject
    at: float  # time.monotonic() when answered
    status: int = 200
    reply: JsonObject = field(default_factory=dict)
    target: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.reply.get("ok"))


@dataclass(slots=True)
class _Fault:
    status: int
    retry_after: int
    error: str
    remaining: int


class SlackApiStub:
    """The Slack Web API (and response_url endpoints) for one workspace, on 127.0.0.1."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T_PIVOT",
        enterprise_id: str | None = None,
        bot_user_id: str = "U_BOT",
        bot_token: str = "xoxb-test",
        team_domain: str = "pivot-support",
        scopes: tuple[str, ...] | None = None,
    ) -> None:
        identity = WorkspaceIdentity(
            team_id=team_id,
            team_domain=team_domain,
            enterprise_id=enterprise_id,
            bot_user_id=bot_user_id,
        )
        if scopes is not None:
            identity = replace(identity, scopes=scopes)
        self.bot_token = bot_token
        self.workspace = SlackWorkspace(identity)
        self._address = (host, port)
        self._changed = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str | None, float] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> SlackApiStub:
        if self._server is not None:
            return self
        server = _StubServer(self._address, _StubHandler, stub=self)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name="slack-api-stub", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SlackApiStub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL without a trailing slash; the Web API lives under url + "/api/"."""
        if self._server is None:
            raise RuntimeError("SlackApiStub is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """What to pass as WebClient(base_url=...)."""
        return self.url + _API_PREFIX

    def response_url(self, name: str) -> str:
        """A URL standing in for a payload's response_url; posts to it are recorded."""
        return f"{self.url}{_RESPONSE_PREFIX}{name}"

    # -- workspace setup --------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        is_bot: bool = False,
        name: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        user = SlackUser(
            id=user_id,
            team_id=team_id,
            name=name or user_id.lower(),
            is_restricted=is_restricted,
            is_ultra_restricted=is_ultra_restricted,
            is_bot=is_bot,
            enterprise_id=enterprise_id,
        )
        with self._changed:
            self.workspace.add_user(user)

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_ext_shared: bool = False,
        is_private: bool = False,
        is_im: bool = False,
        connected_team_ids: tuple[str, ...] = (),
        members: tuple[str, ...] = (),
    ) -> None:
        channel = SlackChannel(
            id=channel_id,
            name=name or channel_id.lower(),
            is_ext_shared=is_ext_shared,
            is_private=is_private,
            is_im=is_im,
            connected_team_ids=connected_team_ids,
            members=members,
        )
        with self._changed:
            self.workspace.add_channel(channel)

    # -- faults and latency -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with `status` (429 carries Retry-After).

        status=200 with an `error` gives an API-level failure such as expired_trigger_id.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        error = error or _DEFAULT_ERRORS.get(status, "fatal_error")
        with self._changed:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, error, times))

    def set_delay(self, seconds: float, *, method: str | None = None) -> None:
        """Answer `method` (or every method when None) only after `seconds`: a slow Slack."""
        with self._changed:
            self._delays[method] = seconds

    # -- recorded calls ---------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Block until `count` calls of `method` were answered with HTTP 200; return them.

        Calls failed by `fail_next` do not count. Raises TimeoutError listing what did arrive.
        """
        def answered() -> list[RecordedCall]:
            return [c for c in self._calls if c.method == method and c.status == 200]

        with self._changed:
            if not self._changed.wait_for(lambda: len(answered()) >= count, timeout=timeout):
                seen = [f"{c.method}:{c.status}" for c in self._calls]
                raise TimeoutError(
                    f"{len(answered())} of {count} {method} call(s) after {timeout}s; saw {seen}"
                )
            return answered()

    def reset(self) -> None:
        """Forget recorded calls, pending faults and delays. Users, channels, messages and views
        stay, and message timestamps keep increasing."""
        with self._changed:
            self._calls.clear()
            self._faults.clear()
            self._delays.clear()

    # -- workspace state seen by tests ------------------------------------------------------------

    def message(self, channel: str, ts: str) -> JsonObject | None:
        """The current state of a posted (and possibly updated) message."""
        with self._changed:
            found = self.workspace.messages.get((channel, ts))
            return dict(found) if found is not None else None

    def home_view(self, user_id: str) -> JsonObject | None:
        """The App Home view last published for `user_id`."""
        with self._changed:
            view_id = self.workspace.home_views.get(user_id)
            return dict(self.workspace.views[view_id]) if view_id else None

    def view(self, view_id: str) -> JsonObject | None:
        with self._changed:
            found = self.workspace.views.get(view_id)
            return dict(found) if found is not None else None

    # -- request handling (called from server threads) --------------------------------------------

    def _handle(self, path: str, headers: Mapping[str, str], params: JsonObject) -> ApiReply:
        if path.startswith(_RESPONSE_PREFIX):
            method, target = RESPONSE_URL_METHOD, path.removeprefix(_RESPONSE_PREFIX)
        elif path.startswith(_API_PREFIX):
            method, target = path.removeprefix(_API_PREFIX), ""
        else:
            return error_reply("not_found", status=404)
        self._sleep_for(method)
        with self._changed:
            reply = self._take_fault(method)
            if reply is None and method == RESPONSE_URL_METHOD:
                reply = ApiReply({"ok": True})
            if reply is None:
                reply = self._check_token(headers) or self.workspace.call(method, params)
            self._calls.append(
                RecordedCall(method, params, time.monotonic(), reply.status, reply.body, target)
            )
            self._changed.notify_all()
        return reply

    def _sleep_for(self, method: str) -> None:
        with self._changed:
            delay = self._delays.get(method, self._delays.get(None, 0.0))
        if delay > 0:
            time.sleep(delay)

    def _take_fault(self, method: str) -> ApiReply | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.pop(0)
        headers = {"retry-after": str(fault.retry_after)} if fault.status == 429 else {}
        return ApiReply({"ok": False, "error": fault.error}, status=fault.status, headers=headers)

    def _check_token(self, headers: Mapping[str, str]) -> ApiReply | None:
        authorization = headers.get("authorization", "")
        if not authorization:
            return error_reply("not_authed")
        if authorization != f"Bearer {self.bot_token}":
            return error_reply("invalid_auth")
        return None


class _StubServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent clients must not hit SYN retries

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        *,
        stub: SlackApiStub,
    ) -> None:
        self.stub = stub
        super().__init__(address, handler)


class _StubHandler(BaseHTTPRequestHandler):
    server: _StubServer
    protocol_version = "HTTP/1.1"
    timeout = 30
    # Headers and body go out in separate writes; with Nagle on, a keep-alive client's delayed
    # ACK holds the body back ~40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(body=b"")

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("content-length") or 0)
        self._answer(body=self.rfile.read(length))

    def _answer(self, *, body: bytes) -> None:
        url = urlsplit(self.path)
        params: JsonObject = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            params.update(_decode_body(body, self.headers.get("content-type", "")))
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            reply = error_reply("invalid_json")
        else:
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = self.server.stub._handle(url.path, headers, params)
        payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: tests and benchmarks should not print a line per request."""


def _decode_body(body: bytes, content_type: str) -> JsonObject:
    if not body:
        return {}
    text = body.decode("utf-8")
    if content_type.startswith("application/json"):
        decoded = json.loads(text)
        return decoded if isinstance(decoded, dict) else {}
    return dict(parse_qsl(text, keep_blank_values=True))
