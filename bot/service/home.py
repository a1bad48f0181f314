"""App Home: staff see recent diagnoses and open escalations; others see what the bot does."""

from __future__ import annotations

from bot.blocks import home_view
from bot.identity import Actor
from bot.rendering import OpenEscalation, RecentDiagnosis
from bot.service.context import Deps
from bot.service.replies import Replies
from checks.errors import LicenseError

CHECK_ORDER = ("connection", "emails", "sanity")


class Home:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies

    def publish(self, actor: Actor) -> None:
        if actor.is_staff:
            text = self.replies.text("home", "staff", recent=self._recent(),
                                     escalations=self._escalations())
        else:
            text = self.replies.text("home", "customer", recent=[], escalations=[])
        self.deps.messenger.publish_home(actor.user_id, home_view(text, title="rosterbot"))

    def _recent(self) -> list[RecentDiagnosis]:
        names: dict[str, str] = {}
        out = []
        for record in self.deps.store.recent_diagnoses(20):
            if record.license_id not in names:
                names[record.license_id] = self._license_name(record.license_id)
            statuses = tuple(record.statuses.get(name, "unknown") for name in CHECK_ORDER)
            out.append(RecentDiagnosis(record.license_id, names[record.license_id],
                                       (statuses[0], statuses[1], statuses[2]),
                                       record.at.timestamp()))
        return out

    def _escalations(self) -> list[OpenEscalation]:
        out = []
        for esc in self.deps.store.open_escalations(20):
            support = self.deps.support_channel
            link = self.deps.messenger.permalink(support, esc.message_ts) \
                if support and esc.message_ts else ""
            out.append(OpenEscalation(esc.license_id or "", str(esc.summary.get("user_id", "")),
                                      link, esc.created_at.timestamp()))
        return out

    def _license_name(self, license_id: str) -> str:
        try:
            return self.deps.diagnoser.licenses.get(license_id).name
        except LicenseError:
            return "(license no longer exists)"
