from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from checks.errors import LicenseSourceError
from checks.licenses import (
    HttpLicenseDirectory,
    SqliteLicenseDirectory,
    YamlLicenseDirectory,
    open_directory,
    write_yaml,
)
from checks.models import License


def test_sqlite_relative_path_is_seeded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_licenses: list[License]
) -> None:
    monkeypatch.chdir(tmp_path)
    directory = open_directory("sqlite:///data/licenses.sqlite3", seed=sample_licenses)
    try:
        assert isinstance(directory, SqliteLicenseDirectory)
        assert len(directory.list()) == 3
    finally:
        directory.close()
    assert (tmp_path / "data" / "licenses.sqlite3").is_file()


def test_sqlite_absolute_path_from_default_settings(
    tmp_path: Path, sample_licenses: list[License]
) -> None:
    settings = Settings.from_mapping({"ROSTERBOT_DATA_DIR": str(tmp_path / "state")})
    assert settings.licenses.startswith("sqlite:////")
    seed = tmp_path / "seed.yaml"
    write_yaml(sample_licenses, seed)
    directory = open_directory(settings.licenses, seed=seed)
    try:
        assert directory.get("L-1001").seats == 40
    finally:
        directory.close()
    assert (tmp_path / "state" / "licenses.sqlite3").is_file()


@pytest.mark.parametrize("name", ["licenses.yml", "Licenses.YAML"])
def test_yaml_file(tmp_path: Path, sample_licenses: list[License], name: str) -> None:
    path = tmp_path / name
    write_yaml(sample_licenses, path)
    directory = open_directory(f"  {path}  ", seed=[])  # seed is ignored for read-only files
    assert isinstance(directory, YamlLicenseDirectory)
    assert [lic.id for lic in directory.list()] == ["00123", "L-1001", "L-2002"]
    directory.close()


def test_missing_yaml_file_fails_at_open(tmp_path: Path) -> None:
    with pytest.raises(LicenseSourceError, match=r"nope\.yml: cannot read license file"):
        open_directory(str(tmp_path / "nope.yml"))


@pytest.mark.parametrize(
    "url",
    [
        "https://licenses.example.org/api/",
        "http://127.0.0.1:8080",
        "http://127.1.2.3/api",
        "http://localhost:9000",
        "http://[::1]:9000",
    ],
)
def test_http_urls(url: str) -> None:
    directory = open_directory(url, token="t")
    assert isinstance(directory, HttpLicenseDirectory)
    assert directory.base_url == url.rstrip("/")
    directory.close()


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("http://licenses.example.org/api", r"must use https:// unless the host is loopback"),
        ("http://10.0.0.5/api", r"must use https:// unless the host is loopback"),
        ("https://", r"license API URL has no host"),
        ("sqlite:///", r"has no file path after sqlite:///"),
        ("licenses.json", r"must be sqlite:///path, a \.yml/\.yaml file, or an https:// URL"),
        ("postgresql://localhost/licenses", r"got 'postgresql://localhost/licenses'"),
        ("", r"license source must be"),
    ],
)
def test_bad_specs(spec: str, problem: str) -> None:
    with pytest.raises(LicenseSourceError, match=problem):
        open_directory(spec)
