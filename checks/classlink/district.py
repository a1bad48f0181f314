"""One district's OneRoster 1.1 data, through the ClassLink proxy or directly (same endpoints).

`roster()` reads users, classes, enrollments and orgs at the same time: against a remote
ClassLink each request costs a round trip, and reading the four one after another would add
their waits up. Their pages share one pool of `in_flight` threads, so at most that many
requests are out at once and memory stays flat (a waiting response is ~5 MB of JSON at 10,000
records). When one read fails the others stop before their next page, and the first failure
(in users, classes, enrollments, orgs order) is raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, TypeVar, cast
from urllib.parse import quote

from checks.classlink.http import Params, Requester
from checks.classlink.paging import Cancelled, fetch_all
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

    def __init__(self, requester: Requester, *, page_size: int, workers: int = 4,
                 in_flight: int = 6) -> None:
        self._requester = requester
        self._page_size = page_size
        self._workers = workers
        self._in_flight = max(1, in_flight)

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
        failed = threading.Event()
        pages = ThreadPoolExecutor(self._in_flight, thread_name_prefix="roster-page")

        def read(path: str, parse: Callable[[Any], Any]) -> list[Any]:
            try:
                return self._all(path, path, parse, executor=pages, cancelled=failed)
            except BaseException:
                failed.set()
                raise

        reads = (("users", parse_user), ("classes", parse_class),
                 ("enrollments", parse_enrollment), ("orgs", parse_org))
        with pages, ThreadPoolExecutor(len(reads), thread_name_prefix="roster") as pool:
            futures = [pool.submit(read, path, parse) for path, parse in reads]
        errors = [f.exception() for f in futures]
        first = next((e for e in errors if e is not None and not isinstance(e, Cancelled)),
                     next((e for e in errors if e is not None), None))
        if first is not None:
            raise first
        users, classes, enrollments, orgs = (f.result() for f in futures)
        return Roster(
            users=tuple(cast(list[RosterUser], users)),
            classes=tuple(cast(list[RosterClass], classes)),
            enrollments=tuple(cast(list[Enrollment], enrollments)),
            orgs=tuple(cast(list[Org], orgs)),
        )

    def _all(
        self, path: str, envelope: str, parse: Callable[[Any], T], params: Params | None = None,
        *, executor: Executor | None = None, cancelled: threading.Event | None = None,
    ) -> list[T]:
        return fetch_all(
            self._requester,
            path,
            envelope=envelope,
            parse=parse,
            page_size=self._page_size,
            params=params,
            workers=self._workers,
            executor=executor,
            cancelled=cancelled,
        )
