"""A 100k-user district is fetched and parsed well within 3 s over real HTTP (the sandbox)."""

from __future__ import annotations

import time

import httpx

from checks.classlink import ClassLinkClient
from checks.models import Role
from sandbox.generate import generate_roster
from sandbox.server import SandboxServer
from sandbox.world import District, World

USERS = 100_000
TEACHERS = 4_000
BUDGET = 3.0  # seconds, for fetching and parsing every user


def big_world() -> World:
    big = District(
        tenant_id="9001",
        tenant_name="Big Unified School District",
        application_id="1",
        oneroster_application_id="big%3D",
        bearer="big-bearer",
        enabled=True,
        tenant_status="Active",
        access="proxy",
        client_id="big-client",
        client_secret="big-secret",
        roster=generate_roster(users=USERS, teachers=TEACHERS, seed=11),
    )
    return World(partner_key="partner", districts=(big,))


def test_a_100k_user_district_reads_within_budget() -> None:
    with SandboxServer(big_world()) as server, httpx.Client(trust_env=False) as http:
        client = ClassLinkClient(base_url=server.url, partner_key="partner", http=http)
        district = client.district(client.application("big%3D"))
        # The first read also pays for the sandbox serialising its records on first use,
        # and a shared 2-core machine is noisy: the faster of two reads is the client's time.
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            users = district.users()
            timings.append(time.perf_counter() - started)
            assert len({u.sourced_id for u in users}) == USERS
            assert sum(u.role is Role.TEACHER for u in users) == TEACHERS
        pages = server.requests.matching("/users")
        assert len(pages) == 2 * USERS // 10_000  # full 10,000-record pages, nothing else
    assert min(timings) < BUDGET, f"{USERS} users took {min(timings):.2f}s at best"
