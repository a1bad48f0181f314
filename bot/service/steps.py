"""Running a check step for a dialog and rendering it as the step's message."""

from __future__ import annotations

from bot.blocks import Message, step_message
from bot.dialog import Step
from bot.knowledge import Audience
from bot.service.context import Deps
from bot.service.fixes import FixActions
from bot.service.replies import Replies
from checks.diagnose import Diagnosis
from checks.models import CheckResult, License, Role, RosterUser
from checks.text import fold_email


class StepView:
    def __init__(self, deps: Deps, replies: Replies, fixes: FixActions | None = None) -> None:
        self.deps, self.replies, self.fixes = deps, replies, fixes

    def diagnosis(self, license_id: str, *, fresh: bool) -> Diagnosis:
        return self.deps.cache.get(self.deps.diagnoser, license_id, fresh=fresh)

    def message(self, *, dialog_id: str, step: Step, license: License | None,
                result: CheckResult | None, audience: Audience,
                diagnosis: Diagnosis | None = None) -> Message:
        body = self.replies.text("step", audience, step=str(step), result=result, license=license)
        teachers = teacher_choices(diagnosis, audience) \
            if step is Step.SANITY and diagnosis else ()
        # fix buttons for staff, "ask support to make this change" for customers
        extra = self.fixes.step_blocks(dialog_id=dialog_id, step=step, diagnosis=diagnosis,
                                       audience=audience) if self.fixes and result else []
        return step_message(dialog_id=dialog_id, step=step, title=self.deps.kb.step(step).title,
                            body=body, teachers=teachers, key=self.deps.action_key, extra=extra)

    def result_of(self, diagnosis: Diagnosis, step: Step) -> CheckResult:
        return diagnosis.steps[str(step)]


def teacher_choices(diagnosis: Diagnosis, audience: Audience) -> tuple[tuple[str, str], ...]:
    """(email, name) pairs for the sanity step's teacher picker, the license's teachers first.

    The license's own instructor emails come first (named as ClassLink sends them, by name;
    then the addresses ClassLink does not send a teacher for, by address: picking one says so).
    Staff then get every other active teacher and administrator of the roster, by name.
    Customers get only their license's teachers, never the rest of the district's staff."""
    roster_staff = [u for u in diagnosis.roster.users if u.is_staff and u.email] \
        if diagnosis.roster is not None else []
    by_email: dict[str, RosterUser] = {}
    for user in sorted(roster_staff, key=lambda u: not u.active):  # active records win
        by_email.setdefault(fold_email(user.email), user)
    licensed: dict[str, str] = {}  # folded -> the address as the license has it
    for email in diagnosis.license.instructor_emails:
        if email.strip():
            licensed.setdefault(fold_email(email), email.strip())
    named = sorted(((by_email[f], e) for f, e in licensed.items() if f in by_email),
                   key=lambda pair: _by_name(pair[0]))
    unknown = sorted(e for f, e in licensed.items() if f not in by_email)
    choices = [(user.email, user.full_name) for user, _ in named] + [(e, "") for e in unknown]
    if audience == Audience.STAFF:
        others = sorted((u for u in roster_staff if u.active and u.role in PICKED_ROLES
                         and fold_email(u.email) not in licensed), key=_by_name)
        seen = {fold_email(u.email) for u, _ in named}
        for user in others:
            if fold_email(user.email) not in seen:
                seen.add(fold_email(user.email))
                choices.append((user.email, user.full_name))
    return tuple(choices)


PICKED_ROLES = (Role.TEACHER, Role.ADMINISTRATOR)


def _by_name(user: RosterUser) -> tuple[str, str, str]:
    return (user.family_name.casefold(), user.given_name.casefold(), user.email.casefold())
