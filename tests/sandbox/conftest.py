"""Fixtures for the sandbox tests: the sample world served over real HTTP on loopback."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuthClient

from sandbox.sample import sample_world
from sandbox.server import SandboxServer
from sandbox.world import District, World
from tests.sandbox.sandbox_helpers import Signed, direct_url, proxy_path


@pytest.fixture(scope="session")
def world() -> World:
    return sample_world()


@pytest.fixture
def server(world: World) -> Iterator[SandboxServer]:
    with SandboxServer(world) as running:
        yield running


@pytest.fixture(scope="session")
def tls() -> ssl.SSLContext:
    """One TLS context for every client: loading CA files per client costs ~30 ms a test."""
    return ssl.create_default_context()


@pytest.fixture
def http(server: SandboxServer, tls: ssl.SSLContext) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10, verify=tls) as client:
        yield client


@pytest.fixture
def proxy_get(http: httpx.Client) -> Callable[..., httpx.Response]:
    """GET a proxy data endpoint of a district with its bearer (or the one given)."""

    def get(d: District, endpoint: str, *, bearer: str | None = None,
            params: dict[str, Any] | None = None) -> httpx.Response:
        token = d.bearer if bearer is None else bearer
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return http.get(proxy_path(d, endpoint), params=params, headers=headers)

    return get


@pytest.fixture
def signed_get(server: SandboxServer, http: httpx.Client) -> Signed:
    """GET a direct data endpoint signed with OAuth 1.0a HMAC-SHA256, as ClassLink wants."""

    def get(d: District, endpoint: str, *, params: dict[str, Any] | None = None,
            key: str | None = None, secret: str | None = None, **oauth: Any) -> httpx.Response:
        url = str(httpx.URL(direct_url(server, d, endpoint), params=params))
        oauth.setdefault("signature_method", SIGNATURE_HMAC_SHA256)
        signer = OAuthClient(key or d.client_id, client_secret=secret or d.client_secret,
                             signature_type="AUTH_HEADER", **oauth)
        uri, headers, _ = signer.sign(url, http_method="GET")
        return http.get(uri, headers=headers)

    return get
