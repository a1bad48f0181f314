"""Message text: one jinja2 environment over bot/templates/*.j2, and the filters they use.

Templates render mrkdwn TEXT (never Block Kit; bot.blocks wraps text into blocks). Autoescape is
off because HTML escaping is wrong for Slack; instead every piece of user or roster data goes
through the `mrkdwn` filter, which escapes exactly &, < and > so that a roster name such as
"<!channel>" can never ping anyone. Knowledge-base text is already in that form (see
bot.knowledge.authored_mrkdwn) and is inserted as is. StrictUndefined makes a missing variable an
error rather than a blank. Every render names its `audience`: customers never see full
Application IDs, student names or emails, other licenses, internal notes or raw errors.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from bot.knowledge import CHECK_STEPS, Audience, KnowledgeBase
from checks.models import Status
from checks.text import mask_secret

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
LIST_LIMIT = {Audience.STAFF: 25, Audience.CUSTOMER: 15}  # finding lines shown per step
EXAMPLES_LIMIT = 5  # examples shown after a counted finding ("e.g. a, b and 3 more")


# ---------------------------------------------------------------------------------------------
# Filters


def mrkdwn(value: object) -> str:
    """User or roster data made inert in mrkdwn: only &, < and > are escaped, as Slack asks."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def visible(value: object) -> str:
    """Spaces and invisible characters made visible (␣, [U+200B]), so "License has
    ' jo@x.org'" does not read the same as the roster's address."""
    out = []
    for ch in str(value):
        if ch == " ":
            out.append("␣")
        elif ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Cc"):
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


# What made a near-miss, in words (finding data "kind" from checks.matching).
FIX_KINDS = {
    "case": "only capital letters differ", "whitespace": "stray spaces or invisible characters",
    "unicode": "look-alike characters", "plus": "a +tag in the address",
    "typo": "a typo", "domain": "a misspelt domain", "alias_domain": "an old or alias domain",
    "old_domain": "the district's former domain",
    "scheme": "another address pattern for the same person", "nickname": "a nickname",
    "accents": "accents", "gmail": "Gmail ignores dots", "inactive_record":
    "the license has the address of an inactive record of this teacher",
}


def mask_app_id(value: object) -> str:
    """Only the last four characters of an Application ID ("••••0%3D"); idempotent."""
    return mrkdwn(mask_secret(str(value or "")))


def plural(count: object, singular: str, plural_form: str | None = None) -> str:
    """"1 teacher", "3 teachers"; `plural_form` for irregular words ("class", "classes")."""
    n = 0 if count is None else int(float(str(count)))
    word = singular if n == 1 else (plural_form or f"{singular}s")
    return f"{n} {word}"


def more(items: Sized | int, shown: int) -> str:
    """"and 37 more" when a list (or a count) exceeds the `shown` entries; "" otherwise."""
    total = items if isinstance(items, int) else len(items)
    return f"and {total - shown} more" if total > shown else ""


_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,}")
_SAFE_URL = re.compile(r"https://[^\s<>|]+")


def user_mention(user_id: object) -> str:
    """<@U123> for a real Slack user id; anything else is shown escaped, never as a mention."""
    text = str(user_id or "")
    return f"<@{text}>" if _USER_ID.fullmatch(text) else mrkdwn(text)


def channel_link(channel_id: object) -> str:
    text = str(channel_id or "")
    return f"<#{text}>" if _CHANNEL_ID.fullmatch(text) else mrkdwn(text)


def link(url: object, label: object) -> str:
    """<https://...|label> for an https URL; otherwise just the escaped label."""
    target, text = str(url or ""), mrkdwn(label).replace("|", "/")
    return f"<{target}|{text}>" if _SAFE_URL.fullmatch(target) else text


def slack_date(epoch: object) -> str:
    """A date Slack shows in the reader's time zone, with a UTC fallback for other clients."""
    when = dt.datetime.fromtimestamp(float(str(epoch)), tz=dt.UTC)
    fallback = f"{when:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


_STATUS_ICON = {
    Status.PASS: ":white_check_mark:", Status.WARN: ":warning:", Status.FAIL: ":x:",
    Status.UNKNOWN: ":grey_question:",
}
_STATUS_WORD = {
    Status.PASS: "All good", Status.WARN: "Worth a look", Status.FAIL: "Needs fixing",
    Status.UNKNOWN: "Could not check",
}
_SEVERITY_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WARN: 2, Status.PASS: 3}


def status_icon(status: object) -> str:
    known = _status(status)
    return _STATUS_ICON[known] if known else ":grey_question:"


def status_word(status: object) -> str:
    known = _status(status)
    return _STATUS_WORD[known] if known else "Not checked"


def _status(value: object) -> Status | None:
    try:
        return Status(str(value))
    except ValueError:
        return None


def worst_first(findings: Iterable[Any]) -> list[Any]:
    """Findings with failures first and passes last, otherwise in their original order."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(_status(f.status) or Status.FAIL, 0))


def describe_tried(tried: Sequence[str], kb: KnowledgeBase) -> list[str]:
    """The dialog's `tried` entries as short phrases, repeats counted ("checked step 1 again ×2").
    """
    counts: dict[str, int] = {}
    for entry in tried:
        phrase = _tried_phrase(entry, kb)
        counts[phrase] = counts.get(phrase, 0) + 1
    return [f"{p} ×{n}" if n > 1 else p for p, n in counts.items()]


_ACTION_PHRASES = {
    "check_again": "checked {step} again", "next_step": "moved on from {step}",
    "prev_step": "went back from {step}", "lookup_email": "looked up an email at {step}",
    "teacher_report": "looked at one teacher at {step}", "asked": "asked a question at {step}",
    "talk_to_support": "asked for support at {step}", "fixed": "said it was fixed at {step}",
}


def _tried_phrase(entry: str, kb: KnowledgeBase) -> str:
    where, _, action = entry.partition(":")
    if entry == "restart":
        return "started over"
    if entry == "choose_license":
        return "chose a license"
    if where == "faq":
        return "said an answer helped" if action == "yes" else "said an answer did not help"
    if where in CHECK_STEPS:
        step = f"step {CHECK_STEPS.index(where) + 1}"
    else:
        step = where.replace("_", " ")
    template = _ACTION_PHRASES.get(action)
    return template.format(step=step) if template else mrkdwn(entry)


# ---------------------------------------------------------------------------------------------
# Records the App Home template lists (the service maps its store rows onto these)


@dataclass(frozen=True, slots=True)
class RecentDiagnosis:
    license_id: str
    license_name: str
    statuses: tuple[str, str, str]  # steps 1-3
    at: float  # epoch seconds


@dataclass(frozen=True, slots=True)
class OpenEscalation:
    license_id: str
    user_id: str
    thread_link: str
    at: float


# ---------------------------------------------------------------------------------------------
# Environment and renderer


def make_environment(
    kb: KnowledgeBase, *, templates_dir: Path = TEMPLATES_DIR
) -> jinja2.Environment:
    """The one jinja2 environment: StrictUndefined, no autoescape, the filters above."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        mrkdwn=mrkdwn, mask_app_id=mask_app_id, visible=visible, plural=plural, more=more,
        user_mention=user_mention, channel_link=channel_link, link=link, slack_date=slack_date,
        status_icon=status_icon, status_word=status_word, worst_first=worst_first,
    )
    env.globals.update(
        strings=kb.strings, steps=kb.steps, check_steps=CHECK_STEPS, fix_kinds=FIX_KINDS,
        list_limits={str(k): v for k, v in LIST_LIMIT.items()}, examples_limit=EXAMPLES_LIMIT,
        describe_tried=lambda tried: describe_tried(tried, kb),
    )
    return env


@dataclass(frozen=True, slots=True)
class Renderer:
    """Renders bot/templates/<name>.j2 for one audience."""

    env: jinja2.Environment

    @classmethod
    def create(cls, kb: KnowledgeBase, *, templates_dir: Path = TEMPLATES_DIR) -> Renderer:
        return cls(make_environment(kb, templates_dir=templates_dir))

    def render(self, template: str, /, *, audience: Audience | str, **data: Any) -> str:
        """The template's text, stripped; jinja2.UndefinedError when data is missing."""
        who = Audience(audience)  # ValueError for anything but "staff"/"customer"
        text = self.env.get_template(f"{template}.j2").render(audience=str(who), **data)
        return _tidy(text)

    def template_names(self) -> list[str]:
        return sorted(n.removesuffix(".j2") for n in self.env.list_templates(extensions=["j2"])
                      if not n.startswith("_"))


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, no blank lines at either end."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# ---------------------------------------------------------------------------------------------
# Plain text, for terminals (make demo) and logs

_LINK_TOKEN = re.compile(r"<([^<>|]+)\|([^<>]*)>")
_BARE_TOKEN = re.compile(r"<([^<>|]+)>")


def to_plain(text: str) -> str:
    """mrkdwn as a terminal shows it: links as "label (url)", dates as their fallback."""

    def labelled(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith("!date^"):
            return label
        return label if target.startswith(("mailto:", "#", "@")) else f"{label} ({target})"

    text = _LINK_TOKEN.sub(labelled, text)
    text = _BARE_TOKEN.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

