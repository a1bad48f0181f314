"""Identity guards for a one-letter typo: is the license address the same person misspelled?

The roster local part is cut into the pieces of its owner's name (jsmith = j + smith). An edit
may fall inside one name piece, and only if the misspelled piece is not itself a real name
(`joan.smith` is not `john.smith`). It may never touch an initial (`kjohnson` is not `mjohnson`,
`smithk` is not `smithj`) or a digit suffix (`jsmith3` is not `jsmith2`), and the first letter
must agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from checks.matching.names import segment, segment_pieces
from checks.matching.normalize import local_digits, separators
from checks.models import RosterUser

_RUNS = re.compile(r"[a-z]+|[0-9]+|[^a-z0-9]+")
_WORDS = re.compile(r"[^a-z0-9]+")


class Piece(StrEnum):
    NAME = "name"  # a whole given, middle or family name
    INITIAL = "initial"
    OPAQUE = "opaque"  # letters we could not cut into the owner's names
    DIGITS = "digits"
    SEPARATOR = "separator"


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    piece: Piece


def segments(local: str, user: RosterUser) -> list[Segment]:
    """The roster local part cut into pieces of its owner's name, digits and separators."""
    pieces = segment_pieces(user)
    found: list[Segment] = []
    for run in _RUNS.finditer(local):
        text, start = run.group(), run.start()
        if text.isdigit():
            found.append(Segment(start, run.end(), Piece.DIGITS))
        elif not text.isalpha() or not text.isascii():
            found.append(Segment(start, run.end(), Piece.SEPARATOR))
        else:
            found.extend(Segment(start + a, start + b, Piece(kind))
                         for a, b, kind in segment(text, pieces))
    return found


def edit_region(typed: str, roster: str) -> tuple[int, int, int]:
    """(start, end in roster, end in typed) of the differing middle of two strings."""
    prefix = 0
    limit = min(len(typed), len(roster))
    while prefix < limit and typed[prefix] == roster[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and typed[-1 - suffix] == roster[-1 - suffix]:
        suffix += 1
    return prefix, len(roster) - suffix, len(typed) - suffix


def _touched(cut: list[Segment], start: int, end: int) -> list[Segment]:
    """The pieces an edit of roster[start:end] touches (an insertion: the piece it is inside)."""
    if end > start:
        return [s for s in cut if s.start < end and start < s.end]
    return [s for s in cut if s.start < start < s.end]


def _boundary_insertion_ok(
    roster: str, cut: list[Segment], at: int, added: str, vocabulary: frozenset[str]
) -> bool:
    """Letters typed exactly between two pieces. Each word-like neighbour they may belong to
    must not become another real name (wood|stm + s makes "woods"). Beside an initial they are
    safe only when they double the other neighbour's edge letter (j|smith + s: "jssmith")."""
    left = next((s for s in cut if s.end == at), None)
    right = next((s for s in cut if s.start == at), None)
    doubles_left = roster[at - 1 : at] == added[-1:]
    doubles_right = roster[at : at + 1] == added[:1]
    for piece, other_doubles in ((left, doubles_right), (right, doubles_left)):
        if piece is None or piece.piece == Piece.SEPARATOR:
            continue
        if piece.piece in (Piece.INITIAL, Piece.DIGITS):
            if not other_doubles:
                return False
            continue
        word = (roster[piece.start : at] + added if piece is left
                else added + roster[at : piece.end])
        if word in vocabulary:
            return False
    return True


def same_person_typo(
    typed: str, roster: str, user: RosterUser, vocabulary: frozenset[str]
) -> bool:
    """True when `typed` can be `roster` (the user's local part) misspelled inside names.

    Addresses with the same punctuation (john.smith / jhon.smtih) are compared word by word,
    so two edits in two words each pass their own guard; otherwise the edit must fall in one
    name piece of the roster address."""
    typed_words, roster_words = _WORDS.split(typed), _WORDS.split(roster)
    if len(roster_words) > 1 and separators(typed) == separators(roster) and len(
        typed_words
    ) == len(roster_words):
        if typed_words[0][:1] != roster_words[0][:1]:
            return False  # the address's first letter (an initial or a first name) must agree
        pairs = zip(typed_words, roster_words, strict=True)
        return all(_piece_typo(t, r, user, vocabulary) for t, r in pairs if t != r)
    return typed[:1] == roster[:1] and _piece_typo(typed, roster, user, vocabulary)


def _piece_typo(typed: str, roster: str, user: RosterUser, vocabulary: frozenset[str]) -> bool:
    """One word: the edit stays inside one name piece and does not make another real name.
    A later word's first letter may change (smith.jill / xmith.jill), its initials may not."""
    if not typed or not roster:
        return False
    if local_digits(typed) != local_digits(roster):
        return False
    # A letter added or dropped beside a repeat (wood+s+stm) can be placed left or right of it;
    # the typo must pass the guard wherever it is placed.
    left = _piece_edit_ok(typed, roster, user, vocabulary, edit_region(typed, roster))
    start, roster_end, typed_end = edit_region(typed[::-1], roster[::-1])
    right_aligned = (len(roster) - roster_end, len(roster) - start, len(typed) - start)
    return left and _piece_edit_ok(typed, roster, user, vocabulary, right_aligned)


def _piece_edit_ok(
    typed: str, roster: str, user: RosterUser, vocabulary: frozenset[str],
    region: tuple[int, int, int],
) -> bool:
    start, roster_end, typed_end = region
    cut = segments(roster, user)
    touched = _touched(cut, start, roster_end)
    if not touched:  # letters inserted exactly between two pieces
        return _boundary_insertion_ok(roster, cut, start, typed[start:typed_end], vocabulary)
    if any(s.piece in (Piece.INITIAL, Piece.DIGITS) for s in touched):
        return False
    names = [s for s in touched if s.piece in (Piece.NAME, Piece.OPAQUE)]
    if not names:
        return True  # only a separator changed: john.smith vs john_smith
    if len(names) > 1 or len(names) < len(touched):
        return False  # the edit spans two pieces, e.g. a name and a separator
    piece = names[0]
    shift = typed_end - roster_end
    was, now = roster[piece.start : piece.end], typed[piece.start : piece.end + shift]
    return now not in vocabulary or now == was
