"""The ack-latency benchmark's parts: load client, statistics, request mix, its report."""

from __future__ import annotations

import importlib.util
import math
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.http import BoltServer, serve_bolt
from sandbox import slack_requests as sr
from sandbox.slack_api import SlackApiStub
from sandbox.slack_load import time_requests, time_requests_in_subprocess

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ack_latency.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    if str(BENCH.parent) not in sys.path:
        sys.path.insert(0, str(BENCH.parent))  # its siblings: _common, diagnose_scale
    spec = importlib.util.spec_from_file_location("ack_latency_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bare_server(stub: SlackApiStub) -> Iterator[BoltServer]:
    """A Bolt app that acks every command and action (the bench's baseline, in-process)."""
    app = App(client=WebClient(token=stub.bot_token, base_url=stub.api_url),
              signing_secret=sr.DEFAULT_SIGNING_SECRET, token_verification_enabled=False)

    def just_ack(ack: Ack) -> None:
        ack()

    app.command(re.compile(".*"))(just_ack)
    app.action(re.compile(".*"))(just_ack)
    with serve_bolt(app) as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_percentile_is_nearest_rank(bench: ModuleType) -> None:
    values = [float(n) for n in range(1, 101)]
    assert bench.percentile(values, 0.50) == 50.0
    assert bench.percentile(values, 0.99) == 99.0
    assert bench.percentile([7.0], 0.99) == 7.0
    assert math.isnan(bench.percentile([], 0.5))


def test_stats_count_slow_acks_and_errors(bench: ModuleType) -> None:
    stats = bench.Stats.from_latencies("x", [10.0, 20.0, 3500.0], errors=1)
    assert (stats.count, stats.errors, stats.over_deadline) == (3, 1, 1)
    assert (stats.p50_ms, stats.max_ms) == (20.0, 3500.0)


def test_missed_targets_name_each_aim(bench: ModuleType) -> None:
    base = bench.Stats.from_latencies("bare", [10.0] * 100, errors=0)
    good = bench.Stats.from_latencies("bot", [11.0] * 100, errors=0)
    slow = bench.Stats.from_latencies("bot", [13.0] * 99 + [3200.0], errors=2)
    assert bench.missed_targets(bench.Run("queue", base, good, 5.0, 100)) == []
    missed = bench.missed_targets(bench.Run("queue", base, slow, 5.0, 100))
    assert len(missed) == 3  # errors, an ack over 3 s, over 1.2x the bare p99 (13 > 12)
    assert any("not answered 200" in line for line in missed)
    assert any("over 3 s" in line for line in missed)
    assert any("1.2x" in line for line in missed)


def test_the_table_shows_each_design_beside_its_bare_app(bench: ModuleType) -> None:
    base = bench.Stats.from_latencies("bare bolt", [10.0] * 100, errors=0)
    bot = bench.Stats.from_latencies("rosterbot, queue", [11.0] * 100, errors=0)
    table = bench.format_table([bench.Run("queue", base, bot, 5.0, 80)])
    [row] = [line for line in table.splitlines() if line.startswith("rosterbot, queue")]
    assert row.split()[-1] == "1.10"
    assert "80 rosterbot acks were timed while they ran" in table


def test_request_mix_alternates_signed_commands_and_clicks(bench: ModuleType) -> None:
    mix = bench.request_mix(6, response_url="http://127.0.0.1:9/r")
    verifier = SignatureVerifier(sr.DEFAULT_SIGNING_SECRET)
    assert all(verifier.is_valid_request(r.body, r.headers) for r in mix)
    kinds = ["payload=" in r.body for r in mix]
    assert kinds == [False, True, False, True, False, True]


def test_load_client_times_every_request(stub: SlackApiStub, bare_server: BoltServer) -> None:
    mix = [sr.slash_command("help", response_url=stub.response_url("b")) for _ in range(30)]
    timed = time_requests(bare_server.events_url, mix, concurrency=8, warmup=3)
    assert len(timed) == 27
    assert {status for _, status in timed} == {200}
    assert all(0 < ms < 3000 for ms, _ in timed)


def test_load_client_reports_refused_connections_as_status_zero() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/slack/events"
    request = sr.slash_command("help", response_url="http://127.0.0.1:9/r")
    timed = time_requests(url, [request] * 3, concurrency=2, warmup=0)
    assert [status for _, status in timed] == [0, 0, 0]
    with pytest.raises(ValueError, match="http://"):
        time_requests("https://example.org/", [request], concurrency=1)


def test_load_client_in_a_subprocess(stub: SlackApiStub, bare_server: BoltServer) -> None:
    mix = [sr.block_action("a", "v", response_url=stub.response_url("b")) for _ in range(12)]
    timed = time_requests_in_subprocess(bare_server.events_url, mix, concurrency=4, warmup=2)
    assert [status for _, status in timed] == [200] * 10


def test_bad_signatures_count_as_errors(bench: ModuleType, stub: SlackApiStub,
                                        bare_server: BoltServer) -> None:
    mix = [sr.slash_command("help", response_url=stub.response_url("b"), secret="wrong-secret")
           for _ in range(12)]
    timed = time_requests(bare_server.events_url, mix, concurrency=4, warmup=2)
    stats = bench.Stats.from_latencies("bad", [ms for ms, _ in timed],
                                       sum(1 for _, status in timed if status != 200))
    assert (stats.count, stats.errors) == (10, 10)
