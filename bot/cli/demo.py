"""`rosterbot demo`: a conversation with the bot in the terminal, over the sample world.

The same service layer as in Slack, with the terminal as Slack: messages are printed as text and
buttons as numbered choices. On a terminal it is interactive; without one (CI, `| cat`) it plays
a scripted walk through the demo-emails license and exits 0. `--report` diagnoses every sample
license instead. No Slack account and no network are needed (ClassLink is served on loopback).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from bot.app import build_service
from bot.cli.common import load_settings
from bot.cli.output import console as cli_console
from bot.cli.report import print_diagnosis
from bot.cli.runtime import sandbox_diagnoser
from bot.commands import USAGE
from bot.dialog import DialogState
from bot.service import Origin, RosterService
from bot.settings import Settings
from bot.store import Store, open_store
from bot.terminal import (
    DEMO_CHANNEL_ID,
    DEMO_TEAM_ID,
    DEMO_USER_ID,
    SUPPORT_CHANNEL_ID,
    Choice,
    TerminalMessenger,
    TerminalSlack,
)

QUIT_WORDS = frozenset({"quit", "exit", "q"})
COMMAND_PREFIX = "/roster"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="talk to the bot in the terminal over the sample world (no Slack needed)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--script", action="store_true",
                      help="play the scripted walk through demo-emails even on a terminal")
    mode.add_argument("--report", action="store_true",
                      help="diagnose every sample license and print the results")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    console = cli_console()
    if args.report:
        return run_report(console)
    interactive = not args.script and sys.stdin.isatty() and sys.stdout.isatty()
    with open_session(console) as session:
        if interactive:
            _enable_line_editing()
            return interact(session, read_line=input)
        return play(session, WALK)


def run_report(console: Console) -> int:
    """The old demo: every sample license diagnosed against the in-process sandbox."""
    with sandbox_diagnoser() as diagnoser:
        for lic in diagnoser.licenses.list():
            print_diagnosis(console, diagnoser.diagnose(lic.id))
    return 0


# ---------------------------------------------------------------------------------------------
# The session: the terminal as a Slack DM with the bot


@dataclass(slots=True)
class DemoSession:
    """One user in a direct message with the bot; each method is one thing Slack would send."""

    service: RosterService
    messenger: TerminalMessenger
    store: Store
    console: Console
    channel_id: str = DEMO_CHANNEL_ID
    user_id: str = DEMO_USER_ID
    team_id: str = DEMO_TEAM_ID

    def command(self, text: str) -> None:
        """`/roster <text>`"""
        self.service.command(Origin(self.channel_id, self.user_id, surface="command"), text)

    def press(self, choice: Choice) -> None:
        """A button press or a select pick, from the message that showed the choice."""
        origin = Origin(choice.channel_id, self.user_id, team_id=self.team_id,
                        thread_ts=choice.thread_ts, message_ts=choice.message_ts,
                        surface="action")
        self.service.action(origin, choice.value)

    def say(self, text: str) -> None:
        """A typed message: a reply in the live dialog's thread, else a message to the bot."""
        thread = self.dialog_thread()
        ts = self.messenger.user_message(channel=self.channel_id, thread_ts=thread)
        if thread:
            self.service.message(Origin(self.channel_id, self.user_id, thread_ts=thread,
                                        message_ts=ts, surface="message"), text)
        else:
            self.service.mention(Origin(self.channel_id, self.user_id, message_ts=ts,
                                        surface="mention"), text)

    def home(self) -> None:
        self.service.home_opened(self.user_id)

    def dialog_thread(self) -> str | None:
        """The most recently active thread that holds a dialog still in progress."""
        for thread in self.messenger.recent_threads(self.channel_id):
            stored = self.store.find_dialog_by_thread(self.channel_id, thread)
            if stored is not None and DialogState.from_dict(stored.state).active:
                return thread
        return None

    def license_ids(self) -> list[str]:
        return [lic.id for lic in self.service.deps.diagnoser.licenses.list()]


@contextmanager
def open_session(console: Console) -> Iterator[DemoSession]:
    """The sample world, a throwaway store and the service built as `rosterbot run` builds it."""
    with sandbox_diagnoser() as diagnoser, \
            tempfile.TemporaryDirectory(prefix="rosterbot-demo-") as tmp:
        settings = Settings.from_mapping({
            "ROSTERBOT_DATA_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'demo.sqlite3'}",
            "SLACK_SIGNING_SECRET": secrets.token_hex(16),  # signs the buttons' values
            "ROSTERBOT_SUPPORT_CHANNEL": SUPPORT_CHANNEL_ID,
        })
        # the sample world, but the knowledge base may be an edited copy
        settings = replace(settings, knowledge_dir=load_settings().knowledge_dir)
        store = open_store(settings.database_url)
        try:
            messenger = TerminalMessenger(console)
            service = build_service(settings, diagnoser=diagnoser, store=store,
                                    client=TerminalSlack(), messenger=messenger)
            yield DemoSession(service, messenger, store, console)
        finally:
            store.close()


# ---------------------------------------------------------------------------------------------
# Interactive


def interact(session: DemoSession, *, read_line: Callable[[str], str]) -> int:
    """Read lines until quit or end of input; every line is one thing the user does."""
    print_intro(session)
    while True:
        try:
            line = read_line(prompt(session)).strip()
        except (EOFError, KeyboardInterrupt):
            session.console.print()
            return 0
        if line.lower() in QUIT_WORDS:
            return 0
        try:
            handle_line(session, line)
        except KeyboardInterrupt:
            session.console.print("[dim](interrupted)[/]")
        except Exception as exc:  # a bug must not end the conversation; show it and go on
            session.console.print(f"[red]error:[/] {escape(f'{type(exc).__name__}: {exc}')}")


def handle_line(session: DemoSession, line: str) -> None:
    console = session.console
    if not line:
        return
    if line.lower() == "help":
        print_help(console)
    elif line.lower() == "home":
        session.home()
    elif line.split()[0].lower() == COMMAND_PREFIX:
        session.command(line[len(COMMAND_PREFIX):].strip())
    elif line.startswith("/"):
        console.print(f"Only {COMMAND_PREFIX} commands exist here; try `{COMMAND_PREFIX} help`.",
                      markup=False)
    elif line.isdigit():
        choice = session.messenger.choices.get(int(line))
        if choice is None:
            console.print(f"There is no button [{line}] on screen; the numbers in brackets "
                          "are the buttons and options shown above.", markup=False)
        else:
            session.press(choice)
    else:
        session.say(line)


def prompt(session: DemoSession) -> str:
    return "you (in thread)> " if session.dialog_thread() else "you> "


def print_intro(session: DemoSession) -> None:
    console = session.console
    console.print("[bold]rosterbot demo[/]: a conversation with the bot over the sample world "
                  "(no Slack needed).")
    console.print("You are a support agent in a direct message with the bot. Sample licenses: "
                  + escape(", ".join(session.license_ids())))
    console.print(f"Try [bold]{COMMAND_PREFIX} troubleshoot demo-emails[/], then type a number "
                  "to press a button. [bold]help[/] lists everything, [bold]quit[/] leaves.")


def print_help(console: Console) -> None:
    lines = [
        (f"{COMMAND_PREFIX} <subcommand>", "a slash command; subcommands:"),
        *((f"  {usage}", "") for usage in USAGE.values()),
        ("<number>", "press the button (or pick the option) shown as [number]"),
        ("<text>", "a message: a reply in the current troubleshooting thread if there is one, "
                   "else a message to the bot (a question, or 'my rostering is broken')"),
        ("home", "open the bot's App Home tab"),
        ("help", "this list"),
        ("quit", "leave (Ctrl-D too)"),
    ]
    for left, right in lines:
        console.print(f"  {left:38} {right}".rstrip(), markup=False)


def _enable_line_editing() -> None:
    try:
        import readline  # noqa: F401  (arrow keys and history for input())
    except ImportError:  # not on every platform; plain input() still works
        pass


# ---------------------------------------------------------------------------------------------
# Scripted walk


class TurnKind(StrEnum):
    COMMAND = "command"  # `/roster <text>`
    PRESS = "press"  # the newest button or option labelled <text> (or containing it)
    SAY = "say"  # a typed message


@dataclass(frozen=True, slots=True)
class Turn:
    """One scripted user turn, and the narration printed before it."""

    kind: TurnKind
    text: str
    note: str


WALK: tuple[Turn, ...] = (
    Turn(TurnKind.COMMAND, "troubleshoot demo-emails",
         "A support agent starts the guided check for Lincoln Unified's license."),
    Turn(TurnKind.PRESS, "Next step", "Step 1 passes: the app is attached. On to the emails."),
    Turn(TurnKind.SAY, "jsmith@lincolnusd.org",
         "Step 2 lists near-misses. Look up one of the instructor emails by typing it."),
    Turn(TurnKind.PRESS, "Next step", "On to step 3, ClassLink's Sanity Check figures."),
    Turn(TurnKind.PRESS, "john.smith@lincolnusd.org", "Pick a teacher for the per-teacher report."),
    Turn(TurnKind.PRESS, "This fixed it", "The agent fixed the emails; close the conversation."),
)


class ScriptError(Exception):
    """The scripted walk found the bot's answers different from what it expects."""


def play(session: DemoSession, walk: Sequence[Turn]) -> int:
    """Play `walk`, echoing each turn as if it had been typed at the prompt."""
    console = session.console
    console.print("[bold]rosterbot demo[/] (scripted walk; run it in a terminal to talk to "
                  "the bot yourself)")
    try:
        for turn in walk:
            console.print()
            console.print(f"# {turn.note}", style="dim", markup=False)
            play_turn(session, turn)
    except ScriptError as exc:
        console.print(f"[red]demo script failed:[/] {escape(str(exc))}")
        return 1
    console.print()
    console.print("[dim]# End of the walk. `make demo` in a terminal lets you try it.[/]")
    return 0


def play_turn(session: DemoSession, turn: Turn) -> None:
    shown = prompt(session)
    if turn.kind is TurnKind.COMMAND:
        session.console.print(f"{shown}{COMMAND_PREFIX} {turn.text}", markup=False)
        session.command(turn.text)
    elif turn.kind is TurnKind.SAY:
        session.console.print(f"{shown}{turn.text}", markup=False)
        session.say(turn.text)
    else:
        choice = session.messenger.choices.find(turn.text)
        if choice is None:
            raise ScriptError(f"no button or option {turn.text!r} is on screen")
        session.console.print(f"{shown}{choice.number}    ← {choice.label}", markup=False)
        session.press(choice)
