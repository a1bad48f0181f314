"""Make text safe to keep in the audit log: no secrets, no terminal tricks, bounded length.

Callers write short summaries; this is the backstop that enforces it whatever they pass.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.store.records import AuditEntry

MASK = "[masked]"
ID_LIMIT = 64
COMMAND_LIMIT = 100
RESULT_LIMIT = 500

_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: xoxb-, xoxp-, xoxa-, xoxe.xoxp-, xapp- ...
    (re.compile(r"\b(xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]*"), r"\1-" + MASK),
    # Authorization header values.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + MASK),
    # key=value / key: value pairs whose key names a secret.
    (
        re.compile(
            r"(?i)\b(token|secret|password|passwd|pwd|api[_-]?key|partner[_-]?key"
            r"|client[_-]?secret|signing[_-]?secret|authorization)(\s*[=:]\s*)[^\s,;&]+"
        ),
        r"\1\2" + MASK,
    ),
    # JSON web tokens.
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
    # Long opaque strings of letters and digits (API keys, bearers, hex secrets).
    (re.compile(r"\b(?=[A-Za-z0-9_]*\d)(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{32,}\b"), MASK),
)

# C0/C1 controls (including ESC for terminal escapes), bidi overrides and zero-width characters.
_HOSTILE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def mask_secrets(text: str) -> str:
    """`text` with anything that looks like a token, key or password replaced by [masked]."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def clean_text(text: str, *, limit: int) -> str:
    """One line of at most `limit` characters, secrets masked, control characters removed."""
    # Cut early so a megabyte of input costs little; 4x leaves room for masks to shrink it.
    text = _HOSTILE.sub(" ", text[: limit * 4])
    text = _SPACES.sub(" ", mask_secrets(text)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def sanitise_entry(entry: AuditEntry) -> AuditEntry:
    """The entry as it may be stored: every text field cleaned and bounded."""
    return replace(
        entry,
        user_id=clean_text(entry.user_id, limit=ID_LIMIT),
        team_id=clean_text(entry.team_id, limit=ID_LIMIT),
        channel_id=clean_text(entry.channel_id, limit=ID_LIMIT),
        license_id=(
            None if entry.license_id is None else clean_text(entry.license_id, limit=ID_LIMIT)
        ),
        command=clean_text(entry.command, limit=COMMAND_LIMIT),
        result=clean_text(entry.result, limit=RESULT_LIMIT),
    )
