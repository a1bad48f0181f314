"""Which findings propose which change (checks.fixes), the buttons' words (bot.fixes.label), the
fix row staff see (a choice of candidates is never a default) and sealed values (bot.sealed)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.fixes import field_lines, label
from bot.knowledge import Audience
from bot.sealed import seal, unseal
from bot.service.fixes import FixActions
from checks.diagnose import Diagnosis
from checks.fixes import Proposal, matching, proposals
from checks.licenses import SqliteLicenseDirectory
from checks.licenses.changes import ChangeKind, LicenseChange, license_fingerprint
from checks.models import CheckResult, Finding, License, Status, StepResults

LIC = License("L-1", "Lincoln", "Lincoln USD", 30,
              instructor_emails=("a@x.org", "jo@x.org", "sarah.wlison@x.org", "jo@x.org",
                                 "kid@students.x.org", " b@x.org"))


def diagnosis(*connection: Finding, emails: tuple[Finding, ...] = ()) -> Diagnosis:
    return Diagnosis(LIC, StepResults((
        CheckResult.of(1, "connection", list(connection) or [Finding("application_ok",
                                                                     Status.PASS)]),
        CheckResult.of(2, "emails", list(emails) or [Finding("no_instructors", Status.WARN)]),
        CheckResult.of(3, "sanity", [Finding("sanity_figures", Status.PASS)]),
    )))


def row(code: str, status: Status, email: str, **data: Any) -> Finding:
    return Finding(code, status, {"license_email": email, **data})


EMAILS = (
    row("email_exact", Status.PASS, "a@x.org"),
    row("email_ambiguous", Status.WARN, "jo@x.org", candidates=["jo.ann@x.org", "jo.bo@x.org"]),
    row("email_fix", Status.FAIL, "sarah.wlison@x.org", suggestion="sarah.wilson@x.org"),
    row("email_duplicate", Status.WARN, "jo@x.org"),
    row("email_student", Status.FAIL, "kid@students.x.org"),
    row("email_fix", Status.FAIL, " b@x.org", suggestion="b@x.org"),
)


def test_each_fixable_finding_proposes_its_change() -> None:
    offer = Finding("unattached_match", Status.FAIL, {"tenant_name": "Lincoln USD",
                                                      "_application_id": "MoYPlyQWmG0%3D"})
    found = proposals(diagnosis(Finding("no_application_id", Status.FAIL), offer,
                                emails=EMAILS))
    assert [(p.step, p.finding, p.change) for p in found] == [
        ("connection", "unattached_match", LicenseChange.attach("MoYPlyQWmG0%3D")),
        ("emails", "email_ambiguous", LicenseChange.replace("jo@x.org", "jo.ann@x.org",
                                                             position=1)),
        ("emails", "email_ambiguous", LicenseChange.replace("jo@x.org", "jo.bo@x.org",
                                                             position=1)),
        ("emails", "email_fix", LicenseChange.replace("sarah.wlison@x.org", "sarah.wilson@x.org",
                                                       position=2)),
        ("emails", "email_student", LicenseChange.remove("kid@students.x.org", position=4)),
        ("emails", "email_fix", LicenseChange.replace(" b@x.org", "b@x.org", position=5)),
    ]
    assert [p.choice for p in found] == [False, True, True, False, False, False]
    assert {p.fingerprint for p in found} == {license_fingerprint(LIC)}
    assert [p.finding for p in proposals(diagnosis(offer, emails=EMAILS), step="connection")] \
        == ["unattached_match"]
    for proposal in found:  # every proposal applies to the license it was computed from
        proposal.change.apply(LIC)
        assert Proposal.from_json(json.loads(json.dumps(proposal.to_json()))) == proposal
    assert matching(found, LicenseChange.remove("kid@students.x.org")) == found[4]
    assert matching(found, LicenseChange.remove("a@x.org")) is None


def test_two_confirmed_connections_are_a_choice() -> None:
    offers = [Finding("unattached_match", Status.FAIL, {"tenant_name": n, "_application_id": i})
              for n, i in (("North", "111111"), ("South", "222222"))]
    assert [p.choice for p in proposals(diagnosis(*offers))] == [True, True]


def test_labels() -> None:
    assert label(LicenseChange.attach("MoYPlyQWmG0%3D"), tenant_name="Maple Grove") == \
        "Attach ••••WmG0 (Maple Grove)"
    assert label(LicenseChange.replace("sarah.wlison@x.org", "sarah.wilson@x.org")) == \
        "Change sarah.wlison@… to sarah.wilson@…"
    assert label(LicenseChange.replace(" b@x.org", "b@x.org")) == 'Change " b@x.org" to b@x.org'
    assert label(LicenseChange.replace("m.b@old.org", "m.b@new.org")) == \
        "Change m.b@old.org to m.b@new.org"
    assert label(LicenseChange.remove("kid@students.x.org"), student=True) == \
        "Remove the student address"


def test_field_lines_show_the_rows_around_a_change_in_a_long_list() -> None:
    many = License("L", "n", "d", 1, instructor_emails=tuple(f"t{i}@x.org" for i in range(40)))
    lines = field_lines(many, LicenseChange.remove("t20@x.org"))
    assert lines[0] == "Instructor emails (40):" and "  21. t20@x.org" in lines
    assert lines[1] == "  …" and lines[-1] == "  …" and len(lines) == 8
    assert field_lines(LIC, LicenseChange.attach("x")) == ["Application IDs: none"]


def test_staff_get_a_choice_with_no_default_and_customers_no_fix_buttons() -> None:
    with SqliteLicenseDirectory(":memory:", seed=[LIC]) as licenses:
        deps = SimpleNamespace(diagnoser=SimpleNamespace(licenses=licenses), store=None,
                               action_key=b"k" * 32)
        fixes = FixActions(cast(Any, deps), cast(Any, SimpleNamespace()))
        found = proposals(diagnosis(emails=EMAILS))
        row_blocks = fixes.staff_blocks(found)
        buttons = row_blocks[1]["elements"]
        assert len(buttons) == len(found)
        assert all("style" not in b for b in buttons)  # no default, not even for a sure fix
        assert "there is no default" in row_blocks[0]["elements"][0]["text"]
        for button in buttons:  # sealed: the change is not readable in the value
            assert "sarah.wilson" not in button["value"] and "jo.ann" not in button["value"]
        customer = fixes.step_blocks(dialog_id="d1", step=cast(Any, "emails"),
                                     diagnosis=diagnosis(emails=EMAILS),
                                     audience=Audience.CUSTOMER)
        assert "open_fix" not in json.dumps(customer)
        assert [b["text"]["text"] for b in customer[1]["elements"]] == [
            "Ask support to make this change"]


@pytest.mark.parametrize("text", ["", "MoYPlyQWmG0%3D", "ünïcode ✓" * 50])
def test_sealed_text_round_trips_and_hides(text: str) -> None:
    key = b"a-key"
    token = seal(text, key)
    assert unseal(token, key) == text
    assert seal(text, key) != token  # a fresh nonce each time
    if text:
        assert text not in token
        try:
            other = unseal(token, b"another-key")
        except ValueError:  # not even UTF-8 under another key
            other = None
        assert other != text
    with pytest.raises(ValueError):
        unseal("!!not base64!!", key)


def test_kinds_cover_the_api() -> None:
    assert {k.value for k in ChangeKind} == {"attach", "detach", "replace_email", "remove_email",
                                             "add_email"}
