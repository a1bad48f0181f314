"""`.env` in the working directory, read at start by every command (python-dotenv).

Each `NAME=value` line sets NAME unless the environment already has it: the environment wins.
A file that cannot be read is a configuration error (exit status 2), named in one line.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

from dotenv import dotenv_values

from bot.cli.output import UsageError

ENV_FILE = ".env"


def load_env_file(path: Path | None = None,
                  environ: MutableMapping[str, str] | None = None) -> Path | None:
    """Set the variables of `path` (default ./.env) that `environ` (default os.environ) lacks;
    the file read, or None when there is none."""
    path = path if path is not None else Path.cwd() / ENV_FILE
    target = os.environ if environ is None else environ
    if not path.is_file():
        return None
    try:
        values = dotenv_values(path, interpolate=True)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    for name, value in values.items():
        if value is not None and name not in target:
            target[name] = value
    return path
