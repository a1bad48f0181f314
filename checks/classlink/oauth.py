"""Request authorisation: a bearer token, or OAuth 1.0a HMAC-SHA256 as ClassLink's samples sign."""

from __future__ import annotations

from collections.abc import Callable

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER
from oauthlib.oauth1 import Client as OAuth1Client

# Given the full request URL (query included), the headers that authorise a GET to it.
Authorizer = Callable[[str], dict[str, str]]


def bearer(token: str) -> Authorizer:
    header = {"Authorization": f"Bearer {token}"}
    return lambda _url: dict(header)


def oauth1(client_id: str, client_secret: str) -> Authorizer:
    """Sign each call afresh: a new nonce and timestamp per attempt, query parameters included."""

    def sign(url: str) -> dict[str, str]:
        client = OAuth1Client(
            client_id,
            client_secret=client_secret,
            signature_method=SIGNATURE_HMAC_SHA256,
            signature_type=SIGNATURE_TYPE_AUTH_HEADER,
        )
        _, headers, _ = client.sign(url, http_method="GET")
        return {"Authorization": str(headers["Authorization"])}

    return sign
