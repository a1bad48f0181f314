"""Issue 8, item 7: an address only on an inactive record is `email_deleted` (restore the
record) or `email_disabled` (enable the account); a record both deleted and disabled is deleted."""

from __future__ import annotations

from checks.matching import MatchResult, MatchStatus
from checks.models import Role, RosterUser, Status
from checks.rules.emails import check_emails, finding_for
from tests.checks.records import license_


def teacher(sid: str, email: str, *, status: str = "active", enabled: bool = True,
            given: str = "Karen", family: str = "White") -> RosterUser:
    return RosterUser(sid, Role.TEACHER, status, enabled, given, family, "", email)


DELETED = teacher("T1", "kwhite@district.org", status="tobedeleted")
DISABLED = teacher("T2", "padams@district.org", enabled=False, given="Paul", family="Adams")
BOTH = teacher("T3", "tboth@district.org", status="tobedeleted", enabled=False, given="Tia",
               family="Both")
MOVED_OLD = teacher("L1", "lgreen@district.org", enabled=False, given="Laura", family="Green")
MOVED_NEW = teacher("TCH_L1", "laura.green@district.org", given="Laura", family="Green")
OTHER = teacher("T4", "zruiz@district.org", given="Zed", family="Ruiz")
ROSTER = [DELETED, DISABLED, BOTH, MOVED_OLD, MOVED_NEW, OTHER]


def test_deleted_and_disabled_are_two_findings_with_what_the_district_must_do() -> None:
    emails = (DELETED.email, DISABLED.email, BOTH.email)
    result = check_emails(license_(emails=emails), ROSTER)
    deleted, disabled, both = result.findings
    assert [(f.code, f.status) for f in result.findings] == [
        ("email_deleted", Status.FAIL), ("email_disabled", Status.FAIL),
        ("email_deleted", Status.FAIL)]
    assert "marked for deletion" in deleted.data["detail"]  # the matcher's own explanation
    assert "enable the account" in disabled.data["detail"]
    assert "marked for deletion" in both.data["detail"]  # enabling would not stop the deletion
    assert deleted.data["teacher_sourced_id"] == "T1"
    assert result.figures == {"instructors": 3, "email_deleted": 2, "email_disabled": 1}


def test_the_same_persons_active_record_is_still_a_fix() -> None:
    [finding] = check_emails(license_(emails=(MOVED_OLD.email,)), ROSTER).findings
    assert finding.code == "email_fix"
    assert finding.data["suggestion"] == MOVED_NEW.email
    assert finding.data["kind"] == "inactive_record"
    assert "which ClassLink has disabled" in finding.data["detail"]


def test_findings_are_codes_and_data_without_the_matchers_note() -> None:
    def bare(record: RosterUser) -> MatchResult:
        return MatchResult(record.email, MatchStatus.INACTIVE, teacher=record, confidence=1.0)

    deleted, disabled = finding_for(bare(DELETED)), finding_for(bare(DISABLED))
    assert (deleted.code, disabled.code) == ("email_deleted", "email_disabled")
    assert deleted.data == {"license_email": "kwhite@district.org", "teacher_name": "Karen White",
                            "teacher_sourced_id": "T1", "teacher_role": "teacher",
                            "confidence": 1.0}
    assert "detail" not in disabled.data  # no note from the matcher: nothing to add
