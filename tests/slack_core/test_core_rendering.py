"""Templates: every one renders for both audiences, escapes all data, and redacts for customers."""

from __future__ import annotations

import re
from pathlib import Path

import core_samples as samples
import jinja2
import pytest

from bot.knowledge import REQUIRED_STRINGS, KnowledgeBase
from bot.rendering import (
    TEMPLATES_DIR,
    Renderer,
    describe_tried,
    link,
    mask_app_id,
    more,
    mrkdwn,
    plural,
    slack_date,
    to_plain,
    user_mention,
)
from checks.models import CheckResult, Finding, Status

AUDIENCES = ("staff", "customer")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def all_renders(renderer: Renderer, audience: str) -> dict[str, str]:
    return {name: renderer.render(name, audience=audience, **samples.template_data(name))
            for name in samples.TEMPLATES_WITH_SAMPLES}


def test_every_template_has_sample_data(renderer: Renderer) -> None:
    assert set(renderer.template_names()) == set(samples.TEMPLATES_WITH_SAMPLES)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("name", samples.TEMPLATES_WITH_SAMPLES)
def test_template_renders_under_strict_undefined(
    renderer: Renderer, name: str, audience: str
) -> None:
    text = renderer.render(name, audience=audience, **samples.template_data(name))
    assert text.strip()
    assert "\n\n\n" not in text and text == text.strip()


@pytest.mark.parametrize("name", ["step", "diagnosis", "email_lookup", "usage", "help"])
def test_missing_data_is_an_error_not_a_blank(renderer: Renderer, name: str) -> None:
    data = samples.template_data(name)
    data.pop(next(iter(data)))
    with pytest.raises(jinja2.UndefinedError):
        renderer.render(name, audience="staff", **data)


def test_audience_is_required_and_checked(renderer: Renderer) -> None:
    with pytest.raises(ValueError):
        renderer.render("not_allowed", audience="everyone")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_roster_and_user_text_is_escaped_everywhere(renderer: Renderer, audience: str) -> None:
    for name, text in all_renders(renderer, audience).items():
        for token in samples.HOSTILE_TOKENS:
            assert token not in text, f"{name} ({audience}) let {token} through"
        assert not _BARE_AMPERSAND.search(text), f"{name} ({audience}) has a bare &"
    step = all_renders(renderer, audience)["step"]
    assert "&lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp; Co" in step


def test_customers_never_see_secrets_students_or_raw_errors(renderer: Renderer) -> None:
    for name, text in all_renders(renderer, "customer").items():
        if name == "escalation_summary":
            continue  # staff-only surface (the support channel)
        for secret in samples.SECRETS:
            assert secret not in text, f"customer {name} shows {secret!r}"
        assert "the matcher's note" not in text, f"customer {name} shows the matcher's detail"


def test_staff_see_what_they_need(renderer: Renderer) -> None:
    renders = all_renders(renderer, "staff")
    # never a full Application ID in Slack, not even for staff: the tenant says where to find it
    assert samples.OTHER_FULL_APP_ID not in renders["diagnosis"]
    assert "Partner Portal" in renders["diagnosis"]
    assert samples.RAW_ERROR in renders["classlink_no_answer"]
    assert samples.OTHER_LICENSE_ID in renders["email_lookup"]
    assert samples.STUDENT_NAME in renders["email_lookup"]
    assert "Tenant 2001" in renders["diagnosis"]
    assert "also attached to L-2002" in renders["diagnosis"]
    # a code no step declares (a bug: the diagnoser refuses one) still reads as something
    customer = renderer.render("diagnosis", audience="customer",
                               **samples.template_data("diagnosis"))
    assert "Another check needs attention (some future code)" in customer
    assert samples.RAW_ERROR not in customer


def test_near_miss_line_reads_license_has_x_classlink_sends_y_for_z(renderer: Renderer) -> None:
    text = renderer.render("step", audience="customer", **samples.template_data("step"))
    assert ("License has bob@gmail.com, ClassLink sends bob.smith@lincoln.k12.us for "
            "*Bob &lt;!channel&gt;") in text
    assert "ClassLink sends 4 close addresses." in text  # customers: a count, not the list


def test_step_message_layout(renderer: Renderer, kb: KnowledgeBase) -> None:
    text = renderer.render("step", audience="customer", **samples.template_data("step"))
    emails = kb.step("emails")
    assert text.index(emails.summary) < text.index(":x: *Needs fixing*")
    assert text.index("*What to do*") < text.index(emails.help)
    assert emails.on_fail["email_fix"] in text and emails.on_fail["email_student"] in text
    assert text.index("License has bob@gmail.com") < text.index("ada@lincoln.k12.us matches")
    checking = renderer.render("step", audience="customer", step="connection", result=None,
                               license=None)
    assert kb.string("checking") in checking and "*What to do*" not in checking


def test_sanity_figures_come_first_and_examples_are_summarised(renderer: Renderer) -> None:
    result = samples.diagnosis_steps()[2]
    text = renderer.render("step", audience="staff", step="sanity", result=result, license=None)
    lines = text.splitlines()
    status = lines.index(":x: *Needs fixing*")
    assert lines[status + 1] == ("ClassLink sends 113 teachers, 5 students, 7 classes and "
                                 "40 enrollments.")
    assert "12 teachers have no class shared with Pivot: t0@lincoln.k12.us" in text
    assert "t4@lincoln.k12.us and 7 more." in text
    assert "1 class has no teacher: Biology." in text


def test_long_finding_lists_are_cut_with_and_n_more(renderer: Renderer) -> None:
    findings = [Finding("email_not_found", Status.FAIL, {"license_email": f"t{i}@x.org"})
                for i in range(70)]
    result = CheckResult.of(2, "emails", findings)
    staff = renderer.render("step", audience="staff", step="emails", result=result, license=None)
    customer = renderer.render("step", audience="customer", step="emails", result=result,
                               license=None)
    assert staff.count("• License has") == 25 and "_and 45 more_" in staff
    assert customer.count("• License has") == 15 and "_and 55 more_" in customer


def test_classlink_unreachable_reads_the_same_for_customers(
    renderer: Renderer, kb: KnowledgeBase
) -> None:
    text = renderer.render("classlink_no_answer", audience="customer", error=samples.RAW_ERROR)
    assert kb.string("classlink_no_answer") in text and "Traceback" not in text


def test_escalation_summary_lists_license_steps_tried_and_link(renderer: Renderer) -> None:
    text = renderer.render("escalation_summary", audience="staff",
                           **samples.template_data("escalation_summary"))
    assert "*Support requested* by <@U0456> in <#C0123>" in text
    assert "License L-1001: Lincoln High &lt;!channel&gt;" in text
    assert ":white_check_mark: 1. Is the ClassLink connection attached? *All good*" in text
    assert ":x: 2. Do the teacher emails match? *Needs fixing*" in text
    assert ":white_circle: 3. Is ClassLink sending the classes and students? *Not run*" in text
    assert "checked step 1 again ×2" in text
    assert "<https://example.slack.com/archives/C0123/p1|Open the conversation>" in text


def test_escalation_summary_without_license(renderer: Renderer) -> None:
    state = samples.dialog_state(license_id=None, tried=(), results={})
    text = renderer.render("escalation_summary", audience="staff", dialog=state, license=None,
                           thread_link="", tenant=None, failing=[], checked=False, words=[])
    assert "No license chosen" in text and "Tried: nothing yet" in text
    assert "Open the conversation" not in text


def test_home_differs_by_audience(renderer: Renderer, kb: KnowledgeBase) -> None:
    data = samples.template_data("home")
    staff = renderer.render("home", audience="staff", **data)
    customer = renderer.render("home", audience="customer", **data)
    assert "*Recent diagnoses*" in staff and "*Open escalations*" in staff
    assert staff.count(":white_check_mark: :x: :warning: L-1001") == 20
    assert "_and 5 more_" in staff
    assert "L-1001" not in customer and kb.string("home_customer") in customer
    empty = renderer.render("home", audience="staff", recent=[], escalations=[], claimed=[],
                            resolved=[])
    assert "• None yet." in empty and "• None." in empty


def test_help_and_usage(renderer: Renderer, kb: KnowledgeBase) -> None:
    assert renderer.render("help", audience="staff", greet=False) == kb.string("help_staff")
    customer = renderer.render("help", audience="customer", greet=True)
    assert customer.startswith(kb.string("greeting")) and "/roster link" not in customer
    usage = renderer.render("usage", audience="customer", problem="")
    assert usage == kb.string("usage")


def test_teacher_report_shows_counts_not_students(renderer: Renderer) -> None:
    text = renderer.render("teacher_report", audience="customer",
                           **samples.template_data("teacher_report"))
    assert "30 classes shared with Pivot, 1035 students in all:" in text
    assert "• Class 0 &lt;!channel&gt;" in text and "_and 15 more_" in text
    missing = renderer.render("teacher_report", audience="customer", email="x@y.org", report=None)
    assert "ClassLink does not send a teacher with x@y.org" in missing


def test_email_lookup_for_customers_is_scoped(renderer: Renderer) -> None:
    data = {**samples.template_data("email_lookup"), "scope_license_id": "L-4242"}
    text = renderer.render("email_lookup", audience="customer", **data)
    assert "• Not on your license." in text and "L-1001" not in text
    assert "In ClassLink: a student account." in text


def test_every_string_key_used_by_templates_exists() -> None:
    used: set[str] = set()
    for path in Path(TEMPLATES_DIR).rglob("*.j2"):
        used |= set(re.findall(r"(?<![/\w])strings\.(\w+)", path.read_text()))
    assert used and used <= REQUIRED_STRINGS


# --- filters ----------------------------------------------------------------------------------


def test_mrkdwn_escapes_only_the_three_characters() -> None:
    assert mrkdwn("<!channel> & <@U1> \"quoted\" 'x' *b*") == (
        "&lt;!channel&gt; &amp; &lt;@U1&gt; \"quoted\" 'x' *b*"
    )
    assert mrkdwn(None) == "" and mrkdwn(42) == "42"


def test_mask_app_id_shows_only_the_tail() -> None:
    # the tail of the decoded ID, so two IDs ending in `%3D` can be told apart
    assert mask_app_id("MoYPlyQWmG0%3D") == "••••WmG0"
    assert mask_app_id(mask_app_id("MoYPlyQWmG0%3D")) == "••••WmG0"
    assert mask_app_id("QmlnRGlzdA%3D%3D") != mask_app_id("TGluY29sbg%3D%3D")
    assert mask_app_id("abc") == "•••" and mask_app_id("") == ""
    assert mask_app_id("ab<d>") == "••••b&lt;d&gt;"


def test_plural_and_more() -> None:
    assert plural(1, "teacher") == "1 teacher" and plural(3, "teacher") == "3 teachers"
    assert plural(2, "class", "classes") == "2 classes" and plural(0, "seat") == "0 seats"
    assert more(list(range(40)), 3) == "and 37 more"
    assert more([1, 2], 3) == "" and more(10, 10) == "" and more(12, 10) == "and 2 more"


def test_mentions_links_and_dates_are_only_made_from_safe_values() -> None:
    assert user_mention("U0456") == "<@U0456>"
    assert user_mention("<!channel>") == "&lt;!channel&gt;"
    assert link("https://x.org/a", "A <b>") == "<https://x.org/a|A &lt;b&gt;>"
    assert link("javascript:alert(1)", "click") == "click"
    assert link("https://x.org/a|<!channel>", "c") == "c"
    assert slack_date(1_700_000_000) == (
        "<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>"
    )


def test_describe_tried(kb: KnowledgeBase) -> None:
    assert describe_tried(("restart", "choose_license", "faq:yes", "sanity:teacher_report",
                           "odd<entry>"), kb) == [
        "started over", "chose a license", "said an answer helped",
        "looked at one teacher at step 3", "odd&lt;entry&gt;",
    ]


def test_to_plain_for_terminals() -> None:
    text = "a &lt;b&gt; &amp; <https://x.org|site> <@U1> <mailto:a@b.org|a@b.org> " + slack_date(0)
    assert to_plain(text) == "a <b> & site (https://x.org) @U1 a@b.org 1970-01-01 00:00 UTC"


def test_stray_spaces_in_a_license_email_are_visible(renderer: Renderer) -> None:
    from checks.models import CheckResult, Finding, Status

    finding = Finding("email_fix", Status.FAIL, {
        "license_email": " jo@x.org\u200b", "suggestion": "jo@x.org", "kind": "whitespace",
        "teacher_name": "Jo Park"})
    text = renderer.render("step", audience="customer", step="emails", license=None,
                           result=CheckResult.of(2, "emails", [finding]))
    assert "␣jo@x.org[U+200B]" in text
    assert "stray spaces" in text
