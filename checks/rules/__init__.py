"""The three troubleshooting checks, as pure functions over fetched records (no I/O here)."""

from checks.rules.connection import check_connection, district_name_score
from checks.rules.emails import check_emails
from checks.rules.sanity import TeacherReport, check_sanity, teacher_report

__all__ = [
    "TeacherReport",
    "check_connection",
    "check_emails",
    "check_sanity",
    "district_name_score",
    "teacher_report",
]
