"""Which license an actor may see in a channel (pure).

Staff see any license anywhere. A customer sees only the license linked to the channel they are
in; in an unlinked place they get general help and no data.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.identity import Actor


@dataclass(frozen=True, slots=True)
class Access:
    license_id: str | None  # the license to use, when allowed
    allowed: bool
    reason: str = ""  # a string key in the knowledge base's UI strings when refused
    refused_attempt: bool = False  # a customer asked for something outside their license


def license_access(actor: Actor, *, requested: str | None, linked: str | None) -> Access:
    """Decide which license this request may read."""
    if actor.is_staff:
        chosen = requested or linked
        return Access(chosen, allowed=chosen is not None, reason="" if chosen else "need_license")
    if linked is None:
        return Access(None, allowed=False, reason="not_linked", refused_attempt=bool(requested))
    if requested is not None and requested != linked:
        return Access(None, allowed=False, reason="other_license", refused_attempt=True)
    return Access(linked, allowed=True)
