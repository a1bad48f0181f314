"""The audit sanitiser: secrets masked, controls removed, length bounded."""

from __future__ import annotations

import pytest

from bot.store import AuditEntry, clean_text, mask_secrets, sanitise_entry
from bot.store.sanitise import COMMAND_LIMIT, ID_LIMIT, MASK, RESULT_LIMIT


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("posted with xoxb-1234-5678-abcdEFGH", "1234-5678-abcdEFGH"),
        ("user token xoxp-99-88-77-aa", "99-88-77-aa"),
        ("rotated xoxe.xoxp-1-Mi0yLTE", "1-Mi0yLTE"),
        ("socket xapp-1-A0123-4567-abcdef", "1-A0123-4567-abcdef"),
        ("Authorization: Bearer 8f14e45fceea167a5a3", "8f14e45fceea167a5a3"),
        ("header bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
        ("client_secret=s3cr3t-value&x=1", "s3cr3t-value"),
        ("password: hunter22", "hunter22"),
        ("partner_key=PK-1234", "PK-1234"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "c2lnbmF0dXJl"),
        ("opaque 0123456789abcdef0123456789abcdef01 tail", "0123456789abcdef0123456789abcdef01"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    masked = mask_secrets(text)
    assert secret not in masked
    assert MASK in masked


@pytest.mark.parametrize(
    "text",
    [
        "license 5f0c2a1e-3b4d-4c5e-8f60-718293a4b5c6 checked: 3 pass",  # a UUID is not a secret
        "teacher@district.org not found in roster",
        "slash:check demo-emails",
        "tokens are fine as a word; key points",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert clean_text(text, limit=500) == text


def test_control_and_bidi_characters_become_spaces() -> None:
    text = "ok\x1b[31mred\x1b[0m\r\nnext\u202eevil\u200bzero\x00"
    cleaned = clean_text(text, limit=500)
    assert cleaned == "ok [31mred [0m next evil zero"


def test_long_text_is_cut_with_an_ellipsis() -> None:
    cleaned = clean_text("word " * 1000, limit=50)
    assert len(cleaned) <= 50
    assert cleaned.endswith("…")


def test_a_token_straddling_the_cut_does_not_leak() -> None:
    text = "x" * 30 + " xoxb-" + "1" * 10_000
    cleaned = clean_text(text, limit=60)
    assert "1111" not in cleaned


def test_entry_fields_are_each_cleaned_and_bounded() -> None:
    entry = AuditEntry(
        user_id="U1" + "9" * 200,
        team_id="T1\nxoxb-123",
        is_staff=False,
        channel_id="C1",
        license_id="xoxb-forged-license-value",
        command="slash:" + "c" * 500,
        result="r" * 5000,
        refused=True,
    )
    clean = sanitise_entry(entry)
    assert len(clean.user_id) <= ID_LIMIT
    assert clean.team_id == f"T1 xoxb-{MASK}"
    assert clean.license_id == f"xoxb-{MASK}"
    assert len(clean.command) <= COMMAND_LIMIT
    assert len(clean.result) <= RESULT_LIMIT
    assert (clean.is_staff, clean.refused, clean.channel_id) == (False, True, "C1")


def test_entry_without_license_keeps_none() -> None:
    entry = AuditEntry(user_id="U1", team_id="T1", is_staff=True, channel_id="D1",
                       license_id=None, command="home", result="opened")  # fmt: skip
    assert sanitise_entry(entry).license_id is None
