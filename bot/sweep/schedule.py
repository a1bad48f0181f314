"""The watch's schedule inside the deployment: a cron expression (ROSTERBOT_SWEEP_CRON, default
nightly at 03:00 in ROSTERBOT_SWEEP_TIMEZONE, default UTC), kept by every `rosterbot run`.

Every replica keeps the schedule; at each time it fires, the replicas race to claim that time
(one row in the store's claims, the same atomic claim that deduplicates Slack events), and only
the winner sweeps, so a night is swept once however many replicas run and however their clocks
drift. The sweep itself takes the sweep lease too (bot.sweep.run), so a scheduled sweep and one
started by `rosterbot sweep` never run at once either. A replica that is down when a time comes
does not make up for it later: the next time is the next sweep.

Cron expressions: bot.sweep.cron.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from bot.store import Store, StoreError
from bot.sweep.cron import CronSchedule
from bot.sweep.run import SweepBusy

log = logging.getLogger(__name__)

SLOT_KIND = "sweep_slot"  # claims: one per scheduled time
SLOT_TTL_SECONDS = 7 * 24 * 3600
LONGEST_NAP = 60.0  # the loop looks at the clock at least this often (a clock that jumped)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SweepScheduler:
    """A thread that calls `sweep(slot)` at each time of the schedule, when this replica is the
    first to claim that time in the store."""

    def __init__(self, schedule: CronSchedule, store: Store,
                 sweep: Callable[[dt.datetime], object], *,
                 clock: Callable[[], dt.datetime] = utc_now, nap: float = LONGEST_NAP) -> None:
        self.schedule, self.store, self._sweep, self._clock = schedule, store, sweep, clock
        self._nap = nap
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.next_run: dt.datetime | None = None

    def start(self) -> SweepScheduler:
        if self.schedule.off or self._thread is not None:
            return self
        self.next_run = self.schedule.next_after(self._clock())
        self._thread = threading.Thread(target=self._loop, name="sweep-schedule", daemon=True)
        self._thread.start()
        log.info("sweeps scheduled: %s; next at %s", self.schedule,
                 self.next_run.isoformat(timespec="minutes"))
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop waiting for the next time; a sweep under way gets `timeout` seconds to end (it
        is a daemon thread: its lease runs out if the process goes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while self.next_run is not None:
            left = (self.next_run - self._clock()).total_seconds()
            if left > 0:
                if self._stop.wait(min(left, self._nap)):
                    return
                continue
            slot = self.next_run
            self.fire(slot)
            self.next_run = self.schedule.next_after(max(slot, self._clock()))

    def fire(self, slot: dt.datetime) -> bool:
        """Sweep for `slot` if this replica claims it first; True when it swept."""
        try:
            if not self.store.claim(SLOT_KIND, slot.isoformat(), ttl_seconds=SLOT_TTL_SECONDS):
                log.info("the %s sweep is another replica's", slot.isoformat(timespec="minutes"))
                return False
            self._sweep(slot)
            return True
        except SweepBusy as busy:
            log.warning("scheduled sweep skipped: %s", busy)
        except StoreError as exc:
            log.error("scheduled sweep skipped: the store failed: %s", exc)
        except Exception:  # a sweep must never take the schedule down with it
            log.exception("the scheduled sweep failed")
        return False
