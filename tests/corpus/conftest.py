"""The `corpus` marker: `pytest -m corpus` runs only the diagnosis corpus; `-m "not corpus"`
skips it."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "corpus: the diagnosis corpus (tests/corpus): realistic districts through the real CLI",
    )
