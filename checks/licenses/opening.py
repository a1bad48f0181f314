"""Open the license directory named by a ROSTERBOT_LICENSES value."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from checks.errors import LicenseSourceError
from checks.licenses.directory import LicenseDirectory
from checks.licenses.http_directory import HttpLicenseDirectory
from checks.licenses.sqlite_directory import Seed, SqliteLicenseDirectory
from checks.licenses.yaml_directory import YamlLicenseDirectory

SQLITE_PREFIX = "sqlite:///"
FORMS = "sqlite:///path, a .yml/.yaml file, or an https:// URL (http:// only for loopback)"


def open_directory(
    spec: str, *, seed: Seed = None, token: str | None = None, timeout: float = 10
) -> LicenseDirectory:
    """The directory `spec` names.

    `sqlite:///data/licenses.sqlite3` (relative) or `sqlite:////var/lib/licenses.sqlite3`
    (absolute): the embedded store, seeded from `seed` when empty. A `.yml`/`.yaml` path: a
    read-only file. An `https://` URL (or `http://` to a loopback host): the JSON license API,
    with `token` as bearer. `seed` only applies to SQLite; the other sources are read-only.
    """
    value = spec.strip()
    if value.startswith(SQLITE_PREFIX):
        path = value[len(SQLITE_PREFIX) :]
        if not path:
            raise LicenseSourceError(f"license source {spec!r} has no file path after sqlite:///")
        return SqliteLicenseDirectory(Path(path), seed=seed)
    if value.startswith(("https://", "http://")):
        _check_url(value)
        return HttpLicenseDirectory(value, token=token, timeout=timeout)
    if value.lower().endswith((".yml", ".yaml")):
        return YamlLicenseDirectory(Path(value))
    raise LicenseSourceError(f"license source must be {FORMS}; got {spec!r}")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if not parts.hostname:
        raise LicenseSourceError(f"license API URL has no host: {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        # A bearer token must not cross the network in clear text.
        raise LicenseSourceError(
            f"license API URL must use https:// unless the host is loopback; got {url!r}"
        )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
