"""Every finding code of the registry is worded by its one template, the same in Slack and in
the terminal: Slack's text escapes roster data and bolds names, the terminal's shows the same
words plainly. Also: renderers refuse to start when a code has no words."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import core_samples as samples
import pytest
from rich.console import Console

from bot.cli.report import diagnosis_json, print_diagnosis
from bot.knowledge import KnowledgeBase
from bot.rendering import TEMPLATES_DIR, Renderer, mrkdwn, to_plain
from bot.yaml_nodes import KnowledgeFileError
from checks.diagnose import Diagnosis
from checks.models import CheckResult, Finding, Status, StepResults
from checks.steps import STEPS

AUDIENCES = ("staff", "customer")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
H = samples.HOSTILE


def _variants() -> list[Finding]:
    """Data shapes beyond the basic sample of each code: every `kind` and `cause` the templates
    word differently, and the evidence and naming cases of step 1."""
    f = samples.finding
    row = f"t.{H}@lincoln.k12.us"
    return [
        f("application_ok", Status.PASS, **samples.TENANT),  # its roster could not be read
        f("application_unconfirmed", Status.WARN, license_district=f"Lincoln USD {H}",
          evidence=samples.UNTESTABLE, same_name=False, **samples.TENANT),
        f("application_foreign", Status.FAIL, license_district="Lincoln USD",
          evidence={**samples.DENIES, "mailboxes": 1}, **samples.TENANT),
        f("unattached_match", Status.FAIL, score=91.0, also_on_licenses=[],
          evidence={"checked": 4, "emails": 0, "domains": [], "mailboxes": 3, "supports": True},
          **samples.TENANT),
        *(f("email_fix", Status.FAIL, license_email=f" {row}\u200b",
            suggestion=f"t.{H}@lincoln.k12.us", teacher_name=f"T {H}", kind=kind)
          for kind in ("case", "whitespace", "old_domain", "nickname", "inactive_record",
                       "username", "a_future_kind")),
        f("email_exact", Status.PASS, license_email=f"office{H}@lincoln.k12.us",
          kind="shared_mailbox"),
        *(f("email_not_found", Status.FAIL, license_email=row, kind=kind,
            teacher_name=f"Nora {H}", candidates=[f"t.{H}@other.k12.us"])
          for kind in ("no_email", "personal_address", "other_domain", "unknown_domain",
                       "shared_mailbox", "not_staff")),
        f("email_duplicate", Status.WARN, license_email=row),
        f("email_disabled", Status.FAIL, license_email=row, teacher_name=f"Pat {H}",
          teacher_sourced_id="T-2"),
        *(f("roster_unavailable", Status.UNKNOWN, error="", cause=cause)
          for cause in ("no_connection", "foreign", "unconfirmed", "disabled")),
        f("classlink_unreachable", Status.UNKNOWN, error=""),
        f("sanity_figures", Status.PASS, **samples.FIGURES,
          schools=[f"Lincoln High {H}", "Lincoln Middle"]),
        f("few_students", Status.WARN, students=20, teachers=4, seats=200),
    ]


def all_findings() -> list[Finding]:
    steps = samples.diagnosis_steps()
    known = STEPS.codes()
    return [f for s in steps for f in s.findings if f.code in known] + _variants()


FINDINGS = all_findings()
IDS = [f"{f.code}-{i}" for i, f in enumerate(FINDINGS)]


@pytest.fixture(scope="module")
def plain(kb: KnowledgeBase) -> Renderer:
    return Renderer.plain(kb)


def _hostile_values(finding: Finding) -> list[str]:
    """The string data values (and list items) that carry the hostile text."""
    values: list[Any] = []
    for value in finding.data.values():
        values += value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and H in v]


def test_every_registered_code_has_sample_data() -> None:
    assert {f.code for f in FINDINGS} == STEPS.codes()


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("finding", FINDINGS, ids=IDS)
def test_slack_and_terminal_word_a_finding_the_same(
    renderer: Renderer, plain: Renderer, finding: Finding, audience: str
) -> None:
    slack = renderer.finding(finding, audience=audience)
    text = plain.finding(finding, audience=audience)
    assert slack and text and "\n" not in text
    # the same words: Slack's mrkdwn read as a terminal shows it, without the bold marks
    assert to_plain(slack).replace("*", "") == text.replace("*", "")
    # Slack: nothing from a roster or a license pings, links or breaks out of its escape
    for token in samples.HOSTILE_TOKENS:
        assert token not in slack
    assert not _BARE_AMPERSAND.search(slack)
    # the terminal: what Slack shows escaped is shown as it is, never as &lt; or &amp;
    assert "&lt;" not in text and "&amp;" not in text and "&gt;" not in text
    for value in _hostile_values(finding):
        if mrkdwn(value) in slack:
            assert value in text
    if audience == "customer":
        for secret in samples.SECRETS:
            assert secret not in slack, f"customers see {secret!r}"


@pytest.mark.parametrize("finding", FINDINGS, ids=IDS)
def test_names_are_bold_in_slack_only(
    renderer: Renderer, plain: Renderer, finding: Finding
) -> None:
    slack = renderer.finding(finding, audience="staff")
    name = finding.data.get("tenant_name") or finding.data.get("teacher_name")
    if name and f"*{mrkdwn(name)}*" in slack:
        assert f"*{name}*" not in plain.finding(finding, audience="staff")


def test_hostile_text_escaped_in_slack_plain_in_the_terminal(
    renderer: Renderer, plain: Renderer
) -> None:
    fix = next(f for f in FINDINGS if f.code == "email_fix")
    assert renderer.finding(fix, audience="customer") == (
        "License has bob@gmail.com, ClassLink sends bob.smith@lincoln.k12.us for "
        "*Bob &lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp; Co* (a misspelt domain).")
    assert plain.finding(fix, audience="customer") == (
        "License has bob@gmail.com, ClassLink sends bob.smith@lincoln.k12.us for "
        "Bob <!channel> <@U123> <http://x|y> & Co (a misspelt domain).")


def test_words_that_used_to_differ_between_the_cli_and_slack(plain: Renderer) -> None:
    """application_unknown, application_unconfirmed, roster_unavailable and email_not_found
    (no_email) now read one way, worded from their data."""
    by = {(f.code, f.data.get("kind"), f.data.get("cause"),
           f.data.get("same_name")): f for f in FINDINGS}
    unknown = by[("application_unknown", None, None, None)]
    assert plain.finding(unknown, audience="staff") == (
        "The Application ID ••••WmG0 on this license is not among the districts ClassLink "
        "lists for Pivot Interactives.")
    namesake = by[("application_unconfirmed", None, None, True)]
    assert "its roster does not bear the license out (none of the license's 5 instructor " \
        "emails or their domains is in it)" in plain.finding(namesake, audience="customer")
    no_email = by[("email_not_found", "no_email", None, None)]
    assert f"ClassLink sends Nora {H} without an email address" in plain.finding(
        no_email, audience="customer")
    unattached = by[("roster_unavailable", None, "no_connection", None)]
    assert plain.finding(unattached, audience="customer") == (
        "Not checked: no ClassLink connection is attached to this license yet (see step 1).")


def test_staff_get_details_customers_do_not(renderer: Renderer) -> None:
    ambiguous = next(f for f in FINDINGS if f.code == "email_ambiguous")
    assert "c.one@lincoln.k12.us" in renderer.finding(ambiguous, audience="staff")
    assert renderer.finding(ambiguous, audience="customer").endswith(
        "ClassLink sends 4 close addresses.")
    error = next(f for f in FINDINGS if f.code == "classlink_unreachable")
    assert samples.RAW_ERROR in renderer.finding(error, audience="staff")
    assert samples.RAW_ERROR not in renderer.finding(error, audience="customer")


# --- the terminal report and JSON ------------------------------------------------------------


def _diagnosis() -> Diagnosis:
    steps = samples.diagnosis_steps()
    known = STEPS.codes()
    kept = tuple(CheckResult.of(s.step, s.name, [f for f in s.findings if f.code in known])
                 for s in steps)
    return Diagnosis(samples.LICENSE, StepResults(kept))


def test_the_cli_prints_the_templates_words(plain: Renderer) -> None:
    out = io.StringIO()
    diagnosis = _diagnosis()
    print_diagnosis(Console(file=out, width=2000, color_system=None, highlight=False), diagnosis,
                    plain)
    printed = out.getvalue()
    for result in diagnosis.steps:
        assert f"Step {result.step}: {plain.step_title(result.name)}" in printed
        for finding in result.findings:
            if finding.code != "email_exact":
                assert plain.finding(finding, audience="staff") in printed
    assert "<!channel>" in printed and "&amp;" not in printed and "&lt;" not in printed
    assert "the matcher's note" in printed  # step 2's detail, dimmed under its row
    assert "1 instructor emails match ClassLink exactly." in printed


def test_json_keeps_codes_and_data_and_adds_the_words(plain: Renderer) -> None:
    diagnosis = _diagnosis()
    payload = diagnosis_json(diagnosis, plain)
    json.dumps(payload)
    shown = [f for s in payload["steps"] for f in s["findings"]]
    found = [f for s in diagnosis.steps for f in s.findings]
    assert [f["message"] for f in shown] == [plain.finding(f, audience="staff") for f in found]
    assert all(samples.OTHER_FULL_APP_ID not in json.dumps(f) for f in shown)
    assert "message" not in diagnosis.to_json()["steps"][0]["findings"][0]


# --- load-time checks ------------------------------------------------------------------------


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, target)
    return target


def test_a_code_without_a_template_stops_the_renderer(
    kb: KnowledgeBase, templates_copy: Path
) -> None:
    (templates_copy / "findings" / "email_student.j2").unlink()
    with pytest.raises(KnowledgeFileError, match="step emails can report email_student") as caught:
        Renderer.create(kb, templates_dir=templates_copy)
    assert caught.value.file == templates_copy / "findings" / "email_student.j2"
    with pytest.raises(KnowledgeFileError):
        Renderer.plain(kb, templates_dir=templates_copy)


def test_a_template_for_no_code_and_a_broken_template_stop_it_too(
    kb: KnowledgeBase, templates_copy: Path
) -> None:
    stale = templates_copy / "findings" / "email_retired.j2"
    stale.write_text("An old finding.\n")
    with pytest.raises(KnowledgeFileError, match="no check step .* reports email_retired"):
        Renderer.create(kb, templates_dir=templates_copy)
    stale.unlink()
    (templates_copy / "findings" / "no_students.j2").write_text("{% if %}\n")
    with pytest.raises(KnowledgeFileError) as caught:
        Renderer.create(kb, templates_dir=templates_copy)
    assert caught.value.file == templates_copy / "findings" / "no_students.j2"


def test_finding_templates_write_no_markup_of_their_own() -> None:
    """Emphasis and escaping go through filters (`strong`, `mrkdwn`), so the terminal's
    renderer can drop them; a literal `*` or `_x_` would reach the terminal as is."""
    for path in sorted((TEMPLATES_DIR / "findings").glob("*.j2")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
        outside = re.sub(r"\{[{%].*?[%}]\}", "", text, flags=re.S)
        assert "*" not in outside and not re.search(r"(^|\s)_\w", outside), path.name
