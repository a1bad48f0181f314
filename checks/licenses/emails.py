"""How a typed email address is compared with the addresses on a license.

People paste addresses from Slack, spreadsheets and PDFs, which bring along non-breaking spaces,
zero-width characters, full-width letters and odd capitalisation. The stored address is never
changed; only the comparison key is normalised.
"""

from __future__ import annotations

import unicodedata


def normalise_email(address: str) -> str:
    """The comparison key for `address`: NFKC, format characters dropped, trimmed, case-folded.

    NFKC turns NBSP into a plain space and full-width letters into ASCII; dropping the format
    category (Cf) removes zero-width spaces/joiners, word joiners, soft hyphens and BOMs, which
    are invisible and never part of a real address.
    """
    text = unicodedata.normalize("NFKC", address)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.strip().casefold()


def emails_match(left: str, right: str) -> bool:
    """True when two addresses are the same after normalisation."""
    return normalise_email(left) == normalise_email(right)
