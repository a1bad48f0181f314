"""The OneRoster 1.1 endpoints of one district, after authentication has passed.

    users, teachers, students, classes, enrollments, orgs, schools    paged lists
    users|teachers|students/{id}, classes/{id}, enrollments/{id}, orgs|schools/{id}   one record
    users|teachers|students/{id}/classes                              a user's classes
    classes/{id}/students|teachers                                    a class's members

Lists take limit/offset, filter, sort=sourcedId and orderBy=asc|desc. They carry X-Total-Count
unless the district's `total_count_header` is off, and a Link rel="next" pointing at the
district's rosterserver.com host (which clients must never follow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from checks.models import Role
from sandbox.catalog import Collection, DistrictCatalog, page_of, single_body
from sandbox.filters import FilterError, Predicate, parse_filter
from sandbox.wire import Request, Response, error, paging

_Lister = Callable[[DistrictCatalog], Collection[Any]]

LISTS: dict[str, _Lister] = {
    "users": lambda c: c.users(),
    "teachers": lambda c: c.users_in_role(Role.TEACHER),
    "students": lambda c: c.users_in_role(Role.STUDENT),
    "classes": lambda c: c.classes(),
    "enrollments": lambda c: c.enrollments(),
    "orgs": lambda c: c.orgs(),
    "schools": lambda c: c.orgs().subset(
        i for i, org in enumerate(c.orgs().records) if org.type == "school"),
}
SINGLE_ENVELOPES = {
    "users": "user", "teachers": "user", "students": "user", "classes": "class",
    "enrollments": "enrollment", "orgs": "org", "schools": "org",
}
MEMBER_ROLES = {"students": Role.STUDENT, "teachers": Role.TEACHER}


def district_endpoint(catalog: DistrictCatalog, rest: str, request: Request) -> Response:
    segments = [unquote(s) for s in rest.strip("/").split("/")]
    match segments:
        case [name] if name in LISTS:
            return _list(catalog, LISTS[name](catalog), rest, request)
        case [name, sourced_id] if name in SINGLE_ENVELOPES:
            return _single(catalog, name, sourced_id)
        case [("users" | "teachers" | "students") as name, sourced_id, "classes"]:
            if _find(catalog, name, sourced_id) is None:
                return error(404, "unknownobject", f"no {name[:-1]} {sourced_id!r}")
            return _list(catalog, catalog.classes_of(sourced_id), rest, request)
        case ["classes", sourced_id, ("students" | "teachers") as members]:
            if _find(catalog, "classes", sourced_id) is None:
                return error(404, "unknownobject", f"no class {sourced_id!r}")
            members_of = catalog.members_of(sourced_id, MEMBER_ROLES[members])
            return _list(catalog, members_of, rest, request)
    return error(404, "unknownobject", f"no endpoint {rest!r}")


def _find(catalog: DistrictCatalog, name: str, sourced_id: str) -> bytes | None:
    collection = LISTS[name](catalog)
    position = catalog.position(name, collection, sourced_id)
    return None if position is None else collection.blob(position)


def _single(catalog: DistrictCatalog, name: str, sourced_id: str) -> Response:
    blob = _find(catalog, name, sourced_id)
    if blob is None:
        return error(404, "unknownobject", f"no {SINGLE_ENVELOPES[name]} {sourced_id!r}")
    return Response(200, single_body(SINGLE_ENVELOPES[name], blob))


def _list(catalog: DistrictCatalog, collection: Collection[Any], rest: str, request: Request
          ) -> Response:
    params = request.params()
    try:
        offset, limit = paging(params)
        descending = _descending(params)
    except ValueError as exc:
        return error(400, "invaliddata", str(exc))
    try:
        predicates: tuple[Predicate, ...] = (
            parse_filter(params["filter"]) if params.get("filter") else ()
        )
        page = page_of(collection, predicates=predicates, offset=offset, limit=limit,
                       descending=descending)
    except FilterError as exc:
        return error(400, "invalid_filter_field", str(exc))
    headers: list[tuple[str, str]] = []
    if catalog.district.total_count_header:
        headers.append(("X-Total-Count", str(page.total)))
    if offset + page.count < page.total:
        following = f"{catalog.base}/{rest}?limit={limit}&offset={offset + limit}"
        headers.append(("Link", f'<{following}>; rel="next"'))
    return Response(200, page.body, tuple(headers))


def _descending(params: dict[str, str]) -> bool:
    sort = params.get("sort", "sourcedId") or "sourcedId"
    if sort != "sourcedId":
        raise ValueError(f"the sandbox sorts only by sourcedId, not {sort!r}")
    order = (params.get("orderBy", "asc") or "asc").lower()
    if order not in ("asc", "desc"):
        raise ValueError(f"orderBy must be asc or desc, got {order!r}")
    return order == "desc"
