"""Slack stand-ins for a terminal: the bot's messages printed as plain text, buttons as numbers.

`TerminalMessenger` implements the Messenger port: every message is printed (thread replies
indented under their thread, updates re-printed marked "(updated)"), and every button or select
option it shows gets a number that stays valid while that message shows it. `TerminalSlack`
answers the Slack reads the service makes (auth.test, users.info, conversations.info and
conversations.members) for a one-person workspace, so identity and channel privacy work with no
account and no network.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.emoji import Emoji
from rich.text import Text

from bot.blocks import Block, Message
from bot.rendering import to_plain

DEMO_TEAM_ID = "T0DEMO"
DEMO_USER_ID = "U0DEMO"
DEMO_BOT_USER_ID = "U0ROSTERBOT"
DEMO_CHANNEL_ID = "D0DEMO"  # a direct message with the bot: internal, so staff see full detail
SUPPORT_CHANNEL_ID = "C0SUPPORT"
THREAD_INDENT = 4
MIN_WIDTH = 30  # narrower terminals wrap anyway
BULLETS = ("• ", "- ", "* ")
_TS_BASE = 1_700_000_000


# ---------------------------------------------------------------------------------------------
# Slack reads


class TerminalSlack:
    """auth.test, users.info and conversations.info/members for an offline workspace.

    The demo user is a full member of the installing team (staff); channels are internal unless
    named in `shared_channels`; unknown users fail like Slack's user_not_found does.
    """

    def __init__(self, *, team_id: str = DEMO_TEAM_ID, bot_user_id: str = DEMO_BOT_USER_ID,
                 users: Mapping[str, Mapping[str, Any]] | None = None,
                 shared_channels: Iterable[str] = ()) -> None:
        self.team_id, self.bot_user_id = team_id, bot_user_id
        self.users = dict(users) if users is not None else {
            DEMO_USER_ID: demo_user(DEMO_USER_ID, team_id=team_id, name="you"),
        }
        self.shared_channels = frozenset(shared_channels)

    def auth_test(self) -> dict[str, Any]:
        return {"ok": True, "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": "B0ROSTERBOT", "team": "rosterbot demo"}

    def users_info(self, *, user: str) -> dict[str, Any]:
        if user not in self.users:
            raise LookupError(f"users.info: user_not_found ({user})")
        return {"ok": True, "user": dict(self.users[user])}

    def conversations_info(self, *, channel: str) -> dict[str, Any]:
        shared = channel in self.shared_channels
        return {"ok": True, "channel": {"id": channel, "is_im": channel.startswith("D"),
                                        "is_shared": shared, "is_ext_shared": shared}}

    def conversations_members(self, *, channel: str, cursor: str | None = None,
                              limit: int = 100) -> dict[str, Any]:
        """Every demo channel has the demo workspace's users as members."""
        return {"ok": True, "members": list(self.users),
                "response_metadata": {"next_cursor": ""}}


def demo_user(user_id: str, *, team_id: str, name: str) -> dict[str, Any]:
    """A users.info `user` object for a full (non-guest) member of `team_id`."""
    return {"id": user_id, "team_id": team_id, "name": name, "real_name": name,
            "deleted": False, "is_bot": False, "is_restricted": False,
            "is_ultra_restricted": False}


# ---------------------------------------------------------------------------------------------
# Numbered choices


@dataclass(frozen=True, slots=True)
class Choice:
    """A button or select option on screen: pressing `number` sends `value` from that message."""

    number: int
    label: str
    value: str
    channel_id: str
    message_ts: str
    thread_ts: str | None


@dataclass(slots=True)
class _Posted:
    channel_id: str
    thread_ts: str | None
    ephemeral: bool


class ChoiceBook:
    """Numbers for the choices on screen. A re-rendered message keeps the numbers of the choices
    it still shows; choices it no longer shows stop working, like buttons replaced in Slack."""

    def __init__(self) -> None:
        self._next = itertools.count(1)
        self._by_number: dict[int, Choice] = {}
        self._by_key: dict[tuple[str, str], int] = {}

    def number(self, posted: _Posted, ts: str, options: list[tuple[str, str]]) -> dict[str, int]:
        """Numbers for (label, value) pairs shown on message `ts`; returns value -> number."""
        numbers: dict[str, int] = {}
        for label, value in options:
            number = self._by_key.get((ts, value)) or next(self._next)
            self._by_key[(ts, value)] = number
            self._by_number[number] = Choice(number, label, value, posted.channel_id, ts,
                                             posted.thread_ts)
            numbers[value] = number
        for key, number in list(self._by_key.items()):
            if key[0] == ts and key[1] not in numbers:
                del self._by_key[key]
                self._by_number.pop(number, None)
        return numbers

    def get(self, number: int) -> Choice | None:
        return self._by_number.get(number)

    def find(self, label: str) -> Choice | None:
        """The newest choice whose label is `label`, else the newest that contains it."""
        wanted = label.casefold()
        newest_first = sorted(self._by_number.values(), key=lambda c: -c.number)
        exact = [c for c in newest_first if c.label.casefold() == wanted]
        partial = [c for c in newest_first if wanted in c.label.casefold()]
        found = exact or partial
        return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# The messenger


class TerminalMessenger:
    """The Messenger port printing to a rich Console."""

    def __init__(self, console: Console, *, home_channel: str = DEMO_CHANNEL_ID,
                 channel_names: Mapping[str, str] | None = None,
                 user_names: Mapping[str, str] | None = None,
                 permalink_base: str = "https://rosterbot-demo.invalid") -> None:
        self.console = console
        self.home_channel = home_channel
        self.channel_names = dict(channel_names or {SUPPORT_CHANNEL_ID: "rosterbot-support",
                                                    DEMO_CHANNEL_ID: "dm-with-rosterbot"})
        self.user_names = dict(user_names or {DEMO_USER_ID: "you"})
        self.names = {**self.channel_names, **self.user_names}  # <@U…> and <#C…> shown by name
        self.permalink_base = permalink_base
        self.choices = ChoiceBook()
        self._ts = itertools.count(1)
        self._posted: dict[str, _Posted] = {}
        self._activity: dict[tuple[str, str], int] = {}  # (channel, thread_ts) -> last event

    # -- Messenger ---------------------------------------------------------------------------

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> str:
        ts = self._record(channel, thread_ts, ephemeral=False)
        self._show(ts, message, note="")
        return ts

    def direct(self, user: str, message: Message) -> tuple[str, str]:
        return self.home_channel, self.post(self.home_channel, message)

    def update(self, channel: str, ts: str, message: Message) -> None:
        if ts not in self._posted:  # Slack answers message_not_found
            raise LookupError(f"chat.update: message_not_found ({channel} {ts})")
        self._touch(self._posted[ts])
        self._show(ts, message, note="updated")

    def ephemeral(self, channel: str, user: str, message: Message, *,
                  thread_ts: str | None = None) -> None:
        ts = self._record(channel, thread_ts, ephemeral=True)
        self._show(ts, message, note="only you can see this")

    def respond(self, response_url: str, message: Message, *,
                replace_original: bool = False) -> None:
        ts = self._record(self.home_channel, None, ephemeral=message.ephemeral)
        self._show(ts, message, note="replaces the earlier reply" if replace_original else "")

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        ts = self._record("", None, ephemeral=True)
        self._print(ts, _heading("App Home", "") + self._render(ts, view.get("blocks", [])))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Modals have no terminal form; the demo links channels with `/roster link <id>`."""
        self.console.print("(a Slack dialog box would open here: use /roster link <license>)")

    def permalink(self, channel: str, ts: str) -> str:
        return f"{self.permalink_base}/archives/{channel}/p{ts.replace('.', '')}"

    # -- for the terminal loop ---------------------------------------------------------------

    def user_message(self, *, channel: str, thread_ts: str | None) -> str:
        """A ts for a message the user typed (already on screen at the prompt)."""
        return self._record(channel, thread_ts, ephemeral=False)

    def recent_threads(self, channel: str) -> list[str]:
        """Threads in `channel`, the most recently active first."""
        found = [(n, t) for (c, t), n in self._activity.items() if c == channel]
        return [t for _, t in sorted(found, reverse=True)]

    # -- internals ---------------------------------------------------------------------------

    def _record(self, channel: str, thread_ts: str | None, *, ephemeral: bool) -> str:
        n = next(self._ts)
        ts = f"{_TS_BASE + n}.{n:06d}"
        self._posted[ts] = _Posted(channel, thread_ts, ephemeral)
        self._touch(self._posted[ts])
        return ts

    def _touch(self, posted: _Posted) -> None:
        if posted.thread_ts:
            self._activity[(posted.channel_id, posted.thread_ts)] = next(self._ts)

    def _show(self, ts: str, message: Message, *, note: str) -> None:
        posted = self._posted[ts]
        where = "" if posted.channel_id == self.home_channel else \
            " in #" + self.channel_names.get(posted.channel_id, posted.channel_id)
        lines = _heading(f"rosterbot{where}", note)
        self._print(ts, lines + self._render(ts, list(message.blocks) or [_text(message.text)]))

    def _render(self, ts: str, blocks: list[Block]) -> list[Text]:
        posted = self._posted[ts]
        options = [pair for block in blocks for pair in choices_in(block)]
        numbers = self.choices.number(posted, ts, options)
        return [line for block in blocks for line in
                render_block(block, numbers, self.names, width=self._width(ts))]

    def _print(self, ts: str, lines: list[Text]) -> None:
        """Lines wrapped to the console's width, thread replies indented under their thread."""
        indent = THREAD_INDENT if self._posted[ts].thread_ts else 0
        width = self._width(ts)
        self.console.print()
        for text in lines:
            for part in text.split("\n"):
                self._print_wrapped(part, indent=indent, width=width)

    def _width(self, ts: str) -> int:
        indent = THREAD_INDENT if self._posted[ts].thread_ts else 0
        return max(MIN_WIDTH, self.console.width - indent)

    def _print_wrapped(self, line: Text, *, indent: int, width: int) -> None:
        """One line, wrapped; a bullet's continuation lines hang under its text."""
        hang = 2 if line.plain.startswith(BULLETS) else 0
        for index, piece in enumerate(line.wrap(self.console, width - hang)):
            piece.rstrip()
            if not piece.plain:
                self.console.print()
                continue
            pad = indent + (hang if index else 0)
            self.console.print(Text(" " * pad) + piece, soft_wrap=True)


# ---------------------------------------------------------------------------------------------
# Block Kit to text (pure)


def choices_in(block: Block) -> list[tuple[str, str]]:
    """(label, value) of the buttons and select options in an actions block."""
    if block.get("type") != "actions":
        return []
    pairs: list[tuple[str, str]] = []
    for element in block.get("elements", []):
        if element.get("type") == "button":
            pairs.append((_plain(element.get("text")), str(element.get("value", ""))))
        for option in element.get("options", []):
            pairs.append((_plain(option.get("text")), str(option.get("value", ""))))
    return pairs


def render_block(block: Block, numbers: Mapping[str, int], names: Mapping[str, str], *,
                 width: int = 80) -> list[Text]:
    """A block as terminal lines; buttons and options carry their [number], and a row of
    buttons is broken between buttons to fit `width`, never inside a label."""
    kind = block.get("type")
    if kind == "header":
        return [Text(_plain(block.get("text")), style="bold")]
    if kind == "section":
        return [mrkdwn_text(_section_text(block), names)]
    if kind == "context":
        texts = [str(e.get("text", "")) for e in block.get("elements", [])]
        return [mrkdwn_text(" ".join(texts), names, style="dim")]
    if kind == "divider":
        return [Text("─" * 20, style="dim")]
    if kind == "actions":
        return _actions_lines(block, numbers, width)
    return []


def _actions_lines(block: Block, numbers: Mapping[str, int], width: int) -> list[Text]:
    buttons: list[Text] = []
    lines: list[Text] = []
    for element in block.get("elements", []):
        if element.get("type") == "button":
            value = str(element.get("value", ""))
            buttons.append(Text.assemble((f"[{numbers[value]}] ", "bold cyan"), (
                _plain(element.get("text")), "bold" if element.get("style") else "")))
        elif element.get("options"):
            lines.append(Text(_plain(element.get("placeholder")) + ":", style="italic"))
            for option in element["options"]:
                number = numbers[str(option.get("value", ""))]
                lines.append(Text.assemble("  ", (f"[{number}] ", "bold cyan"),
                                           _plain(option.get("text"))))
    return lines + _pack_row(buttons, width)


def _pack_row(items: list[Text], width: int, gap: str = "   ") -> list[Text]:
    """Items side by side, a new line whenever the next one would not fit."""
    rows: list[Text] = []
    for item in items:
        if rows and rows[-1].cell_len + len(gap) + item.cell_len <= width:
            rows[-1].append(gap)
            rows[-1].append_text(item)
        else:
            rows.append(item.copy())
    return rows


_MRKDWN_STYLE = re.compile(r"(?<![\w*`])\*([^*\n]+)\*(?![\w*])|(?<![\w_`])_([^_\n]+)_(?![\w_])"
                           r"|`([^`\n]+)`")
_MENTION = re.compile(r"<([@#])([A-Z0-9]+)(?:\|[^>]*)?>")


def mrkdwn_text(text: str, names: Mapping[str, str] | None = None, *,
                style: str = "") -> Text:
    """Slack mrkdwn as styled terminal text: *bold*, _italic_, `code`, mentions by name,
    :emoji: codes, links as "label (url)" and the &amp; escapes undone."""
    known = names or {}
    text = _MENTION.sub(lambda m: m.group(1) + known.get(m.group(2), m.group(2)), text)
    plain = Emoji.replace(to_plain(text))
    out = Text(style=style)
    at = 0
    for match in _MRKDWN_STYLE.finditer(plain):
        out.append(plain[at:match.start()])
        bold, italic, code = match.groups()
        if bold is not None:
            out.append(bold, style="bold")
        elif italic is not None:
            out.append(italic, style="italic")
        else:
            out.append(code or "", style="cyan")
        at = match.end()
    out.append(plain[at:])
    return out


def _heading(author: str, note: str) -> list[Text]:
    line = Text(author, style="bold magenta")
    if note:
        line.append(f"  ({note})", style="dim")
    return [line]


def _section_text(block: Block) -> str:
    text = block.get("text") or {}
    fields = [str(f.get("text", "")) for f in block.get("fields", [])]
    return "\n".join([str(text.get("text", ""))] + fields if text else fields)


def _text(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _plain(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)
