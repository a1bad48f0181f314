from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot.commands import BadCommand, Command, parse_command
from bot.identity import Actor, IdentityResolver, Installation, is_insider, is_staff
from bot.knowledge import Audience
from bot.policy import Channel, Refusal, authorize, channel_audience
from bot.service.channels import ChannelPrivacy

HOME = Installation("T_PIVOT")


@pytest.mark.parametrize(
    ("user", "staff"),
    [
        ({"team_id": "T_PIVOT"}, True),
        ({"team_id": "T_SCHOOL"}, False),
        ({"team_id": "T_PIVOT", "is_restricted": True}, False),
        ({"team_id": "T_PIVOT", "is_ultra_restricted": True}, False),
        ({"team_id": "T_PIVOT", "is_bot": True}, False),
        ({"team_id": "T_PIVOT", "deleted": True}, False),
        ({"team_id": "T_PIVOT", "is_stranger": True}, False),
        ({}, False),
        (None, False),
    ],
)
def test_staff_is_a_full_member_of_the_installing_team(user: dict[str, Any] | None,
                                                       staff: bool) -> None:
    assert is_staff(user, HOME) is staff


def test_enterprise_members_count_as_staff_only_in_an_enterprise_install() -> None:
    user = {"team_id": "T_OTHER", "enterprise_user": {"enterprise_id": "E1"}}
    assert is_staff(user, Installation("T_PIVOT", "E1"))
    assert not is_staff(user, HOME)


class FakeSlack:
    def __init__(self, users: dict[str, dict[str, Any]], *, fail: bool = False) -> None:
        self.users, self.fail, self.calls = users, fail, 0

    def auth_test(self) -> Mapping[str, Any]:
        if self.fail:
            raise ConnectionError("slack down")
        return {"team_id": "T_PIVOT"}

    def users_info(self, *, user: str) -> Mapping[str, Any]:
        self.calls += 1
        if user not in self.users:
            raise LookupError("user_not_found")
        return {"user": self.users[user]}


def test_resolver_caches_and_fails_closed() -> None:
    slack = FakeSlack({"U1": {"team_id": "T_PIVOT"}})
    resolver = IdentityResolver(slack)
    assert resolver.actor("U1").is_staff
    assert resolver.actor("U1").is_staff
    assert slack.calls == 1
    assert not resolver.actor("U_UNKNOWN").is_staff  # users.info failed: customer
    assert not IdentityResolver(FakeSlack({}, fail=True)).actor("U1").is_staff


def test_interactive_payload_from_another_team_is_a_customer_without_a_lookup() -> None:
    slack = FakeSlack({"U1": {"team_id": "T_PIVOT"}})
    actor = IdentityResolver(slack).actor("U1", payload_team_id="T_SCHOOL")
    assert not actor.is_staff
    assert slack.calls == 0


STAFF, CUSTOMER = Actor("U1", "T_PIVOT", True), Actor("U2", "T_SCHOOL", False)


@pytest.mark.parametrize(
    ("actor", "requested", "linked", "license_id", "refused"),
    [
        (STAFF, "b", "a", "b", False),
        (STAFF, None, "a", "a", False),
        (STAFF, None, None, None, False),
        (CUSTOMER, None, "a", "a", False),
        (CUSTOMER, "a", "a", "a", False),
        (CUSTOMER, "b", "a", None, True),
        (CUSTOMER, None, None, None, False),
        (CUSTOMER, "b", None, None, True),
    ],
)
def test_which_license_a_request_may_read(actor: Actor, requested: str | None,
                                          linked: str | None, license_id: str | None,
                                          refused: bool) -> None:
    decision = authorize(actor, Channel("C1", linked), license_id=requested)
    assert decision.license_id == license_id
    assert decision.allowed is (license_id is not None)
    assert decision.attempt is refused


@pytest.mark.parametrize(
    ("actor", "license_id", "linked", "internal", "in_channel", "audience"),
    [
        (STAFF, "a", "a", False, True, Audience.CUSTOMER),  # the customer's own channel
        (STAFF, "b", "a", False, False, Audience.CUSTOMER),  # another license: staff only
        (STAFF, "b", "a", True, False, Audience.CUSTOMER),  # linked: a customer channel
        (STAFF, "b", None, True, True, Audience.STAFF),  # internal and unlinked
        (STAFF, "b", None, False, False, Audience.CUSTOMER),  # shared, or with a guest
        (CUSTOMER, None, "a", False, True, Audience.CUSTOMER),
    ],
)
def test_what_may_be_said_in_the_channel(actor: Actor, license_id: str | None,
                                         linked: str | None, internal: bool, in_channel: bool,
                                         audience: Audience) -> None:
    channel = Channel("C1", linked, internal)
    assert authorize(actor, channel, license_id=license_id).in_channel is in_channel
    assert channel_audience(actor, channel) is audience


def test_only_the_starter_and_staff_drive_a_dialog() -> None:
    channel = Channel("C1", "a")
    other = Actor("U3", "T_SCHOOL", False)
    assert authorize(CUSTOMER, channel, license_id="a", owner=CUSTOMER.user_id).allowed
    assert authorize(STAFF, channel, license_id="a", owner=CUSTOMER.user_id).allowed
    refused = authorize(other, channel, license_id="a", owner=CUSTOMER.user_id)
    assert refused.refusal is Refusal.NOT_OWNER and refused.attempt
    assert authorize(CUSTOMER, channel, staff_only=True).refusal is Refusal.STAFF_ONLY
    assert authorize(STAFF, Channel("C1")).refusal is Refusal.NEED_LICENSE
    assert authorize(STAFF, Channel("C1"), needs_license=False).allowed


def test_insiders_are_staff_and_our_own_bots() -> None:
    assert is_insider({"team_id": "T_PIVOT"}, HOME)
    assert is_insider({"team_id": "T_PIVOT", "is_bot": True}, HOME)
    assert not is_insider({"team_id": "T_SCHOOL", "is_bot": True}, HOME)
    assert not is_insider({"team_id": "T_PIVOT", "is_restricted": True}, HOME)
    assert not is_insider(None, HOME)


class FakeChannels:
    def __init__(self, info: dict[str, Any], pages: list[list[str]] | None = None, *,
                 fail_members: bool = False) -> None:
        self.info, self.pages, self.fail_members = info, pages or [[]], fail_members

    def conversations_info(self, *, channel: str) -> Mapping[str, Any]:
        return {"channel": self.info}

    def conversations_members(self, *, channel: str, cursor: str | None = None,
                              limit: int = 100) -> Mapping[str, Any]:
        if self.fail_members:
            raise ConnectionError("slack down")
        page = int(cursor or 0)
        more = str(page + 1) if page + 1 < len(self.pages) else ""
        return {"members": self.pages[page], "response_metadata": {"next_cursor": more}}


@pytest.mark.parametrize(
    ("info", "pages", "fail", "internal"),
    [
        ({}, [["U1", "U_BOT"], ["U2"]], False, True),
        ({}, [["U1"], ["U_GUEST"]], False, False),  # a guest on the second page
        ({"is_ext_shared": True}, [["U1"]], False, False),
        ({"is_pending_ext_shared": True}, [["U1"]], False, False),
        ({"is_shared": True}, [["U1"]], False, False),
        ({}, [["U1"]], True, False),  # members unreadable: fail closed
    ],
)
def test_a_channel_is_internal_only_when_every_member_is_staff(
        info: dict[str, Any], pages: list[list[str]], fail: bool, internal: bool) -> None:
    insiders = {"U1", "U2", "U_BOT"}
    privacy = ChannelPrivacy(FakeChannels(info, pages, fail_members=fail),
                             insider=insiders.__contains__)
    assert privacy.is_internal("C1") is internal
    assert privacy.is_internal("D1")  # a direct message with the bot


def test_resolver_knows_insiders() -> None:
    slack = FakeSlack({"U1": {"team_id": "T_PIVOT"}, "U_BOT": {"team_id": "T_PIVOT",
                                                               "is_bot": True},
                       "U_GUEST": {"team_id": "T_PIVOT", "is_restricted": True}})
    resolver = IdentityResolver(slack)
    assert resolver.is_insider("U1") and resolver.is_insider("U_BOT")
    assert not resolver.is_insider("U_GUEST") and not resolver.is_insider("U_GONE")
    assert not resolver.actor("U_BOT").is_staff
    assert resolver.actor("U1").audience is Audience.STAFF


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("help")),
        ("check", Command("check")),
        ("CHECK demo-emails", Command("check", "demo-emails")),
        ("email <mailto:a.b@x.org|a.b@x.org>", Command("email", "a.b@x.org")),
        ("teacher jsmith@lincolnusd.org", Command("teacher", "jsmith@lincolnusd.org")),
        ("teacher demo-emails jsmith@lincolnusd.org",
         Command("teacher", "jsmith@lincolnusd.org", "demo-emails")),
        ("link demo-healthy", Command("link", "demo-healthy")),
    ],
)
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text", ["frobnicate", "email", "email not-an-address", "check a b", "link <!channel>",
             "x" * 600, "unlink now", "teacher <!channel> a@b.org", "teacher a b c@d.org"],
)
def test_bad_commands_explain_themselves(text: str) -> None:
    result = parse_command(text)
    assert isinstance(result, BadCommand)
    assert result.problem
