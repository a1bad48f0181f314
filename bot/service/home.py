"""App Home: staff see recent diagnoses (repeated runs of one license collapsed into one line)
and the escalations open, claimed and resolved; others see what the bot does."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks import MAX_VIEW_BLOCKS, home_view
from bot.dialog import CHECK_STEPS
from bot.identity import Actor
from bot.knowledge import Audience
from bot.service.context import Deps
from bot.service.replies import Replies
from bot.service.watch import Watch
from bot.store import Escalation, EscalationStatus
from checks.errors import LicenseError

RUNS_READ = 500  # diagnosis runs read to find the recently checked licenses
LICENSES_SHOWN = 20
ESCALATIONS_READ = 100  # per status; the template shows the first 20 (10 resolved)


@dataclass(frozen=True, slots=True)
class RecentLicense:
    """A license checked lately: its latest run, and how many runs there were (each *Check
    again* is a run; they are one line here, not one line each)."""

    license_id: str
    license_name: str
    statuses: tuple[str, ...]  # latest run, in step order
    at: float  # epoch seconds of the latest run
    runs: int = 1


@dataclass(frozen=True, slots=True)
class EscalationRow:
    license_id: str
    license_name: str
    user_id: str  # who asked
    channel_id: str  # where they asked
    link: str  # the summary in the support channel, or ""
    at: float  # when support was asked
    status: str  # open | claimed | resolved
    by: str = ""  # who claimed or resolved it
    joined: int = 0  # other conversations that asked about it since


class Home:
    def __init__(self, deps: Deps, replies: Replies) -> None:
        self.deps, self.replies = deps, replies
        self._names: dict[str, str] = {}

    def publish(self, actor: Actor) -> None:
        self._names = {}  # license names, read once per publish
        if actor.is_staff:
            text = self.replies.text(
                "home", Audience.STAFF, recent=self._recent(),
                escalations=self._escalations(EscalationStatus.OPEN),
                claimed=self._escalations(EscalationStatus.CLAIMED),
                resolved=self._escalations(EscalationStatus.RESOLVED))
        else:
            text = self.replies.text("home", Audience.CUSTOMER, recent=[], escalations=[],
                                     claimed=[], resolved=[])
        view = home_view(text, title="rosterbot")
        if actor.is_staff:  # the watch's last sweep, under the title (bot.service.watch)
            sweep = Watch(self.deps, self.replies).home_blocks()
            view["blocks"] = [*view["blocks"][:1], *sweep,
                              *view["blocks"][1:MAX_VIEW_BLOCKS - len(sweep)]]
        self.deps.messenger.publish_home(actor.user_id, view)

    def _recent(self) -> list[RecentLicense]:
        """The latest run of each recently checked license, newest first, with its run count."""
        latest: dict[str, RecentLicense] = {}
        for record in self.deps.store.recent_diagnoses(RUNS_READ):  # newest first
            seen = latest.get(record.license_id)
            if seen is not None:
                latest[record.license_id] = RecentLicense(
                    seen.license_id, seen.license_name, seen.statuses, seen.at, seen.runs + 1)
            elif len(latest) < LICENSES_SHOWN:
                statuses = tuple(record.statuses.get(str(s), "unknown") for s in CHECK_STEPS)
                latest[record.license_id] = RecentLicense(
                    record.license_id, self._license_name(record.license_id), statuses,
                    record.at.timestamp())
        return list(latest.values())

    def _escalations(self, status: EscalationStatus) -> list[EscalationRow]:
        rows = []
        for esc in self.deps.store.escalations_with_status((status,), ESCALATIONS_READ):
            summary = esc.summary
            name = summary.get("license_name")
            by = esc.claimed_by if status is EscalationStatus.CLAIMED else esc.resolved_by
            joined = summary.get("joined_keys")
            rows.append(EscalationRow(
                license_id=esc.license_id or "",
                license_name=name if isinstance(name, str) else "",
                user_id=str(summary.get("user_id", "")), channel_id=esc.channel_id,
                link=self._link(esc), at=esc.created_at.timestamp(), status=str(esc.status),
                by=by or "", joined=len(joined) if isinstance(joined, list) else 0))
        return rows

    def _link(self, esc: Escalation) -> str:
        link = esc.summary.get("support_link")
        if isinstance(link, str) and link:
            return link
        support = self.deps.support_channel
        return self.deps.messenger.permalink(support, esc.message_ts) \
            if support and esc.message_ts else ""

    def _license_name(self, license_id: str) -> str:
        if license_id not in self._names:
            try:
                self._names[license_id] = self.deps.diagnoser.licenses.get(license_id).name
            except LicenseError:
                return "(license no longer exists)"
        return self._names[license_id]
