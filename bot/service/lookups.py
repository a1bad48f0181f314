"""Email lookups and per-teacher reports, scoped to what the asker may see."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.blocks import simple_message
from bot.dialog import DialogState
from bot.knowledge import Audience
from bot.service.context import Deps
from bot.service.replies import Replies
from checks.diagnose import Diagnosis, EmailLookup
from checks.rules import teacher_report
from checks.rules.emails import finding_for

log = logging.getLogger(__name__)


class Lookups:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies

    def email_text(self, email: str, *, audience: Audience, license_id: str | None) -> str:
        """Where an address appears; customers only ever within `license_id`."""
        scope = [license_id] if license_id else None
        lookup = self.deps.diagnoser.lookup(email, license_ids=scope)
        if audience is Audience.CUSTOMER:
            lookup = _without_students(lookup)
        return self.replies.text(
            "email_lookup", audience, email=email, licenses=list(lookup.licenses),
            appearances=list(lookup.appearances),
            matches=[finding_for(m) for _, m in lookup.matches], errors=list(lookup.errors),
            scope_license_id=license_id, scope=list(lookup.scope), hints=list(lookup.hints))

    def teacher_text(self, license_id: str, email: str, *, audience: Audience) -> str:
        diagnosis = self.deps.cache.get(self.deps.diagnoser, license_id)
        report = teacher_report(diagnosis.roster, email) if diagnosis.roster else None
        # No roster: say why (no connection, a foreign one, ClassLink down...), never "the
        # teacher probably has no class shared".
        unavailable = None if diagnosis.roster else next(
            (f for step in diagnosis.steps for f in step.findings
             if f.code == "roster_unavailable"), None)
        return self.replies.text("teacher_report", audience, email=email, report=report,
                                 unavailable=unavailable)

    def email_in_thread(self, state: DialogState, email: str, audience: Audience) -> None:
        text = self.email_text(email, audience=audience, license_id=state.license_id)
        self.replies.in_thread(state.channel_id, state.thread_ts, simple_message(text))

    def teacher_in_thread(self, state: DialogState, email: str, audience: Audience) -> None:
        if state.license_id is None:
            return
        text = self.teacher_text(state.license_id, email, audience=audience)
        self.replies.in_thread(state.channel_id, state.thread_ts, simple_message(text))

    def record(self, diagnosis: Diagnosis, user_id: str) -> None:
        """Remember the run for the staff App Home; a failure here never hides the answer."""
        statuses = {step.name: str(step.status) for step in diagnosis.steps}
        try:
            self.deps.store.record_diagnosis(diagnosis.license.id, statuses=statuses,
                                             by_user=user_id)
        except Exception:
            log.exception("could not record the diagnosis of %s", diagnosis.license.id)


def _without_students(lookup: EmailLookup) -> EmailLookup:
    """Customers get counts, never a student's name or address: a student record is shown
    only as "a student record"."""
    kept = tuple(a if a.role != "student" else replace(a, email="(a student record)", name="")
                 for a in lookup.appearances)
    return replace(lookup, appearances=kept)
