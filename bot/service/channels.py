"""Whether a channel is internal to the installing workspace (fail closed: assume shared)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)


class ConversationsApi(Protocol):
    def conversations_info(self, *, channel: str) -> Any: ...


class ChannelPrivacy:
    """Staff-level detail is only posted publicly where no customer can read it."""

    def __init__(self, api: ConversationsApi | None, *, ttl: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._api, self._ttl, self._clock = api, ttl, clock
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
        if self._api is None:
            return False
        try:
            channel = self._api.conversations_info(channel=channel_id).get("channel") or {}
        except Exception:
            log.warning("conversations.info failed for %s; treating it as shared", channel_id,
                        exc_info=True)
            return False
        return not (channel.get("is_ext_shared") or channel.get("is_shared")
                    or channel.get("is_pending_ext_shared"))
