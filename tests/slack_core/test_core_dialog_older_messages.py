"""Presses on older messages, and license ids typed at the choose-license step (pure)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.dialog import (
    Action,
    DialogState,
    OutOfDate,
    Press,
    Reply,
    RunCheck,
    Start,
    Step,
    TeacherReport,
    advance,
    at_message,
    begin,
)

T0 = 1_700_000_000.0


def at(step: Step) -> DialogState:
    state = begin(Start("L-1001", False), dialog_id="d1", channel_id="C1", thread_ts="1.0",
                  user_id="U1", now=T0).state
    return replace(state, step=step, current_ts="9.0")


@pytest.mark.parametrize("action", [Action.NEXT_STEP, Action.PREV_STEP])
def test_navigation_on_an_older_step_is_out_of_date_and_changes_nothing(action: Action) -> None:
    state = at(Step.SANITY)
    t = advance(state, Press(action, step=Step.CONNECTION), now=T0 + 1)
    assert t.state == state and t.effects == (OutOfDate(),)


def test_check_again_on_an_older_step_reruns_that_step_and_stays() -> None:
    t = advance(at(Step.SANITY), Press(Action.CHECK_AGAIN, step=Step.EMAILS), now=T0 + 1)
    assert t.effects == (RunCheck(Step.EMAILS),)
    assert t.state.step is Step.SANITY and t.state.tried[-1] == "emails:check_again"


def test_a_teacher_picked_on_an_older_step_3_is_reported() -> None:
    t = advance(at(Step.EMAILS), Press(Action.PICK_TEACHER, "a@b.org", step=Step.SANITY),
                now=T0 + 1)
    assert t.effects == (TeacherReport("a@b.org"),) and t.state.step is Step.EMAILS


@pytest.mark.parametrize("action", [Action.FIXED, Action.TALK_TO_SUPPORT])
def test_dialog_wide_buttons_act_from_any_step_message(action: Action) -> None:
    from_old = advance(at(Step.SANITY), Press(action, step=Step.CONNECTION), now=T0 + 1)
    from_current = advance(at(Step.SANITY), Press(action, step=Step.SANITY), now=T0 + 1)
    assert from_old == from_current


def test_the_current_steps_buttons_act_as_ever() -> None:
    t = advance(at(Step.EMAILS), Press(Action.NEXT_STEP, step=Step.EMAILS), now=T0 + 1)
    assert t.state.step is Step.SANITY
    legacy = advance(at(Step.EMAILS), Press(Action.NEXT_STEP), now=T0 + 1)  # no step known
    assert legacy.state.step is Step.SANITY


def test_a_license_pick_after_the_license_was_chosen_is_out_of_date() -> None:
    t = advance(at(Step.CONNECTION), Press(Action.CHOOSE_LICENSE, "L-2", step=Step.CHOOSE_LICENSE),
                now=T0 + 1)
    assert t.effects == (OutOfDate(),) and t.state.license_id == "L-1001"


def test_the_current_message_is_remembered_for_its_step_only() -> None:
    state = at(Step.EMAILS)
    assert at_message(state, Step.EMAILS, "10.0").current_ts == "10.0"
    assert at_message(state, Step.CONNECTION, "10.0") is state
    assert DialogState.from_dict(state.to_dict()) == state
    older = {k: v for k, v in state.to_dict().items() if k != "current_ts"}
    assert DialogState.from_dict(older).current_ts == ""  # states saved before it existed


@pytest.mark.parametrize("typed", ["demo-emails", "L-1001", "district42.", "acme:1"])
def test_any_one_word_id_is_taken_at_the_choose_license_step(typed: str) -> None:
    state = replace(at(Step.CHOOSE_LICENSE), license_id=None)
    t = advance(state, Reply(typed), now=T0 + 1)
    assert t.state.license_id == typed.rstrip(".") and t.state.step is Step.CONNECTION


@pytest.mark.parametrize("typed", ["what is an application id?", "next", "talk to support"])
def test_other_replies_at_the_choose_license_step_are_not_ids(typed: str) -> None:
    state = replace(at(Step.CHOOSE_LICENSE), license_id=None)
    assert advance(state, Reply(typed), now=T0 + 1).state.license_id is None
