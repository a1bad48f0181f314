from __future__ import annotations

import pytest

from checks.licenses import MemoryLicenseDirectory
from checks.models import License
from checks.text import fold_email as normalise_email


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ms.Hoover@Springfield.K12.US", "ms.hoover@springfield.k12.us"),
        ("  ms.hoover@springfield.k12.us\t\n", "ms.hoover@springfield.k12.us"),
        ("\u00a0ms.hoover@springfield.k12.us\u00a0", "ms.hoover@springfield.k12.us"),
        ("\u200bms.hoover@springfield.k12.us\u200b", "ms.hoover@springfield.k12.us"),
        ("ms.hoo\u200dver@springfield.k12.us\ufeff", "ms.hoover@springfield.k12.us"),
        ("\u2060ms.hoover\u00ad@springfield.k12.us\u3000", "ms.hoover@springfield.k12.us"),
        ("ｍｓ．ｈｏｏｖｅｒ＠springfield.k12.us", "ms.hoover@springfield.k12.us"),
        ("STRASSE@Example.org", "strasse@example.org"),
        ("Straße@example.org", "strasse@example.org"),
    ],
)
def test_normalise_email(typed: str, expected: str) -> None:
    assert normalise_email(typed) == expected


def test_interior_space_is_pasting_debris_but_a_domain_is_not() -> None:
    assert normalise_email("ms.hoover @springfield.k12.us") == "ms.hoover@springfield.k12.us"
    assert normalise_email("ms.hoover@springfield.k12.org") != "ms.hoover@springfield.k12.us"


def test_memory_directory_finds_by_normalised_email(sample_licenses: list[License]) -> None:
    directory = MemoryLicenseDirectory(sample_licenses)
    assert [lic.id for lic in directory.find_by_email("MR.LARGO@springfield.k12.us")] == ["L-1001"]
    assert [lic.id for lic in directory.find_by_email("nbsp.teacher@ogden.org")] == ["00123"]
    assert [lic.id for lic in directory.find_by_email("\u200bShared@District.org ")] == [
        "L-1001",
        "L-2002",
    ]
    assert directory.find_by_email("nobody@nowhere.org") == []
    assert directory.find_by_email(" \u200b ") == []


def test_memory_directory_rejects_duplicate_ids(sample_licenses: list[License]) -> None:
    with pytest.raises(ValueError, match="duplicate license id 'L-1001'"):
        MemoryLicenseDirectory([*sample_licenses, sample_licenses[2]])


def test_ascii_fast_path_agrees_with_the_full_fold() -> None:
    import unicodedata

    for code in range(128):
        raw = f"A{chr(code)}b@X.org"
        slow = "".join(ch for ch in unicodedata.normalize("NFKC", raw)
                       if not ch.isspace() and unicodedata.category(ch) != "Cf").casefold()
        assert normalise_email(raw) == slow, repr(raw)
