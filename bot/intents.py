"""Reading free-text replies in a dialog thread: an email, a license id, a request for a
person, "it works now", navigation, or a question (pure; no I/O). Action names returned here
are bot.dialog.Action values."""

from __future__ import annotations

import re

# Slack sends typed addresses as <mailto:a@b.org|a@b.org>; bare ones appear too.
_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LICENSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,63}")
_WORDS = re.compile(r"[a-z0-9']+")
_NEGATIONS = frozenset({"not", "no", "still", "never", "isn't", "isnt", "doesn't", "doesnt",
                        "didn't", "didnt", "won't", "wont", "hasn't", "hasnt", "can't", "cant"})
_QUESTION_WORDS = frozenset({"how", "what", "why", "when", "where", "which", "who", "can",
                             "could", "is", "does", "do", "will", "should"})
_FIXED_PHRASES = ("fixed", "works now", "working now", "it worked", "it works", "that worked",
                  "solved", "resolved", "all good", "sorted")
# "support" alone is also a verb ("does ClassLink support 1.2?"): ask for a person explicitly.
_WANTS_PERSON = re.compile(
    r"\b(?:human|agent|escalate|helpdesk|real person)\b"
    r"|\b(?:talk|speak|chat|contact|reach|need|want|get|call|ask)\b.{0,30}"
    r"\b(?:support|someone|somebody|person|human|agent)\b"
)
_NAVIGATION = {
    "next": "next_step", "next step": "next_step", "continue": "next_step",
    "back": "prev_step", "previous": "prev_step", "go back": "prev_step",
    "check again": "check_again", "again": "check_again",
    "retry": "check_again", "recheck": "check_again",
}


def read_reply(text: str) -> tuple[str, str] | None:
    """What a free-text reply asks for: ("email", address), ("license", id), ("action", name),
    ("question", text), or None when there is nothing to read.
    """
    if not text.strip():
        return None
    email = find_email(text)
    if email is not None:
        return ("email", email)
    words = _WORDS.findall(text.casefold())
    phrase = " ".join(w.strip("'") for w in words)
    if not words:
        return None
    if _wants_person(phrase, words):
        return ("action", "talk_to_support")
    if _says_fixed(text, phrase, words):
        return ("action", "fixed")
    if phrase in _NAVIGATION:
        return ("action", _NAVIGATION[phrase])
    candidate = text.strip().strip(".")
    if len(text.split()) == 1 and looks_like_license_id(candidate):
        return ("license", candidate)
    return ("question", text.strip())


def _wants_person(phrase: str, words: list[str]) -> bool:
    if len(words) > 15:
        return False  # a long message mentioning support is a question, not a request
    return bool(_WANTS_PERSON.search(phrase)) or (len(words) <= 3 and "support" in words)


def _says_fixed(text: str, phrase: str, words: list[str]) -> bool:
    if len(words) > 8 or _NEGATIONS & set(words):
        return False
    if text.strip().endswith("?") or words[0] in _QUESTION_WORDS:
        return False  # "how do I get this fixed?"
    return any(f" {p} " in f" {phrase} " for p in _FIXED_PHRASES)


def find_email(text: str) -> str | None:
    """The first email address in `text` (Slack's mailto links unwrapped), else None."""
    unwrapped = _MAILTO.sub(lambda m: f" {m.group(1)} ", text)
    found = _EMAIL.search(unwrapped)
    return found.group(0).rstrip(".") if found else None


def typed_license_id(text: str) -> str | None:
    """The id in a one-word reply to "which license?" (any id shape, digit or not), else None.

    Whether such a license exists is for the caller to ask the license directory."""
    word = text.strip().strip(".")
    return word if len(text.split()) == 1 and _TYPED_ID.fullmatch(word) else None


_TYPED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def looks_like_license_id(text: str) -> bool:
    """Whether a typed word reads as a license id: letters, digits, '.', '_', '-', and a digit.

    Only used to read free text; ids from buttons and the service may be any single token.
    """
    return bool(_LICENSE_ID.fullmatch(text)) and any(c.isdigit() for c in text)
