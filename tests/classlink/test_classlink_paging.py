from __future__ import annotations

import threading

import httpx
import pytest
from classlink_fakes import (
    BASE,
    LABEL,
    PARTNER_KEY,
    PROXY,
    MakeClient,
    MakeDistrict,
    app_json,
    application,
    page,
    raw_path,
    user_11,
)

from checks.errors import ClassLinkBadResponse, ClassLinkNotFound

USERS = [user_11(n) for n in range(10)]


def offsets(requests: list[httpx.Request]) -> list[int]:
    return [int(r.url.params["offset"]) for r in requests]


def test_total_header_pages_are_all_fetched_in_order(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(lambda r: page(r, USERS, "users"), page_size=3)
    users = district.users()
    assert [u.sourced_id for u in users] == [u["sourcedId"] for u in USERS]
    assert sorted(offsets(seen.requests)) == [0, 3, 6, 9]
    assert {r.url.params["limit"] for r in seen.requests} == {"3"}
    # hrefs in the bodies point at the district host; only the proxy is ever asked
    assert {r.url.host for r in seen.requests} == {"classlink.test"}
    assert set(seen.paths()) == {f"{PROXY}/users"}


def test_remaining_pages_run_concurrently_and_keep_order(proxy_district: MakeDistrict) -> None:
    # Offsets 3, 6 and 9 must all be in flight at once (the barrier), and the page at
    # offset 3 answers only after the page at 9 has answered.
    barrier = threading.Barrier(3, timeout=5)
    last_done = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        if offset:
            barrier.wait()
        if offset == 3:
            assert last_done.wait(timeout=5)
        response = page(request, USERS, "users")
        if offset == 9:
            last_done.set()
        return response

    district, _ = proxy_district(handler, page_size=3)
    assert [u.sourced_id for u in district.users()] == [u["sourcedId"] for u in USERS]


@pytest.mark.parametrize(("count", "requests"), [(10, 3), (11, 3), (4, 1), (0, 1)])
def test_without_total_header_pages_until_a_short_page(
    proxy_district: MakeDistrict, count: int, requests: int
) -> None:
    records = USERS[:count] + [user_11(10)] * (count == 11)
    district, seen = proxy_district(lambda r: page(r, records, "users", total=False), page_size=5)
    assert len(district.users()) == count
    assert offsets(seen.requests) == [0, 5, 10][:requests]


def test_a_total_the_pages_do_not_reach_is_a_bad_response(proxy_district: MakeDistrict) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        response = page(request, USERS, "users")
        response.headers["X-Total-Count"] = "12"
        return response

    district, _ = proxy_district(handler, page_size=5)
    with pytest.raises(ClassLinkBadResponse) as caught:
        district.users()
    assert "12" in str(caught.value)
    assert (caught.value.district, caught.value.call) == (LABEL, "GET /users")


def test_a_server_clamping_the_limit_is_still_read_whole(proxy_district: MakeDistrict) -> None:
    def clamped(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        headers = {"X-Total-Count": str(len(USERS))}
        return httpx.Response(200, json={"users": USERS[offset : offset + 4]}, headers=headers)

    district, seen = proxy_district(clamped, page_size=10)
    assert len(district.users()) == 10
    assert sorted(offsets(seen.requests)) == [0, 4, 8]


def test_a_server_ignoring_offset_stops_with_a_bad_response(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(
        lambda r: httpx.Response(200, json={"users": USERS[:5]}), page_size=5
    )
    with pytest.raises(ClassLinkBadResponse, match="previous page"):
        district.users()
    assert len(seen.requests) == 2


def test_page_size_is_capped_at_ten_thousand(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(lambda r: page(r, USERS, "users"), page_size=50_000)
    district.users()
    assert seen.requests[0].url.params["limit"] == "10000"


def test_applications_page_without_total_and_use_the_partner_key(make_client: MakeClient) -> None:
    apps = [app_json(application(tenant_id=str(2000 + n))) for n in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        response = page(request, apps, "applications", total=False)
        return httpx.Response(200, json={"status": 1, **response.json()})

    client, seen = make_client(handler, page_size=2)
    listed = client.applications()
    assert [a.tenant_id for a in listed] == ["2000", "2001", "2002", "2003", "2004"]
    assert offsets(seen.requests) == [0, 2, 4]
    assert {r.headers["Authorization"] for r in seen.requests} == {f"Bearer {PARTNER_KEY}"}
    assert {str(r.url.copy_with(query=None)) for r in seen.requests} == {f"{BASE}/applications"}


def test_application_by_id_and_not_found(make_client: MakeClient) -> None:
    apps = [app_json(application(oneroster_application_id=f"id{n}%2F")) for n in range(3)]
    client, _ = make_client(lambda r: page(r, apps, "applications", total=False))
    assert client.application("id1%2F").oneroster_application_id == "id1%2F"
    with pytest.raises(ClassLinkNotFound) as caught:
        client.application("id1/")
    assert (caught.value.district, caught.value.call) == ("id1/", "GET /applications")


def test_users_by_email_sends_an_escaped_filter(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(lambda r: page(r, USERS[:1], "users"))
    assert len(district.users_by_email("o'neil@lincoln.org")) == 1
    assert seen.requests[0].url.params["filter"] == "email='o''neil@lincoln.org'"


def test_single_user_and_teacher_classes_paths(proxy_district: MakeDistrict) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if raw_path(request).endswith("/classes"):
            return page(request, [{"sourcedId": "c1", "title": "Physics"}], "classes")
        return httpx.Response(200, json={"user": user_11(4, role="teacher")})

    district, seen = proxy_district(handler)
    assert district.user("TCH 4/a").sourced_id == "u000004"
    assert [c.title for c in district.teacher_classes("TCH 4/a")] == ["Physics"]
    assert seen.paths() == [f"{PROXY}/users/TCH%204%2Fa", f"{PROXY}/teachers/TCH%204%2Fa/classes"]


def test_roster_reads_users_classes_enrollments_and_orgs(proxy_district: MakeDistrict) -> None:
    bodies = {
        "users": USERS[:2],
        "classes": [{"sourcedId": "c1", "title": "Physics", "school": {"sourcedId": "s1"}}],
        "enrollments": [
            {
                "sourcedId": "e1",
                "role": "student",
                "user": {"sourcedId": "u000000"},
                "class": {"sourcedId": "c1"},
            }
        ],
        "orgs": [{"sourcedId": "s1", "name": "Lincoln High", "type": "school"}],
    }

    def handler(request: httpx.Request) -> httpx.Response:
        name = raw_path(request).rsplit("/", 1)[1]
        return page(request, bodies[name], name)

    district, _ = proxy_district(handler)
    roster = district.roster()
    assert [u.sourced_id for u in roster.users] == ["u000000", "u000001"]
    assert roster.classes[0].school_id == "s1"
    assert (roster.enrollments[0].user_id, roster.enrollments[0].class_id) == ("u000000", "c1")
    assert roster.orgs[0].name == "Lincoln High"
