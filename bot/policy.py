"""Who may see what: one decision per request (pure).

Staff see any license anywhere. A customer sees only the license linked to the channel they are
in; in an unlinked place they get general help and no data. A dialog is driven by the person who
started it and by staff; others start their own.

Where an answer may go depends on who reads the channel. A channel is *internal* only when every
member is staff: a guest (guests are customers) or a Slack Connect member makes it a customer
channel, and so does anything we could not verify. A license's details are posted in a channel
only where every reader may see them: in the channel linked to that license (worded for
customers), or in an internal, unlinked channel (with staff detail: tenant ids, seats, masked
Application IDs). Anything else (a staff member asking about license B in a channel linked to A,
or about any license in a shared channel) goes to the asker alone, and the reply says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.identity import Actor
from bot.knowledge import Audience


class Refusal(StrEnum):
    """Why a request was refused; the service answers and audits each kind."""

    STAFF_ONLY = "staff_only"
    OTHER_LICENSE = "other_license"  # a customer named a license not linked to the channel
    UNLINKED = "unlinked"  # a customer in a place with no license
    NEED_LICENSE = "need_license"  # staff, and no license named or linked
    NOT_OWNER = "not_owner"  # a customer acting on someone else's dialog


@dataclass(frozen=True, slots=True)
class Channel:
    """What decides who may read a channel: the license linked to it, and whether every member
    is staff. `internal` is only asked of Slack when it can change a decision (a staff member in
    an unlinked channel); otherwise it is False."""

    channel_id: str
    linked_license: str | None = None
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    license_id: str | None  # the license the request may read, when allowed
    refusal: Refusal | None = None
    attempt: bool = False  # the asker named something outside what they may see (audit it)
    in_channel: bool = False  # the license's details may be posted where the channel reads them

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def channel_audience(actor: Actor, channel: Channel) -> Audience:
    """Who will read what is posted in the channel for this actor: staff detail only in an
    internal, unlinked channel (a linked channel is a customer's channel by declaration)."""
    if actor.is_staff and channel.internal and channel.linked_license is None:
        return Audience.STAFF
    return Audience.CUSTOMER


def shown_in_channel(actor: Actor, channel: Channel, license_id: str | None) -> bool:
    """Whether everyone reading the channel may see `license_id` (None: no license yet)."""
    if license_id is not None and license_id == channel.linked_license:
        return True
    return channel_audience(actor, channel) is Audience.STAFF


def authorize(
    actor: Actor, channel: Channel, *, license_id: str | None = None, owner: str | None = None,
    staff_only: bool = False, needs_license: bool = True,
) -> Decision:
    """Whether this actor may do it here, which license it reads, and whether it may be said in
    the channel. `license_id` is the license named (by the asker, or a dialog's); `owner` the
    user whose dialog is acted on; `needs_license` False for requests that may go on without
    one (a staff dialog that will ask, an email lookup across all licenses)."""
    if staff_only and not actor.is_staff:
        return Decision(None, Refusal.STAFF_ONLY, attempt=True)
    if owner is not None and owner != actor.user_id and not actor.is_staff:
        return Decision(None, Refusal.NOT_OWNER, attempt=True)
    if actor.is_staff:
        chosen = license_id or channel.linked_license
        refusal = Refusal.NEED_LICENSE if chosen is None and needs_license else None
        return Decision(chosen, refusal, in_channel=shown_in_channel(actor, channel, chosen))
    linked = channel.linked_license
    if linked is None:
        return Decision(None, Refusal.UNLINKED, attempt=license_id is not None)
    if license_id is not None and license_id != linked:
        return Decision(None, Refusal.OTHER_LICENSE, attempt=True)
    return Decision(linked, in_channel=True)
