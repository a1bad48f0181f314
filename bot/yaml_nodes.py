"""Reading knowledge/ YAML with errors that name the file and the path inside it.

`Node` wraps a value with where it is (e.g. `articles[0].questions`), so every validation
error can say exactly what to fix; duplicate keys are errors rather than silent overrides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import KnowledgeBaseError


class KnowledgeFileError(KnowledgeBaseError):
    """A knowledge/ file is missing or malformed; `path` is the YAML path ("" for the file)."""

    def __init__(self, file: Path, path: str, problem: str) -> None:
        self.file = file
        self.path = path
        self.problem = problem
        super().__init__(f"{file}: {path}: {problem}" if path else f"{file}: {problem}")


# ---------------------------------------------------------------------------------------------
# Records


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, except that a key given twice in a mapping is an error, not an override."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            repeated = key in seen
        except TypeError:  # a list or mapping used as a key (`? [a, b]`)
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be text, not {type(key).__name__}", key_node.start_mark
            ) from None
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_yaml(file: Path) -> Any:
    """The parsed YAML document in `file`; KnowledgeFileError when absent or unparsable."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeFileError(file, "", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise KnowledgeFileError(file, "", f"not UTF-8 text ({exc.reason})") from exc
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise KnowledgeFileError(file, "", yaml_problem(exc)) from exc


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML syntax error on one line: "not valid YAML at line 4, column 3: <problem>"."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context else problem
    return " ".join(f"not valid YAML{where}: {text}".split())


@dataclass(frozen=True, slots=True)
class Node:
    """A value inside a YAML document, with where it is, so every error can say so."""

    file: Path
    where: str
    value: Any

    @classmethod
    def root(cls, file: Path, value: Any) -> Node:
        return cls(file, "", value)

    def error(self, problem: str) -> KnowledgeFileError:
        return KnowledgeFileError(self.file, self.where or "(top level)", problem)

    def child(self, key: str | int) -> Node:
        if isinstance(key, int):
            where = f"{self.where}[{key}]"
        else:
            where = f"{self.where}.{key}" if self.where else key
        return Node(self.file, where, self.value[key])

    def mapping(
        self, *, required: set[str] | frozenset[str] = frozenset(),
        optional: set[str] | frozenset[str] = frozenset(),
    ) -> Fields:
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {_kind(self.value)}")
        unknown = sorted(str(k) for k in self.value if k not in required | optional)
        if unknown:
            raise self.error(f"unknown key(s): {', '.join(unknown)}")
        missing = sorted(required - set(self.value))
        if missing:
            raise self.error(f"missing key(s): {', '.join(missing)}")
        return Fields({str(k): self.child(str(k)) for k in self.value})

    def items(self, *, non_empty: bool = False) -> list[Node]:
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_kind(self.value)}")
        if non_empty and not self.value:
            raise self.error("must not be empty")
        return [self.child(i) for i in range(len(self.value))]

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self.error(f"expected text, got {_kind(self.value)}")
        if not self.value.strip():
            raise self.error("must not be empty")
        if _UNSAFE_MRKDWN.search(self.value):
            raise self.error("must not contain Slack mentions such as <!channel> or <@U123>")
        return self.value.strip()

    def identifier(self) -> str:
        value = self.text()
        if not _IDENTIFIER.fullmatch(value):
            raise self.error(f"{value!r} is not an id (lower-case letters, digits, _)")
        return value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_kind(self.value)}")
        return self.value


@dataclass(frozen=True, slots=True)
class Fields:
    """The checked keys of one YAML mapping."""

    nodes: dict[str, Node]

    def __getitem__(self, key: str) -> Node:
        return self.nodes[key]

    def get(self, key: str) -> Node | None:
        return self.nodes.get(key)

    def items(self) -> Iterator[tuple[str, Node]]:
        return iter(self.nodes.items())

    def flag(self, key: str, *, default: bool) -> bool:
        node = self.nodes.get(key)
        return default if node is None else node.flag()


_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Authored text may link (<https://...|label>) but never ping: no <!channel>, <@U..>, <#C..>.
_UNSAFE_MRKDWN = re.compile(r"<\s*[!@#]")


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
