"""`rosterbot run`: the Slack app, over Socket Mode (SLACK_APP_TOKEN) or HTTP (--http)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.cli.common import add_sandbox_flag, load_settings
from bot.cli.output import UsageError
from bot.errors import ConfigError, StoreError
from bot.runtime import diagnoser_for
from bot.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="run the Slack app")
    parser.add_argument("--http", action="store_true",
                        help="serve POST /slack/events and GET /healthz instead of Socket Mode")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--host", default="127.0.0.1")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    try:
        _check(settings, http=args.http)
        _serve(settings, args)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
    except StoreError as exc:
        raise UsageError(f"store: {exc}") from None
    return 0


def _check(settings: Settings, *, http: bool) -> None:
    settings.require("slack_bot_token")
    if http:
        settings.require("slack_signing_secret")
    elif not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN", "is required for Socket Mode (or pass --http)")


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from bot.app import create_app
    from bot.http import serve_bolt
    from bot.store import open_store

    store = open_store(settings.database_url)
    with diagnoser_for(settings, sandbox=args.sandbox) as diagnoser:
        built = create_app(settings, diagnoser=diagnoser, store=store)
        if args.http:
            server = serve_bolt(built.app, host=args.host, port=args.port)
            print(f"rosterbot listening on {server.events_url} (health: {server.url}/healthz)")
            server.serve_until_interrupted()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            print("rosterbot connecting to Slack over Socket Mode")
            SocketModeHandler(built.app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    store.close()
