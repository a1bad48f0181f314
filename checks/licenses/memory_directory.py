"""A license directory held in memory; the YAML directory serves from one of these."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from types import TracebackType

from checks.errors import LicenseNotFound
from checks.licenses.records import check_unique_ids
from checks.models import License
from checks.text import fold_email


class MemoryLicenseDirectory:
    """Licenses indexed by id and by normalised instructor email. Immutable after construction."""

    def __init__(self, licenses: Iterable[License]) -> None:
        ordered = sorted(licenses, key=lambda lic: lic.id)
        check_unique_ids(ordered)
        self._ordered = tuple(ordered)
        self._by_id = {lic.id: lic for lic in ordered}
        self._by_email: dict[str, builtins.list[License]] = {}
        for lic in ordered:
            for key in {fold_email(e) for e in lic.instructor_emails}:
                self._by_email.setdefault(key, []).append(lic)

    def get(self, license_id: str) -> License:
        try:
            return self._by_id[license_id]
        except KeyError:
            raise LicenseNotFound(license_id) from None

    def find_by_email(self, email: str) -> builtins.list[License]:
        key = fold_email(email)
        if not key:
            return []
        return builtins.list(self._by_email.get(key, ()))

    def list(self) -> builtins.list[License]:
        return builtins.list(self._ordered)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> MemoryLicenseDirectory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
