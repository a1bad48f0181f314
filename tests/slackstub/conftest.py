"""Fixtures for the Slack stand-ins: a running Web API stub and a real Bolt app served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.slack_api import SlackApiStub


@pytest.fixture
def stub() -> Iterator[SlackApiStub]:
    with SlackApiStub() as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client
