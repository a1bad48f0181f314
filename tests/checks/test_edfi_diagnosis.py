"""The real Ed-Fi OneRoster 1.1 bundle, served by the sandbox and diagnosed end to end."""

from __future__ import annotations

from pathlib import Path

from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser
from checks.licenses import MemoryLicenseDirectory
from checks.models import License, Role, Status
from sandbox.bundle import load_bundle
from sandbox.server import SandboxServer
from sandbox.world import District, World


def test_edfi_bundle_is_diagnosed(shared_dir: Path) -> None:
    roster = load_bundle(shared_dir / "oneroster-samples" / "edfi-lms-toolkit-oneroster-1.1")
    teachers = [u for u in roster.users if u.role is Role.TEACHER]
    district = District(
        tenant_id="255901", tenant_name="Grand Bend ISD", application_id="1",
        oneroster_application_id="R3JhbmRCZW5k%3D", bearer="grand-bend-bearer", enabled=True,
        tenant_status="Active", access="proxy", client_id="gb", client_secret="gb-secret",
        roster=roster,
    )
    license = License(
        id="grand-bend", name="Grand Bend HS", district="Grand Bend Independent School District",
        seats=30, application_ids=("R3JhbmRCZW5k%3D",),
        # one exactly as ClassLink sends it, one lower-cased as a license admin might type it
        instructor_emails=(teachers[0].email, teachers[1].email.lower()),
    )
    with SandboxServer(World(partner_key="pk", districts=(district,))) as server, \
            ClassLinkClient(base_url=server.url, partner_key="pk") as client:
        diagnosis = Diagnoser(licenses=MemoryLicenseDirectory([license]),
                              classlink=client).diagnose("grand-bend")
    connection, emails, sanity = diagnosis.steps
    assert connection.status is Status.PASS
    assert [f.code for f in emails.findings] == ["email_exact", "email_fix"]
    assert emails.findings[1].data["kind"] == "case"
    assert emails.findings[1].data["suggestion"] == teachers[1].email
    assert (sanity.figures["teachers"], sanity.figures["students"]) == (2, 8)
    assert sanity.figures["classes"] == 2
    assert sanity.figures["enrollments"] == 24
    assert sanity.status is Status.PASS  # 8 students on 30 seats: spare seats, not "far fewer"
