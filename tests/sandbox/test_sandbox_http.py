"""The sandbox over real HTTP: management API, both data access modes, paging and filters."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox.server import SandboxServer
from sandbox.world import World
from tests.sandbox.sandbox_helpers import Signed, district, proxy_path

Get = Callable[..., httpx.Response]


def _minor(response: httpx.Response) -> str:
    info = response.json()["statusInfoSet"][0]
    assert info["imsx_codeMajor"] == "failure" and info["imsx_severity"] == "error"
    field = info["imsx_CodeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldName"] == "TargetEndSystem"
    return str(field["imsx_codeMinorFieldValue"])


def _partner(server: SandboxServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.partner_key}"}


# --- management API -------------------------------------------------------------------------

def test_applications_lists_every_district(http: httpx.Client, server: SandboxServer,
                                           world: World) -> None:
    response = http.get("/applications", headers=_partner(server))
    assert response.status_code == 200
    assert "x-total-count" not in response.headers
    body = response.json()
    assert body["status"] == 1
    rows = {row["tenant_id"]: row for row in body["applications"]}
    assert len(rows) == len(world.districts)
    lincoln, harbor, old_mill = rows["2001"], rows["1230"], rows["2317"]
    assert lincoln["bearer"] == "" and lincoln["enabled"] == "true"
    assert lincoln["oneroster_application_id"] == district(world, "2001").oneroster_application_id
    assert "%2F" in lincoln["oneroster_application_id"]
    assert harbor["enabled"] == "false" and harbor["bearer"]
    assert old_mill["tenant_status"] == "Inactive"
    assert all(isinstance(v, str) for row in rows.values() for v in row.values())
    assert {row["name"] for row in rows.values()} == {"Pivot Interactives"}


def test_applications_pages(http: httpx.Client, server: SandboxServer) -> None:
    first = http.get("/applications", params={"limit": 4}, headers=_partner(server)).json()
    rest = http.get("/applications", params={"limit": 4, "offset": 4},
                    headers=_partner(server)).json()
    assert len(first["applications"]) == 4 and len(rest["applications"]) == 2
    ids = [a["tenant_id"] for a in first["applications"] + rest["applications"]]
    assert len(set(ids)) == 6


@pytest.mark.parametrize("auth", ["Bearer wrong", "", "Basic abc"])
def test_wrong_partner_key_is_401(http: httpx.Client, auth: str) -> None:
    response = http.get("/applications", headers={"Authorization": auth} if auth else {})
    assert response.status_code == 401
    assert _minor(response) == "unauthorisedrequest"


def test_server_credentials(http: httpx.Client, server: SandboxServer, world: World) -> None:
    lincoln = district(world, "2001")
    response = http.get(f"/applications/{lincoln.oneroster_application_id}/server",
                        headers=_partner(server))
    assert response.status_code == 200
    assert response.json() == {"server": {
        "client_id": lincoln.client_id, "client_secret": lincoln.client_secret,
        "endpoint_url": f"{server.url}/districts/2001/ims/oneroster/v1p1",
    }}


def test_server_credentials_errors(http: httpx.Client, server: SandboxServer,
                                   world: World) -> None:
    lincoln = district(world, "2001")
    # The id is matched raw: a re-encoded id (%252F) is a different, unknown id.
    reencoded = lincoln.oneroster_application_id.replace("%", "%25")
    unknown = http.get(f"/applications/{reencoded}/server", headers=_partner(server))
    assert unknown.status_code == 404 and _minor(unknown) == "unknownobject"
    bad_key = http.get(f"/applications/{lincoln.oneroster_application_id}/server",
                       headers={"Authorization": "Bearer nope"})
    assert bad_key.status_code == 401


def test_unknown_path_and_method(http: httpx.Client, server: SandboxServer) -> None:
    assert http.get("/nothing/here").status_code == 404
    assert http.post("/applications", headers=_partner(server)).status_code == 405


# --- proxy access ---------------------------------------------------------------------------

def test_proxy_with_the_district_bearer(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    response = proxy_get(riverside, "teachers")
    assert response.status_code == 200
    teachers = response.json()["users"]
    assert len(teachers) == 12 and response.headers["x-total-count"] == "12"
    assert {t["role"] for t in teachers} == {"teacher"}


@pytest.mark.parametrize("bearer", ["wrong", ""])
def test_proxy_with_a_wrong_bearer_is_401(proxy_get: Get, world: World, bearer: str) -> None:
    response = proxy_get(district(world, "1042"), "users", bearer=bearer)
    assert response.status_code == 401 and _minor(response) == "unauthorisedrequest"


def test_proxy_with_another_districts_bearer_is_401(proxy_get: Get, world: World) -> None:
    other = district(world, "1187").bearer
    assert proxy_get(district(world, "1042"), "users", bearer=other).status_code == 401


def test_proxy_with_the_partner_key_is_401(proxy_get: Get, world: World) -> None:
    assert proxy_get(district(world, "1042"), "users",
                     bearer=world.partner_key).status_code == 401


def test_direct_district_cannot_use_the_proxy(proxy_get: Get, world: World) -> None:
    assert proxy_get(district(world, "2001"), "users", bearer="").status_code == 401


def test_proxy_unknown_application_is_404(http: httpx.Client) -> None:
    response = http.get("/proxy/v1p0/NoSuchApp%3D/ims/oneroster/v1p1/users",
                        headers={"Authorization": "Bearer x"})
    assert response.status_code == 404


@pytest.mark.parametrize("tenant", ["1230", "2317"])  # app disabled; tenant inactive
def test_disabled_or_inactive_is_403(proxy_get: Get, signed_get: Signed, world: World,
                                     tenant: str) -> None:
    d = district(world, tenant)
    for response in (proxy_get(d, "users"), signed_get(d, "users")):
        assert response.status_code == 403 and _minor(response) == "forbidden"
    # ...but a wrong credential is still 401 first.
    assert proxy_get(d, "users", bearer="wrong").status_code == 401


# --- direct OAuth 1.0a ----------------------------------------------------------------------

def test_direct_oauth_signed_request(signed_get: Signed, world: World,
                                     server: SandboxServer) -> None:
    lincoln = district(world, "2001")
    response = signed_get(lincoln, "users", params={"limit": 50, "offset": 10})
    assert response.status_code == 200
    assert len(response.json()["users"]) == 50
    assert server.requests[-1].auth == "oauth1"
    assert server.requests[-1].query == {"limit": "50", "offset": "10"}


def test_direct_oauth_signs_the_filter(signed_get: Signed, world: World) -> None:
    lincoln = district(world, "2001")
    response = signed_get(lincoln, "teachers", params={
        "filter": "email='John.Smith@LincolnUSD.org' AND status='active'",
        "sort": "sourcedId", "orderBy": "asc"})
    assert response.status_code == 200
    assert [u["givenName"] for u in response.json()["users"]] == ["John"]


def test_direct_oauth_works_for_proxy_districts_too(signed_get: Signed, world: World) -> None:
    assert signed_get(district(world, "1042"), "orgs").status_code == 200


@pytest.mark.parametrize(("oauth", "reason"), [
    ({"secret": "wrong-secret"}, "signature does not match"),
    ({"key": "unknown-key"}, "unknown consumer key"),
    ({"timestamp": -700}, "too old"),
    ({"timestamp": +400}, "in the future"),
])
def test_direct_oauth_rejections(signed_get: Signed, world: World, oauth: dict[str, Any],
                                 reason: str) -> None:
    # A timestamp is an offset from now, taken when the test runs: computed at collection, it
    # would drift into the accepted window on a long suite.
    if "timestamp" in oauth:
        oauth = {**oauth, "timestamp": str(int(time.time()) + oauth["timestamp"])}
    response = signed_get(district(world, "2001"), "users", **oauth)
    assert response.status_code == 401
    assert _minor(response) == "unauthorisedrequest"
    assert reason in response.json()["statusInfoSet"][0]["imsx_description"]


def test_direct_oauth_within_clock_skew_is_fine(signed_get: Signed, world: World) -> None:
    lincoln = district(world, "2001")
    assert signed_get(lincoln, "orgs", timestamp=str(int(time.time()) - 500)).status_code == 200
    assert signed_get(lincoln, "orgs", timestamp=str(int(time.time()) + 200)).status_code == 200


def test_direct_oauth_key_of_another_district_is_401(signed_get: Signed, world: World) -> None:
    riverside = district(world, "1042")
    response = signed_get(district(world, "2001"), "users", key=riverside.client_id,
                          secret=riverside.client_secret)
    assert response.status_code == 401


def test_direct_oauth_reused_nonce_is_401(signed_get: Signed, world: World) -> None:
    lincoln = district(world, "2001")
    assert signed_get(lincoln, "orgs", nonce="n-123456").status_code == 200
    replay = signed_get(lincoln, "orgs", nonce="n-123456")
    assert replay.status_code == 401 and "already used" in replay.text


def test_direct_oauth_query_tampering_is_401(http: httpx.Client, server: SandboxServer,
                                              world: World) -> None:
    from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
    from oauthlib.oauth1 import Client as OAuthClient

    lincoln = district(world, "2001")
    url = f"{server.url}/districts/2001/ims/oneroster/v1p1/users?limit=5"
    signer = OAuthClient(lincoln.client_id, client_secret=lincoln.client_secret,
                         signature_method=SIGNATURE_HMAC_SHA256)
    _, headers, _ = signer.sign(url, http_method="GET")
    assert http.get(url.replace("limit=5", "limit=6"), headers=headers).status_code == 401
    assert http.get(url, headers={"Authorization": "Bearer x"}).status_code == 401


def test_direct_oauth_sha1_is_refused(signed_get: Signed, world: World) -> None:
    from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1

    response = signed_get(district(world, "2001"), "users", signature_method=SIGNATURE_HMAC_SHA1)
    assert response.status_code == 401


def test_direct_unknown_tenant_is_404(http: httpx.Client) -> None:
    assert http.get("/districts/9999/ims/oneroster/v1p1/users").status_code == 404


# --- paging ---------------------------------------------------------------------------------

def test_paging_walks_every_record_in_sourcedid_order(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    seen: list[str] = []
    for offset in range(0, 400, 100):
        response = proxy_get(riverside, "users", params={"limit": 100, "offset": offset})
        assert response.headers["x-total-count"] == "312"
        seen += [u["sourcedId"] for u in response.json()["users"]]
    assert len(seen) == 312 and seen == sorted(seen) and len(set(seen)) == 312


def test_default_limit_is_100_and_large_limits_are_clamped(proxy_get: Get, world: World
                                                            ) -> None:
    riverside = district(world, "1042")
    assert len(proxy_get(riverside, "users").json()["users"]) == 100
    everything = proxy_get(riverside, "enrollments", params={"limit": 50_000})
    assert len(everything.json()["enrollments"]) == len(riverside.roster.enrollments)


def test_offset_past_the_end_is_an_empty_page(proxy_get: Get, world: World) -> None:
    response = proxy_get(district(world, "1042"), "users", params={"offset": 5000})
    assert response.json() == {"users": []}
    assert response.headers["x-total-count"] == "312" and "link" not in response.headers


def test_next_link_points_at_the_district_host(proxy_get: Get, world: World) -> None:
    response = proxy_get(district(world, "1042"), "users", params={"limit": 10})
    assert response.headers["link"] == (
        "<https://riversidecountyschools-vn-v2.rosterserver.com/ims/oneroster/v1p1/users"
        '?limit=10&offset=10>; rel="next"')


def test_no_total_count_header_when_the_district_omits_it(proxy_get: Get, world: World
                                                          ) -> None:
    cedar = district(world, "2258")
    assert cedar.total_count_header is False
    first = proxy_get(cedar, "teachers")
    second = proxy_get(cedar, "teachers", params={"offset": 100})
    assert "x-total-count" not in first.headers
    assert len(first.json()["users"]) == 100 and len(second.json()["users"]) == 13


def test_descending_order(proxy_get: Get, world: World) -> None:
    users = proxy_get(district(world, "1042"), "teachers",
                      params={"sort": "sourcedId", "orderBy": "desc"}).json()["users"]
    ids = [u["sourcedId"] for u in users]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("params", [
    {"limit": "ten"}, {"limit": 0}, {"offset": -1}, {"sort": "familyName"}, {"orderBy": "dsc"},
])
def test_bad_paging_parameters_are_400(proxy_get: Get, world: World,
                                       params: dict[str, Any]) -> None:
    response = proxy_get(district(world, "1042"), "users", params=params)
    assert response.status_code == 400 and _minor(response) == "invaliddata"


# --- filters --------------------------------------------------------------------------------

def test_email_filter_ignores_case(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    teacher = next(u for u in riverside.roster.users if u.role == "teacher")
    response = proxy_get(riverside, "users",
                         params={"filter": f"email='{teacher.email.upper()}'"})
    assert [u["sourcedId"] for u in response.json()["users"]] == [teacher.sourced_id]
    assert response.headers["x-total-count"] == "1"


def test_filters_combine_with_and(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    response = proxy_get(riverside, "users",
                         params={"filter": "role='teacher' AND status='active'", "limit": 5})
    assert response.headers["x-total-count"] == "12"
    assert len(response.json()["users"]) == 5
    not_students = proxy_get(riverside, "users", params={"filter": "role!='student'"})
    assert not_students.headers["x-total-count"] == "12"


def test_filter_on_enrollments_by_role(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    response = proxy_get(riverside, "enrollments", params={"filter": "role='teacher'"})
    assert response.headers["x-total-count"] == "48"


@pytest.mark.parametrize(("endpoint", "expression"), [
    ("users", "email=nobody@x.org"),  # value not quoted
    ("users", "email~'x'"),  # unsupported operator
    ("users", "phone='1'"),  # field not filterable
    ("users", "role='teacher' OR role='student'"),  # only AND
    ("users", "role='teacher' AND"),
    ("classes", "email='a@b.org'"),  # a field classes do not have
])
def test_malformed_filters_are_400(proxy_get: Get, world: World, endpoint: str,
                                   expression: str) -> None:
    response = proxy_get(district(world, "1042"), endpoint, params={"filter": expression})
    assert response.status_code == 400 and _minor(response) == "invalid_filter_field"


# --- endpoints and record shapes ------------------------------------------------------------

def test_single_user_and_unknown_user(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    user = riverside.roster.users[0]
    found = proxy_get(riverside, f"users/{user.sourced_id}")
    assert found.status_code == 200 and found.json()["user"]["sourcedId"] == user.sourced_id
    missing = proxy_get(riverside, "users/nobody")
    assert missing.status_code == 404 and _minor(missing) == "unknownobject"


def test_teacher_classes(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    teacher = next(u for u in riverside.roster.users if u.role == "teacher")
    classes = proxy_get(riverside, f"teachers/{teacher.sourced_id}/classes").json()["classes"]
    taught = {e.class_id for e in riverside.roster.enrollments if e.user_id == teacher.sourced_id}
    assert {c["sourcedId"] for c in classes} == taught and len(taught) == 4
    student = next(u for u in riverside.roster.users if u.role == "student")
    assert proxy_get(riverside, f"teachers/{student.sourced_id}/classes").status_code == 404
    assert proxy_get(riverside, "teachers/nobody/classes").status_code == 404


def test_class_members(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    cls = riverside.roster.classes[0]
    teachers = proxy_get(riverside, f"classes/{cls.sourced_id}/teachers").json()["users"]
    assert len(teachers) == 1 and teachers[0]["role"] == "teacher"
    assert proxy_get(riverside, "classes/nope/students").status_code == 404


def test_other_collections(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    assert len(proxy_get(riverside, "classes").json()["classes"]) == 48
    orgs = proxy_get(riverside, "orgs").json()["orgs"]
    assert orgs[0]["type"] == "district" and orgs[0]["parent"] is None
    assert {o["type"] for o in proxy_get(riverside, "schools").json()["orgs"]} == {"school"}
    assert proxy_get(riverside, "students").headers["x-total-count"] == "300"
    assert proxy_get(riverside, "courses").status_code == 404


def test_user_shape_1_1(proxy_get: Get, world: World) -> None:
    user = proxy_get(district(world, "1042"), "teachers").json()["users"][0]
    assert user["enabledUser"] == "true" and user["role"] == "teacher"
    assert "roles" not in user
    assert user["orgs"][0]["href"].startswith(
        "https://riversidecountyschools-vn-v2.rosterserver.com/ims/oneroster/v1p1/orgs/")
    assert set(user) >= {"sourcedId", "status", "dateLastModified", "username", "userIds",
                         "givenName", "familyName", "middleName", "identifier", "email",
                         "sms", "phone", "agents", "grades"}


def test_user_shape_1_2_and_missing_email(signed_get: Signed, world: World) -> None:
    users = signed_get(district(world, "2001"), "teachers",
                       params={"limit": 100}).json()["users"]
    john = next(u for u in users if u.get("email") == "john.smith@lincolnusd.org")
    assert john["enabledUser"] is True and "role" not in john and "orgs" not in john
    assert john["roles"][0]["roleType"] == "primary" and john["roles"][0]["role"] == "teacher"
    linda = next(u for u in users if u["familyName"] == "Martinez")
    assert "email" not in linda
    karen = next(u for u in users if u["familyName"] == "Davis")
    assert karen["enabledUser"] is False
    thomas = next(u for u in users if u["familyName"] == "Wright")
    assert thomas["status"] == "tobedeleted"


def test_enrollment_and_class_shapes(proxy_get: Get, world: World) -> None:
    riverside = district(world, "1042")
    enrollment = proxy_get(riverside, "enrollments",
                           params={"filter": "role='teacher'", "limit": 1}).json()
    record = enrollment["enrollments"][0]
    assert record["primary"] == "true" and record["user"]["type"] == "user"
    assert record["class"]["type"] == "class" and record["school"]["sourcedId"]
    cls = proxy_get(riverside, "classes", params={"limit": 1}).json()["classes"][0]
    assert cls["school"]["type"] == "org" and cls["terms"]


def test_requests_are_recorded(proxy_get: Get, server: SandboxServer, world: World) -> None:
    riverside = district(world, "1042")
    proxy_get(riverside, "users", params={"limit": 7})
    recorded = server.requests.matching("/users")
    assert recorded[-1].path == proxy_path(riverside, "users")
    assert recorded[-1].query == {"limit": "7"} and recorded[-1].auth == "bearer"
