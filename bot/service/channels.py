"""Whether a channel is internal: every member is staff (fail closed: assume customers read it).

A channel shared with another organisation (Slack Connect, or an invitation pending) is not
internal. Nor is one with a guest: guests are customers. Members are read with
conversations.members and judged one by one (users.info through the identity resolver, which
caches them); a channel with more members than we read, or any answer we could not get, counts
as shared.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

MAX_MEMBERS = 400  # a bigger channel is treated as shared rather than read member by member
PAGE_SIZE = 200
SHARED_FLAGS = ("is_ext_shared", "is_shared", "is_pending_ext_shared")


class ConversationsApi(Protocol):
    def conversations_info(self, *, channel: str) -> Any: ...
    def conversations_members(self, *, channel: str, cursor: str | None = None,
                              limit: int = 100) -> Any: ...


class ChannelPrivacy:
    """Staff-level detail is only posted publicly where no customer can read it.

    `insider(user_id)` says whether a member is staff (or one of our own workspace's bots);
    without it only the channel's shared flags are read (the members are not judged)."""

    def __init__(self, api: ConversationsApi | None, *,
                 insider: Callable[[str], bool] | None = None, ttl: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._api, self._insider, self._ttl, self._clock = api, insider, ttl, clock
        self._lock = threading.Lock()
        self._known: dict[str, tuple[float, bool]] = {}

    def is_internal(self, channel_id: str) -> bool:
        if channel_id.startswith("D"):
            return True  # a direct message with the bot
        with self._lock:
            cached = self._known.get(channel_id)
        if cached and cached[0] > self._clock():
            return cached[1]
        internal = self._ask(channel_id)
        with self._lock:
            self._known[channel_id] = (self._clock() + self._ttl, internal)
        return internal

    def _ask(self, channel_id: str) -> bool:
        if self._api is None or not channel_id:
            return False
        try:
            channel = self._api.conversations_info(channel=channel_id).get("channel") or {}
        except Exception:
            log.warning("conversations.info failed for %s; treating it as shared", channel_id,
                        exc_info=True)
            return False
        if any(channel.get(flag) for flag in SHARED_FLAGS):
            return False
        if self._insider is None:
            return True
        members = self._members(channel_id)
        return members is not None and all(self._insider(m) for m in members)

    def _members(self, channel_id: str) -> list[str] | None:
        """Every member id, or None when they could not all be read."""
        assert self._api is not None
        members: list[str] = []
        cursor: str | None = None
        try:
            while True:
                page = self._api.conversations_members(channel=channel_id, cursor=cursor,
                                                       limit=PAGE_SIZE)
                members += [str(m) for m in page.get("members") or ()]
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if len(members) > MAX_MEMBERS:
                    log.info("%s has over %d members; treating it as shared", channel_id,
                             MAX_MEMBERS)
                    return None
                if not cursor:
                    return members
        except Exception:
            log.warning("conversations.members failed for %s; treating it as shared",
                        channel_id, exc_info=True)
            return None
