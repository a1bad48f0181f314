"""The watch in Slack: `/roster watch on|off` in a linked channel (staff only), the last sweep in
the staff App Home, and its *Open diagnosis* buttons.

- `/roster watch on` makes the sweeps announce a regression of the channel's license in that
  channel, in customer wording (bot.sweep.digest); `off` stops it; without an argument it says
  which it is. Only staff may change it, only in a linked channel; every change is audited.
- App Home shows the last finished sweep: when, how many licenses per status, and the worst
  licenses (broken first, the longest broken first), each with a button that posts that
  license's full diagnosis in the staff member's direct messages (staff only: anyone else's
  press is refused and audited).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.blocks import Block, Button, actions_block, simple_message, text_blocks
from bot.dialog import Action
from bot.knowledge import Audience
from bot.service.context import Deps, RequestContext
from bot.service.replies import Replies
from bot.store.sweeps import StoredResult, SweepRecord
from checks.errors import LicenseNotFound

log = logging.getLogger(__name__)

WORST_SHOWN = 10
BUTTONS_PER_ROW = 5
_RANK = {"fail": 0, "unknown": 1, "warn": 2, "pass": 3}


@dataclass(frozen=True, slots=True)
class WorstLicense:
    license_id: str
    license_name: str
    status: str
    primary: str  # what breaks it first
    findings: int  # findings that do not pass
    since: float | None  # epoch seconds broken since
    classlink_error: str


class Watch:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies

    # -- /roster watch on|off ----------------------------------------------------------------

    def command(self, ctx: RequestContext, argument: str | None) -> None:
        """Staff only (the caller has checked); the channel must be linked."""
        license_id = ctx.channel.linked_license
        if license_id is None:
            self.replies.private(ctx.origin, self.replies.text(
                "sweep_watch", ctx.actor.audience, state="unlinked", license_id=""))
            return
        wanted = (argument or "").strip().lower()
        if wanted not in ("", "on", "off"):
            self.replies.private(ctx.origin, self.replies.text(
                "usage", ctx.actor.audience,
                problem="Say `on` or `off`. Usage: `/roster watch [on|off]`"))
            return
        sweeps = self.deps.store.sweeps
        if wanted:
            sweeps.set_watch(ctx.origin.channel_id, wanted == "on")
            self.replies.audit(ctx.origin, ctx.actor, f"/roster watch {wanted}",
                               license_id=license_id, result=f"watch {wanted}")
        state = "on" if sweeps.watching(ctx.origin.channel_id) else "off"
        self.replies.private(ctx.origin, self.replies.text(
            "sweep_watch", ctx.actor.audience, state=state, license_id=license_id,
            changed=bool(wanted)))

    # -- App Home ----------------------------------------------------------------------------

    def home_blocks(self) -> list[Block]:
        """The last sweep for the staff App Home (text, then a row of buttons); [] before the
        first sweep ends."""
        sweeps = self.deps.store.sweeps
        last = sweeps.last()
        if last is None:
            text = self.replies.text("sweep_home", Audience.STAFF, sweep=None, worst=[],
                                     started=0.0)
            return text_blocks(text, max_blocks=4)
        worst = worst_licenses(sweeps.results(last.id))
        text = self.replies.text("sweep_home", Audience.STAFF, sweep=last, worst=worst,
                                 started=last.started_at.timestamp())
        blocks = text_blocks(text, max_blocks=6)
        buttons = [Button(f"Open {w.license_id}"[:75], Action.OPEN_DIAGNOSIS, w.license_id)
                   for w in worst if w.status != "pass"]
        for start in range(0, len(buttons), BUTTONS_PER_ROW):
            blocks.append(actions_block(buttons[start:start + BUTTONS_PER_ROW], dialog_id="",
                                        key=self.deps.action_key,
                                        block_id=f"rosterbot.sweep.{start // BUTTONS_PER_ROW}"))
        return blocks

    def open_diagnosis(self, ctx: RequestContext, license_id: str) -> None:
        """A Home button: the license's diagnosis in the staff member's direct messages."""
        actor = ctx.actor
        if not ctx.authorize(staff_only=True, needs_license=False).allowed:
            self.replies.audit(ctx.origin, actor, "open diagnosis", license_id=license_id,
                               result="refused: staff only", refused=True)
            if ctx.origin.channel_id or ctx.origin.response_url:
                self.replies.private(ctx.origin, self.replies.text("not_allowed",
                                                                   actor.audience))
            return
        try:
            diagnosis = self.deps.diagnoser.diagnose(license_id)
        except LicenseNotFound:
            self.deps.messenger.direct(actor.user_id, simple_message(self.replies.text(
                "usage", Audience.STAFF, problem=f"There is no license {license_id}.")))
            return
        statuses = {step.name: str(step.status) for step in diagnosis.steps}
        try:
            self.deps.store.record_diagnosis(license_id, statuses=statuses,
                                             by_user=actor.user_id)
        except Exception:  # the answer matters more than the App Home's history
            log.exception("could not record the diagnosis of %s", license_id)
        text = self.replies.text("diagnosis", Audience.STAFF, license=diagnosis.license,
                                 results=list(diagnosis.steps))
        start = Button("Start troubleshooting", Action.START_TROUBLESHOOTING,
                       f"license:{license_id}", "primary")
        self.deps.messenger.direct(actor.user_id, simple_message(
            text, buttons=(start,), key=self.deps.action_key))
        self.replies.audit(ctx.origin, actor, "open diagnosis", license_id=license_id,
                           result=" ".join(f"{k}={v}" for k, v in statuses.items()))


def worst_licenses(results: list[StoredResult], limit: int = WORST_SHOWN) -> list[WorstLicense]:
    """The licenses that do not pass, worst first: failing, then unchecked, then warnings;
    within each, the longest broken first, then the most findings."""
    rows = [WorstLicense(
        license_id=r.license_id, license_name=str(r.result.get("license_name", "")),
        status=r.status, primary=str(r.result.get("primary", "")),
        findings=sum(r.findings.values()),
        since=r.broken_since.timestamp() if r.broken_since else None,
        classlink_error=str(r.result.get("classlink_error", ""))) for r in results
        if r.status != "pass"]
    rows.sort(key=lambda w: (_RANK.get(w.status, 0), w.since if w.since is not None else 1e18,
                             -w.findings, w.license_id))
    return rows[:limit]


def sweep_counts(sweep: SweepRecord) -> dict[str, int]:
    summary = sweep.summary
    return {k: int(summary.get(k, 0)) for k in ("licenses", "pass", "warn", "broken",
                                                 "classlink_errors", "newly_broken",
                                                 "recovered")}
