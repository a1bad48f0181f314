"""GET /healthz, /readyz and /metrics: on the Slack HTTP server and on the health port, against
the real Bolt app, the Slack stand-in and the ClassLink sandbox (nothing mocked); the readiness
hook the job queue uses; one registry per app."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.cli.serve import bolt_routes
from bot.health import Readiness, serve_health
from bot.http import serve_bolt
from bot.observability.metrics import CONTENT_TYPE, Metrics
from tests.ops.dialogs import escalated_dialog, full_dialog
from tests.slack.slack_world import SlackWorld, slack_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    with slack_world(tmp_path) as w:
        yield w


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """(sample name, sorted labels) -> value, from Prometheus' text format."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def total(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    """The sum over every series of `name` whose labels include `labels`."""
    return sum(v for (n, ls), v in found.items()
               if n == name and set(labels.items()) <= set(ls))


def test_http_mode_serves_health_readiness_and_metrics(world: SlackWorld) -> None:
    built = world.built
    with serve_bolt(built.app, extra_routes=bolt_routes(built.readiness, built.metrics)) as server:
        assert httpx.get(f"{server.url}/healthz").json() == {"ok": True}
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"ready": True, "checks": {"store": "ok"}}
        metrics = httpx.get(f"{server.url}/metrics")
        assert metrics.status_code == 200
        assert metrics.headers["content-type"] == CONTENT_TYPE
        assert "rosterbot_slack_ack_seconds" in metrics.text


def test_readiness_names_what_is_not_ready_and_the_job_queue_can_add_its_check(
        world: SlackWorld) -> None:
    built = world.built
    queue_up = threading.Event()

    def job_queue() -> None:
        if not queue_up.is_set():
            raise ConnectionError("job queue: connection refused")

    built.readiness.add("job_queue", job_queue)
    health = serve_health(built.readiness, built.metrics)
    try:
        down = httpx.get(f"{health.url}/readyz")
        assert down.status_code == 503
        assert down.json() == {"ready": False, "checks": {
            "store": "ok", "job_queue": "job queue: connection refused"}}
        queue_up.set()
        assert httpx.get(f"{health.url}/readyz").status_code == 200
        built.readiness.start_draining()
        draining = httpx.get(f"{health.url}/readyz")
        assert draining.status_code == 503
        assert draining.json()["checks"]["draining"] == "shutting down"
        assert httpx.get(f"{health.url}/healthz").status_code == 200  # alive while draining
        assert httpx.get(f"{health.url}/nope").status_code == 404
    finally:
        health.stop()


def test_a_check_that_hangs_fails_readiness_in_time_and_runs_once_at_a_time() -> None:
    readiness = Readiness(timeout=0.3)
    release = threading.Event()
    calls = []

    def hangs() -> None:
        calls.append(1)
        release.wait(10)

    readiness.add("database", hangs)
    readiness.add("slack", lambda: "ok (bot U1)")
    started = time.monotonic()
    ready, checks = readiness.report()
    assert not ready and time.monotonic() - started < 2
    assert checks == {"database": "no answer within 0.3 s", "slack": "ok (bot U1)"}
    readiness.report()
    assert len(calls) == 1, "a check still running is waited for, not started again"
    release.set()
    time.sleep(0.1)
    readiness.add("database", lambda: None)
    assert readiness.report() == (True, {"database": "ok", "slack": "ok (bot U1)"})


def test_readiness_masks_secrets_in_what_a_check_says() -> None:
    readiness = Readiness()

    def leaks() -> None:
        raise RuntimeError("cannot connect with Bearer abcdef0123456789abcdef")

    readiness.add("store", leaks)
    ready, checks = readiness.report()
    assert not ready and "abcdef0123456789" not in checks["store"]


@pytest.mark.postgres
def test_readiness_fails_when_the_database_goes_away(pg_url: str, tmp_path: Path) -> None:
    from bot.store import open_store
    from tests.slack.tcp_proxy import TcpProxy

    proxy = TcpProxy(("127.0.0.1", 5432))
    url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    store = open_store(url)
    try:
        with slack_world(tmp_path, store=store) as w:
            assert w.built.readiness.report() == (True, {"store": "ok"})
            proxy.cut()
            ready, checks = w.built.readiness.report()
            assert not ready and checks["store"] != "ok", checks
            proxy.restore()
            deadline = time.monotonic() + 10
            while w.built.readiness.report()[0] is False and time.monotonic() < deadline:
                time.sleep(0.2)
            assert w.built.readiness.report() == (True, {"store": "ok"})
    finally:
        store.close()
        proxy.close()


def test_metrics_after_full_dialogs(world: SlackWorld) -> None:
    full_dialog(world, "demo-emails")
    escalated_dialog(world, "demo-unattached")
    world.command("help", name="help")
    world.stub.wait_for("response_url", 1)
    world.built.close()  # every lazy listener has finished
    with serve_bolt(world.built.app,
                    extra_routes=bolt_routes(world.built.readiness, world.built.metrics)) as s:
        found = samples(httpx.get(f"{s.url}/metrics").text)

    # acks: a histogram by kind, and requests by kind and outcome
    assert value(found, "rosterbot_slack_ack_seconds_count", kind="command") == 3
    assert value(found, "rosterbot_slack_requests_total", kind="command", outcome="ok") == 3
    assert value(found, "rosterbot_slack_requests_total", kind="action", outcome="ok") >= 4
    assert value(found, "rosterbot_slack_requests_total", kind="event", outcome="ok") == 1
    assert value(found, "rosterbot_slack_ack_seconds_bucket", kind="command", le="+Inf") == 3
    # diagnoses by step outcome: demo-emails fails step 2 (emails), demo-unattached step 1
    assert total(found, "rosterbot_diagnoses_total") >= 2
    assert total(found, "rosterbot_diagnosis_steps_total", step="emails", outcome="fail") >= 1
    assert total(found, "rosterbot_diagnosis_steps_total", step="connection",
                 outcome="fail") >= 1
    # ClassLink requests by status, with their latency
    ok = value(found, "rosterbot_classlink_requests_total", status="200")
    assert ok > 0
    assert value(found, "rosterbot_classlink_request_seconds_count", status="200") == ok
    assert value(found, "rosterbot_escalations_opened_total") == 1


def test_classlink_failures_are_counted_by_status(world: SlackWorld) -> None:
    world.classlink.faults.add("server_error", times=None, path_contains="/applications")
    full = world.command("troubleshoot demo-emails")
    assert full.status_code == 200
    deadline = time.monotonic() + 10
    metrics = world.built.metrics
    while time.monotonic() < deadline:
        found = samples(metrics.exposition().decode())
        if value(found, "rosterbot_classlink_requests_total", status="500"):
            break
        time.sleep(0.05)
    assert value(found, "rosterbot_classlink_requests_total", status="500") >= 1


def test_two_apps_in_one_process_count_apart(tmp_path: Path, world: SlackWorld) -> None:
    with slack_world(tmp_path / "second", store=world.store, stub=world.stub) as second:
        second.command("help", name="second")
        world.stub.wait_for("response_url", 1)
        first_found = samples(world.built.metrics.exposition().decode())
        second_found = samples(second.built.metrics.exposition().decode())
    assert value(first_found, "rosterbot_slack_requests_total", kind="command",
                 outcome="ok") == 0
    assert value(second_found, "rosterbot_slack_requests_total", kind="command",
                 outcome="ok") == 1


def test_the_job_queue_reports_depth_and_durations() -> None:
    metrics = Metrics()
    metrics.set_job_queue_depth(7)
    with metrics.time_job("diagnose"):
        time.sleep(0.01)
    with pytest.raises(RuntimeError), metrics.time_job("sweep"):
        raise RuntimeError("boom")
    metrics.observe_job("lookup", 0.5, outcome="timeout")
    found = samples(metrics.exposition().decode())
    assert value(found, "rosterbot_job_queue_depth", queue="default") == 7
    assert value(found, "rosterbot_job_seconds_count", kind="diagnose", outcome="done") == 1
    assert value(found, "rosterbot_job_seconds_count", kind="sweep", outcome="failed") == 1
    assert value(found, "rosterbot_job_seconds_sum", kind="lookup", outcome="timeout") == 0.5

    metrics.watch_job_queue_depth(lambda: {"default": 3, "sweeps": 12})
    found = samples(metrics.exposition().decode())
    assert value(found, "rosterbot_job_queue_depth", queue="sweeps") == 12

    def broken() -> int:
        raise ConnectionError("queue down")

    metrics.watch_job_queue_depth(broken)
    assert "rosterbot_job_queue_depth{" not in metrics.exposition().decode()
