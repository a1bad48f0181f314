"""Tenant isolation: a customer in a channel linked to license A tries every surface with
license B's id, emails, teacher names and Application ID. Nothing of B may appear anywhere,
ephemeral or not, and every attempt is in the audit log."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.action_values import encode_action_value
from bot.dialog import Action
from sandbox import slack_requests as sr
from sandbox.sample import sample_licenses, sample_world
from tests.slack.slack_world import (
    CUSTOMER,
    INTERNAL,
    SCHOOL_TEAM,
    SHARED,
    SlackWorld,
    buttons,
    slack_world,
    text_of,
)

A, B = "demo-emails", "demo-healthy"
LICENSE_B = next(lic for lic in sample_licenses() if lic.id == B)
DISTRICT_B = next(d for d in sample_world().districts if d.tenant_name == LICENSE_B.district)
B_EMAIL = LICENSE_B.instructor_emails[0]
B_TEACHER = next(u for u in DISTRICT_B.roster.users if u.email == B_EMAIL)
B_APP_ID = LICENSE_B.application_ids[0]
B_MARKERS = [B, LICENSE_B.name, LICENSE_B.district, B_APP_ID, B_APP_ID[:8],
             *LICENSE_B.instructor_emails, f"{B_TEACHER.given_name} {B_TEACHER.family_name}"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackWorld]:
    with slack_world(tmp_path_factory.mktemp("isolation")) as w:
        w.command(f"link {A}", channel=SHARED, name="link")
        w.stub.wait_for("response_url", 1)
        yield w


def settle(world: SlackWorld, seconds: float = 0.4) -> None:
    """Lazy listeners answer after the ack; give them time to say anything they would."""
    deadline = time.monotonic() + 10
    calls = -1
    while time.monotonic() < deadline:
        time.sleep(seconds)
        now = len(world.stub.calls())
        if now == calls:
            return
        calls = now


def customer_command(world: SlackWorld, text: str) -> None:
    world.command(text, user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED, name="c")


def assert_nothing_of_b(world: SlackWorld, *, since: int = 0, typed: str = "") -> None:
    """No marker of B in any call since `since`; what the customer typed may be echoed back."""
    settle(world)
    posted = " ".join(text_of(c.params) for c in world.stub.calls()[since:]).lower()
    leaked = [m for m in B_MARKERS if m and m.lower() in posted and m not in typed.split()]
    assert not leaked, f"license B leaked to a customer: {leaked}"


def refused_entries(world: SlackWorld) -> list[str]:
    return [e.command for e in world.store.audit_entries(license_id=B, limit=500)
            if e.refused and e.user_id == CUSTOMER]


@pytest.mark.parametrize("text", [
    f"check {B}", f"app {B}", f"troubleshoot {B}", f"teacher {B_EMAIL}", f"email {B_EMAIL}",
    f"link {B}", "unlink", f"check {B_APP_ID[:10]}",
])
def test_slash_subcommands_never_reach_license_b(world: SlackWorld, text: str) -> None:
    before = len(world.store.audit_entries(limit=1000))
    since = len(world.stub.calls())
    customer_command(world, text)
    assert_nothing_of_b(world, since=since, typed=text)
    assert len(world.store.audit_entries(limit=1000)) > before, "the attempt is audited"


def test_naming_license_b_is_audited_as_refused(world: SlackWorld) -> None:
    customer_command(world, f"check {B}")
    settle(world)
    assert "command:/roster check" in refused_entries(world)


def test_unlink_by_a_customer_is_refused_and_the_link_stays(world: SlackWorld) -> None:
    customer_command(world, "unlink")
    settle(world)
    assert world.store.linked_license(SHARED) == A


def test_mentions_with_b_data_answer_only_for_a(world: SlackWorld) -> None:
    since = len(world.stub.calls())
    attempts = [f"check {B} please", f"is {B_EMAIL} on a license?", f"what about {B_APP_ID}",
                f"rostering broken for {B_TEACHER.family_name}"]
    for i, text in enumerate(attempts):
        world.send(sr.app_mention(text, user_id=CUSTOMER, user_team=SCHOOL_TEAM,
                                  channel_id=SHARED, ts=f"1700001{i}00.000100",
                                  is_ext_shared_channel=True, event_id=f"EvIso{i}"))
    assert_nothing_of_b(world, since=since)


def start_customer_dialog(world: SlackWorld) -> tuple[str, dict[str, object]]:
    customer_command(world, "troubleshoot")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        steps = [c for c in world.stub.calls("chat.postMessage")
                 if c.params.get("channel") == SHARED and "Step 1 of 3" in text_of(c.params)]
        if steps:
            message = world.stub.message(SHARED, str(steps[-1].reply["ts"]))
            if message and "Checking" not in text_of(message):
                return str(steps[-1].params["thread_ts"]), message
        time.sleep(0.05)
    raise AssertionError("the customer's dialog did not start")


def test_thread_replies_with_b_emails_stay_in_a(world: SlackWorld) -> None:
    since = len(world.stub.calls())
    thread, step1 = start_customer_dialog(world)
    assert LICENSE_B.district not in text_of(step1)
    replies = [B_EMAIL, B, B_APP_ID, f"{B_TEACHER.given_name} {B_TEACHER.family_name}"]
    for i, text in enumerate(replies):
        world.send(sr.message(text, user_id=CUSTOMER, user_team=SCHOOL_TEAM, channel_id=SHARED,
                              ts=f"17000020{i}0.000100", thread_ts=thread,
                              is_ext_shared_channel=True, event_id=f"EvIsoT{i}"))
    assert_nothing_of_b(world, since=since)


def test_forged_button_values_are_refused(world: SlackWorld) -> None:
    since = len(world.stub.calls())
    thread, step1 = start_customer_dialog(world)
    genuine = buttons(step1)["next_step"]
    forged = [
        encode_action_value("0" * 20, Action.CHOOSE_LICENSE, B, key=b"guessed-key"),
        genuine.replace("next_step", "choose_license") + f"|{B}",
        genuine[:-3] + "xyz",
        encode_action_value("", Action.TALK_TO_SUPPORT, B, key=b""),
    ]
    before = len(refused_entries_any(world))
    for value in forged:
        world.press(value, user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED, thread_ts=thread,
                    name="forged")
    assert_nothing_of_b(world, since=since)
    assert len(refused_entries_any(world)) >= before + 3


def test_a_staff_dialog_for_b_cannot_be_driven_from_the_customers_channel(
        world: SlackWorld) -> None:
    world.command(f"troubleshoot {B}", channel=INTERNAL, name="staff")
    deadline = time.monotonic() + 10
    staff_step = None
    while time.monotonic() < deadline and staff_step is None:
        for call in world.stub.calls("chat.postMessage"):
            if call.params.get("channel") == INTERNAL and "Step 1 of 3" in text_of(call.params):
                staff_step = world.stub.message(INTERNAL, str(call.reply["ts"]))
        time.sleep(0.05)
    assert staff_step is not None
    value = buttons(staff_step)["next_step"]
    before = len(world.stub.calls())
    world.press(value, user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED, name="steal")
    world.press(value, user=CUSTOMER, team=SCHOOL_TEAM, channel=INTERNAL, name="steal2")
    settle(world)
    customer_visible = [c for c in world.stub.calls()[before:]
                        if c.method == "response_url" or c.params.get("channel") == SHARED]
    leaked = [m for m in B_MARKERS if any(m in text_of(c.params) for c in customer_visible)]
    assert not leaked
    assert any(e.user_id == CUSTOMER and e.refused
               for e in world.store.audit_entries(limit=1000))


def test_app_home_shows_a_customer_no_license_data(world: SlackWorld) -> None:
    world.send(sr.app_home_opened(CUSTOMER, team_id=SCHOOL_TEAM, event_id="EvIsoHome"))
    world.stub.wait_for("views.publish", 1)
    view = world.stub.home_view(CUSTOMER)
    assert view is not None
    assert not [m for m in B_MARKERS + [A] if m in text_of(view)]


def refused_entries_any(world: SlackWorld) -> list[str]:
    return [e.command for e in world.store.audit_entries(limit=1000)
            if e.refused and e.user_id == CUSTOMER]


def test_an_email_of_b_typed_at_step_2_is_looked_up_in_a_only(world: SlackWorld) -> None:
    thread, step1 = start_customer_dialog(world)
    ts1 = next(str(c.reply["ts"]) for c in reversed(world.stub.calls("chat.postMessage"))
               if c.params.get("thread_ts") == thread and "Step 1 of 3" in text_of(c.params))
    world.press(buttons(step1)["next_step"], user=CUSTOMER, team=SCHOOL_TEAM, channel=SHARED,
                message_ts=ts1, thread_ts=thread)
    settle(world)
    since = len(world.stub.calls())
    world.send(sr.message(B_EMAIL, user_id=CUSTOMER, user_team=SCHOOL_TEAM, channel_id=SHARED,
                          ts="1700003000.000100", thread_ts=thread, is_ext_shared_channel=True,
                          event_id="EvIsoStep2"))
    settle(world)
    answers = [c for c in world.stub.calls()[since:] if c.method == "chat.postMessage"]
    assert answers, "the typed address was looked up"
    assert_nothing_of_b(world, since=since, typed=B_EMAIL)
    assert any(e.command == "message:email" and e.license_id == A and e.user_id == CUSTOMER
               for e in world.store.audit_entries(license_id=A, limit=1000))


def test_staff_asking_about_b_in_as_channel_show_the_channel_nothing_of_b(
        world: SlackWorld) -> None:
    """Staff may look at any license, but the customers of A read the channel: B's dialog goes
    to the staff member's direct messages and lookups stay ephemeral."""
    since = len(world.stub.calls())
    for i, text in enumerate([f"troubleshoot {B}", f"check {B}", f"app {B}", f"email {B_EMAIL}",
                              f"teacher {B} {B_EMAIL}"]):
        world.command(text, channel=SHARED, name=f"staff{i}")
    world.stub.wait_for("chat.postMessage", 1)
    settle(world, 0.6)
    readable = [c for c in world.stub.calls()[since:]
                if c.method in ("chat.postMessage", "chat.update")
                and c.params.get("channel") == SHARED]
    leaked = [m for m in B_MARKERS if any(m in text_of(c.params) for c in readable)]
    assert not leaked, f"license B reached A's channel: {leaked}"
    direct = [c for c in world.stub.calls()[since:] if c.method == "chat.postMessage"
              and str(c.reply.get("channel", "")).startswith("D")]
    assert direct, "the dialog about B went to the staff member's direct messages"
    ephemeral = [c for c in world.stub.calls()[since:] if c.method == "response_url"]
    assert all(c.params.get("response_type") == "ephemeral" for c in ephemeral)
