"""`/roster` subcommands. Results only the asker needs are ephemeral."""

from __future__ import annotations

from bot.blocks import link_modal
from bot.commands import USAGE, BadCommand, Command, parse_command
from bot.dialog import Action, Step, encode_action_value
from bot.identity import Actor
from bot.policy import Access, license_access
from bot.service.context import Deps, Origin
from bot.service.dialogs import Dialogs
from bot.service.lookups import Lookups
from bot.service.replies import SUPPORT_BUTTON, Replies
from bot.service.steps import StepView
from checks.errors import LicenseNotFound


class Commands:
    def __init__(self, deps: Deps, replies: Replies, steps: StepView, lookups: Lookups,
                 dialogs: Dialogs) -> None:
        self.deps, self.replies, self.steps = deps, replies, steps
        self.lookups, self.dialogs = lookups, dialogs

    def run(self, origin: Origin, actor: Actor, text: str) -> None:
        parsed = parse_command(text)
        if isinstance(parsed, BadCommand):
            self._usage(origin, actor, parsed)
            return
        handler = getattr(self, f"_{parsed.name}")
        try:
            handler(origin, actor, parsed)
        except LicenseNotFound as exc:
            self.replies.private(origin, self.replies.text(
                "usage", actor.audience, problem=f"There is no license {exc.license_id}."),
                replace=True)

    # -- subcommands -------------------------------------------------------------------------

    def _help(self, origin: Origin, actor: Actor, _cmd: Command) -> None:
        self.replies.private(origin, self.replies.text("help", actor.audience, greet=False))

    def _troubleshoot(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        self.dialogs.start(origin, actor, requested=cmd.argument, thread_ts=None)

    def _check(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        access = self._access(origin, actor, cmd)
        if access.license_id is None:
            return
        self._checking(origin, actor)
        diagnosis = self.steps.diagnosis(access.license_id, fresh=True)
        self.lookups.record(diagnosis, actor.user_id)
        self.replies.private(origin, self.replies.text(
            "diagnosis", actor.audience, license=diagnosis.license,
            results=list(diagnosis.steps)), replace=True)
        self._audit(origin, actor, cmd, access.license_id,
                    " ".join(f"{s.name}={s.status}" for s in diagnosis.steps))

    def _app(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        access = self._access(origin, actor, cmd)
        if access.license_id is None:
            return
        self._checking(origin, actor)
        license, result = self.deps.diagnoser.connection(access.license_id)
        self.replies.private(origin, self.replies.text(
            "step", actor.audience, step=str(Step.CONNECTION), result=result, license=license),
            replace=True)
        self._audit(origin, actor, cmd, access.license_id, f"connection={result.status}")

    def _email(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        assert cmd.argument is not None
        linked = self.deps.store.linked_license(origin.channel_id)
        if not actor.is_staff and linked is None:
            self._unlinked(origin, actor, cmd)
            return
        scope = None if actor.is_staff else linked
        self._checking(origin, actor)
        text = self.lookups.email_text(cmd.argument, audience=actor.audience, license_id=scope)
        self.replies.private(origin, text, replace=True)
        self._audit(origin, actor, cmd, scope, "email lookup")

    def _teacher(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        assert cmd.argument is not None
        access = self._access(origin, actor, Command(cmd.name))
        if access.license_id is None:
            return
        self._checking(origin, actor)
        text = self.lookups.teacher_text(access.license_id, cmd.argument,
                                         audience=actor.audience)
        self.replies.private(origin, text, replace=True)
        self._audit(origin, actor, cmd, access.license_id, "teacher report")

    def _link(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        if not self._staff_only(origin, actor, cmd):
            return
        if cmd.argument is None:
            self._open_link_modal(origin)
            return
        self.link(origin, actor, cmd.argument)

    def link(self, origin: Origin, actor: Actor, license_id: str) -> None:
        """Link the channel (staff only; callers have checked); the license must exist."""
        license = self.deps.diagnoser.licenses.get(license_id)
        self.deps.store.link_channel(origin.channel_id, license.id, by_user=actor.user_id)
        self.replies.private(origin, self.replies.text("link", actor.audience, linked=True,
                                                       license=license))
        self.replies.audit(origin, actor, "/roster link", license_id=license.id,
                           result="channel linked")

    def _open_link_modal(self, origin: Origin) -> None:
        if not origin.trigger_id:
            self._usage(origin, Actor(origin.user_id, None, True),
                        BadCommand("Which license? Add its id.", USAGE["link"]))
            return
        licenses = [(lic.id, lic.name) for lic in self.deps.diagnoser.licenses.list()]
        metadata = encode_action_value("", Action.CHOOSE_LICENSE, origin.channel_id,
                                       key=self.deps.action_key)
        self.deps.messenger.open_view(origin.trigger_id,
                                      link_modal(licenses=licenses, metadata=metadata))

    def _unlink(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        if not self._staff_only(origin, actor, cmd):
            return
        was = self.deps.store.linked_license(origin.channel_id)
        if not self.deps.store.unlink_channel(origin.channel_id):
            self.replies.private(origin, self.replies.say_key("not_linked", actor.audience))
            return
        self.replies.private(origin, self.replies.text("link", actor.audience, linked=False,
                                                       license=None))
        self._audit(origin, actor, cmd, was, "channel unlinked")

    # -- helpers -----------------------------------------------------------------------------

    def _access(self, origin: Origin, actor: Actor, cmd: Command) -> Access:
        """The license this request may read; refusals are answered and audited here."""
        linked = self.deps.store.linked_license(origin.channel_id)
        access = license_access(actor, requested=cmd.argument, linked=linked)
        if access.allowed:
            return access
        if access.refused_attempt:
            self.replies.private(origin, self.replies.text("not_allowed", actor.audience))
            self._audit(origin, actor, cmd, cmd.argument, "refused: outside the channel's "
                        "license", refused=True)
        elif actor.is_staff:
            self._usage(origin, actor, BadCommand("Which license? Add its id.", USAGE[cmd.name]))
        else:
            self._unlinked(origin, actor, cmd)
        return access

    def _staff_only(self, origin: Origin, actor: Actor, cmd: Command) -> bool:
        if actor.is_staff:
            return True
        self.replies.private(origin, self.replies.text("not_allowed", actor.audience))
        self._audit(origin, actor, cmd, cmd.argument, "refused: staff only", refused=True)
        return False

    def _unlinked(self, origin: Origin, actor: Actor, cmd: Command) -> None:
        self.replies.private(origin, self.replies.say_key("unlinked_place", actor.audience),
                             buttons=SUPPORT_BUTTON)
        self._audit(origin, actor, cmd, None, "unlinked place: general help only")

    def _checking(self, origin: Origin, actor: Actor) -> None:
        self.replies.private(origin, self.replies.text("checking", actor.audience, step=""))

    def _usage(self, origin: Origin, actor: Actor, bad: BadCommand) -> None:
        problem = bad.problem + (f" Usage: `{bad.usage}`" if bad.usage else "")
        self.replies.private(origin, self.replies.text("usage", actor.audience, problem=problem))

    def _audit(self, origin: Origin, actor: Actor, cmd: Command, license_id: str | None,
               result: str, *, refused: bool = False) -> None:
        self.replies.audit(origin, actor, f"/roster {cmd.name}", license_id=license_id,
                           result=result, refused=refused)
