"""What every use case needs: where a request came from, who asked, what the channel is, and the
collaborators it may use. The request's context is built once (`request_context`) and every use
case asks it, through bot.policy.authorize, what it may do and where it may say it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.identity import Actor, IdentityResolver
from bot.knowledge import Audience, KnowledgeBase
from bot.messenger import Messenger
from bot.observability.metrics import Metrics
from bot.policy import Channel, Decision, authorize, channel_audience
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
    metrics: Metrics = field(default_factory=Metrics)  # GET /metrics (escalations opened)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """One request: where it came from, who asked, and the channel's link and privacy."""

    origin: Origin
    actor: Actor
    channel: Channel

    @property
    def audience(self) -> Audience:
        """Who reads what is posted in the channel for this request."""
        return channel_audience(self.actor, self.channel)

    def authorize(self, *, license_id: str | None = None, owner: str | None = None,
                  staff_only: bool = False, needs_license: bool = True) -> Decision:
        """bot.policy.authorize for this actor in this channel."""
        return authorize(self.actor, self.channel, license_id=license_id, owner=owner,
                         staff_only=staff_only, needs_license=needs_license)


def request_context(deps: Deps, origin: Origin, actor: Actor | None = None) -> RequestContext:
    """The context of a request, read once: the actor (users.info, cached), the channel's
    linked license, and, only where it can change a decision (staff in an unlinked channel),
    whether every member of the channel is staff."""
    if actor is None:
        actor = deps.identity.actor(origin.user_id, payload_team_id=origin.team_id)
    channel_id = origin.channel_id
    linked = deps.store.linked_license(channel_id) if channel_id else None
    internal = bool(channel_id) and actor.is_staff and linked is None and \
        deps.channels.is_internal(channel_id)
    return RequestContext(origin, actor, Channel(channel_id, linked, internal))
