"""The guided troubleshooting dialog: its state as data, and one pure transition function.

Purity rule: this module does no I/O. It imports no Slack, HTTP, database or template code and
never reads a clock; the caller passes `now` (epoch seconds). `begin`/`advance` take a state and
an input (Start, Press, Reply) and return a Transition: the next state plus effects, plain values
that the service layer carries out (run a check, post a step, escalate...). Moves that make no
sense in the current state raise bot.errors.InvalidTransition.

Flow: choose_license (staff without a license) -> the check steps of checks.steps.STEPS in
order (connection -> emails -> sanity), with check_again / prev_step / next_step between
them; `fixed` ends in FIXED,
`talk_to_support` in ESCALATED (from which `fixed` is still possible); CLOSED ends a dialog that
could not start. Pressing the same final button twice is a no-op, so a double click or a Slack
retry never escalates twice. The service must still check that a button's dialog belongs to the
channel and that the presser may act on it (see bot.action_values and bot.policy).

Older messages: a press names the step its message was rendered for (`Press.step`). On a message
of an earlier or later step than the dialog's, only what is safe there acts on that message's
own step (*Check again* re-runs that step's check in place, a teacher pick reports on the
teacher); *This fixed it* and *Talk to support* concern the whole dialog and act as usual;
anything else (*Next*, *Back*, a license pick) gives OutOfDate, which points at the current
message and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, overload

from bot.errors import InvalidTransition
from bot.intents import find_email, read_reply, typed_license_id
from checks.steps import STEPS


class Step(str):
    """Where a dialog stands: one of the check steps of checks.steps.STEPS, or a fixed phase
    (choosing a license, fixed, escalated, closed).

    Not an enum, because the check steps are the registry's and a new step is added there
    alone. Steps are interned, so `Step("sanity") is Step.SANITY`; an unknown name is a
    ValueError, as with an enum. The named check steps below are the ones the dialog treats
    specially (the teacher picker at sanity, email lookups at emails); any other registered
    step is walked like them, in registry order.
    """

    __slots__ = ()
    _interned: ClassVar[dict[str, Step]] = {}

    CHOOSE_LICENSE: ClassVar[Step]
    CONNECTION: ClassVar[Step]
    EMAILS: ClassVar[Step]
    SANITY: ClassVar[Step]
    FIXED: ClassVar[Step]
    ESCALATED: ClassVar[Step]
    CLOSED: ClassVar[Step]

    def __new__(cls, value: object) -> Step:
        name = str(value)
        if name not in _PHASES and name not in STEPS:
            raise ValueError(f"{name!r} is not a dialog step")
        known = cls._interned.get(name)
        if known is None:
            known = cls._interned.setdefault(name, super().__new__(cls, name))
        return known

    def __repr__(self) -> str:
        return f"Step({str.__repr__(self)})"


_PHASES = frozenset({"choose_license", "fixed", "escalated", "closed"})
Step.CHOOSE_LICENSE, Step.FIXED = Step("choose_license"), Step("fixed")
Step.ESCALATED, Step.CLOSED = Step("escalated"), Step("closed")
Step.CONNECTION, Step.EMAILS, Step.SANITY = Step("connection"), Step("emails"), Step("sanity")


class _CheckSteps(Sequence[Step]):
    """The check steps in dialog order: a live view of checks.steps.STEPS (read on every use),
    so a step registered there is walked here with nothing else to change."""

    __slots__ = ()

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Step, ...]: ...

    def __getitem__(self, index: int | slice) -> Step | tuple[Step, ...]:
        return self._steps()[index]

    def __len__(self) -> int:
        return len(STEPS)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in STEPS

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._steps())

    def __repr__(self) -> str:
        return f"CHECK_STEPS{self._steps()!r}"

    @staticmethod
    def _steps() -> tuple[Step, ...]:
        return tuple(Step(name) for name in STEPS.names())


CHECK_STEPS: Sequence[Step] = _CheckSteps()
FINAL_STEPS = frozenset({Step.FIXED, Step.ESCALATED, Step.CLOSED})


class Action(StrEnum):
    """What a button (or select) does; START_TROUBLESHOOTING begins a new dialog via `begin`."""

    CHECK_AGAIN = "check_again"
    NEXT_STEP = "next_step"
    PREV_STEP = "prev_step"
    FIXED = "fixed"
    TALK_TO_SUPPORT = "talk_to_support"
    CHOOSE_LICENSE = "choose_license"
    PICK_TEACHER = "pick_teacher"
    FAQ_YES = "faq_yes"
    FAQ_NO = "faq_no"
    START_TROUBLESHOOTING = "start_troubleshooting"
    # on an escalation's summary in the support channel (staff only; the arg is its key)
    CLAIM_ESCALATION = "claim_escalation"
    RESOLVE_ESCALATION = "resolve_escalation"
    # in the staff App Home's last sweep: a license's diagnosis in DMs (staff only; arg: its id)
    OPEN_DIAGNOSIS = "open_diagnosis"
    # one-click fixes (staff only; bot.service.fixes): a fix button opens a confirmation, whose
    # submission applies it; Undo for 15 minutes. Never part of a dialog's machine.
    OPEN_FIX = "open_fix"
    APPLY_FIX = "apply_fix"
    UNDO_FIX = "undo_fix"


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class Start:
    license_id: str | None
    is_staff: bool


@dataclass(frozen=True, slots=True)
class Press:
    action: Action
    value: str = ""
    step: Step | None = None  # the step the pressed message was rendered for, when known


@dataclass(frozen=True, slots=True)
class Reply:
    text: str


Event = Start | Press | Reply


# ---------------------------------------------------------------------------------------------
# Effects: what the service must do next, in order


@dataclass(frozen=True, slots=True)
class ShowStep:
    """Post a fresh message for this step (its explanation and a "checking..." placeholder)."""

    step: Step


@dataclass(frozen=True, slots=True)
class RunCheck:
    """Run the step's live check, record_result() it, and update the step's message."""

    step: Step


@dataclass(frozen=True, slots=True)
class LookupEmail:
    email: str


@dataclass(frozen=True, slots=True)
class TeacherReport:
    email: str


@dataclass(frozen=True, slots=True)
class AskLicense:
    pass


@dataclass(frozen=True, slots=True)
class Escalate:
    """Post the escalation summary to the support channel, then confirm to the user."""


@dataclass(frozen=True, slots=True)
class Close:
    reason: str  # "fixed" | "no_license"


@dataclass(frozen=True, slots=True)
class ShowFaq:
    question: str


@dataclass(frozen=True, slots=True)
class Say:
    """Post the knowledge base string with this key (knowledge/strings.yml)."""

    key: str


@dataclass(frozen=True, slots=True)
class OutOfDate:
    """Tell the presser (only) that the message is out of date, linking the current one."""


Effect = ShowStep | RunCheck | LookupEmail | TeacherReport | AskLicense | Escalate | Close | \
    ShowFaq | Say | OutOfDate


# ---------------------------------------------------------------------------------------------
# State

MAX_TRIED = 50  # the oldest entries are dropped; the summary only needs the gist


@dataclass(frozen=True, slots=True)
class DialogState:
    dialog_id: str
    channel_id: str
    thread_ts: str
    user_id: str
    license_id: str | None
    step: Step
    tried: tuple[str, ...] = ()  # "<step>:<action>", e.g. "emails:lookup_email"
    results: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    version: int = 0
    created_at: float = 0.0
    updated_at: float = 0.0
    current_ts: str = ""  # the message showing the current step, once posted

    def result(self, step: Step | str) -> str | None:
        """The last recorded status (pass/warn/fail/unknown) of a check step, if it ran."""
        return self.results.get(str(step))

    @property
    def active(self) -> bool:
        return self.step not in FINAL_STEPS

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; from_dict(to_dict(s)) == s."""
        return {
            "dialog_id": self.dialog_id, "channel_id": self.channel_id,
            "thread_ts": self.thread_ts, "user_id": self.user_id,
            "license_id": self.license_id, "step": str(self.step), "tried": list(self.tried),
            "results": dict(self.results), "version": self.version,
            "created_at": self.created_at, "updated_at": self.updated_at,
            "current_ts": self.current_ts,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DialogState:
        """The state `to_dict` produced; ValueError naming the field when it is malformed."""
        try:
            return cls(
                dialog_id=_str(data, "dialog_id"), channel_id=_str(data, "channel_id"),
                thread_ts=_str(data, "thread_ts"), user_id=_str(data, "user_id"),
                license_id=_optional_str(data, "license_id"),
                step=Step(_str(data, "step")),
                tried=tuple(_str_list(data, "tried")),
                results=MappingProxyType(_str_map(data, "results")),
                version=int(data["version"]),
                created_at=float(data["created_at"]), updated_at=float(data["updated_at"]),
                current_ts=_str(data, "current_ts") if "current_ts" in data else "",
            )
        except KeyError as exc:
            raise ValueError(f"dialog state: missing field {exc.args[0]!r}") from exc
        except (TypeError, ValueError) as exc:
            raise ValueError(f"dialog state: {exc}") from exc


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    return None if data[key] is None else _str(data, key)


def _str_list(data: Mapping[str, Any], key: str) -> list[str]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of strings")
    return value


def _str_map(data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = data[key]
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(f"{key} must map strings to strings")
    return dict(value)


@dataclass(frozen=True, slots=True)
class Transition:
    state: DialogState
    effects: tuple[Effect, ...] = ()


# ---------------------------------------------------------------------------------------------
# Transitions


def begin(
    event: Start, *, dialog_id: str, channel_id: str, thread_ts: str, user_id: str, now: float
) -> Transition:
    """A new dialog: straight to step 1 with a license, else ask staff for one, else close."""
    check_dialog_id(dialog_id)
    state = DialogState(
        dialog_id=dialog_id, channel_id=channel_id, thread_ts=thread_ts, user_id=user_id,
        license_id=None, step=Step.CLOSED, created_at=now, updated_at=now,
    )
    return _start(state, event, now=now, restart=False)


def advance(state: DialogState, event: Event, *, now: float) -> Transition:
    """The next state and effects for one input; InvalidTransition for an illegal move."""
    if isinstance(event, Start):
        return _start(state, event, now=now, restart=True)
    if isinstance(event, Reply):
        return _reply(state, event.text, now=now)
    return _press(state, event, now=now)


def record_result(state: DialogState, step: Step, status: str, *, now: float) -> DialogState:
    """The state with a check step's latest status (after the service ran RunCheck)."""
    if step not in CHECK_STEPS:
        raise InvalidTransition(f"{step} is not a check step")
    results = MappingProxyType({**state.results, str(step): str(status)})
    return replace(state, results=results, version=state.version + 1, updated_at=now)


def at_message(state: DialogState, step: Step, ts: str) -> DialogState:
    """The state knowing that message `ts` shows `step`, when that is still the current step."""
    if step is not state.step or ts == state.current_ts:
        return state
    return replace(state, current_ts=ts)


def is_expired(state: DialogState, now: float, ttl: float) -> bool:
    """True when nothing happened in the dialog for more than `ttl` seconds."""
    return now - state.updated_at > ttl


def _start(state: DialogState, event: Start, *, now: float, restart: bool) -> Transition:
    license_id = event.license_id.strip() if event.license_id else None
    if license_id and not _LICENSE_TOKEN.fullmatch(license_id):
        raise InvalidTransition(f"{license_id!r} is not a license id")
    moved = _moved(state, now=now, tried=("restart",) if restart else ())
    moved = replace(moved, results=MappingProxyType({}), license_id=license_id)
    if license_id:
        return _go(moved, CHECK_STEPS[0])
    if event.is_staff:
        return Transition(replace(moved, step=Step.CHOOSE_LICENSE), (AskLicense(),))
    return Transition(
        replace(moved, step=Step.CLOSED), (Say("unlinked_place"), Close("no_license"))
    )


def _press(state: DialogState, event: Press, *, now: float) -> Transition:
    action = event.action
    if action in (Action.FAQ_YES, Action.FAQ_NO):
        return _faq_feedback(state, action, now=now)
    if action is Action.START_TROUBLESHOOTING:
        raise InvalidTransition("start_troubleshooting begins a new dialog (use begin)")
    if state.step in FINAL_STEPS:
        return _press_final(state, action, now=now)
    if event.step is not None and event.step is not state.step:
        return _press_older(state, event, now=now)
    if state.step is Step.CHOOSE_LICENSE:
        if action is Action.CHOOSE_LICENSE:
            return _choose(state, event.value, now=now)
        if action is Action.TALK_TO_SUPPORT:
            return _escalate(state, now=now)
        raise _illegal(state, action)
    return _press_check_step(state, event, now=now)


def _press_check_step(state: DialogState, event: Press, *, now: float) -> Transition:
    step, action = state.step, event.action
    index = CHECK_STEPS.index(step)
    if action is Action.CHECK_AGAIN:
        return Transition(_moved(state, now=now, tried=(f"{step}:check_again",)), (RunCheck(step),))
    if action is Action.NEXT_STEP and index + 1 < len(CHECK_STEPS):
        return _go(_moved(state, now=now, tried=(f"{step}:next_step",)), CHECK_STEPS[index + 1])
    if action is Action.PREV_STEP and index > 0:
        return _go(_moved(state, now=now, tried=(f"{step}:prev_step",)), CHECK_STEPS[index - 1])
    if action is Action.FIXED:
        return _fixed(state, now=now)
    if action is Action.TALK_TO_SUPPORT:
        return _escalate(state, now=now)
    if action is Action.PICK_TEACHER and step is Step.SANITY:
        return _pick_teacher(state, event.value, now=now)
    raise _illegal(state, action)


def _pick_teacher(state: DialogState, value: str, *, now: float) -> Transition:
    email = find_email(value)
    if email is None:
        raise InvalidTransition(f"pick_teacher needs an email address, got {value!r}")
    return Transition(
        _moved(state, now=now, tried=("sanity:teacher_report",)), (TeacherReport(email),)
    )


def _press_older(state: DialogState, event: Press, *, now: float) -> Transition:
    """A press on a message of another step than the dialog's current one (see the module
    docstring): safe actions act on that message's own step, the rest say it is out of date."""
    shown, action = event.step, event.action
    if action in (Action.FIXED, Action.TALK_TO_SUPPORT):
        return _press(state, replace(event, step=None), now=now)
    if shown is not None and shown in CHECK_STEPS and state.step in CHECK_STEPS:
        if action is Action.CHECK_AGAIN:
            moved = _moved(state, now=now, tried=(f"{shown}:check_again",))
            return Transition(moved, (RunCheck(shown),))
        if action is Action.PICK_TEACHER and shown is Step.SANITY:
            return _pick_teacher(state, event.value, now=now)
    return Transition(state, (OutOfDate(),))


def _press_final(state: DialogState, action: Action, *, now: float) -> Transition:
    # Repeats of the button that ended the dialog are harmless no-ops (double clicks, retries).
    if state.step is Step.FIXED and action is Action.FIXED:
        return Transition(state)
    if state.step is Step.ESCALATED and action is Action.TALK_TO_SUPPORT:
        return Transition(state, (Say("escalation_already"),))
    if state.step is Step.ESCALATED and action is Action.FIXED:
        return _fixed(state, now=now)
    raise _illegal(state, action)


def _faq_feedback(state: DialogState, action: Action, *, now: float) -> Transition:
    moved = _moved(state, now=now, tried=(f"faq:{action.removeprefix('faq_')}",))
    if action is Action.FAQ_YES:
        return Transition(moved, (Say("faq_thanks"),))
    if state.step is Step.ESCALATED:
        return Transition(moved, (Say("escalation_already"),))
    return Transition(moved, (Say("faq_no_followup"),))


def _choose(state: DialogState, value: str, *, now: float) -> Transition:
    license_id = value.strip()
    if not _LICENSE_TOKEN.fullmatch(license_id):
        raise InvalidTransition(f"{value!r} is not a license id")
    moved = _moved(state, now=now, tried=("choose_license",))
    return _go(replace(moved, license_id=license_id), CHECK_STEPS[0])


def _fixed(state: DialogState, *, now: float) -> Transition:
    moved = _moved(state, now=now, tried=(f"{state.step}:fixed",))
    return Transition(replace(moved, step=Step.FIXED), (Say("fixed_thanks"), Close("fixed")))


def _escalate(state: DialogState, *, now: float) -> Transition:
    moved = _moved(state, now=now, tried=(f"{state.step}:talk_to_support",))
    return Transition(replace(moved, step=Step.ESCALATED), (Escalate(),))


def _go(state: DialogState, step: Step) -> Transition:
    return Transition(replace(state, step=step), (ShowStep(step), RunCheck(step)))


def _moved(state: DialogState, *, now: float, tried: tuple[str, ...] = ()) -> DialogState:
    return replace(
        state, tried=(state.tried + tried)[-MAX_TRIED:], version=state.version + 1,
        updated_at=now,
    )


def _illegal(state: DialogState, action: Action) -> InvalidTransition:
    return InvalidTransition(f"{action} is not possible at step {state.step}")


# ---------------------------------------------------------------------------------------------
# Free-text replies in the dialog's thread


def _reply(state: DialogState, text: str, *, now: float) -> Transition:
    intent = read_reply(text)
    if intent is None:
        return Transition(state)
    step = state.step
    if step in FINAL_STEPS:
        return _reply_final(state, intent, now=now)
    kind, arg = intent
    if kind == "email" and step is Step.EMAILS:
        moved = _moved(state, now=now, tried=("emails:lookup_email",))
        return Transition(moved, (LookupEmail(arg),))
    if kind == "email" and step is Step.SANITY:
        return Transition(
            _moved(state, now=now, tried=("sanity:teacher_report",)), (TeacherReport(arg),)
        )
    typed = typed_license_id(text) if step is Step.CHOOSE_LICENSE else None
    if typed is not None and kind in ("license", "question"):
        return _choose(state, typed, now=now)  # the service says so when it does not exist
    if kind == "action":
        action = Action(arg)
        if step is Step.CHOOSE_LICENSE and action is not Action.TALK_TO_SUPPORT:
            return _faq(state, text, now=now)
        try:
            return _press(state, Press(action), now=now)
        except InvalidTransition:
            return _faq(state, text, now=now)  # "next" at the last step: read it as a question
    return _faq(state, text, now=now)


def _reply_final(state: DialogState, intent: tuple[str, str], *, now: float) -> Transition:
    # After the dialog ended, thread chatter ("thanks!") is ignored, except a renewed call for
    # help after a fix, or for an escalated dialog a note that support already has it.
    if intent != ("action", Action.TALK_TO_SUPPORT):
        return Transition(state)
    if state.step is Step.ESCALATED:
        return Transition(state, (Say("escalation_already"),))
    return _escalate(state, now=now)


_LICENSE_TOKEN = re.compile(r"[^\s|]{1,128}")  # what a license id from a button may be


def _faq(state: DialogState, text: str, *, now: float) -> Transition:
    moved = _moved(state, now=now, tried=(f"{state.step}:asked",))
    return Transition(moved, (ShowFaq(text.strip()),))


# ---------------------------------------------------------------------------------------------
# Dialog ids (also checked by bot.action_values, which puts them in button values)

_DIALOG_ID = re.compile(r"[A-Za-z0-9_-]{0,64}")  # "" for messages outside a dialog (FAQ answers)


def check_dialog_id(dialog_id: str) -> None:
    """ValueError unless `dialog_id` may name a dialog (0-64 letters, digits, '_' or '-')."""
    if not _DIALOG_ID.fullmatch(dialog_id):
        raise ValueError(f"dialog id {dialog_id!r} must be 0-64 letters, digits, '_' or '-'")
