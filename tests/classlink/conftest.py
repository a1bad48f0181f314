"""Fixtures for the ClassLink client tests (helpers live in classlink_fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from classlink_fakes import (
    BASE,
    PARTNER_KEY,
    Handler,
    MakeClient,
    MakeDistrict,
    Recorder,
    Sleeps,
    application,
)

from checks.classlink import ClassLinkClient, DistrictClient


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(sleeps: Sleeps) -> Iterator[MakeClient]:
    """Builds a ClassLinkClient over a MockTransport that records requests."""
    opened: list[ClassLinkClient] = []

    def build(handler: Handler, **options: Any) -> tuple[ClassLinkClient, Recorder]:
        recorder = Recorder(handler)
        http = httpx.Client(transport=httpx.MockTransport(recorder))
        options.setdefault("sleep", sleeps)
        client = ClassLinkClient(base_url=BASE, partner_key=PARTNER_KEY, http=http, **options)
        opened.append(client)
        return client, recorder

    yield build
    for client in opened:
        client.close()


@pytest.fixture
def proxy_district(make_client: MakeClient) -> MakeDistrict:
    """A DistrictClient reached through the proxy, over `handler`."""

    def build(handler: Handler, **options: Any) -> tuple[DistrictClient, Recorder]:
        client, recorder = make_client(handler, **options)
        return client.district(application()), recorder

    return build
