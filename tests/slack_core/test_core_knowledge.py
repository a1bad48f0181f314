"""The shipped knowledge base loads, and malformed files are rejected naming file and YAML path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.errors import KnowledgeBaseError
from bot.knowledge import (
    REQUIRED_STRINGS,
    KnowledgeBase,
    KnowledgeFileError,
    authored_mrkdwn,
    default_knowledge_dir,
    load_knowledge,
    reflow,
)
from checks.steps import STEPS

# Topics the brief requires the FAQ to cover, each as a question a customer would ask.
REQUIRED_TOPICS = {
    "application_id": "what is the classlink application id",
    "emails_must_match": "why do the emails have to match",
    "change_email": "how do I change a teacher's email",
    "teachers_not_provisioned": "why are teachers not added automatically",
    "few_seats": "why do only a few seats appear",
    "sanity_check": "how do I run the sanity check",
    "sync_timing": "when does a change in classlink reach pivot",
    "teacher_not_enrolled": "what is the unenrolled users setting",
    "app_disabled": "the pivot app is disabled in classlink",
    "what_rosterbot_does": "what can rosterbot do",
}


def test_default_dir_is_the_repository_knowledge_folder() -> None:
    assert default_knowledge_dir() == Path(__file__).resolve().parents[2] / "knowledge"
    assert (default_knowledge_dir() / "README.md").is_file()


def test_shipped_knowledge_base_loads_completely(kb: KnowledgeBase) -> None:
    assert list(kb.steps) == list(STEPS.names()) == ["connection", "emails", "sanity"]
    assert [kb.step(name).number for name in STEPS.names()] == [1, 2, 3]
    assert set(kb.strings) == REQUIRED_STRINGS
    ids = [a.id for a in kb.articles]
    assert len(ids) == len(set(ids))
    assert all(len(a.questions) >= 3 for a in kb.articles), "several phrasings per article"
    for check in STEPS:
        step = kb.step(check.name)
        assert step.articles and all(kb.article(a) for a in step.articles)
        by_code = {key.partition(".")[0] for key in step.on_fail}  # code or code.cause
        assert check.needs_advice() <= set(step.on_fail)
        assert by_code <= check.codes


@pytest.mark.parametrize(("article_id", "question"), sorted(REQUIRED_TOPICS.items()))
def test_required_topics_are_covered_and_found(
    kb: KnowledgeBase, article_id: str, question: str
) -> None:
    match = kb.answer(question)
    assert match is not None and match.article.id == article_id


def test_only_passing_codes_go_without_advice() -> None:
    assert {code for step in STEPS for code in step.passing} == {
        "application_ok", "email_exact", "sanity_figures"}


def test_troubleshooting_offer_and_staff_only_articles(kb: KnowledgeBase) -> None:
    assert kb.article("rostering_not_working").offers_troubleshooting
    assert not kb.article("sync_timing").offers_troubleshooting
    assert not kb.article("link_channel").customer_safe
    with pytest.raises(KeyError):
        kb.article("no_such_article")


def test_authored_text_is_in_slack_wire_format(kb: KnowledgeBase) -> None:
    # "<address>" in the help text must reach Slack escaped, or it would render as a link.
    assert "`/roster email &lt;address&gt;`" in kb.string("help_staff")
    assert "<" not in kb.string("usage")


def test_reflow_joins_paragraph_lines_but_keeps_lists_and_blank_lines() -> None:
    text = "One line\nwrapped here.\n• item one\n  continues\n1. numbered\n\nNew paragraph\nagain."
    assert reflow(text) == (
        "One line wrapped here.\n• item one continues\n1. numbered\n\nNew paragraph again."
    )


def test_authored_mrkdwn_escapes_but_keeps_links() -> None:
    assert authored_mrkdwn("Q&A <b> <https://x.org/a?b=1|the site> <mailto:a@b.org|mail>") == (
        "Q&amp;A &lt;b&gt; <https://x.org/a?b=1|the site> <mailto:a@b.org|mail>"
    )


# --- malformed knowledge bases --------------------------------------------------------------


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _first_article(data: dict) -> dict:  # type: ignore[type-arg]
    return data["articles"][0]  # type: ignore[no-any-return]


BREAKAGES = [
    ("unknown key", "articles/connection.yml", "articles[0]", "unknown key(s): colour",
     lambda d: _first_article(d).update(colour="blue")),
    ("missing answer", "articles/connection.yml", "articles[0]", "missing key(s): answer",
     lambda d: _first_article(d).pop("answer")),
    ("empty phrasings", "articles/connection.yml", "articles[0].questions", "must not be empty",
     lambda d: _first_article(d).update(questions=[])),
    ("stop-word phrasing", "articles/connection.yml", "articles[0].questions[1]",
     "no words to match on", lambda d: _first_article(d)["questions"].insert(1, "Is it?")),
    ("blank answer", "articles/connection.yml", "articles[0].answer", "must not be empty",
     lambda d: _first_article(d).update(answer="  ")),
    ("flag not boolean", "articles/connection.yml", "articles[0].offers_troubleshooting",
     "expected true or false", lambda d: _first_article(d).update(offers_troubleshooting="yes")),
    ("bad id", "articles/connection.yml", "articles[0].id", "is not an id",
     lambda d: _first_article(d).update(id="Has Spaces")),
    ("mention in answer", "articles/connection.yml", "articles[0].answer",
     "must not contain Slack mentions", lambda d: _first_article(d).update(answer="Hi <!here>")),
    ("duplicate id", "articles/emails.yml", "articles[0].id", "duplicate article id",
     lambda d: _first_article(d).update(id="application_id")),
    ("unknown article in step", "dialog.yml", "steps.emails.articles[1]",
     "unknown article 'nope'", lambda d: d["steps"]["emails"]["articles"].insert(1, "nope")),
    ("unknown finding code", "dialog.yml", "steps.sanity.on_fail",
     "unknown key(s): email_fix (step sanity never reports it)",
     lambda d: d["steps"]["sanity"]["on_fail"].update(email_fix="x")),
    ("missing advice", "dialog.yml", "steps.emails.on_fail",
     "missing key(s): email_student (step emails can report it",
     lambda d: d["steps"]["emails"]["on_fail"].pop("email_student")),
    ("missing step", "dialog.yml", "steps",
     "missing key(s): sanity (every check step of checks/steps.py needs its texts)",
     lambda d: d["steps"].pop("sanity")),
    ("unknown step", "dialog.yml", "steps", "unknown key(s): extra (not a check step",
     lambda d: d["steps"].update(extra=d["steps"]["sanity"])),
    ("step without help", "dialog.yml", "steps.emails", "missing key(s): help",
     lambda d: d["steps"]["emails"].pop("help")),
    ("missing string", "strings.yml", "strings", "missing key(s): greeting",
     lambda d: d["strings"].pop("greeting")),
    ("unknown string", "strings.yml", "strings", "unknown key(s): greting",
     lambda d: d["strings"].update(greting="hi")),
    ("string not text", "strings.yml", "strings.usage", "expected text, got list",
     lambda d: d["strings"].update(usage=["a"])),
    ("triggers not a list", "dialog.yml", "triggers.topics", "expected a list",
     lambda d: d["triggers"].update(topics="classlink")),
]


@pytest.mark.parametrize(
    ("file", "where", "problem", "change"),
    [pytest.param(f, w, p, c, id=name) for name, f, w, p, c in BREAKAGES],
)
def test_malformed_file_names_file_and_path(
    kb_copy: Path, file: str, where: str, problem: str, change: object
) -> None:
    _edit(kb_copy / file, change)
    with pytest.raises(KnowledgeFileError) as caught:
        load_knowledge(kb_copy)
    error = caught.value
    assert isinstance(error, KnowledgeBaseError)
    assert error.file == kb_copy / file
    assert error.path == where
    assert problem in error.problem
    assert str(kb_copy / file) in str(error) and where in str(error)


def test_duplicate_yaml_key_is_an_error_not_an_override(kb_copy: Path) -> None:
    path = kb_copy / "strings.yml"
    path.write_text(path.read_text() + "  greeting: second greeting\n")
    with pytest.raises(KnowledgeFileError, match="duplicate key 'greeting'") as caught:
        load_knowledge(kb_copy)
    assert caught.value.file == path


def test_broken_yaml_and_missing_files(kb_copy: Path) -> None:
    (kb_copy / "dialog.yml").write_text("steps: [unclosed\n")
    with pytest.raises(KnowledgeFileError, match="not valid YAML"):
        load_knowledge(kb_copy)
    (kb_copy / "dialog.yml").unlink()
    with pytest.raises(KnowledgeFileError, match="cannot read") as caught:
        load_knowledge(kb_copy)
    assert caught.value.file == kb_copy / "dialog.yml"
    for path in (kb_copy / "articles").glob("*.yml"):
        path.unlink()
    with pytest.raises(KnowledgeFileError, match="no \\*.yml article files"):
        load_knowledge(kb_copy)
    with pytest.raises(KnowledgeFileError, match="knowledge directory not found"):
        load_knowledge(kb_copy / "missing")


def test_top_level_must_be_a_mapping(kb_copy: Path) -> None:
    (kb_copy / "strings.yml").write_text("- just\n- a list\n")
    with pytest.raises(KnowledgeFileError, match="expected a mapping, got list") as caught:
        load_knowledge(kb_copy)
    assert caught.value.path == "(top level)"


def test_advice_depends_on_why_a_step_could_not_run(kb: KnowledgeBase) -> None:
    """Issue 9, item 3: "try again in a minute" only when trying again can help."""
    emails = kb.step("emails")
    transient = emails.advice("roster_unavailable", "classlink") or ""
    assert "in a minute" in transient
    for cause in ("no_connection", "foreign", "disabled", "classlink_refused", "partner_key"):
        advice = emails.advice("roster_unavailable", cause) or ""
        assert advice and "in a minute" not in advice, cause
    assert emails.advice("roster_unavailable", "unheard_of") == transient


def test_an_unknown_cause_key_is_refused(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy)
    dialog = copy / "dialog.yml"
    dialog.write_text(dialog.read_text(encoding="utf-8").replace(
        "roster_unavailable.foreign:", "roster_unavailable.foriegn:", 1), encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="foriegn"):
        load_knowledge(copy)
