"""The guided dialog as a pure state machine: inputs in, states and effects out (no Slack)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.dialog import (
    CHECK_STEPS,
    Action,
    AskLicense,
    Close,
    DialogState,
    Escalate,
    Event,
    LookupEmail,
    Press,
    Reply,
    RunCheck,
    Say,
    ShowFaq,
    ShowStep,
    Start,
    Step,
    TeacherReport,
    Transition,
    advance,
    begin,
    is_expired,
    record_result,
)
from bot.errors import InvalidTransition
from bot.intents import find_email, read_reply

T0 = 1_700_000_000.0


def started(license_id: str | None = "L-1001", *, is_staff: bool = False) -> Transition:
    return begin(Start(license_id, is_staff), dialog_id="d1", channel_id="C1",
                 thread_ts="1700000000.000100", user_id="U1", now=T0)


def at(step: Step, **changes: object) -> DialogState:
    state = replace(started().state, step=step)
    return replace(state, **changes) if changes else state  # type: ignore[arg-type]


def feed(state: DialogState, *events: Event, start: float = T0) -> list[Transition]:
    """Feed inputs one second apart, like errbot's flow tests; returns every transition."""
    out = []
    for n, event in enumerate(events, start=1):
        transition = advance(state, event, now=start + n)
        out.append(transition)
        state = transition.state
    return out


# --- starting ---------------------------------------------------------------------------------


def test_start_with_a_license_goes_to_step_one() -> None:
    t = started("L-1001")
    assert t.state.step is Step.CONNECTION and t.state.license_id == "L-1001"
    assert t.effects == (ShowStep(Step.CONNECTION), RunCheck(Step.CONNECTION))
    assert (t.state.dialog_id, t.state.channel_id, t.state.user_id) == ("d1", "C1", "U1")
    assert t.state.created_at == t.state.updated_at == T0
    assert t.state.tried == () and dict(t.state.results) == {}


def test_staff_without_a_license_is_asked_for_one() -> None:
    t = started(None, is_staff=True)
    assert t.state.step is Step.CHOOSE_LICENSE and t.state.license_id is None
    assert t.effects == (AskLicense(),)


def test_customer_without_a_linked_license_gets_no_dialog() -> None:
    t = started(None, is_staff=False)
    assert t.state.step is Step.CLOSED
    assert t.effects == (Say("unlinked_place"), Close("no_license"))


def test_start_rejects_bad_ids() -> None:
    with pytest.raises(InvalidTransition):
        started("two words")
    with pytest.raises(ValueError):
        begin(Start("L-1", False), dialog_id="bad|id", channel_id="C", thread_ts="1", user_id="U",
              now=T0)


# --- the transition table ---------------------------------------------------------------------

E = Step.EMAILS
TABLE: list[tuple[str, Step, Event, Step, tuple[object, ...]]] = [
    ("check again", Step.CONNECTION, Press(Action.CHECK_AGAIN), Step.CONNECTION,
     (RunCheck(Step.CONNECTION),)),
    ("next 1->2", Step.CONNECTION, Press(Action.NEXT_STEP), E, (ShowStep(E), RunCheck(E))),
    ("next 2->3", E, Press(Action.NEXT_STEP), Step.SANITY,
     (ShowStep(Step.SANITY), RunCheck(Step.SANITY))),
    ("back 3->2", Step.SANITY, Press(Action.PREV_STEP), E, (ShowStep(E), RunCheck(E))),
    ("back 2->1", E, Press(Action.PREV_STEP), Step.CONNECTION,
     (ShowStep(Step.CONNECTION), RunCheck(Step.CONNECTION))),
    ("fixed", E, Press(Action.FIXED), Step.FIXED, (Say("fixed_thanks"), Close("fixed"))),
    ("support", Step.SANITY, Press(Action.TALK_TO_SUPPORT), Step.ESCALATED, (Escalate(),)),
    ("support twice", Step.ESCALATED, Press(Action.TALK_TO_SUPPORT), Step.ESCALATED,
     (Say("escalation_already"),)),
    ("fixed after escalating", Step.ESCALATED, Press(Action.FIXED), Step.FIXED,
     (Say("fixed_thanks"), Close("fixed"))),
    ("fixed twice", Step.FIXED, Press(Action.FIXED), Step.FIXED, ()),
    ("pick teacher", Step.SANITY, Press(Action.PICK_TEACHER, "ada@x.org"), Step.SANITY,
     (TeacherReport("ada@x.org"),)),
    ("choose license", Step.CHOOSE_LICENSE, Press(Action.CHOOSE_LICENSE, " L-7 "),
     Step.CONNECTION, (ShowStep(Step.CONNECTION), RunCheck(Step.CONNECTION))),
    ("support before a license", Step.CHOOSE_LICENSE, Press(Action.TALK_TO_SUPPORT),
     Step.ESCALATED, (Escalate(),)),
    ("faq yes", E, Press(Action.FAQ_YES, "sync_timing"), E, (Say("faq_thanks"),)),
    ("faq no", E, Press(Action.FAQ_NO, "sync_timing"), E, (Say("faq_no_followup"),)),
    ("faq no after escalating", Step.ESCALATED, Press(Action.FAQ_NO), Step.ESCALATED,
     (Say("escalation_already"),)),
    ("faq yes after fixing", Step.FIXED, Press(Action.FAQ_YES), Step.FIXED,
     (Say("faq_thanks"),)),
    # free text
    ("email at step 2", E, Reply("is <mailto:Bob@X.org|Bob@X.org> right?"), E,
     (LookupEmail("Bob@X.org"),)),
    ("email at step 3", Step.SANITY, Reply("ada@x.org"), Step.SANITY,
     (TeacherReport("ada@x.org"),)),
    ("email at step 1 is a question", Step.CONNECTION, Reply("ada@x.org?"), Step.CONNECTION,
     (ShowFaq("ada@x.org?"),)),
    ("works now", E, Reply("Thanks, it works now!"), Step.FIXED,
     (Say("fixed_thanks"), Close("fixed"))),
    ("not fixed", E, Reply("still not fixed"), E, (ShowFaq("still not fixed"),)),
    ("human", Step.CONNECTION, Reply("can I talk to a human please"), Step.ESCALATED,
     (Escalate(),)),
    ("support after fixing reopens", Step.FIXED, Reply("it broke again, I need support"),
     Step.ESCALATED, (Escalate(),)),
    ("chatter after fixing", Step.FIXED, Reply("thanks!"), Step.FIXED, ()),
    ("support again in words", Step.ESCALATED, Reply("support?"), Step.ESCALATED,
     (Say("escalation_already"),)),
    ("typed next", Step.CONNECTION, Reply("next"), E, (ShowStep(E), RunCheck(E))),
    ("typed next at the last step", Step.SANITY, Reply("next"), Step.SANITY,
     (ShowFaq("next"),)),
    ("typed retry", E, Reply("retry"), E, (RunCheck(E),)),
    ("license typed", Step.CHOOSE_LICENSE, Reply("L-1001"), Step.CONNECTION,
     (ShowStep(Step.CONNECTION), RunCheck(Step.CONNECTION))),
    ("question while choosing", Step.CHOOSE_LICENSE, Reply("what is an app id"),
     Step.CHOOSE_LICENSE, (ShowFaq("what is an app id"),)),
    ("question", Step.SANITY, Reply("why only 5 seats?"), Step.SANITY,
     (ShowFaq("why only 5 seats?"),)),
    ("blank", Step.SANITY, Reply("   "), Step.SANITY, ()),
]


@pytest.mark.parametrize(
    ("step", "event", "next_step", "effects"),
    [pytest.param(s, ev, n, ef, id=name) for name, s, ev, n, ef in TABLE],
)
def test_transition_table(
    step: Step, event: Event, next_step: Step, effects: tuple[object, ...]
) -> None:
    state = at(step)
    t = advance(state, event, now=T0 + 5)
    assert t.state.step is next_step
    assert t.effects == effects
    if t.state != state:
        assert t.state.version == state.version + 1 and t.state.updated_at == T0 + 5
    else:
        assert effects in ((), (Say("escalation_already"),))  # no-ops leave the state alone


ILLEGAL: list[tuple[str, Step, Event]] = [
    ("next after closed", Step.CLOSED, Press(Action.NEXT_STEP)),
    ("next after fixed", Step.FIXED, Press(Action.NEXT_STEP)),
    ("check after escalated", Step.ESCALATED, Press(Action.CHECK_AGAIN)),
    ("support after closed", Step.CLOSED, Press(Action.TALK_TO_SUPPORT)),
    ("next at the last step", Step.SANITY, Press(Action.NEXT_STEP)),
    ("back at the first step", Step.CONNECTION, Press(Action.PREV_STEP)),
    ("pick teacher at step 2", Step.EMAILS, Press(Action.PICK_TEACHER, "a@b.org")),
    ("pick teacher at step 1", Step.CONNECTION, Press(Action.PICK_TEACHER, "a@b.org")),
    ("pick teacher without email", Step.SANITY, Press(Action.PICK_TEACHER, "nobody")),
    ("choose license mid-dialog", Step.EMAILS, Press(Action.CHOOSE_LICENSE, "L-2")),
    ("choose a blank license", Step.CHOOSE_LICENSE, Press(Action.CHOOSE_LICENSE, "  ")),
    ("next before a license", Step.CHOOSE_LICENSE, Press(Action.NEXT_STEP)),
    ("fixed before a license", Step.CHOOSE_LICENSE, Press(Action.FIXED)),
    ("start button as a move", Step.EMAILS, Press(Action.START_TROUBLESHOOTING)),
]


@pytest.mark.parametrize(
    ("step", "event"), [pytest.param(s, e, id=name) for name, s, e in ILLEGAL]
)
def test_illegal_moves_raise(step: Step, event: Event) -> None:
    with pytest.raises(InvalidTransition):
        advance(at(step), event, now=T0 + 1)


# --- whole conversations ----------------------------------------------------------------------


def test_full_walk_from_start_to_fixed() -> None:
    first = started(None, is_staff=True)
    steps = feed(
        first.state,
        Reply("L-1001"),
        Press(Action.CHECK_AGAIN),
        Press(Action.NEXT_STEP),
        Reply("ada@lincoln.org"),
        Press(Action.NEXT_STEP),
        Press(Action.PICK_TEACHER, "ada@lincoln.org"),
        Press(Action.FIXED),
    )
    assert [t.state.step for t in steps] == [
        Step.CONNECTION, Step.CONNECTION, Step.EMAILS, Step.EMAILS, Step.SANITY, Step.SANITY,
        Step.FIXED,
    ]
    assert [e for t in steps for e in t.effects] == [
        ShowStep(Step.CONNECTION), RunCheck(Step.CONNECTION),
        RunCheck(Step.CONNECTION),
        ShowStep(Step.EMAILS), RunCheck(Step.EMAILS),
        LookupEmail("ada@lincoln.org"),
        ShowStep(Step.SANITY), RunCheck(Step.SANITY),
        TeacherReport("ada@lincoln.org"),
        Say("fixed_thanks"), Close("fixed"),
    ]
    final = steps[-1].state
    assert final.tried == (
        "choose_license", "connection:check_again", "connection:next_step",
        "emails:lookup_email", "emails:next_step", "sanity:teacher_report", "sanity:fixed",
    )
    assert final.version == first.state.version + 7
    assert final.updated_at == T0 + 7 and final.created_at == T0
    assert not final.active


def test_escalating_twice_escalates_once() -> None:
    steps = feed(at(Step.EMAILS), Press(Action.TALK_TO_SUPPORT), Press(Action.TALK_TO_SUPPORT),
                 Reply("hello? support?"))
    escalations = [e for t in steps for e in t.effects if isinstance(e, Escalate)]
    assert len(escalations) == 1
    assert steps[1].state == steps[0].state  # the repeat changed nothing, so nothing to save


def test_restart_clears_results_and_keeps_history() -> None:
    state = record_result(at(Step.SANITY, tried=("emails:next_step",)), Step.SANITY, "fail",
                          now=T0 + 1)
    t = advance(state, Start("L-2002", True), now=T0 + 2)
    assert t.state.step is Step.CONNECTION and t.state.license_id == "L-2002"
    assert dict(t.state.results) == {}
    assert t.state.tried == ("emails:next_step", "restart")


def test_record_result_keeps_the_latest_status_per_step() -> None:
    state = at(Step.CONNECTION)
    state = record_result(state, Step.CONNECTION, "fail", now=T0 + 1)
    state = record_result(state, Step.CONNECTION, "pass", now=T0 + 2)
    state = record_result(state, Step.EMAILS, "warn", now=T0 + 3)
    assert dict(state.results) == {"connection": "pass", "emails": "warn"}
    assert state.result(Step.CONNECTION) == "pass" and state.result("sanity") is None
    with pytest.raises(InvalidTransition):
        record_result(state, Step.FIXED, "pass", now=T0)


def test_tried_is_bounded() -> None:
    state = at(Step.CONNECTION)
    for n in range(80):
        state = advance(state, Press(Action.CHECK_AGAIN), now=T0 + n).state
    assert len(state.tried) == 50


# --- storage and expiry -----------------------------------------------------------------------


def test_state_round_trips_through_json() -> None:
    state = record_result(feed(started().state, Press(Action.NEXT_STEP))[-1].state,
                          Step.CONNECTION, "warn", now=T0 + 9)
    data = json.loads(json.dumps(state.to_dict()))
    assert DialogState.from_dict(data) == state
    assert data["step"] == "emails" and data["results"] == {"connection": "warn"}
    closed = started(None).state
    assert DialogState.from_dict(json.loads(json.dumps(closed.to_dict()))) == closed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"step": "nowhere"}, "nowhere"),
        ({"tried": "abc"}, "tried must be a list"),
        ({"results": {"connection": 1}}, "results must map"),
        ({"user_id": None}, "user_id must be a string"),
        ({"version": "x"}, "invalid literal"),
    ],
)
def test_malformed_stored_state_is_rejected(change: dict[str, object], message: str) -> None:
    data = {**started().state.to_dict(), **change}
    with pytest.raises(ValueError, match=message):
        DialogState.from_dict(data)


def test_missing_field_is_named() -> None:
    data = started().state.to_dict()
    del data["thread_ts"]
    with pytest.raises(ValueError, match="missing field 'thread_ts'"):
        DialogState.from_dict(data)


def test_expiry_counts_from_the_last_move() -> None:
    state = started().state
    assert not is_expired(state, T0 + 3600, 3600)
    assert is_expired(state, T0 + 3601, 3600)
    moved = advance(state, Press(Action.CHECK_AGAIN), now=T0 + 3000).state
    assert not is_expired(moved, T0 + 3601, 3600)


# --- reading free text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("jo.smith+pivot@lincoln.k12.us", ("email", "jo.smith+pivot@lincoln.k12.us")),
        ("<mailto:a@b.org|a@b.org>", ("email", "a@b.org")),
        ("try ada@x.org.", ("email", "ada@x.org")),
        ("fixed!", ("action", "fixed")),
        ("that worked, thank you", ("action", "fixed")),
        ("it isn't fixed", ("question", "it isn't fixed")),
        ("I'd like to talk to support", ("action", "talk_to_support")),
        ("is canvas supported", ("question", "is canvas supported")),
        ("does classlink support 1.2?", ("question", "does classlink support 1.2?")),
        ("how do I get this fixed?", ("question", "how do I get this fixed?")),
        ("please get me someone from support", ("action", "talk_to_support")),
        ("support", ("action", "talk_to_support")),
        ("ok that worked, all good", ("action", "fixed")),
        ("Next step", ("action", "next_step")),
        ("go back", ("action", "prev_step")),
        ("LIC-2024.7", ("license", "LIC-2024.7")),
        ("hello", ("question", "hello")),
        ("", None),
        ("...", None),
    ],
)
def test_read_reply(text: str, reading: tuple[str, str] | None) -> None:
    assert read_reply(text) == reading


def test_find_email() -> None:
    assert find_email("no address here") is None
    assert find_email("<mailto:x@y.org|someone>") == "x@y.org"
    assert find_email("a@b") is None  # no dot in the domain


def test_check_steps_are_in_dialog_order() -> None:
    assert CHECK_STEPS == (Step.CONNECTION, Step.EMAILS, Step.SANITY)
