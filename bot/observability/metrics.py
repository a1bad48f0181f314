"""Prometheus metrics of one app instance, served at GET /metrics.

Every instance keeps its own registry (never prometheus_client's global one), so several apps in
one process (tests, two replicas side by side) count apart. What is counted:

    rosterbot_slack_ack_seconds{kind}                 time from a Slack request to its ack
    rosterbot_slack_requests_total{kind,outcome}      Slack requests by kind and outcome
    rosterbot_diagnoses_total{outcome}                diagnoses run, by their worst step status
    rosterbot_diagnosis_steps_total{step,outcome}     check steps run, by step and status
    rosterbot_classlink_requests_total{status}        ClassLink HTTP requests (each retry too)
    rosterbot_classlink_request_seconds{status}       and how long each took
    rosterbot_job_queue_depth{queue}                  jobs waiting (set, or read at scrape time)
    rosterbot_job_seconds{kind,outcome}               how long jobs ran
    rosterbot_escalations_opened_total                support summaries posted

The job queue reports through `set_job_queue_depth` / `watch_job_queue_depth` and
`observe_job` / `time_job`; nothing here knows the queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from checks.diagnose import Diagnosis

log = logging.getLogger(__name__)

# Prometheus' text format 0.0.4, which every Prometheus version reads.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
CLASSLINK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)

DepthSource = Callable[[], int | Mapping[str, int]]


class Metrics:
    """The metrics of one app (or worker) instance, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.ack_seconds = Histogram(
            "rosterbot_slack_ack_seconds", "Time from receiving a Slack request to its ack",
            ["kind"], buckets=ACK_BUCKETS, registry=r)
        self.requests = Counter(
            "rosterbot_slack_requests", "Slack requests by kind and outcome",
            ["kind", "outcome"], registry=r)
        self.diagnoses = Counter(
            "rosterbot_diagnoses", "Diagnoses run, by their worst step status",
            ["outcome"], registry=r)
        self.diagnosis_steps = Counter(
            "rosterbot_diagnosis_steps", "Check steps run, by step and status",
            ["step", "outcome"], registry=r)
        self.classlink_requests = Counter(
            "rosterbot_classlink_requests",
            "ClassLink HTTP requests by HTTP status (or timeout, connection_error)",
            ["status"], registry=r)
        self.classlink_seconds = Histogram(
            "rosterbot_classlink_request_seconds", "ClassLink HTTP request latency",
            ["status"], buckets=CLASSLINK_BUCKETS, registry=r)
        self.job_seconds = Histogram(
            "rosterbot_job_seconds", "How long jobs ran, by kind and outcome",
            ["kind", "outcome"], buckets=JOB_BUCKETS, registry=r)
        self.escalations_opened = Counter(
            "rosterbot_escalations_opened", "Escalations opened (support summaries posted)",
            registry=r)
        self._depth = _DepthCollector()
        r.register(self._depth)

    # -- Slack -------------------------------------------------------------------------------

    def slack_request(self, kind: str, outcome: str, seconds: float) -> None:
        self.ack_seconds.labels(kind).observe(seconds)
        self.requests.labels(kind, outcome).inc()

    # -- diagnoses and ClassLink -------------------------------------------------------------

    def diagnosis(self, diagnosis: Diagnosis) -> None:
        worst = "pass"
        order = ("pass", "warn", "unknown", "fail")
        for result in diagnosis.steps:
            status = str(result.status)
            self.diagnosis_steps.labels(result.name, status).inc()
            if status in order and order.index(status) > order.index(worst):
                worst = status
        self.diagnoses.labels(worst).inc()

    def classlink_request(self, status: str, seconds: float) -> None:
        """A checks.classlink RequestObserver."""
        self.classlink_requests.labels(status).inc()
        self.classlink_seconds.labels(status).observe(seconds)

    # -- jobs (the job queue calls these) -------------------------------------------------------

    def set_job_queue_depth(self, depth: int, *, queue: str = "default") -> None:
        """The depth as last seen (by a worker polling the queue, say)."""
        self._depth.set(queue, depth)

    def watch_job_queue_depth(self, source: DepthSource | None) -> None:
        """Read the depth from `source` at each scrape instead (a count, or counts by queue
        name); None goes back to the values set. A source that raises is logged and the
        metric left out of that scrape."""
        self._depth.source = source

    def observe_job(self, kind: str, seconds: float, *, outcome: str = "done") -> None:
        self.job_seconds.labels(kind, outcome).observe(seconds)

    @contextmanager
    def time_job(self, kind: str) -> Iterator[None]:
        """Time the block as one job of `kind`: outcome "done", or "failed" if it raises."""
        started = time.perf_counter()
        outcome = "failed"
        try:
            yield
            outcome = "done"
        finally:
            self.observe_job(kind, time.perf_counter() - started, outcome=outcome)

    # -- escalations -------------------------------------------------------------------------

    def escalation_opened(self) -> None:
        self.escalations_opened.inc()

    # -- exposition --------------------------------------------------------------------------

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format (CONTENT_TYPE)."""
        return generate_latest(self.registry)


class _DepthCollector(Collector):
    """rosterbot_job_queue_depth{queue}: read from the source at scrape time, else as set."""

    def __init__(self) -> None:
        self.source: DepthSource | None = None
        self._lock = threading.Lock()
        self._set: dict[str, int] = {}

    def set(self, queue: str, depth: int) -> None:
        with self._lock:
            self._set[queue] = depth

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        source = self.source
        if source is None:
            with self._lock:
                counts = dict(self._set)
        else:
            try:
                depth = source()
            except Exception as error:
                log.warning("could not read the job queue's depth: %s", error)
                return
            counts = {"default": depth} if isinstance(depth, int) else dict(depth)
        if not counts:
            return
        family = GaugeMetricFamily("rosterbot_job_queue_depth", "Jobs waiting in the queue",
                                   labels=["queue"])
        for queue, count in sorted(counts.items()):
            family.add_metric([queue], float(count))
        yield family
