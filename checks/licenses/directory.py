"""The interface every license source implements."""

from __future__ import annotations

import builtins
from typing import Protocol, runtime_checkable

from checks.models import License


@runtime_checkable
class LicenseDirectory(Protocol):
    """Read access to Pivot licenses, whatever stores them.

    Errors: `LicenseNotFound` for an unknown id, `LicenseSourceError` when the source cannot be
    read. Results are always in license-id order.
    """

    def get(self, license_id: str) -> License:
        """The license with exactly this id."""
        ...

    def find_by_email(self, email: str) -> builtins.list[License]:
        """Licenses listing `email` as an instructor, compared after `checks.text.fold_email`."""
        ...

    def list(self) -> builtins.list[License]:
        """Every license."""
        ...

    def close(self) -> None:
        """Release connections and files; the directory is not used afterwards."""
        ...
