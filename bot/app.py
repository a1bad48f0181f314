"""The Bolt app factory. Nothing is built at import time; `create_app` wires everything."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot import listeners
from bot.health import Readiness
from bot.identity import IdentityResolver, SlackUsersApi
from bot.jobs.journal import JournaledMessenger
from bot.jobs.local import Jobs
from bot.jobs.submit import JobSubmitter, open_jobs
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.messenger import Messenger, SlackMessenger, web_client
from bot.observability.logs import ContextExecutor, job_scope
from bot.observability.metrics import Metrics
from bot.observability.slack import instrument_app, observed
from bot.rendering import Renderer
from bot.request_guard import PayloadGuard
from bot.service import Deps, RosterService
from bot.service.cache import DiagnosisCache
from bot.service.channels import ChannelPrivacy, ConversationsApi
from bot.settings import Settings
from bot.store import Store, StoreError
from checks.diagnose import Diagnoser

log = logging.getLogger(__name__)
WORKERS = 16  # lazy listeners run here; live checks block on ClassLink for seconds


@dataclass(frozen=True, slots=True)
class BuiltApp:
    app: App
    service: RosterService
    client: WebClient
    executor: ThreadPoolExecutor
    # GET /metrics; the job queue reports its depth and job durations here too
    metrics: Metrics = field(default_factory=Metrics)
    # GET /readyz: the store here, Slack and Socket Mode added by `rosterbot run`; the job
    # queue adds its own check with `built.readiness.add("job_queue", check)`
    readiness: Readiness = field(default_factory=Readiness)
    # where work after the ack goes: this process's threads, or the PostgreSQL job queue
    jobs: Jobs | None = None

    def close(self) -> None:
        """Let running lazy listeners finish (they post their answers, or queue their jobs),
        then stop."""
        self.executor.shutdown(wait=True)
        if self.jobs is not None:
            self.jobs.close()


def create_app(
    settings: Settings, *, diagnoser: Diagnoser, store: Store,
    client: WebClient | None = None, kb: KnowledgeBase | None = None,
    messenger: Messenger | None = None, metrics: Metrics | None = None,
    readiness: Readiness | None = None, jobs: Jobs | None = None,
) -> BuiltApp:
    """The Bolt app with its listeners, over the given diagnoser and store; work after the
    ack goes to `jobs`, by default where the settings say (bot.jobs.submit.open_jobs)."""
    token = settings.require("slack_bot_token")
    client = client or web_client(token, base_url=settings.slack_api_url)
    metrics = metrics or Metrics()
    readiness = readiness or Readiness()
    readiness.add("store", store.schema_version)
    service = build_service(settings, diagnoser=diagnoser, store=store, client=client, kb=kb,
                            messenger=JournaledMessenger(messenger or SlackMessenger(client)),
                            metrics=metrics)
    jobs = jobs or open_jobs(settings, service, store, metrics=metrics, readiness=readiness,
                             log_scope=job_scope)
    # lazy listeners run in the request's context, so their log lines carry its request id
    executor = ContextExecutor(max_workers=WORKERS, thread_name_prefix="rosterbot")
    app = App(
        client=client, signing_secret=settings.slack_signing_secret or "unused",
        token_verification_enabled=False, request_verification_enabled=bool(
            settings.slack_signing_secret),
        listener_executor=executor,
        # acks run on the request thread; only the lazy work waits for the executor, so slow
        # ClassLink checks never queue an ack behind them
        process_before_response=True,
        # Socket Mode payloads carry no HTTP signature and skip bot.http's checks: refuse a
        # payload of the wrong shape before Bolt's own middleware and our listeners index into it
        before_authorize=PayloadGuard(),
    )
    app.middleware(deduplicate_events(store))
    app.error(_log_error)
    listeners.register(app, JobSubmitter(service, jobs), in_ack=jobs.quick)
    instrument_app(app, metrics)
    return BuiltApp(app, service, client, executor, metrics, readiness, jobs)


class SlackDirectory(SlackUsersApi, ConversationsApi, Protocol):
    """The Slack reads the service makes: a WebClient, or an offline stand-in (terminal demo)."""


def build_service(
    settings: Settings, *, diagnoser: Diagnoser, store: Store, client: SlackDirectory,
    kb: KnowledgeBase | None = None, messenger: Messenger | None = None,
    metrics: Metrics | None = None,
) -> RosterService:
    """The service over `client`; without a `messenger` the client must be a WebClient."""
    if messenger is None:
        if not isinstance(client, WebClient):
            raise TypeError("build_service needs a messenger when the client is not a WebClient")
        messenger = SlackMessenger(client)
    knowledge = kb or load_knowledge(settings.knowledge_dir)
    metrics = metrics or Metrics()
    identity = IdentityResolver(client)
    return RosterService(Deps(
        diagnoser=observed(diagnoser, metrics), store=store, kb=knowledge,
        renderer=Renderer.create(knowledge),
        identity=identity, messenger=messenger,
        channels=ChannelPrivacy(client, insider=identity.is_insider), cache=DiagnosisCache(),
        action_key=action_key(settings), support_channel=settings.support_channel,
        dialog_ttl_seconds=settings.dialog_ttl_seconds,
        escalation_window_seconds=settings.escalation_window_seconds, metrics=metrics,
    ))


def action_key(settings: Settings) -> bytes:
    """Button values are signed with a key derived from a secret only the app knows."""
    secret = settings.slack_signing_secret or settings.slack_bot_token or ""
    return hashlib.sha256(b"rosterbot-actions:" + secret.encode()).digest()


def deduplicate_events(store: Store) -> Callable[..., Any]:
    """Each Events API delivery is handled once across replicas: the first to claim its
    event_id wins; Slack's retries and the other replicas get a quiet 200."""

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> Any:
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            try:
                first = store.claim("slack_event", str(event_id))
            except StoreError:
                log.error("store unavailable; cannot deduplicate event %s", event_id)
                first = True  # better a rare duplicate than a dropped event
            if not first:
                return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        return next()

    return middleware


def _log_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("unhandled error for a %s request", body.get("type", "?"), exc_info=error)
