"""Jobs on PostgreSQL, with procrastinate: the bot replicas defer, `rosterbot worker`s run them.

Imported only when ROSTERBOT_JOBS=queue (PostgreSQL), so the embedded install needs neither
procrastinate nor psycopg. The queue's tables live in the store's database and schema, created
on first use (`ensure_queue_schema`, safe from many processes at once).

A job is one Slack request (bot.jobs.requests.Request, as JSON) and runs through
bot.jobs.runner.JobRunner. What the queue adds:

- **Workers that die.** Each worker beats a heartbeat into the database every
  ROSTERBOT_WORKER_HEARTBEAT seconds. Every worker looks, as often, for jobs still marked as
  running by a worker silent for three heartbeats, and puts them back in the queue (the journal,
  bot.jobs.journal, makes the rerun post nothing twice).
- **SIGTERM (or SIGINT) drains a worker.** It takes no new job; running jobs get
  ROSTERBOT_WORKER_GRACE seconds to finish, then each is handed back at its next Slack call and
  runs again on another worker. The worker keeps beating its heartbeat meanwhile, so nobody
  takes its jobs while they are still running; a job still busy ten seconds after the grace is
  left to the others (the process exits and falls silent). Then the store closes and the process
  exits 0. A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from bot.jobs.local import JobQueueError
from bot.jobs.requests import Request
from bot.jobs.runner import JobRunner, Outcome

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)
TASK = "rosterbot.serve_request"
QUEUE = "rosterbot"
STALLED_HEARTBEATS = 3  # a worker silent this many heartbeats is presumed dead
HARD_STOP_AFTER_GRACE_SECONDS = 10.0
MAX_BATCH = 200  # requests queued in one INSERT at most
POLL_SECONDS = 2.0  # besides LISTEN/NOTIFY, each worker looks for work this often
_SCHEMA_LOCK_CLASS = 0x527374  # the store's advisory lock namespace (bot.store.migrations)


class JobFailed(Exception):
    """A job ended without serving its request (the asker was told); the queue marks it failed
    and does not run it again."""


def postgres_dsn(database_url: str) -> str:
    """The store's DATABASE_URL as a libpq connection string (search_path options kept)."""
    url = make_url(database_url.strip().replace("postgres://", "postgresql://", 1))
    if url.get_backend_name() != "postgresql":
        raise JobQueueError("the job queue needs DATABASE_URL=postgresql://...")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_queue_schema(dsn: str) -> bool:
    """Create procrastinate's tables in the current schema unless they are there; True when this
    call created them. Concurrent callers take turns on an advisory lock."""
    import psycopg
    from procrastinate.schema import SchemaManager

    try:
        with psycopg.connect(dsn, autocommit=False, connect_timeout=5) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema() || '.jobs'))",
                         (_SCHEMA_LOCK_CLASS,))
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found is not None and found[0] is not None:
                return False
            conn.execute(SchemaManager.get_schema())
            return True
    except psycopg.Error as exc:
        raise JobQueueError(f"could not prepare the job queue: {_first_line(exc)}") from None


class QueueJobs:
    """The bot replicas' side: requests are handed to one thread of this process, which queues
    them in PostgreSQL, all that arrived meanwhile in one INSERT. Under a burst a replica thus
    spends one round trip per batch instead of one per request, and its CPU stays with the acks.
    A batch the database refuses is logged, and `on_failure` tells each asker."""

    def __init__(self, database_url: str, *,
                 on_failure: Callable[[Request], None] = lambda _request: None) -> None:
        import procrastinate

        self.dsn = postgres_dsn(database_url)
        self.on_failure = on_failure
        ensure_queue_schema(self.dsn)
        self.app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(
            conninfo=self.dsn, min_size=1, max_size=2, kwargs={"connect_timeout": 5}))
        try:
            self.app.open()
        except Exception as exc:
            raise JobQueueError(f"could not reach the job queue: {_first_line(exc)}") from None
        self._deferrer = self.app.configure_task(TASK, queue=QUEUE)
        self._closed = False
        self._waiting: queue.SimpleQueue[Request | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._defer_forever, name="rosterbot-enqueue",
                                        daemon=True)
        self._thread.start()

    def submit(self, request: Request) -> None:
        if not self._thread.is_alive():
            raise JobQueueError("the job queue is closed")
        self._waiting.put(request)

    def _defer_forever(self) -> None:
        while True:
            first = self._waiting.get()
            batch = [first] if first is not None else []
            while len(batch) < MAX_BATCH:  # whatever else arrived meanwhile
                try:
                    more = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    first = None
                    break
                batch.append(more)
            if batch:
                self._defer(batch)
            if first is None:
                return

    def _defer(self, batch: list[Request]) -> None:
        try:
            kwargs: list[dict[str, Any]] = [{"request": r.to_json()} for r in batch]
            self._deferrer.batch_defer(*kwargs)
        except Exception as exc:  # procrastinate's ConnectorException, pool timeouts
            log.error("could not queue %d job(s): %s", len(batch), _first_line(exc))
            for request in batch:
                try:
                    self.on_failure(request)
                except Exception:
                    log.exception("could not tell %s", request.describe())

    def ready(self) -> bool:
        try:
            return bool(self.app.check_connection())
        except Exception:
            return False

    def depth(self) -> int:
        """Jobs waiting for a worker (read at each metrics scrape)."""
        row = self.app.connector.get_sync_connector().execute_query_one(
            "SELECT count(*) AS waiting FROM procrastinate_jobs "
            "WHERE queue_name = %(queue)s AND status = 'todo'", queue=QUEUE)
        return int(row["waiting"])

    def describe(self) -> str:
        return "on the PostgreSQL job queue (start `rosterbot worker`)"

    @property
    def quick(self) -> bool:
        return True  # submit hands the request to the queueing thread

    def close(self) -> None:
        """Queue what was handed over, then let go of the database (once; again is a no-op)."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._waiting.put(None)
            self._thread.join(timeout=30)
        self.app.close()


def run_worker(database_url: str, runner: JobRunner, *, concurrency: int,
               heartbeat_seconds: float, grace_seconds: float, name: str | None = None,
               on_ready: Callable[[], None] = lambda: None) -> None:
    """Serve jobs until SIGTERM or SIGINT, then drain (see the module docstring)."""
    dsn = postgres_dsn(database_url)
    ensure_queue_schema(dsn)
    asyncio.run(_work(dsn, runner, concurrency=concurrency, heartbeat=heartbeat_seconds,
                      grace=grace_seconds, name=name or f"rosterbot-{os.getpid()}",
                      on_ready=on_ready))


async def _work(dsn: str, runner: JobRunner, *, concurrency: int, heartbeat: float,
                grace: float, name: str, on_ready: Callable[[], None]) -> None:
    import procrastinate
    from procrastinate import exceptions
    from procrastinate.worker import Worker

    loop = asyncio.get_running_loop()
    # procrastinate runs synchronous tasks on the loop's default executor
    loop.set_default_executor(ThreadPoolExecutor(max_workers=concurrency,
                                                 thread_name_prefix="rosterbot-job"))
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=dsn, min_size=1, max_size=concurrency + 4, kwargs={"connect_timeout": 5}))

    @app.task(name=TASK, queue=QUEUE, pass_context=True,
              retry=procrastinate.RetryStrategy(retry_exceptions={exceptions.JobAborted}))
    def serve_request(context: procrastinate.JobContext, request: dict[str, Any]) -> None:
        job = Request.from_json(request)
        outcome = runner.run(job, attempt=context.job.attempts,
                             should_abort=context.should_abort)
        if outcome is Outcome.HANDED_BACK:
            raise exceptions.JobAborted(f"handed back on shutdown: {job.describe()}")
        if outcome is not Outcome.DONE:
            raise JobFailed(f"{outcome}: {job.describe()}")

    stalled_after = heartbeat * STALLED_HEARTBEATS
    quiet = _ExpectedEndings((exceptions.JobAborted, JobFailed))
    for logger_name in ("procrastinate.worker", f"procrastinate.worker.{name}"):
        logging.getLogger(logger_name).addFilter(quiet)
    async with app.open_async():
        worker = Worker(app, queues=[QUEUE], name=name, concurrency=concurrency,
                        install_signal_handlers=False, update_heartbeat_interval=heartbeat,
                        stalled_worker_timeout=stalled_after,
                        # jobs queued again (requeued or handed back) send no notification
                        fetch_job_polling_interval=min(heartbeat, POLL_SECONDS),
                        abort_job_polling_interval=min(heartbeat, POLL_SECONDS),
                        shutdown_graceful_timeout=grace)
        stopping = _Stopper(worker, grace)
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.request, signum)
        side = [asyncio.create_task(_keep_beating(app, worker, heartbeat)),
                asyncio.create_task(_requeue_stalled(app, every=heartbeat,
                                                     stalled_after=stalled_after))]
        log.info("worker %s serving jobs (%d at a time)", name, concurrency)
        on_ready()
        try:
            await worker.run()  # type: ignore[no-untyped-call]
        finally:
            for task in side:
                task.cancel()
            await asyncio.gather(*side, return_exceptions=True)
            stopping.cancel()
    log.info("worker %s stopped", name)


class _ExpectedEndings(logging.Filter):
    """procrastinate logs a job's exception with its traceback; a job handed back, or failed
    after telling the asker (the runner has logged why), needs no traceback."""

    def __init__(self, expected: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.expected):
            record.exc_info, record.exc_text = None, None
        return True


class _Stopper:
    """The first signal drains the worker; past the grace and ten seconds more, or at a second
    signal, the process exits as it stands (its running jobs go to other workers)."""

    def __init__(self, worker: Any, grace: float) -> None:
        self.worker, self.grace = worker, grace
        self._timer: threading.Timer | None = None

    def request(self, signum: int) -> None:
        if self._timer is not None:
            log.warning("second %s: stopping at once", signal.Signals(signum).name)
            _exit_now()
        log.info("%s: taking no new jobs; running ones have %.0f s to finish",
                 signal.Signals(signum).name, self.grace)
        self._timer = threading.Timer(self.grace + HARD_STOP_AFTER_GRACE_SECONDS, _exit_now)
        self._timer.daemon = True
        self._timer.start()
        self.worker.stop()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _exit_now() -> None:
    log.warning("jobs still running: leaving them to the other workers")
    logging.shutdown()
    os._exit(0)


async def _keep_beating(app: procrastinate.App, worker: Any, every: float) -> None:
    """procrastinate stops its heartbeat as soon as a worker is asked to stop; ours goes on
    until the running jobs have ended, so no other worker takes them while they run."""
    while True:
        await asyncio.sleep(every)
        if worker.worker_id is None:
            continue
        try:
            await app.job_manager.update_heartbeat(worker.worker_id)
        except Exception as exc:  # the next beat tries again
            log.warning("could not beat the heartbeat: %s", _first_line(exc))


async def _requeue_stalled(app: procrastinate.App, *, every: float,
                           stalled_after: float) -> None:
    """Put back in the queue the jobs of workers that fell silent (killed, or their machine
    gone). Several workers may find the same job; the database lets one of them requeue it."""
    while True:
        await asyncio.sleep(every)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=stalled_after)
        except Exception as exc:
            log.warning("could not look for stalled jobs: %s", _first_line(exc))
            continue
        for job in stalled:
            try:
                await app.job_manager.retry_job(job)
            except Exception:  # another worker requeued it first
                continue
            log.warning("job %s was running on a worker that fell silent; queued again",
                        job.id)


def _first_line(exc: BaseException) -> str:
    cause = exc.__cause__ or exc
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__
