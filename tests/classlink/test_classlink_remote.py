"""A remote ClassLink: pages told apart by headers, not by length; collections read at once.

Unit tests use httpx.MockTransport; the clamping and latency tests speak real HTTP to the
sandbox. Concurrency is shown with barriers and counters, never with a clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from classlink_fakes import (
    BASE,
    MakeClient,
    MakeDistrict,
    Recorder,
    application,
    error,
    page,
    raw_path,
    user_11,
)

from checks.classlink import ClassLinkClient
from checks.classlink import district as district_module
from checks.classlink.http import Requester
from checks.classlink.oauth import bearer
from checks.classlink.paging import Cancelled, fetch_all
from checks.classlink.retry import RetryPolicy
from checks.errors import ClassLinkAuthError, ClassLinkBadResponse, ClassLinkUnavailable
from checks.models import Application
from sandbox import wire
from sandbox.generate import generate_roster
from sandbox.server import SandboxServer
from sandbox.world import District, World

USERS = [user_11(n) for n in range(10)]
ROSTER_BODIES: dict[str, list[dict[str, Any]]] = {
    "users": USERS[:2],
    "classes": [{"sourcedId": "c1", "title": "Physics", "school": {"sourcedId": "s1"}}],
    "enrollments": [{"sourcedId": "e1", "role": "student", "user": {"sourcedId": "u000000"},
                     "class": {"sourcedId": "c1"}}],
    "orgs": [{"sourcedId": "s1", "name": "Lincoln High", "type": "school"}],
}


def offsets(requests: list[httpx.Request]) -> list[int]:
    return [int(r.url.params["offset"]) for r in requests]


def collection(request: httpx.Request) -> str:
    return raw_path(request).rsplit("/", 1)[1]


def linked(request: httpx.Request, records: list[Any], envelope: str, *, clamp: int = 10_000,
           last_link: bool = False) -> httpx.Response:
    """A page without X-Total-Count, clamped to `clamp`, with Link rel="next" while more remain
    (on the last page too when `last_link`, which is how a broken server would lie)."""
    params = request.url.params
    offset, limit = int(params["offset"]), min(int(params["limit"]), clamp)
    chunk = records[offset: offset + limit]
    headers = {}
    if offset + len(chunk) < len(records) or last_link:
        following = f"https://lincoln-vn-v2.rosterserver.com/users?limit={limit}&offset={offset}"
        headers["Link"] = f'<{following}>; rel="next"'
    return httpx.Response(200, json={envelope: chunk}, headers=headers)


# -- paging without X-Total-Count -----------------------------------------------------------------


def test_a_link_keeps_reading_past_silently_clamped_pages(proxy_district: MakeDistrict) -> None:
    # We ask for 10 and the server sends 4: a short page, but its Link says more follow.
    district, seen = proxy_district(lambda r: linked(r, USERS, "users", clamp=4), page_size=10)
    assert [u.sourced_id for u in district.users()] == [u["sourcedId"] for u in USERS]
    assert offsets(seen.requests) == [0, 4, 8]
    assert {r.url.host for r in seen.requests} == {"classlink.test"}  # the Link is not followed


def test_the_first_page_without_a_link_ends_a_linked_collection(
    proxy_district: MakeDistrict
) -> None:
    # 10 records in full pages of 5: the second page has no Link, so no empty page is asked for.
    district, seen = proxy_district(lambda r: linked(r, USERS, "users"), page_size=5)
    assert len(district.users()) == 10
    assert offsets(seen.requests) == [0, 5]


def test_an_empty_page_claiming_more_is_a_bad_response(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(
        lambda r: linked(r, USERS[:3], "users", last_link=True), page_size=3)
    with pytest.raises(ClassLinkBadResponse, match="empty page says more follow"):
        district.users()
    assert offsets(seen.requests) == [0, 3]


def test_without_any_header_a_full_page_still_asks_for_the_next(
    proxy_district: MakeDistrict
) -> None:
    district, seen = proxy_district(lambda r: page(r, USERS, "users", total=False), page_size=5)
    assert len(district.users()) == 10
    assert offsets(seen.requests) == [0, 5, 10]  # the empty page is the only proof of the end


def test_total_count_with_a_clamp_reads_every_page_concurrently(
    proxy_district: MakeDistrict
) -> None:
    barrier = threading.Barrier(2, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        if int(request.url.params["offset"]):
            barrier.wait()  # offsets 4 and 8 are out at the same time
        response = linked(request, USERS, "users", clamp=4)
        response.headers["X-Total-Count"] = str(len(USERS))
        return response

    district, seen = proxy_district(handler, page_size=10)
    assert len(district.users()) == 10
    assert sorted(offsets(seen.requests)) == [0, 4, 8]


# -- a district's collections at once --------------------------------------------------------------


def roster_handler(request: httpx.Request) -> httpx.Response:
    name = collection(request)
    return page(request, ROSTER_BODIES[name], name)


def test_roster_reads_its_four_collections_at_once(proxy_district: MakeDistrict) -> None:
    # Every first page waits until all four are being asked for: read in turn, it would fail.
    barrier = threading.Barrier(4, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        barrier.wait()
        return roster_handler(request)

    district, seen = proxy_district(handler)
    roster = district.roster()
    assert [u.sourced_id for u in roster.users] == ["u000000", "u000001"]
    assert (len(roster.classes), len(roster.enrollments), len(roster.orgs)) == (1, 1, 1)
    assert sorted(collection(r) for r in seen.requests) == sorted(ROSTER_BODIES)


def test_roster_raises_the_first_collections_error(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if collection(request) in ("users", "enrollments"):
            minor = "forbidden" if collection(request) == "users" else "unauthorisedrequest"
            return error(401 if minor == "unauthorisedrequest" else 403, minor, "no")
        return roster_handler(request)

    district, _ = proxy_district(handler)
    with pytest.raises(ClassLinkAuthError) as caught:
        district.roster()
    assert caught.value.call == "GET /users" and "HTTP 403" in str(caught.value)
    assert sleeps == []


def test_a_failed_collection_stops_the_others_before_their_next_page(
    make_client: MakeClient, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # users has ten pages of one. Its first page is answered only once the roster's "a read
    # failed" flag is up (classes is refused), so none of its other nine pages may be asked for.
    flags: list[threading.Event] = []

    class Threading:
        @staticmethod
        def Event() -> threading.Event:  # noqa: N802 - stands in for threading.Event
            flags.append(threading.Event())
            return flags[-1]

    monkeypatch.setattr(district_module, "threading", Threading)

    def handler(request: httpx.Request) -> httpx.Response:
        name = collection(request)
        if name == "classes":
            return error(401, "unauthorisedrequest", "bearer revoked")
        if name == "users":
            assert flags[0].wait(timeout=10)
        return page(request, USERS if name == "users" else ROSTER_BODIES[name], name)

    client, seen = make_client(handler, page_size=1)
    with pytest.raises(ClassLinkAuthError) as caught:
        client.district(_app()).roster()
    assert caught.value.call == "GET /classes"
    assert offsets([r for r in seen.requests if collection(r) == "users"]) == [0]


def test_a_cancelled_read_asks_for_nothing(make_client: MakeClient) -> None:
    client, seen = make_client(roster_handler)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        fetch_all(client.district(_app())._requester, "users", envelope="users",
                  parse=lambda x: x, page_size=10, cancelled=stop)
    assert seen.requests == []


def test_retries_still_apply_inside_a_concurrent_roster(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    busy = {"enrollments": 1}

    def handler(request: httpx.Request) -> httpx.Response:
        name = collection(request)
        if busy.get(name):
            busy[name] -= 1
            return error(429, "server_busy", "Slow down", **{"Retry-After": "3"})
        return roster_handler(request)

    district, seen = proxy_district(handler)
    assert len(district.roster().enrollments) == 1
    assert sleeps == [3.0]
    assert sum(collection(r) == "enrollments" for r in seen.requests) == 2


def test_requests_in_flight_are_capped_per_district(make_client: MakeClient) -> None:
    lock, state = threading.Lock(), {"now": 0, "most": 0, "seen": 0}
    first_three = threading.Barrier(3, timeout=10)  # the cap is reached, not just respected

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["seen"] += 1
            state["most"] = max(state["most"], state["now"])
            arrival = state["seen"]
        try:
            if arrival <= 3:
                first_three.wait()
            time.sleep(0.005)
            name = collection(request)
            return page(request, USERS if name == "users" else ROSTER_BODIES[name], name)
        finally:
            with lock:
                state["now"] -= 1

    client, _ = make_client(handler, page_size=2, in_flight=3)
    roster = client.district(_app()).roster()
    assert len(roster.users) == 10
    assert state["most"] == 3


def test_one_page_is_decoded_and_parsed_at_a_time() -> None:
    # Three pages arrive together; their records must not be parsed interleaved.
    lock, active, most = threading.Lock(), [0], [0]
    arrived = threading.Barrier(3, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        if int(request.url.params["offset"]):
            arrived.wait()
        return page(request, USERS * 4, "users")

    def parse(record: Any) -> Any:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.001)  # gives other threads the GIL
        with lock:
            active[0] -= 1
        return record

    with httpx.Client(transport=httpx.MockTransport(Recorder(handler))) as http:
        requester = Requester(http=http, base_url=BASE, authorize=bearer("t"), district="d",
                              timeout=5.0, policy=RetryPolicy(sleep=lambda s: None))
        records = fetch_all(requester, "users", envelope="users", parse=parse, page_size=10)
    assert len(records) == 40
    assert most == [1]


def _app() -> Application:
    return application()


# -- over real HTTP: the sandbox clamping and answering late ---------------------------------------


PARTNER_KEY = "remote-partner-key"


def _district(tenant_id: str, *, total: bool) -> District:
    return District(
        tenant_id=tenant_id, tenant_name=f"District {tenant_id}", application_id="880112",
        oneroster_application_id=f"app{tenant_id}%3D", bearer=f"bearer-{tenant_id}",
        enabled=True, tenant_status="Active", access="proxy", client_id=f"client-{tenant_id}",
        client_secret=f"secret-{tenant_id}", total_count_header=total,
        roster=generate_roster(users=40, teachers=4, seed=int(tenant_id)),
    )


@pytest.fixture(scope="module")
def world() -> World:
    return World(partner_key=PARTNER_KEY,
                 districts=(_district("3001", total=True), _district("3002", total=False)))


@pytest.fixture
def clamping(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    """The sandbox with its page ceiling lowered from 10,000 to 6 (silently, as ClassLink's)."""
    monkeypatch.setattr(wire, "MAX_LIMIT", 6)
    with SandboxServer(world) as server:
        yield server


@pytest.mark.parametrize("tenant_id", ["3001", "3002"])
def test_a_clamping_server_is_read_whole(
    clamping: SandboxServer, world: World, tenant_id: str
) -> None:
    expected = world.by_tenant(tenant_id)
    assert expected is not None
    with ClassLinkClient(base_url=clamping.url, partner_key=PARTNER_KEY) as client:
        app = next(a for a in client.applications() if a.tenant_id == tenant_id)
        roster = client.district(app).roster()
    assert [u.sourced_id for u in roster.users] == sorted(u.sourced_id for u in
                                                          expected.roster.users)
    assert len(roster.enrollments) == len(expected.roster.enrollments)
    pages = clamping.requests.matching("/users")
    assert sorted(int(r.query["offset"]) for r in pages) == list(range(0, 40, 6))
    assert {r.query["limit"] for r in pages[1:]} <= {"6", "10000"}


def test_roster_is_read_whole_from_a_remote_sandbox(world: World) -> None:
    with SandboxServer(world, latency_ms=30) as server, ClassLinkClient(
        base_url=server.url, partner_key=PARTNER_KEY
    ) as client:
        apps = client.applications()
        rosters = {a.tenant_id: client.district(a).roster() for a in apps}
    for tenant_id, roster in rosters.items():
        expected = world.by_tenant(tenant_id)
        assert expected is not None
        assert set(roster.users) == set(expected.roster.users)
        assert set(roster.enrollments) == set(expected.roster.enrollments)
        assert set(roster.classes) == set(expected.roster.classes)
        assert set(roster.orgs) == set(expected.roster.orgs)


def test_a_failure_on_a_remote_sandbox_keeps_its_type(world: World) -> None:
    with SandboxServer(world, latency_ms=20) as server, ClassLinkClient(
        base_url=server.url, partner_key=PARTNER_KEY, max_attempts=2, max_backoff=0.01,
        sleep=lambda s: None,
    ) as client:
        server.faults.add("server_error", times=None, path_contains="/enrollments")
        app = next(a for a in client.applications() if a.tenant_id == "3001")
        with pytest.raises(ClassLinkUnavailable) as caught:
            client.district(app).roster()
    assert caught.value.call == "GET /enrollments"
    assert len(server.requests.matching("/enrollments")) == 2
