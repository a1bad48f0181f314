"""`rosterbot run`: the Slack app, over Socket Mode (SLACK_APP_TOKEN) or HTTP (--http)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.cli.common import add_sandbox_flag, load_settings
from bot.cli.output import EXIT_OK, RemoteError, UsageError, cannot_listen, console, port_number
from bot.cli.runtime import diagnoser_for
from bot.errors import ConfigError, StoreError
from bot.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="run the Slack app")
    parser.add_argument("--http", action="store_true",
                        help="serve POST /slack/events and GET /healthz instead of Socket Mode")
    parser.add_argument("--port", type=port_number, default=3000,
                        help="port for --http (0: any free port; default 3000)")
    parser.add_argument("--host", default="127.0.0.1")
    add_sandbox_flag(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s",
                        force=True)  # replaces the CLI's silent default (bot.cli.main)
    settings = load_settings()
    try:
        _check(settings, http=args.http)
        _serve(settings, args)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from None
    except StoreError as exc:
        raise UsageError(f"store: {exc}") from None
    return EXIT_OK


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

    out = console()
    store = open_store(settings.database_url)
    try:
        with diagnoser_for(settings, sandbox=args.sandbox) as diagnoser:
            built = create_app(settings, diagnoser=diagnoser, store=store)
            if args.http:
                try:
                    server = serve_bolt(built.app, host=args.host, port=args.port)
                except OSError as exc:  # the port is taken or privileged, or the host not ours
                    raise cannot_listen(args.host, args.port, exc) from None
                out.print(f"rosterbot listening on {server.events_url} "
                          f"(health: {server.url}/healthz)", markup=False)
                out.file.flush()
                server.serve_until_interrupted()
            else:
                out.print("rosterbot connecting to Slack over Socket Mode", markup=False)
                out.file.flush()
                _socket_mode(built.app, settings)
    finally:
        store.close()


def _socket_mode(app: Any, settings: Settings) -> None:
    """Connect to Slack and serve until interrupted; Slack refusing or absent is exit status 3."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError, SlackClientError

    handler = SocketModeHandler(app, settings.slack_app_token)
    try:
        handler.start()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        raise RemoteError(f"Slack refused to open a Socket Mode connection ({error or exc}); "
                          "check SLACK_APP_TOKEN") from None
    except (SlackClientError, OSError) as exc:
        where = settings.slack_api_url or "https://slack.com/api/"
        reason = getattr(exc, "reason", None) or exc  # urllib wraps the socket error
        raise RemoteError(f"Slack could not be reached at {where}: {reason}") from None
