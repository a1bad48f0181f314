"""A neighbour's Application ID on the license: step 1 says whose it is, and nothing of that
district's roster reaches steps 2-3 (issue 8, item 1). A namesake tenant is never offered."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser, Diagnosis
from checks.licenses import MemoryLicenseDirectory
from checks.models import License, Role, Status
from sandbox.generate import generate_roster
from sandbox.server import SandboxServer
from sandbox.world import District, World


def district(tenant_id: str, name: str, app_id: str, domain: str, seed: int) -> District:
    return District(
        tenant_id=tenant_id, tenant_name=name, application_id="731460",
        oneroster_application_id=app_id, bearer=f"bearer-{tenant_id}", enabled=True,
        tenant_status="Active", access="proxy", client_id=f"c{tenant_id}",
        client_secret=f"s{tenant_id}",
        roster=generate_roster(users=120, teachers=8, seed=seed, domain=domain,
                               district_name=name),
    )


COUNTY = district("11", "Jefferson County Schools", "SmVmZkNv%3D", "jeffco.k12.mo.us", 1)
CITY = district("12", "Jefferson City Public Schools", "SmVmZkNp%3D", "jcschools.us", 2)
# another state's district of the same name as CITY's license, already on its own license
NAMESAKE = district("13", "Jefferson City Schools", "SmVmZk5z%3D", "jeffcityschools.org", 3)


def teachers(d: District) -> tuple[str, ...]:
    return tuple(u.email for u in d.roster.users if u.role is Role.TEACHER)[:5]


def run(license: License, *others: License) -> Diagnosis:
    world = World(partner_key="pk", districts=(COUNTY, CITY, NAMESAKE))
    with SandboxServer(world) as server, \
            ClassLinkClient(base_url=server.url, partner_key="pk") as client:
        directory = MemoryLicenseDirectory([license, *others])
        return Diagnoser(licenses=directory, classlink=client).diagnose(license.id)


@pytest.fixture(scope="module")
def foreign() -> Iterator[Diagnosis]:
    license = License(id="jc", name="Jefferson City HS", district="Jefferson City Schools",
                      seats=200, instructor_emails=teachers(CITY),
                      application_ids=(COUNTY.oneroster_application_id,))
    yield run(license)


def test_a_neighbours_id_fails_naming_both_districts(foreign: Diagnosis) -> None:
    step1 = foreign.steps["connection"]
    assert step1 is foreign.steps[0]
    assert step1.status is Status.FAIL
    found = {f.code: f for f in step1.findings}
    assert "application_foreign" in found
    assert found["application_foreign"].data["tenant_name"] == "Jefferson County Schools"
    assert found["application_foreign"].data["license_district"] == "Jefferson City Schools"


def test_the_neighbours_roster_is_not_shown(foreign: Diagnosis) -> None:
    assert [f.code for f in foreign.steps["emails"].findings] == ["roster_unavailable"]
    assert [f.code for f in foreign.steps["sanity"].findings] == ["roster_unavailable"]
    assert foreign.steps["sanity"].findings[0].data["cause"] == "foreign"
    assert foreign.roster is None
    text = json.dumps(foreign.to_json())
    assert "jeffco.k12.mo.us" not in text


def test_the_districts_own_connection_is_offered_not_the_namesake(foreign: Diagnosis) -> None:
    offered = [f.data["tenant_name"] for f in foreign.steps[0].findings
               if f.code == "unattached_match"]
    assert offered == ["Jefferson City Public Schools"]


def test_a_healthy_license_is_never_told_to_attach_another_id() -> None:
    license = License(id="jc", name="Jefferson City HS", district="Jefferson City Schools",
                      seats=200, instructor_emails=teachers(CITY),
                      application_ids=(CITY.oneroster_application_id,))
    diagnosis = run(license)
    assert [f.code for f in diagnosis.steps[0].findings] == ["application_ok"]


def test_a_connection_attached_to_another_districts_license_is_not_offered() -> None:
    mine = License(id="jc", name="Jefferson City HS", district="Jefferson City Schools",
                   seats=200, instructor_emails=teachers(NAMESAKE))
    other = License(id="spr", name="Springfield", district="Springfield R-12 School District",
                    seats=10, application_ids=(NAMESAKE.oneroster_application_id,))
    alone = run(mine)
    assert [f.data["tenant_name"] for f in alone.steps[0].findings
            if f.code == "unattached_match"] == ["Jefferson City Schools"]
    taken = run(mine, other)
    assert [f.code for f in taken.steps[0].findings] == ["no_application_id"]
