"""The identity guards behind a typo fix (checks.matching.guards)."""

from __future__ import annotations

import pytest

from checks.matching.guards import Piece, edit_region, same_person_typo, segments
from checks.matching.vocabulary import COMMON_NAMES
from checks.models import Role, RosterUser

VOCAB = COMMON_NAMES


def person(given: str, family: str, middle: str = "") -> RosterUser:
    return RosterUser("x", Role.TEACHER, "active", True, given, family, middle, "")


@pytest.mark.parametrize(("typed", "roster", "who", "same"), [
    ("jsmtih", "jsmith", person("John", "Smith"), True),
    ("jsmiht", "jsmith", person("John", "Smith"), True),
    ("jssmith", "jsmith", person("John", "Smith"), True),
    ("jsith", "jsmith", person("John", "Smith"), True),
    ("ksmith", "jsmith", person("John", "Smith"), False),  # the initial
    ("kjohnson", "mjohnson", person("Mary", "Johnson"), False),
    ("smithk", "smithj", person("John", "Smith"), False),  # a trailing initial
    ("jqsmith", "jrsmith", person("John", "Smith", "R"), False),  # a middle initial
    ("jsmith3", "jsmith2", person("John", "Smith"), False),  # the digit suffix
    ("jsmyth", "jsmith", person("John", "Smith"), False),  # Smyth is another real name
    ("joan.smith", "john.smith", person("John", "Smith"), False),
    ("jhon.smith", "john.smith", person("John", "Smith"), True),
    ("john.smtih", "john.smith", person("John", "Smith"), True),
    ("jhon.smtih", "john.smith", person("John", "Smith"), True),  # one edit per word
    ("john.xmith", "john.smith", person("John", "Smith"), True),  # a later word's first letter
    ("john.gmith", "john.smith", person("John", "Smith"), True),
    ("mark.gill", "mark.hill", person("Mark", "Hill"), False),  # Gill is a real name
    ("xohn.smith", "john.smith", person("John", "Smith"), False),  # the first letter
    ("john_smith", "john.smith", person("John", "Smith"), True),
])
def test_same_person_typo(typed: str, roster: str, who: RosterUser, same: bool) -> None:
    assert same_person_typo(typed, roster, who, VOCAB) is same


def test_segments_cut_a_local_part_into_its_owners_names() -> None:
    cut = segments("jqsmith2", person("John", "Smith", "Quincy"))
    assert [(s.start, s.end, s.piece) for s in cut] == [
        (0, 1, Piece.INITIAL), (1, 2, Piece.INITIAL), (2, 7, Piece.NAME), (7, 8, Piece.DIGITS)]
    assert [s.piece for s in segments("xyz", person("John", "Smith"))] == [Piece.OPAQUE]


def test_edit_region() -> None:
    assert edit_region("jsmtih", "jsmith") == (3, 5, 5)
    assert edit_region("jssmith", "jsmith") == (2, 2, 3)


def test_segments_explain_as_much_of_an_address_as_they_can() -> None:
    cut = segments("meganjohnsonstm", person("Megan", "Johnson"))
    assert [(s.start, s.end, s.piece) for s in cut] == [  # "m" may be Megan's initial
        (0, 5, Piece.NAME), (5, 12, Piece.NAME), (12, 14, Piece.OPAQUE), (14, 15, Piece.INITIAL)]
    # so a surname inside a padded address still cannot turn into another surname
    assert not same_person_typo("meganjohnstonstm", "meganjohnsonstm", person("Megan", "Johnson"),
                                VOCAB)


def test_an_added_letter_beside_a_repeat_is_checked_on_both_sides() -> None:
    pam = person("Pamela", "Wood")
    assert not same_person_typo("pamelawoodsstm", "pamelawoodstm", pam, VOCAB)  # Woods is a name
    assert same_person_typo("pammela.wood", "pamela.wood", pam, VOCAB)
