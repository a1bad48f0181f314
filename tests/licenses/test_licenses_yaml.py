from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml

from checks.errors import LicenseNotFound, LicenseSourceError
from checks.licenses import (
    LicenseDirectory,
    YamlLicenseDirectory,
    licenses_to_yaml,
    read_licenses_yaml,
    write_yaml,
)
from checks.models import License

GOOD = """\
# Hand-written, the way support staff would type it.
licenses:
  - id: L-1001
    name: Springfield High Physics
    district: Springfield USD
    seats: 40
    expires: 2026-06-30
    instructor_emails:
      - ms.hoover@springfield.k12.us
      - " Mr.Largo@Springfield.k12.us "
    application_ids: [1234567, 00042]
  - id: 00123
    name: Ogdenville Physics
    district: Ogdenville USD
    seats: 0
    expires: null
  - id: "L-0500"
    name: yes
    district: "Shelbyville ISD"
    seats: "7"
    expires: "2025-02-28"
    instructor_emails: []
"""


def write(tmp_path: Path, text: str, name: str = "licenses.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_keeps_values_exactly_as_typed(tmp_path: Path) -> None:
    licenses = read_licenses_yaml(write(tmp_path, GOOD))
    assert [lic.id for lic in licenses] == ["L-1001", "00123", "L-0500"]
    first, second, third = licenses
    assert first.instructor_emails == (
        "ms.hoover@springfield.k12.us",
        " Mr.Largo@Springfield.k12.us ",
    )
    assert first.application_ids == ("1234567", "00042")  # not 1234567 and octal 34
    assert first.expires == dt.date(2026, 6, 30)
    assert second == License("00123", "Ogdenville Physics", "Ogdenville USD", 0)
    assert third.name == "yes"  # not True
    assert third.seats == 7
    assert third.expires == dt.date(2025, 2, 28)


def test_directory_serves_the_file_in_id_order(tmp_path: Path) -> None:
    directory = YamlLicenseDirectory(write(tmp_path, GOOD))
    assert isinstance(directory, LicenseDirectory)
    assert [lic.id for lic in directory.list()] == ["00123", "L-0500", "L-1001"]
    assert directory.get("00123").name == "Ogdenville Physics"
    with pytest.raises(LicenseNotFound):
        directory.get("123")
    assert [lic.id for lic in directory.find_by_email("mr.largo@springfield.k12.us")] == [
        "L-1001"
    ]
    directory.close()


def test_directory_rereads_the_file_after_an_edit(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    path = write(tmp_path, GOOD)
    with YamlLicenseDirectory(path) as directory:
        assert len(directory.list()) == 3
        write_yaml(sample_licenses[:1], path)
        assert [lic.id for lic in directory.list()] == ["L-2002"]
        path.write_text("licenses: [", encoding="utf-8")
        with pytest.raises(LicenseSourceError, match="not valid YAML"):
            directory.list()
        os.remove(path)
        with pytest.raises(LicenseSourceError, match="cannot read license file"):
            directory.get("L-2002")


def test_empty_list_is_a_valid_file(tmp_path: Path) -> None:
    assert read_licenses_yaml(write(tmp_path, "licenses: []\n")) == []
    assert read_licenses_yaml(write(tmp_path, "licenses:\n")) == []


ENTRY = """\
licenses:
  - id: L-1
    name: First
    district: D
    seats: 1
  - {body}
"""


@pytest.mark.parametrize(
    ("second_entry", "problem"),
    [
        ("name: No Id\n    district: D\n    seats: 1", r"entry 2 at line 6: id: is missing"),
        ("id: ''\n    name: X\n    district: D\n    seats: 1", r"entry 2 at line 6: id: is blank"),
        (
            "id: L-1\n    name: Again\n    district: D\n    seats: 2",
            r"entry 2 \(id 'L-1'\) at line 6: duplicate id 'L-1' "
            r"\(first used by entry 1 \(id 'L-1'\) at line 2\)",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: -3",
            r"entry 2 \(id 'L-2'\) at line 6: seats: must be a non-negative whole number, "
            r"got '-3'",
        ),
        ("id: L-2\n    name: X\n    district: D\n    seats: 2.5", r"seats: .*got '2.5'"),
        ("id: L-2\n    name: X\n    district: D\n    seats: lots", r"seats: .*got 'lots'"),
        ("id: L-2\n    name: X\n    district: D", r"\(id 'L-2'\) at line 6: seats: is missing"),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n    expires: 2025-02-30",
            r"\(id 'L-2'\) at line 6: expires: must be a YYYY-MM-DD date or null, "
            r"got '2025-02-30'",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n    expires: 30/06/2026",
            r"expires: .*got '30/06/2026'",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n    expires: 2025-06-30 12:00",
            r"expires: .*got '2025-06-30 12:00'",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n"
            "    instructor_emails: a@b.org",
            r"\(id 'L-2'\) at line 6: instructor_emails: must be a list of strings, got str",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n"
            "    instructor_emails: [a@b.org, {email: c@d.org}]",
            r"instructor_emails: item 2 must be a string, got dict",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n"
            "    instructor_emails: [a@b.org, [c@d.org]]",
            r"instructor_emails: item 2 must be a string, got list",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n"
            "    application_ids: 1234567",
            r"application_ids: must be a list of strings",
        ),
        (
            "id: L-2\n    name: X\n    district: D\n    seats: 1\n"
            "    instructor_email: [a@b.org]",
            r"\(id 'L-2'\) at line 6: instructor_email: unknown field",
        ),
        ("- L-2", r"entry 2 at line 6: entry must be a mapping of fields, got list"),
        ("id: [L-2]\n    name: X\n    district: D\n    seats: 1", r"id: must be a string"),
    ],
)
def test_bad_entry_names_file_entry_and_field(
    tmp_path: Path, second_entry: str, problem: str
) -> None:
    path = write(tmp_path, ENTRY.format(body=second_entry))
    with pytest.raises(LicenseSourceError) as caught:
        read_licenses_yaml(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert re.search(problem, message), message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", r"expected a mapping with a 'licenses:' list, found an empty file"),
        ("- id: L-1\n", r"expected a mapping .* found list"),
        ("license:\n  - id: L-1\n", r"unknown top-level key 'license'"),
        ("licenses: {id: L-1}\n", r"'licenses' must be a list, found dict"),
        (
            "licenses:\n  - id: L-1\n    id: L-2\n",
            r"not valid YAML at line 3, column 5: duplicate key 'id'",
        ),
        ("licenses: [\n", r"not valid YAML at line 2, column 1: .*expected the node content"),
    ],
)
def test_bad_file_shape_names_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LicenseSourceError) as caught:
        YamlLicenseDirectory(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert re.search(problem, str(caught.value), re.DOTALL), str(caught.value)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(LicenseSourceError, match=r"missing\.yml: cannot read license file"):
        read_licenses_yaml(tmp_path / "missing.yml")
    path = tmp_path / "latin1.yml"
    path.write_bytes("licenses:\n  - name: Jos\xe9\n".encode("latin-1"))
    with pytest.raises(LicenseSourceError, match=r"latin1\.yml: not UTF-8 text"):
        read_licenses_yaml(path)


def test_yaml_round_trip_keeps_awkward_values(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    awkward = License(
        id="007",
        name="José's \"Physics\": Period 1",
        district="yes",
        seats=12,
        instructor_emails=(
            "\u00a0lead@x.org",
            "zw\u200bsp@x.org",
            "bom\ufeff@x.org",
            "  padded@x.org ",
            "2025-01-01",
        ),
        application_ids=("0x10", "1e3", "null"),
    )
    licenses = [*sample_licenses, awkward]
    path = tmp_path / "out" / "licenses.yaml"
    write_yaml(licenses, path)
    assert read_licenses_yaml(path) == licenses
    # Plain YAML tools read the same strings (nothing turns into a number, bool or date).
    plain = yaml.safe_load(path.read_text(encoding="utf-8"))["licenses"][-1]
    assert plain["id"] == "007"
    assert plain["district"] == "yes"
    assert plain["instructor_emails"] == list(awkward.instructor_emails)
    assert plain["application_ids"] == ["0x10", "1e3", "null"]
    # Invisible characters are written as escapes a person can see.
    text = path.read_text(encoding="utf-8")
    assert "\\u200B" in text and "\\xA0" in text and "\\uFEFF" in text
    assert "\u200b" not in text and "\u00a0" not in text


def test_export_refuses_what_it_could_not_read_back(sample_licenses: list[License]) -> None:
    with pytest.raises(ValueError, match="duplicate license id 'L-1001'"):
        licenses_to_yaml([*sample_licenses, sample_licenses[2]])
    with pytest.raises(ValueError, match="seats"):
        licenses_to_yaml([License("L-9", "N", "D", seats=-1)])
    with pytest.raises(ValueError, match="id: is blank"):
        licenses_to_yaml([License(" ", "N", "D", seats=1)])
