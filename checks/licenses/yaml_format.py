"""The licenses YAML format: parse text into Licenses, render Licenses as text.

    licenses:
      - id: "L-1001"
        name: Springfield High Physics
        district: Springfield USD
        seats: 40
        expires: 2026-06-30        # or null
        instructor_emails: [ms.hoover@springfield.k12.us]
        application_ids: ["1234567"]

Every plain scalar except null is read as text, so `id: 00123` stays "00123" (not the octal
number 83) and an unquoted date stays a string we validate ourselves. Errors name the file,
the entry (number, id and line) and the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import yaml

from checks.errors import LicenseSourceError
from checks.licenses.records import (
    LicenseFieldError,
    check_unique_ids,
    license_from_mapping,
    license_to_mapping,
    validate_license,
)
from checks.models import License

TOP_KEY = "licenses"


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that resolves only null; ints, bools and dates stay as typed text."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # YAML keeps the last of two equal keys; a repeated instructor_emails would silently
        # drop addresses, so refuse it.
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that shows invisible characters as escapes instead of writing them raw."""

    # "\xA0" is clearer to a reader than YAML's own "\_" for a non-breaking space.
    # (The stubs mark this Final; overriding it in a subclass is how PyYAML is customised.)
    ESCAPE_REPLACEMENTS = {  # type: ignore[misc]
        k: v for k, v in yaml.emitter.Emitter.ESCAPE_REPLACEMENTS.items() if k != "\xa0"
    }

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        # With allow_unicode off, the double-quoted writer escapes every non-ASCII character,
        # so a zero-width space in an email reads as \u200B rather than being invisible.
        saved = self.allow_unicode
        self.allow_unicode = False
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = saved


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(_is_invisible(ch) for ch in value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _is_invisible(ch: str) -> bool:
    return ch != " " and unicodedata.category(ch) in _INVISIBLE_CATEGORIES


_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_Dumper.add_representer(str, _represent_text)


def parse_licenses_yaml(text: str, *, source: str) -> list[License]:
    """The licenses in `text`, in file order; LicenseSourceError names `source` on any problem."""
    node, document = _load(text, source)
    entries = _entries(document, source)
    lines = _entry_lines(node)
    licenses: list[License] = []
    first_seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = _where(index, entry, lines)
        try:
            license = license_from_mapping(entry)
        except LicenseFieldError as exc:
            raise LicenseSourceError(f"{source}: {where}: {exc}") from None
        if license.id in first_seen:
            raise LicenseSourceError(
                f"{source}: {where}: duplicate id {license.id!r} (first used by "
                f"{first_seen[license.id]})"
            )
        first_seen[license.id] = where
        licenses.append(license)
    return licenses


def licenses_to_yaml(licenses: Iterable[License]) -> str:
    """YAML text that `parse_licenses_yaml` (and plain yaml.safe_load) read back unchanged.

    Licenses keep the order given. Raises ValueError for duplicate ids or invalid values.
    """
    items = list(licenses)
    check_unique_ids(items)
    entries = []
    for license in items:
        validate_license(license)
        entry = license_to_mapping(license)
        entry["expires"] = license.expires  # a plain date scalar reads nicer than a quoted one
        entries.append(entry)
    return yaml.dump(
        {TOP_KEY: entries},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )


def _load(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise LicenseSourceError(f"{source}: not valid YAML{_yaml_problem(exc)}") from None
    finally:
        loader.dispose()
    return node, document


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """ " at line 3, column 5: duplicate key 'id'", or the whole message if it has no position."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        context = f"{exc.context}; " if exc.context else ""
        return f" at line {mark.line + 1}, column {mark.column + 1}: {context}{exc.problem}"
    return f": {exc}"


def _entries(document: Any, source: str) -> list[Any]:
    expected = f"expected a mapping with a '{TOP_KEY}:' list"
    if not isinstance(document, dict):
        found = "an empty file" if document is None else type(document).__name__
        raise LicenseSourceError(f"{source}: {expected}, found {found}")
    extra = sorted(str(k) for k in document if k != TOP_KEY)
    if extra:
        raise LicenseSourceError(f"{source}: unknown top-level key {extra[0]!r}; {expected}")
    if TOP_KEY not in document:
        raise LicenseSourceError(f"{source}: {expected}")
    entries = document[TOP_KEY]
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise LicenseSourceError(
            f"{source}: '{TOP_KEY}' must be a list, found {type(entries).__name__}"
        )
    return entries


def _entry_lines(node: yaml.Node | None) -> list[int]:
    """1-based line of each entry under `licenses:`, for error messages."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == TOP_KEY:
            if isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def _where(index: int, entry: Any, lines: list[int]) -> str:
    parts = [f"entry {index + 1}"]
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"].strip():
        parts.append(f"(id {entry['id']!r})")
    if index < len(lines):
        parts.append(f"at line {lines[index]}")
    return " ".join(parts)

