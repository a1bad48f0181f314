"""Regression: the benchmark's generator on one small seed still meets issue 3's targets.

Only quality is asserted here (timing belongs to bench/match_quality.py, not to tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_generated_districts_meet_the_quality_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    from match_data import (  # type: ignore[import-not-found,unused-ignore]
        ALIAS_CATEGORIES,
        make_dataset,
    )
    from match_quality import (  # type: ignore[import-not-found,unused-ignore]
        category_table,
        issue8_table,
        run_baseline,
        run_matcher,
        score,
    )

    rows: list[Any] = []
    mine: list[Any] = []
    naive: list[Any] = []
    for district in make_dataset(11, scale=0.5):
        emails = [r.email for r in district.rows]
        rows += district.rows
        mine += run_matcher(emails, district.users)
        naive += run_baseline(emails, district.users)
    matcher, baseline = score(rows, mine), score(rows, naive)
    assert matcher["rows"] >= 300
    assert matcher["exact_accuracy"] == 1.0
    assert matcher["fix_precision"] >= 0.99
    assert matcher["fix_recall"] >= 0.93
    assert matcher["wrong_confident_per_row"] <= 0.01
    assert matcher["false_alarms_absent"] <= 0.03
    # the naive baseline fails on the same rows, so the generator still has teeth
    assert baseline["false_alarms_absent"] > 0.2 and baseline["fix_precision"] < 0.9
    # issue 8: former domains and seats on the license, each category never a wrong fix
    issue8 = issue8_table(rows, mine)
    assert {"old_domain", "old_domain_license", "stale_record", "tie_seated",
            "sibling_cross", "stale_other_person", "tie_unsafe"} <= set(issue8)
    assert all(c["precision"] == 1.0 for c in issue8.values()), issue8
    assert all(c["recall"] >= 0.9 for c in issue8.values() if c["recall"] is not None), issue8
    # issue 12: short mailbox names on another school's domain are never moved; a full name
    # on an old domain and a doubled @ are
    alias = category_table(rows, mine, ALIAS_CATEGORIES)
    assert {"alias_foreign", "foreign_block", "alias_full"} <= set(alias), alias
    assert all(c["precision"] == 1.0 for c in alias.values()), alias
    assert alias["alias_foreign"]["right"] == alias["alias_foreign"]["rows"] > 0, alias
