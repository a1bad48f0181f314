"""OneRoster 1.1 CSV bundles: quirks of real files, errors, and write/read round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.models import Role
from sandbox.bundle import load_bundle, write_bundle
from sandbox.errors import SandboxBundleError
from sandbox.generate import generate_roster
from sandbox.sample import sample_world

USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)


def _write(folder: Path, name: str, lines: list[str], *, bom: bool = False,
           newline: str = "\r\n") -> None:
    text = newline.join(lines)  # no newline after the last row, like the Ed-Fi files
    folder.joinpath(name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())


@pytest.fixture
def quirky(tmp_path: Path) -> Path:
    _write(tmp_path, "users.csv", [
        USERS_HEADER,
        # blank status / dateLastModified / enabledUser, {Local:…} userIds, two orgs
        'u1,,,,"s1,s2",teacher,ann,{Local:863},Ann,Lee,,,Ann.Lee@X.org,,,,,',
        # an extra trailing empty field beyond the header (19 fields on 18 columns)
        "u2,active,2024-01-02,false,s1,student,bo,,Bo,Ng,,,,,,,09,,",
        "u3,tobedeleted,,TRUE,s1,aide,cy,\"{Local:1},{FED:2}\",Cy,Oz,Q,,cy@x.org,,,,,",
        "u4,inactive,,,s1,proctor,di,,Di,Yu,,,di@x.org,,,,,",
        "",  # a blank line in the middle is skipped
        "u5,,,,s1,Teacher,ed,,Ed,Ko,,,ed@x.org,,,,,",
    ], bom=True)
    _write(tmp_path, "orgs.csv", [
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
        "d1,,,District One,district,,",
        "s1,,,School One,school,,d1",
    ], newline="\n")
    _write(tmp_path, "classes.csv", [
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
        "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
        'c1,,,Biology,09,k1,BIO,scheduled,120,s1,"t1,t2",Science,01,1',
    ])
    _write(tmp_path, "enrollments.csv", [
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate",
        "e1,,,c1,s1,u1,teacher,true,,",
        "e2,,,c1,s1,u2,student,,,",
    ])
    _write(tmp_path, "academicSessions.csv", ["not,a,file,we,read"])
    return tmp_path


def test_quirky_bundle_reads(quirky: Path) -> None:
    roster = load_bundle(quirky)
    users = {u.sourced_id: u for u in roster.users}
    assert list(users) == ["u1", "u2", "u3", "u4", "u5"]
    ann = users["u1"]
    assert (ann.status, ann.enabled, ann.role) == ("active", True, Role.TEACHER)
    assert ann.org_ids == ("s1", "s2")
    assert ann.email == "Ann.Lee@X.org"  # kept exactly as sent
    assert (users["u2"].enabled, users["u2"].email, users["u2"].role) == (False, "", Role.STUDENT)
    assert (users["u3"].status, users["u3"].enabled, users["u3"].role) == (
        "tobedeleted", True, Role.AIDE)
    assert (users["u4"].status, users["u4"].role) == ("tobedeleted", Role.OTHER)
    assert users["u5"].role is Role.TEACHER
    assert roster.classes[0].school_id == "s1" and roster.classes[0].title == "Biology"
    assert [(e.user_id, e.role) for e in roster.enrollments] == [
        ("u1", Role.TEACHER), ("u2", Role.STUDENT)]
    assert [(o.sourced_id, o.parent_id, o.type) for o in roster.orgs] == [
        ("d1", "", "district"), ("s1", "d1", "school")]


def test_only_users_csv_is_required(tmp_path: Path) -> None:
    _write(tmp_path, "users.csv", [USERS_HEADER, "u1,,,,s1,teacher,a,,A,B,,,a@b.org,,,,,"])
    roster = load_bundle(tmp_path)
    assert len(roster.users) == 1 and roster.classes == () and roster.enrollments == ()


def test_edfi_sample_bundle(shared_dir: Path) -> None:
    roster = load_bundle(shared_dir / "oneroster-samples" / "edfi-lms-toolkit-oneroster-1.1")
    teachers = [u for u in roster.users if u.role is Role.TEACHER]
    students = [u for u in roster.users if u.role is Role.STUDENT]
    assert (len(teachers), len(students), len(roster.enrollments)) == (2, 8, 24)
    assert len(roster.classes) == 2 and len(roster.orgs) == 2
    assert all(u.active for u in roster.users)
    assert {t.email for t in teachers} == {
        "Kelley.Christian@studentgps.org", "Sara.Preston@studentgps.org"}


@pytest.mark.parametrize(("files", "problem"), [
    ({}, "missing"),
    ({"users.csv": ""}, "empty file"),
    ({"users.csv": "sourcedId,status\nu1,active"}, "lacks column(s) role"),
    ({"users.csv": "sourcedId,role\nu1,teacher\nu1,student"}, "duplicate sourcedId 'u1'"),
    ({"users.csv": "sourcedId,role\n,teacher"}, "blank sourcedId"),
    ({"users.csv": "sourcedId,role\nu1,teacher",
      "enrollments.csv": "sourcedId,classSourcedId,role\ne1,c1,student"},
     "lacks column(s) userSourcedId"),
])
def test_bad_bundles_name_the_file(tmp_path: Path, files: dict[str, str], problem: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SandboxBundleError, match=problem.replace("(", r"\(").replace(")", r"\)")
                       ) as caught:
        load_bundle(tmp_path)
    assert caught.value.path.parent == tmp_path


def test_duplicate_reports_the_line(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text("sourcedId,role\nu1,teacher\nu2,x\nu1,student\n")
    with pytest.raises(SandboxBundleError) as caught:
        load_bundle(tmp_path)
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{tmp_path / 'users.csv'}:4:")


def test_not_utf8_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_bytes(b"sourcedId,role\nu1,teacher\xff\n")
    with pytest.raises(SandboxBundleError, match="not UTF-8"):
        load_bundle(tmp_path)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SandboxBundleError, match="is not a folder"):
        load_bundle(tmp_path / "nope")


def test_generated_roster_round_trips(tmp_path: Path) -> None:
    roster = generate_roster(users=150, teachers=9, seed=3)
    assert load_bundle(write_bundle(roster, tmp_path / "b")) == roster


def test_sample_rosters_round_trip(tmp_path: Path) -> None:
    """Includes a tobedeleted teacher, a disabled one and one without an email."""
    for district in sample_world().districts:
        folder = write_bundle(district.roster, tmp_path / district.tenant_id)
        assert load_bundle(folder) == district.roster, district.tenant_name


def test_written_bundle_is_oneroster_csv(tmp_path: Path) -> None:
    roster = generate_roster(users=5, teachers=1)
    folder = write_bundle(roster, tmp_path)
    header = (folder / "users.csv").read_text().splitlines()[0]
    assert header == USERS_HEADER
    manifest = (folder / "manifest.csv").read_text()
    assert "oneroster.version,1.1" in manifest
    enrollments = (folder / "enrollments.csv").read_text().splitlines()
    assert enrollments[1].split(",")[4] == "org-0001"  # schoolSourcedId from the class
