"""Message text: jinja2 environments over bot/templates/*.j2, and the filters they use.

Templates render mrkdwn TEXT (never Block Kit; bot.blocks wraps text into blocks). Autoescape is
off because HTML escaping is wrong for Slack; instead every piece of user or roster data goes
through the `mrkdwn` filter, which escapes exactly &, < and > so that a roster name such as
"<!channel>" can never ping anyone, and emphasis goes through `strong`. Knowledge-base text is
already in that form (see bot.knowledge.authored_mrkdwn) and is inserted as is. StrictUndefined
makes a missing variable an error rather than a blank. Every render names its `audience`:
customers never see full Application IDs, student names or emails, other licenses, internal
notes or raw errors.

Findings are worded in one place: bot/templates/findings/<code>.j2, one small template per code
of checks.steps.STEPS, given the finding (`f`), its data (`d`) and the audience. Slack renders
them with the mrkdwn environment; the terminal (`rosterbot diagnose`, `lookup`) renders the
SAME templates with the plain environment (`Renderer.plain`), whose `mrkdwn` leaves text as it
is and whose `strong` adds no asterisks, so the two can never word a finding differently.
Creating a renderer fails (KnowledgeFileError) when a registered code has no template.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import jinja2

from bot.dialog import CHECK_STEPS
from bot.knowledge import Audience, KnowledgeBase, StepText
from bot.yaml_nodes import KnowledgeFileError
from checks.models import Finding, Status
from checks.steps import STEPS
from checks.text import mask_secret

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Searched in order; a test of a new step puts the folder with its findings/ templates first.
TEMPLATE_DIRS: tuple[Path, ...] = (TEMPLATES_DIR,)
FINDINGS = "findings"  # findings/<code>.j2; findings/_unknown.j2 for a code nobody declared
LIST_LIMIT = {Audience.STAFF: 25, Audience.CUSTOMER: 15}  # finding lines shown per step
EXAMPLES_LIMIT = 5  # examples shown after a counted finding ("e.g. a, b and 3 more")


# ---------------------------------------------------------------------------------------------
# Filters


def mrkdwn(value: object) -> str:
    """User or roster data made inert in mrkdwn: only &, < and > are escaped, as Slack asks."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def strong(text: object) -> str:
    """Bold in mrkdwn; give it text that is already escaped (`x|mrkdwn|strong`)."""
    return f"*{text}*" if str(text) else ""


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
    if where in STEPS:
        step = f"step {STEPS[where].number}"
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


class Markup(StrEnum):
    """What a renderer writes: Slack's mrkdwn, or plain text for a terminal."""

    MRKDWN = "mrkdwn"
    PLAIN = "plain"


def _plain_text(value: object) -> str:
    return "" if value is None else str(value)


def _plain_link(url: object, label: object) -> str:
    target, text = str(url or ""), _plain_text(label)
    return f"{text} ({target})" if _SAFE_URL.fullmatch(target) else text


def _plain_date(epoch: object) -> str:
    return f"{dt.datetime.fromtimestamp(float(str(epoch)), tz=dt.UTC):%Y-%m-%d %H:%M} UTC"


# The filters that write markup; everything else is the same for both.
_MARKUP_FILTERS: dict[Markup, dict[str, Callable[..., str]]] = {
    Markup.MRKDWN: {
        "mrkdwn": mrkdwn, "strong": strong, "mask_app_id": mask_app_id,
        "user_mention": user_mention, "channel_link": channel_link, "link": link,
        "slack_date": slack_date,
    },
    Markup.PLAIN: {
        "mrkdwn": _plain_text, "strong": _plain_text,
        "mask_app_id": lambda v: mask_secret(str(v or "")),
        "user_mention": lambda v: f"@{v}", "channel_link": lambda v: f"#{v}",
        "link": _plain_link, "slack_date": _plain_date,
    },
}


def make_environment(
    kb: KnowledgeBase, *, templates_dir: Path | Sequence[Path] | None = None,
    markup: Markup = Markup.MRKDWN,
) -> jinja2.Environment:
    """A jinja2 environment over the templates: StrictUndefined, no autoescape, the filters
    above (mrkdwn or plain), and the knowledge base's words as globals."""
    dirs = TEMPLATE_DIRS if templates_dir is None else templates_dir
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([dirs] if isinstance(dirs, Path) else list(dirs)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        visible=visible, plural=plural, more=more, status_icon=status_icon,
        status_word=status_word, worst_first=worst_first, **_MARKUP_FILTERS[markup],
    )
    strings, steps = kb.strings, kb.steps
    if markup is Markup.PLAIN:  # authored text is stored as mrkdwn: unescape it once here
        strings = {key: to_plain(text) for key, text in strings.items()}
        steps = {name: _plain_step(text) for name, text in steps.items()}
    env.globals.update(
        strings=strings, steps=steps, check_steps=CHECK_STEPS,
        list_limits={str(k): v for k, v in LIST_LIMIT.items()}, examples_limit=EXAMPLES_LIMIT,
        describe_tried=lambda tried: describe_tried(tried, kb),
        describe=lambda finding, audience: describe(env, finding, audience=audience),
    )
    return env


def _plain_step(text: StepText) -> StepText:
    return replace(text, summary=to_plain(text.summary), help=to_plain(text.help),
                   on_fail={code: to_plain(advice) for code, advice in text.on_fail.items()})


def describe(env: jinja2.Environment, finding: Finding, *, audience: Audience | str) -> str:
    """The finding in words: findings/<code>.j2 rendered over its data for the audience
    (findings/_unknown.j2 for a code that has no template)."""
    who = Audience(audience)
    name = f"{FINDINGS}/{finding.code}.j2"
    template = env.get_or_select_template([name, f"{FINDINGS}/_unknown.j2"])
    text = template.render(f=finding, d=finding.data, audience=str(who),
                           staff=who is Audience.STAFF)
    return " ".join(text.split())


def check_finding_templates(env: jinja2.Environment) -> None:
    """Every code of checks.steps.STEPS has its template, and every template a code: a
    KnowledgeFileError naming the file otherwise (also for a template that does not compile)."""
    dirs = [Path(d) for d in getattr(env.loader, "searchpath", [TEMPLATES_DIR])]
    folder = dirs[0] / FINDINGS
    for step in STEPS:
        for code in sorted(step.codes):
            try:
                env.get_template(f"{FINDINGS}/{code}.j2")
            except jinja2.TemplateNotFound:
                raise KnowledgeFileError(folder / f"{code}.j2", "", (
                    f"missing: step {step.name} can report {code}, and this template words "
                    "it")) from None
            except jinja2.TemplateSyntaxError as exc:
                raise KnowledgeFileError(folder / f"{code}.j2", f"line {exc.lineno}",
                                         exc.message or "not a valid template") from exc
    codes = STEPS.codes()
    for listed in env.list_templates(extensions=["j2"]):
        folder_name, _, file = listed.partition("/")
        code = file.removesuffix(".j2")
        if folder_name == FINDINGS and file and not code.startswith("_") and code not in codes:
            raise KnowledgeFileError(folder / file, "", (
                f"no check step of checks/steps.py reports {code}: remove the template or "
                "declare the code"))


@dataclass(frozen=True, slots=True)
class Renderer:
    """Renders bot/templates/<name>.j2, and findings, for one audience."""

    env: jinja2.Environment

    @classmethod
    def create(
        cls, kb: KnowledgeBase, *, templates_dir: Path | Sequence[Path] | None = None,
        markup: Markup = Markup.MRKDWN,
    ) -> Renderer:
        """A renderer whose templates word every registered finding code (else
        KnowledgeFileError, as for a malformed knowledge/ file)."""
        env = make_environment(kb, templates_dir=templates_dir, markup=markup)
        check_finding_templates(env)
        return cls(env)

    @classmethod
    def plain(cls, kb: KnowledgeBase, *,
              templates_dir: Path | Sequence[Path] | None = None) -> Renderer:
        """The same templates as plain text, for terminals: no escaping, no asterisks."""
        return cls.create(kb, templates_dir=templates_dir, markup=Markup.PLAIN)

    def render(self, template: str, /, *, audience: Audience | str, **data: Any) -> str:
        """The template's text, stripped; jinja2.UndefinedError when data is missing."""
        who = Audience(audience)  # ValueError for anything but "staff"/"customer"
        text = self.env.get_template(f"{template}.j2").render(audience=str(who), **data)
        return _tidy(text)

    def finding(self, finding: Finding, *, audience: Audience | str) -> str:
        """One finding in words, on one line (see `describe`)."""
        return describe(self.env, finding, audience=audience)

    def step_title(self, name: str) -> str:
        """The step's title from knowledge/dialog.yml (plain text)."""
        steps: Mapping[str, StepText] = self.env.globals["steps"]  # type: ignore[assignment]
        return steps[name].title

    def template_names(self) -> list[str]:
        """The message templates (not partials such as _findings.j2 or findings/*)."""
        return sorted(n.removesuffix(".j2") for n in self.env.list_templates(extensions=["j2"])
                      if not n.startswith("_") and "/" not in n)


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

