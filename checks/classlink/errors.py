"""The one ClassLink error this package adds to the checks.errors tree.

ClassLinkBadResponse
└── ClassLinkRejectedRequest   400: ClassLink refused the request itself (invalid_filter_field)
"""

from __future__ import annotations

from checks.errors import ClassLinkBadResponse


class ClassLinkRejectedRequest(ClassLinkBadResponse):
    """ClassLink refused the request (400, e.g. a malformed filter); retrying won't help."""

    def __init__(
        self, message: str, *, district: str = "", call: str = "", code_minor: str = ""
    ) -> None:
        super().__init__(message, district=district, call=call)
        self.code_minor = code_minor
