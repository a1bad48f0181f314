"""The searchable license picker: its Block Kit, its signed options, and the search (pure)."""

from __future__ import annotations

from bot.action_values import decode_action_value
from bot.blocks import MAX_OPTION_VALUE, MAX_SELECT_OPTIONS, license_options, license_prompt
from bot.dialog import Action, Step
from bot.service.dialogs import search_licenses
from checks.models import License


def lic(license_id: str, name: str, district: str) -> License:
    return License(id=license_id, name=name, district=district, seats=10)


LICENSES = [lic("L-2", "Lincoln High", "Lincoln Unified"), lic("demo-emails", "Lincoln Demo",
            "Lincoln Unified"), lic("L-20", "Riverside", "Riverside County"),
            lic("L-200", "Harbor", "Harbor View")]


def test_the_prompt_is_an_external_select_whose_block_names_the_dialog() -> None:
    message = license_prompt("Which license?", dialog_id="d1", key=b"k")
    picker = message.blocks[-1]
    element = picker["elements"][0]
    assert element["type"] == "external_select" and element["min_query_length"] == 0
    assert element["action_id"] == "rosterbot.choose_license"
    marker = decode_action_value(picker["block_id"], key=b"k")
    assert (marker.dialog_id, marker.action, marker.step) == \
        ("d1", Action.CHOOSE_LICENSE, Step.CHOOSE_LICENSE)
    assert len(picker["block_id"]) <= 255


def test_options_are_signed_picks_within_slacks_limits() -> None:
    pairs = [(f"L-{n}", f"L-{n}: School {n}") for n in range(150)] + [("x" * 120, "too long")]
    options = license_options(pairs, dialog_id="d1", key=b"k")
    assert len(options) == MAX_SELECT_OPTIONS
    assert all(len(o["value"]) <= MAX_OPTION_VALUE for o in options)
    first = decode_action_value(options[0]["value"], key=b"k")
    assert (first.action, first.arg, first.step) == (Action.CHOOSE_LICENSE, "L-0",
                                                     Step.CHOOSE_LICENSE)


def test_search_covers_ids_names_and_districts_best_first() -> None:
    assert [x.id for x in search_licenses(LICENSES, "L-20")] == ["L-20", "L-200"]
    assert [x.id for x in search_licenses(LICENSES, "l-2")] == ["L-2", "L-20", "L-200"]
    assert [x.id for x in search_licenses(LICENSES, "lincoln demo")] == ["demo-emails"]
    assert [x.id for x in search_licenses(LICENSES, "riverside county")] == ["L-20"]
    assert len(search_licenses(LICENSES, "")) == len(LICENSES)
    assert search_licenses(LICENSES, "nowhere") == []
    assert len(search_licenses(LICENSES * 50, "", limit=100)) == 100
