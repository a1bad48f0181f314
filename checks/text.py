"""Small pure text helpers shared by the checks: email folding and secret masking."""

from __future__ import annotations

import re
import unicodedata

# Unicode spaces and invisible characters that survive copy-paste from spreadsheets and web pages;
# str.strip() keeps U+200B, so we remove the whole class explicitly, anywhere in the string.
_INVISIBLE = re.compile(
    r"[\s\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]+"
)


def fold_email(raw: str) -> str:
    """An address reduced for comparison: NFKC, invisible characters removed, case-folded."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).casefold()


def looks_like_email(raw: str) -> bool:
    folded = fold_email(raw)
    local, at, domain = folded.partition("@")
    return bool(local and at and "." in domain and "@" not in domain)


def mask_secret(value: str, *, keep: int = 4) -> str:
    """Only the last `keep` characters, so IDs can be recognised but never copied from a message."""
    value = value.strip()
    if len(value) <= keep:
        return "•" * len(value)
    return "••••" + value[-keep:]
