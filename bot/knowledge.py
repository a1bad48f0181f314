"""The knowledge base: FAQ articles, the dialog's step texts and the bot's fixed strings.

Support staff edit the YAML files in knowledge/ (schema in knowledge/README.md); this module loads
them once into frozen objects, rejecting anything malformed with a KnowledgeFileError that names the
file and the YAML path (`articles[2].questions`), and answers questions by fuzzy-matching them
against the articles' phrasings. Pure apart from `load_knowledge`, which reads the directory given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import fuzz

from bot.yaml_nodes import KnowledgeFileError, Node, read_yaml
from checks.steps import STEPS, CheckStep, NoRoster

# The check steps, their numbers and the finding codes each may report come from the registry
# (checks.steps.STEPS): dialog.yml must give every registered step its texts, and advice
# (`on_fail`) for every code of that step that can fail, warn or be unknown, and nothing else.

# The fixed sentences the code and templates use; strings.yml must define exactly these.
REQUIRED_STRINGS = frozenset({
    "greeting", "help_staff", "help_customer", "checking", "classlink_no_answer",
    "dialog_expired", "dialog_closed", "choose_license", "unlinked_place", "not_allowed",
    "fixed_thanks", "escalation_confirmed", "escalation_already", "escalation_unavailable",
    "faq_prompt", "faq_thanks", "faq_no_followup", "faq_no_match", "email_prompt",
    "teacher_prompt", "usage", "error_apology", "home_customer", "link_done", "unlink_done",
    "not_linked", "only_you", "dialog_moved", "dialog_not_here", "message_out_of_date",
    "not_your_dialog", "job_failed", "job_timed_out",
})

# A question must score at least this (0..100) against some phrasing to get that article.
FAQ_CUTOFF = 75.0


class Audience(StrEnum):
    """Who will read a message: staff see everything, customers a redacted view."""

    STAFF = "staff"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    questions: tuple[str, ...]
    answer: str
    offers_troubleshooting: bool = False
    customer_safe: bool = True


@dataclass(frozen=True, slots=True)
class StepText:
    """The words of one dialog step; `on_fail` maps a finding code to what to do about it."""

    name: str
    number: int
    title: str
    summary: str
    help: str
    articles: tuple[str, ...]
    on_fail: Mapping[str, str]

    def advice(self, code: str, cause: object = None) -> str | None:
        """What to do about a finding; `code.cause` (e.g. roster_unavailable.no_connection)
        is preferred, since what helps depends on why a step could not run."""
        if cause:
            return self.on_fail.get(f"{code}.{cause}") or self.on_fail.get(code)
        return self.on_fail.get(code)


@dataclass(frozen=True, slots=True)
class Triggers:
    """Words that make a message a request to troubleshoot: a topic AND a problem."""

    topics: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FaqMatch:
    article: Article
    score: float
    phrasing: str


@dataclass(frozen=True, slots=True)
class _Phrasing:
    words: str  # content words, normalised
    text: str  # as written
    article: Article


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    articles: tuple[Article, ...]
    steps: Mapping[str, StepText]
    strings: Mapping[str, str]
    triggers: Triggers
    _phrasings: tuple[_Phrasing, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def build(
        cls,
        *,
        articles: tuple[Article, ...],
        steps: Mapping[str, StepText],
        strings: Mapping[str, str],
        triggers: Triggers,
    ) -> KnowledgeBase:
        """A knowledge base with its matching index precomputed."""
        phrasings = tuple(
            _Phrasing(" ".join(content_words(q)), q, a) for a in articles for q in a.questions
        )
        return cls(
            articles=articles,
            steps=MappingProxyType(dict(steps)),
            strings=MappingProxyType(dict(strings)),
            triggers=triggers,
            _phrasings=phrasings,
        )

    def article(self, article_id: str) -> Article:
        """The article with this id; KeyError when there is none."""
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)

    def step(self, name: str) -> StepText:
        return self.steps[name]

    def string(self, key: str) -> str:
        return self.strings[key]

    def answer(
        self, question: str, *, audience: Audience = Audience.CUSTOMER, cutoff: float = FAQ_CUTOFF
    ) -> FaqMatch | None:
        """The best article for a question, or None for chit-chat and unrelated questions.

        Customers (the default, failing closed) never get articles marked `customer_safe: false`.
        """
        words = content_words(question)
        if not words:
            return None
        query = " ".join(words)
        best: FaqMatch | None = None
        for phrasing in self._phrasings:
            if audience is not Audience.STAFF and not phrasing.article.customer_safe:
                continue
            score = _similarity(query, phrasing.words)
            if score >= cutoff and (best is None or score > best.score):
                best = FaqMatch(phrasing.article, round(score, 1), phrasing.text)
        return best

    def looks_like_troubleshooting(self, text: str) -> bool:
        """True for "my ClassLink rostering isn't working"-style requests (topic AND problem)."""
        normal = normalise(text)
        tokens = normal.split()
        if not any(_fuzzy_word_in(topic, tokens) for topic in self.triggers.topics):
            return False
        return any(_phrase_in(problem, normal, tokens) for problem in self.triggers.problems)


# ---------------------------------------------------------------------------------------------
# Text: normalising questions, and reflowing authored paragraphs

_SLACK_TOKEN = re.compile(r"<[^>]*>")  # mentions, channel links, URLs in Slack's wire format
_URL = re.compile(r"https?://\S+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Words that carry no topic; question words (how, why, when...) stay, they separate intents.
_STOPWORDS = frozenset(
    "a an the is are am was were be been being did doing i im me my mine we our ours us "
    "your yours it its this that these those to of in on at by for with from and or so as "
    "just please hi hello hey thanks thank there here will would could should shall may "
    "might must ok okay yes no".split()
)
_LIST_LINE = re.compile(r"^\s*(?:[•\-*]|\d+[.)])\s")


def normalise(text: str) -> str:
    """Lower-case words only: Slack tokens and URLs dropped, apostrophes folded (isn't -> isnt)."""
    text = _URL.sub(" ", _SLACK_TOKEN.sub(" ", text)).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


def content_words(text: str) -> list[str]:
    """The words of `text` that say what it is about, in order."""
    return [w for w in normalise(text).split() if w not in _STOPWORDS]


_LINK = re.compile(r"<(?:https?://|mailto:)[^<>\s|]+(?:\|[^<>]*)?>")


def authored_mrkdwn(text: str) -> str:
    """Authored text in Slack's wire format: &, <, > escaped, except inside <url|label> links."""
    out: list[str] = []
    last = 0
    for link in _LINK.finditer(text):
        out.append(_escape(text[last : link.start()]))
        out.append(link.group(0))
        last = link.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reflow(text: str) -> str:
    """Join hard-wrapped lines into paragraphs; list items and blank lines start new lines."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = []
            paragraphs.append([])  # keeps the blank line
        elif _LIST_LINE.match(line) or not current:
            if current:
                paragraphs.append(current)
            current = [line]
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    return "\n".join(" ".join(p) for p in paragraphs)


def _similarity(query: str, phrasing: str) -> float:
    """Word-order-insensitive similarity that rewards covering the phrasing, not just a part.

    token_set_ratio alone gives 100 whenever the query's words are a subset of a phrasing's, so a
    one-word question would match everything containing that word; averaging it with
    token_sort_ratio (which compares the whole strings) keeps subsets high only when they cover
    most of the phrasing, while typos cost little in both.
    """
    return (fuzz.token_set_ratio(query, phrasing) + fuzz.token_sort_ratio(query, phrasing)) / 2


def _fuzzy_word_in(word: str, tokens: list[str]) -> bool:
    # Short words must match exactly: "sync" vs "sing" is not a typo worth forgiving.
    threshold = 100.0 if len(word) <= 5 else 85.0
    return any(fuzz.ratio(word, token) >= threshold for token in tokens)


def _phrase_in(phrase: str, normal: str, tokens: list[str]) -> bool:
    words = phrase.split()
    if len(words) == 1:
        return _fuzzy_word_in(words[0], tokens)
    return f" {phrase} " in f" {normal} "


# ---------------------------------------------------------------------------------------------
# Loading and validation


def default_knowledge_dir() -> Path:
    """The knowledge base that comes with the code: the copy a built wheel carries inside the
    package (`bot/_knowledge`, see setup.py), else knowledge/ at the top of the checkout.
    ROSTERBOT_KNOWLEDGE_DIR (Settings.knowledge_dir) names an edited copy instead."""
    here = Path(__file__).resolve().parent
    packaged = here / "_knowledge"
    if packaged.is_dir():
        return packaged
    return here.parent / "knowledge"


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Read and validate articles/*.yml, dialog.yml and strings.yml from `directory`."""
    root = directory or default_knowledge_dir()
    if not root.is_dir():
        raise KnowledgeFileError(root, "", "knowledge directory not found")
    articles = _load_articles(root)
    dialog_file = root / "dialog.yml"
    dialog = Node.root(dialog_file, read_yaml(dialog_file)).mapping(required={"steps", "triggers"})
    strings_file = root / "strings.yml"
    strings = Node.root(strings_file, read_yaml(strings_file)).mapping(required={"strings"})
    return KnowledgeBase.build(
        articles=articles,
        steps=_load_steps(dialog["steps"], {a.id for a in articles}),
        strings=_load_strings(strings["strings"]),
        triggers=_load_triggers(dialog["triggers"]),
    )


def _load_articles(root: Path) -> tuple[Article, ...]:
    files = sorted((root / "articles").glob("*.yml"))
    if not files:
        raise KnowledgeFileError(root / "articles", "", "no *.yml article files")
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for file in files:
        top = Node.root(file, read_yaml(file)).mapping(required={"articles"})
        for node in top["articles"].items(non_empty=True):
            article = _article(node)
            if article.id in seen:
                raise node.child("id").error(
                    f"duplicate article id {article.id!r} (first in {seen[article.id]})"
                )
            seen[article.id] = file.name
            articles.append(article)
    return tuple(articles)


def _article(node: Node) -> Article:
    fields = node.mapping(
        required={"id", "title", "questions", "answer"},
        optional={"offers_troubleshooting", "customer_safe"},
    )
    questions: list[str] = []
    for q_node in fields["questions"].items(non_empty=True):
        question = q_node.text()
        if not content_words(question):
            raise q_node.error("phrasing has no words to match on")
        questions.append(question)
    return Article(
        id=fields["id"].identifier(),
        title=fields["title"].text(),
        questions=tuple(questions),
        answer=_prose(fields["answer"]),
        offers_troubleshooting=fields.flag("offers_troubleshooting", default=False),
        customer_safe=fields.flag("customer_safe", default=True),
    )


def _load_steps(node: Node, article_ids: set[str]) -> dict[str, StepText]:
    """The texts of every step of checks.steps.STEPS, checked against what the step reports."""
    if isinstance(node.value, dict):
        missing = [s.name for s in STEPS if s.name not in node.value]
        if missing:
            raise node.error(f"missing key(s): {', '.join(missing)} (every check step of "
                             "checks/steps.py needs its texts)")
        unknown = sorted(str(k) for k in node.value if str(k) not in STEPS)
        if unknown:
            raise node.error(f"unknown key(s): {', '.join(unknown)} (not a check step of "
                             f"checks/steps.py: {', '.join(STEPS.names())})")
    fields = node.mapping(required=set(STEPS.names()))
    return {step.name: _step_text(step, fields[step.name], article_ids) for step in STEPS}


def _step_text(step: CheckStep, node: Node, article_ids: set[str]) -> StepText:
    texts = node.mapping(required={"title", "summary", "help", "on_fail"}, optional={"articles"})
    refs = texts.get("articles")
    articles: list[str] = []
    for ref_node in refs.items() if refs is not None else []:
        ref = ref_node.identifier()
        if ref not in article_ids:
            raise ref_node.error(f"unknown article {ref!r}")
        articles.append(ref)
    advice = texts["on_fail"]
    by_cause = _advice_by_cause(step, advice)
    if isinstance(advice.value, dict):
        stray = sorted(str(k) for k in advice.value
                       if str(k) not in step.codes and str(k) not in by_cause)
        if stray:
            raise advice.error(f"unknown key(s): {', '.join(stray)} (step {step.name} never "
                               f"reports {'it' if len(stray) == 1 else 'them'})")
        silent = sorted(step.needs_advice() - {str(k) for k in advice.value})
        if silent:
            raise advice.error(f"missing key(s): {', '.join(silent)} (step {step.name} can "
                               f"report {'it' if len(silent) == 1 else 'them'}: say what to do)")
    on_fail = advice.mapping(required=step.needs_advice(), optional=step.passing | by_cause)
    return StepText(
        name=step.name,
        number=step.number,
        title=texts["title"].text(),
        summary=_prose(texts["summary"]),
        help=_prose(texts["help"]),
        articles=tuple(articles),
        on_fail=MappingProxyType({code: _prose(text) for code, text in on_fail.items()}),
    )


def _advice_by_cause(step: CheckStep, advice: Node) -> frozenset[str]:
    """The `code.cause` keys of on_fail, each naming a code of the step and a known cause."""
    keys = [str(k) for k in advice.value if "." in str(k)] if isinstance(advice.value, dict) \
        else []
    for key in keys:
        code, _, cause = key.partition(".")
        if code not in step.codes or cause not in NoRoster.ALL:
            causes = ", ".join(sorted(NoRoster.ALL))
            raise advice.error(f"unknown key {key!r} (a code.cause key needs a code step "
                               f"{step.name} reports and one of: {causes})")
    return frozenset(keys)


def _load_triggers(node: Node) -> Triggers:
    fields = node.mapping(required={"topics", "problems"})
    return Triggers(
        topics=tuple(normalise(t.text()) for t in fields["topics"].items(non_empty=True)),
        problems=tuple(normalise(p.text()) for p in fields["problems"].items(non_empty=True)),
    )


def _load_strings(node: Node) -> dict[str, str]:
    fields = node.mapping(required=REQUIRED_STRINGS)
    return {key: _prose(value) for key, value in fields.items()}


def _prose(node: Node) -> str:
    return authored_mrkdwn(reflow(node.text()))
