"""The filter grammar and OAuth verifier as pure units (no sockets)."""

from __future__ import annotations

import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuthClient

from checks.models import Role, RosterUser
from sandbox.catalog import USER_GETTERS
from sandbox.filters import FilterError, Predicate, parse_filter, select
from sandbox.oauth import OAuthRejected, OAuthVerifier


def test_parse_single_and_joined() -> None:
    assert parse_filter("email='a@b.org'") == (Predicate("email", False, "a@b.org"),)
    assert parse_filter("role!='student' AND  givenName='Ann Marie'") == (
        Predicate("role", True, "student"), Predicate("givenName", False, "Ann Marie"))
    assert parse_filter("familyName=''") == (Predicate("familyName", False, ""),)


@pytest.mark.parametrize("text", [
    "", "email", "email='x", "email=\"x\"", "email>'x'", "nickname='x'", "email='x' OR role='y'",
    "email='x' AND", "email='x' role='y'",
])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(text)


def test_select() -> None:
    users = [
        RosterUser("u1", Role.TEACHER, "active", True, "Ann", "Lee", email="Ann.Lee@X.org"),
        RosterUser("u2", Role.STUDENT, "active", True, "Bo", "Lee", email="bo@x.org"),
        RosterUser("u3", Role.TEACHER, "tobedeleted", True, "Cy", "Oz", email="cy@x.org"),
    ]
    assert select(users, parse_filter("email='ann.lee@x.ORG'"), USER_GETTERS) == [0]
    assert select(users, parse_filter("familyName='Lee' AND role='teacher'"), USER_GETTERS) == [0]
    assert select(users, parse_filter("status!='active'"), USER_GETTERS) == [2]
    assert select(users, parse_filter("familyName='lee'"), USER_GETTERS) == []  # exact case
    with pytest.raises(FilterError):
        select(users, parse_filter("email='x'"), {"sourcedId": lambda u: u.sourced_id})


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _signed(nonce: str, timestamp: int, *, query: str = "limit=5") -> str:
    signer = OAuthClient("key", client_secret="secret", signature_method=SIGNATURE_HMAC_SHA256,
                         nonce=nonce, timestamp=str(timestamp))
    _, headers, _ = signer.sign(f"http://h:1/d/users?{query}", http_method="GET")
    return str(headers["Authorization"])


def _verify(verifier: OAuthVerifier, authorization: str, query: str = "limit=5") -> str:
    return verifier.verify(method="GET", uri="http://h:1/d/users", query=query,
                           authorization=authorization,
                           secret_for=lambda key: "secret" if key == "key" else None)


def test_verifier_accepts_then_refuses_a_replay() -> None:
    clock = _Clock(1_000_000)
    verifier = OAuthVerifier(clock)
    header = _signed("n1", 1_000_000)
    assert _verify(verifier, header) == "key"
    with pytest.raises(OAuthRejected, match="already used"):
        _verify(verifier, header)


def test_verifier_time_window() -> None:
    clock = _Clock(1_000_000)
    verifier = OAuthVerifier(clock)
    assert _verify(verifier, _signed("a", 1_000_000 - 600)) == "key"
    with pytest.raises(OAuthRejected, match="too old"):
        _verify(verifier, _signed("b", 1_000_000 - 601))
    assert _verify(verifier, _signed("c", 1_000_000 + 300)) == "key"
    with pytest.raises(OAuthRejected, match="future"):
        _verify(verifier, _signed("d", 1_000_000 + 301))


def test_verifier_covers_the_query() -> None:
    verifier = OAuthVerifier(_Clock(1_000_000))
    header = _signed("q", 1_000_000, query="limit=5&filter=role%3D%27teacher%27")
    with pytest.raises(OAuthRejected, match="signature"):
        _verify(verifier, header, query="limit=5&filter=role%3D%27student%27")
    assert _verify(verifier, header, query="limit=5&filter=role%3D%27teacher%27") == "key"


@pytest.mark.parametrize("authorization", [
    "", "Bearer abc", 'OAuth oauth_consumer_key="key"', "OAuth garbage",
])
def test_verifier_rejects_malformed_headers(authorization: str) -> None:
    with pytest.raises(OAuthRejected):
        _verify(OAuthVerifier(_Clock(1_000_000)), authorization)


def test_nonce_memory_is_pruned() -> None:
    clock = _Clock(1_000_000)
    verifier = OAuthVerifier(clock)
    for i in range(10_001):
        verifier._nonces[("key", f"old{i}")] = 1_000_000 - 2_000
    assert _verify(verifier, _signed("fresh", 1_000_000)) == "key"
    assert len(verifier._nonces) == 1


def test_verifier_needs_a_host() -> None:
    verifier = OAuthVerifier(_Clock(1_000_000))
    with pytest.raises(OAuthRejected, match="base string"):
        verifier.verify(method="GET", uri="http:///d/users", query="limit=5",
                        authorization=_signed("h", 1_000_000),
                        secret_for=lambda key: "secret")


def test_a_doubled_quote_is_one_quote_in_the_value() -> None:
    (predicate,) = parse_filter("email='o''neil@lincolnusd.org'")
    assert predicate.value == "o'neil@lincolnusd.org"
    assert predicate.matches("O'Neil@LincolnUSD.org")
