"""A short-lived per-process cache of diagnoses, so *Next step* does not refetch the roster.

*Check again* bypasses it. Replicas each keep their own; it only saves time, never decides.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from checks.diagnose import Diagnoser, Diagnosis


class DiagnosisCache:
    def __init__(self, *, ttl: float = 120.0, max_entries: int = 64,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._max, self._clock = ttl, max_entries, clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Diagnosis]] = {}

    def get(self, diagnoser: Diagnoser, license_id: str, *, fresh: bool = False) -> Diagnosis:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(license_id)
        if entry and not fresh and entry[0] > now:
            return entry[1]
        diagnosis = diagnoser.diagnose(license_id)
        with self._lock:
            if len(self._entries) >= self._max:
                oldest = min(self._entries, key=lambda k: self._entries[k][0])
                del self._entries[oldest]
            self._entries[license_id] = (now + self._ttl, diagnosis)
        return diagnosis

    def peek(self, license_id: str) -> Diagnosis | None:
        """The last diagnosis kept for the license, however old, without asking ClassLink: for
        answers that must come at once (a picker's type-ahead) and may be a little stale."""
        with self._lock:
            entry = self._entries.get(license_id)
        return entry[1] if entry else None

    def forget(self, license_id: str) -> None:
        with self._lock:
            self._entries.pop(license_id, None)
