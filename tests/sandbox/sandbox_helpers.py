"""Plain helpers the sandbox tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from sandbox.server import SandboxServer
from sandbox.world import District, World

Signed = Callable[..., httpx.Response]


def district(world: World, tenant_id: str) -> District:
    found = world.by_tenant(tenant_id)
    assert found is not None, tenant_id
    return found


def proxy_path(d: District, endpoint: str) -> str:
    return f"/proxy/v1p0/{d.oneroster_application_id}/ims/oneroster/v1p1/{endpoint}"


def direct_url(server: SandboxServer, d: District, endpoint: str) -> str:
    return f"{server.url}/districts/{d.tenant_id}/ims/oneroster/v1p1/{endpoint}"
