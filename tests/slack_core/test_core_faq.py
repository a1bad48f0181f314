"""FAQ matching: good questions, paraphrases and typos find the right article; chit-chat and
unrelated questions find nothing; and troubleshooting requests are recognised."""

from __future__ import annotations

import pytest

from bot.knowledge import Audience, KnowledgeBase

MATCHES = [
    # questions close to a phrasing
    ("What is the ClassLink Application ID?", "application_id"),
    ("how do I run the sanity check", "sanity_check"),
    ("why do emails have to match", "emails_must_match"),
    # paraphrases
    ("whats an app id?", "application_id"),
    ("did you guys attach our classlink connection?", "application_id"),
    ("why does the teacher email need to match classlink?", "emails_must_match"),
    ("which email should the license use, the teacher has two", "emails_must_match"),
    ("how to change the email classlink sends", "change_email"),
    ("does pivot create teacher accounts on its own", "teachers_not_provisioned"),
    ("why do we only see 5 students", "few_seats"),
    ("when will my changes in classlink show up in pivot", "sync_timing"),
    ("teacher is in classlink but pivot doesnt see them", "teacher_not_enrolled"),
    ("how do i enable the app in classlink", "app_disabled"),
    ("sso works but no classes", "sso_works_roster_fails"),
    ("<@U0BOT123> what can you do?", "what_rosterbot_does"),
    # typos
    ("where do I find the aplication id", "application_id"),
    ("how can a teacher change their emial in pivot", "change_email"),
    ("how do i run a sanity chek in classlink", "sanity_check"),
    ("why arent teachers added automaticaly", "teachers_not_provisioned"),
    ("how ofen does classlink sync", "sync_timing"),
]

NO_MATCH = [
    "hi", "thanks!", "hello there", "good morning", "lol", "ok", "", "   ", "<@U0BOT123>",
    "what's the weather like today", "can you order pizza", "how do I reset my password",
    "tell me a joke", "how much does pivot cost", "is canvas supported", "email",
    "what time is it", "how do I create a new assignment in pivot",
    "can I export grades to google classroom",
]


@pytest.mark.parametrize(("question", "article_id"), MATCHES)
def test_questions_find_their_article(kb: KnowledgeBase, question: str, article_id: str) -> None:
    match = kb.answer(question)
    assert match is not None, question
    assert match.article.id == article_id
    assert 0 < match.score <= 100
    assert match.phrasing in match.article.questions


@pytest.mark.parametrize("question", NO_MATCH)
def test_chit_chat_and_unrelated_questions_find_nothing(kb: KnowledgeBase, question: str) -> None:
    assert kb.answer(question) is None
    assert kb.answer(question, audience=Audience.STAFF) is None


def test_staff_only_articles_are_never_given_to_customers(kb: KnowledgeBase) -> None:
    question = "how do I link this channel to a license"
    staff = kb.answer(question, audience=Audience.STAFF)
    assert staff is not None and staff.article.id == "link_channel"
    customer = kb.answer(question)  # the default audience is the customer: fail closed
    assert customer is None or customer.article.customer_safe


def test_cutoff_is_adjustable(kb: KnowledgeBase) -> None:
    assert kb.answer("why only a few seats", cutoff=100.0) is None
    assert kb.answer("why only a few seats", cutoff=50.0) is not None


TROUBLESHOOTING = [
    "my ClassLink rostering isn't working",
    "<@U0BOT123> our classlink roster is broken",
    "students are not syncing from ClassLink",
    "we have a problem with rostering",
    "Rostering stopped yesterday",
    "our classes are missing",
    "the classlnk sync is not working",  # typo in a long topic word
]
NOT_TROUBLESHOOTING = [
    "hi there",
    "what is the application id",  # a question about ClassLink, no problem stated
    "my printer is broken",  # a problem, but no rostering topic
    "how often does classlink sync",
    "thanks, it works",
    "",
]


@pytest.mark.parametrize("text", TROUBLESHOOTING)
def test_troubleshooting_requests_are_recognised(kb: KnowledgeBase, text: str) -> None:
    assert kb.looks_like_troubleshooting(text)


@pytest.mark.parametrize("text", NOT_TROUBLESHOOTING)
def test_other_messages_are_not_troubleshooting(kb: KnowledgeBase, text: str) -> None:
    assert not kb.looks_like_troubleshooting(text)
