"""One district's OneRoster 1.1 data, through the ClassLink proxy or directly (same endpoints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from checks.classlink.http import Params, Requester
from checks.classlink.paging import fetch_all
from checks.classlink.parse import (
    RecordError,
    parse_class,
    parse_enrollment,
    parse_org,
    parse_user,
)
from checks.errors import ClassLinkBadResponse
from checks.models import Enrollment, Org, Roster, RosterClass, RosterUser

T = TypeVar("T")


def email_filter(email: str) -> str:
    """`email='...'` with single quotes doubled, the usual escape inside OneRoster literals."""
    return "email='" + email.replace("'", "''") + "'"


class DistrictClient:
    """Fetches and parses one district's records; it decides nothing about them."""

    def __init__(self, requester: Requester, *, page_size: int, workers: int = 4) -> None:
        self._requester = requester
        self._page_size = page_size
        self._workers = workers

    @property
    def district(self) -> str:
        """The label errors carry: tenant name and id."""
        return self._requester.district

    def users(self) -> list[RosterUser]:
        return self._all("users", "users", parse_user)

    def teachers(self) -> list[RosterUser]:
        return self._all("teachers", "users", parse_user)

    def students(self) -> list[RosterUser]:
        return self._all("students", "users", parse_user)

    def classes(self) -> list[RosterClass]:
        return self._all("classes", "classes", parse_class)

    def enrollments(self) -> list[Enrollment]:
        return self._all("enrollments", "enrollments", parse_enrollment)

    def orgs(self) -> list[Org]:
        return self._all("orgs", "orgs", parse_org)

    def user(self, sourced_id: str) -> RosterUser:
        """One user by sourcedId; ClassLinkNotFound when the district does not send it."""
        path = f"users/{quote(sourced_id, safe='')}"
        reply = self._requester.get(path, envelope="user")
        try:
            return parse_user(reply.body["user"])
        except RecordError as exc:
            raise ClassLinkBadResponse(
                str(exc), district=self.district, call=f"GET /{path}"
            ) from exc

    def teacher_classes(self, sourced_id: str) -> list[RosterClass]:
        return self._all(f"teachers/{quote(sourced_id, safe='')}/classes", "classes", parse_class)

    def users_by_email(self, email: str) -> list[RosterUser]:
        """Users ClassLink matches to `email` (its comparison, e.g. case-insensitive)."""
        return self._all("users", "users", parse_user, {"filter": email_filter(email)})

    def roster(self) -> Roster:
        return Roster(
            users=tuple(self.users()),
            classes=tuple(self.classes()),
            enrollments=tuple(self.enrollments()),
            orgs=tuple(self.orgs()),
        )

    def _all(
        self, path: str, envelope: str, parse: Callable[[Any], T], params: Params | None = None
    ) -> list[T]:
        return fetch_all(
            self._requester,
            path,
            envelope=envelope,
            parse=parse,
            page_size=self._page_size,
            params=params,
            workers=self._workers,
        )
