"""Running a job twice does what running it once did: the journal of a job.

A job is one Slack request served after the ack (bot.jobs.requests). When the worker running it
dies (killed, out of memory, its machine gone) or hands it back on shutdown, the queue runs it
again from the start on another worker. Two things would then go wrong, and the journal (a table
in the store, bot.store.journal) prevents both:

- **Slack posts.** Each post, direct message, ephemeral, response_url answer or modal a job makes
  is numbered in order and its result (the message's ts) written to the journal once Slack has
  it. A later attempt that reaches the same call with the same number and kind gets the recorded
  result instead of posting again, so it goes on to update the very message the first attempt
  posted. Updates, App Home views and permalinks are simply done again (they overwrite).
- **Dialog state.** The first attempt may have moved a dialog on (step 1 -> step 2) before it
  died; run again, the same press would find the dialog past it and say the message is out of
  date. So the dialog as it was before the job first changed it is journaled, with the version
  the job last saved; a later attempt first puts the dialog back as it was, unless someone else
  has saved it since (then their change stands, and the press is judged against it).

One window stays: a worker that dies between Slack's answer to a post and the journal write
posts that message again on the retry. It is milliseconds wide.

Outside a job (the bot process answering in the ack, the terminal demo) both wrappers pass every
call straight through. Inside one, every Slack call also checks whether the job must stop: its
time ran out, or its worker is shutting down and hands it back (JobInterrupted).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from bot.blocks import Message
from bot.messenger import Messenger
from bot.store import Store, StoredDialog, StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")
_MISSING = object()
_current: contextvars.ContextVar[JobContext | None] = contextvars.ContextVar(
    "rosterbot_job", default=None)


class JobInterrupted(BaseException):
    """Raised at a running job's next Slack call once it must stop. A BaseException, like
    asyncio.CancelledError, so that no `except Exception` in the service swallows it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason  # "timeout" | "shutdown"
        super().__init__(reason)


@dataclass(eq=False)
class JobContext:
    """The job running in this thread: its key, what earlier attempts journaled, and whether it
    must stop. `journaled` is False where no attempt can follow (jobs run in the bot's own
    threads): then nothing is written, and only the stop checks apply."""

    key: str
    store: Store
    journal: dict[str, Any] = field(default_factory=dict)
    journaled: bool = True
    should_abort: Callable[[], bool] = lambda: False
    stop_reason: str | None = None
    calls: int = 0
    replaying: bool = True
    seen: dict[str, StoredDialog] = field(default_factory=dict)
    noted: set[str] = field(default_factory=set)

    def check(self) -> None:
        """Raise JobInterrupted when the job must stop."""
        if self.stop_reason is None and self.should_abort():
            self.stop_reason = "shutdown"
        if self.stop_reason is not None:
            raise JobInterrupted(self.stop_reason)

    def slack_call(self, call: str, where: str, send: Callable[[], T],
                   encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
        """`send()` unless an earlier attempt made this call; its result either way."""
        self.check()
        if not self.journaled:
            return send()
        number, self.calls = self.calls, self.calls + 1
        entry = f"slack:{number}"
        recorded = self.journal.get(entry, _MISSING)
        if self.replaying and isinstance(recorded, dict):
            if recorded.get("call") == call and recorded.get("where") == where:
                return decode(recorded.get("result"))
            log.warning("job %s: call %d is %s, not the %s an earlier attempt made there; "
                        "carrying on without the journal", self.key, number, call,
                        recorded.get("call"))
            self.replaying = False
        result = send()
        self._write(entry, {"call": call, "where": where, "result": encode(result)})
        return result

    def dialog_read(self, found: StoredDialog | None) -> None:
        if found is not None:
            self.seen[found.dialog_id] = found

    def dialog_saved(self, dialog_id: str, expected_version: int | None, version: int) -> None:
        """After a save: the dialog as it was before the job first changed it (once per job,
        the first attempt's wins), and the version the job saved last."""
        if not self.journaled:
            return
        if dialog_id not in self.noted:
            self.noted.add(dialog_id)
            before = self.seen.get(dialog_id)
            image: dict[str, Any] = {"version": expected_version, "state": None}
            if before is not None and expected_version is not None and \
                    before.version == expected_version:
                image.update(state=before.state, channel_id=before.channel_id,
                             thread_ts=before.thread_ts, user_id=before.user_id,
                             license_id=before.license_id)
            self._write(f"dialog:{dialog_id}", image)
        self._write(f"dialog-last:{dialog_id}", version, replace=True)

    def _write(self, entry: str, value: Any, *, replace: bool = False) -> None:
        try:
            self.store.write_journal(self.key, entry, value, replace=replace)
        except StoreError as exc:  # only a retry could miss it: never fail the job for it
            log.warning("job %s: could not journal %s: %s", self.key, entry, exc)


def current_job() -> JobContext | None:
    return _current.get()


@contextmanager
def job_running(context: JobContext) -> Iterator[JobContext]:
    """Make `context` the job of the calling thread for the block."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def restore_dialogs(store: Store, key: str, journal: dict[str, Any]) -> list[str]:
    """Put back, as they were before the job's first attempt changed them, the dialogs nobody
    else has saved since; the ids put back."""
    restored = []
    for entry, image in journal.items():
        if not entry.startswith("dialog:") or not isinstance(image, dict) or \
                not isinstance(image.get("state"), dict):
            continue
        dialog_id = entry.removeprefix("dialog:")
        last = journal.get(f"dialog-last:{dialog_id}")
        current = Store.load_dialog(store, dialog_id)  # not the journaled read
        if current is None or current.version != last:
            continue  # gone, never changed by the job, or changed by someone since
        Store.save_dialog(store, dialog_id, channel_id=str(image["channel_id"]),
                          thread_ts=str(image["thread_ts"]), user_id=str(image["user_id"]),
                          license_id=image.get("license_id"), state=image["state"],
                          expected_version=current.version)
        restored.append(dialog_id)
    if restored:
        log.info("job %s: put back dialog(s) %s as they were before its first attempt", key,
                 ", ".join(restored))
    return restored


class JournaledMessenger:
    """A Messenger whose calls inside a job are journaled (see the module docstring)."""

    def __init__(self, inner: Messenger) -> None:
        self.inner = inner

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> str:
        job = current_job()
        if job is None:
            return self.inner.post(channel, message, thread_ts=thread_ts)
        return job.slack_call("post", channel,
                              lambda: self.inner.post(channel, message, thread_ts=thread_ts),
                              str, str)

    def update(self, channel: str, ts: str, message: Message) -> None:
        _check()
        self.inner.update(channel, ts, message)

    def direct(self, user: str, message: Message) -> tuple[str, str]:
        job = current_job()
        if job is None:
            return self.inner.direct(user, message)
        return job.slack_call("direct", user, lambda: self.inner.direct(user, message),
                              list, lambda value: (str(value[0]), str(value[1])))

    def ephemeral(self, channel: str, user: str, message: Message, *,
                  thread_ts: str | None = None) -> None:
        job = current_job()
        send = partial(self.inner.ephemeral, channel, user, message, thread_ts=thread_ts)
        if job is None:
            return send()
        return job.slack_call("ephemeral", channel, send, _none, _none)

    def respond(self, response_url: str, message: Message, *,
                replace_original: bool = False) -> None:
        job = current_job()
        send = partial(self.inner.respond, response_url, message,
                       replace_original=replace_original)
        if job is None:
            return send()
        # the response_url is a credential of sorts: the journal does not keep it
        return job.slack_call("respond", "", send, _none, _none)

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        _check()
        self.inner.publish_home(user, view)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        job = current_job()
        if job is None:
            return self.inner.open_view(trigger_id, view)
        return job.slack_call("view", "", lambda: self.inner.open_view(trigger_id, view),
                              _none, _none)

    def permalink(self, channel: str, ts: str) -> str:
        _check()
        return self.inner.permalink(channel, ts)


class JournaledStore(Store):
    """The same store (same engine, pool and locks: it shares the given Store's state), whose
    dialog reads and saves inside a job are noted in the job's journal."""

    def __init__(self, store: Store) -> None:  # noqa: D107 -- shares, does not build
        vars(self).update(vars(store))

    def load_dialog(self, dialog_id: str) -> StoredDialog | None:
        found = super().load_dialog(dialog_id)
        if (job := current_job()) is not None:
            job.dialog_read(found)
        return found

    def find_dialog_by_thread(self, channel_id: str, thread_ts: str) -> StoredDialog | None:
        found = super().find_dialog_by_thread(channel_id, thread_ts)
        if (job := current_job()) is not None:
            job.dialog_read(found)
        return found

    def save_dialog(self, dialog_id: str, *, channel_id: str, thread_ts: str, user_id: str,
                    license_id: str | None, state: dict[str, Any],
                    expected_version: int | None) -> int:
        version = super().save_dialog(
            dialog_id, channel_id=channel_id, thread_ts=thread_ts, user_id=user_id,
            license_id=license_id, state=state, expected_version=expected_version)
        if (job := current_job()) is not None:
            job.dialog_saved(dialog_id, expected_version, version)
        return version


def _check() -> None:
    if (job := current_job()) is not None:
        job.check()


def _none(_value: object) -> None:
    return None
