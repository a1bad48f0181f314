"""The license directory: where rosterbot reads Pivot licenses from.

    directory = open_directory(settings.licenses, seed=Path("world/licenses.yml"))
    directory.find_by_email(" Ms.Hoover@Springfield.k12.us\\u200b")  # -> [License(...)]

Sources: `SqliteLicenseDirectory` (embedded default, writable), `YamlLicenseDirectory`
(read-only file) and `HttpLicenseDirectory` (a JSON license API, see docs/license-api.md).
"""

from __future__ import annotations

from checks.licenses.directory import LicenseDirectory
from checks.licenses.http_directory import HttpLicenseDirectory
from checks.licenses.memory_directory import MemoryLicenseDirectory
from checks.licenses.opening import open_directory
from checks.licenses.records import license_from_mapping, license_to_mapping
from checks.licenses.sqlite_directory import SqliteLicenseDirectory
from checks.licenses.yaml_directory import YamlLicenseDirectory, read_licenses_yaml, write_yaml
from checks.licenses.yaml_format import licenses_to_yaml, parse_licenses_yaml

__all__ = [
    "HttpLicenseDirectory",
    "LicenseDirectory",
    "MemoryLicenseDirectory",
    "SqliteLicenseDirectory",
    "YamlLicenseDirectory",
    "license_from_mapping",
    "license_to_mapping",
    "licenses_to_yaml",
    "open_directory",
    "parse_licenses_yaml",
    "read_licenses_yaml",
    "write_yaml",
]
