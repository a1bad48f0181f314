"""The sandbox's record of the requests it received, for assertions in tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl

AuthKind = Literal["bearer", "oauth1", "none"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # raw (still percent-encoded), without the query
    query: dict[str, str]  # decoded; the last value wins for a repeated name
    auth: AuthKind

    @classmethod
    def of(cls, method: str, path: str, query: str, authorization: str) -> RecordedRequest:
        return cls(method, path, dict(parse_qsl(query, keep_blank_values=True)),
                   auth_kind(authorization))

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "query": self.query, "auth": self.auth}


def auth_kind(authorization: str) -> AuthKind:
    scheme = authorization.strip().split(" ", 1)[0].lower()
    if scheme == "bearer":
        return "bearer"
    return "oauth1" if scheme == "oauth" else "none"


class RequestLog:
    """A thread-safe, append-only list of RecordedRequest (clear() empties it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._items.append(request)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def matching(self, path_contains: str) -> list[RecordedRequest]:
        return [r for r in self.snapshot() if path_contains in r.path]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __getitem__(self, index: int) -> RecordedRequest:
        with self._lock:
            return self._items[index]
