"""ClassLink client: fetch OneRoster data and parse it into checks.models records.

Thin by design: it reads and parses, and leaves every judgement to the checks. Errors come
from checks.errors (plus ClassLinkRejectedRequest for a 400), each naming district and call.
"""

from __future__ import annotations

from checks.classlink.client import ClassLinkClient, district_label
from checks.classlink.district import DistrictClient, email_filter
from checks.classlink.errors import ClassLinkRejectedRequest

__all__ = [
    "ClassLinkClient",
    "ClassLinkRejectedRequest",
    "DistrictClient",
    "district_label",
    "email_filter",
]
