"""Running one job: the request's service method, within a time limit, journaled, and never
silent: a job that fails, runs out of time or has been tried too often tells the asker so.

The same runner serves jobs in a `rosterbot worker` (from the queue) and in `rosterbot run`'s own
threads (ROSTERBOT_JOBS=local). The outcome tells the queue what to do next: a job handed back
on shutdown runs again elsewhere; every other outcome is final.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum
from typing import Any, Protocol

from bot.jobs.journal import JobContext, JobInterrupted, job_running, restore_dialogs
from bot.jobs.requests import Request, serve
from bot.knowledge import Audience
from bot.service import RosterService
from bot.store import Store, StoreError

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 600.0


class JobMetrics(Protocol):
    """Where job durations go (bot.observability.metrics.Metrics)."""

    def observe_job(self, kind: str, seconds: float, *, outcome: str = "done") -> None: ...


LogScope = Callable[[str], AbstractContextManager[Any]]


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"  # an error; the asker was told
    TIMED_OUT = "timed_out"  # stopped at its time limit; the asker was told
    HANDED_BACK = "handed_back"  # its worker is stopping: run it again elsewhere
    GAVE_UP = "gave_up"  # tried too often already; the asker was told


class JobRunner:
    def __init__(self, service: RosterService, store: Store, *, timeout_seconds: float,
                 max_attempts: int, journaled: bool = True, metrics: JobMetrics | None = None,
                 log_scope: LogScope = nullcontext, clock: Callable[[], float] = time.monotonic,
                 ) -> None:
        """`store` is the store the service writes to; `journaled` is False where no attempt
        can follow this one (the bot's own threads); `log_scope(job key)` is entered around
        each job (bot.observability.logs.job_scope: every log line names the job)."""
        self.service, self.store = service, store
        self.timeout_seconds, self.max_attempts = timeout_seconds, max_attempts
        self.journaled, self.clock = journaled, clock
        self.metrics, self.log_scope = metrics, log_scope
        self._purge_lock = threading.Lock()
        self._next_purge = 0.0

    def run(self, request: Request, *, attempt: int = 0,
            should_abort: Callable[[], bool] = lambda: False) -> Outcome:
        """Serve the request; `attempt` counts the earlier runs of the same job (0 first)."""
        started = self.clock()
        with self.log_scope(request.key):
            outcome = self._run(request, attempt, should_abort)
            seconds = self.clock() - started
            log.info("job %s (%s): %s in %.2f s (attempt %d)", request.key,
                     request.describe(), outcome, seconds, attempt + 1)
        if self.metrics is not None:
            self.metrics.observe_job(request.kind, seconds, outcome=str(outcome))
        self._purge_now_and_then()
        return outcome

    def _run(self, request: Request, attempt: int,
             should_abort: Callable[[], bool]) -> Outcome:
        if attempt >= self.max_attempts:
            log.error("job %s (%s) gave up after %d attempts", request.key, request.describe(),
                      attempt)
            self.tell(request, "job_failed")
            return Outcome.GAVE_UP
        journal = self._journal(request) if self.journaled and attempt > 0 else {}
        if journal:
            restore_dialogs(self.store, request.key, journal)
        context = JobContext(request.key, self.store, journal, journaled=self.journaled,
                             should_abort=should_abort)
        watchdog = _Watchdog(self, request, context)
        timer = threading.Timer(self.timeout_seconds, watchdog.expire)
        timer.daemon = True
        timer.start()
        try:
            with job_running(context):
                serve(self.service, request)
            outcome = Outcome.DONE
        except JobInterrupted as stop:
            outcome = Outcome.HANDED_BACK if stop.reason == "shutdown" else Outcome.TIMED_OUT
        except Exception:
            log.exception("job %s (%s) failed", request.key, request.describe())
            outcome = Outcome.FAILED
        finally:
            timer.cancel()
        if watchdog.finish() and outcome is not Outcome.HANDED_BACK:
            outcome = Outcome.TIMED_OUT  # told already, whatever happened after
        if outcome is Outcome.FAILED:
            self.tell(request, "job_failed")
        return outcome

    def tell(self, request: Request, key: str) -> None:
        """Tell the asker, once per job (however many attempts), that their request could not
        be served; where there is nobody to tell in a channel (App Home), only log."""
        origin = request.origin
        if not origin.channel_id and not origin.response_url:
            return
        if self.journaled:
            try:
                if not self.store.write_journal(request.key, "told", key):
                    return  # an earlier attempt has said so
            except StoreError as exc:
                log.warning("job %s: could not journal the failure note: %s", request.key, exc)
        replies = self.service.replies
        try:
            replies.private(origin, replies.say_key(key, Audience.CUSTOMER))
        except Exception:
            log.exception("job %s: could not tell the asker it failed", request.key)

    def _journal(self, request: Request) -> dict[str, Any]:
        try:
            return self.store.journal(request.key)
        except StoreError as exc:
            log.warning("job %s: could not read its journal (%s); running it afresh",
                        request.key, exc)
            return {}

    def _purge_now_and_then(self) -> None:
        if not self.journaled:
            return
        now = self.clock()
        with self._purge_lock:
            if now < self._next_purge:
                return
            self._next_purge = now + PURGE_EVERY_SECONDS
        try:
            self.store.purge_journal()
        except StoreError as exc:
            log.warning("could not purge the job journal: %s", exc)


class _Watchdog:
    """Stops a job at its time limit: the asker hears at once, and the job stops at its next
    Slack call (a thread cannot be killed; its late answer is never posted)."""

    def __init__(self, runner: JobRunner, request: Request, context: JobContext) -> None:
        self.runner, self.request, self.context = runner, request, context
        self._lock = threading.Lock()
        self._finished = False
        self._expired = False

    def expire(self) -> None:
        with self._lock:
            if self._finished or self.context.stop_reason is not None:
                return
            self._expired = True
            self.context.stop_reason = "timeout"
        log.warning("job %s (%s) ran out of time after %.0f s", self.request.key,
                    self.request.describe(), self.runner.timeout_seconds)
        self.runner.tell(self.request, "job_timed_out")

    def finish(self) -> bool:
        """The job ended; True when it had run out of time first."""
        with self._lock:
            self._finished = True
            return self._expired
