"""A read-only license directory backed by a YAML file, re-read when the file changes."""

from __future__ import annotations

import builtins
import os
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from checks.errors import LicenseReadOnly, LicenseSourceError
from checks.licenses.changes import LicenseChange, VersionedLicense, license_fingerprint
from checks.licenses.memory_directory import MemoryLicenseDirectory
from checks.licenses.yaml_format import licenses_to_yaml, parse_licenses_yaml
from checks.models import License


def read_licenses_yaml(path: Path) -> builtins.list[License]:
    """The licenses in the YAML file at `path`, in file order."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LicenseSourceError(f"{path}: cannot read license file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise LicenseSourceError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return parse_licenses_yaml(text, source=str(path))


def write_yaml(licenses: Iterable[License], path: Path) -> None:
    """Write `licenses` to `path` as YAML, atomically (a reader never sees half a file)."""
    text = licenses_to_yaml(licenses)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


class YamlLicenseDirectory:
    """Licenses from a YAML file; never writes it (a change raises LicenseReadOnly, saying to
    edit the file by hand).

    The file is read when the directory is created, so a broken file fails at start-up, and read
    again whenever its modification time or size changes, so support staff can edit it while
    the bot runs. A file that breaks after an edit raises LicenseSourceError until it is fixed.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._licenses = MemoryLicenseDirectory(())
        self._refresh()

    def get(self, license_id: str) -> License:
        return self._refresh().get(license_id)

    def find_by_email(self, email: str) -> builtins.list[License]:
        return self._refresh().find_by_email(email)

    def list(self) -> builtins.list[License]:
        return self._refresh().list()

    @property
    def read_only_reason(self) -> str | None:
        return (f"the licenses come from the YAML file {self.path}, which rosterbot only reads: "
                "make the change in that file by hand (it is read again when saved)")

    def get_versioned(self, license_id: str) -> VersionedLicense:
        """The license and a digest of it as its version (the file has no versions)."""
        license = self.get(license_id)
        return VersionedLicense(license, license_fingerprint(license))

    def change(self, license_id: str, change: LicenseChange, *,
               expected_version: str) -> VersionedLicense:
        """Always LicenseReadOnly: this directory never writes its file."""
        raise LicenseReadOnly(f"cannot {change.describe()} on license {license_id}: "
                              f"{self.read_only_reason}")

    def close(self) -> None:
        """Nothing stays open between calls."""

    def _refresh(self) -> MemoryLicenseDirectory:
        with self._lock:
            stamp = self._file_stamp()
            if stamp != self._stamp:
                self._licenses = MemoryLicenseDirectory(read_licenses_yaml(self.path))
                self._stamp = stamp
            return self._licenses

    def _file_stamp(self) -> tuple[int, int, int]:
        try:
            status = self.path.stat()
        except OSError as exc:
            raise LicenseSourceError(
                f"{self.path}: cannot read license file: {exc.strerror}"
            ) from None
        # The inode changes when a file is replaced, e.g. by write_yaml or an editor's save.
        return status.st_ino, status.st_mtime_ns, status.st_size

    def __enter__(self) -> YamlLicenseDirectory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
