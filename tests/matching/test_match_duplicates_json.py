"""Duplicates across license rows, and the JSON shape the CLI prints (issue 3's Interface)."""

from __future__ import annotations

import json

from checks.matching import MatchStatus, RosterIndex, match_rows, results_json, summarize


def test_two_rows_for_one_teacher_report_the_second_as_duplicate(index: RosterIndex) -> None:
    first, second, third = match_rows(index,
        ["jsmith@lincolnusd.org", "zz@nowhere.example", "JSMITH@lincolnusd.org"])
    assert first.kind is None and first.duplicate_of is None
    assert (third.status, third.kind, third.suggestion, third.duplicate_of) == (
        MatchStatus.FIX, "duplicate", "jsmith@lincolnusd.org", 0)
    assert third.note.startswith("row 3 names the same person as row 1")
    assert second.kind == "unknown_domain"


def test_a_fix_and_an_exact_for_one_teacher_are_duplicates(index: RosterIndex) -> None:
    results = match_rows(index, ["john.smith@lincolnusd.org", "jsmith@lincolnusd.org"])
    assert [r.kind for r in results] == ["scheme", "duplicate"]
    assert results[1].status is MatchStatus.EXACT


def test_the_same_unknown_address_twice_is_a_duplicate(index: RosterIndex) -> None:
    results = match_rows(index, ["zz@nowhere.example", " ZZ@nowhere.example"])
    assert results[1].status is MatchStatus.NOT_FOUND and results[1].kind == "duplicate"


def test_different_teachers_and_ambiguous_rows_are_not_duplicates(index: RosterIndex) -> None:
    results = match_rows(index, ["jsmith@lincolnusd.org", "jsmith2@lincolnusd.org",
                           "mtaylor@rcschools.net", "mtaylor@rcschools.net", "", ""])
    assert [r.kind for r in results] == [None, None, "scheme", "scheme", "malformed", "malformed"]


def test_to_json_has_exactly_the_issue_shape(index: RosterIndex) -> None:
    [fix, ambiguous, missing] = match_rows(index,
        ["JSmith@lincolnusd.org", "mtaylor@rcschools.net", "zz@nowhere.example"])
    assert fix.to_json() == {
        "license_email": "JSmith@lincolnusd.org",
        "status": "fix",
        "suggestion": "jsmith@lincolnusd.org",
        "kind": "case",
        "confidence": 0.99,
        "candidates": [{
            "email": "jsmith@lincolnusd.org", "sourcedId": "T1", "givenName": "John",
            "familyName": "Smith", "score": 0.99,
            "reason": fix.candidates[0].reason,
        }],
        "teacher": {"givenName": "John", "familyName": "Smith", "sourcedId": "T1"},
    }
    assert ambiguous.to_json()["teacher"] is None
    assert len(ambiguous.to_json()["candidates"]) == 2
    assert missing.to_json()["suggestion"] is None and missing.to_json()["candidates"] == []


def test_results_json_adds_a_summary_and_round_trips(index: RosterIndex) -> None:
    results = match_rows(index, [
        "jsmith@lincolnusd.org", "JSMITH@lincolnusd.org", "kwhite@lincolnusd.org",
        "thill@lincolnusd.org", "mtaylor@rcschools.net", "zz@nowhere.example",
    ])
    document = json.loads(json.dumps(results_json(results)))
    assert [r["status"] for r in document["results"]] == [
        "exact", "fix", "inactive", "student", "ambiguous", "not_found"]
    assert document["summary"] == summarize(results)
    assert document["summary"]["rows"] == 6 and document["summary"]["duplicates"] == 1
    assert document["summary"]["exact"] == 1 and document["summary"]["not_found"] == 1
