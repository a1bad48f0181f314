"""Telling people what a sweep found: the support channel's digest and its thread of details,
and, in customer channels that asked for it (`/roster watch on`), their own license's regression.

The digest is one message however many licenses were swept: counts per status, the licenses
that broke since the last sweep (each with the finding that changed), those that recovered, the
ones still broken grouped by what breaks them (with the oldest "since"), and ClassLink's errors
grouped by cause; each list is cut short there and given whole in the thread, as many messages
as it takes to stay within Slack's limits (bot.blocks: 50 blocks, 3,000 characters a section,
about 12,000 a message).

A customer channel hears only of its own license, in customer wording: the same finding
templates and advice `/roster check` shows customers there, never another license's data or
staff detail (tenant ids, Application IDs, raw errors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.blocks import Button, simple_message
from bot.dialog import Action
from bot.knowledge import Audience
from bot.messenger import Messenger
from bot.rendering import Renderer
from bot.store import Store, StoreError
from bot.sweep.compare import Change, is_broken
from bot.sweep.run import SweepRun
from checks.models import CheckResult, Finding, Status
from checks.steps import STEPS

log = logging.getLogger(__name__)

SHOWN = 10  # licenses (or groups) a list shows in the digest itself; the thread has them all
MESSAGE_BUDGET = 9000  # characters of one thread message (Slack takes about 12,000)
ANNOUNCED = ("newly_broken",)  # what a watched customer channel hears of


@dataclass(frozen=True, slots=True)
class Row:
    """One license in a list, with the finding to word (the one that changed, or that breaks
    it) when its full results were kept."""

    change: Change
    code: str
    finding: Finding | None
    step: str  # the step of `code` ("" when unknown)
    since: float | None  # epoch seconds it has been broken since

    @property
    def license_id(self) -> str:
        return self.change.license_id


@dataclass(frozen=True, slots=True)
class Group:
    """Licenses sharing what breaks them (or ClassLink's error)."""

    key: str  # a finding code, or ClassLink's error described
    step: str
    rows: tuple[Row, ...]

    @property
    def oldest(self) -> float | None:
        times = [r.since for r in self.rows if r.since is not None]
        return min(times) if times else None


@dataclass(frozen=True, slots=True)
class Digest:
    """What goes to the support channel: the message, then its thread."""

    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Told:
    """What was posted."""

    digest_ts: str = ""
    details: int = 0
    announced: tuple[str, ...] = ()  # customer channels told of their license's regression
    errors: tuple[str, ...] = field(default=())  # Slack failures, described


# ---------------------------------------------------------------------------------------------
# Building


def rows_of(changes: Sequence[Change], *, changed: bool = False) -> list[Row]:
    return [_row(c, changed=changed) for c in changes]


def _row(change: Change, *, changed: bool) -> Row:
    code = key_code(change) if changed else (change.primary or key_code(change))
    since = change.since.timestamp() if change.since else None
    return Row(change, code, _finding(change, code), step_of(code), since)


def key_code(change: Change) -> str:
    """The finding that changed: a new code that fails (or cannot be checked) first, then any
    new code, then what breaks the license."""
    results = change.outcome.results if change.outcome is not None else None
    failing = {f.code for r in (results or ()) for f in r.findings
               if f.status in (Status.FAIL, Status.UNKNOWN)}
    for code in change.new_codes:
        if code in failing:
            return code
    return change.new_codes[0] if change.new_codes else change.primary


def _finding(change: Change, code: str) -> Finding | None:
    results = change.outcome.results if change.outcome is not None else None
    for result in results or ():
        for finding in result.findings:
            if finding.code == code and finding.status is not Status.PASS:
                return finding
    return None


def step_of(code: str) -> str:
    return next((s.name for s in STEPS if code in s.codes), "")


def groups_of(rows: Sequence[Row], *, by_error: bool = False) -> list[Group]:
    """Rows grouped by their code (or ClassLink's error), biggest group first."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        key = row.change.classlink_error if by_error else row.code
        grouped.setdefault(key, []).append(row)
    groups = [Group(k, "" if by_error else step_of(k), tuple(v)) for k, v in grouped.items()]
    return sorted(groups, key=lambda g: (-len(g.rows), g.key))


def digest(run: SweepRun, renderer: Renderer) -> Digest:
    """The digest of a sweep and its thread, worded by sweep_digest.j2 and sweep_details.j2
    (mrkdwn or plain, as the renderer writes)."""
    details: list[str] = []
    for title, rows, kind in detail_lists(run):
        details += _detail_messages(renderer, title, rows, kind)
    text = renderer.render("sweep_digest", audience=Audience.STAFF,
                           **digest_data(run, threaded=bool(details)))
    return Digest(text, tuple(details))


def digest_data(run: SweepRun, *, threaded: bool) -> dict[str, Any]:
    """sweep_digest.j2's data."""
    c = run.comparison
    return {
        "run": run, "counts": c.counts(), "started": run.record.started_at.timestamp(),
        "newly": rows_of(c.newly_broken, changed=True),
        "first_groups": groups_of(rows_of(c.first_broken)),
        "still_groups": groups_of(rows_of(c.still_broken)),
        "recovered": rows_of(c.recovered),
        "error_groups": groups_of(rows_of(c.classlink_errors), by_error=True),
        "shown": SHOWN, "threaded": threaded,
    }


def detail_lists(run: SweepRun) -> list[tuple[str, list[Row], str]]:
    """The thread's lists: (title, rows, kind for sweep_details.j2), empty ones left out."""
    c = run.comparison
    lists = [
        ("Newly broken", rows_of(c.newly_broken, changed=True), "changed"),
        ("Broken at their first check", rows_of(c.first_broken), "broken"),
        ("Still broken", rows_of(c.still_broken), "since"),
        ("Recovered", rows_of(c.recovered), "recovered"),
        ("ClassLink errors", rows_of(c.classlink_errors), "error"),
        ("Warnings", rows_of(c.warnings), "warning"),
    ]
    return [entry for entry in lists if entry[1]]


def _detail_messages(renderer: Renderer, title: str, rows: Sequence[Row],
                     kind: str) -> list[str]:
    """The thread's messages for one list: as many as it takes to stay within the budget."""
    if not rows:
        return []
    chunks: list[list[Row]] = [list(rows)]
    out: list[str] = []
    while chunks:
        chunk = chunks.pop(0)
        text = renderer.render("sweep_details", audience=Audience.STAFF, title=title,
                               rows=chunk, kind=kind, total=len(rows))
        if len(text) > MESSAGE_BUDGET and len(chunk) > 1:
            half = len(chunk) // 2
            chunks[:0] = [chunk[:half], chunk[half:]]
            continue
        out.append(text)
    return out


def announcement(change: Change, renderer: Renderer, *, license_name: str) -> str | None:
    """A customer channel's own regression, in customer wording; None when its full results
    were not kept (nothing to word)."""
    results = change.outcome.results if change.outcome is not None else None
    if results is None:
        return None
    failing: list[CheckResult] = [r for r in results if r.status is not Status.PASS]
    return renderer.render("sweep_announcement", audience=Audience.CUSTOMER,
                           license_name=license_name, license_id=change.license_id,
                           failing=failing)


# ---------------------------------------------------------------------------------------------
# Posting


class Announcer:
    """Posts a sweep's digest (and thread) to the support channel, and regressions to the
    watched customer channels of their license."""

    def __init__(self, *, renderer: Renderer, messenger: Messenger, store: Store,
                 support_channel: str | None, action_key: bytes = b"",
                 on_error: Callable[[str], None] | None = None) -> None:
        self.renderer, self.messenger, self.store = renderer, messenger, store
        self.support_channel, self.action_key = support_channel, action_key
        self._on_error = on_error

    def tell(self, run: SweepRun, *, announce: bool = True) -> Told:
        errors: list[str] = []
        ts, details = "", 0
        if self.support_channel:
            ts, details = self._digest(run, errors)
        announced = self._announce(run, errors) if announce else ()
        return Told(ts, details, announced, tuple(errors))

    def _digest(self, run: SweepRun, errors: list[str]) -> tuple[str, int]:
        assert self.support_channel
        told = digest(run, self.renderer)
        try:
            ts = self.messenger.post(self.support_channel, simple_message(told.text))
        except Exception as exc:  # Slack refused or could not be reached
            errors.append(self._failed("the digest", self.support_channel, exc))
            return "", 0
        try:
            self.store.sweeps.mark_digest_posted(run.record.id, ts)
        except StoreError as exc:
            log.warning("could not record the digest of sweep %d: %s", run.record.id, exc)
        posted = 0
        for text in told.details:
            try:
                self.messenger.post(self.support_channel, simple_message(text), thread_ts=ts)
                posted += 1
            except Exception as exc:
                errors.append(self._failed("the digest's details", self.support_channel, exc))
                break
        return ts, posted

    def _announce(self, run: SweepRun, errors: list[str]) -> tuple[str, ...]:
        regressions = {c.license_id: c for c in run.comparison.newly_broken
                       if is_broken(c.status)}
        if not regressions:
            return ()
        told: list[str] = []
        buttons = (Button("Start troubleshooting", Action.START_TROUBLESHOOTING, "", "primary"),
                   Button("Talk to support", Action.TALK_TO_SUPPORT))
        for link in self.store.sweeps.links():
            change = regressions.get(link.license_id)
            if not link.watch or change is None:
                continue
            text = announcement(change, self.renderer, license_name=change.license_name)
            if text is None:
                continue
            start = Button(buttons[0].label, buttons[0].action, f"license:{link.license_id}",
                           buttons[0].style)
            message = simple_message(text, buttons=(start, buttons[1]), key=self.action_key)
            try:
                self.messenger.post(link.channel_id, message)
                told.append(link.channel_id)
            except Exception as exc:
                errors.append(self._failed("a regression", link.channel_id, exc))
        return tuple(told)

    def _failed(self, what: str, channel: str, exc: Exception) -> str:
        reason = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error") \
            or str(exc) or type(exc).__name__
        message = f"could not post {what} to {channel}: {reason}"
        log.warning("%s", message)
        if self._on_error is not None:
            self._on_error(message)
        return message


def plain_digest(run: SweepRun, renderer: Renderer) -> str:
    """The digest and its details as one plain text, for a terminal."""
    told = digest(run, renderer)
    return "\n\n".join([told.text, *told.details])


__all__ = ["Announcer", "Digest", "Group", "Row", "Told", "announcement", "detail_lists",
           "digest", "digest_data", "groups_of", "is_broken", "key_code", "plain_digest",
           "rows_of"]
