"""What the Bolt app and the diagnoser report: each Slack request gets a request id for the logs
and is counted and timed (its ack latency); each diagnosis is counted by step outcome, and the
identifiers and credentials it saw are handed to the log redactor; ClassLink requests are
counted through the client's observer hook."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.observability.logs import REDACTOR, Redactor, request_scope
from bot.observability.metrics import Metrics
from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser, Diagnosis, EmailLookup, Progress

log = logging.getLogger(__name__)

_KINDS = {
    "block_actions": "action",
    "interactive_message": "action",
    "event_callback": "event",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "url_verification": "url_verification",
}


def request_kind(body: Any) -> str:
    """A small fixed set of label values: never a value taken from the request as is."""
    if not isinstance(body, Mapping):
        return "other"
    if body.get("command"):
        return "command"
    return _KINDS.get(str(body.get("type") or ""), "other")


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status < 500:
        return "refused"
    return "error"


def instrument_app(app: App, metrics: Metrics) -> None:
    """Every `app.dispatch` (HTTP and Socket Mode alike) runs in a request scope, timed and
    counted; the time is the ack latency, as listeners ack before their lazy work."""
    dispatch: Callable[[BoltRequest], BoltResponse] = app.dispatch

    def observed_dispatch(req: BoltRequest) -> BoltResponse:
        kind = request_kind(req.body)
        with request_scope():
            started = time.perf_counter()
            outcome = "error"
            try:
                response = dispatch(req)
                outcome = outcome_of(int(response.status))
                return response
            finally:
                seconds = time.perf_counter() - started
                metrics.slack_request(kind, outcome, seconds)
                log.debug("slack %s request: %s in %.1f ms", kind, outcome, seconds * 1000)

    app.dispatch = observed_dispatch  # type: ignore[method-assign]


class ObservedDiagnoser(Diagnoser):
    """The given diagnoser, with each diagnosis counted and its identifiers kept from logs."""

    def __init__(self, inner: Diagnoser, metrics: Metrics,
                 redactor: Redactor = REDACTOR) -> None:
        super().__init__(licenses=inner.licenses, classlink=inner.classlink)
        self.inner = inner
        self.metrics = metrics
        self.redactor = redactor

    def diagnose(self, license_id: str, *, progress: Progress | None = None) -> Diagnosis:
        diagnosis = self.inner.diagnose(license_id, progress=progress)
        self._remember(diagnosis)
        self.metrics.diagnosis(diagnosis)
        return diagnosis

    def lookup(self, email: str, *, license_ids: Sequence[str] | None = None) -> EmailLookup:
        return self.inner.lookup(email, license_ids=license_ids)

    def _remember(self, diagnosis: Diagnosis) -> None:
        for application_id in diagnosis.license.application_ids:
            self.redactor.add_identifier(application_id)
        for app in diagnosis.applications:
            self.redactor.add_identifier(app.oneroster_application_id)
            self.redactor.add_secret(app.bearer)


def observed(diagnoser: Diagnoser, metrics: Metrics) -> Diagnoser:
    """`diagnoser` reporting to `metrics` (ClassLink requests included), once."""
    if isinstance(diagnoser, ObservedDiagnoser):
        return diagnoser
    if isinstance(diagnoser.classlink, ClassLinkClient):
        diagnoser.classlink.add_observer(metrics.classlink_request)
    return ObservedDiagnoser(diagnoser, metrics)
