from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from classlink_fakes import (
    APP_ID,
    LABEL,
    MakeClient,
    MakeDistrict,
    application,
    error,
    page,
    status_body,
    user_11,
)

from checks.classlink import ClassLinkRejectedRequest
from checks.errors import (
    ClassLinkAuthError,
    ClassLinkBadResponse,
    ClassLinkError,
    ClassLinkNotFound,
    ClassLinkRateLimited,
    ClassLinkUnavailable,
)

USERS = [user_11(n) for n in range(3)]


def ok(request: httpx.Request) -> httpx.Response:
    return page(request, USERS, "users")


def script(*steps: httpx.Response | Exception | None) -> Callable[[httpx.Request], httpx.Response]:
    """Answers with each step in turn (None = a good page), then good pages."""
    queue: Iterator[httpx.Response | Exception | None] = iter(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        step = next(queue, None)
        if isinstance(step, Exception):
            raise step
        return ok(request) if step is None else step

    return handler


def names_district_and_call(err: ClassLinkError, call: str = "GET /users") -> None:
    assert (err.district, err.call) == (LABEL, call)
    assert LABEL in str(err) and call in str(err)


@pytest.mark.parametrize(("status", "minor"), [(401, "unauthorisedrequest"), (403, "forbidden")])
def test_auth_failures_are_not_retried(
    proxy_district: MakeDistrict, sleeps: list[float], status: int, minor: str
) -> None:
    district, seen = proxy_district(script(error(status, minor, "Access denied for this app")))
    with pytest.raises(ClassLinkAuthError) as caught:
        district.users()
    names_district_and_call(caught.value)
    assert f"HTTP {status}" in str(caught.value) and minor in str(caught.value)
    assert "Access denied for this app" in caught.value.detail
    assert len(seen.requests) == 1 and sleeps == []


def test_unknown_user_is_not_found(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(script(error(404, "unknownobject", "No user u9")))
    with pytest.raises(ClassLinkNotFound, match="unknownobject: No user u9") as caught:
        district.user("u9")
    names_district_and_call(caught.value, "GET /users/u9")
    assert len(seen.requests) == 1


def test_429_honours_retry_after_then_succeeds(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    busy = error(429, "server_busy", "Slow down", **{"Retry-After": "2"})
    district, seen = proxy_district(script(busy))
    assert len(district.users()) == 3
    assert sleeps == [2.0] and len(seen.requests) == 2


def test_429_retry_after_as_http_date(proxy_district: MakeDistrict, sleeps: list[float]) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    district, _ = proxy_district(script(error(429, "server_busy", "", **{"Retry-After": when})))
    district.users()
    assert len(sleeps) == 1 and 3 <= sleeps[0] <= 5


def test_429_forever_raises_rate_limited(proxy_district: MakeDistrict, sleeps: list[float]) -> None:
    busy = error(429, "server_busy", "Slow down", **{"Retry-After": "1"})
    district, seen = proxy_district(lambda r: busy, max_attempts=3)
    with pytest.raises(ClassLinkRateLimited) as caught:
        district.users()
    names_district_and_call(caught.value)
    assert caught.value.retry_after == 1.0
    assert len(seen.requests) == 3 and sleeps == [1.0, 1.0]


def test_429_asking_longer_than_the_cap_is_raised_at_once(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    busy = error(429, "server_busy", "Come back later", **{"Retry-After": "120"})
    district, seen = proxy_district(lambda r: busy, max_retry_after=30)
    with pytest.raises(ClassLinkRateLimited) as caught:
        district.users()
    assert caught.value.retry_after == 120.0
    assert len(seen.requests) == 1 and sleeps == []


def test_429_without_retry_after_backs_off(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    district, _ = proxy_district(script(httpx.Response(429), httpx.Response(429)))
    district.users()
    assert len(sleeps) == 2 and all(0 < s <= 8 for s in sleeps)


def test_500_then_success(proxy_district: MakeDistrict, sleeps: list[float]) -> None:
    district, seen = proxy_district(script(error(500, "internal_server_error", "Oops")))
    assert len(district.users()) == 3
    assert len(seen.requests) == 2 and len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0


def test_bad_gateway_forever_is_unavailable_with_capped_backoff(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    district, seen = proxy_district(
        lambda r: httpx.Response(502, text="<html>Bad Gateway</html>"), max_backoff=1.5
    )
    with pytest.raises(ClassLinkUnavailable, match="HTTP 502 <html>Bad Gateway") as caught:
        district.users()
    names_district_and_call(caught.value)
    assert len(seen.requests) == 4 and len(sleeps) == 3
    assert sleeps[0] <= 1.0 and all(s <= 1.5 for s in sleeps)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=["timeout", "refused", "dropped"],
)
def test_transport_failures_retry_then_become_unavailable(
    proxy_district: MakeDistrict, sleeps: list[float], failure: Exception
) -> None:
    district, seen = proxy_district(script(failure))
    assert len(district.users()) == 3
    assert len(sleeps) == 1

    def always(request: httpx.Request) -> httpx.Response:
        raise failure

    district, seen = proxy_district(always, max_attempts=2)
    with pytest.raises(ClassLinkUnavailable) as caught:
        district.users()
    names_district_and_call(caught.value)
    assert type(failure).__name__ in str(caught.value)
    assert len(seen.requests) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"users": [{"sourcedId": "u1", "givenNa', "not JSON"),
        (b'{"user": []}', "without the 'users' key"),
        (b"[1, 2]", "not an object"),
        (b'{"users": {"sourcedId": "u1"}}', "not a list"),
    ],
    ids=["truncated", "missing-envelope", "array", "envelope-not-a-list"],
)
def test_a_200_that_is_not_the_document_is_a_bad_response(
    proxy_district: MakeDistrict, sleeps: list[float], body: bytes, expected: str
) -> None:
    district, seen = proxy_district(lambda r: httpx.Response(200, content=body))
    with pytest.raises(ClassLinkBadResponse, match=expected) as caught:
        district.users()
    names_district_and_call(caught.value)
    assert len(seen.requests) <= 3  # retried at most twice


def test_a_200_carrying_status_info_is_a_bad_response(proxy_district: MakeDistrict) -> None:
    body = status_body("internal_server_error", "Roster Server sync in progress")
    district, seen = proxy_district(lambda r: httpx.Response(200, json=body))
    with pytest.raises(ClassLinkBadResponse, match="Roster Server sync in progress") as caught:
        district.users()
    names_district_and_call(caught.value)
    assert len(seen.requests) == 3


def test_a_garbled_200_then_a_good_one_succeeds(proxy_district: MakeDistrict) -> None:
    district, _ = proxy_district(script(httpx.Response(200, content=b'{"users": [')))
    assert len(district.users()) == 3


def test_a_bad_record_is_a_bad_response_naming_the_offset(proxy_district: MakeDistrict) -> None:
    district, _ = proxy_district(lambda r: httpx.Response(200, json={"users": [{"x": 1}]}))
    with pytest.raises(ClassLinkBadResponse, match="offset 0: user without sourcedId") as caught:
        district.users()
    names_district_and_call(caught.value)


def test_an_invalid_filter_is_rejected_without_retry(
    proxy_district: MakeDistrict, sleeps: list[float]
) -> None:
    district, seen = proxy_district(script(error(400, "invalid_filter_field", "Bad filter")))
    with pytest.raises(ClassLinkRejectedRequest) as caught:
        district.users_by_email("a@b.org")
    assert isinstance(caught.value, ClassLinkBadResponse)
    assert caught.value.code_minor == "invalid_filter_field"
    names_district_and_call(caught.value)
    assert len(seen.requests) == 1 and sleeps == []


def test_a_later_page_failing_fails_the_whole_read(proxy_district: MakeDistrict) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            return error(403, "forbidden", "App disabled")
        return page(request, [user_11(n) for n in range(7)], "users")

    district, _ = proxy_district(handler, page_size=2)
    with pytest.raises(ClassLinkAuthError, match="App disabled") as caught:
        district.users()
    names_district_and_call(caught.value)


def test_wrong_partner_key_names_the_call(make_client: MakeClient) -> None:
    client, _ = make_client(lambda r: error(401, "unauthorisedrequest", "Invalid partner key"))
    with pytest.raises(ClassLinkAuthError, match="Invalid partner key") as caught:
        client.applications()
    assert caught.value.call == "GET /applications"


def test_unknown_server_id_is_not_found(make_client: MakeClient) -> None:
    client, seen = make_client(lambda r: error(404, "unknownobject", "No such application"))
    with pytest.raises(ClassLinkNotFound) as caught:
        client.server(APP_ID)
    assert caught.value.call == f"GET /applications/{APP_ID}/server"
    assert caught.value.district == APP_ID
    # opening a direct district names the district by tenant in the same failure
    with pytest.raises(ClassLinkNotFound) as caught:
        client.district(application(bearer=""))
    assert caught.value.district == LABEL
    assert len(seen.requests) == 2


def test_max_attempts_one_means_no_retry(proxy_district: MakeDistrict) -> None:
    district, seen = proxy_district(lambda r: httpx.Response(503), max_attempts=1)
    with pytest.raises(ClassLinkUnavailable):
        district.users()
    assert len(seen.requests) == 1
