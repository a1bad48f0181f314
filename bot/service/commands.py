"""`/roster` subcommands. Results only the asker needs are ephemeral.

Each subcommand asks the request's context (`ctx.authorize`) what it may read; when the answer
is about a license the channel's readers may not see (another license than the channel's, or
any license where customers read along), the reply goes to the staff member alone and says so.
"""

from __future__ import annotations

from bot.action_values import encode_action_value
from bot.blocks import link_modal
from bot.commands import USAGE, BadCommand, Command, parse_command
from bot.dialog import Action, Step
from bot.knowledge import Audience
from bot.policy import Decision, Refusal
from bot.service.context import Deps, RequestContext
from bot.service.dialogs import Dialogs
from bot.service.lookups import Lookups
from bot.service.replies import SUPPORT_BUTTON, Replies
from bot.service.steps import StepView
from bot.service.watch import Watch
from checks.errors import LicenseNotFound


class Commands:
    def __init__(self, deps: Deps, replies: Replies, steps: StepView, lookups: Lookups,
                 dialogs: Dialogs) -> None:
        self.deps, self.replies, self.steps = deps, replies, steps
        self.lookups, self.dialogs = lookups, dialogs

    def run(self, ctx: RequestContext, text: str) -> None:
        parsed = parse_command(text)
        if isinstance(parsed, BadCommand):
            self._usage(ctx, parsed)
            return
        handler = getattr(self, f"_{parsed.name}")
        try:
            handler(ctx, parsed)
        except LicenseNotFound as exc:
            self.replies.private(ctx.origin, self.replies.text(
                "usage", ctx.actor.audience, problem=f"There is no license {exc.license_id}."),
                replace=True)

    # -- subcommands -------------------------------------------------------------------------

    def _help(self, ctx: RequestContext, _cmd: Command) -> None:
        self.replies.private(ctx.origin, self.replies.text("help", ctx.actor.audience,
                                                           greet=False))

    def _troubleshoot(self, ctx: RequestContext, cmd: Command) -> None:
        self.dialogs.start(ctx, requested=cmd.argument, thread_ts=None)

    def _check(self, ctx: RequestContext, cmd: Command) -> None:
        decision = self._access(ctx, cmd, cmd.argument)
        if decision.license_id is None:
            return
        self._checking(ctx)
        diagnosis = self.steps.diagnosis(decision.license_id, fresh=True)
        self.lookups.record(diagnosis, ctx.actor.user_id)
        text = self.replies.text("diagnosis", ctx.actor.audience, license=diagnosis.license,
                                 results=list(diagnosis.steps))
        self._answer(ctx, decision.in_channel, text)
        self._audit(ctx, cmd, decision.license_id,
                    " ".join(f"{s.name}={s.status}" for s in diagnosis.steps))

    def _app(self, ctx: RequestContext, cmd: Command) -> None:
        decision = self._access(ctx, cmd, cmd.argument)
        if decision.license_id is None:
            return
        self._checking(ctx)
        license, result = self.deps.diagnoser.connection(decision.license_id)
        text = self.replies.text("step", ctx.actor.audience, step=str(Step.CONNECTION),
                                 result=result, license=license)
        self._answer(ctx, decision.in_channel, text)
        self._audit(ctx, cmd, decision.license_id, f"connection={result.status}")

    def _email(self, ctx: RequestContext, cmd: Command) -> None:
        assert cmd.argument is not None
        decision = ctx.authorize(needs_license=False)
        if not decision.allowed:
            self._unlinked(ctx, cmd)
            return
        scope = None if ctx.actor.is_staff else decision.license_id
        self._checking(ctx)
        text = self.lookups.email_text(cmd.argument, audience=ctx.actor.audience,
                                       license_id=scope)
        # staff look across every license: only an internal, unlinked channel may read that
        self._answer(ctx, decision.in_channel if scope else ctx.audience is Audience.STAFF, text)
        self._audit(ctx, cmd, scope, "email lookup")

    def _teacher(self, ctx: RequestContext, cmd: Command) -> None:
        assert cmd.argument is not None
        decision = self._access(ctx, cmd, cmd.license_id)
        if decision.license_id is None:
            return
        self._checking(ctx)
        text = self.lookups.teacher_text(decision.license_id, cmd.argument,
                                         audience=ctx.actor.audience)
        self._answer(ctx, decision.in_channel, text)
        self._audit(ctx, cmd, decision.license_id, "teacher report")

    def _link(self, ctx: RequestContext, cmd: Command) -> None:
        if not self._staff_only(ctx, cmd):
            return
        if cmd.argument is None:
            self._open_link_modal(ctx)
            return
        self.link(ctx, cmd.argument)

    def link(self, ctx: RequestContext, license_id: str) -> None:
        """Link the channel (staff only; callers have checked); the license must exist."""
        license = self.deps.diagnoser.licenses.get(license_id)
        self.deps.store.link_channel(ctx.origin.channel_id, license.id,
                                     by_user=ctx.actor.user_id)
        self.replies.private(ctx.origin, self.replies.text(
            "link", ctx.actor.audience, linked=True, license=license))
        self.replies.audit(ctx.origin, ctx.actor, "/roster link", license_id=license.id,
                           result="channel linked")

    def _open_link_modal(self, ctx: RequestContext) -> None:
        if not ctx.origin.trigger_id:
            self._usage(ctx, BadCommand("Which license? Add its id.", USAGE["link"]))
            return
        licenses = [(lic.id, lic.name) for lic in self.deps.diagnoser.licenses.list()]
        metadata = encode_action_value("", Action.CHOOSE_LICENSE, ctx.origin.channel_id,
                                       key=self.deps.action_key)
        self.deps.messenger.open_view(ctx.origin.trigger_id,
                                      link_modal(licenses=licenses, metadata=metadata))

    def _watch(self, ctx: RequestContext, cmd: Command) -> None:
        """`/roster watch [on|off]`: the channel hears of its license's regressions (staff)."""
        if self._staff_only(ctx, cmd):
            Watch(self.deps, self.replies).command(ctx, cmd.argument)

    def _unlink(self, ctx: RequestContext, cmd: Command) -> None:
        if not self._staff_only(ctx, cmd):
            return
        was = ctx.channel.linked_license
        if not self.deps.store.unlink_channel(ctx.origin.channel_id):
            self.replies.private(ctx.origin, self.replies.say_key("not_linked",
                                                                  ctx.actor.audience))
            return
        self.replies.private(ctx.origin, self.replies.text("link", ctx.actor.audience,
                                                           linked=False, license=None))
        self._audit(ctx, cmd, was, "channel unlinked")

    # -- helpers -----------------------------------------------------------------------------

    def _access(self, ctx: RequestContext, cmd: Command, requested: str | None) -> Decision:
        """The license this request may read; refusals are answered and audited here."""
        decision = ctx.authorize(license_id=requested)
        if decision.allowed:
            return decision
        if decision.attempt:
            self.replies.private(ctx.origin, self.replies.text("not_allowed",
                                                               ctx.actor.audience))
            self._audit(ctx, cmd, requested, "refused: outside the channel's license",
                        refused=True)
        elif decision.refusal is Refusal.NEED_LICENSE:
            self._usage(ctx, BadCommand("Which license? Add its id.", USAGE[cmd.name]))
        else:
            self._unlinked(ctx, cmd)
        return decision

    def _answer(self, ctx: RequestContext, in_channel: bool, text: str) -> None:
        """The answer, to the asker alone; it says so when the channel's readers may not see
        what it is about."""
        if not in_channel:
            text = self.replies.say_key("only_you", ctx.actor.audience) + "\n\n" + text
        self.replies.private(ctx.origin, text, replace=True)

    def _staff_only(self, ctx: RequestContext, cmd: Command) -> bool:
        if ctx.authorize(staff_only=True, needs_license=False).allowed:
            return True
        self.replies.private(ctx.origin, self.replies.text("not_allowed", ctx.actor.audience))
        self._audit(ctx, cmd, cmd.argument, "refused: staff only", refused=True)
        return False

    def _unlinked(self, ctx: RequestContext, cmd: Command) -> None:
        self.replies.private(ctx.origin, self.replies.say_key("unlinked_place",
                                                              ctx.actor.audience),
                             buttons=SUPPORT_BUTTON)
        self._audit(ctx, cmd, None, "unlinked place: general help only")

    def _checking(self, ctx: RequestContext) -> None:
        self.replies.private(ctx.origin, self.replies.text("checking", ctx.actor.audience,
                                                           step=""))

    def _usage(self, ctx: RequestContext, bad: BadCommand) -> None:
        problem = bad.problem + (f" Usage: `{bad.usage}`" if bad.usage else "")
        self.replies.private(ctx.origin, self.replies.text("usage", ctx.actor.audience,
                                                           problem=problem))

    def _audit(self, ctx: RequestContext, cmd: Command, license_id: str | None, result: str, *,
               refused: bool = False) -> None:
        self.replies.audit(ctx.origin, ctx.actor, f"/roster {cmd.name}", license_id=license_id,
                           result=result, refused=refused)
