"""The registry of check steps: order, numbers, declared codes, results looked up by name."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from checks.models import CheckResult, Finding, Status, StepResults
from checks.steps import STEPS, CheckStep, Facts, StepRegistry, UndeclaredFinding, roster_cause
from tests.checks.records import app, license_


def test_the_three_steps_in_order() -> None:
    assert STEPS.names() == ("connection", "emails", "sanity")
    assert [s.number for s in STEPS] == [1, 2, 3]
    assert STEPS["emails"].number == 2 and "sanity" in STEPS and "nope" not in STEPS
    assert "roster_unavailable" in STEPS["emails"].codes & STEPS["sanity"].codes
    assert STEPS["connection"].needs_advice() == STEPS["connection"].codes - {"application_ok"}


def test_when_classlink_cannot_be_asked_every_step_is_unknown_with_its_cause() -> None:
    results = STEPS.run(Facts(license_(), error="ClassLink did not answer"))
    assert results.names() == STEPS.names()
    assert [r.status for r in results] == [Status.UNKNOWN] * 3
    assert results["emails"].findings[0].data == {"error": "ClassLink did not answer",
                                                  "cause": "classlink"}


def test_without_a_roster_the_cause_comes_from_step_1() -> None:
    lic = license_(ids=("SGFyYm9y%3D",))
    facts = Facts(lic, (app("SGFyYm9y%3D", "Harbor View Unified", enabled=False),))
    results = STEPS.run(facts)
    assert [f.code for f in results["connection"].findings] == ["application_disabled"]
    assert results["sanity"].findings[0].data["cause"] == "disabled"
    assert roster_cause(Facts(license_()), {}) == "no_connection"


def test_results_by_name_and_by_position() -> None:
    one = CheckResult.of(1, "connection", [Finding("no_application_id", Status.FAIL)])
    two = CheckResult.of(2, "emails", [Finding("no_instructors", Status.WARN)])
    results = StepResults((one, two))
    assert results["emails"] is two is results[1] and results[:1] == (one,)
    assert list(results) == [one, two] and len(results) == 2
    assert results.get("sanity") is None
    with pytest.raises(KeyError):
        results["sanity"]
    first, second = results
    assert (first, second) == (one, two)


def _reporting(code: str, *, number: int = 4, name: str = "extra") -> CheckStep:
    def rule(_facts: Facts, _earlier: Mapping[str, CheckResult]) -> CheckResult:
        return CheckResult.of(number, name, [Finding(code, Status.WARN)])
    return CheckStep("extra", 4, rule, frozenset({"extra_warn"}))


def test_a_rule_reporting_an_undeclared_code_is_refused() -> None:
    with STEPS.extended(_reporting("surprise")):
        with pytest.raises(UndeclaredFinding, match="step extra reported surprise"):
            STEPS.run(Facts(license_(), error="x"))
    with STEPS.extended(_reporting("extra_warn", number=3, name="sanity")):
        with pytest.raises(UndeclaredFinding, match="returned the result of step 3"):
            STEPS.run(Facts(license_(), error="x"))
    with STEPS.extended(_reporting("extra_warn")):
        assert STEPS.run(Facts(license_(), error="x"))["extra"].status is Status.WARN
    assert len(STEPS) == 3  # extended() undoes itself


def test_the_registry_refuses_gaps_duplicates_and_bad_names() -> None:
    step = _reporting("extra_warn")
    with pytest.raises(ValueError, match="number 4, not 1"):
        StepRegistry([step])
    with pytest.raises(ValueError, match="same name"):
        with STEPS.extended(step, CheckStep("extra", 5, step.rule, step.codes)):
            pass
    with pytest.raises(ValueError, match="lower-case"):
        StepRegistry([CheckStep("Bad Name", 1, step.rule, step.codes)])
    with pytest.raises(ValueError, match="passing codes"):
        StepRegistry([CheckStep("a", 1, step.rule, step.codes, passing=frozenset({"x"}))])
    assert len(STEPS) == 3
