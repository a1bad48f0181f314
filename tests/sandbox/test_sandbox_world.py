"""World files: loading, defaults, every kind of error, and the sample world's round trip."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.bundle import write_bundle
from sandbox.errors import SandboxWorldError
from sandbox.generate import generate_roster
from sandbox.sample import sample_world
from sandbox.world import World, derived_secret, load_world, write_world


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return write_bundle(generate_roster(users=30, teachers=3, seed=1), tmp_path / "b1")


def _district(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "tenant_id": 501, "tenant_name": "Test District", "application_id": "42",
        "oneroster_application_id": "QUJD%3D", "enabled": True, "tenant_status": "Active",
        "access": "proxy", "bundle": "b1",
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def _world_file(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "world.yml"
    path.write_text(yaml.safe_dump(document) if not isinstance(document, str) else document)
    return path


def test_minimal_world_gets_deterministic_defaults(tmp_path: Path, bundle: Path) -> None:
    path = _world_file(tmp_path, {"partner_key": "pk", "districts": [_district()]})
    world = load_world(path)
    district = world.districts[0]
    assert district.tenant_id == "501"  # YAML number, wire string
    assert district.bearer == derived_secret("bearer", "501")
    assert district.client_id == derived_secret("client_id", "501", 20)
    assert len(district.client_secret) == 40
    assert (district.api_shape, district.total_count_header) == ("1.1", True)
    assert len(district.roster.users) == 30
    assert load_world(path) == world


def test_direct_district_has_no_bearer(tmp_path: Path, bundle: Path) -> None:
    entry = _district(access="direct", api_shape=1.2, total_count_header=False,
                      client_id="cid", client_secret="sec", domains=["a.org", "old.a.org"])
    world = load_world(_world_file(tmp_path, {"partner_key": "pk", "districts": [entry]}))
    district = world.districts[0]
    assert (district.bearer, district.access, district.api_shape) == ("", "direct", "1.2")
    assert (district.client_id, district.client_secret) == ("cid", "sec")
    assert district.total_count_header is False
    assert district.domains == ("a.org", "old.a.org")


def test_generated_roster_in_a_world_file(tmp_path: Path) -> None:
    entry = _district(bundle=None, generate={"users": 500, "teachers": 20, "seed": 4})
    world = load_world(_world_file(tmp_path, {"partner_key": "pk", "districts": [entry]}))
    assert len(world.districts[0].roster.users) == 500


@pytest.mark.parametrize(("document", "field", "problem"), [
    ("partner_key: [unclosed", "", "not valid YAML"),
    ("- just a list", "(top level)", "must be a mapping"),
    ({"districts": [_district()]}, "partner_key", "is required"),
    ({"partner_key": "pk", "districts": []}, "districts", "non-empty list"),
    ({"partner_key": "pk", "districts": [_district()], "extra": 1}, "extra", "unknown field"),
    ({"partner_key": "pk", "districts": [_district(tenantid="x")]}, "districts[0].tenantid",
     "unknown field"),
    ({"partner_key": "pk", "districts": [_district(tenant_name=None)]},
     "districts[0].tenant_name", "is required"),
    ({"partner_key": "pk", "districts": [_district(tenant_name="  ")]},
     "districts[0].tenant_name", "must not be blank"),
    ({"partner_key": "pk", "districts": [_district(access="proxyy")]}, "districts[0].access",
     "must be one of proxy, direct"),
    ({"partner_key": "pk", "districts": [_district(api_shape="2.0")]},
     "districts[0].api_shape", "must be one of 1.1, 1.2"),
    ({"partner_key": "pk", "districts": [_district(enabled="yes please")]},
     "districts[0].enabled", "must be true or false"),
    ({"partner_key": "pk", "districts": [_district(tenant_name=["a"])]},
     "districts[0].tenant_name", "must be text"),
    ({"partner_key": "pk", "districts": [_district(access="direct", bearer="b")]},
     "districts[0].bearer", "must be empty"),
    ({"partner_key": "pk", "districts": [_district(bearer="")]},
     "districts[0].bearer", "must not be empty"),
    ({"partner_key": "pk", "districts": [_district(bundle="nowhere")]},
     "districts[0].bundle", "is not a folder"),
    ({"partner_key": "pk", "districts": [_district(bundle=None)]},
     "districts[0].bundle", "exactly one of"),
    ({"partner_key": "pk", "districts": [_district(generate={"users": 5})]},
     "districts[0].bundle", "exactly one of"),
    ({"partner_key": "pk", "districts": [_district(bundle=None, generate={"users": 5})]},
     "districts[0].generate.teachers", "is required"),
    ({"partner_key": "pk", "districts": [_district(bundle=None,
                                                   generate={"users": 5, "teachers": 9})]},
     "districts[0].generate", "teachers <= users"),
    ({"partner_key": "pk", "districts": [_district(domains="a.org")]},
     "districts[0].domains", "list of text"),
    ({"partner_key": "pk", "districts": [_district(), _district(oneroster_application_id="x")]},
     "districts", "share tenant_id '501'"),
])
def test_world_errors_name_file_and_field(
    tmp_path: Path, bundle: Path, document: Any, field: str, problem: str
) -> None:
    path = _world_file(tmp_path, document)
    with pytest.raises(SandboxWorldError) as caught:
        load_world(path)
    assert caught.value.path == path
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(str(path))


def test_missing_world_file(tmp_path: Path) -> None:
    with pytest.raises(SandboxWorldError, match="cannot read"):
        load_world(tmp_path / "absent.yml")


def test_sample_world_round_trips_through_files(tmp_path: Path) -> None:
    world = sample_world()
    path = write_world(world, tmp_path / "export")
    assert path.name == "world.yml"
    assert load_world(path) == world


def test_world_lookups_and_bearer_rotation() -> None:
    world = sample_world()
    lincoln = world.by_tenant("2001")
    assert lincoln is not None
    assert world.by_app_id(lincoln.oneroster_application_id) == lincoln
    assert world.by_client_id(lincoln.client_id) == lincoln
    assert world.by_tenant("nope") is None and world.by_app_id("nope") is None
    rotated = world.with_bearer("1042", "fresh")
    assert rotated.by_tenant("1042").bearer == "fresh"  # type: ignore[union-attr]
    assert rotated.by_tenant("1187") == world.by_tenant("1187")


def test_world_refuses_shared_credentials() -> None:
    world = sample_world()
    first, second = world.districts[:2]
    with pytest.raises(ValueError, match="share bearer"):
        World("pk", (first, dataclasses.replace(second, bearer=first.bearer)))
