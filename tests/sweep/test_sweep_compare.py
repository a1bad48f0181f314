"""What changed since the previous sweep (bot.sweep.compare), and how the digest and a watched
channel's announcement word it within Slack's limits (bot.sweep.digest)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.blocks import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT, MAX_TOTAL_TEXT, simple_message
from bot.knowledge import load_knowledge
from bot.rendering import Renderer
from bot.store.sweeps import StoredResult, SweepRecord
from bot.sweep.compare import compare, to_store
from bot.sweep.digest import announcement, digest, plain_digest
from bot.sweep.run import SweepRun
from checks.models import CheckResult, Finding, Status, StepResults
from checks.sweep import LicenseOutcome, outcome_of

T0 = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=1)
T2 = T1 + dt.timedelta(days=1)


def steps(*failing: tuple[str, str, Status]) -> StepResults:
    """Three steps; `failing` adds (step, code, status) findings, else each step passes."""
    by_step: dict[str, list[Finding]] = {"connection": [], "emails": [], "sanity": []}
    for step, code, status in failing:
        by_step[step].append(Finding(code, status, {"license_email": "x@y.org",
                                                    "tenant_name": "T", "tenant_id": "9"}))
    passing = {"connection": "application_ok", "emails": "email_exact",
               "sanity": "sanity_figures"}
    return StepResults(tuple(
        CheckResult.of(n, name, findings or [Finding(passing[name], Status.PASS, {})])
        for n, (name, findings) in enumerate(by_step.items(), start=1)))


def outcome(license_id: str, *failing: tuple[str, str, Status], error: str = "") -> LicenseOutcome:
    results = steps(*failing)
    base = outcome_of(_Diagnosis(license_id, results, error))  # type: ignore[arg-type]
    return base


class _Diagnosis:
    def __init__(self, license_id: str, results: StepResults, error: str) -> None:
        from checks.models import License

        self.license = License(id=license_id, name=f"{license_id} name", district="D", seats=5,
                               instructor_emails=("a@b.org",))
        self.steps = results
        self.classlink_error = error


def stored(o: LicenseOutcome, *, at: dt.datetime, since: dt.datetime | None = None,
           checked: bool = True) -> StoredResult:
    [new] = to_store([o], compare([o], {}, started_at=at))
    return StoredResult(1, o.license_id, o.status, checked, new.result,
                        since if since is not None else new.broken_since, at)


FIX = ("emails", "email_fix", Status.FAIL)
NOT_FOUND = ("emails", "email_not_found", Status.FAIL)
DISABLED = ("connection", "application_disabled", Status.FAIL)
WARN = ("sanity", "teachers_not_on_license", Status.WARN)


def test_a_first_sweep_has_nothing_to_compare_with() -> None:
    c = compare([outcome("A", FIX), outcome("B"), outcome("C", WARN)], {}, started_at=T0)
    assert not c.compared and [x.license_id for x in c.first_broken] == ["A"]
    assert c.first_broken[0].since == T0 and c.passing == 1
    assert [x.license_id for x in c.warnings] == ["C"] and not c.newly_broken


def test_newly_broken_names_the_finding_that_appeared() -> None:
    previous = {"A": stored(outcome("A", WARN), at=T0), "B": stored(outcome("B"), at=T0)}
    c = compare([outcome("A", NOT_FOUND, WARN), outcome("B")], previous, started_at=T1)
    assert c.compared and [x.license_id for x in c.newly_broken] == ["A"]
    change = c.newly_broken[0]
    assert change.was == "warn" and change.new_codes == ("email_not_found",)
    assert change.changed == ("email_not_found",) and change.since == T1
    assert c.passing == 1


def test_still_broken_keeps_its_since_and_says_what_changed() -> None:
    previous = {"A": stored(outcome("A", FIX), at=T1, since=T0)}
    c = compare([outcome("A", FIX, NOT_FOUND)], previous, started_at=T2)
    [still] = c.still_broken
    assert still.since == T0 and still.new_codes == ("email_not_found",) and not still.gone_codes


def test_recovered() -> None:
    previous = {"A": stored(outcome("A", DISABLED), at=T0)}
    c = compare([outcome("A")], previous, started_at=T1)
    assert [x.license_id for x in c.recovered] == ["A"] and c.recovered[0].since is None


def test_a_classlink_error_is_neither_broken_nor_recovered_and_keeps_since() -> None:
    previous = {"A": stored(outcome("A", FIX), at=T0), "B": stored(outcome("B"), at=T0)}
    down = ("connection", "classlink_unreachable", Status.UNKNOWN)
    c = compare([outcome("A", down, error="ClassLink did not answer"),
                 outcome("B", down, error="ClassLink did not answer")], previous, started_at=T1)
    assert len(c.classlink_errors) == 2 and not c.broken and not c.recovered
    since = {x.license_id: x.since for x in c.classlink_errors}
    assert since == {"A": T0, "B": None}
    stored_rows = {r.license_id: r for r in to_store([x.outcome for x in c.classlink_errors
                                                      if x.outcome], c)}
    assert not stored_rows["A"].checked and stored_rows["A"].broken_since == T0


def test_stored_findings_keep_step_order() -> None:
    o = outcome("A", DISABLED, NOT_FOUND, FIX)
    [row] = to_store([o], compare([o], {}, started_at=T0))
    assert row.result["findings"] == [["application_disabled", 1], ["email_not_found", 1],
                                      ["email_fix", 1]]
    assert row.result["primary"] == "application_disabled"


# -- the digest --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer.create(load_knowledge())


def big_run(licenses: int = 500) -> SweepRun:
    """500 licenses: a tenth broken in varied ways, some newly, some recovered, some errors."""
    ways = [FIX, NOT_FOUND, DISABLED, ("sanity", "few_students", Status.FAIL),
            ("connection", "no_application_id", Status.FAIL)]
    now, previous = [], {}
    for i in range(licenses):
        lid = f"L-{i:04d}"
        if i % 10 == 0:
            o = outcome(lid, ways[i // 10 % len(ways)], WARN)
            previous[lid] = stored(outcome(lid) if i % 30 == 0 else o, at=T0,
                                   since=T0 - dt.timedelta(days=i // 10))
        elif i % 10 == 5 and i % 20 == 5:
            o = outcome(lid)
            previous[lid] = stored(outcome(lid, FIX), at=T0)  # recovered
        elif i % 97 == 1:
            o = outcome(lid, ("connection", "classlink_unreachable", Status.UNKNOWN),
                        error="ClassLink did not answer; try again")
            previous[lid] = stored(outcome(lid), at=T0)
        elif i % 7 == 3:
            o = outcome(lid, WARN)
        else:
            o = outcome(lid)
        now.append(o)
    c = compare(now, previous, started_at=T1)
    record = SweepRecord(9, T1, T1, "schedule", "all", "done", c.counts())
    return SweepRun(record, tuple(now), c, "all", 41.2)


def fits(text: str) -> bool:
    message = simple_message(text)
    blocks = message.blocks
    sizes = [len(b["text"]["text"]) for b in blocks if b["type"] == "section"]
    return (len(blocks) <= MAX_MESSAGE_BLOCKS and all(n <= MAX_SECTION_TEXT for n in sizes)
            and sum(sizes) <= MAX_TOTAL_TEXT and "more line" not in json.dumps(blocks))


def test_500_licenses_fit_one_readable_message_and_the_thread_has_every_one(
    renderer: Renderer,
) -> None:
    run = big_run()
    told = digest(run, renderer)
    assert fits(told.text), len(told.text)
    assert len(told.text) < 4000  # readable: a screen, not a wall
    assert "*Newly broken (" in told.text and "*Still broken (" in told.text
    assert "*Recovered (" in told.text and "*ClassLink errors (" in told.text
    assert "in the thread" in told.text
    assert told.details and all(fits(t) for t in told.details)
    thread = "\n".join(told.details)
    c = run.comparison
    for change in (*c.broken, *c.recovered, *c.classlink_errors, *c.warnings):
        assert f"*{change.license_id}*" in thread, change.license_id
        assert thread.count(f"*{change.license_id}*") == 1
    passing = [o.license_id for o in run.outcomes if o.status == "pass"
               and o.license_id not in {x.license_id for x in c.recovered}]
    assert not any(f"*{lid}*" in thread for lid in passing)


def test_the_digest_names_the_change_of_a_newly_broken_license(renderer: Renderer) -> None:
    previous = {"A": stored(outcome("A"), at=T0), "B": stored(outcome("B", FIX), at=T0)}
    c = compare([outcome("A", NOT_FOUND), outcome("B", FIX)], previous, started_at=T1)
    run = SweepRun(SweepRecord(2, T1, T1, "cli", "all", "done", c.counts()),
                   (), c, "all", 1.0)
    text = digest(run, renderer).text
    newly = text.split("*Newly broken (1)*")[1].split("*Recovered")[0]
    assert "*A*" in newly and "ClassLink sends no teacher" in newly and "B" not in newly
    plain = plain_digest(run, Renderer.plain(load_knowledge()))
    assert "Newly broken (1)" in plain


def test_a_customer_announcement_is_only_its_license_in_customer_words(
    renderer: Renderer,
) -> None:
    previous = {"A": stored(outcome("A"), at=T0)}
    disabled = ("connection", "application_disabled", Status.FAIL)
    c = compare([outcome("A", disabled)], previous, started_at=T1)
    text = announcement(c.newly_broken[0], renderer, license_name="Lincoln High")
    assert text is not None and "Lincoln High" in text and "needs attention" in text
    assert "Tenant 9" not in text and "tenant 9" not in text  # staff detail
    assert "application_disabled" not in text  # no codes for customers
    staff = renderer.finding(c.newly_broken[0].outcome.results[0].findings[0],  # type: ignore[union-attr]
                             audience="staff")
    assert "9" in staff  # the same finding, for staff, names the tenant
