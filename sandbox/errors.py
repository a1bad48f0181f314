"""Errors raised while loading the sandbox's world files and roster bundles."""

from __future__ import annotations

from pathlib import Path


class SandboxError(Exception):
    """Base of every sandbox error."""


class SandboxBundleError(SandboxError):
    """A OneRoster CSV bundle could not be read; names the file (and line) at fault."""

    def __init__(self, path: Path, problem: str, *, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


class SandboxWorldError(SandboxError):
    """A world file is wrong; names the file and the field at fault."""

    def __init__(self, path: Path, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        super().__init__(f"{path}: {field}: {problem}" if field else f"{path}: {problem}")
