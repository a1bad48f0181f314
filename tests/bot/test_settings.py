from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings


def test_defaults_put_everything_in_the_data_dir() -> None:
    s = Settings.from_mapping({"ROSTERBOT_DATA_DIR": "/tmp/rb"})
    assert s.data_dir == Path("/tmp/rb")
    assert s.licenses == "sqlite:////tmp/rb/licenses.sqlite3"
    assert s.database_url == "sqlite:////tmp/rb/rosterbot.sqlite3"
    assert s.classlink_api_url is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("sqlite:///x/licenses.db", "sqlite:///x/licenses.db"),
        ("licenses.yml", "licenses.yml"),
        ("https://licenses.example.org/api/", "https://licenses.example.org/api"),
    ],
)
def test_license_source_forms(spec: str, expected: str) -> None:
    assert Settings.from_mapping({"ROSTERBOT_LICENSES": spec}).licenses == expected


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"ROSTERBOT_LICENSES": "ftp://x"}, "ROSTERBOT_LICENSES"),
        ({"ROSTERBOT_LICENSES": "licenses.txt"}, "ROSTERBOT_LICENSES"),
        ({"CLASSLINK_API_URL": "not a url"}, "CLASSLINK_API_URL"),
        ({"CLASSLINK_TIMEOUT": "soon"}, "CLASSLINK_TIMEOUT"),
        ({"CLASSLINK_TIMEOUT": "-1"}, "CLASSLINK_TIMEOUT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
    ],
)
def test_malformed_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_mapping(env)
    assert info.value.variable == variable
    assert variable in str(info.value)


def test_missing_classlink_settings_are_named() -> None:
    s = Settings.from_mapping({"CLASSLINK_API_URL": "https://proxy.example.org/"})
    with pytest.raises(ConfigError, match="CLASSLINK_PARTNER_KEY"):
        s.require_classlink()
    with pytest.raises(ConfigError, match="CLASSLINK_API_URL"):
        Settings.from_mapping({}).require_classlink()


def test_yaml_file_is_overridden_by_environment(tmp_path: Path) -> None:
    config = tmp_path / "rosterbot.yml"
    config.write_text("CLASSLINK_API_URL: https://file.example.org\nCLASSLINK_TIMEOUT: 3\n")
    s = Settings.from_mapping({"ROSTERBOT_CONFIG": str(config), "CLASSLINK_TIMEOUT": "5"})
    assert s.classlink_api_url == "https://file.example.org"
    assert s.classlink_timeout == 5.0


@pytest.mark.parametrize("content", ["- a\n- b\n", "key: [unclosed\n"])
def test_bad_yaml_file_is_a_config_error(tmp_path: Path, content: str) -> None:
    config = tmp_path / "bad.yml"
    config.write_text(content)
    with pytest.raises(ConfigError, match="ROSTERBOT_CONFIG"):
        Settings.from_mapping({"ROSTERBOT_CONFIG": str(config)})


def test_missing_yaml_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        Settings.from_mapping({"ROSTERBOT_CONFIG": str(tmp_path / "absent.yml")})
