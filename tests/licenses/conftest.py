"""Sample licenses shared by the license directory tests."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.models import License


@pytest.fixture
def sample_licenses() -> list[License]:
    """Three licenses, deliberately not in id order, with awkward but real-looking emails."""
    return [
        License(
            id="L-2002",
            name="Shelbyville Chemistry",
            district="Shelbyville ISD",
            seats=15,
            expires=None,
            instructor_emails=("Ms.Krabappel@Shelbyville.k12.us", "shared@district.org"),
            application_ids=("7654321",),
        ),
        License(
            id="00123",
            name="Ogdenville Physics",
            district="Ogdenville USD",
            seats=0,
            expires=dt.date(2025, 1, 31),
            instructor_emails=("\u00a0nbsp.teacher@ogden.org",),
            application_ids=(),
        ),
        License(
            id="L-1001",
            name="Springfield High Physics",
            district="Springfield USD",
            seats=40,
            expires=dt.date(2026, 6, 30),
            instructor_emails=(
                "ms.hoover@springfield.k12.us",
                " Mr.Largo@Springfield.k12.us ",
                "shared@district.org",
            ),
            application_ids=("1234567", "00042"),
        ),
    ]
