"""The ClassLink client over real HTTP against the sandbox (the contract's other side)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from checks.classlink import ClassLinkClient, DistrictClient, district_label
from checks.classlink.http import Requester
from checks.classlink.oauth import oauth1
from checks.classlink.retry import RetryPolicy
from checks.errors import (
    ClassLinkAuthError,
    ClassLinkBadResponse,
    ClassLinkError,
    ClassLinkNotFound,
    ClassLinkRateLimited,
    ClassLinkUnavailable,
)
from checks.models import Application, Roster, RosterUser
from sandbox.generate import generate_roster
from sandbox.server import SandboxServer
from sandbox.world import District, World

PARTNER_KEY = "sandbox-partner-key"


def district(tenant_id: str, name: str, **overrides: Any) -> District:
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "tenant_name": name,
        "application_id": "880112",
        "oneroster_application_id": f"app{tenant_id}%3D",
        "bearer": f"bearer-{tenant_id}",
        "enabled": True,
        "tenant_status": "Active",
        "access": "proxy",
        "client_id": f"client-{tenant_id}",
        "client_secret": f"secret&{tenant_id}",
        "roster": generate_roster(users=40, teachers=4, seed=int(tenant_id)),
    }
    return District(**(fields | overrides))


def small_world() -> World:
    return World(
        partner_key=PARTNER_KEY,
        districts=(
            district("2001", "Lincoln Unified School District"),
            district(
                "2002",
                "Adams County Schools",
                access="direct",
                bearer="",
                api_shape="1.2",
                total_count_header=False,
            ),
            district("2003", "Disabled Valley USD", enabled=False),
            district(
                "2004", "Inactive Springs ISD", access="direct", bearer="", tenant_status="Inactive"
            ),
            district("2005", "Rotation Heights SD"),
        ),
    )


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(small_world()) as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean(server: SandboxServer) -> None:
    server.faults.clear()
    server.requests.clear()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def connect(server: SandboxServer, sleeps: Sleeps) -> Iterator[Callable[..., ClassLinkClient]]:
    opened: list[ClassLinkClient] = []

    def build(**options: Any) -> ClassLinkClient:
        options.setdefault("sleep", sleeps)
        options.setdefault("partner_key", server.partner_key)
        http = httpx.Client(trust_env=False)  # no proxy variables between us and 127.0.0.1
        client = ClassLinkClient(base_url=server.url, http=http, **options)
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.close()
        client._http.close()  # the test made it, the test closes it


def open_district(client: ClassLinkClient, tenant_id: str) -> DistrictClient:
    app = next(a for a in client.applications() if a.tenant_id == tenant_id)
    return client.district(app)


def world_roster(server: SandboxServer, tenant_id: str) -> Roster:
    found = server.world.by_tenant(tenant_id)
    assert found is not None
    return found.roster


def by_id(users: tuple[RosterUser, ...] | list[RosterUser]) -> list[RosterUser]:
    return sorted(users, key=lambda u: u.sourced_id)


def names(err: ClassLinkError, label: str, call: str = "GET /users") -> None:
    assert (err.district, err.call) == (label, call)
    assert label in str(err)


LINCOLN = "Lincoln Unified School District (2001)"
ADAMS = "Adams County Schools (2002)"


# --- management API ---


def test_applications_lists_every_district(
    connect: Callable[..., ClassLinkClient], server: SandboxServer
) -> None:
    apps = connect(page_size=2).applications()
    assert [a.tenant_id for a in apps] == ["2001", "2002", "2003", "2004", "2005"]
    lincoln, adams, disabled, inactive = apps[:4]
    assert lincoln.bearer == "bearer-2001" and lincoln.enabled and lincoln.active
    assert adams.bearer == "" and adams.oneroster_application_id == "app2002%3D"
    assert not disabled.enabled and not inactive.active
    pages = server.requests.matching("/applications")
    assert [r.query["offset"] for r in pages] == ["0", "2", "4"]  # no total: short page ends it


def test_wrong_partner_key_is_an_auth_error(connect: Callable[..., ClassLinkClient]) -> None:
    with pytest.raises(ClassLinkAuthError, match="partner key") as caught:
        connect(partner_key="not-the-key").applications()
    assert caught.value.call == "GET /applications"


def test_server_credentials_and_unknown_id(
    connect: Callable[..., ClassLinkClient], server: SandboxServer
) -> None:
    client = connect()
    creds = client.server("app2002%3D")
    assert creds.client_id == "client-2002"
    assert creds.endpoint_url == f"{server.url}/districts/2002/ims/oneroster/v1p1"
    with pytest.raises(ClassLinkNotFound) as caught:
        client.server("nope%3D")
    assert caught.value.call == "GET /applications/nope%3D/server"


# --- both access modes read the district exactly ---


@pytest.mark.parametrize(("tenant_id", "auth"), [("2001", "bearer"), ("2002", "oauth1")])
def test_roster_round_trips_in_both_modes(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, tenant_id: str, auth: str
) -> None:
    roster = open_district(connect(), tenant_id).roster()
    expected = world_roster(server, tenant_id)
    assert roster.users == tuple(by_id(expected.users))
    assert sorted(roster.classes, key=lambda c: c.sourced_id) == sorted(
        expected.classes, key=lambda c: c.sourced_id
    )
    assert set(roster.enrollments) == set(expected.enrollments)
    assert set(roster.orgs) == set(expected.orgs)
    data_calls = server.requests.matching("/ims/oneroster/")
    assert {r.auth for r in data_calls} == {auth}


@pytest.mark.parametrize(("tenant_id", "with_total"), [("2001", True), ("2002", False)])
def test_paging_across_several_pages(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, tenant_id: str, with_total: bool
) -> None:
    users = open_district(connect(page_size=7), tenant_id).users()
    count = len(world_roster(server, tenant_id).users)
    assert [u.sourced_id for u in users] == [u.sourced_id for u in by_id(users)]
    assert len(users) == count
    pages = server.requests.matching("/users")
    # with a total the pages are known up front; without one a short (maybe empty) page ends it
    assert len(pages) == (math.ceil(count / 7) if with_total else count // 7 + 1)
    assert sorted(int(r.query["offset"]) for r in pages) == [7 * i for i in range(len(pages))]
    # the sandbox sends Link rel="next" to rosterserver.com; nothing but our pages was asked
    assert all(r.path.endswith("/users") for r in pages)


def test_single_user_teacher_classes_and_email_filter(
    connect: Callable[..., ClassLinkClient], server: SandboxServer
) -> None:
    adams = open_district(connect(), "2002")  # direct: the filter must be in the signature
    expected = world_roster(server, "2002")
    teacher = next(u for u in expected.users if u.role.value == "teacher" and u.email)
    assert adams.user(teacher.sourced_id) == teacher
    found = adams.users_by_email(teacher.email.upper())
    assert found == [teacher]
    classes = {e.class_id for e in expected.enrollments if e.user_id == teacher.sourced_id}
    assert {c.sourced_id for c in adams.teacher_classes(teacher.sourced_id)} == classes
    with pytest.raises(ClassLinkNotFound) as caught:
        adams.user("no-such-user")
    names(caught.value, ADAMS, "GET /users/no-such-user")
    with pytest.raises(ClassLinkNotFound):
        adams.teacher_classes("no-such-teacher")


# --- auth failures ---


def test_wrong_oauth_secret_is_rejected(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, sleeps: Sleeps
) -> None:
    client = connect()
    creds = client.server("app2002%3D")
    requester = Requester(
        http=client._http,
        base_url=creds.endpoint_url,
        authorize=oauth1(creds.client_id, "not-the-secret"),
        district=ADAMS,
        timeout=5.0,
        policy=RetryPolicy(sleep=sleeps),
    )
    with pytest.raises(ClassLinkAuthError, match="signature") as caught:
        DistrictClient(requester, page_size=100).users()
    names(caught.value, ADAMS)
    assert len(server.requests.matching("/users")) == 1 and sleeps == []


@pytest.mark.parametrize(("tenant_id", "why"), [("2003", "disabled"), ("2004", "not active")])
def test_disabled_app_or_inactive_tenant_is_403(
    connect: Callable[..., ClassLinkClient], tenant_id: str, why: str
) -> None:
    client = connect()
    app = next(a for a in client.applications() if a.tenant_id == tenant_id)
    with pytest.raises(ClassLinkAuthError, match=f"HTTP 403 forbidden: .*{why}") as caught:
        client.district(app).users()
    names(caught.value, district_label(app))


def test_rotated_bearer_is_refused_until_applications_is_read_again(
    connect: Callable[..., ClassLinkClient], server: SandboxServer
) -> None:
    client = connect()
    stale: Application = client.application("app2005%3D")
    rotated = httpx.post(f"{server.url}/_sandbox/rotate-bearer/2005", trust_env=False)
    assert rotated.status_code == 200
    with pytest.raises(ClassLinkAuthError, match="401") as caught:
        client.district(stale).users()
    names(caught.value, "Rotation Heights SD (2005)")
    fresh = client.application("app2005%3D")
    assert fresh.bearer != stale.bearer
    assert len(client.district(fresh).users()) == 40


# --- fault switches ---


def test_rate_limit_honours_retry_after(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, sleeps: Sleeps
) -> None:
    lincoln = open_district(connect(), "2001")
    server.faults.add("rate_limit", times=2, path_contains="/users", retry_after=3)
    assert len(lincoln.users()) == 40
    assert sleeps == [3.0, 3.0]
    assert len(server.requests.matching("/users")) == 3


def test_rate_limit_forever_and_beyond_the_cap(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, sleeps: Sleeps
) -> None:
    lincoln = open_district(connect(max_attempts=3, max_retry_after=30), "2001")
    server.faults.add("rate_limit", times=None, path_contains="/users", retry_after=2)
    with pytest.raises(ClassLinkRateLimited) as caught:
        lincoln.users()
    names(caught.value, LINCOLN)
    assert caught.value.retry_after == 2.0 and sleeps == [2.0, 2.0]
    server.faults.clear()
    server.faults.add("rate_limit", times=None, path_contains="/users", retry_after=90)
    with pytest.raises(ClassLinkRateLimited) as caught:
        lincoln.users()
    assert caught.value.retry_after == 90.0 and sleeps == [2.0, 2.0]  # raised at once


@pytest.mark.parametrize(
    "kind", ["server_error", "bad_gateway", "truncated", "error_body_200", "drop"]
)
def test_a_passing_fault_is_retried_away(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, sleeps: Sleeps, kind: str
) -> None:
    lincoln = open_district(connect(), "2001")
    server.faults.add(kind, times=1, path_contains="/users")
    assert len(lincoln.users()) == 40
    assert len(server.requests.matching("/users")) == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    ("kind", "error", "text"),
    [
        ("server_error", ClassLinkUnavailable, "HTTP 500 internal_server_error"),
        ("bad_gateway", ClassLinkUnavailable, "HTTP 502 502 Bad Gateway"),
        ("truncated", ClassLinkBadResponse, "not JSON"),
        ("error_body_200", ClassLinkBadResponse, "carrying an error instead of 'users'"),
        ("drop", ClassLinkUnavailable, "RemoteProtocolError"),
    ],
)
def test_a_lasting_fault_becomes_a_typed_error(
    connect: Callable[..., ClassLinkClient],
    server: SandboxServer,
    kind: str,
    error: type[ClassLinkError],
    text: str,
) -> None:
    lincoln = open_district(connect(max_attempts=3), "2001")
    server.faults.add(kind, times=None, path_contains="/users")
    with pytest.raises(error, match=text) as caught:
        lincoln.users()
    names(caught.value, LINCOLN)


def test_slow_answers_time_out_then_succeed(
    connect: Callable[..., ClassLinkClient], server: SandboxServer, sleeps: Sleeps
) -> None:
    lincoln = open_district(connect(timeout=0.2), "2001")
    server.faults.add("slow", times=1, path_contains="/users", delay=0.6)
    assert len(lincoln.users()) == 40
    assert len(sleeps) == 1
    server.faults.add("slow", times=None, path_contains="/users", delay=0.6)
    with pytest.raises(ClassLinkUnavailable, match="timed out") as caught:
        open_district(connect(timeout=0.2, max_attempts=2), "2001").users()
    names(caught.value, LINCOLN)


def test_faults_on_later_concurrent_pages(
    connect: Callable[..., ClassLinkClient], server: SandboxServer
) -> None:
    lincoln = open_district(connect(page_size=5), "2001")
    server.faults.add("server_error", times=1, path_contains="offset=15")
    server.faults.add("drop", times=1, path_contains="offset=30")
    users = lincoln.users()
    assert [u.sourced_id for u in users] == [
        u.sourced_id for u in by_id(world_roster(server, "2001").users)
    ]
