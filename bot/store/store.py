"""The store: one object the bot holds, one short transaction per call.

Every method runs in its own transaction, so a call either happens whole or not at all; database
errors come out as StoreUnavailable (cannot reach the database) or StoreError (anything else).
The object is safe to share between threads; several processes may open the same database.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from types import TracebackType
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine

from bot.store import audit as audit_log
from bot.store import claims, diagnoses, dialogs, escalations, links, migrations, words
from bot.store import journal as job_journal
from bot.store.engine import READ_ONLY, create_store_engine, normalise_url, translate_error
from bot.store.errors import StoreError
from bot.store.fixes import FixStore
from bot.store.records import (
    AuditEntry,
    ChannelLink,
    DiagnosisRecord,
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    StoredDialog,
    ThreadWords,
    UpgradeResult,
)
from bot.store.sweeps import SweepStore

Clock = Callable[[], dt.datetime]
DEFAULT_CLAIM_TTL_SECONDS = 24 * 3600
CLAIM_PURGE_INTERVAL = dt.timedelta(minutes=10)
logger = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_store(database_url: str, *, migrate: bool = True, clock: Clock = utc_now) -> Store:
    """Open the store at sqlite:///path or postgresql://...; apply pending migrations if asked."""
    store = Store(create_store_engine(normalise_url(database_url)), clock=clock)
    if migrate:
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
    return store


class Store:
    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self._engine = engine
        # SQLite has one writer at a time, and its busy handler makes waiters sleep and retry
        # out of order (up to 100 ms a try): under load a request-thread write (the event
        # claim) waited over 3 s behind worker writes. Queueing this process's writers on a
        # lock hands the database over at once; busy_timeout still covers other processes.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext())
        self._clock = clock
        self._purge_lock = threading.Lock()
        self._next_purge: dt.datetime | None = None

    # -- lifecycle and schema ------------------------------------------------------------

    @property
    def backend(self) -> str:
        """The database kind: "sqlite" or "postgresql"."""
        return self._engine.dialect.name

    @property
    def location(self) -> str:
        """The database URL with any password hidden, for messages."""
        return self._engine.url.render_as_string(hide_password=True)

    def upgrade(
        self, migration_list: Sequence[migrations.Migration] | None = None
    ) -> UpgradeResult:
        """Apply pending migrations (all of bot.store.migrations unless a list is given)."""
        chosen = migrations.MIGRATIONS if migration_list is None else migration_list
        with self._translated():
            return migrations.upgrade(self._engine, migrations=chosen, now=self._clock)

    def schema_version(self) -> int:
        with self._translated():
            return migrations.current_version(self._engine)

    def close(self) -> None:
        """Close every pooled connection. The object must not be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- dialogs -------------------------------------------------------------------------

    def save_dialog(
        self,
        dialog_id: str,
        *,
        channel_id: str,
        thread_ts: str,
        user_id: str,
        license_id: str | None,
        state: dict[str, Any],
        expected_version: int | None,
    ) -> int:
        """Save and return the new version; None creates. StoreConflict if the version moved."""
        with self._write() as conn:
            return dialogs.save(
                conn,
                dialog_id,
                channel_id=channel_id,
                thread_ts=thread_ts,
                user_id=user_id,
                license_id=license_id,
                state=state,
                expected_version=expected_version,
                now=self._clock(),
            )

    def load_dialog(self, dialog_id: str) -> StoredDialog | None:
        with self._read() as conn:
            return dialogs.load(conn, dialog_id)

    def find_dialog_by_thread(self, channel_id: str, thread_ts: str) -> StoredDialog | None:
        with self._read() as conn:
            return dialogs.find_by_thread(conn, channel_id, thread_ts)

    def expire_dialogs(self, older_than: dt.datetime | dt.timedelta) -> int:
        """Delete dialogs not saved since `older_than` (a time, or an age); how many went."""
        cutoff = self._clock() - older_than if isinstance(older_than, dt.timedelta) else older_than
        with self._write() as conn:
            return dialogs.expire(conn, cutoff)

    # -- channel links -------------------------------------------------------------------

    def link_channel(self, channel_id: str, license_id: str, *, by_user: str) -> ChannelLink:
        with self._write() as conn:
            return links.link(conn, channel_id, license_id, by_user=by_user, now=self._clock())

    def unlink_channel(self, channel_id: str) -> bool:
        with self._write() as conn:
            return links.unlink(conn, channel_id)

    def channel_link(self, channel_id: str) -> ChannelLink | None:
        with self._read() as conn:
            return links.get(conn, channel_id)

    def linked_license(self, channel_id: str) -> str | None:
        link = self.channel_link(channel_id)
        return None if link is None else link.license_id

    # -- escalations ---------------------------------------------------------------------

    def create_escalation(
        self,
        key: str,
        *,
        dialog_id: str | None,
        channel_id: str,
        license_id: str | None,
        summary: dict[str, Any],
    ) -> tuple[Escalation, bool]:
        """The escalation for `key` and whether this call created it (one caller in all does)."""
        escalation, outcome = self.open_escalation(
            key, scope=None, window_seconds=0, dialog_id=dialog_id, channel_id=channel_id,
            license_id=license_id, summary=summary)
        return escalation, outcome is EscalationOutcome.CREATED

    def open_escalation(
        self,
        key: str,
        *,
        scope: str | None,
        window_seconds: float,
        dialog_id: str | None,
        channel_id: str,
        license_id: str | None,
        summary: dict[str, Any],
    ) -> tuple[Escalation, EscalationOutcome]:
        """The escalation a request for support (dialog or thread `key`) belongs to: its own
        (reopened if it was resolved), else an unresolved one of the same `scope` created in
        the last `window_seconds` (0: none), else a new one. See escalations.open_or_join."""
        now = self._clock()
        since = now - dt.timedelta(seconds=window_seconds) if window_seconds > 0 else None
        with self._write() as conn:
            return escalations.open_or_join(
                conn, key, scope=scope, since=since, dialog_id=dialog_id, channel_id=channel_id,
                license_id=license_id, summary=summary, now=now)

    def mark_escalation_posted(
        self, key: str, *, message_ts: str, summary: dict[str, Any] | None = None
    ) -> Escalation:
        with self._write() as conn:
            return escalations.mark_posted(conn, key, message_ts=message_ts, now=self._clock(),
                                           summary=summary)

    def discard_unposted_escalation(self, key: str) -> bool:
        """Forget an escalation whose summary never went out, so asking again can retry."""
        with self._write() as conn:
            return escalations.discard_unposted(conn, key)

    def escalation(self, key: str) -> Escalation | None:
        with self._read() as conn:
            return escalations.get(conn, key)

    def open_escalations(self, limit: int = 20) -> list[Escalation]:
        """Unresolved (open or claimed) escalations, newest first."""
        return self.escalations_with_status(
            (EscalationStatus.OPEN, EscalationStatus.CLAIMED), limit)

    def escalations_with_status(
        self, statuses: Sequence[EscalationStatus], limit: int = 20
    ) -> list[Escalation]:
        """Newest first; resolved ones by when they were resolved."""
        with self._read() as conn:
            return escalations.with_status(conn, statuses, limit)

    def claim_escalation(self, key: str, *, by: str) -> bool:
        """Open -> claimed; False when unknown, claimed already or resolved."""
        with self._write() as conn:
            return escalations.claim(conn, key, by=by, now=self._clock())

    def resolve_escalation(self, key: str, *, by: str = "") -> bool:
        """Open or claimed -> resolved; False when unknown or resolved already."""
        with self._write() as conn:
            return escalations.resolve(conn, key, by=by, now=self._clock())

    def close_escalation(self, key: str) -> bool:
        return self.resolve_escalation(key)

    # -- words typed in dialog threads ---------------------------------------------------

    def record_thread_words(
        self, channel_id: str, thread_ts: str, *, user_id: str, text: str
    ) -> ThreadWords | None:
        """Keep what someone typed in a dialog's thread (sanitised); None when nothing is left."""
        with self._write() as conn:
            return words.record(conn, channel_id, thread_ts, user_id=user_id, text=text,
                                now=self._clock())

    def unforwarded_thread_words(self, channel_id: str, thread_ts: str) -> list[ThreadWords]:
        """The thread's newest words no escalation has quoted yet, oldest first."""
        with self._read() as conn:
            return words.unforwarded(conn, channel_id, thread_ts)

    def forward_thread_words(
        self, channel_id: str, thread_ts: str, *, key: str, through_id: int | None = None
    ) -> list[ThreadWords]:
        """Give the thread's unquoted words to escalation `key`; each goes to one caller."""
        with self._write() as conn:
            return words.forward(conn, channel_id, thread_ts, key=key, through_id=through_id)

    # -- idempotency ---------------------------------------------------------------------

    def claim(self, kind: str, key: str, *, ttl_seconds: float = DEFAULT_CLAIM_TTL_SECONDS) -> bool:
        """True only for the first caller of (kind, key) in every process, until the TTL ends."""
        with self._write() as conn:
            won = claims.claim(conn, kind, key, ttl_seconds=ttl_seconds, now=self._clock())
        self._purge_claims_now_and_then()
        return won

    def purge_claims(self) -> int:
        """Delete expired claims; how many went. claim() calls this every few minutes."""
        with self._write() as conn:
            return claims.purge_expired(conn, now=self._clock())

    def _purge_claims_now_and_then(self) -> None:
        # Apart from the claim's own transaction, so a slow purge never holds up a claim.
        now = self._clock()
        with self._purge_lock:
            if self._next_purge is not None and now < self._next_purge:
                return
            self._next_purge = now + CLAIM_PURGE_INTERVAL
        try:
            self.purge_claims()
        except StoreError as error:  # cleanup only; the next round tries again
            logger.warning("could not purge expired claims: %s", error)

    # -- job journal (bot.jobs.journal) ---------------------------------------------------

    def journal(self, job_key: str) -> dict[str, Any]:
        """Every entry the job has written so far, by name."""
        with self._read() as conn:
            return job_journal.entries(conn, job_key)

    def write_journal(self, job_key: str, entry: str, value: Any, *,
                      replace: bool = False) -> bool:
        """Write one entry (JSON); unless `replace`, only the first write of it counts."""
        with self._write() as conn:
            return job_journal.record(conn, job_key, entry, value, replace=replace,
                                      now=self._clock())

    def purge_journal(self, older_than: dt.timedelta = job_journal.KEEP_FOR) -> int:
        """Delete journal entries older than `older_than`; how many went."""
        with self._write() as conn:
            return job_journal.purge(conn, before=self._clock() - older_than)

    # -- the watch (bot.store.sweeps) ----------------------------------------------------

    @property
    def sweeps(self) -> SweepStore:
        """Sweeps, their results, the sweep lease and watched channels."""
        return SweepStore(self._read, self._write, self._clock)

    # -- fixes made to licenses (bot.store.fixes) ----------------------------------------

    @property
    def fixes(self) -> FixStore:
        """Fixes and undos: who changed which license, how, before and after."""
        return FixStore(self._read, self._write, self._clock)

    # -- audit ---------------------------------------------------------------------------

    def audit(self, entry: AuditEntry) -> AuditEntry:
        """Write the entry, sanitised; returns it as stored."""
        with self._write() as conn:
            return audit_log.write(conn, entry, now=self._clock())

    def audit_entries(
        self,
        license_id: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The newest `limit` entries, newest first, for one license and/or since a time."""
        with self._read() as conn:
            return audit_log.query(conn, license_id=license_id, since=since, limit=limit)

    # -- diagnoses -----------------------------------------------------------------------

    def record_diagnosis(
        self, license_id: str, *, statuses: dict[str, str], by_user: str
    ) -> DiagnosisRecord:
        with self._write() as conn:
            return diagnoses.record(
                conn, license_id, statuses=statuses, by_user=by_user, now=self._clock()
            )

    def recent_diagnoses(self, limit: int = 10) -> list[DiagnosisRecord]:
        with self._read() as conn:
            return diagnoses.recent(conn, limit)

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock, self._translated(), self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._translated(), self._engine.connect() as conn:
            conn = conn.execution_options(**{READ_ONLY: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except exc.SQLAlchemyError as error:
            raise translate_error(error) from error
