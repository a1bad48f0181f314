"""Where jobs go: the `Jobs` port, and the embedded kind that runs them in the bot's own threads
(ROSTERBOT_JOBS=local, the default with SQLite: `make demo` and a one-box install need nothing
else). The PostgreSQL queue is in bot.jobs.queue."""

from __future__ import annotations

from typing import Protocol

from bot.errors import StoreError
from bot.jobs.requests import Request
from bot.jobs.runner import JobRunner


class JobQueueError(StoreError):
    """The job queue could not take a job (its database, the store's, is down or unreachable)."""


class Jobs(Protocol):
    def submit(self, request: Request) -> None:
        """Serve the request after the ack: now in this thread, or by a worker. JobQueueError
        when it could not be queued."""
        ...

    def ready(self) -> bool:
        """Whether jobs can be taken now (for readiness checks)."""
        ...

    def describe(self) -> str: ...

    def close(self) -> None: ...

    @property
    def quick(self) -> bool:
        """Whether submit returns at once (it only queues), so it may run in the ack path."""
        ...


class LocalJobs:
    """Runs each job at once in the calling thread: one of Bolt's lazy-listener threads. Nothing
    is journaled: no other attempt can follow, since a job lives and dies with this process."""

    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner

    def submit(self, request: Request) -> None:
        self.runner.run(request)

    def ready(self) -> bool:
        return True

    def describe(self) -> str:
        return "in this process's own threads (ROSTERBOT_JOBS=local)"

    @property
    def quick(self) -> bool:
        return False  # a job runs in the submitting thread: a lazy listener's

    def close(self) -> None:
        return None
