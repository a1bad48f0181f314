"""Cleaning and canonical keys (checks.matching.normalize) and the domain rules."""

from __future__ import annotations

import pytest

from checks.matching.domains import is_domain_typo
from checks.matching.normalize import Address, Malformed, display, fast_key, parse_address


@pytest.mark.parametrize(("raw", "key", "changes"), [
    ("jsmith@lincolnusd.org", "jsmith@lincolnusd.org", set()),
    ("JSmith@LincolnUSD.org", "jsmith@lincolnusd.org", {"case"}),
    ("\u00a0jsmith@lincolnusd.org", "jsmith@lincolnusd.org", {"whitespace"}),
    ("js\u200bmi\u2060th@lincoln\u00adusd.org", "jsmith@lincolnusd.org", {"whitespace"}),
    ("jsmith @ lincolnusd.org", "jsmith@lincolnusd.org", {"whitespace"}),
    ("jsmith+pivot@lincolnusd.org", "jsmith@lincolnusd.org", {"plus"}),
    ("j.smith@lincolnusd.org", "j.smith@lincolnusd.org", set()),
    ("J.Smith+x@GoogleMail.com", "jsmith@gmail.com", {"case", "plus", "gmail"}),
    ("ｊｓｍｉｔｈ@lincolnusd.org", "jsmith@lincolnusd.org", {"unicode"}),
    ("<jsmith@lincolnusd.org>,", "jsmith@lincolnusd.org", {"format"}),
    ("mailto:jsmith@lincolnusd.org", "jsmith@lincolnusd.org", {"format"}),
])
def test_parse_address(raw: str, key: str, changes: set[str]) -> None:
    parsed = parse_address(raw)
    assert isinstance(parsed, Address)
    assert (parsed.key, set(parsed.changes), parsed.raw) == (key, changes, raw)


def test_str_strip_keeps_zero_width_space_but_we_do_not() -> None:
    raw = "jsmith@lincolnusd.org\u200b"
    assert raw.strip() == raw  # why the rule exists
    parsed = parse_address(raw)
    assert isinstance(parsed, Address) and parsed.key == "jsmith@lincolnusd.org"


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "it is empty"), ("\u200b ", "it is empty"), ("jsmith", "it has no @"),
    ("a@b@c.org", "more than one @"), ("jsmith@@x.org", "a doubled @"),
    ("@x.org", "nothing comes before"),
    ("jsmith@", "nothing comes after"),
])
def test_malformed(raw: str, reason: str) -> None:
    parsed = parse_address(raw)
    assert isinstance(parsed, Malformed) and reason in parsed.reason


@pytest.mark.parametrize("email", ["jsmith@lincolnusd.org", "John.Smith@HSD.org", "a1@b.c",
                                   "x+y@z.org", "a.b@gmail.com", " a@b.org", "a@b.org.",
                                   "mailto:a@b.org", "é@b.org"])
def test_fast_key_agrees_with_parse_address(email: str) -> None:
    key = fast_key(email)
    parsed = parse_address(email)
    assert isinstance(parsed, Address)
    assert key is None or key == parsed.key


@pytest.mark.parametrize(("typed", "known", "typo"), [
    ("rcschools.ent", "rcschools.net", True), ("linclnusd.org", "lincolnusd.org", True),
    ("lincolnusd.com", "lincolnusd.org", True), ("lincolnusd", "lincolnusd.org", True),
    ("lincolnusd,org", "lincolnusd.org", True),
    ("oakvalley.k12.ca.su", "oakvalley.k12.ca.us", True),
    ("oakvalley.k12.ca", "oakvalley.k12.ca.us", True),
    ("oakvalley.k12", "oakvalley.k12.ca.us", False),
    ("gmal.com", "gmail.com", True), ("lincolnusd.com", "gmail.com", False),
    ("westfield.org", "lincolnusd.org", False), ("esd.org", "hsd.org", True),
])
def test_domain_typos(typed: str, known: str, typo: bool) -> None:
    assert is_domain_typo(typed, known) is typo


def test_display_escapes_what_the_eye_cannot_see() -> None:
    assert display("jsmith@x.org") == "jsmith@x.org"
    assert display(" jsmith@x.org\u00a0") == '" jsmith@x.org\\u00a0"'
