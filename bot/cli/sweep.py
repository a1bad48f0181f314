"""`rosterbot sweep [--linked] [--json]`: the watch, once, from the command line (for cron).

Diagnoses every license (or, with --linked, those linked to a Slack channel) a few at a time,
reading ClassLink's /applications once; stores each one's compact result, compares it with the
previous sweep and prints what changed (or one JSON object). With SLACK_BOT_TOKEN and
ROSTERBOT_SUPPORT_CHANNEL set it posts the digest there, and tells watched customer channels of
their own license's regression (--no-post: print only). A progress bar shows on a terminal.

It takes the same lease as the sweeps `rosterbot run` schedules (ROSTERBOT_SWEEP_CRON): while
another sweep runs, it says so and exits 2, as for a port in use. Exit status 3 when ClassLink
could not be asked at all, or Slack refused the digest (the results are stored all the same);
one district failing is part of the report, not a failure of the command.

`scheduled_sweeps` is the schedule `rosterbot run` keeps, built here from the same pieces.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from bot.cli.common import add_sandbox_flag, classlink_failure, load_settings, open_diagnoser
from bot.cli.output import EXIT_OK, EXIT_REMOTE, UsageError, console, fail, positive_int
from bot.knowledge import Audience, load_knowledge
from bot.rendering import Renderer
from bot.settings import Settings
from bot.store import Store, open_store
from bot.sweep.compare import Change
from bot.sweep.digest import Announcer, Told, key_code
from bot.sweep.run import (
    SweepBusy,
    SweepRun,
    holder_name,
    processes_for,
    run_sweep,
    sweep_lease,
)
from checks.diagnose import Diagnoser
from checks.models import Finding, Status
from checks.sweep import LicenseOutcome
from checks.sweep import Progress as SweepProgress

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sweep", help="diagnose every license, compare with the last sweep, post a digest")
    parser.add_argument("--linked", action="store_true",
                        help="only the licenses linked to a Slack channel")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--concurrency", type=positive_int, default=None, metavar="N",
                        help="licenses diagnosed at once (default ROSTERBOT_SWEEP_CONCURRENCY, "
                             "8)")
    parser.add_argument("--processes", type=int, default=None, metavar="N",
                        help="worker processes (default ROSTERBOT_SWEEP_PROCESSES; 0: one a "
                             "core, at most 4; 1: this process only)")
    parser.add_argument("--no-post", action="store_true",
                        help="print only: post nothing to Slack even when it is configured")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    concurrency = args.concurrency or settings.sweep_concurrency
    if args.processes is not None and args.processes < 0:
        raise UsageError("--processes must be 0 or more")
    processes = processes_for(settings.sweep_processes if args.processes is None
                              else args.processes)
    scope = "linked" if args.linked else "all"
    store = open_store(settings.database_url)
    try:
        with open_diagnoser(args) as diagnoser:
            try:
                with sweep_lease(store, holder_name("cli")):
                    with progress_bar(console(stderr=True)) as progress:
                        result = run_sweep(store, diagnoser, scope=scope, trigger="cli",
                                           concurrency=concurrency, processes=processes,
                                           progress=progress)
                    told = _post(settings, store, result) if _posting(settings, args) else None
            except SweepBusy as busy:
                raise UsageError(f"{busy}; not sweeping") from None
    finally:
        store.close()
    out = console()
    if args.json:
        print(json.dumps(sweep_json(result, told), indent=2, ensure_ascii=False))
    else:
        print_sweep(out, result, told, Renderer.plain(load_knowledge(settings.knowledge_dir)))
    if result.applications_error:
        return fail(classlink_failure(result.applications_error, settings,
                                      sandbox=args.sandbox), EXIT_REMOTE)
    if told is not None and told.errors:
        return fail(f"Slack: {told.errors[0]}" + (f" (and {len(told.errors) - 1} more)"
                                                  if len(told.errors) > 1 else ""), EXIT_REMOTE)
    return EXIT_OK


def _posting(settings: Settings, args: argparse.Namespace) -> bool:
    return not args.no_post and bool(settings.slack_bot_token)


def _post(settings: Settings, store: Store, result: SweepRun) -> Told:
    from bot.app import action_key
    from bot.messenger import SlackMessenger, web_client

    token = settings.require("slack_bot_token")
    messenger = SlackMessenger(web_client(token, base_url=settings.slack_api_url))
    renderer = Renderer.create(load_knowledge(settings.knowledge_dir))
    announcer = Announcer(renderer=renderer, messenger=messenger, store=store,
                          support_channel=settings.support_channel,
                          action_key=action_key(settings))
    return announcer.tell(result)


@contextmanager
def progress_bar(err: Console) -> Iterator[SweepProgress | None]:
    """A progress bar on a terminal's stderr; nothing when stderr is not a terminal."""
    if not err.is_terminal:
        yield None
        return
    with Progress(TextColumn("Sweeping"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err,
                  transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, outcome: LicenseOutcome) -> None:
            bar.update(task, completed=done, total=total, description=outcome.license_id)

        yield progress


# -- output ------------------------------------------------------------------------------------


def sweep_json(result: SweepRun, told: Told | None) -> dict[str, Any]:
    record = result.record
    return {
        "sweep": {"id": record.id, "scope": result.scope, "trigger": record.trigger,
                  "started_at": record.started_at.isoformat(), "seconds": round(result.seconds, 2),
                  "summary": record.summary},
        "applications_error": result.applications_error,
        "comparison": result.comparison.to_json(),
        "licenses": [o.to_json() for o in result.outcomes],
        "posted": None if told is None else {
            "digest_ts": told.digest_ts, "details": told.details,
            "announced": list(told.announced), "errors": list(told.errors)},
    }


def print_sweep(out: Console, result: SweepRun, told: Told | None, words: Renderer) -> None:
    c, summary = result.comparison, result.record.summary
    what = "licenses linked to a channel" if result.scope == "linked" else "licenses"
    requests = f", {summary['requests']:,} ClassLink requests" if "requests" in summary else ""
    out.print(f"[bold]Sweep {result.record.id}[/]: {c.licenses} {what} in "
              f"{result.seconds:.1f} s{requests}, /applications read "
              f"{_times(int(summary.get('applications_reads', 0)))}")
    if result.applications_error:
        out.print(f"[magenta]ClassLink could not be asked[/]: {escape(result.applications_error)}"
                  "; nothing was checked")
        return
    compared = "compared with the previous sweep" if c.compared else \
        "first sweep: nothing to compare with yet"
    out.print(f"[green]pass {c.passing}[/] · [yellow]warn {len(c.warnings)}[/] · "
              f"[red]broken {len(c.broken)}[/] · [magenta]ClassLink errors "
              f"{len(c.classlink_errors)}[/] · {compared}")
    lists: Sequence[tuple[str, Sequence[Change], str]] = (
        ("Newly broken", c.newly_broken, "changed"),
        ("Broken at their first check", c.first_broken, "broken"),
        ("Still broken", c.still_broken, "since"),
        ("Recovered", c.recovered, "recovered"),
        ("ClassLink errors", c.classlink_errors, "error"),
    )
    for title, changes, kind in lists:
        if not changes and kind not in ("changed", "recovered"):
            continue
        if not c.compared and kind in ("changed", "recovered"):
            continue
        out.print()
        out.print(f"[bold]{title}[/] ({len(changes)})")
        for change in changes:
            _print_change(out, change, kind, words)
    if told is not None:
        out.print()
        out.print(_told_line(told))


def _print_change(out: Console, change: Change, kind: str, words: Renderer) -> None:
    since = f"  since {change.since:%Y-%m-%d %H:%M} UTC" if change.since and kind == "since" \
        else ""
    out.print(f"  [bold]{escape(change.license_id)}[/]  {escape(change.license_name)}{since}")
    if kind == "error":
        out.print(f"    {escape(change.classlink_error)}")
        return
    if kind == "recovered":
        out.print(f"    was {change.was}; now {change.status}")
        return
    code = key_code(change) if kind == "changed" else change.primary
    finding = _finding(change, code)
    label = "new: " if kind == "changed" else ""
    text = words.finding(finding, audience=Audience.STAFF) if finding else ""
    codes = ", ".join(f"{k}×{n}" if n > 1 else k for k, n in change.findings.items())
    out.print(f"    {label}{escape(code)}: {escape(text)}" if text else f"    {escape(code)}")
    out.print(f"    [dim]{escape(codes)}[/]")


def _finding(change: Change, code: str) -> Finding | None:
    results = change.outcome.results if change.outcome is not None else None
    return next((f for r in results or () for f in r.findings
                 if f.code == code and f.status is not Status.PASS), None)


def _told_line(told: Told) -> str:
    parts = []
    if told.digest_ts:
        parts.append(f"posted the digest ({told.details} message"
                     f"{'s' if told.details != 1 else ''} in its thread)")
    if told.announced:
        parts.append(f"told {len(told.announced)} watched channel"
                     f"{'s' if len(told.announced) != 1 else ''} of their regression")
    if not parts:
        parts.append("nothing posted (no support channel, no watched regression)")
    return "Slack: " + "; ".join(parts)


def _times(n: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(n, f"{n} times")


# -- the schedule `rosterbot run` keeps ----------------------------------------------------------


@contextmanager
def scheduled_sweeps(settings: Settings, *, sandbox: bool) -> Iterator[None]:
    """Keep the sweep schedule (ROSTERBOT_SWEEP_CRON) for the block: a thread that sweeps at each
    time this replica claims first, posting the digest like `rosterbot sweep`. Its own store
    connection and ClassLink client; nothing when the schedule is off."""
    from bot.cli.runtime import diagnoser_for
    from bot.sweep.cron import CronSchedule
    from bot.sweep.schedule import SweepScheduler

    schedule = CronSchedule(settings.sweep_cron, settings.sweep_timezone)
    if schedule.off:
        yield
        return
    store = open_store(settings.database_url)
    try:
        with diagnoser_for(settings, sandbox=sandbox) as diagnoser:
            scheduler = SweepScheduler(schedule, store,
                                       lambda _slot: scheduled_sweep(settings, store, diagnoser))
            scheduler.start()
            try:
                yield
            finally:
                scheduler.stop()
    finally:
        store.close()


def scheduled_sweep(settings: Settings, store: Store, diagnoser: Diagnoser) -> SweepRun:
    """One scheduled sweep: under the lease, stored, compared, told (SweepBusy when held)."""
    with sweep_lease(store, holder_name("schedule")):
        result = run_sweep(store, diagnoser, scope="all", trigger="schedule",
                           concurrency=settings.sweep_concurrency,
                           processes=processes_for(settings.sweep_processes))
        if settings.slack_bot_token:
            told = _post(settings, store, result)
            for error in told.errors:
                log.warning("sweep %d: %s", result.record.id, error)
    return result
