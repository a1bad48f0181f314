"""`rosterbot demo`: the scripted walk through the console script, the interactive loop driven
with scripted input, the terminal Slack stand-ins, and `--report`."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console

from bot.blocks import Button, simple_message
from bot.cli import main
from bot.cli.demo import DemoSession, Turn, TurnKind, interact, open_session, play
from bot.dialog import Action
from bot.identity import IdentityResolver
from bot.knowledge import load_knowledge
from bot.service.channels import ChannelPrivacy
from bot.terminal import DEMO_USER_ID, TerminalMessenger, TerminalSlack, mrkdwn_text

REPO = Path(__file__).resolve().parents[2]
FIGURES = re.compile(r"ClassLink sends \d+ teachers, \d+ students, \d+ classes and \d+ enrollments")
Line = str | Callable[[], str]


def flat(text: str) -> str:
    """Whitespace collapsed, so assertions do not depend on where the terminal wrapped."""
    return " ".join(text.split())


def said(key: str) -> str:
    return flat(load_knowledge().string(key))


def new_console() -> Console:
    return Console(file=io.StringIO(), width=120, highlight=False, color_system=None)


def output_of(session: DemoSession) -> str:
    file = session.console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


@pytest.fixture
def session() -> Iterator[DemoSession]:
    with open_session(new_console()) as opened:
        yield opened


class ScriptedInput:
    """Stands in for input(): hands out lines (or computes them from the screen) and records
    each prompt; EOFError when the lines run out, as input() does at end of file."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = list(lines)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        return line if isinstance(line, str) else line()


def number_of(session: DemoSession, label: str) -> Callable[[], str]:
    def find() -> str:
        choice = session.messenger.choices.find(label)
        assert choice is not None, f"no {label!r} on screen"
        return str(choice.number)
    return find


# ---------------------------------------------------------------------------------------------
# The scripted walk, through the installed console script


def test_scripted_walk_without_a_terminal_runs_the_whole_dialog_and_exits_0() -> None:
    script = Path(sys.executable).with_name("rosterbot")
    assert script.exists(), "the rosterbot console script is missing: pip install -e ."
    done = subprocess.run([str(script), "demo"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    out = flat(done.stdout)
    for title in ("Step 1 of 3", "Step 2 of 3", "Step 3 of 3"):
        assert title in out
    assert "you> /roster troubleshoot demo-emails" in out
    assert "License has sarah.wlison@lincolnusd.org, ClassLink sends "\
        "sarah.wilson@lincolnusd.org for Sarah Wilson" in out
    assert "ClassLink sends 2 close addresses: john.smith@lincolnusd.org" in out
    assert "Where jsmith@lincolnusd.org appears" in out  # the typed email was looked up
    assert FIGURES.search(out)
    assert "John Smith (john.smith@lincolnusd.org): teacher, active" in out  # picked teacher
    assert said("fixed_thanks") in out
    assert "(updated)" in out  # "checking…" messages are re-rendered with the result
    assert "Traceback" not in done.stderr


def test_a_walk_that_finds_no_such_button_fails_with_status_1(session: DemoSession) -> None:
    walk = (Turn(TurnKind.COMMAND, "troubleshoot demo-emails", "start"),
            Turn(TurnKind.PRESS, "No such button", "press something that is not there"))
    assert play(session, walk) == 1
    assert "demo script failed: no button or option 'No such button'" in flat(output_of(session))


# ---------------------------------------------------------------------------------------------
# The interactive loop, with injected input


def test_interactive_loop_handles_mistakes_commands_presses_and_thread_replies(
        session: DemoSession) -> None:
    read = ScriptedInput([
        "help",
        "/roster frobnicate",
        "/rooster check",
        "99",
        "/roster troubleshoot demo-emails",
        number_of(session, "Next step"),
        "jsmith@lincolnusd.org",
        "quit",
        "/roster help",  # never read: quit ends the loop
    ])
    assert interact(session, read_line=read) == 0
    out = flat(output_of(session))
    assert "/roster troubleshoot [license]" in out  # help lists the subcommands
    assert "I don't know the subcommand frobnicate" in out  # the service's usage reply
    assert "Only /roster commands exist here" in out
    assert "There is no button [99] on screen" in out
    assert "Step 2 of 3" in out and "Where jsmith@lincolnusd.org appears" in out
    assert read.lines == ["/roster help"]
    # typed text went into the dialog's thread once the dialog had started
    assert read.prompts[:5] == ["you> "] * 5
    assert read.prompts[5:] == ["you (in thread)> "] * 3


def test_a_question_outside_a_dialog_gets_an_faq_answer_with_numbered_feedback(
        session: DemoSession) -> None:
    read = ScriptedInput(["what is the application id?", number_of(session, "Yes")])
    assert interact(session, read_line=read) == 0  # ends at end of input
    out = flat(output_of(session))
    assert said("faq_prompt") in out
    assert said("faq_thanks") in out and "(only you can see this)" in out


def test_thread_replies_are_indented_under_their_thread(session: DemoSession) -> None:
    session.command("troubleshoot demo-emails")
    lines = output_of(session).splitlines()
    root = next(i for i, line in enumerate(lines) if "rostering check started" in line)
    step = next(i for i, line in enumerate(lines) if "Step 1 of 3" in line)
    assert not lines[root].startswith(" ") and lines[step].startswith("    ")


def test_talk_to_support_posts_in_the_support_channel_and_home_lists_it(
        session: DemoSession) -> None:
    read = ScriptedInput(["/roster troubleshoot demo-disabled",
                          number_of(session, "Talk to support"), "home"])
    assert interact(session, read_line=read) == 0
    out = flat(output_of(session))
    assert "rosterbot in #rosterbot-support" in out  # the summary, posted in another channel
    assert "requested by @you in #dm-with-rosterbot" in out
    assert said("escalation_confirmed") in out
    home = flat(output_of(session).split("App Home")[-1])
    assert "demo-disabled" in home and "None yet" not in home and "None." not in home


# ---------------------------------------------------------------------------------------------
# The terminal stand-ins


def test_updates_keep_button_numbers_and_drop_buttons_no_longer_shown() -> None:
    messenger = TerminalMessenger(new_console())
    two = simple_message("x", buttons=(Button("Next step", Action.NEXT_STEP),
                                       Button("This fixed it", Action.FIXED)), dialog_id="d1")
    one = simple_message("y", buttons=(Button("This fixed it", Action.FIXED),), dialog_id="d1")
    ts = messenger.post("D0DEMO", two, thread_ts="1.1")
    fixed = messenger.choices.find("This fixed it")
    following = messenger.choices.find("Next step")
    assert fixed is not None and following is not None and fixed.message_ts == ts
    messenger.update("D0DEMO", ts, one)
    assert messenger.choices.find("This fixed it") == fixed  # same number, same message
    assert messenger.choices.get(following.number) is None
    assert messenger.recent_threads("D0DEMO") == ["1.1"]
    with pytest.raises(LookupError):
        messenger.update("D0DEMO", "9.9", one)


def test_terminal_slack_makes_the_demo_user_staff_and_strangers_customers() -> None:
    slack = TerminalSlack()
    identity = IdentityResolver(slack)
    assert identity.actor(DEMO_USER_ID).is_staff
    assert not identity.actor("U0STRANGER").is_staff  # users.info fails: fail closed
    shared = ChannelPrivacy(TerminalSlack(shared_channels=["C0SHARED"]))
    assert shared.is_internal("D0DEMO") and shared.is_internal("C0INTERNAL")
    assert not shared.is_internal("C0SHARED")


def test_mrkdwn_becomes_plain_styled_text() -> None:
    text = mrkdwn_text("*Hi* <@U0DEMO> in <#C0SUPPORT>, see <https://x.org|the docs> &amp; "
                       "`code` :white_check_mark: <@U0OTHER>",
                       {"U0DEMO": "you", "C0SUPPORT": "support"})
    assert text.plain == "Hi @you in #support, see the docs (https://x.org) & code ✅ @U0OTHER"
    assert any(span.style == "bold" for span in text.spans)


# ---------------------------------------------------------------------------------------------
# --report: the old demo


def test_report_diagnoses_every_sample_license(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--report"]) == 0
    out = capsys.readouterr().out
    for license_id in ("demo-healthy", "demo-unattached", "demo-disabled", "demo-emails",
                       "demo-few-students"):
        assert license_id in out
    assert "Step 3" in out
