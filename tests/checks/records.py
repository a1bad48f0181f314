"""Tiny builders for roster records used by the rule tests."""

from __future__ import annotations

from checks.models import Application, Enrollment, License, Role, Roster, RosterClass, RosterUser


def user(uid: str, role: Role = Role.TEACHER, email: str | None = None, *, status: str = "active",
         enabled: bool = True, given: str = "", family: str = "") -> RosterUser:
    return RosterUser(sourced_id=uid, role=role, status=status, enabled=enabled,
                      given_name=given or uid.title(), family_name=family or "Test",
                      email=f"{uid}@district.org" if email is None else email)


def app(app_id: str, tenant: str, *, enabled: bool = True, status: str = "Active") -> Application:
    return Application(tenant_id=f"t-{len(tenant)}", tenant_name=tenant, application_id="880",
                       oneroster_application_id=app_id, bearer="b", enabled=enabled,
                       tenant_status=status)


def license_(*, district: str = "Lincoln Unified School District", ids: tuple[str, ...] = (),
             emails: tuple[str, ...] = (), seats: int = 100) -> License:
    return License(id="lic", name="Lincoln HS", district=district, seats=seats,
                   instructor_emails=emails, application_ids=ids)


def roster(users: list[RosterUser], classes: dict[str, list[str]]) -> Roster:
    """`classes` maps a class id to the user ids enrolled in it (role taken from the user)."""
    role_of = {u.sourced_id: u.role for u in users}
    return Roster(
        users=tuple(users),
        classes=tuple(RosterClass(cid, f"Class {cid}") for cid in classes),
        enrollments=tuple(
            Enrollment(f"{cid}-{uid}", cid, uid, role_of[uid])
            for cid, uids in classes.items() for uid in uids
        ),
    )
