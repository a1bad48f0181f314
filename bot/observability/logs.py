"""Logging for the long-running commands: LOG_LEVEL, LOG_FORMAT (text or json), the id of the
request or job each line belongs to, and no secrets.

    configure_logging(settings)          # `rosterbot run` (and a worker) at start
    with request_scope():                # around one Slack request (bot.observability.slack)
    with job_scope(job_id):              # around one job (the job queue's worker)

Each line carries the request id or job id from a context variable; ContextExecutor carries it
into lazy listeners, which run on other threads. A filter on the handler masks secrets in every
line, its arguments and its traceback alike: the configured tokens, signing secret, partner key
and license API token as exact values; Slack tokens, bearer and basic credentials, key=value
secrets, JWTs and long opaque strings by pattern (bot.store.mask_secrets); and Application IDs,
district bearers and OAuth credentials that the diagnoser has seen (bot.observability.slack
tells the redactor of them), plus those in ClassLink URLs, leaving their last four characters.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import IO, Any, ParamSpec, TypeVar
from urllib.parse import quote, unquote

from bot.settings import Settings
from bot.store.sanitise import mask_secrets
from checks.text import mask_secret

P = ParamSpec("P")
T = TypeVar("T")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "rosterbot_request_id", default=None)
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "rosterbot_job_id", default=None)

MASK = "[masked]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(scope)s %(message)s"
# Values shorter than this are not masked as exact strings: they would hit ordinary words.
MIN_SECRET_LENGTH = 6
# ClassLink URLs name the Application ID in their path.
_APPLICATION_IN_URL = re.compile(r"(/proxy/v1p0/|/applications/)([^/?#\s\"']+)")


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def request_scope(rid: str | None = None) -> Iterator[str]:
    """Log lines in the block (and in work it hands to a ContextExecutor) carry `rid`."""
    rid = rid or new_request_id()
    token = request_id.set(rid)
    try:
        yield rid
    finally:
        request_id.reset(token)


@contextmanager
def job_scope(jid: str) -> Iterator[str]:
    """Log lines in the block carry the job id `jid`."""
    token = job_id.set(jid)
    try:
        yield jid
    finally:
        job_id.reset(token)


class ContextExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor whose tasks run in the submitter's context (its request id)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)  # type: ignore[arg-type]


# -- secrets ---------------------------------------------------------------------------------


class Redactor:
    """Masks secrets in text: exact values it was told of, and known patterns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}  # value -> what replaces it
        self._pattern: re.Pattern[str] | None = None

    def add_secret(self, value: str | None) -> None:
        """Mask `value` wholly wherever it appears (a token, key or password)."""
        self._add(value, lambda _v: MASK)

    def add_identifier(self, value: str | None) -> None:
        """Mask `value` except its last four characters (an Application ID, say), in the
        spellings a URL or a log may use: as given, decoded and encoded."""
        if not value:
            return
        decoded = unquote(value.strip())
        for form in {value.strip(), decoded, quote(decoded, safe="")}:
            self._add(form, mask_secret)

    def _add(self, value: str | None, masked: Callable[[str], str]) -> None:
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value in self._secrets:
                return
            self._secrets[value] = masked(value)
            self._pattern = None

    def clear(self) -> None:
        with self._lock:
            self._secrets.clear()
            self._pattern = None

    def redact(self, text: str) -> str:
        if not text:
            return text
        pattern, secrets = self._compiled()
        if pattern is not None:
            text = pattern.sub(lambda m: secrets[m.group(0)], text)
        text = _APPLICATION_IN_URL.sub(lambda m: m.group(1) + mask_secret(m.group(2)), text)
        return mask_secrets(text)

    def _compiled(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        with self._lock:
            if self._pattern is None and self._secrets:
                # longest first, so a value containing another is masked whole
                ordered = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
            return self._pattern, self._secrets


REDACTOR = Redactor()  # logging is process-wide, and so are the secrets it must not show


def remember_settings_secrets(settings: Settings, redactor: Redactor = REDACTOR) -> None:
    for value in (settings.slack_bot_token, settings.slack_app_token,
                  settings.slack_signing_secret, settings.classlink_partner_key,
                  settings.licenses_token):
        redactor.add_secret(value)


class RedactingFilter(logging.Filter):
    """Rewrites each record with its message, arguments and traceback masked."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        record.exc_info = None  # formatted (and masked) above; never formatted again raw
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


# -- formats ---------------------------------------------------------------------------------


class ScopeFilter(logging.Filter):
    """Adds `request_id`, `job_id` and `scope` (" [req=...]", or "") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid, jid = request_id.get(), job_id.get()
        record.request_id = rid
        record.job_id = jid
        parts = [f"req={rid}"] if rid else []
        if jid:
            parts.append(f"job={jid}")
        record.scope = f" [{' '.join(parts)}]" if parts else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id / job_id, and the
    traceback as `exception` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "job_id"):
            value = getattr(record, key, None)
            if value:
                out[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = record.stack_info
        out["thread"] = record.threadName
        return json.dumps(out, ensure_ascii=False, default=str)


class _QuietBoltTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns at every start that
    it goes unused beside the client it is given; it is meant to."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in str(record.msg)


def build_handler(settings: Settings, stream: IO[str] | None = None,
                  redactor: Redactor = REDACTOR) -> logging.Handler:
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(_QuietBoltTokenWarning())
    handler.addFilter(ScopeFilter())
    handler.addFilter(RedactingFilter(redactor))
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(settings: Settings, stream: IO[str] | None = None,
                      redactor: Redactor = REDACTOR) -> logging.Handler:
    """Send every logger's records at LOG_LEVEL or above to stderr (or `stream`), in
    LOG_FORMAT, masked; replaces the root logger's handlers. Returns the handler."""
    remember_settings_secrets(settings, redactor)
    handler = build_handler(settings, stream, redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    return handler


def remember_identifiers(values: Iterable[str], redactor: Redactor = REDACTOR) -> None:
    for value in values:
        redactor.add_identifier(value)
