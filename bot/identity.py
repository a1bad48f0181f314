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

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    team_id: str | None  # the user's home team, as far as we could verify it
    is_staff: bool

    @property
    def audience(self) -> str:
        return "staff" if self.is_staff else "customer"


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
        self._users: dict[str, tuple[float, Actor]] = {}

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
        cached = self._cached(user_id)
        if cached is not None:
            return cached
        actor = self._resolve(user_id, installation)
        with self._lock:
            self._users[user_id] = (self._clock() + self._ttl, actor)
        return actor

    def _cached(self, user_id: str) -> Actor | None:
        with self._lock:
            entry = self._users.get(user_id)
        if entry and entry[0] > self._clock():
            return entry[1]
        return None

    def _resolve(self, user_id: str, installation: Installation) -> Actor:
        try:
            user = self._api.users_info(user=user_id).get("user")
        except Exception:
            log.warning("users.info failed for %s; treating as a customer", user_id,
                        exc_info=True)
            return Actor(user_id, None, is_staff=False)
        team = user.get("team_id") if isinstance(user, Mapping) else None
        return Actor(user_id, team, is_staff=is_staff(user, installation))
