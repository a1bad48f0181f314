"""Cleaning an address typed into a license, and the canonical key both sides are compared on.

The stages matter because the *kind* of a repair is the first stage at which the license and
the roster agree: after removing invisible characters and stray punctuation ("whitespace",
"format", "unicode"), after lower-casing ("case"), after dropping a +tag ("plus"), after
Gmail's dot rule ("gmail").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from checks.matching.results import Kind

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Consumer mailbox providers: never a district's alias domain, never "corrected" to one.
WEBMAIL_DOMAINS = GMAIL_DOMAINS | frozenset({
    "yahoo.com", "ymail.com", "hotmail.com", "outlook.com", "live.com", "msn.com", "aol.com",
    "icloud.com", "me.com", "mac.com", "protonmail.com", "proton.me", "comcast.net",
    "att.net", "sbcglobal.net", "verizon.net", "gmx.com", "mail.com", "zoho.com",
})
# Unicode spaces and format characters (NBSP, U+200B..U+200F, U+2060, BOM, soft hyphen, ...).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_EDGE_PUNCTUATION = "\"'`<>,;:()[]{}"
_DOUBLED_AT = re.compile(r"@{2,}")


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed address: `cleaned` keeps the case as typed; `local`/`domain` are canonical."""

    raw: str
    cleaned: str
    local: str
    domain: str
    changes: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.local}@{self.domain}"


@dataclass(frozen=True, slots=True)
class Malformed:
    raw: str
    reason: str


def is_invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def _strip_invisible(text: str) -> str:
    if text.isascii() and text.isprintable() and " " not in text:
        return text  # the common case, kept fast for 100k roster emails
    return "".join(c for c in text if not is_invisible(c))


def _strip_format(text: str) -> str:
    """`mailto:`, `Name <addr>` wrappers, quotes and trailing commas pasted with an address."""
    if "<" in text and ">" in text:
        inner = text[text.rfind("<") + 1 : text.rfind(">")]
        if "@" in inner:
            text = inner
    text = _MAILTO.sub("", text)
    text = text.strip(_EDGE_PUNCTUATION)
    return text.rstrip(".")


def clean(raw: str) -> tuple[str, frozenset[str]]:
    """Stage 1: invisible characters, wrappers and compatibility forms removed; case kept."""
    changes: set[str] = set()
    text = _strip_invisible(raw)
    if text != raw:
        changes.add(Kind.WHITESPACE)
    if not text.isascii():
        folded = _strip_invisible(unicodedata.normalize("NFKC", text))
        if folded != text:
            changes.add(Kind.UNICODE)
            text = folded
    unwrapped = _strip_format(text)
    if unwrapped != text:
        changes.add(Kind.FORMAT)
    return unwrapped, frozenset(changes)


def canonical(local: str, domain: str) -> tuple[str, str, frozenset[str]]:
    """Stages 3-4 on an already lower-cased address: +tag dropped, Gmail's dots ignored."""
    changes: set[str] = set()
    base, plus, _tag = local.partition("+")
    if plus and base:
        local = base
        changes.add(Kind.PLUS)
    if domain in GMAIL_DOMAINS:
        undotted = local.replace(".", "")
        if undotted != local or domain != "gmail.com":
            changes.add(Kind.GMAIL)
        local, domain = undotted, "gmail.com"
    return local, domain, frozenset(changes)


def fast_key(email: str) -> str | None:
    """The canonical key of an already clean address (most roster emails), else None."""
    if (email.isascii() and email.isprintable() and " " not in email and "+" not in email
            and email.count("@") == 1 and not email.startswith(("@", "mailto:"))
            and not email.endswith(("@", ".", ">", ",", ";"))):
        key = email.lower()
        if not key.endswith(("@gmail.com", "@googlemail.com")) and key[0] not in _EDGE_PUNCTUATION:
            return key
    return None


def parse_address(raw: str) -> Address | Malformed:
    cleaned, changes = clean(raw)
    lowered = cleaned.lower()
    if lowered != cleaned:
        changes |= {Kind.CASE}
    if not lowered:
        return Malformed(raw, "it is empty")
    if "@" not in lowered:
        return Malformed(raw, "it has no @")
    if lowered.count("@") > 1:
        doubled = _DOUBLED_AT.sub("@", lowered).count("@") == 1
        return Malformed(raw, "it has a doubled @" if doubled else "it has more than one @")
    local, _, domain = lowered.partition("@")
    if not local:
        return Malformed(raw, "nothing comes before the @")
    if not domain:
        return Malformed(raw, "nothing comes after the @")
    local, domain, more = canonical(local, domain)
    return Address(raw, cleaned, local, domain, changes | more)


def repair_doubled_at(raw: str) -> Address | None:
    """`rhernandez@@eastlakesd.org`: the @ typed twice (or more) in one place, a copy-paste
    slip like a trailing comma. The address with one @, as a format cleaning, or None when
    there is no doubled @ or the repaired text is still not an address."""
    if not _DOUBLED_AT.search(raw):
        return None
    parsed = parse_address(_DOUBLED_AT.sub("@", raw))
    if not isinstance(parsed, Address):
        return None
    return replace(parsed, raw=raw, changes=parsed.changes | {Kind.FORMAT})


def repair_kind(license: Address, roster: Address) -> str:
    """The last cleaning stage the license needed to equal the roster address."""
    if license.cleaned == roster.cleaned:
        for kind in (Kind.FORMAT, Kind.UNICODE, Kind.WHITESPACE):
            if kind in license.changes:
                return kind
        return Kind.WHITESPACE  # the roster side is the one with stray characters
    if license.cleaned.lower() == roster.cleaned.lower():
        return Kind.CASE
    lic_local = license.cleaned.lower().partition("@")[0]
    ros_local = roster.cleaned.lower().partition("@")[0]
    if license.domain == "gmail.com" and lic_local.partition("+")[0] != ros_local.partition("+")[0]:
        return Kind.GMAIL
    plus = Kind.PLUS in license.changes or Kind.PLUS in roster.changes
    return Kind.PLUS if plus else Kind.GMAIL


def local_digits(local: str) -> str:
    """The digit runs of a local part, joined: `jsmith2` -> "2"; the sibling guard compares them."""
    return "".join(c for c in local if c.isdigit())


def separators(local: str) -> str:
    """The punctuation of a local part, in order: "john.q.smith" -> "..", "jsmith2" -> ""."""
    return "".join(c for c in local if not c.isalnum())


def display(raw: str) -> str:
    """The raw string as a human should see it: invisible characters escaped, edges quoted."""
    if raw and raw.isascii() and raw.isprintable() and raw == raw.strip():
        return raw
    shown = "".join(
        c if (c == " " or not is_invisible(c)) else f"\\u{ord(c):04x}" for c in raw
    )
    return f'"{shown}"'
