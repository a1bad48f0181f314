"""Server-side OAuth 1.0a (HMAC-SHA256) verification of direct data calls.

The expected signature is rebuilt from the request as received, with oauthlib's own RFC 5849
functions: every query parameter plus the Authorization header's oauth_* parameters, the base
string URI from the Host header and raw path, the consumer secret and an empty token secret.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from oauthlib.oauth1.rfc5849 import signature

SIGNATURE_METHOD = "HMAC-SHA256"
MAX_AGE = 600.0  # seconds a timestamp may lag behind the server clock
MAX_AHEAD = 300.0  # seconds a timestamp may run ahead of it
_REQUIRED = ("oauth_consumer_key", "oauth_signature_method", "oauth_timestamp", "oauth_nonce",
             "oauth_signature")


class OAuthRejected(Exception):
    """The request's OAuth 1.0a credentials are not acceptable; the message says why."""


@dataclass(frozen=True, slots=True)
class _Consumer:
    """What oauthlib's signing function reads: the consumer secret, no token secret."""

    client_secret: str
    resource_owner_secret: str = ""


class OAuthVerifier:
    """Checks signatures, timestamps and nonces; remembers nonces long enough to refuse reuse."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._nonces: dict[tuple[str, str], float] = {}

    def verify(
        self, *, method: str, uri: str, query: str, authorization: str,
        secret_for: Callable[[str], str | None],
    ) -> str:
        """The consumer key of a correctly signed request; raises OAuthRejected otherwise.

        uri is the absolute request URI without its query (scheme, Host header, raw path).
        secret_for maps a consumer key to its secret, or None for a key it does not know.
        """
        if not authorization.lower().startswith("oauth "):
            raise OAuthRejected("no OAuth Authorization header")
        try:
            params = signature.collect_parameters(
                uri_query=query, headers={"Authorization": authorization},
                exclude_oauth_signature=False,
            )
        except ValueError as exc:
            raise OAuthRejected(f"malformed OAuth parameters: {exc}") from exc
        oauth = _oauth_params(params)
        if oauth["oauth_signature_method"] != SIGNATURE_METHOD:
            raise OAuthRejected(f"signature method must be {SIGNATURE_METHOD}")
        key = oauth["oauth_consumer_key"]
        secret = secret_for(key)
        if secret is None:
            raise OAuthRejected(f"unknown consumer key {key!r}")
        stamp = self._check_timestamp(oauth["oauth_timestamp"])
        try:
            expected = _sign(method, uri, [p for p in params if p[0] != "oauth_signature"],
                             secret)
        except ValueError as exc:  # e.g. no Host header to build the base string URI from
            raise OAuthRejected(f"cannot rebuild the signature base string: {exc}") from exc
        if not hmac.compare_digest(expected.encode(), oauth["oauth_signature"].encode()):
            raise OAuthRejected("signature does not match")
        self._use_nonce(key, oauth["oauth_nonce"], stamp)
        return key

    def _check_timestamp(self, value: str) -> float:
        try:
            stamp = float(int(value))
        except ValueError as exc:
            raise OAuthRejected("oauth_timestamp is not a whole number") from exc
        now = self._clock()
        if now - stamp > MAX_AGE:
            raise OAuthRejected("oauth_timestamp is too old")
        if stamp - now > MAX_AHEAD:
            raise OAuthRejected("oauth_timestamp is in the future")
        return stamp

    def _use_nonce(self, key: str, nonce: str, stamp: float) -> None:
        now = self._clock()
        with self._lock:
            if (key, nonce) in self._nonces:
                raise OAuthRejected("oauth_nonce was already used")
            self._nonces[(key, nonce)] = stamp
            if len(self._nonces) > 10_000:
                # A nonce older than MAX_AGE cannot come back: its timestamp would be refused.
                horizon = now - MAX_AGE - MAX_AHEAD
                self._nonces = {k: t for k, t in self._nonces.items() if t >= horizon}


def _oauth_params(params: list[tuple[str, str]]) -> dict[str, str]:
    oauth: dict[str, str] = {}
    for name, value in params:
        if name.startswith("oauth_"):
            if name in oauth:
                raise OAuthRejected(f"{name} given twice")
            oauth[name] = value
    missing = [name for name in _REQUIRED if not oauth.get(name)]
    if missing:
        raise OAuthRejected(f"missing {', '.join(missing)}")
    if oauth.get("oauth_version", "1.0") != "1.0":
        raise OAuthRejected("oauth_version must be 1.0")
    return oauth


def _sign(method: str, uri: str, params: list[tuple[str, str]], secret: str) -> str:
    base = signature.signature_base_string(
        method.upper(), signature.base_string_uri(uri), signature.normalize_parameters(params)
    )
    return str(signature.sign_hmac_sha256_with_client(base, _Consumer(secret)))
