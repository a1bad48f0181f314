"""`rosterbot run`: the Slack app, over Socket Mode (SLACK_APP_TOKEN) or HTTP (--http).

Logging follows LOG_LEVEL and LOG_FORMAT (bot.observability.logs). Starting, serving and the
graceful stop on SIGTERM are in bot.cli.serve. Any failure to start is one line and exit 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import add_sandbox_flag, load_settings
from bot.cli.output import EXIT_OK, UsageError, port_number
from bot.errors import ConfigError, StoreError
from bot.settings import Settings

BOT_TOKEN_PREFIX = "xoxb-"
APP_TOKEN_PREFIX = "xapp-"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="run the Slack app")
    parser.add_argument("--http", action="store_true",
                        help="serve POST /slack/events, GET /healthz, /readyz and /metrics "
                             "instead of Socket Mode")
    parser.add_argument("--port", type=port_number, default=3000,
                        help="port for --http (0: any free port; default 3000)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (HTTP and health port; default 127.0.0.1)")
    parser.add_argument("--health-port", type=port_number, default=None, metavar="PORT",
                        help="also serve GET /healthz, /readyz and /metrics on this port "
                             "(for Socket Mode, which has no HTTP server of its own)")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli.serve import serve
    from bot.cli.sweep import scheduled_sweeps
    from bot.observability.logs import configure_logging

    settings = load_settings()
    configure_logging(settings)  # replaces the CLI's silent default (bot.cli.main)
    try:
        _check(settings, http=args.http)
        # the watch's schedule (ROSTERBOT_SWEEP_CRON) runs while the app serves
        serve(settings, args,
              background=[lambda: scheduled_sweeps(settings, sandbox=args.sandbox)])
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
    except StoreError as exc:
        raise UsageError(f"store: {exc}") from None
    return EXIT_OK


def _check(settings: Settings, *, http: bool) -> None:
    """The settings `run` needs are there and look right (no token is ever echoed)."""
    token = settings.require("slack_bot_token")
    if not token.startswith(BOT_TOKEN_PREFIX):
        raise ConfigError("SLACK_BOT_TOKEN", f"is not a bot token: it must start with "
                          f"{BOT_TOKEN_PREFIX} (the Bot User OAuth Token)")
    if http:
        settings.require("slack_signing_secret")
        return
    if not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN", "is required for Socket Mode (or pass --http)")
    if not settings.slack_app_token.startswith(APP_TOKEN_PREFIX):
        raise ConfigError("SLACK_APP_TOKEN", f"is not an app-level token: it must start with "
                          f"{APP_TOKEN_PREFIX} (Basic Information → App-Level Tokens)")
