"""Simulated round trips: the server's, the world file's and a district's `latency_ms`.

Timing is measured with a lower bound only (a 200 ms setting makes a request take at least
0.2 s); that requests wait side by side is shown with a barrier, not with a clock.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.cli import build_parser
from sandbox import server as sandbox_server
from sandbox.bundle import write_bundle
from sandbox.errors import SandboxWorldError
from sandbox.generate import generate_roster
from sandbox.server import SandboxServer
from sandbox.world import World, load_world, write_world
from tests.sandbox.sandbox_helpers import district, proxy_path

RIVERSIDE, LINCOLN = "1042", "2001"  # a proxy district and a direct-OAuth one


class Sleeps:
    """Stands in for the server's time.sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    recorded = Sleeps()
    monkeypatch.setattr(sandbox_server.time, "sleep", recorded)
    return recorded


def _with_latency(world: World, *, top: float = 0.0, **districts: float) -> World:
    """`world` with a top-level latency and per-district ones (by tenant id, `t<id>=ms`)."""
    chosen = {tenant.removeprefix("t"): ms for tenant, ms in districts.items()}
    return dataclasses.replace(world, latency_ms=top, districts=tuple(
        dataclasses.replace(d, latency_ms=chosen.get(d.tenant_id)) for d in world.districts))


def _get(server: SandboxServer, path: str, token: str) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return http.get(path, headers={"Authorization": f"Bearer {token}"} if token else {})


@pytest.fixture
def slow_server(world: World) -> Iterator[SandboxServer]:
    with SandboxServer(world, latency_ms=200) as running:
        yield running


def test_a_200_ms_latency_delays_a_management_call(slow_server: SandboxServer) -> None:
    started = time.perf_counter()
    reply = _get(slow_server, "/applications", slow_server.partner_key)
    assert reply.status_code == 200
    assert time.perf_counter() - started >= 0.2


def test_a_200_ms_latency_delays_a_data_call(slow_server: SandboxServer) -> None:
    riverside = district(slow_server.world, RIVERSIDE)
    started = time.perf_counter()
    reply = _get(slow_server, proxy_path(riverside, "users"), riverside.bearer)
    assert reply.status_code == 200 and reply.json()["users"]
    assert time.perf_counter() - started >= 0.2


def test_concurrent_requests_wait_side_by_side(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each request's wait only ends once three requests are waiting at the same moment: a
    # server that held the others up while one slept would break the barrier (and fail).
    barrier = threading.Barrier(3, timeout=20)
    monkeypatch.setattr(sandbox_server.time, "sleep", lambda seconds: barrier.wait())
    riverside = district(world, RIVERSIDE)
    with SandboxServer(world, latency_ms=50) as server, ThreadPoolExecutor(3) as pool:
        paths = [proxy_path(riverside, name) for name in ("users", "classes", "enrollments")]
        replies = list(pool.map(lambda p: _get(server, p, riverside.bearer), paths))
    assert [r.status_code for r in replies] == [200, 200, 200]


def test_latency_applies_to_every_classlink_request_but_not_the_controls(
    world: World, sleeps: Sleeps
) -> None:
    riverside = district(world, RIVERSIDE)
    with SandboxServer(world, latency_ms=80) as server:
        server.faults.add("rate_limit", path_contains="/classes")
        assert _get(server, "/applications", server.partner_key).status_code == 200
        assert _get(server, proxy_path(riverside, "users"), riverside.bearer).status_code == 200
        assert _get(server, proxy_path(riverside, "classes"), riverside.bearer).status_code == 429
        assert _get(server, proxy_path(riverside, "users"), "wrong").status_code == 401
        assert _get(server, "/no/such/path", "x").status_code == 404
        assert _get(server, "/_sandbox/requests", "").status_code == 200
    assert sleeps.waits == [0.08] * 5


def test_a_districts_own_latency_overrides_the_worlds_for_its_data(
    world: World, sleeps: Sleeps
) -> None:
    riverside, lincoln = district(world, RIVERSIDE), district(world, LINCOLN)
    slow = _with_latency(world, top=10, t1042=250)
    with SandboxServer(slow) as server:
        assert server.latency_ms == 10
        _get(server, "/applications", server.partner_key)
        _get(server, proxy_path(riverside, "users"), riverside.bearer)
        _get(server, f"/applications/{lincoln.oneroster_application_id}/server",
             server.partner_key)
        assert server.latency_for(f"/districts/{LINCOLN}/ims/oneroster/v1p1/users") == 0.01
        assert server.latency_for(f"/districts/{RIVERSIDE}/ims/oneroster/v1p1/users") == 0.25
    assert sleeps.waits == [0.01, 0.25, 0.01]


def test_the_servers_latency_replaces_the_worlds_top_level_one(world: World) -> None:
    with SandboxServer(_with_latency(world, top=300, t1042=40), latency_ms=0) as server:
        assert server.latency_ms == 0
        assert server.latency_for("/applications") == 0
        assert server.latency_for(proxy_path(district(world, RIVERSIDE), "users")) == 0.04


def test_no_latency_means_no_wait(server: SandboxServer, sleeps: Sleeps) -> None:
    assert server.latency_ms == 0
    assert _get(server, "/applications", server.partner_key).status_code == 200
    assert sleeps.waits == []


@pytest.mark.parametrize("bad", [-1, -0.5, float("nan"), float("inf"), "80", True, None])
def test_a_bad_server_latency_is_a_world_error(world: World, bad: Any) -> None:
    if bad is None:  # None means "the world's", so the bad value sits in the world instead
        with pytest.raises(SandboxWorldError) as caught:
            SandboxServer(_with_latency(world, t2001=-3))
        assert caught.value.field == "districts[3].latency_ms"
        return
    with pytest.raises(SandboxWorldError) as caught:
        SandboxServer(world, latency_ms=bad)
    assert caught.value.field == "latency_ms"
    assert "milliseconds" in caught.value.problem


# -- world files ----------------------------------------------------------------------------------


@pytest.fixture
def world_file(tmp_path: Path) -> Any:
    write_bundle(generate_roster(users=30, teachers=3, seed=1), tmp_path / "b1")

    def make(top: Any = None, **entry: Any) -> Path:
        one = {"tenant_id": 501, "tenant_name": "Test District", "application_id": "42",
               "oneroster_application_id": "QUJD%3D", "bundle": "b1", **entry}
        document: dict[str, Any] = {"partner_key": "pk", "districts": [one]}
        if top is not None:
            document["latency_ms"] = top
        path = tmp_path / "world.yml"
        path.write_text(yaml.safe_dump(document))
        return path

    return make


def test_world_file_latencies_load_and_round_trip(world_file: Any, tmp_path: Path) -> None:
    loaded = load_world(world_file(top=80, latency_ms=12.5))
    assert (loaded.latency_ms, loaded.districts[0].latency_ms) == (80.0, 12.5)
    assert load_world(write_world(loaded, tmp_path / "out")) == loaded
    plain = load_world(world_file())
    assert (plain.latency_ms, plain.districts[0].latency_ms) == (0.0, None)
    written = write_world(plain, tmp_path / "plain").read_text()
    assert "latency_ms" not in written  # worlds without latency are written as before


@pytest.mark.parametrize(("top", "entry", "field"), [
    (-5, {}, "latency_ms"),
    ("fast", {}, "latency_ms"),
    (float("nan"), {}, "latency_ms"),  # written as YAML's .nan
    (None, {"latency_ms": -1}, "districts[0].latency_ms"),
    (None, {"latency_ms": [80]}, "districts[0].latency_ms"),
    (None, {"latency_ms": True}, "districts[0].latency_ms"),
])
def test_world_file_latency_errors_name_the_field(
    world_file: Any, top: Any, entry: dict[str, Any], field: str
) -> None:
    path = world_file(top=top, **entry)
    with pytest.raises(SandboxWorldError) as caught:
        load_world(path)
    assert caught.value.field == field
    assert "milliseconds" in caught.value.problem
    assert str(caught.value).startswith(f"{path}: {field}: ")


# -- the command line -----------------------------------------------------------------------------


def test_cli_latency_flag_parses_and_rejects_bad_values(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    assert parser.parse_args(["sandbox", "--latency-ms", "80"]).latency_ms == 80.0
    assert parser.parse_args(["sandbox"]).latency_ms is None
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(SystemExit) as exited:
            parser.parse_args(["sandbox", "--latency-ms", bad])
        assert exited.value.code == 2
        assert "non-negative number of milliseconds" in capsys.readouterr().err
