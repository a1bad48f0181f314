"""Suite-wide fixtures: no test can reach a real Slack or ClassLink through the environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_SECRET_PREFIXES = ("SLACK_", "CLASSLINK_", "ROSTERBOT_", "DATABASE_URL")


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(_SECRET_PREFIXES) and name != "ROSTERBOT_CI":
            monkeypatch.delenv(name)
    yield


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; tests that need it skip on a fresh clone without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (fresh clone); this test reads reference data")
    return SHARED
