"""`rosterbot match`: files in, one result per license row out; bad files exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

USERS = {"users": [
    {"sourcedId": "1", "role": "teacher", "status": "active", "enabledUser": "true",
     "givenName": "John", "familyName": "Smith", "email": "jsmith@lincolnusd.org"},
    {"sourcedId": "2", "roles": [{"roleType": "primary", "role": "teacher"}],
     "givenName": "Jane", "familyName": "Smith", "email": "jsmith2@lincolnusd.org"},
    {"sourcedId": "3", "role": "student", "status": "active", "enabledUser": True,
     "givenName": "Tom", "familyName": "Hill", "email": "thill@lincolnusd.org"},
]}


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "users.json"
    path.write_text(json.dumps(USERS), encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], license: Path, roster: Path) -> dict[str, Any]:
    assert main(["match", "--license", str(license), "--roster", str(roster), "--json"]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_csv_with_header_keeps_values_exactly_as_typed(
    tmp_path: Path, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    license = write(tmp_path, "license.csv",
                    'name,Email\nJohn," jsmith@lincolnusd.org"\nJane,JSmith2@lincolnusd.org\n'
                    "Tom,thill@lincolnusd.org\nNobody,\n")
    document = run_json(capsys, license, roster)
    assert [r["license_email"] for r in document["results"]] == [
        " jsmith@lincolnusd.org", "JSmith2@lincolnusd.org", "thill@lincolnusd.org", ""]
    assert [(r["status"], r["suggestion"], r["kind"]) for r in document["results"]] == [
        ("fix", "jsmith@lincolnusd.org", "whitespace"), ("fix", "jsmith2@lincolnusd.org", "case"),
        ("student", None, None), ("not_found", None, "malformed")]
    assert document["summary"]["rows"] == 4 and document["summary"]["fix"] == 2
    assert set(document["results"][0]) == {
        "license_email", "status", "suggestion", "kind", "confidence", "candidates", "teacher"}


def test_headerless_single_column_keeps_spaces_and_invisible_characters(
    tmp_path: Path, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    license = write(tmp_path, "license.csv",
                    "\ufeffjsmith@lincolnusd.org\njsmith2@lincolnusd.org \n\n"
                    "js\u200bmith@lincolnusd.org\n\"jsmtih@lincolnusd.org\"\n")
    document = run_json(capsys, license, roster)
    assert [r["license_email"] for r in document["results"]] == [
        "jsmith@lincolnusd.org", "jsmith2@lincolnusd.org ", "js\u200bmith@lincolnusd.org",
        "jsmtih@lincolnusd.org"]
    assert [r["status"] for r in document["results"]] == ["exact", "fix", "fix", "fix"]
    assert [r["kind"] for r in document["results"]] == [None, "whitespace", "duplicate",
                                                        "duplicate"]


def test_table_output(tmp_path: Path, roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    license = write(tmp_path, "license.csv", "email\njsmith@lincolnusd.org\njsmtih@x.org\n")
    assert main(["match", "--license", str(license), "--roster", str(roster)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "#", "license", "email", "status", "suggestion", "kind", "conf"]
    assert "jsmith@lincolnusd.org  exact" in out
    assert "ClassLink sends no one on x.org" in out
    assert out.rstrip().endswith("2 rows: 1 exact, 1 not_found; 0 duplicate(s)")


@pytest.mark.parametrize(("name", "license_text", "roster_text", "message"), [
    ("no email column", "name,id\nJohn,1\n", None, "has no 'email' column (columns: name, id)"),
    ("empty license", "\n", None, "is empty"),
    ("roster not JSON", "email\na@b.org\n", "{nope", "is not JSON"),
    ("roster a list", "email\na@b.org\n", "[]", "is not a OneRoster users document"),
    ("roster without users", "email\na@b.org\n", '{"teachers": []}',
     "is not a OneRoster users document"),
    ("a user that is not an object", "email\na@b.org\n", '{"users": [1]}', "users[0]"),
    ("a user without sourcedId", "email\na@b.org\n", '{"users": [{"email": "a@b.org"}]}',
     "users[0]: user without sourcedId"),
])
def test_bad_files_exit_2_with_a_clear_message(
    tmp_path: Path, roster: Path, capsys: pytest.CaptureFixture[str], name: str,
    license_text: str, roster_text: str | None, message: str,
) -> None:
    license = write(tmp_path, "license.csv", license_text)
    users = roster if roster_text is None else write(tmp_path, "bad.json", roster_text)
    assert main(["match", "--license", str(license), "--roster", str(users)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.startswith("rosterbot: ")
    assert "Traceback" not in captured.err and captured.out == ""


def test_missing_and_binary_files_exit_2(
    tmp_path: Path, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["match", "--license", str(tmp_path / "nope.csv"), "--roster", str(roster)]) == 2
    assert "does not exist" in capsys.readouterr().err
    binary = tmp_path / "license.csv"
    binary.write_bytes(b"\xff\xfe\x00email")
    assert main(["match", "--license", str(binary), "--roster", str(roster)]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_console_script(tmp_path: Path, roster: Path) -> None:
    script = Path(sys.executable).parent / "rosterbot"
    if not script.exists():
        pytest.skip("the rosterbot console script is not installed in this environment")
    license = write(tmp_path, "license.csv", "email\nJSMITH@lincolnusd.org\n")
    done = subprocess.run([str(script), "match", "--license", str(license), "--roster",
                           str(roster), "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)["results"]
    assert (result["status"], result["suggestion"]) == ("fix", "jsmith@lincolnusd.org")
    bad = subprocess.run([str(script), "match", "--license", str(license), "--roster",
                          str(license)], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "is not JSON" in bad.stderr
