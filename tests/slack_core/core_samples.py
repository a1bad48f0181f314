"""Sample records for the Slack core tests: every finding code, hostile text, secrets to hide.

Built directly from checks.models (not from the rules), so these tests do not depend on how the
checks decide; they only pin how the results are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import MappingProxyType, SimpleNamespace
from typing import Any

from bot.dialog import DialogState, Step
from bot.service.home import EscalationRow, RecentLicense
from bot.store import ThreadWords
from checks.models import CheckResult, Finding, License, Status

# Text that would ping, mention or link if it reached Slack unescaped.
HOSTILE = "<!channel> <@U123> <http://x|y> & Co"
HOSTILE_TOKENS = ("<!channel>", "<@U123>", "<http://x|y>")

FULL_APP_ID = "MoYPlyQWmG0%3D"
OTHER_FULL_APP_ID = "ZZtopSecretXq9%3D"
STUDENT_EMAIL = "stu.dent@students.lincoln.k12.us"
STUDENT_NAME = "Stuart Dentworth"
OTHER_LICENSE_ID = "L-9999"
RAW_ERROR = "Traceback: httpx.ConnectTimeout at 10.0.0.7"
SECRETS = (FULL_APP_ID, OTHER_FULL_APP_ID, STUDENT_EMAIL, STUDENT_NAME, OTHER_LICENSE_ID, RAW_ERROR)

LICENSE = License(
    id="L-1001", name=f"Lincoln High {HOSTILE}", district=f"Lincoln USD {HOSTILE}", seats=120,
    instructor_emails=("ada@lincoln.k12.us", "bob@lincoln.k12.us"),
    application_ids=(FULL_APP_ID,),
)
OTHER_LICENSE = License(id=OTHER_LICENSE_ID, name="Other District", district="Other", seats=5)


def finding(code: str, status: Status, **data: Any) -> Finding:
    return Finding(code, status, data)


MASKED = "••••WmG0"
TENANT = {"tenant_name": f"Lincoln {HOSTILE}", "tenant_id": "2001",
          "application_id_masked": MASKED}
CONFIRMS = {"checked": 5, "emails": 3, "domains": ["lincoln.k12.us"], "mailboxes": 0,
            "supports": True}
DENIES = {"checked": 5, "emails": 0, "domains": [], "mailboxes": 0, "supports": False}
UNTESTABLE = {"checked": 0, "emails": 0, "domains": [], "mailboxes": 0, "supports": False}


def connection_findings() -> list[Finding]:
    return [
        finding("no_application_id", Status.FAIL),
        finding("application_ok", Status.PASS, evidence=CONFIRMS, **TENANT),
        finding("application_unknown", Status.FAIL, application_id_masked=MASKED),
        finding("application_disabled", Status.FAIL, **TENANT),
        finding("tenant_inactive", Status.FAIL, tenant_status=f"Inactive {HOSTILE}", **TENANT),
        finding("application_foreign", Status.FAIL, license_district=f"Lincoln USD {HOSTILE}",
                evidence=DENIES, **TENANT),
        finding("application_unconfirmed", Status.WARN, license_district="Lincoln USD",
                evidence=DENIES, same_name=True, **TENANT),
        finding("unattached_match", Status.FAIL, score=96.5, _application_id=OTHER_FULL_APP_ID,
                evidence=CONFIRMS, also_on_licenses=[f"L-2002 {HOSTILE}"], **TENANT),
        finding("classlink_unreachable", Status.UNKNOWN, error=RAW_ERROR),
    ]


def email_findings() -> list[Finding]:
    return [
        finding("email_exact", Status.PASS, license_email="ada@lincoln.k12.us"),
        finding("email_fix", Status.FAIL, license_email="bob@gmail.com",
                suggestion="bob.smith@lincoln.k12.us", teacher_name=f"Bob {HOSTILE}",
                kind="domain", confidence=0.93, detail=f"the matcher's note {HOSTILE}"),
        finding("email_ambiguous", Status.WARN, license_email="c@lincoln.k12.us",
                candidates=["c.one@lincoln.k12.us", STUDENT_EMAIL, "c.two@lincoln.k12.us",
                            "c.three@lincoln.k12.us"]),
        finding("email_student", Status.FAIL, license_email="kid@lincoln.k12.us",
                candidates=[STUDENT_EMAIL], detail=f"belongs to student {STUDENT_NAME}"),
        finding("email_deleted", Status.FAIL, license_email="old@lincoln.k12.us",
                teacher_name="Old Record", teacher_sourced_id="T-OLD"),
        finding("email_disabled", Status.FAIL, license_email="off@lincoln.k12.us"),
        finding("email_not_found", Status.FAIL, license_email=f"x{HOSTILE}@y.org"),
        finding("email_duplicate", Status.WARN, license_email="ADA@lincoln.k12.us",
                suggestion="ada@lincoln.k12.us", duplicate_of_row=1),
        finding("email_malformed", Status.FAIL, license_email="ada@@lincoln"),
        finding("no_instructors", Status.WARN),
        finding("roster_unavailable", Status.UNKNOWN, error=RAW_ERROR, cause="classlink"),
    ]


FIGURES = {"teachers": 113, "students": 5, "classes": 7, "enrollments": 40, "seats": 120,
           "seat_ceiling": 5}


def sanity_findings() -> list[Finding]:
    return [
        finding("sanity_figures", Status.PASS, **FIGURES),
        finding("no_students", Status.FAIL, students=0, seats=120),
        finding("no_teachers", Status.FAIL, classes=7, students=5),
        finding("few_students", Status.FAIL, students=5, teachers=113, seats=120),
        finding("seats_exceeded", Status.WARN, students=391, seats=125, over=266),
        finding("teachers_without_classes", Status.WARN, count=12,
                examples=[f"t{i}@lincoln.k12.us" for i in range(10)]),
        finding("classes_without_students", Status.WARN, count=2,
                examples=[f"Physics {HOSTILE}", "Chemistry"]),
        finding("classes_without_teacher", Status.WARN, count=1, examples=["Biology"]),
        finding("teachers_not_on_license", Status.WARN, count=111,
                examples=["zed@lincoln.k12.us"]),
        finding("users_without_email", Status.WARN, count=3, teachers=1, students=2),
        finding("shared_email", Status.WARN, count=1, examples=[STUDENT_EMAIL]),
        finding("roster_unavailable", Status.UNKNOWN, error=RAW_ERROR, cause="classlink"),
        finding("some_future_code", Status.WARN, detail=RAW_ERROR),
    ]


def diagnosis_steps() -> tuple[CheckResult, CheckResult, CheckResult]:
    """One CheckResult per step holding every finding code that step can report."""
    return (
        CheckResult.of(1, "connection", connection_findings()),
        CheckResult.of(2, "emails", email_findings()),
        CheckResult.of(3, "sanity", sanity_findings(), **FIGURES),
    )


def teacher_report() -> SimpleNamespace:
    """Shaped like checks.rules.TeacherReport (kept duck-typed: only attributes are read)."""
    classes = tuple(SimpleNamespace(title=f"Class {i} {HOSTILE}", students=20 + i)
                    for i in range(30))
    return SimpleNamespace(
        email="ada@lincoln.k12.us", name=f"Ada {HOSTILE}", sourced_id="t1", role="teacher",
        status="active", enabled=True, schools=(f"Lincoln High {HOSTILE}",), classes=classes,
        students=sum(c.students for c in classes),
    )


def appearances() -> list[SimpleNamespace]:
    """Shaped like checks.diagnose.RosterAppearance."""
    return [
        SimpleNamespace(tenant_name=f"Lincoln {HOSTILE}", role="teacher", status="active",
                        enabled=True, email="ada@lincoln.k12.us", name=f"Ada {HOSTILE}"),
        SimpleNamespace(tenant_name="Lincoln", role="student", status="active", enabled=True,
                        email=STUDENT_EMAIL, name=STUDENT_NAME),
    ]


def dialog_state(**changes: Any) -> DialogState:
    base = DialogState(
        dialog_id="d1", channel_id="C0123", thread_ts="1700000000.000100", user_id="U0456",
        license_id="L-1001", step=Step.EMAILS,
        tried=("connection:check_again", "connection:check_again", "connection:next_step",
               "emails:lookup_email", "faq:no", "emails:talk_to_support"),
        results=MappingProxyType({"connection": "pass", "emails": "fail"}), version=7,
        created_at=1_700_000_000.0, updated_at=1_700_000_500.0,
    )
    return replace(base, **changes)


def thread_words() -> list[ThreadWords]:
    """What a customer typed in a dialog's thread, as the store keeps it."""
    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    return [ThreadWords(1, "C0123", "1700000000.000100", "U0456",
                        f"Rostering is broken {HOSTILE}", at),
            ThreadWords(2, "C0123", "1700000000.000100", "U0456", "Still broken *today*", at)]


def escalation_row(status: str, *, by: str = "") -> EscalationRow:
    return EscalationRow("L-1001", f"Lincoln {HOSTILE}", "U0456", "C0123",
                         "https://x.slack.com/p1", 1_700_000_100.0, status, by, joined=2)


def template_data(name: str) -> dict[str, Any]:
    """Sample data for every template (the rendering test checks all templates are covered)."""
    if name.startswith("sweep_"):  # the watch's templates (issue 11)
        from sweep_samples import sweep_template_data

        return sweep_template_data()[name]
    if name.startswith("fix_"):  # one-click fixes (issue 11)
        from fix_samples import fix_template_data

        return fix_template_data()[name]
    steps = diagnosis_steps()
    samples: dict[str, dict[str, Any]] = {
        "step": {"step": "emails", "result": steps[1], "license": LICENSE},
        "checking": {"step": "sanity"},
        "classlink_no_answer": {"error": RAW_ERROR},
        "diagnosis": {"license": LICENSE, "results": steps},
        "email_lookup": {
            "email": f"ada{HOSTILE}@lincoln.k12.us", "licenses": [LICENSE, OTHER_LICENSE],
            "appearances": appearances(), "matches": email_findings()[:3],
            "errors": [f"Lincoln: {RAW_ERROR}"], "scope_license_id": LICENSE.id,
        },
        "teacher_report": {"email": "ada@lincoln.k12.us", "report": teacher_report()},
        "faq_answer": {"article": SimpleNamespace(title=f"Title {HOSTILE}", answer="An answer.")},
        "say": {"key": "dialog_expired"},
        "help": {"greet": True},
        "usage": {"problem": f"Unknown subcommand {HOSTILE}"},
        "escalation_summary": {"dialog": dialog_state(), "license": LICENSE,
                               "thread_link": "https://example.slack.com/archives/C0123/p1",
                               "tenant": {"name": f"Lincoln {HOSTILE}", "id": "2001",
                                          "code": "application_ok"},
                               "failing": [steps[1], steps[2]], "checked": True,
                               "words": thread_words()},
        "escalation_status": {"status": "claimed", "by": "U0789", "at": 1_700_000_200.0},
        "escalation_note": {"user_id": "U0456", "channel_id": "C0123",
                            "thread_link": "https://example.slack.com/archives/C0123/p2",
                            "words": thread_words(), "joined": True, "reopened": False},
        "escalation_confirmed": {},
        "home": {
            "recent": [RecentLicense("L-1001", f"Lincoln {HOSTILE}", ("pass", "fail", "warn"),
                                     1_700_000_000.0, runs=3)] * 25,
            "escalations": [escalation_row("open")],
            "claimed": [escalation_row("claimed", by="U0789")],
            "resolved": [escalation_row("resolved", by="U0789")],
        },
        "link": {"linked": True, "license": LICENSE},
        "not_allowed": {},
    }
    return samples[name]


TEMPLATES_WITH_SAMPLES = (
    "step", "checking", "classlink_no_answer", "diagnosis", "email_lookup", "teacher_report",
    "faq_answer", "say", "help", "usage", "escalation_summary", "escalation_confirmed", "home",
    "escalation_status", "escalation_note",
    "link", "not_allowed",
    "sweep_digest", "sweep_details", "sweep_announcement", "sweep_watch", "sweep_home",
    "fix_confirm", "fix_done", "fix_by_hand",
)
