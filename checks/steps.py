"""The one registry of check steps: their order, names, numbers, rules and finding codes.

Everything that knows about steps reads it: the diagnoser runs the rules in this order, the
dialog walks the steps in this order (bot.dialog.CHECK_STEPS is a live view of it), and the bot
refuses to load knowledge/ or its templates unless every step has its texts and every code a
step may report has its words (bot.knowledge, bot.rendering). Adding a step is: a rule, an
entry here, its texts in knowledge/dialog.yml, a template per code in bot/templates/findings/,
and tests.

A rule is a pure function of the facts the diagnoser read (`Facts`) and of the results of the
steps before it (by name). It returns codes and data, never sentences. Pure: no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType

from checks.models import Application, CheckResult, License, Roster, StepResults
from checks.rules import check_connection, check_emails, check_sanity
from checks.rules.connection import RosterEvidence
from checks.text import fold_email

__all__ = ["STEPS", "CheckStep", "Facts", "NoRoster", "Rule", "StepRegistry",
           "UndeclaredFinding", "named_by_rows", "roster_cause"]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the diagnoser read for one license, for the rules to judge."""

    license: License
    # ClassLink's /applications list; None when it could not be read (`error` says why)
    applications: tuple[Application, ...] | None = None
    # what each read roster says about the license, keyed by checks.rules.connection.app_key
    evidence: Mapping[str, RosterEvidence] = field(default_factory=dict)
    others: tuple[License, ...] = ()  # every other license (a connection may be theirs)
    roster: Roster | None = None  # this district's roster, when one of its connections was read
    siblings: tuple[License, ...] = ()  # other licenses on the same connection (other schools)
    error: str = ""  # ClassLink's failure, described, when it could not be asked or read
    error_cause: str = ""  # its kind: a NoRoster ClassLink cause


Rule = Callable[[Facts, Mapping[str, CheckResult]], CheckResult]


@dataclass(frozen=True, slots=True)
class CheckStep:
    """One check step. `codes` are every finding code its rule may report; `passing` those of
    them that are only ever a pass (they need words, but no advice on what to do)."""

    name: str
    number: int
    rule: Rule
    codes: frozenset[str]
    passing: frozenset[str] = frozenset()

    def needs_advice(self) -> frozenset[str]:
        """The codes that can fail, warn or be unknown: knowledge/ must say what to do."""
        return self.codes - self.passing

    def run(self, facts: Facts, earlier: Mapping[str, CheckResult]) -> CheckResult:
        result = self.rule(facts, earlier)
        if (result.step, result.name) != (self.number, self.name):
            raise UndeclaredFinding(f"step {self.name} returned the result of step "
                                    f"{result.step} {result.name!r}")
        stray = sorted({f.code for f in result.findings} - self.codes)
        if stray:
            raise UndeclaredFinding(f"step {self.name} reported {', '.join(stray)}, which "
                                    "checks/steps.py does not declare for it")
        return result


class UndeclaredFinding(ValueError):
    """A rule reported something its registry entry does not declare: a bug, caught by tests,
    since a code nobody declared has no words and no advice."""


_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


class StepRegistry:
    """The ordered check steps. Read it each time (`for step in STEPS`, `STEPS["emails"]`);
    `extended()` adds steps for the duration of a `with` block (tests of a new step)."""

    def __init__(self, steps: Sequence[CheckStep]) -> None:
        self._steps = self._validated(tuple(steps))

    @staticmethod
    def _validated(steps: tuple[CheckStep, ...]) -> tuple[CheckStep, ...]:
        for number, step in enumerate(steps, start=1):
            if not _NAME.fullmatch(step.name):
                raise ValueError(f"step name {step.name!r} must be lower-case letters, digits, _")
            if step.number != number:
                raise ValueError(f"step {step.name} has number {step.number}, not {number}")
            if not step.codes or not step.passing <= step.codes:
                raise ValueError(f"step {step.name}: codes must include its passing codes")
        if len({s.name for s in steps}) != len(steps):
            raise ValueError("two steps have the same name")
        return steps

    def __iter__(self) -> Iterator[CheckStep]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def __contains__(self, name: object) -> bool:
        return any(s.name == name for s in self._steps)

    def __getitem__(self, name: str) -> CheckStep:
        for step in self._steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._steps)

    def codes(self) -> frozenset[str]:
        """Every finding code any step may report."""
        return frozenset().union(*(s.codes for s in self._steps))

    def run(self, facts: Facts) -> StepResults:
        """Every step's rule, in order; each sees the results before it."""
        done: dict[str, CheckResult] = {}
        for step in self._steps:
            done[step.name] = step.run(facts, MappingProxyType(dict(done)))
        return StepResults(tuple(done.values()))

    @contextmanager
    def extended(self, *steps: CheckStep) -> Iterator[StepRegistry]:
        """The registry with `steps` appended until the block ends."""
        before = self._steps
        self._steps = self._validated(before + steps)
        try:
            yield self
        finally:
            self._steps = before


# ---------------------------------------------------------------------------------------------
# Why steps 2-3 have no roster


class NoRoster:
    """The `cause` of roster_unavailable when ClassLink itself answered, read from step 1: the
    customer is told the cause (templates word it), not "try again"."""

    CLASSLINK = "classlink"  # ClassLink failed in a passing way (down, slow, rate limits)
    CLASSLINK_REFUSED = "classlink_refused"  # the district's ClassLink refused its data
    PARTNER_KEY = "partner_key"  # ClassLink refused our partner key: our configuration
    FOREIGN = "foreign"  # the attached connection belongs to another district
    UNCONFIRMED = "unconfirmed"  # it could not be confirmed as this district's
    DISABLED = "disabled"  # the app is disabled or the tenant not active
    NO_CONNECTION = "no_connection"  # no connection is attached

    ALL = frozenset({CLASSLINK, CLASSLINK_REFUSED, PARTNER_KEY, FOREIGN, UNCONFIRMED, DISABLED,
                     NO_CONNECTION})


def roster_cause(facts: Facts, earlier: Mapping[str, CheckResult]) -> str:
    if facts.error:
        return facts.error_cause or NoRoster.CLASSLINK
    connection = earlier.get("connection")
    codes = {f.code for f in connection.findings} if connection is not None else set()
    if "application_foreign" in codes:
        return NoRoster.FOREIGN
    if "application_unconfirmed" in codes:
        return NoRoster.UNCONFIRMED
    if codes & {"application_disabled", "tenant_inactive"}:
        return NoRoster.DISABLED
    return NoRoster.NO_CONNECTION


def named_by_rows(emails: CheckResult | None) -> set[str]:
    """Roster addresses a license row already means (a fix, or an ambiguous candidate): that
    teacher is on the license, misspelt, not missing from it."""
    named: set[str] = set()
    for finding in emails.findings if emails is not None else ():
        if finding.code in ("email_fix", "email_ambiguous", "email_duplicate"):
            suggestion = finding.data.get("suggestion")
            named.update(fold_email(e) for e in [suggestion, *finding.data.get("candidates", [])]
                         if isinstance(e, str) and e)
    return named


# ---------------------------------------------------------------------------------------------
# The three steps


def _connection(facts: Facts, _earlier: Mapping[str, CheckResult]) -> CheckResult:
    return check_connection(facts.license, facts.applications, evidence=facts.evidence,
                            others=facts.others, error=facts.error,
                            cause=facts.error_cause or NoRoster.CLASSLINK)


def _emails(facts: Facts, earlier: Mapping[str, CheckResult]) -> CheckResult:
    users = None if facts.roster is None else facts.roster.users
    return check_emails(facts.license, users, error=facts.error,
                        cause=roster_cause(facts, earlier))


def _sanity(facts: Facts, earlier: Mapping[str, CheckResult]) -> CheckResult:
    return check_sanity(facts.license, facts.roster, error=facts.error,
                        cause=roster_cause(facts, earlier), siblings=facts.siblings,
                        named=named_by_rows(earlier.get("emails")))


STEPS = StepRegistry([
    CheckStep("connection", 1, _connection, frozenset({
        "application_ok", "no_application_id", "application_unknown", "application_disabled",
        "tenant_inactive", "application_foreign", "application_unconfirmed", "unattached_match",
        "classlink_unreachable",
    }), passing=frozenset({"application_ok"})),
    CheckStep("emails", 2, _emails, frozenset({
        "email_exact", "email_fix", "email_ambiguous", "email_student", "email_deleted",
        "email_disabled", "email_not_found", "email_duplicate", "email_malformed",
        "no_instructors", "roster_unavailable",
    }), passing=frozenset({"email_exact"})),
    CheckStep("sanity", 3, _sanity, frozenset({
        "sanity_figures", "no_students", "few_students", "no_teachers", "seats_exceeded",
        "teachers_without_classes", "classes_without_students", "classes_without_teacher",
        "teachers_not_on_license", "users_without_email", "shared_email", "roster_unavailable",
    }), passing=frozenset({"sanity_figures"})),
])
