"""After a load run: what the Slack stand-in received, checked for duplicates and missing answers.

Pure: reads recorded calls and the users' tally, does no I/O. A duplicate is an answer the bot
posted twice for one request or event:
  dialog posts      two posts with the same text in one dialog thread (a step, a lookup, a report
                    or a closing word posted twice)
  extra dialogs     more dialogs (top-level "check started" posts) in a channel than
                    `/roster troubleshoot` commands sent there
  summaries         more than one escalation summary in the support channel for one dialog
  mention replies   more than one reply to one mention (delivered to every replica at once)
Missing answers are errors: an escalated dialog without a summary, a mention without a reply.
Private replies (response_url, chat.postEphemeral) never happen on the happy path; each one is
an apology or a refusal and counts as an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from load_users import MENTION_CHANNEL, SUPPORT_CHANNEL, USER_CHANNEL_PREFIX, Tally, text_of

from sandbox.slack_api import RecordedCall

SAMPLES = 5


@dataclass(frozen=True, slots=True)
class Audit:
    duplicate_dialog_posts: int
    extra_dialogs: int
    duplicate_summaries: int
    duplicate_mention_replies: int
    missing_summaries: int
    unanswered_mentions: int
    private_replies: int
    samples: tuple[str, ...] = field(default=())

    @property
    def duplicates(self) -> int:
        return (self.duplicate_dialog_posts + self.extra_dialogs + self.duplicate_summaries
                + self.duplicate_mention_replies)

    @property
    def missing(self) -> int:
        return self.missing_summaries + self.unanswered_mentions + self.private_replies


def audit_calls(calls: Sequence[RecordedCall], tally: Tally, *,
                permalink: Callable[[str, str], str]) -> Audit:
    """Check every answer the bot gave; `permalink(channel, ts)` as the stand-in makes them."""
    posts = [call for call in calls if call.method == "chat.postMessage" and call.ok]
    samples: list[str] = []
    dialog_dupes = _repeated(
        ((str(c.params.get("channel")), str(c.params.get("thread_ts")), text_of(c.params))
         for c in posts if _in_user_channel(c) and c.params.get("thread_ts")), samples)
    roots = Counter(str(c.params.get("channel")) for c in posts
                    if _in_user_channel(c) and not c.params.get("thread_ts"))
    extra = sum(max(0, count - tally.troubleshoots[channel]) for channel, count in roots.items())
    summaries = [text_of(c.params) for c in posts if c.params.get("channel") == SUPPORT_CHANNEL]
    per_dialog = [sum(permalink(channel, thread) in text for text in summaries)
                  for channel, thread in tally.escalated_threads]
    replies = Counter(str(c.params.get("thread_ts")) for c in posts
                      if c.params.get("channel") == MENTION_CHANNEL)
    private = [c for c in calls if c.method in ("response_url", "chat.postEphemeral")]
    samples += [f"private reply: {text_of(c.params)[:200]}" for c in private[:SAMPLES]]
    return Audit(
        duplicate_dialog_posts=dialog_dupes,
        extra_dialogs=extra,
        duplicate_summaries=sum(n - 1 for n in per_dialog if n > 1),
        duplicate_mention_replies=sum(max(0, replies[ts] - 1) for ts in tally.mentions),
        missing_summaries=sum(1 for n in per_dialog if n == 0),
        unanswered_mentions=sum(1 for ts in tally.mentions if replies[ts] == 0),
        private_replies=len(private),
        samples=tuple(samples[: 2 * SAMPLES]),
    )


def _in_user_channel(call: RecordedCall) -> bool:
    return str(call.params.get("channel", "")).startswith(USER_CHANNEL_PREFIX)


def _repeated(keys: Iterable[tuple[str, str, str]], samples: list[str]) -> int:
    """How many of `keys` (channel, thread, text) repeat one seen before; a few go to samples."""
    counts = Counter(keys)
    extra = 0
    for (channel, thread, text), count in counts.items():
        if count > 1:
            extra += count - 1
            if len(samples) < SAMPLES:
                samples.append(f"{count}x in {channel} thread {thread}: {text[:160]!r}")
    return extra
