"""A district's roster as collections of pre-serialised records: a page is a slice of bytes.

Every record is turned into JSON once (with orjson), the first time a page holds it; after
that a page of 10,000 users costs a list slice and one `b",".join`. Serialising lazily keeps
start-up instant and spares the work (and memory) for pages nobody asks for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from checks.models import Enrollment, Org, Role, RosterClass, RosterUser
from sandbox.filters import Predicate, select
from sandbox.records import class_json, enrollment_json, org_json, roster_base, user_json
from sandbox.world import District

R = TypeVar("R")

USER_GETTERS: Mapping[str, Callable[[RosterUser], str]] = {
    "sourcedId": lambda u: u.sourced_id,
    "status": lambda u: u.status,
    "role": lambda u: u.role.value,
    "email": lambda u: u.email,
    "givenName": lambda u: u.given_name,
    "familyName": lambda u: u.family_name,
}
CLASS_GETTERS: Mapping[str, Callable[[RosterClass], str]] = {
    "sourcedId": lambda c: c.sourced_id,
    "status": lambda c: c.status,
}
ENROLLMENT_GETTERS: Mapping[str, Callable[[Enrollment], str]] = {
    "sourcedId": lambda e: e.sourced_id,
    "status": lambda e: e.status,
    "role": lambda e: e.role.value,
}
ORG_GETTERS: Mapping[str, Callable[[Org], str]] = {
    "sourcedId": lambda o: o.sourced_id,
    "status": lambda o: "active",
}


class BlobCache(Generic[R]):
    """Each record's JSON, made with orjson the first time a page needs it, then kept.

    Two threads may serialise the same record at once; both store identical bytes, so the
    race is harmless and no lock is needed.
    """

    def __init__(self, records: Sequence[R], serialise: Callable[[R], bytes]) -> None:
        self._records = records
        self._serialise = serialise
        self._blobs: list[bytes | None] = [None] * len(records)

    def get(self, positions: Iterable[int]) -> list[bytes]:
        blobs, out = self._blobs, []
        for position in positions:
            blob = blobs[position]
            if blob is None:
                blob = blobs[position] = self._serialise(self._records[position])
            out.append(blob)
        return out


@dataclass(frozen=True, slots=True)
class Collection(Generic[R]):
    """Records in sourcedId order; `positions` says where each one's JSON sits in the cache."""

    envelope: str
    records: Sequence[R]
    positions: Sequence[int]
    cache: BlobCache[R]
    getters: Mapping[str, Callable[[R], str]]

    @classmethod
    def of(cls, envelope: str, records: Sequence[R], serialise: Callable[[R], bytes],
           getters: Mapping[str, Callable[[R], str]]) -> Collection[R]:
        return cls(envelope, records, range(len(records)), BlobCache(records, serialise),
                   getters)

    def subset(self, indices: Iterable[int]) -> Collection[R]:
        """Some of these records (same JSON cache), still in order."""
        chosen = list(indices)
        return Collection(
            self.envelope, [self.records[i] for i in chosen],
            [self.positions[i] for i in chosen], self.cache, self.getters,
        )

    def blob(self, index: int) -> bytes:
        return self.cache.get((self.positions[index],))[0]


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    total: int  # records after filtering
    count: int  # records on this page


def page_of(
    collection: Collection[Any], *, predicates: Sequence[Predicate] = (), offset: int = 0,
    limit: int = 100, descending: bool = False,
) -> Page:
    """One page of the collection as an envelope body; raises FilterError for bad predicates."""
    if predicates or descending:
        indices: Sequence[int] = (
            select(collection.records, predicates, collection.getters) if predicates
            else range(len(collection.positions))
        )
        if descending:
            indices = indices[::-1]
        total = len(indices)
        positions = collection.positions
        blobs = collection.cache.get(positions[i] for i in indices[offset:offset + limit])
    else:
        total = len(collection.positions)
        blobs = collection.cache.get(collection.positions[offset:offset + limit])
    body = b'{"' + collection.envelope.encode() + b'":[' + b",".join(blobs) + b"]}"
    return Page(body=body, total=total, count=len(blobs))


def single_body(envelope: str, blob: bytes) -> bytes:
    return b'{"' + envelope.encode() + b'":' + blob + b"}"


class DistrictCatalog:
    """A district's collections, built on first use (thread-safe) and kept."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.base = roster_base(district.host_slug)
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}

    def _once(self, name: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]

    def users(self) -> Collection[RosterUser]:
        def build() -> Collection[RosterUser]:
            users = sorted(self.district.roster.users, key=lambda u: u.sourced_id)
            base, shape = self.base, self.district.api_shape
            return Collection.of(
                "users", users, lambda u: orjson.dumps(user_json(u, base=base, shape=shape)),
                USER_GETTERS,
            )

        result: Collection[RosterUser] = self._once("users", build)
        return result

    def users_in_role(self, role: Role) -> Collection[RosterUser]:
        users = self.users()
        result: Collection[RosterUser] = self._once(
            f"users:{role.value}",
            lambda: users.subset(i for i, u in enumerate(users.records) if u.role is role),
        )
        return result

    def classes(self) -> Collection[RosterClass]:
        def build() -> Collection[RosterClass]:
            classes = sorted(self.district.roster.classes, key=lambda c: c.sourced_id)
            base = self.base
            return Collection.of(
                "classes", classes, lambda c: orjson.dumps(class_json(c, base=base)),
                CLASS_GETTERS,
            )

        result: Collection[RosterClass] = self._once("classes", build)
        return result

    def enrollments(self) -> Collection[Enrollment]:
        def build() -> Collection[Enrollment]:
            schools = {c.sourced_id: c.school_id for c in self.district.roster.classes}
            enrollments = sorted(self.district.roster.enrollments, key=lambda e: e.sourced_id)
            base = self.base
            return Collection.of(
                "enrollments", enrollments,
                lambda e: orjson.dumps(enrollment_json(
                    e, base=base, school_id=schools.get(e.class_id, ""))),
                ENROLLMENT_GETTERS,
            )

        result: Collection[Enrollment] = self._once("enrollments", build)
        return result

    def orgs(self) -> Collection[Org]:
        def build() -> Collection[Org]:
            orgs = sorted(self.district.roster.orgs, key=lambda o: o.sourced_id)
            base = self.base
            return Collection.of(
                "orgs", orgs, lambda o: orjson.dumps(org_json(o, base=base)), ORG_GETTERS)

        result: Collection[Org] = self._once("orgs", build)
        return result

    def position(self, name: str, collection: Collection[Any], sourced_id: str) -> int | None:
        """Where a sourcedId sits in the collection cached under `name` (index built once)."""
        index: dict[str, int] = self._once(
            f"index:{name}",
            lambda: {r.sourced_id: i for i, r in enumerate(collection.records)},
        )
        return index.get(sourced_id)

    def classes_of(self, user_id: str) -> Collection[RosterClass]:
        """The classes a user is enrolled in (any role)."""
        links: dict[str, set[str]] = self._once("classes_by_user", lambda: _group(
            (e.user_id, e.class_id) for e in self.district.roster.enrollments))
        return self._pick("classes", self.classes(), links.get(user_id, set()))

    def members_of(self, class_id: str, role: Role) -> Collection[RosterUser]:
        """The users enrolled in a class with the given role."""
        links: dict[str, set[str]] = self._once("users_by_class", lambda: _group(
            (f"{e.class_id}\n{e.role.value}", e.user_id)
            for e in self.district.roster.enrollments))
        return self._pick("users", self.users(), links.get(f"{class_id}\n{role.value}", set()))

    def _pick(self, name: str, collection: Collection[R], sourced_ids: Iterable[str]
              ) -> Collection[R]:
        """The records with these sourcedIds, in collection order (index lookups, no scan)."""
        found = (self.position(name, collection, sourced_id) for sourced_id in sourced_ids)
        return collection.subset(sorted(p for p in found if p is not None))


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, set()).add(value)
    return grouped
