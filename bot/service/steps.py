"""Running a check step for a dialog and rendering it as the step's message."""

from __future__ import annotations

from bot.blocks import Message, step_message
from bot.dialog import Step
from bot.service.context import Deps
from bot.service.replies import Replies
from checks.diagnose import Diagnosis
from checks.models import CheckResult, License, Role

TEACHER_PICKER_LIMIT = 100


class StepView:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies

    def diagnosis(self, license_id: str, *, fresh: bool) -> Diagnosis:
        return self.deps.cache.get(self.deps.diagnoser, license_id, fresh=fresh)

    def message(self, *, dialog_id: str, step: Step, license: License | None,
                result: CheckResult | None, audience: str,
                diagnosis: Diagnosis | None = None) -> Message:
        body = self.replies.text("step", audience, step=str(step), result=result, license=license)
        teachers = _teachers(diagnosis) if step is Step.SANITY and diagnosis else ()
        return step_message(dialog_id=dialog_id, step=step, title=self.deps.kb.step(step).title,
                            body=body, teachers=teachers, key=self.deps.action_key)

    def result_of(self, diagnosis: Diagnosis, step: Step) -> CheckResult:
        return diagnosis.steps[str(step)]


def _teachers(diagnosis: Diagnosis) -> tuple[tuple[str, str], ...]:
    """(email, name) of active teachers with an email, for the sanity step's picker."""
    if diagnosis.roster is None:
        return ()
    staff = sorted(
        (u for u in diagnosis.roster.users
         if u.active and u.role in (Role.TEACHER, Role.ADMINISTRATOR) and u.email),
        key=lambda u: (u.family_name.casefold(), u.given_name.casefold()),
    )
    return tuple((u.email, u.full_name) for u in staff[:TEACHER_PICKER_LIMIT])
