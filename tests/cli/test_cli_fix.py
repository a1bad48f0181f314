"""`rosterbot fix` and `rosterbot audit --fixes` through the console script, over real HTTP: the
sample world's ClassLink stand-in, licenses in SQLite, in YAML (read-only) and behind the license
API stand-in. Every fixable finding of the sample world is fixed, its step seen passing, and
undone; confirmation, conflicts and exit codes as everywhere."""

from __future__ import annotations

import json
import os
import pty
import select
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser
from checks.licenses import SqliteLicenseDirectory, write_yaml
from checks.models import License
from sandbox.license_api import LicenseApiServer
from sandbox.sample import sample_licenses, sample_world
from sandbox.server import SandboxServer
from tests.cli.test_cli_exit_codes import ROSTERBOT, assert_one_line, closed_port, rosterbot

STUDENT = "rpark00001@students.lincolnusd.org"
TYPO, FIXED = "sarah.wlison@lincolnusd.org", "sarah.wilson@lincolnusd.org"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(sample_world()) as server:
        yield server


@pytest.fixture(scope="module")
def maple_grove_id(sandbox: SandboxServer) -> str:
    """The full Application ID step 1 proposes for demo-unattached (a staff member copies it
    from ClassLink's Partner Portal; the finding keeps it as internal data)."""
    with SqliteLicenseDirectory(":memory:", seed=sample_licenses()) as licenses, \
            ClassLinkClient(base_url=sandbox.url, partner_key=sandbox.partner_key) as client:
        step = Diagnoser(licenses=licenses, classlink=client).diagnose(
            "demo-unattached").steps["connection"]
    (offer,) = [f for f in step.findings if f.code == "unattached_match"]
    return str(offer.data["_application_id"])


@pytest.fixture
def env(tmp_path: Path, sandbox: SandboxServer) -> dict[str, str]:
    """ClassLink is the sandbox; licenses in a SQLite file seeded with the sample's."""
    path = tmp_path / "licenses.sqlite3"
    with SqliteLicenseDirectory(path, seed=sample_licenses()) as seeding:
        seeding.list()
    return {"CLASSLINK_API_URL": sandbox.url, "CLASSLINK_PARTNER_KEY": sandbox.partner_key,
            "ROSTERBOT_LICENSES": f"sqlite:///{path}", "ROSTERBOT_DATA_DIR": str(tmp_path),
            "ROSTERBOT_USER": "ops-jane"}


def license_in(env: dict[str, str], license_id: str) -> License:
    with SqliteLicenseDirectory(Path(env["ROSTERBOT_LICENSES"].removeprefix("sqlite:///"))) \
            as licenses:
        return licenses.get(license_id)


def test_attach_the_proposed_connection_see_step_1_pass_and_undo(
        env: dict[str, str], maple_grove_id: str) -> None:
    run = rosterbot("fix", "demo-unattached", "--attach", maple_grove_id, "--yes", env=env)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    out = run.stdout
    assert "Proposed by: unattached_match" in out
    assert "Application IDs: none" in out and "Application IDs: ••••S9PM" in out  # before, after
    assert "Applied (fix 1, version 1 → 2)" in out
    assert "PASS    Step 1" in out  # the step, checked again
    assert maple_grove_id not in out  # the full ID is never printed
    assert license_in(env, "demo-unattached").application_ids == (maple_grove_id,)

    undo = rosterbot("fix", "demo-unattached", "--undo", env=env)
    assert undo.returncode == 0, undo.stderr
    assert "Undone: fix 1" in undo.stdout and "FAIL    Step 1" in undo.stdout
    assert license_in(env, "demo-unattached").application_ids == ()
    again = rosterbot("fix", "demo-unattached", "--undo", env=env)
    assert_one_line(again, 2, "nothing undone", "already undone by cli:ops-jane")


def test_fix_a_near_miss_and_remove_the_student_address(env: dict[str, str]) -> None:
    run = rosterbot("fix", "demo-emails", "--replace", TYPO, FIXED, "--yes", env=env)
    assert run.returncode == 0, run.stderr
    assert "Proposed by: email_fix" in run.stdout
    assert f"8. {TYPO}" in run.stdout and f"8. {FIXED}" in run.stdout
    assert f"The row {FIXED} matches ClassLink exactly." in run.stdout
    removed = rosterbot("fix", "demo-emails", "--remove", STUDENT, "--yes", env=env)
    assert removed.returncode == 0, removed.stderr
    assert "Proposed by: email_student" in removed.stdout
    assert "student" not in removed.stdout.split("Checked again:")[1]  # the finding is gone
    rows = license_in(env, "demo-emails").instructor_emails
    assert FIXED in rows and TYPO not in rows and STUDENT not in rows

    undo = rosterbot("fix", "demo-emails", "--undo", env=env)  # the last fix: the removal
    assert undo.returncode == 0, undo.stderr
    rows = license_in(env, "demo-emails").instructor_emails
    assert rows.index(STUDENT) == 10 and FIXED in rows  # back in its row; the other fix stays


def test_without_a_terminal_the_preview_is_printed_and_yes_is_needed(
        env: dict[str, str]) -> None:
    run = rosterbot("fix", "demo-emails", "--replace", TYPO, FIXED, env=env)
    assert_one_line(run, 2, "--yes is needed")
    assert f"8. {FIXED}" in run.stdout and "Before" in run.stdout and "After" in run.stdout
    assert TYPO in license_in(env, "demo-emails").instructor_emails


@pytest.mark.parametrize(("answer", "applied"), [("n", False), ("y", True)])
def test_on_a_terminal_it_asks(env: dict[str, str], answer: str, applied: bool) -> None:
    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL"))}
    process = subprocess.Popen([ROSTERBOT, "fix", "demo-emails", "--remove", STUDENT],
                               stdin=follower, stdout=follower, stderr=subprocess.PIPE,
                               env={**base, **env, "COLUMNS": "200"})
    os.close(follower)
    seen = b""
    while b"[y/N]" not in seen:
        ready, _, _ = select.select([leader], [], [], 60)
        assert ready, seen
        seen += os.read(leader, 65536)
    os.write(leader, f"{answer}\n".encode())
    while True:  # drain until the child closes the terminal
        ready, _, _ = select.select([leader], [], [], 60)
        try:
            chunk = os.read(leader, 65536) if ready else b""
        except OSError:
            chunk = b""
        if not chunk:
            break
        seen += chunk
    assert process.stderr is not None
    with process.stderr:
        errors = process.stderr.read()
    assert process.wait(timeout=60) == 0, errors
    assert errors == b""
    os.close(leader)
    assert (STUDENT not in license_in(env, "demo-emails").instructor_emails) is applied
    assert (b"Applied" in seen) is applied and (b"Not applied" in seen) is not applied


def test_changes_that_cannot_be_made_are_exit_2(env: dict[str, str]) -> None:
    assert_one_line(rosterbot("fix", "demo-emails", "--remove", "nobody@x.org", "--yes", env=env),
                    2, "cannot remove instructor email nobody@x.org", "has no instructor email")
    assert_one_line(rosterbot("fix", "nope", "--remove", "a@b.org", "--yes", env=env), 2,
                    "no license with id 'nope'")
    assert_one_line(rosterbot("fix", "demo-emails", "--replace", TYPO, "not-an-address", "--yes",
                              env=env), 2, "must be an email address")
    assert_one_line(rosterbot("fix", "demo-emails", env=env), 2, "one of the arguments")
    assert_one_line(rosterbot("fix", "demo-healthy", "--undo", env=env), 2,
                    "there is no fix to undo")


def test_an_undo_after_15_minutes_is_refused(env: dict[str, str]) -> None:
    assert rosterbot("fix", "demo-emails", "--remove", STUDENT, "--yes", env=env).returncode == 0
    store = sqlite3.connect(Path(env["ROSTERBOT_DATA_DIR"]) / "rosterbot.sqlite3")
    with store:
        (at,) = store.execute("SELECT at FROM license_fixes").fetchone()
        store.execute("UPDATE license_fixes SET at = datetime(at, '-16 minutes')")
    store.close()
    assert at
    assert_one_line(rosterbot("fix", "demo-emails", "--undo", env=env), 2,
                    "can be undone for 15 minutes")
    assert STUDENT not in license_in(env, "demo-emails").instructor_emails


def test_an_undo_never_overwrites_a_later_change(env: dict[str, str]) -> None:
    assert rosterbot("fix", "demo-emails", "--remove", STUDENT, "--yes", env=env).returncode == 0
    path = Path(env["ROSTERBOT_LICENSES"].removeprefix("sqlite:///"))
    with SqliteLicenseDirectory(path) as licenses:  # an admin edits the license meanwhile
        current = licenses.get("demo-emails")
        licenses.upsert(License(**{**{f: getattr(current, f) for f in
                                      current.__dataclass_fields__},
                                   "instructor_emails": (*current.instructor_emails,
                                                         "new@lincolnusd.org")}))
    assert_one_line(rosterbot("fix", "demo-emails", "--undo", env=env), 2,
                    "has changed since fix 1")
    rows = license_in(env, "demo-emails").instructor_emails
    assert "new@lincolnusd.org" in rows and STUDENT not in rows


def test_audit_shows_fixes_and_undos(env: dict[str, str], maple_grove_id: str) -> None:
    rosterbot("fix", "demo-emails", "--replace", TYPO, FIXED, "--yes", env=env)
    rosterbot("fix", "demo-emails", "--undo", env=env)
    rosterbot("fix", "demo-unattached", "--attach", maple_grove_id, "--yes", env=env)
    log = rosterbot("audit", env=env)
    assert log.returncode == 0, log.stderr
    lines = log.stdout.splitlines()
    assert any("cli:fix" in line and f"{TYPO} to {FIXED}" in line and "email_fix" in line
               and "cli:ops-jane" in line for line in lines)
    assert any("cli:undo" in line and "undid fix 1" in line for line in lines)
    fixes = rosterbot("audit", "--fixes", "--json", env=env)
    assert fixes.returncode == 0, fixes.stderr
    listed = json.loads(fixes.stdout)["fixes"]
    assert [(f["id"], f["undo_of"], f["finding"]) for f in listed] == [
        (1, None, "email_fix"), (2, 1, "email_fix"), (3, None, "unattached_match")]
    assert listed[0]["undone_by"] == "cli:ops-jane"
    assert TYPO in listed[0]["before"]["instructor_emails"]
    assert FIXED in listed[0]["after"]["instructor_emails"]
    assert listed[2]["after"]["application_ids"] == ["••••S9PM"]
    assert maple_grove_id not in fixes.stdout + log.stdout  # masked in every listing
    text = rosterbot("audit", "--fixes", "--license", "demo-emails", env=env).stdout
    assert f'-"{TYPO}" +"{FIXED}"' in text and "undone by cli:ops-jane" in text


def test_a_yaml_source_is_read_only_and_names_the_change_to_make(
        env: dict[str, str], tmp_path: Path) -> None:
    yaml = tmp_path / "licenses.yml"
    write_yaml(sample_licenses(), yaml)
    run = rosterbot("fix", "demo-emails", "--remove", STUDENT, "--yes",
                    env={**env, "ROSTERBOT_LICENSES": str(yaml)})
    assert_one_line(run, 2, "read", "by hand", str(yaml),
                    f"on license demo-emails, remove instructor email {STUDENT}")


def test_through_the_license_api(env: dict[str, str]) -> None:
    with LicenseApiServer(sample_licenses(), token="tok") as api:
        via_api = {**env, "ROSTERBOT_LICENSES": api.url, "ROSTERBOT_LICENSES_TOKEN": "tok"}
        run = rosterbot("fix", "demo-emails", "--replace", TYPO, FIXED, "--yes", env=via_api)
        assert run.returncode == 0, run.stderr
        assert 'version "1" → "2"' in run.stdout
        assert FIXED in api.license("demo-emails").instructor_emails

        # someone changes the license between the preview and the PATCH: refused, theirs stays
        theirs = License(**{**{f: getattr(api.license("demo-emails"), f) for f in
                               License.__dataclass_fields__},
                            "seats": 999})
        api.before_write = lambda: api.put(theirs) if api.version("demo-emails") == 2 else None
        refused = rosterbot("fix", "demo-emails", "--remove", STUDENT, "--yes", env=via_api)
        assert_one_line(refused, 2, "not applied", "changed since")
        assert api.license("demo-emails") == theirs

        undo = rosterbot("fix", "demo-emails", "--undo", env=via_api)  # changed since the fix
        assert_one_line(undo, 2, "has changed since fix 1")
    gone = {**env, "ROSTERBOT_LICENSES": f"http://127.0.0.1:{closed_port()}"}
    assert_one_line(rosterbot("fix", "demo-emails", "--remove", STUDENT, "--yes", env=gone), 3,
                    "license directory", "could not be asked")
