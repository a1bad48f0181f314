"""Every rule of issue 3, one row each, through the public matcher on the conftest roster."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.matching import MatchResult, MatchStatus

EXACT, FIX, AMBIGUOUS = MatchStatus.EXACT, MatchStatus.FIX, MatchStatus.AMBIGUOUS
STUDENT, INACTIVE, NOT_FOUND = MatchStatus.STUDENT, MatchStatus.INACTIVE, MatchStatus.NOT_FOUND
JS = "jsmith@lincolnusd.org"
WB = "wbrown@lincolnusd.org"
AL = "alee@lincolnusd.org"

CASES = [
    # exact: byte-identical to an active staff email, nothing else
    ("exact", JS, EXACT, JS, None),
    ("exact mixed-case roster", "Rachel.Green@hsd.org", EXACT, "Rachel.Green@hsd.org", None),
    ("case only is a fix", "JSmith@LincolnUSD.org", FIX, JS, "case"),
    ("case fix keeps the roster's string", "rachel.green@hsd.org", FIX, "Rachel.Green@hsd.org",
     "case"),
    # normalisation: Unicode spaces and invisible characters anywhere, +tag
    ("leading space", " " + JS, FIX, JS, "whitespace"),
    ("trailing NBSP", JS + "\u00a0", FIX, JS, "whitespace"),
    ("U+200B inside the local part", "js\u200bmith@lincolnusd.org", FIX, JS, "whitespace"),
    ("U+200B before the @", "jsmith\u200b@lincolnusd.org", FIX, JS, "whitespace"),
    ("BOM and tab", "\ufeff\t" + JS, FIX, JS, "whitespace"),
    ("mailto and brackets", "John Smith <mailto:jsmith@lincolnusd.org>", FIX, JS, "format"),
    ("doubled @", "jsmith@@lincolnusd.org", FIX, JS, "format"),
    ("+tag", "jsmith+pivot@lincolnusd.org", FIX, JS, "plus"),
    # Gmail dots only on Gmail
    ("gmail dots", "jane.doe.stm@gmail.com", FIX, "janedoe.stm@gmail.com", "gmail"),
    ("googlemail", "janedoe.stm@googlemail.com", FIX, "janedoe.stm@gmail.com", "gmail"),
    ("dots matter on a school domain", "m.johnson@lincolnusd.org", FIX,
     "mjohnson@lincolnusd.org", "scheme"),
    # the domain first: typos of a known domain, alias/old domains, never between known ones
    ("TLD transposition", "jsmith@lincolnusd.ogr", FIX, JS, "domain"),
    ("rcschools.ent", "kate.miller@rcschools.ent", FIX, "kate.miller@rcschools.net", "domain"),
    ("linclnusd.org", "jsmith@linclnusd.org", FIX, JS, "domain"),
    ("swapped TLD", "jsmith@lincolnusd.com", FIX, JS, "domain"),
    ("missing TLD", "jsmith@lincolnusd", FIX, JS, "domain"),
    ("old domain, full name", "rachel.green@unionsd.k12.us", FIX, "Rachel.Green@hsd.org",
     "alias_domain"),
    ("old domain, initial + last name alone", "jsmith@lincoln.k12.ca.us", NOT_FOUND, None,
     "unknown_domain"),
    ("never hsd.org -> esd.org", "pchen@hsd.org", NOT_FOUND, None, "other_domain"),
    ("never esd.org -> hsd.org", "rdavis@esd.org", NOT_FOUND, None, "other_domain"),
    ("unknown domain, unknown name", "zz@nowhere.example", NOT_FOUND, None, "unknown_domain"),
    ("personal address", "jsmith@yahoo.com", NOT_FOUND, None, "personal_address"),
    # name schemes (exactly one teacher fits)
    ("first.last for flast", "john.smith@lincolnusd.org", FIX, JS, "scheme"),
    ("lastf", "brownw@lincolnusd.org", FIX, WB, "scheme"),
    ("firstl", "williamb@lincolnusd.org", FIX, WB, "scheme"),
    ("first.last", "william.brown@lincolnusd.org", FIX, WB, "scheme"),
    ("firstlast", "williambrown@lincolnusd.org", FIX, WB, "scheme"),
    ("last.first", "brown.william@lincolnusd.org", FIX, WB, "scheme"),
    ("first_last", "william_brown@lincolnusd.org", FIX, WB, "scheme"),
    ("f.last", "w.brown@lincolnusd.org", FIX, WB, "scheme"),
    ("flast for first.last", "jsmith@rcschools.net", FIX, "john.smith@rcschools.net",
     "username"),
    ("middle initial", "andrew.q.lee@lincolnusd.org", FIX, AL, "scheme"),
    ("initials", "aqlee@lincolnusd.org", FIX, AL, "scheme"),
    ("middle name", "andrew.quincy.lee@lincolnusd.org", FIX, AL, "scheme"),
    ("nickname Bill", "bill.brown@lincolnusd.org", FIX, WB, "nickname"),
    ("nickname Andy", "andy.lee@lincolnusd.org", FIX, AL, "nickname"),
    ("accents folded", "jose.garcia@lincolnusd.org", FIX, "jgarcia@lincolnusd.org", "scheme"),
    ("accent typed", "jgarcía@lincolnusd.org", FIX, "jgarcia@lincolnusd.org", "accents"),
    ("hyphenated surname", "ana.garcia-lopez@lincolnusd.org", FIX,
     "agarcialopez@lincolnusd.org", "scheme"),
    ("apostrophe", "siobhan.o'brien@lincolnusd.org", FIX, "sobrien@lincolnusd.org", "scheme"),
    ("roster username", "kmiller@rcschools.net", FIX, "kate.miller@rcschools.net", "username"),
    # typos with identity guards
    ("transposition", "jsmtih@lincolnusd.org", FIX, JS, "typo"),
    ("transposition in a surname", "mjonhson@lincolnusd.org", FIX, "mjohnson@lincolnusd.org",
     "typo"),
    ("typo in a first name", "jhon.smith@rcschools.net", FIX, "john.smith@rcschools.net", "typo"),
    ("two edits in a long local part", "christpher.andersn@rcschools.net", FIX,
     "christopher.anderson@rcschools.net", "typo"),
    ("the initial must agree", "kjohnson@lincolnusd.org", NOT_FOUND, None, None),
    ("the digit suffix must agree", "jsmith3@lincolnusd.org", NOT_FOUND, None, None),
    ("a name must not become another", "joan.smith@rcschools.net", NOT_FOUND, None, None),
    ("a third Michael Taylor", "michael.taylor3@rcschools.net", NOT_FOUND, None, None),
    # students only on an exact or normalised match
    ("student exact", "s123456@students.lincolnusd.org", STUDENT, None, None),
    ("student normalised", "S123456@Students.LincolnUSD.org", STUDENT, None, None),
    ("student with a teacher-like address", "thill@lincolnusd.org", STUDENT, None, None),
    ("no typo reaches a student", "s123457@students.lincolnusd.org", NOT_FOUND, None, None),
    ("no typo reaches a student (2)", "thil@lincolnusd.org", NOT_FOUND, None, None),
    # inactive records
    ("tobedeleted only", "kwhite@lincolnusd.org", INACTIVE, None, None),
    ("disabled only", "padams@lincolnusd.org", INACTIVE, None, None),
    ("tobedeleted -> the same person's active record", "lgreen@lincolnusd.org", FIX,
     "laura.green@lincolnusd.org", "inactive_record"),
    # several equally good people
    ("two J. Smiths", "j.smith@lincolnusd.org", AMBIGUOUS, None, "scheme"),
    ("two Michael Taylors", "mtaylor@rcschools.net", AMBIGUOUS, None, "scheme"),
    # not a person / not staff / nothing to match
    ("shared mailbox on the roster", "library@lincolnusd.org", EXACT, "library@lincolnusd.org",
     "shared_mailbox"),
    ("shared mailbox not on the roster", "office@lincolnusd.org", NOT_FOUND, None,
     "shared_mailbox"),
    ("no typo reaches a shared mailbox", "librery@lincolnusd.org", NOT_FOUND, None, None),
    ("an aide", "sortiz@lincolnusd.org", NOT_FOUND, None, "not_staff"),
    ("a teacher without email", "nquinn@lincolnusd.org", NOT_FOUND, None, "no_email"),
]


@pytest.mark.parametrize(("email", "status", "suggestion", "kind"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(
    match: Callable[[str], MatchResult], email: str, status: MatchStatus,
    suggestion: str | None, kind: str | None,
) -> None:
    result = match(email)
    assert (result.status, result.suggestion, result.kind) == (status, suggestion, kind), (
        result.note)
    assert result.license_email == email  # kept exactly as typed
    assert result.note


@pytest.mark.parametrize("email", ["", "   ", "jsmith", "zz@@lincolnusd.org", "a@b@c.org",
                                   "@lincolnusd.org", "jsmith@"])
def test_malformed_addresses_are_not_found_with_a_reason(
    match: Callable[[str], MatchResult], email: str
) -> None:
    result = match(email)
    assert (result.status, result.kind, result.suggestion) == (NOT_FOUND, "malformed", None)
    assert "is not an email address" in result.note


def test_fix_confidence_falls_with_each_repair(match: Callable[[str], MatchResult]) -> None:
    exact, case = match(JS), match("JSmith@lincolnusd.org")
    scheme, typo = match("john.smith@lincolnusd.org"), match("jsmtih@lincolnusd.org")
    assert exact.confidence == 1.0 > case.confidence > scheme.confidence > typo.confidence > 0.5


def test_a_fix_names_the_teacher_and_says_what_to_change(
    match: Callable[[str], MatchResult]
) -> None:
    result = match("john.smith@lincolnusd.org")
    assert result.teacher is not None and result.teacher.sourced_id == "T1"
    assert result.note.startswith(
        "the license has john.smith@lincolnusd.org; ClassLink sends jsmith@lincolnusd.org "
        "for teacher John Smith")


def test_invisible_characters_are_named_in_the_note(match: Callable[[str], MatchResult]) -> None:
    note = match("js\u200bmith@lincolnusd.org").note
    assert '"js\\u200bmith@lincolnusd.org"' in note and "U+200B" in note


def test_ambiguous_lists_every_candidate_and_suggests_nothing(
    match: Callable[[str], MatchResult]
) -> None:
    result = match("mtaylor@rcschools.net")
    assert result.suggestion is None and result.teacher is None
    assert {c.email for c in result.candidates} == {
        "michael.taylor@rcschools.net", "michael.taylor2@rcschools.net"}
    assert result.confidence <= 0.5


def test_student_result_names_the_student_but_no_teacher(
    match: Callable[[str], MatchResult]
) -> None:
    result = match("thill@lincolnusd.org")
    assert result.teacher is None and result.candidates[0].sourced_id == "S2"
    assert "student Tom Hill" in result.note


def test_other_domain_hint_is_listed_but_never_suggested(
    match: Callable[[str], MatchResult]
) -> None:
    result = match("pchen@hsd.org")
    assert result.suggestion is None
    assert [c.email for c in result.candidates] == ["pchen@esd.org"]
