"""Errors raised by the bot package (the checks package has its own tree in checks.errors).

    BotError
    ├── ConfigError          a setting is missing or malformed (names the variable)
    ├── KnowledgeBaseError   a knowledge/ YAML file is malformed (names the file and path)
    ├── InvalidTransition    a dialog input that makes no sense in the current state
    └── StoreError           the store could not be read or written
        └── StoreUnavailable the database is down or unreachable
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot package raises."""


class ConfigError(BotError):
    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


class KnowledgeBaseError(BotError):
    pass


class InvalidTransition(BotError):
    pass


class StoreError(BotError):
    pass


class StoreUnavailable(StoreError):
    pass
