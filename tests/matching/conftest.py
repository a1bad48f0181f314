"""A small hand-made roster covering every matching rule, and a one-email matcher over it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.matching import MatchResult, RosterIndex, match_rows
from checks.models import Role, RosterUser


def staff(sid: str, given: str, family: str, email: str, **extra: object) -> RosterUser:
    fields: dict[str, object] = {"role": Role.TEACHER, "status": "active", "enabled": True}
    fields.update(extra)
    return RosterUser(
        sourced_id=sid, role=fields.pop("role"), status=fields.pop("status"),  # type: ignore[arg-type]
        enabled=fields.pop("enabled"), given_name=given, family_name=family,  # type: ignore[arg-type]
        email=email, **fields,  # type: ignore[arg-type]
    )


ROSTER = (
    # lincolnusd.org: first initial + last name, numbered siblings
    staff("T1", "John", "Smith", "jsmith@lincolnusd.org", username="jsmith"),
    staff("T2", "Jane", "Smith", "jsmith2@lincolnusd.org"),
    staff("T3", "Mary", "Johnson", "mjohnson@lincolnusd.org"),
    staff("T4", "William", "Brown", "wbrown@lincolnusd.org"),
    staff("T5", "Andrew", "Lee", "alee@lincolnusd.org", middle_name="Quincy"),
    staff("T6", "José", "García", "jgarcia@lincolnusd.org"),
    staff("T7", "Siobhan", "O'Brien", "sobrien@lincolnusd.org"),
    staff("T8", "Ana", "Garcia-Lopez", "agarcialopez@lincolnusd.org", role=Role.ADMINISTRATOR),
    staff("T9", "Karen", "White", "kwhite@lincolnusd.org", status="tobedeleted"),
    staff("T10", "Paul", "Adams", "padams@lincolnusd.org", enabled=False),
    staff("L1", "Laura", "Green", "lgreen@lincolnusd.org", status="tobedeleted"),
    staff("TCH_L1", "Laura", "Green", "laura.green@lincolnusd.org"),
    staff("T11", "Nora", "Quinn", ""),
    staff("BOX1", "Library", "", "library@lincolnusd.org"),
    staff("A1", "Sam", "Ortiz", "sortiz@lincolnusd.org", role=Role.AIDE),
    staff("S1", "Emma", "Stone", "s123456@students.lincolnusd.org", role=Role.STUDENT),
    staff("S2", "Tom", "Hill", "thill@lincolnusd.org", role=Role.STUDENT),
    # rcschools.net: first.last, AD usernames
    staff("R1", "John", "Smith", "john.smith@rcschools.net", username="jsmith"),
    staff("R2", "Kate", "Miller", "kate.miller@rcschools.net", username="kmiller"),
    staff("R3", "Christopher", "Anderson", "christopher.anderson@rcschools.net"),
    staff("R4", "Michael", "Taylor", "michael.taylor@rcschools.net"),
    staff("R5", "Michael", "Taylor", "michael.taylor2@rcschools.net"),
    # a union district: two known domains
    staff("U1", "Robert", "Davis", "rdavis@hsd.org"),
    staff("U2", "Rachel", "Green", "Rachel.Green@hsd.org"),
    staff("U3", "Peter", "Chen", "pchen@esd.org"),
    # a private school on consumer Gmail
    staff("G1", "Jane", "Doe", "janedoe.stm@gmail.com"),
)


@pytest.fixture(scope="session")
def index() -> RosterIndex:
    return RosterIndex.build(ROSTER)


@pytest.fixture(scope="session")
def match(index: RosterIndex) -> Callable[[str], MatchResult]:
    return lambda email: match_rows(index, [email])[0]
