"""The OneRoster `filter=` expressions the sandbox understands. Pure.

Grammar: <field><op>'<value>' with op `=` or `!=`, several joined by ` AND `. A quote inside a
value is written twice (o''neil@x.org), as the client sends it. Email comparisons ignore case
(what ClassLink does is unconfirmed; the contract fixes it this way); every other field compares
exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

FILTER_FIELDS = frozenset({"email", "role", "status", "givenName", "familyName", "sourcedId"})

_PREDICATE = re.compile(r"\s*([A-Za-z]+)\s*(!=|=)\s*'((?:[^']|'')*)'\s*")
_AND = re.compile(r"AND\s+")


class FilterError(ValueError):
    """The filter is malformed or names a field that cannot be filtered here."""


@dataclass(frozen=True, slots=True)
class Predicate:
    field: str
    negated: bool
    value: str

    def matches(self, actual: str) -> bool:
        if self.field == "email":
            equal = actual.casefold() == self.value.casefold()
        else:
            equal = actual == self.value
        return equal != self.negated


def parse_filter(text: str) -> tuple[Predicate, ...]:
    """Predicates of a filter expression; raises FilterError on anything else."""
    predicates: list[Predicate] = []
    position = 0
    while True:
        found = _PREDICATE.match(text, position)
        if found is None:
            raise FilterError(f"cannot read filter at position {position}: {text!r}")
        field, op, value = found.groups()
        if field not in FILTER_FIELDS:
            raise FilterError(f"cannot filter on field {field!r}")
        predicates.append(Predicate(field, op == "!=", value.replace("''", "'")))
        position = found.end()
        if position == len(text):
            return tuple(predicates)
        joiner = _AND.match(text, position)
        if joiner is None:
            raise FilterError(f"expected AND at position {position}: {text!r}")
        position = joiner.end()


R = TypeVar("R")


def select(
    records: Sequence[R], predicates: Sequence[Predicate], getters: Mapping[str, Callable[[R], str]]
) -> list[int]:
    """Indices of the records that satisfy every predicate."""
    for predicate in predicates:
        if predicate.field not in getters:
            raise FilterError(f"cannot filter these records on {predicate.field!r}")
    tests = [(getters[p.field], p) for p in predicates]
    return [
        i for i, record in enumerate(records)
        if all(p.matches(get(record)) for get, p in tests)
    ]
