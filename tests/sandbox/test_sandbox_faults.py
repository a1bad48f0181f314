"""Fault switches (Python and HTTP), bearer rotation and the request log."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx
import pytest

from sandbox.faults import FaultKind, FaultSwitches
from sandbox.server import SandboxServer
from sandbox.world import World
from tests.sandbox.sandbox_helpers import district

Get = Callable[..., httpx.Response]


@pytest.fixture
def riverside_get(proxy_get: Get, world: World) -> Callable[..., httpx.Response]:
    riverside = district(world, "1042")
    return lambda endpoint="users", **kw: proxy_get(riverside, endpoint, **kw)


def test_rate_limit_then_normal(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add("rate_limit", retry_after=3)
    limited = riverside_get()
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
    assert limited.json()["statusInfoSet"][0]["imsx_CodeMinor"]["imsx_codeMinorField"][0][
        "imsx_codeMinorFieldValue"] == "server_busy"
    assert riverside_get().status_code == 200


def test_fractional_retry_after(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add(FaultKind.RATE_LIMIT, retry_after=0.25)
    assert riverside_get().headers["retry-after"] == "0.25"


def test_server_error_and_bad_gateway(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add("server_error")
    server.faults.add("bad_gateway")
    failed = riverside_get()
    assert failed.status_code == 500 and "internal_server_error" in failed.text
    gateway = riverside_get()
    assert gateway.status_code == 502 and gateway.text == "502 Bad Gateway"
    assert gateway.headers["content-type"] == "text/plain"
    assert riverside_get().status_code == 200


def test_slow_answers_normally_after_the_delay(server: SandboxServer, riverside_get: Get
                                               ) -> None:
    server.faults.add("slow", delay=0.3)
    started = time.monotonic()
    response = riverside_get()
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200 and len(response.json()["users"]) == 100


def test_truncated_body(server: SandboxServer, riverside_get: Get) -> None:
    whole = riverside_get().content
    server.faults.add("truncated")
    cut = riverside_get()
    assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)


def test_error_body_with_200(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add("error_body_200")
    response = riverside_get()
    assert response.status_code == 200
    assert "users" not in response.json() and "statusInfoSet" in response.json()


def test_drop_closes_without_answering(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        riverside_get()
    assert riverside_get().status_code == 200  # the client reconnects; the server lives on


def test_times_and_always(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add("server_error", times=2)
    assert [riverside_get().status_code for _ in range(3)] == [500, 500, 200]
    server.faults.add("server_error", times=None)
    assert [riverside_get().status_code for _ in range(4)] == [500] * 4
    assert server.faults.clear() == 1
    assert riverside_get().status_code == 200


def test_path_contains_matches_path_and_query(server: SandboxServer, riverside_get: Get
                                              ) -> None:
    server.faults.add("server_error", path_contains="/enrollments")
    server.faults.add("rate_limit", path_contains="offset=100")
    assert riverside_get("users").status_code == 200
    assert riverside_get("users", params={"offset": 100}).status_code == 429
    assert riverside_get("enrollments").status_code == 500
    assert server.faults.pending() == []


def test_faults_apply_to_the_management_api(server: SandboxServer, http: httpx.Client) -> None:
    server.faults.add("bad_gateway", path_contains="/applications")
    headers = {"Authorization": f"Bearer {server.partner_key}"}
    assert http.get("/applications", headers=headers).status_code == 502
    assert http.get("/applications", headers=headers).status_code == 200


def test_fault_switch_validation() -> None:
    faults = FaultSwitches()
    with pytest.raises(ValueError, match="unknown fault kind"):
        faults.add("meteor")
    with pytest.raises(ValueError, match="times"):
        faults.add("drop", times=0)
    with pytest.raises(ValueError, match="negative"):
        faults.add("slow", delay=-1)
    assert faults.take("/x") is None


def test_faults_over_http(server: SandboxServer, http: httpx.Client, riverside_get: Get
                          ) -> None:
    created = http.post("/_sandbox/faults", json={
        "kind": "rate_limit", "times": 1, "path_contains": "/users", "retry_after": 2})
    assert created.status_code == 201 and created.json()["fault"]["kind"] == "rate_limit"
    assert http.get("/_sandbox/faults").json()["faults"][0]["retry_after"] == 2
    assert riverside_get().status_code == 429
    http.post("/_sandbox/faults", json={"kind": "server_error", "times": None})
    assert http.delete("/_sandbox/faults").json() == {"cleared": 1}
    assert riverside_get().status_code == 200


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"times": 1}', b'{"kind": "meteor"}', b'{"kind": "drop", "times": 0}',
    b'{"kind": "drop", "times": "2"}', b'{"kind": "drop", "colour": "red"}',
    b'{"kind": "drop", "path_contains": 5}',
])
def test_bad_fault_requests_are_400(server: SandboxServer, http: httpx.Client,
                                    body: bytes) -> None:
    response = http.post("/_sandbox/faults", content=body)
    assert response.status_code == 400
    assert server.faults.pending() == []


def test_control_requests_are_not_recorded_or_faulted(server: SandboxServer,
                                                      http: httpx.Client) -> None:
    server.faults.add("drop", times=None)
    assert http.get("/_sandbox/faults").status_code == 200
    assert len(server.requests) == 0
    assert http.get("/_sandbox/nothing").status_code == 404


def test_rotate_bearer(server: SandboxServer, http: httpx.Client, proxy_get: Get,
                       world: World) -> None:
    riverside = district(world, "1042")
    rotated = http.post("/_sandbox/rotate-bearer/1042")
    assert rotated.status_code == 200
    new_bearer = rotated.json()["bearer"]
    assert new_bearer and new_bearer != riverside.bearer
    assert proxy_get(riverside, "users").status_code == 401  # the old bearer
    assert proxy_get(riverside, "users", bearer=new_bearer).status_code == 200
    listed = http.get("/applications", headers={"Authorization": f"Bearer {server.partner_key}"})
    row = next(a for a in listed.json()["applications"] if a["tenant_id"] == "1042")
    assert row["bearer"] == new_bearer
    assert server.world.by_tenant("1042").bearer == new_bearer  # type: ignore[union-attr]
    again = http.post("/_sandbox/rotate-bearer/1042").json()["bearer"]
    assert again not in (new_bearer, riverside.bearer)


def test_rotate_bearer_errors(http: httpx.Client) -> None:
    assert http.post("/_sandbox/rotate-bearer/9999").status_code == 404
    assert http.post("/_sandbox/rotate-bearer/2001").status_code == 409  # direct OAuth district


def test_request_log_over_http(server: SandboxServer, http: httpx.Client,
                               riverside_get: Get) -> None:
    riverside_get(params={"limit": 3})
    logged = http.get("/_sandbox/requests").json()["requests"]
    assert logged[-1]["query"] == {"limit": "3"} and logged[-1]["auth"] == "bearer"
    http.delete("/_sandbox/requests")
    assert len(server.requests) == 0


def test_faulted_requests_are_recorded(server: SandboxServer, riverside_get: Get) -> None:
    server.faults.add("rate_limit", times=2)
    for _ in range(3):
        riverside_get()
    assert len(server.requests.matching("/users")) == 3


def test_stop_is_idempotent_and_frees_the_port(world: World) -> None:
    server = SandboxServer(world).start()
    url = server.url
    server.stop()
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/applications", timeout=2)
