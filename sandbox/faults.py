"""Fault switches: make the next matching request(s) fail in a chosen way, for tests."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429 server_busy with Retry-After
    SERVER_ERROR = "server_error"  # 500 internal_server_error
    BAD_GATEWAY = "bad_gateway"  # 502 with a plain-text body
    SLOW = "slow"  # sleep `delay` seconds, then answer normally
    TRUNCATED = "truncated"  # 200 whose JSON body is cut in half
    ERROR_BODY_200 = "error_body_200"  # 200 carrying a statusInfoSet instead of the envelope
    DROP = "drop"  # close the connection without answering


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    times: int | None = 1  # None: every matching request until cleared
    path_contains: str | None = None  # matched against the raw path and query
    retry_after: float = 1.0
    delay: float = 2.0

    def applies_to(self, target: str) -> bool:
        return self.path_contains is None or self.path_contains in target

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value}


class FaultSwitches:
    """Pending faults, first added first used; each request uses at most one. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[tuple[Fault, list[int | None]]] = []  # fault, [uses left]

    def add(
        self, kind: FaultKind | str, *, times: int | None = 1, path_contains: str | None = None,
        retry_after: float = 1, delay: float = 2.0,
    ) -> Fault:
        """Arm a fault; raises ValueError for an unknown kind or a bad count or duration."""
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown fault kind {kind!r} (known: {known})") from None
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for always")
        if retry_after < 0 or delay < 0:
            raise ValueError("retry_after and delay must not be negative")
        fault = Fault(fault_kind, times, path_contains, float(retry_after), float(delay))
        with self._lock:
            self._pending.append((fault, [times]))
        return fault

    def clear(self) -> int:
        """Disarm every fault; returns how many were pending."""
        with self._lock:
            count = len(self._pending)
            self._pending.clear()
        return count

    def pending(self) -> list[Fault]:
        with self._lock:
            return [fault for fault, _ in self._pending]

    def take(self, target: str) -> Fault | None:
        """The first fault matching this request target, using up one of its times."""
        with self._lock:
            for position, (fault, left) in enumerate(self._pending):
                if not fault.applies_to(target):
                    continue
                remaining = left[0]
                if remaining is not None:
                    if remaining <= 1:
                        del self._pending[position]
                    else:
                        left[0] = remaining - 1
                return fault
        return None
