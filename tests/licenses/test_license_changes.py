"""The change API: what each change does and undoes (pure), SQLite's versions, its migration
from schema 1, optimistic concurrency across two connections, and YAML refusing to write."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from checks.errors import ChangeNotApplicable, LicenseConflict, LicenseNotFound, LicenseReadOnly
from checks.licenses import SqliteLicenseDirectory, YamlLicenseDirectory, write_yaml
from checks.licenses.changes import (
    ChangeKind,
    LicenseChange,
    LicenseWriter,
    license_fingerprint,
    read_only_reason,
    writer,
)
from checks.models import License

LIC = License("L-1", "Lincoln Physics", "Lincoln USD", 30,
              instructor_emails=("a@x.org", "sarah.wlison@x.org", " b@x.org",
                                 "rpark@students.x.org"),
              application_ids=("111",))


# -- pure ------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, emails, ids", [
    (LicenseChange.attach("MoYPlyQWmG0%3D"), LIC.instructor_emails, ("111", "MoYPlyQWmG0%3D")),
    (LicenseChange.detach("111"), LIC.instructor_emails, ()),
    (LicenseChange.replace("sarah.wlison@x.org", "sarah.wilson@x.org"),
     ("a@x.org", "sarah.wilson@x.org", " b@x.org", "rpark@students.x.org"), ("111",)),
    (LicenseChange.replace(" b@x.org", "b@x.org"),
     ("a@x.org", "sarah.wlison@x.org", "b@x.org", "rpark@students.x.org"), ("111",)),
    (LicenseChange.remove("rpark@students.x.org"),
     ("a@x.org", "sarah.wlison@x.org", " b@x.org"), ("111",)),
    (LicenseChange.add("new@x.org", position=1),
     ("a@x.org", "new@x.org", "sarah.wlison@x.org", " b@x.org", "rpark@students.x.org"),
     ("111",)),
])
def test_each_change_and_its_inverse(change: LicenseChange, emails: tuple[str, ...],
                                     ids: tuple[str, ...]) -> None:
    after = change.apply(LIC)
    assert after.instructor_emails == emails and after.application_ids == ids
    assert (after.id, after.name, after.seats) == (LIC.id, LIC.name, LIC.seats)
    assert change.inverse(LIC).apply(after) == LIC  # the undo gives the license back exactly


def test_inverse_of_a_removal_puts_the_row_back_where_it_was() -> None:
    change = LicenseChange.remove("sarah.wlison@x.org")
    undo = change.inverse(LIC)
    assert undo == LicenseChange(ChangeKind.ADD_EMAIL, "sarah.wlison@x.org", position=1)


@pytest.mark.parametrize("change, problem", [
    (LicenseChange.attach("111"), "already attached"),
    (LicenseChange.attach("%31%31%31"), "already attached"),  # the same ID, URL-encoded
    (LicenseChange.attach("a b"), "no spaces"),
    (LicenseChange.attach(""), "1 to 320 characters"),
    (LicenseChange.detach("2222222"), "has no Application ID ••••2222"),
    (LicenseChange.replace("gone@x.org", "g@x.org"), "has no instructor email gone@x.org"),
    (LicenseChange.replace("a@x.org", "not an address"), "is not an email address"),
    (LicenseChange.replace("a@x.org", "b@x.org"), 'already has " b@x.org" \\(row 3\\)'),
    (LicenseChange.remove("nobody@x.org"), "has no instructor email"),
])
def test_changes_that_cannot_be_made(change: LicenseChange, problem: str) -> None:
    with pytest.raises(ChangeNotApplicable, match=problem):
        change.apply(LIC)


def test_describe_masks_ids_and_shows_hidden_spaces() -> None:
    assert LicenseChange.attach("MoYPlyQWmG0%3D").describe() == \
        "attach Application ID ••••WmG0"
    assert LicenseChange.replace(" b@x.org", "b@x.org").describe() == \
        'change instructor email " b@x.org" to b@x.org'


def test_json_round_trip_and_junk() -> None:
    for change in (LicenseChange.attach("1"), LicenseChange.replace("a@x", "b@x.org", position=3),
                   LicenseChange.add("c@x.org", position=0)):
        assert LicenseChange.from_json(change.to_json()) == change
    for junk in ({}, {"kind": "explode", "value": "x"}, {"kind": "attach", "value": 3},
                 {"kind": "attach", "value": "x", "position": True}):
        with pytest.raises(ValueError):
            LicenseChange.from_json(junk)


def test_fingerprint_follows_every_field() -> None:
    assert license_fingerprint(LIC) == license_fingerprint(License(**{
        f: getattr(LIC, f) for f in LIC.__dataclass_fields__}))
    assert license_fingerprint(LIC) != license_fingerprint(
        LicenseChange.detach("111").apply(LIC))


# -- SQLite ----------------------------------------------------------------------------------


def test_sqlite_changes_grow_the_version(tmp_path: Path) -> None:
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=[LIC]) as directory:
        assert isinstance(directory, LicenseWriter) and read_only_reason(directory) is None
        seen = directory.get_versioned("L-1")
        assert seen == type(seen)(LIC, "1")
        done = directory.change("L-1", LicenseChange.attach("222"), expected_version="1")
        assert done.version == "2" and done.license.application_ids == ("111", "222")
        assert directory.get("L-1") == done.license
        assert directory.find_by_email("SARAH.wlison@x.org") == [done.license]
        with pytest.raises(LicenseNotFound):
            directory.get_versioned("L-404")
        with pytest.raises(LicenseNotFound):
            directory.change("L-404", LicenseChange.attach("1"), expected_version="1")


def test_sqlite_refuses_a_change_computed_against_an_older_version(tmp_path: Path) -> None:
    """Two people read version 1; the first change wins, the second is refused and writes
    nothing; recomputed against the new version it is made, and both changes stand."""
    path = tmp_path / "l.sqlite3"
    with SqliteLicenseDirectory(path, seed=[LIC]) as first, \
            SqliteLicenseDirectory(path) as second:  # two connections, as two replicas
        a, b = first.get_versioned("L-1"), second.get_versioned("L-1")
        first.change("L-1", LicenseChange.replace("sarah.wlison@x.org", "sarah.wilson@x.org"),
                     expected_version=a.version)
        with pytest.raises(LicenseConflict, match="changed since") as refused:
            second.change("L-1", LicenseChange.remove("rpark@students.x.org"),
                          expected_version=b.version)
        assert (refused.value.expected, refused.value.current) == ("1", "2")
        assert second.get("L-1").instructor_emails == (
            "a@x.org", "sarah.wilson@x.org", " b@x.org", "rpark@students.x.org")
        again = second.get_versioned("L-1")
        second.change("L-1", LicenseChange.remove("rpark@students.x.org"),
                      expected_version=again.version)
        assert first.get("L-1").instructor_emails == ("a@x.org", "sarah.wilson@x.org", " b@x.org")


def test_sqlite_concurrent_changes_from_one_version_only_one_passes(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    with SqliteLicenseDirectory(path, seed=[LIC]) as seeding:
        seeding.list()
    directories = [SqliteLicenseDirectory(path) for _ in range(6)]
    outcomes: list[str] = []
    barrier = threading.Barrier(len(directories))

    def attach(index: int) -> None:
        barrier.wait()
        try:
            directories[index].change("L-1", LicenseChange.attach(f"A{index}"),
                                      expected_version="1")
            outcomes.append("ok")
        except LicenseConflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 (shown in the assertion)
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=attach, args=(i,)) for i in range(len(directories))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
        final = directories[0].get_versioned("L-1")
        assert final.version == "2" and len(final.license.application_ids) == 2
    finally:
        for directory in directories:
            directory.close()


def test_a_failed_change_writes_nothing(tmp_path: Path) -> None:
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=[LIC]) as directory:
        with pytest.raises(ChangeNotApplicable):
            directory.change("L-1", LicenseChange.detach("999"), expected_version="1")
        assert directory.get_versioned("L-1") == type(directory.get_versioned("L-1"))(LIC, "1")


def test_upsert_and_reseed_grow_versions(tmp_path: Path) -> None:
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=[LIC]) as directory:
        directory.upsert(LIC)
        assert directory.get_versioned("L-1").version == "2"
        directory.reseed([LIC])
        assert directory.get_versioned("L-1").version == "3"  # never back to 1
        with pytest.raises(LicenseConflict):
            directory.change("L-1", LicenseChange.detach("111"), expected_version="1")


def test_a_schema_1_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """A licenses file written before versions existed: opened, it gains the column (every
    license at version 1) and keeps its data."""
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    raw.executescript("""
        CREATE TABLE licenses (id TEXT PRIMARY KEY, name TEXT NOT NULL, district TEXT NOT NULL,
            seats INTEGER NOT NULL CHECK (seats >= 0), expires TEXT);
        CREATE TABLE license_emails (license_id TEXT NOT NULL REFERENCES licenses(id)
            ON DELETE CASCADE, position INTEGER NOT NULL, email TEXT NOT NULL,
            email_norm TEXT NOT NULL, PRIMARY KEY (license_id, position));
        CREATE INDEX license_emails_by_norm ON license_emails (email_norm);
        CREATE TABLE license_app_ids (license_id TEXT NOT NULL REFERENCES licenses(id)
            ON DELETE CASCADE, position INTEGER NOT NULL, application_id TEXT NOT NULL,
            PRIMARY KEY (license_id, position));
        INSERT INTO licenses VALUES ('L-9', 'Old', 'Old USD', 5, NULL);
        INSERT INTO license_emails VALUES ('L-9', 0, 't@old.org', 't@old.org');
        PRAGMA user_version = 1;
    """)
    raw.close()
    with SqliteLicenseDirectory(path) as directory:
        seen = directory.get_versioned("L-9")
        assert seen.version == "1" and seen.license.instructor_emails == ("t@old.org",)
        directory.change("L-9", LicenseChange.attach("55"), expected_version="1")
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    assert raw.execute("SELECT version FROM licenses").fetchall() == [(2,)]
    raw.close()


# -- YAML ------------------------------------------------------------------------------------


def test_yaml_is_read_only_and_says_where_to_edit(tmp_path: Path) -> None:
    path = tmp_path / "licenses.yml"
    write_yaml([LIC], path)
    directory = YamlLicenseDirectory(path)
    reason = read_only_reason(directory)
    assert reason is not None and str(path) in reason and "by hand" in reason
    seen = directory.get_versioned("L-1")
    assert seen.version == license_fingerprint(LIC)
    with pytest.raises(LicenseReadOnly, match="by hand"):
        directory.change("L-1", LicenseChange.detach("111"), expected_version=seen.version)
    with pytest.raises(LicenseReadOnly, match="by hand"):
        writer(directory)
    assert path.read_text() and directory.get("L-1") == LIC  # the file is untouched
