"""Errors raised by the checks package.

    CheckError
    ├── ClassLinkError            (district, call): which district and which call failed
    │   ├── ClassLinkAuthError    401/403: bad or revoked credentials
    │   ├── ClassLinkNotFound     404 / unknownobject
    │   ├── ClassLinkRateLimited  429 after the retries ran out (retry_after seconds)
    │   ├── ClassLinkUnavailable  5xx, timeouts, connection refused after retries
    │   └── ClassLinkBadResponse  a 2xx whose body is not the document it should be
    └── LicenseError
        ├── LicenseNotFound       no license with that id
        ├── LicenseSourceError    the license directory could not be read
        │   └── LicenseSourceUnavailable  the license API did not answer (unreachable,
        │                                 timeouts, 5xx or 429 after the retries)
        └── LicenseChangeError    a change to a license was not made (nothing was written)
            ├── LicenseReadOnly   the source cannot be written (a YAML file, an API without
            │                     PATCH): the change must be made by hand
            ├── LicenseConflict   the license changed since the change was computed
            └── ChangeNotApplicable  the change makes no sense on the license as it is (the
                                  row is gone, the ID already attached)
"""

from __future__ import annotations


class CheckError(Exception):
    """Base of every error the checks package raises."""


class ClassLinkError(CheckError):
    def __init__(self, message: str, *, district: str = "", call: str = "") -> None:
        self.district = district
        self.call = call
        where = " ".join(p for p in (f"district {district}" if district else "", call) if p)
        super().__init__(f"{message} ({where})" if where else message)
        self.detail = message


class ClassLinkAuthError(ClassLinkError):
    pass


class ClassLinkNotFound(ClassLinkError):
    pass


class ClassLinkRateLimited(ClassLinkError):
    def __init__(
        self, message: str, *, district: str = "", call: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message, district=district, call=call)
        self.retry_after = retry_after


class ClassLinkUnavailable(ClassLinkError):
    pass


class ClassLinkBadResponse(ClassLinkError):
    pass


class LicenseError(CheckError):
    pass


class LicenseNotFound(LicenseError):
    def __init__(self, license_id: str) -> None:
        self.license_id = license_id
        super().__init__(f"no license with id {license_id!r}")


class LicenseSourceError(LicenseError):
    pass


class LicenseSourceUnavailable(LicenseSourceError):
    """The license API could not be reached (or kept failing) after the retries: a remote
    outage, not a configuration error."""


class LicenseChangeError(LicenseError):
    """A change to a license was refused; the license is as it was."""


class LicenseReadOnly(LicenseChangeError):
    """The license source cannot be written: the change has to be made by hand where the
    licenses live (the message says where)."""


class LicenseConflict(LicenseChangeError):
    """The license changed after the change was computed (optimistic concurrency): nothing was
    written; read it again and recompute. `current` is the version it has now, when known."""

    def __init__(self, message: str, *, license_id: str = "", expected: str = "",
                 current: str | None = None) -> None:
        super().__init__(message)
        self.license_id, self.expected, self.current = license_id, expected, current


class ChangeNotApplicable(LicenseChangeError):
    """The change cannot be made to the license as it is (the row it replaces is not there, the
    Application ID is already attached, ...)."""
