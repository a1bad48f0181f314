from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checks.errors import LicenseNotFound, LicenseSourceError
from checks.licenses import LicenseDirectory, SqliteLicenseDirectory, write_yaml
from checks.models import License


def ids(licenses: list[License]) -> list[str]:
    return [lic.id for lic in licenses]


def test_created_on_first_use_with_tables_and_email_index(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    path = tmp_path / "data" / "licenses.sqlite3"
    directory = SqliteLicenseDirectory(path, seed=sample_licenses)
    assert isinstance(directory, LicenseDirectory)
    assert not path.exists()
    assert ids(directory.list()) == ["00123", "L-1001", "L-2002"]
    directory.close()
    with sqlite3.connect(path) as raw:
        names = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
        plan = " ".join(
            str(row)
            for row in raw.execute(
                "EXPLAIN QUERY PLAN SELECT license_id FROM license_emails WHERE email_norm = ?",
                ("x",),
            )
        )
    raw.close()
    assert {"licenses", "license_emails", "license_app_ids", "license_emails_by_norm"} <= names
    assert "license_emails_by_norm" in plan


def test_seeded_values_come_back_exactly(tmp_path: Path, sample_licenses: list[License]) -> None:
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=sample_licenses) as directory:
        for license in sample_licenses:
            assert directory.get(license.id) == license
        assert directory.list() == sorted(sample_licenses, key=lambda lic: lic.id)
        with pytest.raises(LicenseNotFound) as caught:
            directory.get("l-1001")
        assert caught.value.license_id == "l-1001"


def test_find_by_email_normalises_case_spaces_and_invisibles(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=sample_licenses) as directory:
        assert ids(directory.find_by_email("MR.LARGO@SPRINGFIELD.K12.US")) == ["L-1001"]
        assert ids(directory.find_by_email("\u200bms.hoover@springfield.k12.us\u00a0")) == [
            "L-1001"
        ]
        assert ids(directory.find_by_email("nbsp.teacher@OGDEN.org")) == ["00123"]
        assert ids(directory.find_by_email(" shared@district.org\ufeff")) == ["L-1001", "L-2002"]
        assert directory.find_by_email("ms.hoover@springfield.k12.org") == []
        assert directory.find_by_email("\u200b") == []


def test_seed_from_yaml_and_seeding_is_idempotent(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    seed = tmp_path / "seed.yml"
    write_yaml(sample_licenses, seed)
    path = tmp_path / "l.sqlite3"
    changed = dataclasses.replace(sample_licenses[0], seats=99, instructor_emails=("n@x.org",))
    with SqliteLicenseDirectory(path, seed=seed) as directory:
        assert len(directory.list()) == 3
        directory.upsert(changed)
    # Opening again with the same seed keeps what is stored; the seed only fills an empty store.
    with SqliteLicenseDirectory(path, seed=seed) as directory:
        assert len(directory.list()) == 3
        assert directory.get("L-2002") == changed
        assert directory.find_by_email("Ms.Krabappel@Shelbyville.k12.us") == []
    # And without a seed the stored licenses are simply read.
    with SqliteLicenseDirectory(path) as directory:
        assert directory.get("L-2002").seats == 99


def test_reseed_replaces_everything(tmp_path: Path, sample_licenses: list[License]) -> None:
    extra = License("L-3003", "Extra", "D", 5, instructor_emails=("e@x.org",))
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=sample_licenses) as directory:
        directory.upsert(extra)
        assert len(directory.list()) == 4
        assert directory.reseed() == 3
        assert directory.list() == sorted(sample_licenses, key=lambda lic: lic.id)
        assert directory.find_by_email("e@x.org") == []
        assert directory.reseed([extra]) == 1
        assert directory.list() == [extra]
        assert directory.reseed([]) == 0
        assert directory.list() == []


def test_reseed_without_any_seed_is_refused(tmp_path: Path) -> None:
    with SqliteLicenseDirectory(tmp_path / "l.sqlite3") as directory:
        with pytest.raises(ValueError, match="reseed needs a seed"):
            directory.reseed()


def test_upsert_replaces_emails_and_application_ids(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    with SqliteLicenseDirectory(":memory:", seed=sample_licenses) as directory:
        updated = dataclasses.replace(
            directory.get("L-1001"),
            expires=dt.date(2027, 6, 30),
            instructor_emails=("new.teacher@springfield.k12.us",),
            application_ids=("999",),
        )
        directory.upsert(updated)
        assert directory.get("L-1001") == updated
        assert ids(directory.find_by_email("shared@district.org")) == ["L-2002"]
        assert ids(directory.find_by_email("New.Teacher@springfield.k12.us")) == ["L-1001"]
        with pytest.raises(ValueError, match="seats"):
            directory.upsert(dataclasses.replace(updated, seats=-1))
        assert directory.get("L-1001") == updated


def test_bad_seeds(tmp_path: Path, sample_licenses: list[License]) -> None:
    with pytest.raises(ValueError, match="duplicate license id"):
        SqliteLicenseDirectory(tmp_path / "a.sqlite3", seed=sample_licenses * 2)
    with pytest.raises(TypeError, match="seed must be a Path"):
        SqliteLicenseDirectory(tmp_path / "a.sqlite3", seed=str(tmp_path / "seed.yml"))  # type: ignore[arg-type]
    bad_yaml = tmp_path / "seed.yml"
    bad_yaml.write_text("licenses:\n  - id: L-1\n", encoding="utf-8")
    with SqliteLicenseDirectory(tmp_path / "b.sqlite3", seed=bad_yaml) as directory:
        with pytest.raises(LicenseSourceError, match=r"seed\.yml: entry 1 \(id 'L-1'\)"):
            directory.list()
        # The failed seeding left nothing half-done; fixing the file makes the next call work.
        write_yaml(sample_licenses, bad_yaml)
        assert len(directory.list()) == 3


def test_unreadable_database_and_closed_directory(tmp_path: Path) -> None:
    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not a database file at all" * 100)
    with SqliteLicenseDirectory(path) as directory:
        with pytest.raises(LicenseSourceError, match=r"not-a-db\.sqlite3: license database error"):
            directory.list()
    directory = SqliteLicenseDirectory(tmp_path / "ok.sqlite3")
    assert directory.list() == []
    directory.close()
    with pytest.raises(LicenseSourceError, match="closed"):
        directory.list()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with SqliteLicenseDirectory(path) as directory:
        with pytest.raises(LicenseSourceError, match="schema 99 is newer"):
            directory.list()


def test_concurrent_readers_and_a_writer(tmp_path: Path, sample_licenses: list[License]) -> None:
    directory = SqliteLicenseDirectory(tmp_path / "l.sqlite3", seed=sample_licenses)
    expected = sorted(sample_licenses, key=lambda lic: lic.id)
    start = threading.Barrier(9)

    def read(worker: int) -> int:
        start.wait()
        for round_ in range(60):
            assert ids(directory.find_by_email("SHARED@district.org")) == ["L-1001", "L-2002"]
            assert directory.get(expected[(worker + round_) % 3].id).name
            assert ids(directory.list())[:3] == ["00123", "L-1001", "L-2002"]
        return worker

    def write() -> None:
        start.wait()
        for number in range(60):
            directory.upsert(License(f"M-{number:03}", "Added", "D", number))

    with ThreadPoolExecutor(max_workers=9) as pool:
        writer = pool.submit(write)
        readers = [pool.submit(read, worker) for worker in range(8)]
        assert sorted(f.result(timeout=30) for f in readers) == list(range(8))
        writer.result(timeout=30)
    assert len(directory.list()) == 63
    directory.close()
