from __future__ import annotations

from typing import Any

import pytest
from classlink_fakes import app_json, application, status_body, user_11

from checks.classlink.parse import (
    RecordError,
    parse_application,
    parse_class,
    parse_enrollment,
    parse_org,
    parse_server,
    parse_user,
    status_info,
)
from checks.models import Role


def user_12(**overrides: Any) -> dict[str, Any]:
    record = {k: v for k, v in user_11(7).items() if k not in ("role", "orgs")}
    record["enabledUser"] = True
    record["roles"] = [
        {"roleType": "secondary", "role": "aide", "org": {"sourcedId": "s2", "type": "org"}},
        {"roleType": "primary", "role": "teacher", "org": {"sourcedId": "s1", "type": "org"}},
    ]
    return record | overrides


def test_user_11_shape() -> None:
    user = parse_user(user_11(3, role="teacher"))
    assert user.sourced_id == "u000003"
    assert user.role is Role.TEACHER
    assert (user.given_name, user.family_name, user.username) == ("Given3", "Family3", "user3")
    assert user.email == "user3@lincoln.k12.ca.us"
    assert user.org_ids == ("s1",)
    assert user.enabled and user.status == "active" and user.active


def test_user_12_shape_prefers_the_primary_role() -> None:
    user = parse_user(user_12())
    assert user.role is Role.TEACHER
    assert user.org_ids == ("s1", "s2")  # primary role's org first
    assert user.enabled is True


def test_user_12_without_primary_takes_the_first_role() -> None:
    roles = [{"roleType": "secondary", "role": "administrator", "org": {"sourcedId": "d1"}}]
    assert parse_user(user_12(roles=roles)).role is Role.ADMINISTRATOR


def test_user_12_district_administrator_is_an_administrator() -> None:
    roles = [{"roleType": "primary", "role": "districtAdministrator"}]
    assert parse_user(user_12(roles=roles)).role is Role.ADMINISTRATOR


def test_user_with_both_shapes_uses_the_11_role() -> None:
    user = parse_user(user_11(1, role="student", roles=user_12()["roles"]))
    assert user.role is Role.STUDENT
    assert user.org_ids == ("s1",)


@pytest.mark.parametrize(
    ("sent", "enabled"),
    [("true", True), ("false", False), ("FALSE", False), (True, True), (False, False)],
)
def test_enabled_user_as_string_or_bool(sent: object, enabled: bool) -> None:
    assert parse_user(user_11(1, enabledUser=sent)).enabled is enabled


def test_missing_enabled_user_means_enabled() -> None:
    record = user_11(1)
    del record["enabledUser"]
    assert parse_user(record).enabled is True


@pytest.mark.parametrize("email", [None, ""])
def test_missing_or_null_email_is_empty(email: str | None) -> None:
    assert parse_user(user_11(1, email=email)).email == ""
    record = user_11(1)
    del record["email"]
    assert parse_user(record).email == ""


def test_email_is_kept_exactly_as_sent() -> None:
    assert parse_user(user_11(1, email=" Ms.Smith@Lincoln.org ")).email == " Ms.Smith@Lincoln.org "


@pytest.mark.parametrize("status", ["", None])
def test_blank_status_is_active(status: str | None) -> None:
    assert parse_user(user_11(1, status=status)).status == "active"


def test_tobedeleted_status_is_kept() -> None:
    user = parse_user(user_11(1, status="tobedeleted"))
    assert user.status == "tobedeleted" and not user.active


@pytest.mark.parametrize("role", ["proctor", "relative", "", None, 7])
def test_unknown_role_is_other(role: object) -> None:
    assert parse_user(user_11(1, role=role)).role is Role.OTHER


def test_unknown_extra_fields_are_ignored() -> None:
    user = parse_user(user_11(1, metadata={"x": 1}, pronouns="they", userProfiles=[]))
    assert user.sourced_id == "u000001"


@pytest.mark.parametrize("bad", [None, [], "u1", {"givenName": "no id"}])
def test_a_record_without_sourced_id_is_rejected(bad: object) -> None:
    with pytest.raises(RecordError):
        parse_user(bad)


def test_class_takes_the_school_sourced_id() -> None:
    raw = {
        "sourcedId": "c1",
        "status": "active",
        "title": "Physics 1",
        "classCode": "PHY1",
        "school": {"href": "https://x-vn-v2.rosterserver.com/orgs/s9", "sourcedId": "s9"},
        "course": {"sourcedId": "k1"},
        "terms": [{"sourcedId": "t1"}],
    }
    rc = parse_class(raw)
    assert (rc.sourced_id, rc.title, rc.school_id, rc.status) == ("c1", "Physics 1", "s9", "active")


def test_enrollment_takes_user_class_and_role() -> None:
    raw = {
        "sourcedId": "e1",
        "status": "tobedeleted",
        "role": "teacher",
        "primary": "true",
        "user": {"sourcedId": "u1", "type": "user"},
        "class": {"sourcedId": "c1", "type": "class"},
        "school": {"sourcedId": "s1", "type": "org"},
    }
    e = parse_enrollment(raw)
    assert (e.user_id, e.class_id, e.role, e.status) == ("u1", "c1", Role.TEACHER, "tobedeleted")


def test_org_parent_or_none() -> None:
    school = parse_org(
        {
            "sourcedId": "s1",
            "name": "Lincoln High",
            "type": "school",
            "parent": {"sourcedId": "d1", "type": "org"},
        }
    )
    district = parse_org(
        {"sourcedId": "d1", "name": "Lincoln USD", "type": "district", "parent": None}
    )
    assert (school.parent_id, school.type) == ("d1", "school")
    assert district.parent_id == ""


def test_application_string_flags_and_ids() -> None:
    app = parse_application(app_json(application()) | {"tenant_id": 2001})
    assert app.tenant_id == "2001" and app.oneroster_application_id == "MoYPlyQWmG0%3D"
    assert app.enabled is True and app.active
    disabled = parse_application(app_json(application()) | {"enabled": "false"})
    assert disabled.enabled is False


def test_application_without_bearer_has_empty_bearer() -> None:
    raw = app_json(application()) | {"bearer": None}
    assert parse_application(raw).bearer == ""


def test_server_credentials() -> None:
    server = parse_server(
        {"client_id": "k", "client_secret": "s", "endpoint_url": "https://x/ims/oneroster/v1p1"}
    )
    assert (server.client_id, server.client_secret) == ("k", "s")
    with pytest.raises(RecordError):
        parse_server({"client_secret": "s"})


def test_status_info_reads_description_and_code_minor() -> None:
    info = status_info(status_body("unknownobject", "No user with that id"))
    assert info is not None
    assert (info.code_major, info.code_minor) == ("failure", "unknownobject")
    assert info.summary() == "unknownobject: No user with that id"
    assert status_info({"users": []}) is None
    bare = status_info({"statusInfoSet": [{"imsx_codeMajor": "failure"}]})
    assert bare is not None and bare.summary() == "failure"
