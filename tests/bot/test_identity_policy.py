from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot.commands import BadCommand, Command, parse_command
from bot.identity import Actor, IdentityResolver, Installation, is_staff
from bot.policy import license_access

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
def test_license_access(actor: Actor, requested: str | None, linked: str | None,
                        license_id: str | None, refused: bool) -> None:
    access = license_access(actor, requested=requested, linked=linked)
    assert access.license_id == license_id
    assert access.allowed is (license_id is not None)
    assert access.refused_attempt is refused


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("help")),
        ("check", Command("check")),
        ("CHECK demo-emails", Command("check", "demo-emails")),
        ("email <mailto:a.b@x.org|a.b@x.org>", Command("email", "a.b@x.org")),
        ("teacher jsmith@lincolnusd.org", Command("teacher", "jsmith@lincolnusd.org")),
        ("link demo-healthy", Command("link", "demo-healthy")),
    ],
)
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text", ["frobnicate", "email", "email not-an-address", "check a b", "link <!channel>",
             "x" * 600, "unlink now"],
)
def test_bad_commands_explain_themselves(text: str) -> None:
    result = parse_command(text)
    assert isinstance(result, BadCommand)
    assert result.problem
