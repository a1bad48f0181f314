"""Parsing `/roster` subcommands into values (pure; no Slack, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.text import looks_like_email

MAX_TEXT = 500
_LICENSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")

USAGE = {
    "help": "/roster help",
    "troubleshoot": "/roster troubleshoot [license]",
    "check": "/roster check [license]",
    "email": "/roster email <address>",
    "teacher": "/roster teacher [license] <address>",
    "app": "/roster app [license]",
    "link": "/roster link [license]",
    "unlink": "/roster unlink",
    "watch": "/roster watch [on|off]",
}


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    argument: str | None = None
    license_id: str | None = None  # `teacher <license> <address>`: the license named first


@dataclass(frozen=True, slots=True)
class BadCommand:
    problem: str
    usage: str | None = None  # the usage line of the subcommand, or None for all of them


def parse_command(text: str) -> Command | BadCommand:
    """`/roster <subcommand> [argument]`; an empty text means help."""
    if len(text) > MAX_TEXT:
        return BadCommand(f"That is too long ({len(text)} characters); the most is {MAX_TEXT}.")
    words = text.split()
    if not words:
        return Command("help")
    name, args = words[0].lower(), words[1:]
    if name not in USAGE:
        return BadCommand(f"I don't know the subcommand `{name}`.")
    usage = USAGE[name]
    takes = usage.count("<") + usage.count("[")
    if len(args) > takes:
        return BadCommand("Too many arguments.", usage)
    required = "<" in usage
    if required and not args:
        return BadCommand("This needs an argument.", usage)
    license_id = args.pop(0) if name == "teacher" and len(args) == 2 else None
    if license_id is not None and not _LICENSE_ID.match(license_id):
        return BadCommand("That does not look like a license id.", usage)
    argument = args[0] if args else None
    if argument is not None and name in ("email", "teacher"):
        argument = argument.strip("<>").removeprefix("mailto:").split("|")[-1]
        if not looks_like_email(argument):
            return BadCommand("That does not look like an email address.", usage)
    elif argument is not None and not _LICENSE_ID.match(argument):
        return BadCommand("That does not look like a license id.", usage)
    return Command(name, argument, license_id)
