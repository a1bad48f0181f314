from __future__ import annotations

import httpx
import pytest
from classlink_fakes import (
    APP_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    DIRECT,
    PARTNER_KEY,
    PROXY,
    Handler,
    MakeClient,
    Recorder,
    application,
    oauth_params,
    oauth_signature_ok,
    page,
    raw_path,
    user_11,
)

from checks.classlink import ClassLinkClient, DistrictClient

DISTRICT_HOST = "http://district.test"
USERS = [user_11(n) for n in range(5)]


def direct_world(*, fail_first_data_call: bool = False) -> Handler:
    """A handler for the management server plus one district reached directly."""
    failed: list[bool] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = raw_path(request)
        if path == f"/applications/{APP_ID}/server":
            assert request.headers["Authorization"] == f"Bearer {PARTNER_KEY}"
            server = {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "endpoint_url": f"{DISTRICT_HOST}{DIRECT}",
            }
            return httpx.Response(200, json={"server": server})
        if not oauth_signature_ok(request, CLIENT_SECRET):
            return httpx.Response(401, json={"error": "bad signature"})
        if fail_first_data_call and not failed:
            failed.append(True)
            return httpx.Response(500)
        return page(request, USERS, "users")

    return handler


def open_direct(
    make_client: MakeClient, *, fail_first_data_call: bool = False
) -> tuple[DistrictClient, Recorder]:
    client, seen = make_client(direct_world(fail_first_data_call=fail_first_data_call), page_size=2)
    return client.district(application(bearer="")), seen


def test_proxy_uses_the_district_bearer_and_the_raw_application_id(
    make_client: MakeClient,
) -> None:
    client, seen = make_client(lambda r: page(r, USERS, "users"))
    client.district(application(bearer="district-bearer")).users()
    assert seen.paths() == [f"{PROXY}/users"]  # %3D kept, never re-encoded to %253D
    assert seen.requests[0].headers["Authorization"] == "Bearer district-bearer"


def test_blank_bearer_goes_direct_with_a_valid_oauth1_signature(make_client: MakeClient) -> None:
    district, seen = open_direct(make_client)
    assert [u.sourced_id for u in district.users()] == [u["sourcedId"] for u in USERS]
    data_calls = seen.requests[1:]
    assert {str(r.url.copy_with(query=None)) for r in data_calls} == {
        f"{DISTRICT_HOST}{DIRECT}/users"
    }
    for request in data_calls:
        params = oauth_params(request)
        assert params["oauth_consumer_key"] == CLIENT_ID
        assert params["oauth_signature_method"] == "HMAC-SHA256"
        assert oauth_signature_ok(request, CLIENT_SECRET)
        assert not oauth_signature_ok(request, "another-secret")  # the verifier can say no
    assert len({oauth_params(r)["oauth_nonce"] for r in data_calls}) == len(data_calls)


def test_the_filter_is_part_of_the_signature(make_client: MakeClient) -> None:
    district, seen = open_direct(make_client)
    district.users_by_email("o'neil+physics@lincoln.org")
    request = seen.requests[-1]
    assert request.url.params["filter"] == "email='o''neil+physics@lincoln.org'"
    assert oauth_signature_ok(request, CLIENT_SECRET)
    tampered = request.url.copy_set_param("filter", "email='someone@else.org'")
    assert not oauth_signature_ok(
        httpx.Request("GET", tampered, headers=request.headers), CLIENT_SECRET
    )


def test_each_attempt_is_signed_afresh(make_client: MakeClient, sleeps: list[float]) -> None:
    district, seen = open_direct(make_client, fail_first_data_call=True)
    assert len(district.users()) == 5
    first, retry = seen.requests[1], seen.requests[2]
    assert first.url == retry.url
    assert oauth_params(first)["oauth_nonce"] != oauth_params(retry)["oauth_nonce"]
    assert oauth_signature_ok(retry, CLIENT_SECRET) and len(sleeps) == 1


@pytest.mark.parametrize("bearer", ["", "   "])
def test_blank_bearer_asks_for_server_credentials(make_client: MakeClient, bearer: str) -> None:
    client, seen = make_client(direct_world())
    client.district(application(bearer=bearer))
    assert seen.paths() == [f"/applications/{APP_ID}/server"]


def test_the_client_closes_only_the_http_client_it_made() -> None:
    shared = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with ClassLinkClient(base_url="http://x", partner_key="k", http=shared):
        pass
    assert not shared.is_closed
    shared.close()
    with ClassLinkClient(base_url="http://x", partner_key="k") as own:
        inner = own._http  # checking who owns the client is the point of this test
    assert inner.is_closed
