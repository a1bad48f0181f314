"""Sample data for the watch's templates (sweep_*.j2), hostile text and secrets included, for the
rendering tests that cover every template (core_samples.TEMPLATES_WITH_SAMPLES)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import core_samples as samples

from bot.service.watch import WorstLicense
from bot.store.sweeps import StoredResult, SweepRecord
from bot.sweep.compare import compare
from bot.sweep.digest import detail_lists, digest_data
from bot.sweep.run import SweepRun
from checks.models import CheckResult, Status, StepResults
from checks.sweep import LicenseOutcome

SWEEP_TEMPLATES = ("sweep_digest", "sweep_details", "sweep_announcement", "sweep_watch",
                   "sweep_home")
T0 = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=1)


def outcome(license_id: str, status: Status, *, error: str = "",
            steps: tuple[CheckResult, ...] | None = None) -> LicenseOutcome:
    results = StepResults(steps if steps is not None else samples.diagnosis_steps())
    return LicenseOutcome(
        license_id=license_id, license_name=f"{license_id} {samples.HOSTILE}",
        district=f"District {samples.HOSTILE}", status=str(status),
        steps={r.name: str(r.status) for r in results},
        findings={"email_fix": 2, "few_students": 1} if status is not Status.PASS else {},
        primary="email_fix" if status is not Status.PASS else "", classlink_error=error,
        results=None if status is Status.PASS else results)


def stored(license_id: str, status: str) -> StoredResult:
    return StoredResult(sweep_id=1, license_id=license_id, status=status, checked=True,
                        result={"findings": [["few_students", 1]]},
                        broken_since=T0 if status == "fail" else None, at=T0)


def sweep_run() -> SweepRun:
    outcomes = [
        outcome("L-1001", Status.FAIL),  # newly broken
        outcome("L-1002", Status.FAIL),  # still broken
        outcome("L-1003", Status.PASS),  # recovered
        outcome("L-1004", Status.UNKNOWN, error=samples.RAW_ERROR),  # ClassLink error
        outcome("L-1005", Status.FAIL),  # first check
    ]
    previous = {"L-1001": stored("L-1001", "pass"), "L-1002": stored("L-1002", "fail"),
                "L-1003": stored("L-1003", "fail"), "L-1004": stored("L-1004", "pass")}
    comparison = compare(outcomes, previous, started_at=T1)
    record = SweepRecord(id=2, started_at=T1, finished_at=T1, trigger="schedule", scope="all",
                         status="done", summary=comparison.counts())
    return SweepRun(record, tuple(outcomes), comparison, "all", 12.5)


def sweep_template_data() -> dict[str, dict[str, Any]]:
    run = sweep_run()
    title, rows, kind = detail_lists(run)[0]
    worst = [WorstLicense("L-1001", f"Lincoln {samples.HOSTILE}", "fail", "email_fix", 3,
                          T0.timestamp(), ""),
             WorstLicense("L-1004", "Other", "unknown", "", 0, None, f"down {samples.HOSTILE}")]
    return {
        "sweep_digest": digest_data(run, threaded=True),
        "sweep_details": {"title": title, "rows": rows, "kind": kind, "total": len(rows)},
        "sweep_announcement": {"license_id": "L-1001",
                               "license_name": f"Lincoln High {samples.HOSTILE}",
                               "failing": list(samples.diagnosis_steps())},
        "sweep_watch": {"state": "on", "license_id": "L-1001", "changed": True},
        "sweep_home": {"sweep": run.record, "worst": worst, "started": T1.timestamp()},
    }
