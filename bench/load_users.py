"""Simulated Slack users for bench/load.py: full troubleshooting dialogs, and mentions delivered
to every replica at once.

Each user is a staff member with a channel of their own. A dialog: `/roster troubleshoot
<license>`; wait until step 1 has its result; *Next step*; type an email in the thread and wait
for the lookup; *Next step*; pick a teacher and wait for the report; then *This fixed it* (or, in
one dialog of four, *Talk to support*) and wait for the bot's last word. Every request goes to a
random replica, so a dialog moves between them; every button value is the one the bot posted.
A user sends nothing until the bot has answered the previous request (or `answer_timeout` runs
out, which fails the dialog), as a person would. Users arrive spread over the first
`ramp_seconds`.

Two kinds of request reach every replica at the same moment (the one replica twice when there is
only one), where the bot must still answer once: in one dialog of three the closing button is
double-clicked, and every `mention_interval` the mention sender posts an app_mention with one
event_id, the way Slack's retries and a second delivery race.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from load_client import AnswerTimeout, KeepAlivePool, WatchedSlackStub

from sandbox import slack_requests as sr

T = TypeVar("T")
HOME_TEAM = "T_PIVOT"
SUPPORT_CHANNEL = "C_ESCALATE"
MENTION_CHANNEL = "C_MENTIONS"
MENTION_USER = "U_LOADMENTION"
# (license, an address typed at step 2): every sample license, healthy or broken.
LICENSES = (
    ("demo-healthy", "ben.baker@rcschools.net"),
    ("demo-emails", "jsmith@lincolnusd.org"),
    ("demo-few-students", "office@cedarfallsacademy.org"),
    ("demo-disabled", "principal@hvusd.org"),
    ("demo-unattached", "it@mgsd.org"),
)
FAQ_QUESTIONS = (
    "how do I run the sanity check?",
    "where do I find the OneRoster application id?",
    "what does the tobedeleted status mean?",
)
ESCALATE_ONE_IN = 4
DOUBLE_CLICK_ONE_IN = 3
USER_CHANNEL_PREFIX = "C_LOAD"


def user_id(n: int) -> str:
    return f"U_LOAD{n:03d}"


def channel_id(n: int) -> str:
    return f"{USER_CHANNEL_PREFIX}{n:03d}"


def populate(stub: WatchedSlackStub, users: int) -> None:
    """The simulated users, their channels, the support and the mention channel."""
    for n in range(users):
        stub.add_user(user_id(n), team_id=HOME_TEAM)
        stub.add_channel(channel_id(n))
    stub.add_user(MENTION_USER, team_id=HOME_TEAM)
    stub.add_channel(SUPPORT_CHANNEL)
    stub.add_channel(MENTION_CHANNEL)


@dataclass(frozen=True, slots=True)
class Texts:
    """Knowledge base strings the users recognise the bot's answers by."""

    checking: str
    fixed_thanks: str
    escalation_confirmed: str


@dataclass(frozen=True, slots=True)
class Plan:
    users: int
    seconds: float
    answer_timeout: float
    think_seconds: float  # each request waits up to this long (uniformly) after the answer
    mention_interval: float
    ramp_seconds: float
    secret: str
    seed: int


@dataclass(frozen=True, slots=True)
class Ack:
    kind: str  # command | action | message | mention
    ms: float
    status: int  # 0 when no answer came (connection refused, reset or closed)
    at: float  # seconds from the start of the run to sending it


@dataclass(slots=True)
class Tally:
    """What the users saw."""

    acks: list[Ack] = field(default_factory=list)
    answer_seconds: list[float] = field(default_factory=list)  # request sent -> answer seen
    dialogs_completed: int = 0
    dialogs_escalated: int = 0  # of the completed ones
    dialogs_cut_off: int = 0  # still running when the time was up
    double_clicks: int = 0  # closing buttons delivered to every replica at once
    stalled: list[str] = field(default_factory=list)  # dialogs the bot stopped answering
    troubleshoots: Counter[str] = field(default_factory=Counter)  # channel -> commands sent
    escalated_threads: list[tuple[str, str]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # ts of each mention sent
    window_seconds: float = 0.0  # from the first request to the time limit
    driver_cpu_seconds: float = 0.0  # CPU time of the users' event loop thread


class CutOff(Exception):
    """The time is up; the dialog stops before its next request."""


class Stalled(Exception):
    pass


class Session:
    """What every simulated user shares: replicas, the Slack stand-in, the clock, the tally."""

    def __init__(self, plan: Plan, pools: Sequence[KeepAlivePool], stub: WatchedSlackStub,
                 texts: Texts) -> None:
        self.plan, self.pools, self.stub, self.texts = plan, pools, stub, texts
        self.tally = Tally()
        self.rng = random.Random(plan.seed)
        self._ts_base = int(time.time())
        self._ts_count = 0
        self._started = self._stop_at = 0.0

    def start_clock(self) -> None:
        self._started = time.monotonic()
        self._stop_at = self._started + self.plan.seconds

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def closing(self) -> bool:
        return time.monotonic() >= self._stop_at

    async def pause(self, seconds: float) -> None:
        """Sleep `seconds`, or until the time is up if that comes first."""
        await asyncio.sleep(max(0.0, min(seconds, self._stop_at - time.monotonic())))

    def next_ts(self) -> str:
        """A Slack ts for a message a user types; unique in the run."""
        self._ts_count += 1
        return f"{self._ts_base}.{self._ts_count:06d}"

    async def send(self, kind: str, request: sr.SlackRequest) -> Ack:
        if self.closing():
            raise CutOff
        at = self.elapsed()
        ms, status = await self.rng.choice(self.pools).post(request)
        ack = Ack(kind, ms, status, at)
        self.tally.acks.append(ack)
        return ack

    async def send_everywhere(self, kind: str, request: sr.SlackRequest) -> Ack:
        """Deliver `request` to every replica at once (twice to a lone one); the first ack."""
        if self.closing():
            raise CutOff
        at = self.elapsed()
        answers = await asyncio.gather(*(pool.post(request) for pool in self.doubled_pools()))
        acks = [Ack(kind, ms, status, at) for ms, status in answers]
        self.tally.acks.extend(acks)
        return acks[0]

    def doubled_pools(self) -> list[KeepAlivePool]:
        return list(self.pools) if len(self.pools) > 1 else list(self.pools) * 2


class SimUser:
    def __init__(self, session: Session, n: int) -> None:
        self.session, self.stub, self.texts = session, session.stub, session.texts
        self.user, self.channel = user_id(n), channel_id(n)
        self.rng = random.Random(session.plan.seed * 1000 + n)
        self._requests = 0

    async def run(self) -> None:
        tally = self.session.tally
        while not self.session.closing():
            license_id, email = self.rng.choice(LICENSES)
            escalate = self.rng.randrange(ESCALATE_ONE_IN) == 0
            double = self.rng.randrange(DOUBLE_CLICK_ONE_IN) == 0
            try:
                await self.dialog(license_id, email, escalate=escalate, double_click=double)
            except CutOff:
                tally.dialogs_cut_off += 1
                return
            except Stalled as stall:
                tally.stalled.append(f"{self.user} {license_id}: {stall}")
                continue
            tally.dialogs_completed += 1
            tally.dialogs_escalated += escalate

    async def dialog(self, license_id: str, email: str, *, escalate: bool,
                     double_click: bool) -> None:
        mark = self.stub.post_count(self.channel)
        command = sr.slash_command(f"troubleshoot {license_id}", response_url=self._reply_url(),
                                   user_id=self.user, team_id=HOME_TEAM,
                                   channel_id=self.channel, secret=self.session.plan.secret)
        self.session.tally.troubleshoots[self.channel] += 1
        thread, ts, step = await self.ask("command", command, "step 1",
                                          self._step_done("Step 1 of 3", mark))
        ts, step = await self.press_for_step(step, ts, thread, "next_step", "Step 2 of 3")
        mark = self.stub.post_count(self.channel)
        typed = sr.message(f"<mailto:{email}|{email}>", user_id=self.user,
                           channel_id=self.channel, ts=self.session.next_ts(), thread_ts=thread,
                           secret=self.session.plan.secret,
                           event_id=f"EvLoad{self.user}x{self._next_request()}")
        await self.ask("message", typed, "the email lookup",
                       self._said(thread, mark, email))
        ts, step = await self.press_for_step(step, ts, thread, "next_step", "Step 3 of 3")
        options = picker_options(step)
        if options:
            mark = self.stub.post_count(self.channel)
            action_id, value = self.rng.choice(options)
            await self.ask("action", self._press(action_id, value, ts, thread, select=True),
                           "the teacher report", self._said(thread, mark, ""))
        final = "talk_to_support" if escalate else "fixed"
        words = self.texts.escalation_confirmed if escalate else self.texts.fixed_thanks
        mark = self.stub.post_count(self.channel)
        action_id, value = _button(step, final)
        if double_click:
            self.session.tally.double_clicks += 1
        await self.ask("action", self._press(action_id, value, ts, thread), final,
                       self._said(thread, mark, words[:20]), everywhere=double_click)
        if escalate:
            self.session.tally.escalated_threads.append((self.channel, thread))

    async def press_for_step(self, message: dict[str, Any], ts: str, thread: str, action: str,
                             title: str) -> tuple[str, dict[str, Any]]:
        mark = self.stub.post_count(self.channel)
        action_id, value = _button(message, action)
        _, new_ts, step = await self.ask("action", self._press(action_id, value, ts, thread),
                                         title.split(":")[0].lower(),
                                         self._step_done(title, mark, thread))
        return new_ts, step

    async def ask(self, kind: str, request: sr.SlackRequest, what: str,
                  probe: Callable[[], T | None], *, everywhere: bool = False) -> T:
        """Send `request` to a replica (or all), then wait for the answer `probe` recognises."""
        think = self.session.plan.think_seconds
        if think > 0:
            await asyncio.sleep(self.rng.uniform(0, think))
        started = time.monotonic()
        send = self.session.send_everywhere if everywhere else self.session.send
        sent = await send(kind, request)
        timeout = self.session.plan.answer_timeout
        try:
            found = await self.stub.wait_for_answer(self.channel, probe, timeout=timeout)
        except AnswerTimeout:
            raise Stalled(f"no {what} within {timeout:.0f} s of the {kind} sent at "
                          f"{sent.at:.1f} s (HTTP {sent.status})") from None
        self.session.tally.answer_seconds.append(time.monotonic() - started)
        return found

    # -- what the bot posted -------------------------------------------------------------------

    def _step_done(self, title: str, after: int, thread: str | None = None
                   ) -> Callable[[], tuple[str, str, dict[str, Any]] | None]:
        """(thread, ts, message) of the step message titled `title` once its check finished."""
        def probe() -> tuple[str, str, dict[str, Any]] | None:
            for post in self.stub.posts(self.channel, after):
                if post.thread_ts is None or thread not in (None, post.thread_ts):
                    continue
                message = self.stub.message(self.channel, post.ts)
                text = text_of(message or {})
                if message and title in text:
                    done = self.texts.checking not in text
                    return (post.thread_ts, post.ts, message) if done else None
            return None
        return probe

    def _said(self, thread: str, after: int, words: str) -> Callable[[], bool | None]:
        """True once a post in `thread` (not a step) after `after` contains `words`."""
        def probe() -> bool | None:
            for post in self.stub.posts(self.channel, after):
                if post.thread_ts != thread:
                    continue
                text = text_of(self.stub.message(self.channel, post.ts) or {})
                if words in text and "Step " not in text:
                    return True
            return None
        return probe

    # -- requests ------------------------------------------------------------------------------

    def _press(self, action_id: str, value: str, ts: str, thread: str, *,
               select: bool = False) -> sr.SlackRequest:
        return sr.block_action(
            action_id, None if select else value, response_url=self._reply_url(),
            user_id=self.user, user_team_id=HOME_TEAM, channel_id=self.channel, message_ts=ts,
            thread_ts=thread, selected_option=value if select else None,
            secret=self.session.plan.secret)

    def _reply_url(self) -> str:
        return self.stub.response_url(f"{self.user}-{self._next_request()}")

    def _next_request(self) -> int:
        self._requests += 1
        return self._requests


async def send_mentions(session: Session) -> None:
    """Every `mention_interval`, one mention delivered to all replicas at the same moment."""
    plan, tally = session.plan, session.tally
    count = 0
    while True:
        await session.pause(plan.mention_interval)
        if session.closing():
            return
        ts = session.next_ts()
        mention = sr.app_mention(FAQ_QUESTIONS[count % len(FAQ_QUESTIONS)], user_id=MENTION_USER,
                                 channel_id=MENTION_CHANNEL, ts=ts, event_id=f"EvLoadM{count}",
                                 secret=plan.secret)
        count += 1
        tally.mentions.append(ts)
        await session.send_everywhere("mention", mention)


async def drive(session: Session) -> Tally:
    """Run every user (arriving over the ramp) and the mention sender until the time is up and
    every user has its last answer, or gave up waiting."""
    session.stub.watch_from(asyncio.get_running_loop())
    session.start_clock()
    started = time.monotonic()
    users = [SimUser(session, n) for n in range(session.plan.users)]

    async def staggered(user: SimUser, delay: float) -> None:
        await asyncio.sleep(delay)
        await user.run()

    spread = session.plan.ramp_seconds / max(1, len(users))
    try:
        await asyncio.gather(send_mentions(session),
                             *(staggered(user, n * spread) for n, user in enumerate(users)))
    finally:
        session.stub.watch_from(None)
        for pool in session.pools:
            await pool.close()
    session.tally.window_seconds = min(time.monotonic() - started, session.plan.seconds)
    return session.tally


# -- reading Slack messages -----------------------------------------------------------------------


def blocks_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [block for block in blocks if isinstance(block, dict)]


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + "\n" + json.dumps(blocks_of(message),
                                                              ensure_ascii=False)


def _elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [element for block in blocks_of(message) for element in block.get("elements", [])
            if isinstance(element, dict)]


def action_of(value: str) -> str:
    """The action a rosterbot button value names ("rb2|dialog|step|action|digest|arg", or the
    older "rb1|dialog|action|digest|arg"; see bot.action_values)."""
    parts = value.split("|")
    index = 3 if parts[0] == "rb2" else 2
    return parts[index] if len(parts) > index else ""


def _button(message: dict[str, Any], action: str) -> tuple[str, str]:
    for element in _elements(message):
        value = str(element.get("value", ""))
        if element.get("type") == "button" and action_of(value) == action:
            return str(element.get("action_id", "")), value
    raise Stalled(f"no {action} button on the step message")


def picker_options(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(action_id, value) of every option of the message's selects."""
    return [(str(element.get("action_id", "")), str(option["value"]))
            for element in _elements(message) if element.get("type") == "static_select"
            for option in element.get("options", []) if "value" in option]
