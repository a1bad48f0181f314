"""The sanity step's teacher search: Slack's block_suggestion requests for the external_select
that replaces the static picker past Slack's 100 options.

Answered in the ack (within Slack's 3 seconds), so only from the diagnosis this process keeps
for the dialog's license (bot.service.cache, however old); when it has none (another replica
ran the step, or a restart), the first request comes back empty and the license is checked in
the background, so the next keystroke finds it. Options are signed pick_teacher values for the
dialog, so a forged option is refused when picked; a customer gets only their own license's
teachers, and nobody gets options for a dialog of another channel or that they may not drive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from bot.action_values import ActionValue, decode_action_value
from bot.blocks import teacher_options
from bot.dialog import Action
from bot.errors import InvalidTransition
from bot.knowledge import Audience
from bot.service.context import Deps, Origin, RequestContext, request_context
from bot.service.replies import Replies
from bot.service.steps import teacher_choices

log = logging.getLogger(__name__)


class TeacherPicker:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies
        self._lock = threading.Lock()
        self._warming: set[str] = set()

    def options(self, origin: Origin, block_id: str, query: str) -> list[dict[str, Any]] | None:
        """The teachers matching `query`; None when `block_id` is not a teacher picker's."""
        marker = self._marker(block_id)
        if marker is None:
            return None
        ctx = request_context(self.deps, origin)
        allowed = self._allowed(ctx, marker.dialog_id)
        if allowed is None:
            return []
        license_id, audience = allowed
        diagnosis = self.deps.cache.peek(license_id)
        if diagnosis is None:
            self._warm(license_id)
            return []
        found = search(teacher_choices(diagnosis, audience), query)
        return teacher_options(found, dialog_id=marker.dialog_id, key=self.deps.action_key)

    def _marker(self, block_id: str) -> ActionValue | None:
        try:
            marker = decode_action_value(block_id, key=self.deps.action_key)
        except InvalidTransition:
            return None  # not ours to answer (another picker's, or forged: its owner refuses)
        if marker.action is not Action.PICK_TEACHER or not marker.dialog_id:
            return None
        return marker

    def _allowed(self, ctx: RequestContext, dialog_id: str) -> tuple[str, Audience] | None:
        """The dialog's license and who will read the picks, when this actor may search it."""
        stored = self.deps.store.load_dialog(dialog_id)
        if stored is None or stored.channel_id != ctx.origin.channel_id or not stored.license_id:
            self._refuse(ctx, None, "unknown or foreign dialog")
            return None
        decision = ctx.authorize(license_id=stored.license_id, owner=stored.user_id)
        if not decision.allowed:
            self._refuse(ctx, stored.license_id, str(decision.refusal))
            return None
        audience = ctx.audience if decision.in_channel else ctx.actor.audience
        return stored.license_id, audience

    def _refuse(self, ctx: RequestContext, license_id: str | None, reason: str) -> None:
        self.replies.audit(ctx.origin, ctx.actor, "teacher search", license_id=license_id,
                           result=f"refused: {reason}", refused=True)

    def _warm(self, license_id: str) -> None:
        """Check the license in the background (once at a time) for the next keystroke."""
        with self._lock:
            if license_id in self._warming:
                return
            self._warming.add(license_id)
        threading.Thread(target=self._check, args=(license_id,), daemon=True,
                         name=f"rosterbot-warm-{license_id[:40]}").start()

    def _check(self, license_id: str) -> None:
        try:
            self.deps.cache.get(self.deps.diagnoser, license_id)
        except Exception:  # a background helper: the next keystroke simply tries again
            log.exception("could not check %s for the teacher search", license_id)
        finally:
            with self._lock:
                self._warming.discard(license_id)


def search(teachers: Sequence[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """The (email, name) pairs whose name or email contains every word of `query`, in order."""
    words = query.casefold().split()
    return [(email, name) for email, name in teachers
            if all(word in f"{name} {email}".casefold() for word in words)]
