"""The load generator's plumbing: keep-alive HTTP to the replicas, and a Slack stand-in to watch.

KeepAlivePool is a minimal HTTP/1.1 client on asyncio streams (the approach of
sandbox.slack_load): a few keep-alive connections per replica, shared by every simulated user.
Not httpx, whose per-request CPU on a 2-core machine would be measured as the bot's latency.

WatchedSlackStub is the Slack Web API stand-in that also keeps, per channel, the order of the
bot's posts, and wakes the users watching a channel when something is posted or updated there,
so a user waiting for an answer checks again only when its channel changed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from sandbox.slack_api import SlackApiStub
from sandbox.slack_load import Connection
from sandbox.slack_requests import SlackRequest
from sandbox.slack_workspace import ApiReply, JsonObject

T = TypeVar("T")
RECHECK_SECONDS = 1.0  # a waiting user looks again at least this often, woken or not
# bot.http closes a keep-alive connection idle for 30 s; one idle half that long is reopened
# rather than reused, so a request never races the server closing it.
IDLE_SECONDS = 15.0


class AnswerTimeout(Exception):
    """The bot did not answer within the time a user waits."""


# -- HTTP to the replicas -------------------------------------------------------------------------


class KeepAlivePool:
    """At most `size` keep-alive connections to one http:// URL; a request waits for a free one
    (that wait is not part of its timing)."""

    def __init__(self, url: str, *, size: int) -> None:
        target = urlsplit(url)
        if target.scheme != "http" or target.hostname is None:
            raise ValueError(f"need an http:// URL, not {url!r}")
        self.url = url
        self._host, self._port = target.hostname, target.port or 80
        self._path = target.path or "/"
        self._idle: list[Connection] = []
        self._slots = asyncio.Semaphore(size)

    async def post(self, request: SlackRequest, *,
                   extra_headers: Mapping[str, str] | None = None) -> tuple[float, int]:
        """(milliseconds from sending to the whole answer, HTTP status; 0 = no answer)."""
        async with self._slots:
            connection = self._idle.pop() if self._idle else Connection(self._host, self._port)
            if time.monotonic() - connection.used_at > IDLE_SECONDS:
                await connection.close()
            try:
                started = time.perf_counter()
                status = await connection.post(self._path, request, extra_headers or {})
                return (time.perf_counter() - started) * 1000, status
            finally:
                self._idle.append(connection)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()


# -- the Slack stand-in, watched ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Post:
    """One chat.postMessage the bot made: its ts, and its thread (None for a top-level post)."""

    ts: str
    thread_ts: str | None


class WatchedSlackStub(SlackApiStub):
    """SlackApiStub that indexes the bot's posts by channel and wakes the channel's watchers.

    Hooks the stub's request handler (`_handle`): SlackApiStub has no public way to be told of
    new calls, and polling `calls()` copies every call recorded so far.
    """

    def __init__(self, *, team_id: str) -> None:
        super().__init__(team_id=team_id)
        self._index_lock = threading.Lock()
        self._posts: dict[str, list[Post]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakers: dict[str, asyncio.Event] = {}

    def watch_from(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Wake waiters on `loop` (the simulated users' event loop) from now on; None stops."""
        self._loop = loop

    def posts(self, channel: str, start: int = 0) -> list[Post]:
        with self._index_lock:
            return self._posts.get(channel, [])[start:]

    def post_count(self, channel: str) -> int:
        with self._index_lock:
            return len(self._posts.get(channel, []))

    async def wait_for_answer(self, channel: str, probe: Callable[[], T | None], *,
                              timeout: float) -> T:
        """The first non-None `probe()`, checked now and after each change in `channel`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        changed = self._wakers.setdefault(channel, asyncio.Event())
        while True:
            changed.clear()  # cleared before probing: a change after the probe sets it again
            found = probe()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AnswerTimeout
            try:
                await asyncio.wait_for(changed.wait(), min(remaining, RECHECK_SECONDS))
            except TimeoutError:
                pass

    def _handle(self, path: str, headers: Mapping[str, str], params: JsonObject) -> ApiReply:
        reply = super()._handle(path, headers, params)
        if reply.status == 200 and reply.body.get("ok"):
            method = path.rsplit("/", 1)[-1]
            channel = str(reply.body.get("channel") or params.get("channel") or "")
            if method == "chat.postMessage":
                thread = params.get("thread_ts")
                with self._index_lock:
                    self._posts.setdefault(channel, []).append(
                        Post(str(reply.body["ts"]), str(thread) if thread else None))
            if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
                self._notify(channel)
        return reply

    def _notify(self, channel: str) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._wake, channel)
        except RuntimeError:  # the loop closed meanwhile; nobody waits any more
            pass

    def _wake(self, channel: str) -> None:
        changed = self._wakers.get(channel)
        if changed is not None:
            changed.set()
