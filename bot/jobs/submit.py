"""The queue at the listener boundary: what the listeners call instead of the service.

The process that talks to Slack acks, decides and enqueues. Each request is translated by its
listener (an Origin and the text or value) and handed on as a job (bot.jobs.requests.Request),
except the two that Slack wants answered within its 3 seconds: a searchable select's options
(answered in the ack itself) and `/roster link` without a license, whose picker modal needs the
request's trigger_id (valid for about 3 s, too short to wait for a busy queue). Both read only
the store and the license directory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, Protocol

from bot.commands import Command, parse_command
from bot.jobs.local import JobQueueError, Jobs, LocalJobs
from bot.jobs.requests import Request
from bot.jobs.runner import JobMetrics, JobRunner, LogScope
from bot.knowledge import Audience
from bot.service import Origin, RosterService
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)


class QueueMetrics(JobMetrics, Protocol):
    """bot.observability.metrics.Metrics, as far as jobs report to it."""

    def watch_job_queue_depth(self, source: Callable[[], int] | None) -> None: ...


class ReadinessChecks(Protocol):
    """bot.health.Readiness, as far as the job queue reports to it."""

    def add(self, name: str, check: Callable[[], object]) -> None: ...


class JobSubmitter:
    """Implements bot.jobs.requests.Surfaces for the listeners."""

    def __init__(self, service: RosterService, jobs: Jobs) -> None:
        self.service, self.jobs = service, jobs

    def command(self, origin: Origin, text: str) -> None:
        if opens_a_modal(text):
            self.service.command(origin, text)
        else:
            self._submit(Request.of("command", origin, text=text))

    def action(self, origin: Origin, value: str) -> None:
        self._submit(Request.of("action", origin, value=value))

    def mention(self, origin: Origin, text: str) -> None:
        self._submit(Request.of("mention", origin, text=text))

    def message(self, origin: Origin, text: str, *, direct: bool = False) -> None:
        self._submit(Request.of("message", origin, text=text, direct=direct))

    def link_submitted(self, origin: Origin, metadata: str, license_id: str) -> None:
        self._submit(Request.of("link", origin, metadata=metadata, license_id=license_id))

    def home_opened(self, user_id: str) -> None:
        self._submit(Request.of("home", Origin(channel_id="", user_id=user_id, surface="home")))

    def options(self, origin: Origin, block_id: str, query: str) -> list[dict[str, Any]]:
        return self.service.options(origin, block_id, query)

    def _submit(self, request: Request) -> None:
        try:
            self.jobs.submit(request)
        except JobQueueError as exc:
            log.error("could not queue %s: %s", request.describe(), exc)
            apologise(self.service, request)


def apologise(service: RosterService, request: Request) -> None:
    """Tell the asker their request was not taken (the job queue could not be reached)."""
    if not (request.origin.channel_id or request.origin.response_url):
        return
    replies = service.replies
    try:
        replies.private(request.origin, replies.say_key("error_apology", Audience.CUSTOMER))
    except Exception:
        log.exception("could not deliver the apology")


def opens_a_modal(text: str) -> bool:
    """`/roster link` without a license opens a picker with the request's trigger_id."""
    parsed = parse_command(text)
    return isinstance(parsed, Command) and parsed.name == "link" and parsed.argument is None


def open_jobs(settings: Settings, service: RosterService, store: Store, *,
              metrics: QueueMetrics | None = None, readiness: ReadinessChecks | None = None,
              log_scope: LogScope = nullcontext) -> Jobs:
    """The jobs the settings ask for: in this process's threads, or on the PostgreSQL queue
    (which then reports its depth in `metrics` and its reachability in `readiness`)."""
    if settings.jobs_mode == "local":
        return LocalJobs(JobRunner(service, store, timeout_seconds=settings.job_timeout_seconds,
                                   max_attempts=settings.job_attempts, journaled=False,
                                   metrics=metrics, log_scope=log_scope))
    from bot.jobs.queue import QueueJobs  # procrastinate is only needed with PostgreSQL

    queue = QueueJobs(settings.database_url,
                      on_failure=lambda request: apologise(service, request))
    if metrics is not None:
        metrics.watch_job_queue_depth(queue.depth)
    if readiness is not None:
        readiness.add("job_queue", queue.ready)
    return queue
