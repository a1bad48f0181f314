"""Who is asking: staff (a full member of the installing workspace) or a customer.

Decided from Slack identity only, never from what a message says. Anything that cannot be
verified (users.info failing, a missing team) makes the actor a customer: we fail closed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.knowledge import Audience

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    team_id: str | None  # the user's home team, as far as we could verify it
    is_staff: bool

    @property
    def audience(self) -> Audience:
        """Who reads what is said to this actor alone (an ephemeral reply, a DM)."""
        return Audience.STAFF if self.is_staff else Audience.CUSTOMER


@dataclass(frozen=True, slots=True)
class Installation:
    team_id: str
    enterprise_id: str | None = None


class SlackUsersApi(Protocol):
    def auth_test(self) -> Any: ...
    def users_info(self, *, user: str) -> Any: ...


def is_staff(user: Mapping[str, Any] | None, installation: Installation) -> bool:
    """A full (non-guest, non-bot) member whose home team is the installing team."""
    if not user or user.get("deleted") or user.get("is_bot"):
        return False
    if user.get("is_restricted") or user.get("is_ultra_restricted") or user.get("is_stranger"):
        return False
    return _of_installation(user, installation)


def is_insider(user: Mapping[str, Any] | None, installation: Installation) -> bool:
    """Staff, or a bot of the installing workspace (such as rosterbot itself): a channel whose
    members are all insiders is internal. Guests, external members and strangers are not."""
    if user and user.get("is_bot") and not user.get("deleted"):
        return _of_installation(user, installation)
    return is_staff(user, installation)


def _of_installation(user: Mapping[str, Any], installation: Installation) -> bool:
    home = user.get("team_id")
    if home and home == installation.team_id:
        return True
    enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
    return bool(installation.enterprise_id and enterprise == installation.enterprise_id)


class IdentityResolver:
    """Resolves actors through auth.test and users.info, caching answers for a few minutes."""

    def __init__(self, api: SlackUsersApi, *, ttl: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._api = api
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._installation: Installation | None = None
        self._users: dict[str, tuple[float, Actor, bool]] = {}  # expiry, actor, insider

    def installation(self) -> Installation:
        with self._lock:
            if self._installation is None:
                answer = self._api.auth_test()
                self._installation = Installation(str(answer["team_id"]),
                                                  answer.get("enterprise_id") or None)
            return self._installation

    def actor(self, user_id: str, *, payload_team_id: str | None = None) -> Actor:
        """The actor for a user id; `payload_team_id` is body.user.team_id from interactivity."""
        try:
            installation = self.installation()
        except Exception:  # Slack unreachable: we cannot verify anyone, so nobody is staff
            log.warning("auth.test failed; treating %s as a customer", user_id, exc_info=True)
            return Actor(user_id, None, is_staff=False)
        if payload_team_id and payload_team_id != installation.team_id \
                and not installation.enterprise_id:
            return Actor(user_id, payload_team_id, is_staff=False)
        return self._known(user_id, installation)[0]

    def is_insider(self, user_id: str) -> bool:
        """Whether a channel member is staff or one of the installing workspace's bots;
        False when that cannot be verified."""
        try:
            installation = self.installation()
        except Exception:
            log.warning("auth.test failed; treating member %s as a customer", user_id,
                        exc_info=True)
            return False
        return self._known(user_id, installation)[1]

    def _known(self, user_id: str, installation: Installation) -> tuple[Actor, bool]:
        with self._lock:
            entry = self._users.get(user_id)
        if entry and entry[0] > self._clock():
            return entry[1], entry[2]
        actor, insider = self._resolve(user_id, installation)
        with self._lock:
            self._users[user_id] = (self._clock() + self._ttl, actor, insider)
        return actor, insider

    def _resolve(self, user_id: str, installation: Installation) -> tuple[Actor, bool]:
        try:
            user = self._api.users_info(user=user_id).get("user")
        except Exception:
            log.warning("users.info failed for %s; treating as a customer", user_id,
                        exc_info=True)
            return Actor(user_id, None, is_staff=False), False
        if not isinstance(user, Mapping):
            return Actor(user_id, None, is_staff=False), False
        actor = Actor(user_id, user.get("team_id"), is_staff=is_staff(user, installation))
        return actor, is_insider(user, installation)
