"""When a failed ClassLink call is tried again, and how long to wait first.

- 429: wait what Retry-After asks (no more than `max_retry_after`; a longer ask is raised at
  once so the caller can tell the user when to come back), else back off.
- 5xx, timeouts, refused or dropped connections: exponential backoff with jitter.
- A 200 whose body is not the document it should be: tried again at most twice.
- Auth failures, 404 and rejected requests (400) are never retried.
After `max_attempts` the last typed error is raised as it is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

from checks.classlink.errors import ClassLinkRejectedRequest
from checks.errors import ClassLinkBadResponse, ClassLinkRateLimited, ClassLinkUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

_BAD_BODY_ATTEMPTS = 3  # a garbled 200 is retried at most twice


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    max_backoff: float = 8.0
    max_retry_after: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def run(self, attempt: Callable[[], T]) -> T:
        """Call `attempt` until it returns or fails in a way that is not worth retrying."""
        retrying = tenacity.Retrying(
            sleep=self.sleep,
            stop=tenacity.stop_never,  # `_should_retry` counts attempts per error kind
            wait=self._wait,
            retry=self._should_retry,
            before_sleep=_log_retry,
            reraise=True,
        )
        return retrying(attempt)

    def _should_retry(self, state: tenacity.RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if exc is None or state.attempt_number >= self.max_attempts:
            return False
        if isinstance(exc, ClassLinkRateLimited):
            return exc.retry_after is None or exc.retry_after <= self.max_retry_after
        if isinstance(exc, ClassLinkRejectedRequest):
            return False
        if isinstance(exc, ClassLinkBadResponse):
            return state.attempt_number < _BAD_BODY_ATTEMPTS
        return isinstance(exc, ClassLinkUnavailable)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ClassLinkRateLimited) and exc.retry_after is not None:
            return exc.retry_after
        backoff = tenacity.wait_exponential(multiplier=0.5, max=self.max_backoff)
        jitter = tenacity.wait_random(0, 0.5)
        return min(self.max_backoff, float(backoff(state)) + float(jitter(state)))


def _log_retry(state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning(
        "ClassLink attempt %d failed (%s); retrying in %.1fs", state.attempt_number, exc, wait
    )
