"""What every use case needs: where a request came from, and the collaborators it may use."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.identity import IdentityResolver
from bot.knowledge import KnowledgeBase
from bot.messenger import Messenger
from bot.rendering import Renderer
from bot.service.cache import DiagnosisCache
from bot.service.channels import ChannelPrivacy
from bot.store import Store
from checks.diagnose import Diagnoser


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a Slack request came from, translated from the payload by a listener."""

    channel_id: str
    user_id: str
    team_id: str | None = None  # body.user.team_id of interactive payloads (the home team)
    thread_ts: str | None = None  # the thread the request is in, if any
    message_ts: str | None = None  # the message with the pressed button, or the mention itself
    response_url: str | None = None
    trigger_id: str | None = None  # opens a modal, for about 3 s after the request
    surface: str = "command"  # command | action | mention | message | home


@dataclass(slots=True)
class Deps:
    diagnoser: Diagnoser
    store: Store
    kb: KnowledgeBase
    renderer: Renderer
    identity: IdentityResolver
    messenger: Messenger
    channels: ChannelPrivacy
    cache: DiagnosisCache
    action_key: bytes  # signs button values so a tampered value is refused
    support_channel: str | None = None
    dialog_ttl_seconds: int = 86_400
    escalation_window_seconds: int = 1800  # one escalation per license in it; 0: off
    clock: Callable[[], float] = time.time
