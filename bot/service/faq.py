"""FAQ answers from the knowledge base, posted with Yes / No feedback buttons."""

from __future__ import annotations

from bot.blocks import faq_message
from bot.knowledge import Audience
from bot.service.context import Deps
from bot.service.replies import Replies


class Faq:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies

    def answer_in_thread(self, channel_id: str, thread_ts: str | None, question: str,
                         audience: Audience, *, dialog_id: str = "") -> bool:
        """Post the best answer in the thread; False (and a "no match" line) when none fits."""
        match = self.deps.kb.answer(question, audience=audience)
        if match is None:
            self.replies.post_text(channel_id, thread_ts,
                                   self.replies.say_key("faq_no_match", audience))
            return False
        text = self.replies.text("faq_answer", audience, article=match.article)
        message = faq_message(text=text, prompt=self.deps.kb.string("faq_prompt"),
                              article_id=match.article.id,
                              offers_troubleshooting=match.article.offers_troubleshooting,
                              dialog_id=dialog_id, key=self.deps.action_key)
        self.deps.messenger.post(channel_id, message, thread_ts=thread_ts)
        return True
